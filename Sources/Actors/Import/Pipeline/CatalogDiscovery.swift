import Runtime

/// A recursive import of a directory that is not itself a package: a catalog of packages.
///
/// The layout: every directory below the scan root (skipping `node_modules`, `.git` and
/// dot-directories) that holds a `package.json` is a package and is not descended further;
/// its service roots are found inside it as for a one-package recursive import (SPEC §2.3).
/// A package directory with no `service.json` anywhere inside is not a service package (a
/// shared library, a tool) and is left out, with a progress note saying so.
enum CatalogDiscovery {
    /// How deep packages are looked for below the scan root.
    static let maximumDepth = 8

    /// Whether a recursive import of `source` (a local directory) is a catalog import: the
    /// directory has no package.json of its own.
    static func isCatalog(_ directory: String) -> Bool {
        FileSystem.isDirectory(directory) && !FileSystem.exists(directory + "/package.json")
    }

    /// Package directories below `scanRoot` (relative to `base`, sorted).
    static func packages(in base: String, under scanRoot: String) throws -> [String] {
        var found: [String] = []
        func walk(_ relative: String, depth: Int) throws {
            guard depth < maximumDepth else { return }
            for name in try FileSystem.listDirectory(base + "/" + relative) {
                if name == "node_modules" || name == ".git" || name.hasPrefix(".") { continue }
                let child = relative == "." ? name : relative + "/" + name
                let full = base + "/" + child
                guard FileSystem.isDirectory(full), !FileSystem.isSymbolicLink(full) else { continue }
                if FileSystem.isRegularFile(full + "/package.json") {
                    found.append(child)
                } else {
                    try walk(child, depth: depth + 1)
                }
            }
        }
        try walk(scanRoot, depth: 0)
        return found.sorted()
    }
}

/// Runs `body` for each item with at most `limit` running at once; results in item order.
func mapConcurrently<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        while next < min(limit, items.count) {
            let index = next
            group.addTask { (index, await body(items[index])) }
            next += 1
        }
        for await (index, result) in group {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, await body(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
