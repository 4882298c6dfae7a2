import Actors
import ArgumentParser
import Runtime

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the OctoBus daemon: the admin API and the supervised service instances, on one port.",
        discussion: """
        The daemon listens on --addr (default $OCTOBUS_ADDR or 127.0.0.1:9000; port 0 picks a free port, \
        printed in the daemon_listening log line) and keeps its state in --data-dir (default \
        $OCTOBUS_DATA_DIR or ./.octobus). It stops gracefully on SIGINT or SIGTERM.

        On start the daemon re-executes itself once with a deeper malloc thread cache \
        (GLIBC_TUNABLES=glibc.malloc.tcache_count=256, not passed on to services); \
        OCTOBUS_MALLOC_TUNING=off disables that.

        Each import may unpack at most --import-max-unpacked-bytes of package files (default 1G, env \
        OCTOBUS_IMPORT_MAX_UNPACKED_BYTES) and hold at most --import-max-disk-bytes in its staging directory, \
        node_modules included (default 2G, env OCTOBUS_IMPORT_MAX_DISK_BYTES). Sizes take K, M, G or T \
        suffixes (powers of 1024).
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Data directory (default: $OCTOBUS_DATA_DIR or .octobus).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: ArgumentHelp("Number of event loops (default: one per core).", valueName: "n"))
    var loops: Int?

    @Option(name: .customLong("max-connections"),
            help: ArgumentHelp("Open connections at most; the last 32 serve only the admin API (default: 10000, or less if the open-file limit is lower).", valueName: "n"))
    var maxConnections: Int?

    @Option(name: .customLong("max-pending-requests"),
            help: ArgumentHelp("Requests being handled at once, on all connections (default: 16384; 256 per connection).", valueName: "n"))
    var maxPendingRequests: Int?

    @Option(name: .customLong("max-body-memory"),
            help: ArgumentHelp("Request bodies held in memory at once, on all connections (default: 128M; 16M per connection).", valueName: "size"))
    var maxBodyMemory: String?

    @Option(name: .customLong("body-timeout"),
            help: ArgumentHelp("Time a request body may take to arrive, from its head (default: 30s).", valueName: "duration"))
    var bodyTimeout: String?

    @Option(name: .customLong("idle-timeout"),
            help: ArgumentHelp("Idle keep-alive time of a connection (default: 120s; 10s before its first request).", valueName: "duration"))
    var idleTimeout: String?

    @Option(name: .customLong("max-message-size"), help: ArgumentHelp(
        "Largest gRPC message the gateway relays in either direction, and largest backend answer to a Connect "
            + "or MCP call (their request bodies stay capped at 1M), e.g. 16M (default: $OCTOBUS_MAX_MESSAGE_SIZE or 4M; 1K to 256M).",
        valueName: "size"))
    var maxMessageSize: String?

    @Option(name: .long, help: ArgumentHelp(
        "Most bytes of files one import may unpack, e.g. 512M (default: $OCTOBUS_IMPORT_MAX_UNPACKED_BYTES or 1G).",
        valueName: "size"))
    var importMaxUnpackedBytes: String?

    @Option(name: .long, help: ArgumentHelp(
        "Most disk one import may use in its staging directory, e.g. 4G (default: $OCTOBUS_IMPORT_MAX_DISK_BYTES or 2G).",
        valueName: "size"))
    var importMaxDiskBytes: String?

    @Option(name: .long, help: ArgumentHelp(
        "The Node SDK imports give packages that depend on @chaitin-ai/octobus-sdk (default: $OCTOBUS_SDK_DIR, "
            + "else the sdk/ installed beside the binary).",
        valueName: "dir"))
    var sdkDir: String?

    mutating func run() async throws {
        // Before anything is opened: this may re-execute the binary (see AllocatorTuning).
        do {
            try AllocatorTuning.apply()
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
        // Descriptors inherited from whoever started us never reach a service (children get
        // stdio and fd 3 only); everything the daemon opens itself is close-on-exec already.
        // After the re-execution, so the daemon itself keeps them: a supervisor may watch one
        // to learn when the daemon exits (Foundation's Process does).
        ChildProcess.closeInheritedDescriptorsOnExec()
        let addressText = global.addr ?? Environment.get("OCTOBUS_ADDR").flatMap { $0.isEmpty ? nil : $0 } ?? AdminAddress.defaultAddress
        let address: HostPort
        do {
            address = try Self.listenAddress(addressText)
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
        let dataDirectory = dataDir ?? Environment.get("OCTOBUS_DATA_DIR").flatMap { $0.isEmpty ? nil : $0 } ?? ".octobus"
        var configuration = DaemonConfiguration(address: address, dataDirectory: dataDirectory)
        if let loops {
            guard loops > 0, loops <= 256 else {
                Output.writeStderr("--loops must be between 1 and 256\n")
                throw ExitCode(1)
            }
            configuration.loopCount = loops
        }
        do {
            try applyLimits(to: &configuration)
            configuration.importLimits = try importLimits()
            if let sdkDir {
                guard FileSystem.isDirectory(sdkDir) else { throw CLIError("--sdk-dir \"\(sdkDir)\" is not a directory") }
                configuration.sdkDirectory = FileSystem.absolutePath(sdkDir)
            }
        } catch {
            Output.writeStderr("\(error)\n")
            throw ExitCode(1)
        }
        let code = await Daemon.run(configuration)
        if code != 0 { throw ExitCode(code) }
    }

    /// The resource limits given on the command line (defaults are set by the daemon).
    private func applyLimits(to configuration: inout DaemonConfiguration) throws {
        if let maxConnections {
            guard maxConnections >= 1 else { throw CLIError("--max-connections must be at least 1") }
            configuration.maximumConnections = maxConnections
        }
        if let maxPendingRequests {
            guard maxPendingRequests >= 1 else { throw CLIError("--max-pending-requests must be at least 1") }
            configuration.http.maximumPendingRequests = maxPendingRequests
            configuration.http.maximumPendingRequestsPerConnection = min(configuration.http.maximumPendingRequestsPerConnection, maxPendingRequests)
        }
        if let maxBodyMemory {
            guard let bytes = ByteSize.parse(maxBodyMemory), bytes >= 1 << 20 else {
                throw CLIError("invalid --max-body-memory \"\(maxBodyMemory)\": expected a size of at least 1M, such as 64M or 1G")
            }
            configuration.http.maximumBufferedBodyBytes = bytes
            configuration.http.maximumBufferedBodyBytesPerConnection = min(configuration.http.maximumBufferedBodyBytesPerConnection, bytes)
        }
        if let bodyTimeout {
            configuration.http.bodyTimeoutMilliseconds = try DurationText.milliseconds(bodyTimeout, option: "--body-timeout")
        }
        if let bytes = try Self.size(maxMessageSize, option: "--max-message-size", variable: "OCTOBUS_MAX_MESSAGE_SIZE") {
            guard bytes >= 1 << 10, bytes <= 256 << 20 else {
                throw CLIError("--max-message-size must be between 1K and 256M (got \(bytes) bytes)")
            }
            configuration.gateway.maximumMessageBytes = bytes
        }
        if let idleTimeout {
            configuration.http.idleTimeoutMilliseconds = try DurationText.milliseconds(idleTimeout, option: "--idle-timeout")
            configuration.http.firstRequestTimeoutMilliseconds = min(configuration.http.firstRequestTimeoutMilliseconds,
                                                                     configuration.http.idleTimeoutMilliseconds)
        }
    }

    /// The per-import size limits from the options, else the environment, else the defaults.
    func importLimits() throws -> ImportLimits {
        var limits = ImportLimits()
        if let bytes = try Self.size(importMaxUnpackedBytes, option: "--import-max-unpacked-bytes",
                                     variable: "OCTOBUS_IMPORT_MAX_UNPACKED_BYTES") {
            limits.maximumUnpackedBytes = bytes
        }
        if let bytes = try Self.size(importMaxDiskBytes, option: "--import-max-disk-bytes", variable: "OCTOBUS_IMPORT_MAX_DISK_BYTES") {
            limits.maximumDiskBytes = bytes
        }
        return limits
    }

    /// A size from an option or, when the option is absent, a non-empty environment variable.
    static func size(_ option: String?, option name: String, variable: String) throws -> Int? {
        let text: String
        let source: String
        if let option {
            (text, source) = (option, name)
        } else if let value = Environment.get(variable), !value.isEmpty {
            (text, source) = (value, variable)
        } else {
            return nil
        }
        guard let bytes = ByteSize.parse(text), bytes > 0 else {
            throw CLIError("invalid \(source) \"\(text)\": expected a positive size such as 1073741824, 512M or 2G")
        }
        return bytes
    }

    /// `serve` listens on the address itself: `host:port`, or an `http://` URL reduced to host:port.
    static func listenAddress(_ text: String) throws -> HostPort {
        if text.lowercased().hasPrefix("https://") {
            throw CLIError("serve cannot listen on \(text): OctoBus serves plain HTTP/h2c; put a TLS proxy in front for https")
        }
        var rest = text
        if rest.lowercased().hasPrefix("http://") {
            rest = String(rest.dropFirst(7))
            if let slash = rest.firstIndex(of: "/") { rest = String(rest[..<slash]) }
        }
        do {
            return try HostPort(parsing: rest)
        } catch {
            throw CLIError("invalid --addr \"\(text)\": \(error.reason)")
        }
    }
}
