import Protocols
import Runtime

/// Recursive import: service roots under a scan root (SPEC §2.3).
enum ServiceDiscovery {
    /// Relative roots (sorted) of directories holding service.json below `scanRoot`, skipping
    /// node_modules, .git and dot-directories; a root is not descended.
    static func roots(in packageDir: String, under scanRoot: String) throws -> [String] {
        let base = packageDir + "/" + scanRoot
        guard FileSystem.isDirectory(base) else { throw ImportError("no service roots found under \"\(scanRoot)\"") }
        if FileSystem.isRegularFile(base + "/service.json") { return [scanRoot] }
        var found: [String] = []
        func walk(_ relative: String, depth: Int) throws {
            guard depth < 32 else { return }
            for name in try FileSystem.listDirectory(packageDir + "/" + relative) {
                if name == "node_modules" || name == ".git" || name.hasPrefix(".") { continue }
                let child = relative == "." ? name : relative + "/" + name
                let full = packageDir + "/" + child
                guard FileSystem.isDirectory(full), !FileSystem.isSymbolicLink(full) else { continue }
                if FileSystem.isRegularFile(full + "/service.json") {
                    found.append(child)
                } else {
                    try walk(child, depth: depth + 1)
                }
            }
        }
        try walk(scanRoot, depth: 0)
        guard !found.isEmpty else { throw ImportError("no service roots found under \"\(scanRoot)\"") }
        return found.sorted()
    }

    /// Service roots of the source tree that the packed package does not have (left out by
    /// package.json `files` or `.npmignore`): reported, never silently skipped.
    static func excludedRoots(source: String, packed: String, under scanRoot: String,
                              environment: ImportEnvironment) async -> [ExcludedRoot] {
        let result: [ExcludedRoot]? = try? await environment.blocking("compare service roots") {
            let inSource = (try? roots(in: source, under: scanRoot)) ?? []
            let inPacked = Set((try? roots(in: packed, under: scanRoot)) ?? [])
            return inSource.filter { !inPacked.contains($0) }.map { root in
                let name = (try? ServiceManifest.load(serviceRoot: source + "/" + root))?.name
                return ExcludedRoot(root: root, serviceName: name)
            }
        }
        return result ?? []
    }
}

/// A service root that exists in a package's source but not in what `npm pack` made of it.
struct ExcludedRoot: Sendable, Equatable {
    var root: String
    /// Its service.json `name`, when readable.
    var serviceName: String?

    var serviceID: String? { serviceName.flatMap { Identifier.isValid($0) ? $0 : nil } }

    var message: String {
        let service = serviceName.map { " (service \"\($0)\")" } ?? ""
        return "service root \"\(root)\"\(service) is in the source but not in the packed package: package.json \"files\" "
            + "or .npmignore leaves it out, so it is not imported; add it to \"files\" to import it"
    }
}
