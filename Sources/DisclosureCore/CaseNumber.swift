/// A case number, unique per agency and year: `2026-000123`, or `CODE/2026-000123` for a case of
/// another agency imported from a case file.
public struct CaseNumber: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// The owning agency's code when it is not this office (nil for the office's own cases).
    public let agency: String?
    public let year: Int
    public let serial: Int

    /// The largest serial `parse` and the case-file schema accept (nine digits).
    public static let maxSerial = 999_999_999

    public init(year: Int, serial: Int, agency: String? = nil) {
        self.agency = agency
        self.year = year
        self.serial = serial
    }

    /// The number without any agency prefix.
    public var local: String {
        let s = String(serial)
        return "\(year)-" + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    /// `YYYY-NNNNNN` or `CODE/YYYY-NNNNNN`; shorter serials such as `2026-123` are accepted on input.
    public var description: String { agency.map { "\($0)/\(local)" } ?? local }

    /// Whether `code` can name an agency: 1 to 32 ASCII letters, digits, '-' or '_'.
    public static func isAgencyCode(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 32 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Parses `[CODE/]YYYY-N…` (1 to 9 digits after the dash); throws naming `field`.
    public static func parse(_ text: String, field: String = "CASE") throws(DisclosureError) -> CaseNumber {
        var agency: String?
        var rest = Substring(text)
        if let slash = text.lastIndex(of: "/") {
            agency = String(text[..<slash])
            rest = text[text.index(after: slash)...]
        }
        if let a = agency, !isAgencyCode(a) {
            throw DisclosureError(.invalidValue, field: field, zh: "案件编号“\(text)”中的机关代码无效", en: "case number “\(text)” has an invalid agency code")
        }
        let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, (1...9).contains(parts[1].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let n = Int(parts[1]), y >= 1900, n >= 1 else {
            throw DisclosureError(.invalidValue, field: field,
                                  zh: "案件编号“\(text)”格式不对，应为“年份-序号”，如 2026-000123",
                                  en: "case number “\(text)” is malformed; expected YEAR-SERIAL, e.g. 2026-000123")
        }
        return CaseNumber(year: y, serial: n, agency: agency)
    }

    public static func < (a: CaseNumber, b: CaseNumber) -> Bool {
        (a.agency ?? "", a.year, a.serial) < (b.agency ?? "", b.year, b.serial)
    }

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
