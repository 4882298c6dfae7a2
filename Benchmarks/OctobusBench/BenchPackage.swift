import Foundation

/// A service package whose instances are the native backend (``NativeBackendResponder``):
/// its Node entry only starts `OctobusBench backend` on the port the daemon gives it, so the
/// daemon supervises it like any instance while calls cost no JavaScript.
enum BenchPackage {
    static func write(to directory: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: directory + "/proto", withIntermediateDirectories: true)
        try """
        {"name": "octobus-bench-native", "version": "1.0.0", "private": true, "type": "module",
         "bin": {"native": "bin/native.js"}}
        """.write(toFile: directory + "/package.json", atomically: true, encoding: .utf8)
        try """
        {"schema": "chaitin.octobus.service.v1", "name": "native",
         "proto": {"roots": ["proto"], "files": ["proto/calculator.proto", "proto/counter.proto"]}}
        """.write(toFile: directory + "/service.json", atomically: true, encoding: .utf8)
        try """
        syntax = "proto3";
        package calculator.v1;
        service CalculatorService { rpc Add(BinaryOperationRequest) returns (CalculatorResponse); }
        message BinaryOperationRequest { double left = 1; double right = 2; }
        message CalculatorResponse { double result = 1; }
        """.write(toFile: directory + "/proto/calculator.proto", atomically: true, encoding: .utf8)
        try """
        syntax = "proto3";
        package bench.v1;
        service Counter {
          rpc Count(CountRequest) returns (stream CountReply);
          rpc Hold(CountRequest) returns (stream CountReply);
        }
        message CountRequest { int32 count = 1; int32 size = 2; }
        message CountReply { int32 index = 1; bytes payload = 2; }
        """.write(toFile: directory + "/proto/counter.proto", atomically: true, encoding: .utf8)
        let entry = directory + "/bin/native.js"
        try """
        #!/usr/bin/env node
        // Runs the native benchmark backend in this instance's place (SPEC §5.1 argv: --host, --port).
        import { spawn } from "node:child_process";
        const argv = process.argv.slice(2);
        const value = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
        const child = spawn(process.env.OCTOBUS_BENCH_BACKEND,
          ["backend", "--host", value("--host", "127.0.0.1"), "--port", value("--port", "0"), "--loops", process.env.OCTOBUS_BENCH_BACKEND_LOOPS ?? "1"],
          { stdio: ["ignore", "inherit", "inherit"] });
        for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
        child.on("exit", (code) => process.exit(code ?? 1));
        """.write(toFile: entry, atomically: true, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: entry)
    }

    /// The framed Add request `{left: 20, right: 22}` (an h2load `-d` body).
    static var addRequest: Data {
        var message: [UInt8] = [0x09]
        message += withUnsafeBytes(of: (20.0).bitPattern.littleEndian, Array.init)
        message.append(0x11)
        message += withUnsafeBytes(of: (22.0).bitPattern.littleEndian, Array.init)
        return Data([0, 0, 0, 0, UInt8(message.count)] + message)
    }
}
