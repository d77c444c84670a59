/// How an information-processing fee is counted (国办函〔2020〕109号): one scale per case.
public enum FeeBasis: String, Vocabulary {
    case items, pages
    public var label: Text {
        switch self {
        case .items: Text(zh: "按件计收", en: "per item")
        case .pages: Text(zh: "按量计收", en: "per page")
        }
    }
}

/// The remedy an applicant sought against the office (STATUTE.md §6, table 四 of the annual report).
public enum RemedyKind: String, Vocabulary {
    case reconsideration
    case litigation
    case litigationAfterReconsideration = "litigation-after-reconsideration"
    public var label: Text {
        switch self {
        case .reconsideration: Text(zh: "行政复议", en: "administrative reconsideration")
        case .litigation: Text(zh: "行政诉讼（未经复议直接起诉）", en: "litigation, without reconsideration first")
        case .litigationAfterReconsideration: Text(zh: "行政诉讼（复议后起诉）", en: "litigation after reconsideration")
        }
    }
}

/// How a 行政复议 or court decided.
public enum RemedyResult: String, Vocabulary {
    case upheld, corrected, other
    public var label: Text {
        switch self {
        case .upheld: Text(zh: "维持", en: "upheld")
        case .corrected: Text(zh: "纠正", en: "corrected")
        case .other: Text(zh: "其他结果", en: "other result")
        }
    }
}

/// One procedural step on a case; the case's state is a pure function of its list of these.
public enum Action: Sendable, Hashable, Codable {
    /// 补正告知 (art. 30): what to correct and the period in working days after service.
    case correctionRequested(items: String, periodDays: Int, served: CivilDate?)
    case correctionReceived
    /// 征求意见 (arts. 32, 34); `id` numbers the case's consultations from 1.
    case consultationSent(id: Int, party: ConsultParty, to: String, served: CivilDate?)
    case consultationAnswered(id: Int, opinion: Opinion)
    /// 延期答复 (art. 33), approved by the head of the disclosure office.
    case extended(days: Int, approvedBy: String, reason: String)
    /// 延迟答复 (art. 35): a reasonable later reply date told to the applicant.
    case deferred(until: CivilDate, reason: String)
    /// 收费通知 with the amount in yuan; `served` is when the applicant received it.
    case feeNoticed(basis: FeeBasis, quantity: Int, amount: Int, served: CivilDate?)
    case feePaid
    case replyDrafted(outcome: Outcome, basis: String?, referTo: String?)
    case replyReviewed(approved: Bool, comment: String?)
    case replyIssued
    case delivered(method: DeliveryMethod)
    case archived
    /// A new reply round, e.g. ordered by a 行政复议 decision or a court.
    case reopened(reason: String)
    case withdrawn
    case abandoned(reason: AbandonReason)
    /// 行政复议 or 行政诉讼 against the office's handling; `id` numbers the case's remedies from 1.
    case remedyFiled(id: Int, kind: RemedyKind, body: String)
    /// The decision; `corrected` sends a closed case back for a new reply.
    case remedyDecided(id: Int, result: RemedyResult)
    /// The case is given to a handler (承办人), named by their account name.
    case assigned(handler: String)
    /// A mistaken fact of an earlier step, to be corrected: `step` 0 is the registration, n the case's
    /// nth step; `field` an `AmendableField`; `id` numbers the case's amendments from 1. The original
    /// stays on record; the correction takes effect once a head approves it.
    case amendmentProposed(id: Int, step: Int, field: String, value: String, reason: String)
    /// A head's decision on a proposed amendment; approved, every view of the case uses the new value.
    case amendmentDecided(id: Int, approved: Bool)

    /// Stable identifier of the kind of step, as stored and exported.
    public var kind: String {
        switch self {
        case .correctionRequested: "correction-requested"
        case .correctionReceived: "correction-received"
        case .consultationSent: "consultation-sent"
        case .consultationAnswered: "consultation-answered"
        case .extended: "extended"
        case .deferred: "deferred"
        case .feeNoticed: "fee-noticed"
        case .feePaid: "fee-paid"
        case .replyDrafted: "reply-drafted"
        case .replyReviewed: "reply-reviewed"
        case .replyIssued: "reply-issued"
        case .delivered: "delivered"
        case .archived: "archived"
        case .reopened: "reopened"
        case .withdrawn: "withdrawn"
        case .abandoned: "abandoned"
        case .remedyFiled: "remedy-filed"
        case .remedyDecided: "remedy-decided"
        case .assigned: "assigned"
        case .amendmentProposed: "amendment-proposed"
        case .amendmentDecided: "amendment-decided"
        }
    }

    /// A short description for histories.
    public var summary: Text {
        switch self {
        case let .correctionRequested(items, period, served):
            Text(zh: "发出补正告知（补正事项：\(items)；期限：送达后\(period)个工作日\(served.map { "；送达 \($0)" } ?? "")）",
                 en: "correction requested (items: \(items); period: \(period) working days after service\(served.map { "; served \($0)" } ?? ""))")
        case .correctionReceived:
            Text(zh: "收到补正申请，答复期限重新计算", en: "corrected application received; reply period restarts")
        case let .consultationSent(id, party, to, served):
            Text(zh: "第\(id)号征求意见：向\(party.label.zh)“\(to)”发出征求意见书\(served.map { "（送达 \($0)）" } ?? "")",
                 en: "consultation #\(id) sent to \(party.label.en) “\(to)”\(served.map { " (served \($0))" } ?? "")")
        case let .consultationAnswered(id, opinion):
            Text(zh: "第\(id)号征求意见收到答复：\(opinion.label.zh)", en: "consultation #\(id) answered: \(opinion.label.en)")
        case let .extended(days, by, reason):
            Text(zh: "延期答复\(days)个工作日（批准人：\(by)；理由：\(reason)）",
                 en: "reply extended by \(days) working days (approved by \(by); reason: \(reason))")
        case let .deferred(until, reason):
            Text(zh: "确定延迟答复期限至\(until)（理由：\(reason)）", en: "reply deferred to \(until) (reason: \(reason))")
        case let .feeNoticed(basis, quantity, amount, served):
            Text(zh: "发出收费通知：\(basis.label.zh)，\(quantity)\(basis == .items ? "件" : "页")，\(amount)元\(served.map { "（送达 \($0)）" } ?? "")",
                 en: "fee notice: \(basis.label.en), \(quantity) \(basis == .items ? "items" : "pages"), \(amount) yuan\(served.map { " (served \($0))" } ?? "")")
        case .feePaid:
            Text(zh: "收到信息处理费", en: "fee paid")
        case let .replyDrafted(outcome, basis, referTo):
            Text(zh: "拟定答复：\(outcome.rawValue) \(outcome.label.zh)\(basis.map { "；依据：\($0)" } ?? "")\(referTo.map { "；告知向\($0)申请" } ?? "")",
                 en: "reply drafted: \(outcome.rawValue) \(outcome.label.en)\(basis.map { "; basis: \($0)" } ?? "")\(referTo.map { "; refer to \($0)" } ?? "")")
        case let .replyReviewed(approved, comment):
            Text(zh: (approved ? "审核通过" : "审核退回") + (comment.map { "：\($0)" } ?? ""),
                 en: (approved ? "review approved" : "review returned") + (comment.map { ": \($0)" } ?? ""))
        case .replyIssued:
            Text(zh: "签发答复", en: "reply issued")
        case let .delivered(method):
            Text(zh: "送达（\(method.label.zh)）", en: "delivered (\(method.label.en))")
        case .archived:
            Text(zh: "归档", en: "archived")
        case let .reopened(reason):
            Text(zh: "重新办理（理由：\(reason)）", en: "reopened (reason: \(reason))")
        case .withdrawn:
            Text(zh: "申请人撤回申请", en: "withdrawn by the applicant")
        case let .abandoned(reason):
            Text(zh: "视为放弃申请：\(reason.label.zh)", en: "deemed abandoned: \(reason.label.en)")
        case let .remedyFiled(id, kind, body):
            Text(zh: "第\(id)号救济：申请人提起\(kind.label.zh)（\(body)）", en: "remedy #\(id): \(kind.label.en) before \(body)")
        case let .assigned(handler):
            Text(zh: "交由承办人“\(handler)”办理", en: "assigned to the handler “\(handler)”")
        case let .remedyDecided(id, result):
            Text(zh: "第\(id)号救济结果：\(result.label.zh)" + (result == .corrected ? "，须重新答复" : ""),
                 en: "remedy #\(id) decided: \(result.label.en)" + (result == .corrected ? "; a new reply is due" : ""))
        case let .amendmentProposed(id, step, field, value, reason):
            Text(
                zh: "提出第\(id)号更正：第\(step)项办理步骤的“\(AmendableField(rawValue: field)?.label.zh ?? field)”"
                    + "更正为“\(value)”（理由：\(reason)）",
                en: "amendment #\(id) proposed: procedural step \(step), "
                    + "\(AmendableField(rawValue: field)?.label.en ?? field) to “\(value)” (reason: \(reason))")
        case let .amendmentDecided(id, approved):
            Text(zh: approved ? "批准第\(id)号更正" : "不批准第\(id)号更正",
                 en: approved ? "amendment #\(id) approved" : "amendment #\(id) refused")
        }
    }
}

/// An action with its legal date and who recorded it.
public struct CaseEvent: Sendable, Hashable, Codable {
    /// The legal date the step took effect (not when it was typed in).
    public var on: CivilDate
    public var action: Action
    /// The recorder's name as shown; for this office's steps since accounts exist, the account's name.
    public var actor: String
    /// The recorder's account; nil for steps recorded before accounts existed or in another office.
    public var accountID: Int?
    /// Why a step was entered more than `LateEntry.graceWorkdays` after its legal date (补录).
    public var lateEntry: String?
    /// The document number (文号) of the letter this step sent, assigned by the store when it is recorded.
    public var letter: String?
    public init(
        on: CivilDate, action: Action, actor: String, accountID: Int? = nil, lateEntry: String? = nil,
        letter: String? = nil
    ) {
        self.on = on
        self.action = action
        self.actor = actor
        self.accountID = accountID
        self.lateEntry = lateEntry
        self.letter = letter
    }

    /// Who recorded it, for comparing people.
    public var recorder: ActorRef { ActorRef(name: actor, accountID: accountID) }
}

/// Steps entered late (issue 10): the legal date lies more than three working days before the day
/// the step is recorded, so it must say why, and it is marked 补录 wherever it is shown.
public enum LateEntry {
    /// **Interpretation**: three working days' grace covers a weekend's post and a day's absence.
    public static let graceWorkdays = 3

    /// Whether a step dated `on` and recorded on `recorded` is a late entry.
    public static func isLate(on: CivilDate, recorded: CivilDate, calendar: WorkCalendar) -> Bool {
        recorded > calendar.addingWorkdays(graceWorkdays, after: on).date
    }
}
