import Glibc
import Protocols
import Runtime

/// Stage `compile_descriptor` (SPEC §3.3): one FileDescriptorSet per service, with imports
/// and source info, from the manifest's roots and files (absolute paths in the service root).
struct ProtocCompiler {
    let environment: ImportEnvironment

    struct Output: Sendable {
        var sha256: String
        var version: String
        var methods: JSONValue
    }

    func compile(serviceRoot: String, manifest: ServiceManifest, output: String) async throws(ImportError) -> Output {
        var arguments = ["--include_imports", "--include_source_info", "--descriptor_set_out=" + output]
        arguments += manifest.protoRoots.map { "-I" + serviceRoot + "/" + $0 }
        arguments += manifest.protoFiles.map { serviceRoot + "/" + $0 }
        let result = try await environment.runTool("protoc", arguments, cwd: serviceRoot, timeoutMilliseconds: ImportEnvironment.protocTimeoutMilliseconds)
        guard result.exit.succeeded, !result.timedOut else {
            throw ImportError("compile proto descriptor: \(result.failureSummary): \(result.stderrText.trimmingASCIIWhitespace())")
        }
        let limits = environment.descriptorLimits
        return try await environment.blocking("read descriptor") {
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.readFile(output, limit: limits.maximumBytes)
            } catch let error as FileSystemError where error.code == EFBIG {
                throw ImportError("compile proto descriptor: the descriptor set is larger than the limit of \(limits.maximumBytes) bytes")
            }
            let set: DescriptorSet
            do {
                set = try DescriptorSet.decode(bytes, limits: limits)
            } catch let error as ProtobufDecodeError where error.code == .limitExceeded {
                throw ImportError("compile proto descriptor: the schema is too large to import: \(error.message)")
            } catch {
                throw ImportError("compile proto descriptor: protoc wrote an unreadable descriptor set: \(error)")
            }
            let sha = Digests.sha256Hex(bytes)
            let methods = set.methodRecords.map(\.json)
            return Output(sha256: sha, version: String(sha.prefix(12)), methods: methods.isEmpty ? .null : .array(methods))
        }
    }
}
