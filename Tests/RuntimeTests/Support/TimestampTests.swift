import Testing
@testable import Runtime

@Suite struct TimestampTests {
    @Test func formatsRFC3339NanoLikeGo() {
        #expect(Timestamp(seconds: 0, nanoseconds: 0).rfc3339Nano == "1970-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 1_764_070_373, nanoseconds: 123_456_789).rfc3339Nano == "2025-11-25T11:32:53.123456789Z")
        #expect(Timestamp(seconds: 1_764_070_373, nanoseconds: 120_000_000).rfc3339Nano == "2025-11-25T11:32:53.12Z")
        #expect(Timestamp.zero.rfc3339Nano == "0001-01-01T00:00:00Z")
        #expect(Timestamp(seconds: 951_782_400, nanoseconds: 0).rfc3339Nano == "2000-02-29T00:00:00Z")
    }

    @Test func parsesWhatItFormats() {
        for seconds: Int64 in [0, 951_782_400, 1_764_070_373, -62135596800, 4_102_444_800] {
            let stamp = Timestamp(seconds: seconds, nanoseconds: 5_000)
            #expect(Timestamp(rfc3339: stamp.rfc3339Nano) == stamp)
        }
        #expect(Timestamp(rfc3339: "2025-11-25T12:32:53+01:00") == Timestamp(seconds: 1_764_070_373, nanoseconds: 0))
        #expect(Timestamp(rfc3339: "2025-13-01T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "yesterday") == nil)
    }

    @Test func parsesHostPorts() throws {
        #expect(try HostPort(parsing: "127.0.0.1:9000") == HostPort(host: "127.0.0.1", port: 9000))
        #expect(try HostPort(parsing: "[::1]:0") == HostPort(host: "::1", port: 0))
        #expect(try HostPort(parsing: ":8080") == HostPort(host: "", port: 8080))
        #expect(throws: HostPortError.self) { try HostPort(parsing: "localhost") }
        #expect(throws: HostPortError.self) { try HostPort(parsing: "host:99999") }
        #expect(throws: HostPortError.self) { try HostPort(parsing: "::1:80") }
    }
}
