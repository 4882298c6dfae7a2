import Foundation
import Testing
@testable import Actors
import Runtime

@Suite struct AccessLogEntryTests {
    private func line(_ entry: AccessLogEntry) throws -> [String: Any] {
        var bytes: [UInt8] = []
        entry.append(to: &bytes)
        #expect(bytes.last == 10)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes.dropLast())) as? [String: Any])
    }

    @Test func timestampBytesMatchRFC3339Nano() {
        let samples: [Timestamp] = [
            Timestamp(seconds: 1_796_300_000, nanoseconds: 123_456_789),
            Timestamp(seconds: 1_796_300_000, nanoseconds: 120_000_000),
            Timestamp(seconds: 1_796_300_000, nanoseconds: 1),
            Timestamp(seconds: 1_796_300_000, nanoseconds: 0),
            Timestamp(seconds: 951_782_400, nanoseconds: 500), // 2000-02-29
            Timestamp(seconds: 0, nanoseconds: 999_999_999),
        ]
        for timestamp in samples {
            var bytes: [UInt8] = []
            AccessLogEntry.appendTimestamp(timestamp, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == timestamp.rfc3339Nano)
        }
    }

    @Test func durationsKeepThreeDecimalsTrimmed() {
        let cases: [(Double, String)] = [(0, "0.0"), (0.1234, "0.123"), (12.5, "12.5"), (3, "3.0"), (1_000.0019, "1000.001"),
                                         (0.0009, "0.0"), (-1, "0.0"), (.nan, "0.0"), (86_400_000.25, "86400000.25")]
        for (value, text) in cases {
            var bytes: [UInt8] = []
            AccessLogEntry.appendMilliseconds(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == text, "duration \(value)")
        }
    }

    @Test func lineIsOneJSONObjectWithEveryKeyInOrder() throws {
        var entry = AccessLogEntry(protocolName: .connect)
        entry.timestamp = Timestamp(seconds: 1_796_300_000, nanoseconds: 5_000)
        entry.capset = "ops"
        entry.instance = "calc \"one\""
        entry.method = "calculator.v1.CalculatorService/Add"
        entry.route = "/capsets/ops/connect/calc/calculator.v1.CalculatorService/Add"
        entry.httpMethod = "POST"
        entry.httpStatus = 404
        entry.durationMilliseconds = 2.0625
        entry.userAgent = "curl/8 <x>\u{1}"
        var bytes: [UInt8] = []
        entry.append(to: &bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let keys = ["ts", "protocol", "capset", "service", "instance", "method", "tool", "route", "http_method", "http_status",
                    "grpc_code", "duration_ms", "remote_addr", "user_agent"]
        let positions = keys.map { text.range(of: "\"\($0)\":")!.lowerBound }
        #expect(positions == positions.sorted())
        let object = try line(entry)
        #expect(object["ts"] as? String == entry.timestamp.rfc3339Nano)
        #expect(object["instance"] as? String == "calc \"one\"")
        #expect(object["http_status"] as? Int == 404)
        #expect(object["grpc_code"] as? String == "NotFound")
        #expect(object["duration_ms"] as? Double == 2.062)
        #expect(object["user_agent"] as? String == "curl/8 <x>\u{1}")
        #expect(!text.contains("<"), "HTML-significant characters are escaped")
    }
}
