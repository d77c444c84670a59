import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

/// Options shared by every command that records a procedural step.
struct StepOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(
        name: .customLong("late-entry"),
        help: "补录理由（事项日期早于今天3个工作日以上时必填）/ why the step is entered late (needed past 3 working days)")
    var lateEntry: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false
}

/// Records one step as the signed-in account, through the application layer, and reports.
func performStep(_ o: StepOptions, number: String, on: String?, _ step: Step) throws {
    let n = try CaseNumber.parse(number)
    let legalDate = try optionalDate(on, field: "--on")
    if let remote = try o.global.remote() {
        let fields = StepForm.fields(step, on: legalDate, lateEntry: o.lateEntry)
        return try remote.show(
            APICall(
                method: "POST", path: "/api/v1/cases/\(segment(n.description))/steps", body: .object(fields),
                text: !o.json))
    }
    let desk = try o.global.openDesk()
    let (record, warnings) = try desk.record(step, on: n, date: legalDate, lateEntry: o.lateEntry)
    let r = Renderer(lang: o.global.language, calendar: desk.calendar, asOf: desk.today)
    emit(o.json, r.caseJSON(record, warnings: warnings), r.step(record, warnings: warnings))
}

/// Parses a positive count option.
func positive(_ n: Int, field: String) throws(DisclosureError) -> Int {
    guard n >= 1 else {
        throw DisclosureError(.invalidValue, field: field, zh: "须为正整数", en: "must be a positive whole number")
    }
    return n
}

// MARK: - Correction (art. 30)

struct CorrectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correction", abstract: "补正（第三十条）/ correction (art. 30)",
        subcommands: [CorrectionRequest.self, CorrectionReceive.self])
}

struct CorrectionRequest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "一次性告知补正 / send the single correction notice")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "发出日期 / date sent") var on: String?
    @Option(help: "需要补正的事项 / what to correct") var items: String
    @Option(help: "补正期限（送达后工作日数）/ period in working days after service") var period: Int
    @Option(help: "送达日期（默认同发出日期）/ date served (default: date sent)") var served: String?

    func run() throws {
        let served = try optionalDate(served, field: "--served")
        try performStep(o, number: number, on: on, .correctionRequest(items: items, periodDays: period, served: served))
    }
}

struct CorrectionReceive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive", abstract: "收到补正，重新计算答复期限 / corrected application received; the 20 days restart")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "收到补正之日 / date the correction arrived") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .correctionReceive)
    }
}

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "期限届满视为放弃申请（6.1 逾期不补正 / 6.2 逾期未缴费）/ close as abandoned")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "correction|fee") var abandoned: String
    @Option(help: "结案日期 / date closed") var on: String?

    func run() throws {
        let reason = try AbandonReason.parse(abandoned, field: "--abandoned")
        try performStep(o, number: number, on: on, .close(reason: reason))
    }
}

struct Withdraw: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "申请人撤回申请（6.3）/ the applicant withdraws (6.3)")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "撤回日期 / date withdrawn") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .withdraw)
    }
}

// MARK: - Consultation (arts. 32, 34)

struct ConsultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consult", abstract: "征求意见（第三十二、三十四条）/ consultation",
        subcommands: [ConsultSend.self, ConsultAnswer.self])
}

struct ConsultSend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "发出征求意见书 / send a consultation letter")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "third-party|agency") var party: String
    @Option(help: "被征求意见方 / who is consulted") var to: String
    @Option(help: "发出日期 / date sent") var on: String?
    @Option(help: "送达日期（默认同发出日期）/ date served") var served: String?

    func run() throws {
        let p = try ConsultParty.parse(party, field: "--party")
        let served = try optionalDate(served, field: "--served")
        try performStep(o, number: number, on: on, .consultSend(party: p, to: to, served: served))
    }
}

struct ConsultAnswer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "answer", abstract: "登记征求意见的答复 / record a consulted party's answer")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "征求意见编号（只有一项未答复时可省略）/ consultation number") var consultation: Int?
    @Option(help: "收到答复之日 / date the answer arrived") var on: String?
    @Option(help: "agree|object|none") var opinion: String

    func run() throws {
        let op = try Opinion.parse(opinion, field: "--opinion")
        try performStep(o, number: number, on: on, .consultAnswer(id: consultation, opinion: op))
    }
}

// MARK: - Extension and deferral (arts. 33, 35)

struct Extend: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "延期答复（最多合计20个工作日，须经负责人同意）/ extend the reply period")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "延长的工作日数 / working days") var days: Int
    @Option(help: "理由 / reason") var reason: String
    @Option(help: "告知申请人之日 / date told to the applicant") var on: String?

    func run() throws {
        let d = try positive(days, field: "--days")
        try performStep(o, number: number, on: on, .extend(days: d, reason: reason))
    }
}

struct Defer: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "确定延迟答复的合理期限（第三十五条）/ set a later reply date (art. 35)")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "新的答复期限 / the new reply date") var until: String
    @Option(help: "理由 / reason") var reason: String
    @Option(help: "告知申请人之日 / date told to the applicant") var on: String?

    func run() throws {
        let u = try CivilDate.parse(until, field: "--until")
        try performStep(o, number: number, on: on, .deferral(until: u, reason: reason))
    }
}

// MARK: - Fees

struct FeeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fee", abstract: "信息处理费 / information processing fees",
        subcommands: [FeeQuoteCommand.self, FeeNoticeCommand.self, FeePaidCommand.self])
}

/// `--items N | --pages N`, exactly one.
struct FeeQuantityOptions: ParsableArguments {
    @Option(help: "按件：本申请的件数 / items in this application") var items: Int?
    @Option(help: "按量：页数 / pages") var pages: Int?

    func quantity() throws(DisclosureError) -> FeeQuantity { try FeeQuantity.from(items: items, pages: pages) }
}


struct FeeQuoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quote", abstract: "计算收费金额及计算过程 / work out a fee and show how")
    @OptionGroup var global: GlobalOptions
    @Option(help: "申请人 / applicant") var applicant: String
    @Option(name: .customLong("id-number"), help: "身份证明号码（区分同名申请人）/ ID number") var idNumber: String?
    @Option(help: "月份 YYYY-MM（按件计收时统计该月申请件数）/ calendar month") var month: String
    @OptionGroup var quantity: FeeQuantityOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        guard let m = CivilDate(iso: month + "-01") else {
            throw DisclosureError(
                .invalidValue, field: "--month", zh: "月份“\(month)”无效，格式为 YYYY-MM",
                en: "month “\(month)” is invalid; use YYYY-MM")
        }
        let qty = try quantity.quantity()
        if let remote = try global.remote() {
            let items: [(String, String?)] = [
                ("applicant", applicant), ("id_number", nonEmpty(idNumber)), ("month", month),
                (qty.basis.rawValue, String(qty.quantity)),
            ]
            return try remote.show(APICall(path: "/api/v1/fees/quote", query: queryItems(items), text: !json))
        }
        let q = try global.openDesk(readOnly: true).feeQuote(
            applicant: applicant, idNumber: nonEmpty(idNumber), year: m.year, month: m.month,
            quantity: qty)
        emit(json, CaseViews.quote(q), quoteText(q, global.language))
    }
}

struct FeeNoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice", abstract: "发出收费通知（答复期限中止至缴费）/ send a fee notice; the clock stops until payment")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "发出日期 / date sent") var on: String?
    @Option(help: "申请人收到通知之日（默认同发出日期）/ date the applicant received it") var served: String?
    @OptionGroup var quantity: FeeQuantityOptions

    func run() throws {
        let q = try quantity.quantity()
        let served = try optionalDate(served, field: "--served")
        try performStep(o, number: number, on: on, .feeNotice(basis: q.basis, quantity: q.quantity, served: served))
    }
}

struct FeePaidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paid", abstract: "收到缴费，答复期限恢复计算 / fee paid; the clock runs again")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "缴费到账之日 / date payment arrived") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .feePaid)
    }
}

// MARK: - Reply, delivery, archive

struct ReplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reply", abstract: "答复：拟稿、审核、签发 / reply: draft, review, issue",
        subcommands: [ReplyDraft.self, ReplyReview.self, ReplyIssue.self])
}

struct ReplyDraft: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "draft", abstract: "拟定答复 / draft the reply")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "结果代码 / outcome: 1, 2, 3.1–3.8, 4.1–4.3, 5.1–5.5, 6.3") var outcome: String
    @Option(help: "拟稿日期 / date drafted") var on: String?
    @Option(help: "理由、依据或获取途径 / reason, legal basis, or where to obtain") var basis: String?
    @Option(name: .customLong("refer-to"), help: "负责公开的机关及联系方式（36(5)）/ the responsible agency and contact") var referTo:
        String?

    func run() throws {
        let code = try Outcome.parse(outcome, field: "--outcome")
        try performStep(
            o, number: number, on: on, .draft(outcome: code, basis: nonEmpty(basis), referTo: nonEmpty(referTo)))
    }
}

struct ReplyReview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "审核答复稿（须由拟稿人以外的人）/ review the draft (someone other than the drafter)")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Flag(help: "审核通过 / approve") var approve = false
    @Flag(name: .customLong("return"), help: "退回修改 / return for changes") var returnDraft = false
    @Option(help: "审核意见 / comment") var comment: String?
    @Option(help: "审核日期 / date reviewed") var on: String?

    func run() throws {
        guard approve != returnDraft else {
            throw DisclosureError(
                .invalidValue, field: "--approve/--return", zh: "须且只能选 --approve 或 --return",
                en: "give exactly one of --approve or --return")
        }
        try performStep(o, number: number, on: on, .review(approve: approve, comment: nonEmpty(comment)))
    }
}

struct ReplyIssue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue", abstract: "签发答复（结案）/ issue the reply (closes the case)")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "签发日期 / date issued") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .issue)
    }
}

struct Deliver: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "登记送达 / record delivery of the reply")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "送达日期 / date delivered") var on: String?
    @Option(help: "in-person|post|email|online") var method: String

    func run() throws {
        let m = try DeliveryMethod.parse(method, field: "--method")
        try performStep(o, number: number, on: on, .deliver(method: m))
    }
}

struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "归档（送达或终止后）/ archive a delivered or closed case")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "归档日期 / date archived") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .archive)
    }
}

struct Reopen: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "重新办理（如复议决定、判决责令重新答复）/ reopen for a new reply")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "理由 / reason") var reason: String
    @Option(help: "重新办理之日（新一轮答复期限由此起算）/ date reopened") var on: String?

    func run() throws {
        try performStep(o, number: number, on: on, .reopen(reason: reason))
    }
}

struct Amend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "更正此前某一步记错的事实（承办人提出，负责人批准；原记录保留）/ correct a mistaken fact of an earlier step",
        discussion: """
            提出：amend CASE --event N --field F --value V --reason R（N 为 history 中的序号，登记为0）。
            批准：amend CASE --approve [--amendment ID]；不批准：amend CASE --refuse [--amendment ID]。
            Propose with --event/--field/--value/--reason; a head (not the proposer) decides with --approve or --refuse.
            """)
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "要更正的一步：history 中的序号，登记为0 / the step, as history numbers it (0: the registration)")
    var event: Int?
    @Option(help: "更正事项 / the field: \(AmendableField.allCases.map(\.rawValue).joined(separator: "|"))")
    var field: String?
    @Option(help: "正确的内容 / the correct value") var value: String?
    @Option(help: "更正理由 / why") var reason: String?
    @Flag(help: "批准待决的更正（负责人）/ approve the pending amendment (head)") var approve = false
    @Flag(help: "不批准待决的更正（负责人）/ refuse the pending amendment (head)") var refuse = false
    @Option(help: "更正编号（只有一项待决时可省略）/ which amendment") var amendment: Int?
    @Option(help: "日期（默认今天）/ date") var on: String?

    func run() throws {
        if approve || refuse {
            guard !(approve && refuse) else {
                throw DisclosureError(
                    .invalidValue, field: "--approve/--refuse", zh: "只能选其一", en: "give one of them, not both")
            }
            if let extra = [("--event", event != nil), ("--field", field != nil), ("--value", value != nil),
                            ("--reason", reason != nil)].first(where: \.1)
            {
                throw DisclosureError(
                    .invalidValue, field: extra.0, zh: "批准或不批准时不用此项", en: "is not used when deciding")
            }
            return try performStep(o, number: number, on: on, .decideAmendment(id: amendment, approve: approve))
        }
        guard let event else {
            throw DisclosureError(.missingField, field: "--event", zh: "请指明要更正的一步（history 中的序号）", en: "name the step")
        }
        guard event >= 0 else {
            throw DisclosureError(.invalidValue, field: "--event", zh: "须为0或正整数", en: "must be 0 or a positive number")
        }
        guard let field else { throw DisclosureError(.missingField, field: "--field", zh: "缺少必填项", en: "is required") }
        guard let value else { throw DisclosureError(.missingField, field: "--value", zh: "缺少必填项", en: "is required") }
        guard let reason else { throw DisclosureError(.missingField, field: "--reason", zh: "缺少必填项",
            en: "is required") }
        let f = try AmendableField.parse(field, field: "--field")
        try performStep(o, number: number, on: on, .amend(event: event, field: f, value: value, reason: reason))
    }

}

// MARK: - History and audit

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "办理记录：每一步的日期、登记时间、经办人、期限变化 / every event of a case")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        if let remote = try global.remote() {
            return try remote.show(APICall(path: "/api/v1/cases/\(segment(n.description))/history", text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let record = try desk.load(n)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: today())
        emit(json, .array(record.events.map(r.eventJSON)), r.history(record))
    }
}

