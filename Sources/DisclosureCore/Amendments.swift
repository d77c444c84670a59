/// A fact of an earlier step that may be corrected on record (`amend`): never who recorded a step
/// or who approved it, and never the kind of step or its outcome (those are new steps, not typos).
public enum AmendableField: String, Vocabulary {
    case request, applicant, contact, note, received, channel
    case on, items, period, served, to, opinion, reason, until, basis
    case referTo = "refer-to"
    case comment, method, body

    public var label: Text {
        switch self {
        case .request: Text(zh: "申请内容", en: "request")
        case .applicant: Text(zh: "申请人姓名或名称", en: "applicant's name")
        case .contact: Text(zh: "联系方式", en: "contact")
        case .note: Text(zh: "备注", en: "note")
        case .received: Text(zh: "收到日期", en: "receipt date")
        case .channel: Text(zh: "提交方式", en: "channel")
        case .on: Text(zh: "日期", en: "date")
        case .items: Text(zh: "补正事项", en: "correction items")
        case .period: Text(zh: "补正期限", en: "correction period")
        case .served: Text(zh: "送达日期", en: "service date")
        case .to: Text(zh: "征求意见对象", en: "consulted party")
        case .opinion: Text(zh: "意见", en: "opinion")
        case .reason: Text(zh: "理由", en: "reason")
        case .until: Text(zh: "延迟答复期限", en: "deferred reply date")
        case .basis: Text(zh: "理由、依据或获取途径", en: "basis")
        case .referTo: Text(zh: "告知的负责公开机关", en: "agency referred to")
        case .comment: Text(zh: "审核意见", en: "review comment")
        case .method: Text(zh: "送达方式", en: "delivery method")
        case .body: Text(zh: "复议机关或法院", en: "reconsideration body or court")
        }
    }
}

/// One amendment of a case and what became of it.
public struct Amendment: Sendable, Hashable {
    public let id: Int
    /// 0: the registration; n: the case's nth step.
    public let step: Int
    public let field: AmendableField
    public let value: String
    public let reason: String
    public let proposed: CivilDate
    public let proposer: ActorRef
    /// nil while it waits for a head; then whether it was approved.
    public var approved: Bool?
    public var decided: CivilDate?
}

/// Applying amendments: the original steps stay as recorded; the case is replayed with the corrections.
public enum Amendments {
    /// The fields of the registration (`action` nil) or of a step that an amendment may correct.
    public static func fields(of action: Action?) -> [AmendableField] {
        guard let action else { return [.request, .applicant, .contact, .note, .received, .channel] }
        switch action {
        case .correctionRequested: return [.on, .items, .period, .served]
        case .consultationSent: return [.on, .to, .served]
        case .consultationAnswered: return [.on, .opinion]
        case .extended: return [.on, .reason]
        case .deferred: return [.on, .until, .reason]
        case .feeNoticed: return [.on, .served]
        case .replyDrafted: return [.on, .basis, .referTo]
        case .replyReviewed: return [.on, .comment]
        case .delivered: return [.on, .method]
        case .reopened: return [.on, .reason]
        case .remedyFiled: return [.on, .body]
        case .correctionReceived, .feePaid, .replyIssued, .archived, .withdrawn, .abandoned, .remedyDecided:
            return [.on]
        // Who a case was given to is a new assignment; an amendment is not itself amended.
        case .assigned, .amendmentProposed, .amendmentDecided: return []
        }
    }

    static func invalid(_ zh: String, _ en: String) -> DisclosureError {
        DisclosureError(.invalidValue, field: "value", zh: zh, en: en)
    }

    static func date(_ v: String) throws(DisclosureError) -> CivilDate {
        guard let d = CivilDate(iso: v) else { throw invalid("须为日期 YYYY-MM-DD", "must be a date YYYY-MM-DD") }
        return d
    }

    static func line(_ v: String, max: Int = 500) throws(DisclosureError) -> String {
        try TextField.requireLine(v, field: "value", max: max)
        return v
    }

    static func text(_ v: String) throws(DisclosureError) -> String {
        try Application.requireText(v, field: "value", max: 5_000)
        return v
    }

    /// The value as the field's type; throws naming `value` and the rule.
    static func vocabulary<V: Vocabulary>(_ v: String) throws(DisclosureError) -> V { try V.parse(v, field: "value") }

    /// The registration with `field` set to `value`.
    public static func apply(
        _ field: AmendableField, _ value: String, to a: Application
    ) throws(DisclosureError)
        -> Application
    {
        var a = a
        switch field {
        case .request: a.request = try text(value)
        case .applicant: a.applicant.name = try line(value, max: 200)
        case .contact: a.applicant.contact = try line(value)
        case .note: a.note = try text(value)
        case .received:
            let d = try date(value)
            // The case number is of the receipt year: a receipt moved into another year is a new case.
            guard d.year == a.received.year else {
                throw invalid("不能改到另一年（案件编号按收到之年编排）", "cannot move to another year (the number is of the receipt year)")
            }
            a.received = d
        case .channel: a.channel = try vocabulary(value)
        default:
            throw DisclosureError(
                .invalidValue, field: "field", zh: "登记信息没有此项", en: "the registration has no such field")
        }
        try a.validate()
        return a
    }

    /// The step with `field` set to `value`.
    public static func apply(
        _ field: AmendableField, _ value: String, to e: CaseEvent
    ) throws(DisclosureError)
        -> CaseEvent
    {
        var e = e
        if field == .on {
            e.on = try date(value)
            return e
        }
        func none() -> DisclosureError {
            DisclosureError(.invalidValue, field: "field", zh: "这一步没有此项", en: "this step has no such field")
        }
        switch (e.action, field) {
        case (.correctionRequested(_, let period, let served), .items):
            e.action = .correctionRequested(items: try text(value), periodDays: period, served: served)
        case (.correctionRequested(let items, _, let served), .period):
            guard let n = Int(value), n >= 1 else { throw invalid("须为正整数", "must be a positive whole number") }
            e.action = .correctionRequested(items: items, periodDays: n, served: served)
        case (.correctionRequested(let items, let period, _), .served):
            e.action = .correctionRequested(items: items, periodDays: period, served: try date(value))
        case (.consultationSent(let id, let party, _, let served), .to):
            e.action = .consultationSent(id: id, party: party, to: try line(value), served: served)
        case (.consultationSent(let id, let party, let to, _), .served):
            e.action = .consultationSent(id: id, party: party, to: to, served: try date(value))
        case (.consultationAnswered(let id, _), .opinion):
            e.action = .consultationAnswered(id: id, opinion: try vocabulary(value))
        case (.extended(let days, let by, _), .reason):
            e.action = .extended(days: days, approvedBy: by, reason: try text(value))
        case (.deferred(_, let reason), .until): e.action = .deferred(until: try date(value), reason: reason)
        case (.deferred(let until, _), .reason): e.action = .deferred(until: until, reason: try text(value))
        case (.feeNoticed(let basis, let quantity, let amount, _), .served):
            e.action = .feeNoticed(basis: basis, quantity: quantity, amount: amount, served: try date(value))
        case (.replyDrafted(let outcome, _, let referTo), .basis):
            e.action = .replyDrafted(outcome: outcome, basis: try text(value), referTo: referTo)
        case (.replyDrafted(let outcome, let basis, _), .referTo):
            e.action = .replyDrafted(outcome: outcome, basis: basis, referTo: try line(value))
        case (.replyReviewed(let approved, _), .comment):
            e.action = .replyReviewed(approved: approved, comment: try text(value))
        case (.delivered, .method): e.action = .delivered(method: try vocabulary(value))
        case (.reopened, .reason): e.action = .reopened(reason: try text(value))
        case (.remedyFiled(let id, let kind, _), .body):
            e.action = .remedyFiled(id: id, kind: kind, body: try line(value, max: 200))
        default: throw none()
        }
        return e
    }

    /// The registration and steps as the approved amendments among `events` make them, in the order
    /// approved. Amendment events stay in the list (they change nothing when replayed).
    public static func applied(_ application: Application, _ events: [CaseEvent]) -> (Application, [CaseEvent]) {
        var app = application
        var steps = events
        var proposals: [Int: (step: Int, field: AmendableField, value: String)] = [:]
        for e in events {
            switch e.action {
            case .amendmentProposed(let id, let step, let field, let value, _):
                if let f = AmendableField(rawValue: field) { proposals[id] = (step, f, value) }
            case .amendmentDecided(let id, true):
                // Each was checked when proposed and when approved; one that no longer applies changes nothing.
                guard let p = proposals[id] else { continue }
                if p.step == 0 {
                    if let a = try? apply(p.field, p.value, to: app) { app = a }
                } else if p.step <= steps.count, let s = try? apply(p.field, p.value, to: steps[p.step - 1]) {
                    steps[p.step - 1] = s
                }
            default: continue
            }
        }
        return (app, steps)
    }

    /// The value as the office reads it: a vocabulary code by its name (agree → 同意公开).
    public static func display(_ field: AmendableField, _ value: String, _ lang: Language) -> String {
        switch field {
        case .opinion: Opinion(rawValue: value).map { $0.label(lang) } ?? value
        case .method: DeliveryMethod(rawValue: value).map { $0.label(lang) } ?? value
        case .channel: Channel(rawValue: value).map { $0.label(lang) } ?? value
        default: value
        }
    }

    /// Whether `events` hold an approved amendment (a replay must then apply them).
    public static func anyApproved(_ events: [CaseEvent]) -> Bool {
        events.contains { if case .amendmentDecided(_, true) = $0.action { true } else { false } }
    }
}
