/// Languages the program speaks to its users; Chinese first.
public enum Language: String, Sendable, CaseIterable {
    case zh, en
}

/// A piece of user-facing text in every supported language.
public struct Text: Sendable, Hashable {
    public let zh: String
    public let en: String
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }
    public func callAsFunction(_ lang: Language) -> String { lang == .zh ? zh : en }
}

/// The one error type of the domain: which rule was broken, on which field, and what to do.
public struct DisclosureError: Error, Sendable, CustomStringConvertible {
    /// Machine-readable class of failure (stable; scripts may match on it).
    public enum Code: String, Sendable {
        case invalidDate = "invalid-date"
        case invalidValue = "invalid-value"
        case missingField = "missing-field"
        case unknownCase = "unknown-case"
        case ruleViolation = "rule-violation"
        case calendarFormat = "calendar-format"
        case storage = "storage"
        case notInitialised = "not-initialised"
        case schemaTooNew = "schema-too-new"
        case io = "io"
        case locked = "locked"
        /// The signed-in account lacks the role the use case needs.
        case forbidden = "forbidden"
        /// No valid sign-in session: the step needs one.
        case unauthenticated = "not-signed-in"
        /// Too many failed sign-ins: wait before trying again.
        case throttled = "throttled"
        /// The same case exists with different content; only an explicit replacement takes the new one.
        case conflict = "conflict"
        /// A server serves this database: changes go through it, not through the file.
        case servedByServer = "served-by-server"
    }

    public let code: Code
    /// The domain field concerned (`received`, `actor`, `database`, `CASE`), if any; each front end
    /// names it in its own words (the CLI as `--received`).
    public let field: String?
    public let message: Text
    /// For `throttled`: seconds until trying again is allowed.
    public var retryAfter: Int?

    public init(_ code: Code, field: String? = nil, zh: String, en: String) {
        self.code = code
        self.field = field
        self.message = Text(zh: zh, en: en)
    }

    /// The full sentence for the user in `lang`, with the field named first.
    public func render(_ lang: Language) -> String {
        guard let field else { return message(lang) }
        return lang == .zh ? "\(field)：\(message.zh)" : "\(field): \(message.en)"
    }

    public var description: String { render(.en) }
}
