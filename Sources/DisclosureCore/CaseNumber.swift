/// A case number, unique per office and year: `2026-000123`.
public struct CaseNumber: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let serial: Int

    public init(year: Int, serial: Int) {
        self.year = year
        self.serial = serial
    }

    /// `YYYY-NNNNNN`; shorter serials such as `2026-123` are accepted on input.
    public var description: String {
        let s = String(serial)
        return "\(year)-" + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// Parses `YYYY-N…` (1 to 9 digits after the dash); throws naming `field`.
    public static func parse(_ text: String, field: String = "CASE") throws(DisclosureError) -> CaseNumber {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...9).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let n = Int(parts[1]), y >= 1900, n >= 1 else {
            throw DisclosureError(.invalidValue, field: field,
                                  zh: "案件编号“\(text)”格式不对，应为“年份-序号”，如 2026-000123",
                                  en: "case number “\(text)” is malformed; expected YEAR-SERIAL, e.g. 2026-000123")
        }
        return CaseNumber(year: y, serial: n)
    }

    public static func < (a: CaseNumber, b: CaseNumber) -> Bool { (a.year, a.serial) < (b.year, b.serial) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        do { self = try CaseNumber.parse(s) } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.render(.en))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
