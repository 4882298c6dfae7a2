import Glibc
import Testing
@testable import Actors
import Protocols
@testable import Runtime

/// A fresh temporary directory for one test.
func temporaryDirectory(_ name: String = #function) -> String {
    let path = "/tmp/octobus-tests-\(getpid())-\(name.filter(\.isLetter))-\(UInt32.random(in: 0...UInt32.max))"
    try! FileSystem.createDirectories(path, mode: 0o700)
    return path
}

@Suite struct StoreActorTests {
    @Test func migrationsApplyOnceAndCreateEveryTable() async throws {
        let dir = temporaryDirectory()
        let store = try StoreActor(path: dir + "/octobus.db")
        #expect(try await store.migrationVersions() == Migrations.all.map(\.version))
        await store.close()

        let reopened = try StoreActor(path: dir + "/octobus.db")
        #expect(try await reopened.migrationVersions() == Migrations.all.map(\.version))
        let tables = try await reopened.tableNames()
        for table in ["services", "instances", "capsets", "capset_instances", "capset_methods", "capset_tokens", "admin_tokens"] {
            #expect(tables.contains(table), "missing table \(table)")
        }
        await reopened.close()
    }

    @Test func reopeningKeepsData() async throws {
        let dir = temporaryDirectory()
        let store = try StoreActor(path: dir + "/octobus.db")
        try await store.execute("INSERT INTO services (id, name, created_at, updated_at) VALUES ('calc', 'Calculator', 'now', 'now')")
        #expect(try await store.serviceCount() == 1)
        await store.close()
        let reopened = try StoreActor(path: dir + "/octobus.db")
        #expect(try await reopened.serviceCount() == 1)
        await reopened.close()
    }

    @Test func databaseFilesAreOwnerOnly() async throws {
        let dir = temporaryDirectory()
        let store = try StoreActor(path: dir + "/octobus.db")
        var info = stat()
        stat(dir + "/octobus.db", &info)
        #expect(info.st_mode & 0o777 == 0o600)
        await store.close()
    }

    @Test func foreignKeysAreEnforced() async throws {
        let dir = temporaryDirectory()
        let store = try StoreActor(path: dir + "/octobus.db")
        await #expect(throws: StoreError.self) {
            try await store.execute("INSERT INTO instances (id, service_id, name, created_at, updated_at) VALUES ('i', 'missing', 'i', 'now', 'now')")
        }
        await store.close()
    }

    @Test func servicesRecordWhetherTheirImportRanScripts() async throws {
        let dir = temporaryDirectory()
        let store = try StoreActor(path: dir + "/octobus.db")
        var record = ServiceRecord(id: "calc", name: "Calculator")
        record.allowScripts = true
        #expect(try await store.upsertService(record).allowScripts)
        record.allowScripts = false
        #expect(try await store.upsertService(record).allowScripts == false)
        #expect(try await store.service(id: "calc")?.json["AllowScripts"] == .bool(false))
        await store.close()
    }

    // Migration 2 adds services.allow_scripts to a database made by migration 1 alone.
    @Test func migrationTwoUpgradesAVersionOneDatabase() async throws {
        let dir = temporaryDirectory()
        let db = try SQLiteConnection(path: dir + "/octobus.db")
        try db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
        try db.execute(Migrations.all[0].sql)
        try db.execute("INSERT INTO schema_migrations VALUES (1, 'then')")
        try db.execute("INSERT INTO services (id, name, created_at, updated_at) VALUES ('old', 'Old', 'then', 'then')")
        db.close()

        let store = try StoreActor(path: dir + "/octobus.db")
        #expect(try await store.migrationVersions() == Migrations.all.map(\.version))
        #expect(try await store.service(id: "old")?.allowScripts == false)
        await store.close()
    }

    @Test func aSecondDaemonCannotLockTheSameDataDirectory() throws {
        let dir = temporaryDirectory()
        let first = try DataDirectory(path: dir)
        #expect(throws: DataDirectoryError.self) { _ = try DataDirectory(path: dir) }
        do {
            _ = try DataDirectory(path: dir)
        } catch {
            #expect(error.description.contains("is in use by another octobus daemon (pid \(getpid()))"))
        }
        withExtendedLifetime(first) {}
    }
}
