// swift-tools-version: 6.1
// OctoBus: a single-binary local gateway for Node.js service packages.
// Layers (imports flow one way): CLI → Actors → Protocols → Runtime → C modules; the load
// generator (Bench) sits beside Actors: CLI → Bench → Protocols → Runtime.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Dynamic exclusivity checks stay on in debug builds (and tests), where they catch
    // re-entrancy bugs; release builds drop them from the per-request path.
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
]

let package = Package(
    name: "octobus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "octobus", targets: ["CLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // HDR latency histograms for `octobus bench` (pure Swift over swift-numerics; no Foundation).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // System libraries from Debian (libuv1-dev, libnghttp2-dev, libsqlite3-dev, zlib1g-dev).
        .systemLibrary(name: "CLibUV", path: "Sources/CLibUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CNghttp2", path: "Sources/CNghttp2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // Version, commit and build date, stamped by scripts/build.sh through -Xcc -D… (fallbacks in the source).
        .target(name: "CBuildInfo", path: "Sources/CBuildInfo"),

        .target(
            name: "Runtime",
            dependencies: ["CLibUV", "CNghttp2", "CSQLite", "CZlib"],
            path: "Sources/Runtime",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Protocols",
            dependencies: ["Runtime"],
            path: "Sources/Protocols",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Actors",
            dependencies: ["Protocols", "Runtime", "CBuildInfo"],
            path: "Sources/Actors",

            swiftSettings: swiftSettings
        ),
        .target(
            name: "Bench",
            dependencies: ["Protocols", "Runtime", .product(name: "Histogram", package: "hdrhistogram-swift")],
            path: "Sources/Bench",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "CLI",
            dependencies: [
                "Actors", "Bench", "Protocols", "Runtime", "CBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/CLI",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "OctobusBench",
            dependencies: ["Runtime"],
            path: "Benchmarks/OctobusBench",
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "RuntimeTests", dependencies: ["Runtime"], path: "Tests/RuntimeTests", swiftSettings: swiftSettings),
        .testTarget(name: "ProtocolsTests", dependencies: ["Protocols", "Runtime"], path: "Tests/ProtocolsTests",
                    exclude: ["Fixtures", "Protobuf/Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "Protocols", "Runtime", .product(name: "Histogram", package: "hdrhistogram-swift")], path: "Tests/BenchTests", swiftSettings: swiftSettings),
        .testTarget(name: "ActorsTests", dependencies: ["Actors", "Protocols", "Runtime"], path: "Tests/ActorsTests", swiftSettings: swiftSettings),
    ]
)
