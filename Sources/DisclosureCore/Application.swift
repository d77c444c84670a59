/// The person or organisation applying.
public struct Applicant: Sendable, Hashable, Codable {
    public var name: String
    public var type: ApplicantType
    public var idNumber: String?
    public var contact: String?
    public init(name: String, type: ApplicantType, idNumber: String? = nil, contact: String? = nil) {
        self.name = name
        self.type = type
        self.idNumber = idNumber
        self.contact = contact
    }
}

/// What is registered at intake: the facts of the application itself.
public struct Application: Sendable, Hashable, Codable {
    /// The receipt date fixed by art. 31 for the channel.
    public var received: CivilDate
    public var channel: Channel
    public var applicant: Applicant
    public var request: String
    public var form: InfoForm?
    public var note: String?

    public init(received: CivilDate, channel: Channel, applicant: Applicant, request: String,
                form: InfoForm? = nil, note: String? = nil) {
        self.received = received
        self.channel = channel
        self.applicant = applicant
        self.request = request
        self.form = form
        self.note = note
    }

    /// Checks the required fields; throws naming the first one that is wrong.
    public func validate() throws(DisclosureError) {
        try Self.requireText(applicant.name, field: "--applicant", max: 200)
        try Self.requireText(request, field: "--request", max: 20_000)
        if let id = applicant.idNumber { try Self.optionalText(id, field: "--id-number", max: 64) }
        if let c = applicant.contact { try Self.optionalText(c, field: "--contact", max: 500) }
        if let n = note { try Self.optionalText(n, field: "--note", max: 5_000) }
    }

    /// Requires a non-blank text of at most `max` characters.
    public static func requireText(_ s: String, field: String, max: Int) throws(DisclosureError) {
        if s.allSatisfy({ $0.isWhitespace }) {
            throw DisclosureError(.missingField, field: field, zh: "不能为空", en: "must not be empty")
        }
        try optionalText(s, field: field, max: max)
    }

    /// Limits an optional text's length and forbids control characters other than line breaks.
    public static func optionalText(_ s: String, field: String, max: Int) throws(DisclosureError) {
        // UTF-8 bytes never undercount characters, so the costly grapheme count is needed only past it.
        if s.utf8.count > max && s.count > max {
            throw DisclosureError(.invalidValue, field: field, zh: "过长：最多\(max)个字符", en: "too long: at most \(max) characters")
        }
        // Control characters are single ASCII bytes in UTF-8; no multi-byte sequence contains one.
        if s.utf8.contains(where: { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 || $0 == 0x7F }) {
            throw DisclosureError(.invalidValue, field: field, zh: "含有不可见的控制字符", en: "contains control characters")
        }
    }
}
