import Testing
@testable import Runtime

/// Collects what the parser reports.
final class ParserEvents: HTTP1ParserDelegate {
    var heads: [HTTPRequestHead] = []
    var framings: [HTTP1BodyFraming] = []
    var expectContinue: [Bool] = []
    var body: [UInt8] = []
    var finished = 0
    var trailers: [HTTPHeaders?] = []

    func parserDidParseHead(_ head: HTTPRequestHead, framing: HTTP1BodyFraming, expectContinue: Bool) {
        heads.append(head)
        framings.append(framing)
        self.expectContinue.append(expectContinue)
    }
    func parserDidParseBody(_ bytes: UnsafeRawBufferPointer) { body.append(contentsOf: bytes) }
    func parserDidFinishMessage(trailers: HTTPHeaders?) {
        finished += 1
        self.trailers.append(trailers)
    }
}

/// Feeds `text` to a fresh parser (all at once, or one byte at a time), resetting between
/// pipelined messages like a connection does; returns the events or the error.
func parse(_ text: String, byteByByte: Bool = false, limits: HTTP1Limits = .default) -> (ParserEvents, HTTP1ParseError?) {
    var parser = HTTP1RequestParser(limits: limits)
    let events = ParserEvents()
    var pending: [UInt8] = []
    let input = Array(text.utf8)
    let chunks: [[UInt8]] = byteByByte ? input.map { [$0] } : [input]
    do {
        for chunk in chunks {
            pending += chunk
            while true {
                let used = try pending.withUnsafeBytes { try parser.parse($0, delegate: events) }
                pending.removeFirst(used)
                if parser.isMessageComplete {
                    parser.reset()
                    continue
                }
                break
            }
        }
    } catch {
        return (events, error as? HTTP1ParseError)
    }
    return (events, nil)
}

@Suite struct HTTP1RequestParserTests {
    @Test func parsesASimpleGet() {
        let (events, error) = parse("GET /admin/v1/status?x=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: t\r\n\r\n")
        #expect(error == nil)
        #expect(events.heads.count == 1)
        let head = events.heads[0]
        #expect(head.method == "GET")
        #expect(head.path == "/admin/v1/status")
        #expect(head.query == "x=1")
        #expect(head.version == .http1_1)
        #expect(head.headers["user-agent"] == "t")
        #expect(head.headers["USER-AGENT"] == "t")
        #expect(head.authority == "a")
        #expect(events.finished == 1)
    }

    @Test(arguments: [false, true])
    func parsesContentLengthBodies(byteByByte: Bool) {
        let (events, error) = parse("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world", byteByByte: byteByByte)
        #expect(error == nil)
        #expect(events.framings == [.length(11)])
        #expect(String(decoding: events.body, as: UTF8.self) == "hello world")
        #expect(events.finished == 1)
    }

    @Test(arguments: [false, true])
    func parsesChunkedBodiesWithExtensionsAndTrailers(byteByByte: Bool) {
        let request = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n"
        let (events, error) = parse(request, byteByByte: byteByByte)
        #expect(error == nil)
        #expect(events.framings == [.chunked])
        #expect(String(decoding: events.body, as: UTF8.self) == "hello world")
        #expect(events.trailers.first??["x-checksum"] == "abc")
    }

    @Test func parsesPipelinedRequests() {
        let (events, error) = parse("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(error == nil)
        #expect(events.heads.map { String($0.path) } == ["/a", "/b"])
        #expect(events.finished == 2)
    }

    @Test func reportsExpectContinue() {
        let (events, _) = parse("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nz")
        #expect(events.expectContinue == [true])
    }

    @Test func acceptsHTTP10WithoutHost() {
        let (events, error) = parse("GET / HTTP/1.0\r\n\r\n")
        #expect(error == nil)
        #expect(events.heads.first?.version == .http1_0)
    }

    @Test(arguments: [
        ("GARBAGE\r\n\r\n", 400),
        ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / FTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET nopath HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("\u{1}\u{2}\u{3} binary", 400),
    ])
    func rejectsMalformedRequestLines(request: String, status: Int) {
        let (_, error) = parse(request)
        #expect(error?.status == status, "\(request.debugDescription)")
    }

    @Test(arguments: [
        "zz\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "5 junk\r\nhello\r\n0\r\n\r\n",
        "ffffffffffffffffff\r\nx\r\n0\r\n\r\n",
        "5\r\nhelloXX0\r\n\r\n",
        "\r\n\r\n",
    ])
    func rejectsBadChunks(chunks: String) {
        let (_, error) = parse("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
        #expect(error?.status == 400, "\(chunks.debugDescription)")
    }

    @Test(arguments: [
        "Content-Length: 5\r\nContent-Length: 5\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Content-Length: 5, 5\r\n",
        "Content-Length: -1\r\n",
        "Content-Length: 0x10\r\n",
        "Content-Length: 99999999999999999999999\r\n",
        "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
    ])
    func rejectsAmbiguousFraming(headers: String) {
        let (_, error) = parse("POST /x HTTP/1.1\r\nHost: a\r\n" + headers + "\r\nhello")
        #expect(error?.status == 400, "\(headers.debugDescription)")
    }

    // Chunked applied twice (as one list or as two header fields) is a framing error, 400 —
    // not an "unsupported coding" (501), which would invite a retry.
    @Test(arguments: [
        "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    ])
    func rejectsDuplicateChunked(headers: String) {
        let (_, error) = parse("POST /x HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n0\r\n\r\n")
        #expect(error?.status == 400)
        #expect(error?.message.contains("more than once") == true)
    }

    // A request line ended by a bare LF is refused as soon as the LF arrives, not after the
    // header timeout: the head can never become valid.
    @Test func rejectsBareLineFeedBeforeTheHeadIsComplete() {
        var parser = HTTP1RequestParser(limits: .default)
        let events = ParserEvents()
        let partial = Array("GET / HTTP/1.1\nHost: a\n".utf8)
        var thrown: HTTP1ParseError?
        do {
            _ = try partial.withUnsafeBytes { try parser.parse($0, delegate: events) }
        } catch let error as HTTP1ParseError {
            thrown = error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(thrown?.status == 400)
        #expect(events.heads.isEmpty)
    }

    @Test func rejectsUnsupportedTransferCodings() {
        let (_, gzipped) = parse("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        #expect(gzipped?.status == 501)
        let (_, notLast) = parse("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")
        #expect(notLast?.status == 400)
    }

    @Test(arguments: [
        "X-Evil: a\rb\r\n",          // bare CR inside a value (header injection)
        "X-Evil: a\nInjected: b\r\n", // bare LF starts a smuggled header
        "X-Evil: a\u{0}b\r\n",        // NUL
        " Folded: x\r\n",             // obsolete line folding
        "Bad Name: x\r\n",            // space in the name
        "NoColon\r\n",
        ": empty-name\r\n",
        "X-Space : x\r\n",            // whitespace before the colon
    ])
    func rejectsHeaderInjection(line: String) {
        let (_, error) = parse("GET / HTTP/1.1\r\nHost: a\r\n" + line + "\r\n")
        #expect(error?.status == 400, "\(line.debugDescription)")
    }

    @Test func rejectsMissingOrDuplicateHost() {
        #expect(parse("GET / HTTP/1.1\r\n\r\n").1?.status == 400)
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").1?.status == 400)
    }

    @Test func rejectsOversizedHeadsWith431() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\n\r\n"
        #expect(parse(big).1?.status == 431)
        // Even before the end of the head arrives.
        let partial = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "a", count: 70_000)
        #expect(parse(partial).1?.status == 431)
    }

    @Test func rejectsTooManyHeadersWith431() {
        var request = "GET / HTTP/1.1\r\nHost: a\r\n"
        for i in 0..<101 { request += "X-\(i): v\r\n" }
        #expect(parse(request + "\r\n").1?.status == 431)
    }

    @Test func rejectsLongRequestLinesWith414() {
        let request = "GET /" + String(repeating: "a", count: 20_000) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parse(request).1?.status == 414)
    }

    @Test func rejectsUnsupportedExpectations() {
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n").1?.status == 417)
    }

    @Test func ignoresLeadingEmptyLines() {
        let (events, error) = parse("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(error == nil)
        #expect(events.heads.count == 1)
    }

    @Test func needsMoreInputForPartialHeads() {
        var parser = HTTP1RequestParser()
        let events = ParserEvents()
        let used = try? Array("GET / HTTP/1.1\r\nHo".utf8).withUnsafeBytes { try parser.parse($0, delegate: events) }
        #expect(used == 0)
        #expect(events.heads.isEmpty)
    }
}
