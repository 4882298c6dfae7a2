import Protocols
import Testing

/// `tools/list` pages: 100 tools each, in sort-key order, with opaque and stable cursors.
@Suite struct MCPToolPaginationTests {
    struct Tool: Equatable {
        let service: String
        let instance: String
        let method: String
        var key: [String] { [service, instance, method] }
    }

    static func tools(_ count: Int) -> [Tool] {
        (0..<count).map { i in
            Tool(service: "svc\(i % 3)", instance: "inst\(i % 7)", method: "pkg.S/M\(String(i, radix: 16))")
        }
    }

    func page(_ tools: [Tool], _ cursor: String?, size: Int = MCPLimits.defaultToolsPageSize) throws -> ([Tool], String?) {
        let result = try MCPToolPagination.page(tools, key: \.key, cursor: cursor, pageSize: size)
        return (result.tools, result.nextCursor)
    }

    // 250 tools in any order: pages of 100, 100 and 50, together every tool once, sorted.
    @Test func pagesInSortedOrder() throws {
        var shuffled = Self.tools(250)
        var rng = SplitMix64(seed: 3)
        shuffled.shuffle(using: &rng)
        var all: [Tool] = []
        var cursor: String?
        var sizes: [Int] = []
        repeat {
            let (tools, next) = try page(shuffled, cursor)
            sizes.append(tools.count)
            all += tools
            cursor = next
            if let next { #expect(next.hasPrefix("v1.")) }
        } while cursor != nil
        #expect(sizes == [100, 100, 50])
        #expect(all.count == 250)
        let sorted = Self.tools(250).sorted {
            $0.key.lexicographicallyPrecedes($1.key) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        #expect(all == sorted)
        #expect(try page(Self.tools(100), nil).1 == nil, "exactly one full page has no next cursor")
        #expect(try page([], nil).0.isEmpty)
    }

    // The cursor names the last tool returned, not a position: tools added or removed
    // between requests never make a remaining tool be skipped or repeated.
    @Test func staysStableWhileTheSetChanges() throws {
        let original = Self.tools(60)
        let (first, cursor) = try page(original, nil, size: 20)
        var changed = original.filter { $0 != first[3] && $0 != first[19] }
        changed += [Tool(service: "svc0", instance: "a", method: "new"), Tool(service: "svc9", instance: "z", method: "late")]
        var rest: [Tool] = []
        var next = cursor
        while let current = next {
            let (tools, following) = try page(changed, current, size: 20)
            rest += tools
            next = following
        }
        let seen = first + rest
        for tool in changed where !first.contains(tool) {
            let isBeforeCursor = tool.key.lexicographicallyPrecedes(first.last!.key) { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(seen.contains(tool) != isBeforeCursor, "\(tool)")
        }
        #expect(Set(rest.map(\.method)).count == rest.count, "no tool twice")
        #expect(rest.allSatisfy { !first.contains($0) })
    }

    @Test func refusesCursorsItDidNotIssue() throws {
        let tools = Self.tools(10)
        let issued = MCPToolCursor(afterKey: ["svc1", "inst2", "pkg.S/M4"])
        #expect(try MCPToolCursor(parsing: issued.text) == issued)
        let invalid = [
            "", "garbage", "v2." + String(issued.text.dropFirst(3)), issued.text + "=", issued.text + "!",
            "v1." + "W10",  // []
            "v1." + "eyJhIjoxfQ",  // {"a":1}
            "v1." + "WzFd",  // [1]
            "v1." + String(repeating: "A", count: 5000),
        ]
        for text in invalid {
            let error = #expect(throws: MCPRequestRejection.self, "\(text)") { try page(tools, text) }
            #expect(error?.code == .invalidParams)
            #expect(error?.message == "invalid cursor")
        }
        #expect(try MCPToolPagination.cursor(in: nil) == nil)
        #expect(try MCPToolPagination.cursor(in: ["cursor": .null]) == nil)
        #expect(try MCPToolPagination.cursor(in: ["cursor": "v1.x"]) == "v1.x")
        #expect(throws: MCPRequestRejection(.invalidParams, "invalid cursor")) { try MCPToolPagination.cursor(in: ["cursor": 3]) }
        // A cursor past the last tool gives an empty final page.
        let (tail, next) = try page(tools, MCPToolCursor(afterKey: ["zzz"]).text)
        #expect(tail.isEmpty && next == nil)
    }
}
