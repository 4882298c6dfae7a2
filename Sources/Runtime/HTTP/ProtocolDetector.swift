/// The first delegate of an accepted connection: looks at the first bytes and hands the
/// connection to HTTP/2 (client preface, "prior knowledge") or HTTP/1.1 (anything else).
final class ProtocolDetector: TCPConnectionDelegate {
    /// RFC 9113 §3.4 client connection preface.
    static let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let connection: TCPConnection
    private let server: HTTPServerContext
    private let budget: ConnectionBudget
    private var buffered: [UInt8] = []
    private let timer: LoopTimer

    init(connection: TCPConnection, server: HTTPServerContext, budget: ConnectionBudget) {
        self.connection = connection
        self.server = server
        self.budget = budget
        timer = LoopTimer(loop: connection.loop)
        connection.delegate = self
        timer.start(afterMilliseconds: server.configuration.headerTimeoutMilliseconds) { [unowned self] in
            // Nothing meaningful arrived in time (slowloris or a silent client).
            finish()
            connection.close()
        }
        connection.startReading()
    }

    func connection(_ connection: TCPConnection, didRead bytes: UnsafeRawBufferPointer) {
        buffered.append(contentsOf: bytes)
        let prefix = min(buffered.count, Self.preface.count)
        if buffered[..<prefix].elementsEqual(Self.preface[..<prefix]) {
            if buffered.count >= Self.preface.count { handOff(http2: true) }
            // else: could still be HTTP/2, wait for more bytes.
        } else {
            handOff(http2: false)
        }
    }

    private func handOff(http2: Bool) {
        finish()
        let bytes = buffered
        buffered = []
        if http2 {
            _ = HTTP2ServerConnection(connection: connection, server: server, budget: budget, initialBytes: bytes)
        } else {
            _ = HTTP1ServerConnection(connection: connection, server: server, budget: budget, initialBytes: bytes)
        }
    }

    private func finish() {
        timer.close()
    }

    func connectionDidReadEOF(_ connection: TCPConnection) {
        finish()
        connection.close()
    }

    func connectionDidDrainWrites(_ connection: TCPConnection) {}

    func connectionDidClose(_ connection: TCPConnection, error: UVError?) {
        finish()
        budget.connectionClosed()
    }
}
