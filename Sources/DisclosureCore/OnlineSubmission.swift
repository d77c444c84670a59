/// An application made on the office's public portal (网上受理), as the applicant filled in the national
/// application form. It is not yet received: art. 31 makes the day both sides confirm it the receipt
/// date, so it waits as a pending intake until an officer confirms it, and only then becomes a case.
public struct OnlineApplication: Sendable, Hashable, Codable {
    public var applicant: String
    public var applicantType: ApplicantType
    /// The kind of identity document (身份证, 护照, 统一社会信用代码…), as the applicant names it.
    public var idType: String?
    public var idNumber: String?
    /// A telephone number; the applicant gives this or an e-mail address, so that the office can reach them.
    public var phone: String?
    public var email: String?
    public var address: String?
    /// The information asked for, as specifically as the applicant can describe it (art. 29(2)).
    public var request: String
    public var purpose: String?
    public var form: InfoForm?
    public var delivery: DeliveryMethod?

    public init(
        applicant: String, applicantType: ApplicantType, idType: String? = nil, idNumber: String? = nil,
        phone: String? = nil, email: String? = nil, address: String? = nil, request: String,
        purpose: String? = nil, form: InfoForm? = nil, delivery: DeliveryMethod? = nil
    ) {
        self.applicant = applicant
        self.applicantType = applicantType
        self.idType = idType
        self.idNumber = idNumber
        self.phone = phone
        self.email = email
        self.address = address
        self.request = request
        self.purpose = purpose
        self.form = form
        self.delivery = delivery
    }

    /// The ways to reach the applicant that the form gives: telephone, e-mail, postal address.
    public var contacts: [String] { [phone, email, address].compactMap { $0 } }

    /// The form's rules: the fields art. 29 asks for, each within its length, one line where one line is
    /// meant, and a way to reach the applicant. Errors name the field as the form does.
    public func validate() throws(DisclosureError) {
        try TextField.requireLine(applicant, field: "applicant", max: 200)
        if let idType { try TextField.optionalLine(idType, field: "id_type", max: 40) }
        if let idNumber { try TextField.optionalLine(idNumber, field: "id_number", max: 64) }
        if let phone { try TextField.optionalLine(phone, field: "phone", max: 40) }
        if let email {
            try TextField.optionalLine(email, field: "email", max: 254)
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
                throw DisclosureError(
                    .invalidValue, field: "email", zh: "电子邮件地址格式不对", en: "is not an e-mail address")
            }
        }
        if let address { try TextField.optionalLine(address, field: "address", max: 500) }
        try Application.requireText(request, field: "request", max: 20_000)
        if let purpose { try Application.optionalText(purpose, field: "purpose", max: 2_000) }
        if contacts.isEmpty {
            throw DisclosureError(
                .missingField, field: "phone",
                zh: "请至少留下电话、电子邮件或通信地址之一，以便本机关与您联系（条例第二十九条）",
                en: "give a telephone number, an e-mail address or a postal address, so that the office can "
                    + "reach you (art. 29)")
        }
    }

    /// The application as registered once confirmed, received on `day` through the internet channel;
    /// what the case has no field for goes into its note.
    public func application(receivedOn day: CivilDate, submission: String) -> Application {
        let contact = [phone, email].compactMap { $0 }.joined(separator: "；")
        var note = ["网上申请\(submission)"]
        if let idType { note.append("证件类型：\(idType)") }
        if let address { note.append("通信地址：\(address)") }
        if let purpose { note.append("用途：\(purpose)") }
        if let delivery { note.append("获取方式：\(delivery.label.zh)") }
        return Application(
            received: day, channel: .online,
            applicant: Applicant(
                name: applicant, type: applicantType, idNumber: idNumber, contact: contact.isEmpty ? nil : contact),
            request: request, form: form, note: note.joined(separator: "；"))
    }
}

/// What became of an online submission.
public enum SubmissionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an officer to confirm it (待确认).
    case pending
    /// Confirmed: a case, received on the day of confirmation.
    case confirmed
    /// Declined with a reason the applicant sees: not an application (spam, a duplicate, a test).
    case declined
}

/// The code an applicant follows a submission with: 16 letters and digits from an alphabet without the
/// look-alikes 0/O, 1/I/L (79 bits, drawn from the system's secure generator), written in groups of four.
public enum QueryCode {
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A fresh code, e.g. `7KQ2-M9XD-4TRA-HW3N`.
    public static func make() -> String {
        var g = SystemRandomNumberGenerator()
        let chars = (0..<16).map { _ in alphabet[Int(g.next(upperBound: UInt32(alphabet.count)))] }
        return stride(from: 0, to: 16, by: 4).map { String(chars[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// The code as typed, in canonical form: upper case, groups restored; nil when it cannot be one.
    public static func normalised(_ typed: String) -> String? {
        // Full-width letters, digits and dashes from a Chinese input method read as their ASCII forms.
        let ascii = String(
            String.UnicodeScalarView(
                typed.unicodeScalars.map { u in
                    (0xFF01...0xFF5E).contains(u.value) ? Unicode.Scalar(u.value - 0xFEE0) ?? u : u
                }))
        let chars = ascii.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "‐" && $0 != "—" }
        guard chars.count == 16, chars.allSatisfy(alphabet.contains) else { return nil }
        let a = Array(chars)
        return stride(from: 0, to: 16, by: 4).map { String(a[$0..<$0 + 4]) }.joined(separator: "-")
    }

    /// Whether two digests are equal, in time that does not depend on where they differ.
    public static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<min(x.count, y.count) { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
