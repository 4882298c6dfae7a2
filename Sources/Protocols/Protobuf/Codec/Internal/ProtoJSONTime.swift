/// The ProtoJSON forms of google.protobuf.Timestamp (RFC 3339, `Z`, 0/3/6/9 fraction digits)
/// and Duration (`"-1.5s"`), with the ranges the reference runtimes enforce.
enum ProtoJSONTime {
    /// 0001-01-01T00:00:00Z.
    static let minimumTimestampSeconds: Int64 = -62_135_596_800
    /// 9999-12-31T23:59:59Z.
    static let maximumTimestampSeconds: Int64 = 253_402_300_799
    /// About 10,000 years.
    static let maximumDurationSeconds: Int64 = 315_576_000_000

    static func formatTimestamp(seconds: Int64, nanos: Int32) throws(ProtoJSONProblem) -> String {
        guard seconds >= minimumTimestampSeconds, seconds <= maximumTimestampSeconds else {
            throw ProtoJSONProblem("timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive")
        }
        guard nanos >= 0, nanos <= 999_999_999 else {
            throw ProtoJSONProblem("timestamp nanos \(nanos) out of range 0..999999999")
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return text + fraction(Int64(nanos)) + "Z"
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `t` and `z` accepted.
    static func parseTimestamp(_ text: String) throws(ProtoJSONProblem) -> (seconds: Int64, nanos: Int32) {
        let invalid = ProtoJSONProblem("invalid RFC 3339 timestamp \(JSONWriter.quoted(text))")
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        func at(_ i: Int, _ c: Character) -> Bool { i < b.count && b[i] == c.asciiValue! }
        guard let year = number(0..<4), at(4, "-"), let month = number(5..<7), at(7, "-"), let day = number(8..<10),
            at(10, "T") || at(10, "t"), let hour = number(11..<13), at(13, ":"), let minute = number(14..<16),
            at(16, ":"), let second = number(17..<19)
        else { throw invalid }
        var i = 19
        var nanos: Int64 = 0
        if at(i, ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                guard digits < 9 else { throw invalid }
                nanos = nanos * 10 + Int64(b[i] - 48)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw invalid }
            for _ in digits..<9 { nanos *= 10 }
        }
        var offset: Int64 = 0
        if at(i, "Z") || at(i, "z") {
            i += 1
        } else if at(i, "+") || at(i, "-") {
            let sign: Int64 = at(i, "+") ? 1 : -1
            guard let offsetHours = number(i + 1..<i + 3), at(i + 3, ":"), let offsetMinutes = number(i + 4..<i + 6)
            else {
                throw invalid
            }
            guard offsetHours <= 23, offsetMinutes <= 59 else {
                throw ProtoJSONProblem("invalid RFC 3339 offset in \(JSONWriter.quoted(text))")
            }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
            i += 6
        } else {
            throw invalid
        }
        guard i == b.count, (1...12).contains(month), day >= 1, day <= daysInMonth(year, month), hour <= 23,
            minute <= 59, second <= 59
        else { throw invalid }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset
        guard seconds >= minimumTimestampSeconds, seconds <= maximumTimestampSeconds else {
            throw ProtoJSONProblem("timestamp must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z inclusive")
        }
        return (seconds, Int32(nanos))
    }

    static func formatDuration(seconds: Int64, nanos: Int32) throws(ProtoJSONProblem) -> String {
        guard seconds >= -maximumDurationSeconds, seconds <= maximumDurationSeconds else {
            throw ProtoJSONProblem("duration out of range")
        }
        guard nanos > -1_000_000_000, nanos < 1_000_000_000 else {
            throw ProtoJSONProblem("duration nanos \(nanos) out of range")
        }
        guard !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0) else {
            throw ProtoJSONProblem("duration seconds and nanos have different signs")
        }
        var text = String(seconds)
        if nanos != 0 {
            if seconds == 0, nanos < 0 { text = "-" + text }
            text += fraction(Int64(nanos.magnitude))
        }
        return text + "s"
    }

    /// `-?digits(.1-9 digits)?s`.
    static func parseDuration(_ text: String) throws(ProtoJSONProblem) -> (seconds: Int64, nanos: Int32) {
        let invalid = ProtoJSONProblem("invalid duration \(JSONWriter.quoted(text))")
        let b = Array(text.utf8)
        var i = 0
        let negative = i < b.count && b[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var seconds: Int64 = 0
        let start = i
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            guard seconds <= maximumDurationSeconds else {
                throw ProtoJSONProblem("duration \(JSONWriter.quoted(text)) out of range")
            }
            seconds = seconds * 10 + Int64(b[i] - 48)
            i += 1
        }
        guard i > start else { throw invalid }
        var nanos: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                guard digits < 9 else { throw invalid }
                nanos = nanos * 10 + Int64(b[i] - 48)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw invalid }
            for _ in digits..<9 { nanos *= 10 }
        }
        guard i == b.count - 1, b[i] == UInt8(ascii: "s") else { throw invalid }
        guard seconds <= maximumDurationSeconds else {
            throw ProtoJSONProblem("duration \(JSONWriter.quoted(text)) out of range")
        }
        return negative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos))
    }

    // MARK: Calendar (proleptic Gregorian, days since 1970-01-01; Howard Hinnant's algorithms)

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `""`, `.123`, `.123456` or `.123456789`.
    private static func fraction(_ nanos: Int64) -> String {
        if nanos == 0 { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(nanos / 1_000_000, 3) }
        if nanos % 1000 == 0 { return "." + pad(nanos / 1000, 6) }
        return "." + pad(nanos, 9)
    }
}
