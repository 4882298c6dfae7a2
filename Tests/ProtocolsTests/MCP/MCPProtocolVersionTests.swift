import Protocols
import Testing

/// The handshake era's `initialize` (SPEC §8.5).
@Suite struct MCPProtocolVersionTests {
    @Test(arguments: [
        ("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"),
        ("2024-11-05", "2025-11-25"), ("2026-07-28", "2025-11-25"), ("", "2025-11-25"), ("latest", "2025-11-25"),
    ])
    func negotiatesTheRequestedVersionOrTheDefault(requested: String, answered: String) {
        #expect(MCPProtocolVersion.negotiateHandshake(requested: .string(requested)) == answered)
        let result = MCPServerInfo.octobus.initializeResult(params: ["protocolVersion": .string(requested)])
        #expect(
            result
                == [
                    "protocolVersion": .string(answered), "serverInfo": ["name": "octobus", "version": "0.0.0"],
                    "capabilities": ["tools": [:]],
                ])
    }

    @Test func answersTheDefaultWithoutAUsableVersion() {
        #expect(MCPProtocolVersion.negotiateHandshake(requested: nil) == "2025-11-25")
        #expect(MCPProtocolVersion.negotiateHandshake(requested: 20251125) == "2025-11-25")
        #expect(MCPServerInfo.octobus.initializeResult(params: nil)["protocolVersion"] == "2025-11-25")
        #expect(!MCPProtocolVersion.supportsStructuredContent("2025-03-26"))
        #expect(MCPProtocolVersion.supportsStructuredContent("2025-06-18"))
        #expect(MCPProtocolVersion.supportsStructuredContent("2026-07-28"))
    }
}
