import Glibc
import Protocols
import Runtime

/// Cleans up after a daemon that died in the middle of an import (SIGKILL, a crash, power
/// loss), before the new daemon accepts requests: it stops the tools the dead daemon left
/// running and removes the staging directories they worked in.
///
/// Every import tool (npm, git, protoc, curl) runs in its own process group with its working
/// directory inside the import's staging directory, and so do the processes npm starts. A
/// process of ours whose working directory is under `artifacts/services/.<something>` is
/// such a leftover: the data directory is locked, so no other live daemon can be importing
/// there. Its whole process group is killed. (A package script allowed to run could leave
/// both its directory and its group; only a sandbox would catch that.)
enum StagingRecovery {
    /// What recovery found and did, for the start-up log line.
    struct Report: Sendable, Equatable {
        var killedGroups: [Int32] = []
        var removed: [String] = []
        var restored: [String] = []
    }

    /// Entries of `artifacts/services` that only an unfinished import leaves behind:
    /// `.staging-<id>`, `.staging-recursive-import` and `.<id>.previous`.
    static func isLeftover(_ name: String) -> Bool {
        name.hasPrefix(".staging-") || (name.hasPrefix(".") && name.hasSuffix(".previous"))
    }

    static func run(servicesDirectory: String, store: StoreActor, pool: BlockingPool) async -> Report {
        var report = Report()
        report.killedGroups = await pool.run { killLeftoverTools(servicesDirectory: servicesDirectory) }
        let names = await pool.run { ((try? FileSystem.listDirectory(servicesDirectory)) ?? []).filter(isLeftover) }
        for name in names {
            let path = servicesDirectory + "/" + name
            if name.hasPrefix("."), name.hasSuffix(".previous"), !name.hasPrefix(".staging-") {
                let id = String(name.dropFirst().dropLast(".previous".count))
                if await restorePrevious(id: id, previous: path, servicesDirectory: servicesDirectory, store: store, pool: pool) {
                    report.restored.append(id)
                    continue
                }
            }
            await pool.run { try? FileSystem.removeTree(path) }
            report.removed.append(name)
        }
        return report
    }

    /// Kills the process group of every process whose working directory is inside a hidden
    /// entry of `servicesDirectory`. Returns the groups killed.
    static func killLeftoverTools(servicesDirectory: String) -> [Int32] {
        let prefix = servicesDirectory + "/."
        let own = getpgrp()
        var groups: Set<Int32> = []
        for pid in ProcessTable.allPIDs() where pid != getpid() {
            guard let cwd = ProcessTable.workingDirectory(pid: pid), cwd.hasPrefix(prefix) else { continue }
            let group = getpgid(pid)
            if group > 1, group != own {
                if groups.insert(group).inserted { kill(-group, SIGKILL) }
            } else {
                kill(pid, SIGKILL)
            }
        }
        return groups.sorted()
    }

    /// A daemon killed in the middle of a commit leaves `.<id>.previous` (the version that was
    /// serving). It goes back into place when `<id>` is missing (killed between the two
    /// renames), or when the database still describes it rather than `<id>` (killed before
    /// the row was written). Returns whether it was put back.
    private static func restorePrevious(
        id: String, previous: String, servicesDirectory: String, store: StoreActor, pool: BlockingPool
    ) async -> Bool {
        let final = servicesDirectory + "/" + id
        guard Identifier.isValid(id) else { return false }
        let record = try? await store.service(id: id)
        return await pool.run {
            if !FileSystem.exists(final) {
                return (try? FileSystem.rename(previous, to: final)) != nil
            }
            // Both exist: keep whichever the database row describes.
            guard let record, !describes(record, directory: final), describes(record, directory: previous) else { return false }
            do {
                try FileSystem.removeTree(final)
                try FileSystem.rename(previous, to: final)
                return true
            } catch {
                return false
            }
        }
    }

    /// Whether `record`'s descriptor and artifact hashes match the files in `directory`.
    private static func describes(_ record: ServiceRecord, directory: String) -> Bool {
        let artifact = directory + "/" + (record.packageArtifactPath.split(separator: "/").last.map(String.init) ?? "")
        guard let descriptor = try? Digests.sha256Hex(file: directory + "/descriptor.protoset"),
            let package = try? Digests.sha256Hex(file: artifact)
        else { return false }
        return descriptor == record.descriptorSHA256 && package == record.packageSHA256
    }
}
