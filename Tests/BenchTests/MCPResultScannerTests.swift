@testable import Bench
import XCTest

final class MCPResultScannerTests: XCTestCase {
    /// Feeds `text` in chunks of every size and checks the verdict is the same each time.
    private func verdict(_ text: String) -> (toolError: Bool, rpcError: Bool) {
        let bytes = Array(text.utf8)
        var verdicts: Set<[Bool]> = []
        for chunk in 1...max(1, bytes.count) {
            var scanner = MCPResultScanner()
            var index = 0
            while index < bytes.count {
                let end = min(bytes.count, index + chunk)
                Array(bytes[index..<end]).withUnsafeBytes { scanner.feed($0) }
                index = end
            }
            verdicts.insert([scanner.sawToolError, scanner.sawJSONRPCError])
        }
        XCTAssertEqual(verdicts.count, 1, "verdict depends on chunking for \(text)")
        let only = verdicts.first!
        return (only[0], only[1])
    }

    func testSuccessfulResult() {
        let v = verdict(#"{"jsonrpc":"2.0","id":1,"result":{"structuredContent":{"result":42},"content":[{"type":"text","text":"{\"isError\":true}"}]}}"#)
        XCTAssertFalse(v.toolError)
        XCTAssertFalse(v.rpcError)
    }

    func testToolErrorResult() {
        let v = verdict(#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x"}], "isError" : true}}"#)
        XCTAssertTrue(v.toolError)
        XCTAssertFalse(v.rpcError)
    }

    func testIsErrorFalseOrNestedIsNotAnError() {
        XCTAssertFalse(verdict(#"{"result":{"isError":false}}"#).toolError)
        XCTAssertFalse(verdict(#"{"result":{"structuredContent":{"isError":true}}}"#).toolError)
        XCTAssertFalse(verdict(#"{"other":{"isError":true}}"#).toolError)
    }

    func testJSONRPCError() {
        XCTAssertTrue(verdict(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"unsupported MCP method"}}"#).rpcError)
        XCTAssertFalse(verdict(#"{"jsonrpc":"2.0","id":1,"error":null,"result":{}}"#).rpcError)
        XCTAssertFalse(verdict(#"{"result":{"error":{"code":"NOT_FOUND"}}}"#).rpcError)
    }

    func testEscapedKeysAndStringsDoNotConfuseIt() {
        XCTAssertFalse(verdict(#"{"result":{"is\u0045rror":true,"text":"\"isError\":true,"}}"#).toolError)
        XCTAssertTrue(verdict(#"{"a":"}{[","result":{"b":[1,{"isError":true}],"isError":true}}"#).toolError)
    }
}
