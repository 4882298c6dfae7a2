import CLibUV
import Glibc

/// A running child process on one event loop (libuv `uv_spawn`).
///
/// Completion is reported once, through ``onTermination``, after the process has
/// exited **and** every piped output has reached end of file (so no output is lost),
/// or after ``Self/outputGraceMilliseconds`` if a grandchild keeps a pipe open.
///
/// Loop-confined: create it and use it on its loop's thread.
public final class ChildProcess {
    public let loop: EventLoop
    public let pid: Int32
    /// Whether the child leads its own process group (signals can target the whole tree).
    public let hasOwnProcessGroup: Bool

    /// Chunks of standard output (only with ``ProcessOptions/Output/pipe``).
    public var onStdout: (([UInt8]) -> Void)?
    /// Chunks of standard error (only with ``ProcessOptions/Output/pipe``).
    public var onStderr: (([UInt8]) -> Void)?
    /// Called once when the process is gone and its output drained.
    public var onTermination: ((ProcessExit) -> Void)? {
        didSet { deliverTerminationIfReady() }
    }

    public private(set) var exit: ProcessExit?
    private let process: UnsafeMutablePointer<uv_process_t>
    private var stdinPipe: PipeStream?
    private var outputPipes: [PipeStream] = []
    private var openOutputs = 0
    private var delivered = false
    private var graceTimer: LoopTimer?

    /// How long to wait for pipes to close after the process exited.
    public static let outputGraceMilliseconds: UInt64 = 2000

    private init(loop: EventLoop, process: UnsafeMutablePointer<uv_process_t>, ownGroup: Bool) {
        self.loop = loop
        self.process = process
        pid = process.pointee.pid
        hasOwnProcessGroup = ownGroup
    }

    /// Starts a process. Throws ``SpawnError`` when it cannot be started (missing file, not executable, …).
    /// Marks every descriptor above stderr this process holds now close-on-exec, so the
    /// ones it inherited (from a shell, a supervisor) never reach a child: libuv's spawn
    /// passes stdio and the slots it is given, and relies on close-on-exec for the rest.
    /// Call once at start, before other threads spawn anything.
    public static func closeInheritedDescriptorsOnExec() {
        _ = octo_cloexec_inherited()
    }

    public static func spawn(loop: EventLoop, options: ProcessOptions) throws(SpawnError) -> ChildProcess {
        loop.assertInEventLoop()
        var executable = options.executable
        if options.searchPath, !executable.contains("/") {
            guard let found = ExecutableLookup.find(executable, environment: options.environment) else {
                throw SpawnError(executable: executable, reason: "executable file not found in $PATH")
            }
            executable = found
        }

        // Files and pipes opened here are closed in the parent once the child has them.
        var parentClose: [Int32] = []
        defer { for fd in parentClose { Glibc.close(fd) } }

        let stdioCount = 3 + options.extraInputPipes.count
        let stdio = UnsafeMutablePointer<uv_stdio_container_t>.allocate(capacity: stdioCount)
        defer { stdio.deallocate() }
        var pipes: [(index: Int, pipe: PipeStream)] = []
        var secretWriters: [(fd: Int32, bytes: [UInt8])] = []

        func configureOutput(_ output: ProcessOptions.Output, index: Int) throws(SpawnError) {
            switch output {
            case .null:
                octo_stdio_ignore(stdio + index)
            case .inherit(let fd):
                octo_stdio_inherit_fd(stdio + index, fd)
            case .pipe:
                let pipe = PipeStream(loop: loop)
                pipes.append((index, pipe))
                octo_stdio_pipe(stdio + index, pipe.handle, 0, 1)
            case .appendToFile(let path):
                let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
                guard fd >= 0 else {
                    throw SpawnError(executable: executable, reason: "cannot open \(path): \(String(cString: strerror(errno)))")
                }
                parentClose.append(fd)
                octo_stdio_inherit_fd(stdio + index, fd)
            }
        }

        var stdinBytes: [UInt8]?
        switch options.stdin {
        case .null:
            octo_stdio_ignore(stdio)
        case .pipe, .bytes:
            let pipe = PipeStream(loop: loop)
            pipes.append((0, pipe))
            octo_stdio_pipe(stdio, pipe.handle, 1, 0)
            if case .bytes(let bytes) = options.stdin { stdinBytes = bytes }
        }
        try configureOutput(options.stdout, index: 1)
        try configureOutput(options.stderr, index: 2)
        for (offset, bytes) in options.extraInputPipes.enumerated() {
            var fds: [uv_file] = [-1, -1]
            let rc = uv_pipe(&fds, 0, 0)
            guard rc == 0 else { throw SpawnError(executable: executable, reason: UVError(rc).description) }
            parentClose.append(fds[0])
            octo_stdio_inherit_fd(stdio + 3 + offset, fds[0])
            secretWriters.append((fds[1], bytes))
        }

        // argv and envp as C strings, freed after uv_spawn copied them into the child.
        var cStrings: [UnsafeMutablePointer<CChar>] = []
        defer { for s in cStrings { free(s) } }
        func c(_ s: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(s)!
            cStrings.append(p)
            return p
        }
        var argv: [UnsafeMutablePointer<CChar>?] = [c(executable)] + options.arguments.map { c($0) } + [nil]
        var envp: [UnsafeMutablePointer<CChar>?]? = options.environment.map { env in
            env.sorted { $0.key < $1.key }.map { c("\($0.key)=\($0.value)") } + [nil]
        }
        let cwd = options.workingDirectory.map { c($0) }
        let file = argv[0]

        let process = UnsafeMutablePointer<uv_process_t>.allocate(capacity: 1)
        var uvOptions = uv_process_options_t()
        uvOptions.file = UnsafePointer(file)
        uvOptions.cwd = UnsafePointer(cwd)
        uvOptions.stdio_count = Int32(stdioCount)
        uvOptions.stdio = stdio
        uvOptions.flags = options.newProcessGroup ? UInt32(UV_PROCESS_DETACHED.rawValue) : 0
        uvOptions.exit_cb = { process, status, signal in
            guard let process, let data = process.pointee.data else { return }
            Unmanaged<ChildProcess>.fromOpaque(data).takeUnretainedValue().didExit(status: status, signal: signal)
        }
        let rc: Int32 = argv.withUnsafeMutableBufferPointer { argvBuffer in
            uvOptions.args = argvBuffer.baseAddress
            if envp != nil {
                return envp!.withUnsafeMutableBufferPointer { envBuffer in
                    uvOptions.env = envBuffer.baseAddress
                    return uv_spawn(loop.uvLoop, process, &uvOptions)
                }
            }
            return uv_spawn(loop.uvLoop, process, &uvOptions)
        }
        _ = envp
        if rc != 0 {
            // libuv wants the handle closed even after a failed spawn.
            uv_close(octo_handle(process)) { raw in
                raw?.withMemoryRebound(to: uv_process_t.self, capacity: 1) { $0.deallocate() }
            }
            for (_, pipe) in pipes { pipe.close() }
            for writer in secretWriters { Glibc.close(writer.fd) }
            throw SpawnError(executable: executable, reason: UVError(rc).description)
        }

        let child = ChildProcess(loop: loop, process: process, ownGroup: options.newProcessGroup)
        process.pointee.data = Unmanaged.passRetained(child).toOpaque()
        for (index, pipe) in pipes {
            if index == 0 {
                child.stdinPipe = pipe
                if let stdinBytes {
                    pipe.write(stdinBytes)
                    pipe.shutdownAfterWrites()
                }
            } else {
                child.outputPipes.append(pipe)
                child.openOutputs += 1
                pipe.startReading(onData: { [unowned child] bytes in
                    if index == 1 { child.onStdout?(bytes) } else { child.onStderr?(bytes) }
                }, onEnd: { [unowned child] in
                    child.outputClosed()
                })
            }
        }
        for writer in secretWriters {
            let pipe = PipeStream(loop: loop, openingFD: writer.fd)
            pipe.write(writer.bytes)
            pipe.closeAfterWrites()
        }
        return child
    }

    /// Writes to the child's standard input (``ProcessOptions/Input/pipe`` only).
    public func writeStdin(_ bytes: [UInt8]) {
        loop.assertInEventLoop()
        stdinPipe?.write(bytes)
    }

    /// Signals end of input to the child.
    public func closeStdin() {
        loop.assertInEventLoop()
        stdinPipe?.shutdownAfterWrites()
    }

    /// Sends `signal` to the child, or to its whole process group when it has one.
    /// Returns false when the process is already gone.
    @discardableResult
    public func kill(_ signal: Int32) -> Bool {
        loop.assertInEventLoop()
        guard exit == nil else { return false }
        if hasOwnProcessGroup {
            return Glibc.kill(-pid, signal) == 0
        }
        return uv_process_kill(process, signal) == 0
    }

    private func didExit(status: Int64, signal: Int32) {
        exit = ProcessExit(code: Int(status), signal: signal)
        uv_close(octo_handle(process)) { raw in
            guard let raw else { return }
            if let data = raw.pointee.data { Unmanaged<ChildProcess>.fromOpaque(data).release() }
            raw.withMemoryRebound(to: uv_process_t.self, capacity: 1) { $0.deallocate() }
        }
        stdinPipe?.close()
        if openOutputs > 0 {
            // A grandchild may hold the pipes open; do not wait for it forever.
            let timer = LoopTimer(loop: loop)
            graceTimer = timer
            timer.start(afterMilliseconds: Self.outputGraceMilliseconds) { [self] in
                for pipe in outputPipes { pipe.close() }
                openOutputs = 0
                deliverTerminationIfReady()
            }
        }
        deliverTerminationIfReady()
    }

    private func outputClosed() {
        openOutputs = max(0, openOutputs - 1)
        deliverTerminationIfReady()
    }

    private func deliverTerminationIfReady() {
        guard !delivered, let exit, openOutputs == 0, let onTermination else { return }
        delivered = true
        graceTimer?.close()
        graceTimer = nil
        for pipe in outputPipes { pipe.close() }
        onTermination(exit)
        self.onTermination = nil
        onStdout = nil
        onStderr = nil
    }
}

/// A child process could not be started.
public struct SpawnError: Error, CustomStringConvertible, Sendable {
    public let executable: String
    public let reason: String
    public var description: String { "cannot start \(executable): \(reason)" }
}
