import DisclosureCore

/// Every use case that changes something, with the roles that may run it: STATUTE.md §11 as one
/// table. Reading cases and reports is open to every role of the office and needs no entry.
public enum UseCase: String, Sendable, CaseIterable {
    case register
    case correctionReceive = "correction-receive"
    case assign
    case correctionRequest = "correction-request"
    case consult
    case fee
    case attach
    case draft
    case deliver
    case review
    case extend
    case issue
    case close
    case reopen
    case remedy
    case importCases = "import"
    case reportLock = "report-lock"
    /// Record (or withdraw) a decision to publish proactively what several applicants asked for (art. 44).
    case proactiveLead = "proactive-lead"
    case staff
    case calendar
    /// Taking back the office's own cases from its export.
    case restoreCases = "restore-cases"
    /// A consistent copy of the whole database.
    case backup
    /// Putting a backup back in place of the database.
    case restore
    /// Signing the chain's head with the office's key.
    case checkpoint
    /// Seeing who looked at a case's personal data.
    case auditAccess = "audit-access"
    /// Sending the deadline reminders now, and reading whom they went to.
    case remind
    /// Proposing the correction of an earlier step's fact.
    case amend
    /// Approving or refusing a proposed correction.
    case decideAmendment = "decide-amendment"

    /// Who may run it (§11). The four-eyes parts (never the drafter) are rules on the case, in Core.
    public var roles: Set<Role> {
        switch self {
        case .register, .correctionReceive: [.registrar, .handler]
        case .assign: [.head, .registrar]
        case .correctionRequest, .consult, .fee, .attach, .draft, .deliver, .amend: [.handler]
        case .review: [.reviewer]
        case .extend, .issue, .reopen, .remedy, .importCases, .reportLock, .proactiveLead, .decideAmendment: [.head]
        case .close: [.handler, .head]
        case .staff, .calendar, .restoreCases: [.admin]
        case .checkpoint, .restore: [.head]
        case .backup, .auditAccess, .remind: [.head, .admin]
        }
    }

    /// What the use case does, for refusals.
    public var label: Text {
        switch self {
        case .register: Text(zh: "登记申请", en: "register an application")
        case .correctionReceive: Text(zh: "登记收到补正", en: "record a corrected application")
        case .assign: Text(zh: "分配承办人", en: "assign a handler")
        case .correctionRequest: Text(zh: "发出补正告知", en: "request a correction")
        case .consult: Text(zh: "征求意见", en: "consult")
        case .fee: Text(zh: "办理收费", en: "handle fees")
        case .attach: Text(zh: "存入附件", en: "attach documents")
        case .draft: Text(zh: "拟定答复", en: "draft a reply")
        case .deliver: Text(zh: "登记送达", en: "record delivery")
        case .review: Text(zh: "审核答复稿", en: "review a draft")
        case .extend: Text(zh: "延期或延迟答复", en: "extend or defer the reply")
        case .issue: Text(zh: "签发答复", en: "issue a reply")
        case .close: Text(zh: "撤回、视为放弃或归档", en: "record a withdrawal, close as abandoned or archive")
        case .reopen: Text(zh: "重新办理", en: "reopen a case")
        case .remedy: Text(zh: "登记复议、诉讼", en: "record 行政复议 or litigation")
        case .importCases: Text(zh: "导入案卷", en: "import case files")
        case .reportLock: Text(zh: "锁定或解除锁定年度报告", en: "lock or unlock an annual report")
        case .proactiveLead: Text(zh: "记录纳入主动公开的决定", en: "record a decision to publish proactively")
        case .staff: Text(zh: "管理工作人员账号", en: "manage staff accounts")
        case .calendar: Text(zh: "载入放假安排", en: "load holiday schedules")
        case .restoreCases: Text(zh: "恢复本机关导出的案件", en: "restore the office's own exported cases")
        case .backup: Text(zh: "备份数据库", en: "back up the database")
        case .restore: Text(zh: "从备份恢复数据库", en: "restore the database from a backup")
        case .checkpoint: Text(zh: "签署审计锚点", en: "sign an audit checkpoint")
        case .auditAccess: Text(zh: "查看个人信息查阅记录", en: "see who looked at personal data")
        case .remind: Text(zh: "发送答复期限提醒", en: "send deadline reminders")
        case .amend: Text(zh: "提出更正", en: "propose an amendment")
        case .decideAmendment: Text(zh: "批准或不批准更正", en: "approve or refuse an amendment")
        }
    }

    /// The use case of recording `step` on a case.
    public static func of(_ step: Step) -> UseCase {
        switch step {
        case .correctionRequest: .correctionRequest
        case .correctionReceive: .correctionReceive
        case .consultSend, .consultAnswer: .consult
        case .extend, .deferral: .extend
        case .feeNotice, .feePaid: .fee
        case .draft: .draft
        case .review: .review
        case .issue: .issue
        case .deliver: .deliver
        case .archive, .withdraw, .close: .close
        case .reopen: .reopen
        case .remedyFile, .remedyDecide: .remedy
        case .assign: .assign
        case .amend: .amend
        case .decideAmendment: .decideAmendment
        }
    }

    /// The use case of a step kind as forms name it (`StepForm.kinds`); nil for no such kind.
    public static func of(kind: String) -> UseCase? {
        switch kind {
        case "correction-request": .correctionRequest
        case "correction-receive": .correctionReceive
        case "consult-send", "consult-answer": .consult
        case "extension", "deferral": .extend
        case "fee-notice", "fee-paid": .fee
        case "draft": .draft
        case "review": .review
        case "issue": .issue
        case "deliver": .deliver
        case "archive", "withdraw", "close": .close
        case "reopen": .reopen
        case "remedy-file", "remedy-decide": .remedy
        case "assign": .assign
        case "amend": .amend
        case "amend-decide": .decideAmendment
        default: nil
        }
    }

    /// Refuses `account` unless it holds one of the roles.
    func authorise(_ account: Account) throws(DisclosureError) {
        guard account.roles.isDisjoint(with: roles) else { return }
        let need = roles.sorted().map { "\($0.label.zh)（\($0.rawValue)）" }.joined(separator: "或")
        let needEn = roles.sorted().map(\.rawValue).joined(separator: " or ")
        throw DisclosureError(
            .forbidden, field: "actor",
            zh: "账号“\(account.name)”无权\(label.zh)：须由\(need)办理",
            en: "the account “\(account.name)” may not \(label.en): that needs the role \(needEn)")
    }
}
