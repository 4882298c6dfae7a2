/// PAX extended-header records: `"<length> <key>=<value>\n"`, where length counts the whole
/// record, its own digits included.
enum PaxRecords {
    /// Parses `data`; nil if any record is malformed. Values are raw bytes (paths may
    /// legitimately be any bytes but NUL, which the caller rejects).
    static func parse(_ data: [UInt8]) -> [(key: String, value: [UInt8])]? {
        var records: [(key: String, value: [UInt8])] = []
        var index = 0
        while index < data.count {
            // Trailing NUL padding after the last record is tolerated.
            if data[index...].allSatisfy({ $0 == 0 }) { break }
            var length = 0
            var cursor = index
            while cursor < data.count, (0x30...0x39).contains(data[cursor]) {
                guard length < 1 << 40 else { return nil }
                length = length * 10 + Int(data[cursor] - 0x30)
                cursor += 1
            }
            guard cursor > index, cursor < data.count, data[cursor] == 0x20,
                length > cursor - index + 1, index + length <= data.count,
                data[index + length - 1] == 0x0A
            else { return nil }
            let body = data[(cursor + 1)..<(index + length - 1)]
            guard let equals = body.firstIndex(of: UInt8(ascii: "=")), equals > body.startIndex else { return nil }
            records.append((String(decoding: body[..<equals], as: UTF8.self), Array(body[(equals + 1)...])))
            index += length
        }
        return records
    }

    /// Encodes one record.
    static func record(key: String, value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [0x0A]
        // The length includes its own digits: grow the guess until it is stable.
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length = String(length).utf8.count + body.count }
        return Array(String(length).utf8) + body
    }
}
