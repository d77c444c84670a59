import DisclosureCore
import DisclosureStore

/// One field of a form as a front end draws it: its name (the form's, as `StepForm.read` and
/// `RegistrationForm.read` take it), its label, how it is entered and whether it must be given.
public struct FieldSpec: Sendable {
    /// How the value is entered.
    public enum Input: Sendable {
        case line
        case paragraph
        case number
        case date
        /// One of a vocabulary's values: its code and its label.
        case choice([Choice])
        /// Yes or no, with the label of each.
        case yesNo(yes: Text, no: Text)
    }

    /// One value of a choice.
    public struct Choice: Sendable {
        public let value: String
        public let label: Text
    }

    public let name: String
    public let label: Text
    public let input: Input
    public let required: Bool
    /// What the officer needs to know to fill it in (the rule), if anything.
    public let hint: Text?

    init(_ name: String, _ label: Text, _ input: Input, required: Bool = true, hint: Text? = nil) {
        self.name = name
        self.label = label
        self.input = input
        self.required = required
        self.hint = hint
    }

    /// Every value of a vocabulary as a choice.
    static func choices<V: Vocabulary>(_ type: V.Type) -> Input {
        .choice(V.allCases.map { Choice(value: $0.rawValue, label: $0.label) })
    }
}

/// The fields of each step and of a registration, for front ends that draw forms (the web pages).
/// The rules stay in `StepForm.read`, `Rules` and the use cases; this is only how to ask.
public enum FormFields {
    /// What a step kind records, as a heading.
    public static func title(of kind: String) -> Text {
        switch kind {
        case "correction-request": Text(zh: "补正告知", en: "Request a correction")
        case "correction-receive": Text(zh: "收到补正", en: "Correction received")
        case "consult-send": Text(zh: "征求意见", en: "Send a consultation")
        case "consult-answer": Text(zh: "登记征求意见答复", en: "Record a consultation's answer")
        case "extension": Text(zh: "延期答复（负责人批准）", en: "Extend the reply period (head of office)")
        case "deferral": Text(zh: "延迟答复", en: "Defer the reply")
        case "fee-notice": Text(zh: "收费通知", en: "Send a fee notice")
        case "fee-paid": Text(zh: "登记缴费", en: "Fee paid")
        case "draft": Text(zh: "拟定答复", en: "Draft the reply")
        case "review": Text(zh: "审核答复稿", en: "Review the draft")
        case "issue": Text(zh: "签发答复", en: "Issue the reply")
        case "deliver": Text(zh: "登记送达", en: "Record delivery")
        case "archive": Text(zh: "归档", en: "Archive")
        case "reopen": Text(zh: "重新办理", en: "Reopen")
        case "withdraw": Text(zh: "申请人撤回", en: "Withdrawn by the applicant")
        case "close": Text(zh: "视为放弃申请", en: "Close as abandoned")
        case "remedy-file": Text(zh: "登记复议或诉讼", en: "Record a reconsideration or lawsuit")
        case "remedy-decide": Text(zh: "登记复议或诉讼结果", en: "Record the decision of a remedy")
        case "assign": Text(zh: "分配承办人", en: "Assign a handler")
        case "amend": Text(zh: "提出更正（负责人批准后生效）", en: "Propose an amendment (a head approves)")
        case "amend-decide": Text(zh: "批准或不批准更正", en: "Decide on an amendment")
        default: Text(zh: kind, en: kind)
        }
    }

    /// The fields of a step kind, in the order a form shows them, without the date and 补录 reason.
    public static func fields(of kind: String) -> [FieldSpec] {
        switch kind {
        case "correction-request":
            [
                FieldSpec(
                    "items", Text(zh: "需要补正的事项", en: "What must be corrected"), .paragraph,
                    hint: Text(zh: "一次性告知全部事项（条例第三十条）", en: "everything at once (art. 30)")),
                FieldSpec(
                    "period", Text(zh: "补正期限（工作日）", en: "Period (working days)"), .number,
                    hint: Text(zh: "1至60个工作日，自送达起算", en: "1 to 60 working days from service")),
                FieldSpec(
                    "served", Text(zh: "送达申请人之日", en: "Day served on the applicant"), .date, required: false,
                    hint: Text(zh: "未填则自发出之日起算", en: "if empty, the period runs from sending")),
            ]
        case "consult-send":
            [
                FieldSpec("party", Text(zh: "征求对象", en: "Who is consulted"), FieldSpec.choices(ConsultParty.self)),
                FieldSpec("to", Text(zh: "名称", en: "Name"), .line),
                FieldSpec(
                    "served", Text(zh: "送达之日", en: "Day served"), .date, required: false,
                    hint: Text(zh: "15个工作日自送达起算", en: "the 15 working days run from service")),
            ]
        case "consult-answer":
            [
                FieldSpec(
                    "consultation", Text(zh: "征求意见编号", en: "Consultation number"), .number, required: false,
                    hint: Text(zh: "只有一项未答复时可不填", en: "may be empty when only one is unanswered")),
                FieldSpec("opinion", Text(zh: "意见", en: "Opinion"), FieldSpec.choices(Opinion.self)),
            ]
        case "extension":
            [
                FieldSpec(
                    "days", Text(zh: "延长工作日数", en: "Working days of extension"), .number,
                    hint: Text(zh: "全案合计不超过20个工作日（条例第三十三条）", en: "at most 20 in all (art. 33)")),
                FieldSpec("reason", Text(zh: "延期理由", en: "Reason"), .paragraph),
            ]
        case "deferral":
            [
                FieldSpec("until", Text(zh: "答复日期", en: "Reply by"), .date),
                FieldSpec("reason", Text(zh: "理由", en: "Reason"), .paragraph),
            ]
        case "fee-notice":
            [
                FieldSpec(
                    "items", Text(zh: "件数（按件计收）", en: "Items (per item)"), .number, required: false,
                    hint: Text(zh: "件数与页数只填一项", en: "give items or pages, not both")),
                FieldSpec("pages", Text(zh: "页数（按量计收）", en: "Pages (per page)"), .number, required: false),
                FieldSpec("served", Text(zh: "送达之日", en: "Day served"), .date, required: false),
            ]
        case "draft":
            [
                FieldSpec("outcome", Text(zh: "答复结果", en: "Outcome"), FieldSpec.choices(Outcome.self)),
                FieldSpec(
                    "basis", Text(zh: "理由与依据", en: "Reasons and basis"), .paragraph, required: false,
                    hint: Text(zh: "不予公开、无法提供、不予处理须写明", en: "required for a refusal")),
                FieldSpec(
                    "refer_to", Text(zh: "告知的机关或途径", en: "Agency or channel referred to"), .line, required: false),
            ]
        case "review":
            [
                FieldSpec(
                    "approve", Text(zh: "审核意见", en: "Decision"),
                    .yesNo(yes: Text(zh: "审核通过", en: "approve"), no: Text(zh: "退回修改", en: "return for changes"))),
                FieldSpec(
                    "comment", Text(zh: "意见", en: "Comment"), .paragraph, required: false,
                    hint: Text(zh: "退回须写明意见", en: "required when returning")),
            ]
        case "deliver":
            [FieldSpec("method", Text(zh: "送达方式", en: "Method"), FieldSpec.choices(DeliveryMethod.self))]
        case "reopen": [FieldSpec("reason", Text(zh: "理由", en: "Reason"), .paragraph)]
        case "close":
            [FieldSpec("abandoned", Text(zh: "视为放弃的原因", en: "Why"), FieldSpec.choices(AbandonReason.self))]
        case "remedy-file":
            [
                FieldSpec("remedy_kind", Text(zh: "类别", en: "Kind"), FieldSpec.choices(RemedyKind.self)),
                FieldSpec("body", Text(zh: "复议机关或法院", en: "Reconsideration body or court"), .line),
            ]
        case "remedy-decide":
            [
                FieldSpec(
                    "remedy", Text(zh: "编号", en: "Number"), .number, required: false,
                    hint: Text(zh: "只有一项未决时可不填", en: "may be empty when only one is undecided")),
                FieldSpec("result", Text(zh: "结果", en: "Result"), FieldSpec.choices(RemedyResult.self)),
            ]
        case "assign": [FieldSpec("account", Text(zh: "承办人账号", en: "Handler's account"), .line)]
        case "amend":
            [
                FieldSpec(
                    "event", Text(zh: "第几步", en: "Step"), .number,
                    hint: Text(zh: "办理记录中的序号，登记为0", en: "its number in the history; 0 is the registration")),
                FieldSpec("field", Text(zh: "更正事项", en: "Field"), FieldSpec.choices(AmendableField.self)),
                FieldSpec("value", Text(zh: "正确的内容", en: "Correct value"), .paragraph),
                FieldSpec("reason", Text(zh: "更正理由", en: "Reason"), .line),
            ]
        case "amend-decide":
            [
                FieldSpec(
                    "amendment", Text(zh: "更正编号", en: "Amendment"), .number, required: false,
                    hint: Text(zh: "只有一项待批准时可不填", en: "may be empty when only one awaits")),
                FieldSpec(
                    "approve", Text(zh: "决定", en: "Decision"),
                    .yesNo(yes: Text(zh: "批准", en: "Approve"), no: Text(zh: "不批准", en: "Refuse"))),
            ]
        default: []
        }
    }

    /// The date and 补录 fields every step has.
    public static let stepCommon: [FieldSpec] = [
        FieldSpec(
            "on", Text(zh: "办理日期", en: "Date"), .date, required: false,
            hint: Text(zh: "未填为今天", en: "today if empty")),
        FieldSpec(
            "late_entry", Text(zh: "补录理由", en: "Late-entry reason"), .line, required: false,
            hint: Text(
                zh: "日期早于今天\(LateEntry.graceWorkdays)个工作日以上的事项须写明为何补录",
                en: "required for a step dated more than \(LateEntry.graceWorkdays) working days before today")),
    ]

    /// The fields of a registration, in the order of the national application form.
    public static let registration: [FieldSpec] = [
        FieldSpec(
            "received", Text(zh: "收到申请之日", en: "Received on"), .date,
            hint: Text(zh: "按渠道确定（条例第三十一条）", en: "by channel (art. 31)")),
        FieldSpec("channel", Text(zh: "提交渠道", en: "Channel"), FieldSpec.choices(Channel.self)),
        FieldSpec("applicant", Text(zh: "申请人姓名或名称", en: "Applicant"), .line),
        FieldSpec("applicant_type", Text(zh: "申请人类别", en: "Applicant type"), FieldSpec.choices(ApplicantType.self)),
        FieldSpec("id_number", Text(zh: "证件号码", en: "ID number"), .line, required: false),
        FieldSpec("contact", Text(zh: "联系方式", en: "Contact"), .line, required: false),
        FieldSpec("request", Text(zh: "所需政府信息的内容描述", en: "Information requested"), .paragraph),
        FieldSpec(
            "form", Text(zh: "获取信息的方式", en: "Form of provision"), FieldSpec.choices(InfoForm.self),
            required: false),
        FieldSpec("note", Text(zh: "备注", en: "Note"), .paragraph, required: false),
        FieldSpec(
            "late_entry", Text(zh: "补录理由", en: "Late-entry reason"), .line, required: false,
            hint: Text(
                zh: "收到日期早于今天\(LateEntry.graceWorkdays)个工作日以上时须写明",
                en: "required when received more than \(LateEntry.graceWorkdays) working days before today")),
    ]
}

extension FieldSpec {
    /// The national application form on the portal (网上受理), in its order.
    public static let onlineApplication: [FieldSpec] = [
        FieldSpec("applicant", Text(zh: "申请人姓名或名称", en: "Name of the applicant"), .line),
        FieldSpec(
            "applicant_type", Text(zh: "申请人类别", en: "Applicant type"), FieldSpec.choices(ApplicantType.self),
            hint: Text(zh: "公民选“自然人”；法人或其他组织选其类别", en: "a citizen is a natural person")),
        FieldSpec("id_type", Text(zh: "证件类型", en: "Identity document"), .line, required: false,
                  hint: Text(zh: "如身份证、护照、统一社会信用代码证", en: "e.g. ID card, passport, credit code")),
        FieldSpec("id_number", Text(zh: "证件号码", en: "Document number"), .line, required: false),
        FieldSpec("phone", Text(zh: "联系电话", en: "Telephone"), .line, required: false),
        FieldSpec("email", Text(zh: "电子邮箱", en: "E-mail"), .line, required: false),
        FieldSpec(
            "address", Text(zh: "通信地址", en: "Postal address"), .line, required: false,
            hint: Text(zh: "电话、邮箱、地址至少填写一项", en: "give at least a telephone, an e-mail or an address")),
        FieldSpec(
            "request", Text(zh: "所需政府信息的名称、文号或者便于查询的其他特征性描述", en: "The information asked for"),
            .paragraph, hint: Text(zh: "条例第二十九条第二款第（二）项", en: "art. 29(2)(ii)")),
        FieldSpec("purpose", Text(zh: "用途（选填）", en: "Purpose (optional)"), .paragraph, required: false),
        FieldSpec(
            "form", Text(zh: "获取信息的方式", en: "Form of provision"), FieldSpec.choices(InfoForm.self), required: false),
        FieldSpec(
            "delivery", Text(zh: "获取途径", en: "Delivery"), FieldSpec.choices(DeliveryMethod.self), required: false),
    ]
}

extension Desk {
    /// The step kinds the signed-in account may record on the case today: its roles allow the use
    /// case, and the case as it stands does not refuse the step (each is tried with the rules).
    public func nextSteps(_ record: CaseRecord) throws(DisclosureError) -> [String] {
        guard let account else { return [] }
        var out: [String] = []
        for kind in StepForm.kinds {
            let probes = Self.probes(kind, today: today, account: account)
            guard let first = probes.first, !account.roles.isDisjoint(with: UseCase.of(first).roles) else { continue }
            if probes.contains(where: { allows($0, on: record, by: account) }) { out.append(kind) }
        }
        return out
    }

    private func allows(_ step: Step, on record: CaseRecord, by account: Account) -> Bool {
        let action: Action
        if case .assign = step {
            // Whom to assign is the form's question; the registrar who asks need not be a handler.
            action = .assigned(handler: account.name)
        } else {
            do {
                action = try self.action(for: step, case: record, by: account, store: store, assignee: nil)
            } catch {
                return false
            }
        }
        let event = CaseEvent(on: today, action: action, actor: account.name, accountID: account.id)
        do {
            _ = try Rules.check(event, on: record.state, calendar: calendar, asOf: today)
            return true
        } catch {
            // A refusal of a value typed into the form is the form's to show; a refusal of the case,
            // of the date (today) or of the person means the step is not open to them now, and so does
            // one of a choice the probes go through whole (every reason to close refused).
            if case .close = step { return false }
            return !["CASE", "on", "actor"].contains(error.field ?? "")
        }
    }

    /// Steps standing for a kind, with values that pass any rule about the values themselves.
    private static func probes(_ kind: String, today: CivilDate, account: Account) -> [Step] {
        switch kind {
        case "correction-request": [.correctionRequest(items: "—", periodDays: 15, served: nil)]
        case "correction-receive": [.correctionReceive]
        case "consult-send": [.consultSend(party: .thirdParty, to: "—", served: nil)]
        case "consult-answer": [.consultAnswer(id: nil, opinion: .agree)]
        case "extension": [.extend(days: 1, reason: "—")]
        case "deferral": [.deferral(until: today, reason: "—")]
        case "fee-notice": [.feeNotice(basis: .pages, quantity: FeeSchedule.maxQuantity, served: nil)]
        case "fee-paid": [.feePaid]
        case "draft": [.draft(outcome: .disclosed, basis: nil, referTo: nil)]
        case "review": [.review(approve: true, comment: nil)]
        case "issue": [.issue]
        case "deliver": [.deliver(method: .inPerson)]
        case "archive": [.archive]
        case "reopen": [.reopen(reason: "—")]
        case "withdraw": [.withdraw]
        case "close": AbandonReason.allCases.map { Step.close(reason: $0) }
        case "remedy-file": [.remedyFile(kind: .reconsideration, body: "—")]
        case "remedy-decide": [.remedyDecide(id: nil, result: .upheld)]
        case "assign": [.assign(account: account.name)]
        // Any step may hold a mistake: the form asks which; open to handlers while the case has a step.
        case "amend": [.amend(event: 0, field: .note, value: "—", reason: "—")]
        case "amend-decide": [.decideAmendment(id: nil, approve: true)]
        default: []
        }
    }
}
