/// A legal calendar date (year, month, day) with no time zone; all statutory dates use it.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when the combination does not exist (e.g. 2025-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Creates the date `dayNumber` days after 1970-01-01.
    public init(dayNumber: Int) {
        // Civil-from-days (proleptic Gregorian), exact for the whole Int range we use.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01 (negative before).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let w = (dayNumber + 3) % 7
        return (w < 0 ? w + 7 : w) + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// The next calendar day.
    public var next: CivilDate { adding(days: 1) }

    /// Adds calendar months, clamping the day to the end of a shorter month (civil-law usage).
    public func adding(months: Int) -> CivilDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12
        let m = total % 12 + 1
        let d = Swift.min(day, CivilDate.daysInMonth(year: y, month: m))
        return CivilDate(year: y, month: m, day: d) ?? self
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: CivilDate) -> Int { other.dayNumber - dayNumber }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeap(year) ? 29 : 28
        default: return 0
        }
    }

    /// ISO 8601 `YYYY-MM-DD`.
    public var description: String {
        // Written digit by digit: dates are printed for every SQL value, hash and XML field.
        let digits = (UInt8(48 + year / 1000 % 10), UInt8(48 + year / 100 % 10), UInt8(48 + year / 10 % 10), UInt8(48 + year % 10),
                      UInt8(45), UInt8(48 + month / 10), UInt8(48 + month % 10), UInt8(45), UInt8(48 + day / 10), UInt8(48 + day % 10))
        return withUnsafeBytes(of: digits) { String(decoding: $0, as: UTF8.self) }
    }

    /// As an official letter writes it: `2026年1月5日`.
    public var chinese: String { "\(year)年\(month)月\(day)日" }

    /// Parses ISO 8601 `YYYY-MM-DD` and nothing else; nil for other shapes or impossible dates.
    public init?(iso text: String) {
        var text = text
        guard let d = text.withUTF8({ CivilDate(isoBytes: $0) }) else { return nil }
        self = d
    }

    /// `init?(iso:)` on UTF-8 bytes, such as a database column, without making a String first.
    public init?(isoBytes u: UnsafeBufferPointer<UInt8>) {
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Parses an ISO date or throws an error naming `field`.
    public static func parse(_ text: String, field: String) throws(DisclosureError) -> CivilDate {
        guard let d = CivilDate(iso: text) else {
            throw DisclosureError(.invalidDate, field: field,
                zh: "日期“\(text)”无效：须为实际存在的日期，格式 YYYY-MM-DD（如 2026-03-05）",
                en: "date “\(text)” is invalid: it must be a real date written YYYY-MM-DD (e.g. 2026-03-05)")
        }
        return d
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = CivilDate(iso: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date: \(s)")
        }
        self = d
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// An inclusive range of civil dates.
public struct DateSpan: Hashable, Sendable, Codable {
    public let first: CivilDate
    public let last: CivilDate
    public init(_ first: CivilDate, _ last: CivilDate) {
        self.first = first
        self.last = last
    }
    /// 1 January to 31 December of `year` (nil outside the years a date can have).
    public init?(year: Int) {
        guard let first = CivilDate(year: year, month: 1, day: 1), let last = CivilDate(year: year, month: 12, day: 31)
        else { return nil }
        self.init(first, last)
    }
    public func contains(_ d: CivilDate) -> Bool { first <= d && d <= last }
    public var days: [CivilDate] {
        guard first <= last else { return [] }
        return (first.dayNumber...last.dayNumber).map(CivilDate.init(dayNumber:))
    }
}
