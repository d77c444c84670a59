import DisclosureCore
import DisclosureStore
import Synchronization

/// Where an online application stands, as the applicant may see it: never an ID number, a contact or
/// anything of another applicant.
public struct SubmissionTrack: Sendable, Hashable {
    public let submission: String
    public let submittedOn: CivilDate
    /// 待确认 until an officer confirms it; then the case's stage.
    public let stage: Text
    public let stageCode: String
    public let caseNumber: CaseNumber?
    /// The receipt date art. 31 gives it: the day of confirmation.
    public let received: CivilDate?
    public let due: CivilDate?
}

/// The public side of an office (网上受理): what anyone may do without an account, on its own
/// listener. Only submitting an application and following one with its query code.
public struct Portal {
    let store: Store
    let clock: any OfficeClock

    /// Stores an application made online; the query code is returned once and kept only as a digest.
    public func submit(_ form: OnlineApplication) throws(DisclosureError) -> (StoredSubmission, code: String) {
        let now = clock.now()
        let code = QueryCode.make()
        let stored = try store.submit(form, code: code, day: now.day, now: now.stamp)
        return (stored, code)
    }

    /// Where submission `number` stands, when `code` is its query code; nil otherwise (a wrong code and an
    /// unknown number alike).
    public func track(number: String, code: String) throws(DisclosureError) -> SubmissionTrack? {
        guard let canonical = QueryCode.normalised(code), number.count <= 20,
              let s = try store.submission(number: number, code: canonical)
        else { return nil }
        if s.status == .declined {
            return SubmissionTrack(
                submission: s.number, submittedOn: s.submittedOn,
                stage: Text(zh: "未予登记：\(s.reason ?? "")", en: "not registered: \(s.reason ?? "")"),
                stageCode: "declined", caseNumber: nil, received: nil, due: nil)
        }
        guard let n = s.caseNumber else {
            return SubmissionTrack(
                submission: s.number, submittedOn: s.submittedOn, stage: Text(zh: "待确认", en: "awaiting confirmation"),
                stageCode: "pending", caseNumber: nil, received: nil, due: nil)
        }
        let state = try store.load(n).state
        let stage: (Text, String) =
            state.status == .handling && state.clock.extensionDays > 0
            ? (Text(zh: "已延期", en: "extended"), "extended") : (state.status.label, state.status.rawValue)
        return SubmissionTrack(
            submission: s.number, submittedOn: s.submittedOn, stage: stage.0, stageCode: stage.1, caseNumber: n,
            received: state.application.received, due: state.status.isOpen ? state.clock.due : nil)
    }
}

extension OfficeConnection {
    /// The office's public side, on this connection.
    public func portal(clock: any OfficeClock) -> Portal { Portal(store: store, clock: clock) }
}

extension Desk {
    /// The online submissions with `status` (all when nil), oldest first; pending ones are the board's queue.
    public func submissions(status: SubmissionStatus?) throws(DisclosureError) -> [StoredSubmission] {
        try store.submissions(status: status)
    }

    /// Confirms an online submission today: it becomes a case received today (art. 31: "以双方确认之日为收到申
    /// 请之日"), registered by the signed-in account.
    public func confirmSubmission(_ number: String) throws(DisclosureError) -> (StoredSubmission, CaseRecord) {
        let account = try signedIn(.register)
        let now = clock.now()
        return try store.confirmSubmission(number, day: now.day, actor: ref(account), now: now.stamp)
    }

    /// Declines a pending submission today, with `reason` (which the applicant sees): spam, a duplicate,
    /// or no application at all. No case is made; the decision stays on record.
    public func declineSubmission(_ number: String, reason: String) throws(DisclosureError) -> StoredSubmission {
        let account = try signedIn(.register)
        let now = clock.now()
        return try store.declineSubmission(number, reason: reason, day: now.day, actor: ref(account), now: now.stamp)
    }

    /// Whether a pending submission has waited longer than an office may leave it: more than
    /// `Portal.confirmWithin` working days.
    public func overdueForConfirmation(_ s: StoredSubmission) -> Bool {
        s.status == .pending
            && calendar.addingWorkdays(Portal.confirmWithin, after: s.submittedOn).date < today
    }
}

extension Portal {
    /// Working days an office may take to confirm an online submission before the board flags it.
    public static let confirmWithin = 2
}

extension CaseViews {
    /// A submission as staff see it: the whole form.
    public static func submission(_ s: StoredSubmission, overdue: Bool) -> JSON {
        let f = s.form
        return .object([
            ("submission", .string(s.number)), ("submitted_at", .string(s.submittedAt)),
            ("submitted_on", .string(s.submittedOn.description)), ("status", .string(s.status.rawValue)),
            ("overdue", .bool(overdue)),
            ("applicant", .string(f.applicant)), ("applicant_type", .string(f.applicantType.rawValue)),
            // The ID number itself goes into the case on confirmation, where each view of it is logged.
            ("id_type", .str(f.idType)), ("id_number_given", .bool(f.idNumber != nil)), ("phone", .str(f.phone)),
            ("email", .str(f.email)), ("address", .str(f.address)), ("request", .string(f.request)),
            ("purpose", .str(f.purpose)), ("form", .str(f.form?.rawValue)), ("delivery", .str(f.delivery?.rawValue)),
            ("decided_on", .str(s.decidedOn?.description)), ("decided_by", .str(s.decidedBy)),
            ("reason", .str(s.reason)), ("case", .str(s.caseNumber?.description)),
        ])
    }

    /// Where a submission stands, as its applicant sees it.
    public static func track(_ t: SubmissionTrack, _ lang: Language) -> JSON {
        .object([
            ("submission", .string(t.submission)), ("submitted_on", .string(t.submittedOn.description)),
            ("stage", .string(t.stageCode)), ("stage_label", .string(t.stage(lang))),
            ("case", .str(t.caseNumber?.description)), ("received", .str(t.received?.description)),
            ("due", .str(t.due?.description)),
        ])
    }
}

/// Counts per key over a fixed window, in the server's memory: how the portal keeps one address or one
/// contact from flooding the office with submissions or from guessing query codes.
public final class WindowLimiter: Sendable {
    private struct Window {
        var start: Int
        var count: Int
    }
    private let windows = Mutex<[String: Window]>([:])
    /// How many in one window, and its length in seconds.
    public let limit: Int
    public let seconds: Int
    private let capacity: Int

    public init(limit: Int, seconds: Int, capacity: Int = 100_000) {
        self.limit = limit
        self.seconds = seconds
        self.capacity = capacity
    }

    /// Refuses when any of `keys` is at its limit at `now`, counting nothing.
    public func check(_ keys: [String], now: Int, field: String) throws(DisclosureError) {
        try take(keys, now: now, field: field, counting: false)
    }

    /// Counts one more for each of `keys` at `now`; refused (nothing counted) when any is at its limit.
    public func take(_ keys: [String], now: Int, field: String, counting: Bool = true) throws(DisclosureError) {
        let wait: Int = windows.withLock { w in
            if w.count > capacity { w = w.filter { now - $0.value.start < seconds } }
            var longest = 0
            for key in keys {
                if let x = w[key], now - x.start < seconds, x.count >= limit {
                    longest = max(longest, x.start + seconds - now)
                }
            }
            guard longest == 0, counting else { return longest }
            for key in keys {
                if let x = w[key], now - x.start < seconds {
                    w[key] = Window(start: x.start, count: x.count + 1)
                } else {
                    w[key] = Window(start: now, count: 1)
                }
            }
            return 0
        }
        guard wait > 0 else { return }
        var e = DisclosureError(
            .throttled, field: field, zh: "提交或查询过于频繁，请\(wait)秒后再试",
            en: "too many attempts; try again in \(wait) seconds")
        e.retryAfter = wait
        throw e
    }
}

/// The national application form as the portal and `POST /api/v1/applications` take it.
public enum OnlineApplicationForm {
    /// Every field the form has.
    public static let names: Set<String> = [
        "applicant", "applicant_type", "id_type", "id_number", "phone", "email", "address", "request", "purpose",
        "form", "delivery",
    ]

    /// Reads and checks the form; an unknown field, a missing one or a wrong value is refused by name.
    public static func read(_ form: Form) throws(DisclosureError) -> OnlineApplication {
        var f = form
        try f.only(names)
        /// Optional text: a blank one is a field not given (it would satisfy nothing, e.g. the contact rule).
        func text(_ name: String) throws(DisclosureError) -> String? {
            try f.text(name).flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        }
        let a = OnlineApplication(
            applicant: try f.requiredText("applicant"),
            applicantType: try f.requiredChoice("applicant_type", ApplicantType.self),
            idType: try text("id_type"), idNumber: try text("id_number"), phone: try text("phone"),
            email: try text("email"), address: try text("address"), request: try f.requiredText("request"),
            purpose: try text("purpose"), form: try f.choice("form", InfoForm.self),
            delivery: try f.choice("delivery", DeliveryMethod.self))
        try f.finish()
        try a.validate()
        return a
    }

    /// What identifies the applicant for the per-contact limit: each contact given, folded to one case.
    public static func contactKeys(_ a: OnlineApplication) -> [String] {
        [a.phone.map { "phone:" + $0.filter(\.isNumber) }.flatMap { $0 == "phone:" ? nil : $0 },
         a.email.map { "email:" + $0.lowercased() },
         a.idNumber.map { "id:" + $0.uppercased() }].compactMap { $0 }
    }
}

/// Online submissions as text for the terminal (`submission list`).
public enum SubmissionText {
    /// One block per submission; `overdue` says which have waited too long.
    public static func text(_ list: [StoredSubmission], overdue: (StoredSubmission) -> Bool, _ lang: Language)
        -> String
    {
        let zh = lang == .zh
        guard !list.isEmpty else { return zh ? "没有网上申请" : "no online submissions" }
        return list.map { s in
            let f = s.form
            let late = zh ? "  【超过\(Portal.confirmWithin)个工作日未确认】" : "  [unconfirmed > 2 working days]"
            let flag = overdue(s) ? late : ""
            let on = s.decidedOn?.description ?? ""
            let state =
                switch s.status {
                case .pending: zh ? "待确认" : "pending"
                case .confirmed:
                    zh ? "已于\(on)确认为案件\(s.caseNumber?.description ?? "")"
                        : "confirmed \(on) as case \(s.caseNumber?.description ?? "")"
                case .declined: zh ? "已于\(on)不予登记（\(s.reason ?? "")）" : "declined \(on) (\(s.reason ?? ""))"
                }
            let contact = f.contacts.joined(separator: zh ? "；" : "; ")
            return zh
                ? "\(s.number)  \(s.submittedOn)提交  \(state)\(flag)\n  申请人：\(f.applicant)（\(f.applicantType.label.zh)）"
                    + "  联系：\(contact)\n  所需信息：\(f.request)"
                : "\(s.number)  submitted \(s.submittedOn)  \(state)\(flag)\n  applicant: \(f.applicant) "
                    + "(\(f.applicantType.label.en))  contact: \(contact)\n  information: \(f.request)"
        }.joined(separator: "\n")
    }
}
