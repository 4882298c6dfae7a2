// libFuzzer target for HTTP1RequestParser (built by scripts/fuzz-http1.sh with
// `swiftc -sanitize=fuzzer,address`). It feeds each input twice — whole, and split at a
// point chosen by the first byte, as a connection would receive it — and checks the
// parser's invariants besides "no crash": the parser never consumes more than it was
// given, never reports more body than Content-Length allows, and both feeding patterns
// agree on the outcome.

final class Sink: HTTP1ParserDelegate {
    var heads = 0
    var body = 0
    var finished = 0
    var declared: [Int] = []
    func parserDidParseHead(_ head: HTTPRequestHead, framing: HTTP1BodyFraming, expectContinue: Bool) {
        heads += 1
        if case .length(let n) = framing { declared.append(n) } else { declared.append(-1) }
    }
    func parserDidParseBody(_ bytes: UnsafeRawBufferPointer) { body += bytes.count }
    func parserDidFinishMessage(trailers: HTTPHeaders?) { finished += 1 }
}

/// Runs the parser over `chunks` like a connection: pending bytes are re-fed, the parser
/// is reset between pipelined messages. Returns (heads, finished, error status or 0).
func drive(_ chunks: [ArraySlice<UInt8>]) -> (Int, Int, Int, Sink) {
    var parser = HTTP1RequestParser()
    let sink = Sink()
    var pending: [UInt8] = []
    for chunk in chunks {
        pending += chunk
        while true {
            let result: Result<Int, HTTP1ParseError> = pending.withUnsafeBytes { raw in
                do throws(HTTP1ParseError) { return .success(try parser.parse(raw, delegate: sink)) } catch { return .failure(error) }
            }
            switch result {
            case .failure(let error):
                precondition([400, 413, 414, 417, 431, 501, 505].contains(error.status), "unexpected status \(error.status)")
                return (sink.heads, sink.finished, error.status, sink)
            case .success(let used):
                precondition(used >= 0 && used <= pending.count, "consumed \(used) of \(pending.count)")
                pending.removeFirst(used)
            }
            if parser.isMessageComplete {
                parser.reset()
                continue
            }
            break
        }
    }
    return (sink.heads, sink.finished, 0, sink)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP1(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let whole = drive([bytes[...]])
    let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    let split = drive([bytes[..<cut], bytes[cut...]])
    // Splitting the input must not change how many complete messages are found.
    precondition(whole.1 == split.1 || whole.2 != 0 || split.2 != 0, "split changed the result: \(whole.1) vs \(split.1)")
    // Fixed-length bodies never overflow their declaration.
    let declaredTotal = whole.3.declared.filter { $0 >= 0 }.reduce(0, +)
    if !whole.3.declared.contains(-1) { precondition(whole.3.body <= declaredTotal, "body exceeds Content-Length") }
    return 0
}
