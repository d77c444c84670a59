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

    /// The first day a receipt can have: the 2008 Regulation took effect on 2008-05-01.
    public static let earliestReceipt = CivilDate(year: 2008, month: 5, day: 1)!

    /// Checks the required fields; throws naming the first one that is wrong.
    public func validate() throws(DisclosureError) {
        if received < Self.earliestReceipt {
            throw DisclosureError(.invalidDate, field: "received",
                                  zh: "收到日期\(received)早于2008年5月1日（政府信息公开条例施行之日），不能登记",
                                  en: "the receipt date \(received) is before 2008-05-01, when the Regulation took effect")
        }
        try TextField.requireLine(applicant.name, field: "applicant", max: 200)
        try Self.requireText(request, field: "request", max: 20_000)
        if let id = applicant.idNumber { try TextField.optionalLine(id, field: "id-number", max: 64) }
        if let c = applicant.contact { try TextField.optionalLine(c, field: "contact", max: 500) }
        if let n = note { try Self.optionalText(n, field: "note", max: 5_000) }
    }

    /// Requires a non-blank multi-line text of at most `max` characters.
    public static func requireText(_ s: String, field: String, max: Int) throws(DisclosureError) {
        if s.allSatisfy({ $0.isWhitespace }) {
            throw DisclosureError(.missingField, field: field, zh: "不能为空", en: "must not be empty")
        }
        try optionalText(s, field: field, max: max)
    }

    /// Limits an optional multi-line text's length and forbids control and bidi-override characters.
    public static func optionalText(_ s: String, field: String, max: Int) throws(DisclosureError) {
        try TextField.optionalText(s, field: field, max: max)
    }
}
