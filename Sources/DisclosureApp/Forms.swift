import DisclosureCore
import DisclosureStore

/// One value of a submitted form (a JSON body's member): what a front end received, before any rule.
public enum FormValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
}

/// The fields of one request, read by name with the rule of each; every field not read is refused by
/// `finish()`, so that a misspelt option is an error rather than silently ignored.
public struct Form: Sendable {
    private let fields: [String: FormValue]
    private var read: Set<String> = []
    /// A URL query: every value arrives as text, and numbers and true/false are read from it.
    private let fromQuery: Bool

    public init(_ fields: [String: FormValue]) {
        self.fields = fields
        fromQuery = false
    }

    /// The fields of a URL query (`?status=handling&limit=20`).
    public init(query: [String: String]) {
        fields = query.mapValues { FormValue.string($0) }
        fromQuery = true
    }

    /// The value of `name`, nil when absent or null.
    private mutating func value(_ name: String) -> FormValue? {
        read.insert(name)
        guard let v = fields[name], v != .null else { return nil }
        return v
    }

    private func wrongType(_ name: String, _ zh: String, _ en: String) -> DisclosureError {
        DisclosureError(.invalidValue, field: name, zh: "须为\(zh)", en: "must be \(en)")
    }

    /// Text, nil when absent, null or empty.
    public mutating func text(_ name: String) throws(DisclosureError) -> String? {
        switch value(name) {
        case nil: return nil
        case .string(let s): return s.isEmpty ? nil : s
        default: throw wrongType(name, "文字", "a string")
        }
    }

    /// Text that must be given.
    public mutating func requiredText(_ name: String) throws(DisclosureError) -> String {
        guard let s = try text(name) else { throw missing(name) }
        return s
    }

    /// A whole number, nil when absent or null.
    public mutating func int(_ name: String) throws(DisclosureError) -> Int? {
        switch value(name) {
        case nil: return nil
        case .int(let n): return n
        case .string(let s) where fromQuery && s.isEmpty: return nil
        case .string(let s) where fromQuery:
            guard s.count <= 18, let n = Int(s) else { throw wrongType(name, "整数", "a whole number") }
            return n
        default: throw wrongType(name, "整数", "a whole number")
        }
    }

    public mutating func requiredInt(_ name: String) throws(DisclosureError) -> Int {
        guard let n = try int(name) else { throw missing(name) }
        return n
    }

    public mutating func bool(_ name: String) throws(DisclosureError) -> Bool? {
        switch value(name) {
        case nil: return nil
        case .bool(let b): return b
        case .string("true") where fromQuery: return true
        case .string("false") where fromQuery: return false
        case .string("") where fromQuery: return nil
        default: throw wrongType(name, "true 或 false", "true or false")
        }
    }

    /// A date `YYYY-MM-DD`, nil when absent.
    public mutating func date(_ name: String) throws(DisclosureError) -> CivilDate? {
        guard let s = try text(name) else { return nil }
        return try CivilDate.parse(s, field: name)
    }

    public mutating func requiredDate(_ name: String) throws(DisclosureError) -> CivilDate {
        guard let d = try date(name) else { throw missing(name) }
        return d
    }

    /// One value of a vocabulary (its code or its Chinese name), nil when absent.
    public mutating func choice<V: Vocabulary>(_ name: String, _ type: V.Type) throws(DisclosureError) -> V? {
        guard let s = try text(name) else { return nil }
        return try V.parse(s, field: name)
    }

    public mutating func requiredChoice<V: Vocabulary>(_ name: String, _ type: V.Type) throws(DisclosureError) -> V {
        guard let v = try choice(name, type) else { throw missing(name) }
        return v
    }

    private func missing(_ name: String) -> DisclosureError {
        DisclosureError(.missingField, field: name, zh: "必须填写", en: "is required")
    }

    /// Refuses, before any rule is checked, a field that is none of `names`: a misspelt field then
    /// reads as what it is, not as the required one it was meant to be.
    public func only(_ names: Set<String>) throws(DisclosureError) {
        guard let extra = fields.keys.filter({ !names.contains($0) }).sorted().first else { return }
        throw DisclosureError(
            .invalidValue, field: extra, zh: "不是此处可填写的项目", en: "is not a field of this request")
    }

    /// Refuses any field the use case did not read.
    public func finish() throws(DisclosureError) {
        guard let extra = fields.keys.filter({ !read.contains($0) }).sorted().first else { return }
        throw DisclosureError(
            .invalidValue, field: extra, zh: "不是此处可填写的项目", en: "is not a field of this request")
    }
}

/// A step as a form submits it: the step, the legal date it happened (default today) and any
/// 补录 reason. The field names are the CLI's option names with `_` for `-`.
public struct StepForm: Sendable {
    public let step: Step
    public let on: CivilDate?
    public let lateEntry: String?

    /// Every step kind a form may name, as the CLI's commands name them.
    public static let kinds = [
        "correction-request", "correction-receive", "consult-send", "consult-answer", "extension", "deferral",
        "fee-notice", "fee-paid", "draft", "review", "issue", "deliver", "archive", "reopen", "withdraw", "close",
        "remedy-file", "remedy-decide", "assign", "amend", "amend-decide",
    ]

    /// The fields each kind takes, besides `kind`, `on` and `late_entry`.
    public static let fieldsOfKind: [String: Set<String>] = [
        "correction-request": ["items", "period", "served"], "correction-receive": [],
        "consult-send": ["party", "to", "served"], "consult-answer": ["consultation", "opinion"],
        "extension": ["days", "reason"], "deferral": ["until", "reason"], "fee-notice": ["items", "pages", "served"],
        "fee-paid": [], "draft": ["outcome", "basis", "refer_to"], "review": ["approve", "comment"], "issue": [],
        "deliver": ["method"], "archive": [], "reopen": ["reason"], "withdraw": [], "close": ["abandoned"],
        "remedy-file": ["remedy_kind", "body"], "remedy-decide": ["remedy", "result"], "assign": ["account"],
        "amend": ["event", "field", "value", "reason"], "amend-decide": ["amendment", "approve"],
    ]

    /// Reads the step named by the form's `kind`, with the fields of that kind only.
    public static func read(_ form: Form) throws(DisclosureError) -> StepForm {
        var f = form
        let kind = try f.requiredText("kind")
        if let own = fieldsOfKind[kind] { try f.only(own.union(["kind", "on", "late_entry"])) }
        let on = try f.date("on")
        let lateEntry = try f.text("late_entry")
        let step: Step
        switch kind {
        case "correction-request":
            step = .correctionRequest(
                items: try f.requiredText("items"), periodDays: try positive(f.requiredInt("period"), "period"),
                served: try f.date("served"))
        case "correction-receive": step = .correctionReceive
        case "consult-send":
            step = .consultSend(
                party: try f.requiredChoice("party", ConsultParty.self), to: try f.requiredText("to"),
                served: try f.date("served"))
        case "consult-answer":
            step = .consultAnswer(id: try f.int("consultation"), opinion: try f.requiredChoice("opinion", Opinion.self))
        case "extension":
            step = .extend(days: try positive(f.requiredInt("days"), "days"), reason: try f.requiredText("reason"))
        case "deferral": step = .deferral(until: try f.requiredDate("until"), reason: try f.requiredText("reason"))
        case "fee-notice":
            let q = try FeeQuantity.from(items: f.int("items"), pages: f.int("pages"))
            step = .feeNotice(basis: q.basis, quantity: q.quantity, served: try f.date("served"))
        case "fee-paid": step = .feePaid
        case "draft":
            step = .draft(
                outcome: try f.requiredChoice("outcome", Outcome.self), basis: try f.text("basis"),
                referTo: try f.text("refer_to"))
        case "review":
            guard let approve = try f.bool("approve") else {
                throw DisclosureError(
                    .missingField, field: "approve", zh: "须填写 true（审核通过）或 false（退回修改）",
                    en: "give true (approve) or false (return for changes)")
            }
            step = .review(approve: approve, comment: try f.text("comment"))
        case "issue": step = .issue
        case "deliver": step = .deliver(method: try f.requiredChoice("method", DeliveryMethod.self))
        case "archive": step = .archive
        case "reopen": step = .reopen(reason: try f.requiredText("reason"))
        case "withdraw": step = .withdraw
        case "close": step = .close(reason: try f.requiredChoice("abandoned", AbandonReason.self))
        case "remedy-file":
            step = .remedyFile(
                kind: try f.requiredChoice("remedy_kind", RemedyKind.self), body: try f.requiredText("body"))
        case "remedy-decide":
            step = .remedyDecide(id: try f.int("remedy"), result: try f.requiredChoice("result", RemedyResult.self))
        case "assign": step = .assign(account: try f.requiredText("account"))
        case "amend":
            let event = try f.requiredInt("event")
            guard event >= 0 else {
                throw DisclosureError(.invalidValue, field: "event", zh: "须为0或正整数",
                    en: "must be 0 or a positive whole number")
            }
            step = .amend(
                event: event, field: try f.requiredChoice("field", AmendableField.self),
                    value: try f.requiredText("value"),
                reason: try f.requiredText("reason"))
        case "amend-decide":
            guard let approve = try f.bool("approve") else {
                throw DisclosureError(
                    .missingField, field: "approve", zh: "须填写 true（批准）或 false（不批准）",
                    en: "give true (approve) or false (refuse)")
            }
            step = .decideAmendment(id: try f.int("amendment"), approve: approve)
        default:
            throw DisclosureError(
                .invalidValue, field: "kind", zh: "“\(kind)”不是可用的步骤，可用：\(kinds.joined(separator: "、"))",
                en: "“\(kind)” is not a step; use one of: \(kinds.joined(separator: ", "))")
        }
        try f.finish()
        return StepForm(step: step, on: on, lateEntry: lateEntry)
    }

    /// The form's fields for `step`, as `read` takes them back: what a client sends to record it.
    public static func fields(_ step: Step, on: CivilDate?, lateEntry: String?) -> [(String, JSON)] {
        var out: [(String, JSON)] = []
        func put(_ name: String, _ value: JSON) { out.append((name, value)) }
        func put(_ name: String, _ value: String?) { if let value { out.append((name, .string(value))) } }
        func put(_ name: String, _ value: CivilDate?) {
            if let value { out.append((name, .string(value.description))) }
        }
        func put(_ name: String, _ value: Int?) { if let value { out.append((name, .int(value))) } }
        switch step {
        case .correctionRequest(let items, let period, let served):
            put("kind", "correction-request")
            put("items", items)
            put("period", period)
            put("served", served)
        case .correctionReceive: put("kind", "correction-receive")
        case .consultSend(let party, let to, let served):
            put("kind", "consult-send")
            put("party", party.rawValue)
            put("to", to)
            put("served", served)
        case .consultAnswer(let id, let opinion):
            put("kind", "consult-answer")
            put("consultation", id)
            put("opinion", opinion.rawValue)
        case .extend(let days, let reason):
            put("kind", "extension")
            put("days", days)
            put("reason", reason)
        case .deferral(let until, let reason):
            put("kind", "deferral")
            put("until", until)
            put("reason", reason)
        case .feeNotice(let basis, let quantity, let served):
            put("kind", "fee-notice")
            put(basis.rawValue, quantity)
            put("served", served)
        case .feePaid: put("kind", "fee-paid")
        case .draft(let outcome, let basis, let referTo):
            put("kind", "draft")
            put("outcome", outcome.rawValue)
            put("basis", basis)
            put("refer_to", referTo)
        case .review(let approve, let comment):
            put("kind", "review")
            put("approve", .bool(approve))
            put("comment", comment)
        case .issue: put("kind", "issue")
        case .deliver(let method):
            put("kind", "deliver")
            put("method", method.rawValue)
        case .archive: put("kind", "archive")
        case .reopen(let reason):
            put("kind", "reopen")
            put("reason", reason)
        case .withdraw: put("kind", "withdraw")
        case .close(let reason):
            put("kind", "close")
            put("abandoned", reason.rawValue)
        case .remedyFile(let kind, let body):
            put("kind", "remedy-file")
            put("remedy_kind", kind.rawValue)
            put("body", body)
        case .remedyDecide(let id, let result):
            put("kind", "remedy-decide")
            put("remedy", id)
            put("result", result.rawValue)
        case .assign(let account):
            put("kind", "assign")
            put("account", account)
        case .amend(let event, let field, let value, let reason):
            put("kind", "amend")
            put("event", event)
            put("field", field.rawValue)
            put("value", value)
            put("reason", reason)
        case .decideAmendment(let id, let approve):
            put("kind", "amend-decide")
            put("amendment", id)
            put("approve", .bool(approve))
        }
        put("on", on)
        put("late_entry", lateEntry)
        return out
    }

    private static func positive(_ n: Int, _ field: String) throws(DisclosureError) -> Int {
        guard n >= 1 else {
            throw DisclosureError(.invalidValue, field: field, zh: "须为正整数", en: "must be a positive whole number")
        }
        return n
    }
}

/// A registration as a form submits it (the CLI's `register` options).
public struct RegistrationForm: Sendable {
    public let application: Application
    public let lateEntry: String?

    /// Every field a registration takes.
    public static let names: Set<String> = [
        "received", "channel", "applicant", "applicant_type", "id_number", "contact", "request", "form", "note",
        "late_entry",
    ]

    public static func read(_ form: Form) throws(DisclosureError) -> RegistrationForm {
        var f = form
        try f.only(names)
        let app = Application(
            received: try f.requiredDate("received"),
            channel: try f.requiredChoice("channel", Channel.self),
            applicant: Applicant(
                name: try f.requiredText("applicant"),
                type: try f.requiredChoice("applicant_type", ApplicantType.self),
                idNumber: try f.text("id_number"), contact: try f.text("contact")),
            request: try f.requiredText("request"),
            form: try f.choice("form", InfoForm.self),
            note: try f.text("note"))
        let lateEntry = try f.text("late_entry")
        try f.finish()
        return RegistrationForm(application: app, lateEntry: lateEntry)
    }

    /// The form's fields for a registration, as `read` takes them back.
    public static func fields(_ app: Application, lateEntry: String?) -> [(String, JSON)] {
        var out: [(String, JSON)] = [
            ("received", .string(app.received.description)), ("channel", .string(app.channel.rawValue)),
            ("applicant", .string(app.applicant.name)), ("applicant_type", .string(app.applicant.type.rawValue)),
        ]
        if let v = app.applicant.idNumber { out.append(("id_number", .string(v))) }
        if let v = app.applicant.contact { out.append(("contact", .string(v))) }
        out.append(("request", .string(app.request)))
        if let v = app.form { out.append(("form", .string(v.rawValue))) }
        if let v = app.note { out.append(("note", .string(v))) }
        if let lateEntry { out.append(("late_entry", .string(lateEntry))) }
        return out
    }
}

/// A list of cases as a query asks for it (the CLI's `list` options; `q` for `--text`).
public enum ListForm {
    public static func read(_ form: Form) throws(DisclosureError) -> CaseFilter {
        var f = form
        let limit = try f.int("limit")
        if let limit, !(1...10_000).contains(limit) {
            throw DisclosureError(.invalidValue, field: "limit", zh: "须为1至10000", en: "must be 1 to 10,000")
        }
        let year = try f.int("year")
        if let year, !(1900...9999).contains(year) {
            throw DisclosureError(.invalidValue, field: "year", zh: "须为四位年份", en: "must be a four-digit year")
        }
        let filter = CaseFilter(
            status: try f.choice("status", CaseStatus.self), openOnly: try f.bool("open") ?? false, year: year,
            applicant: try f.text("applicant"), text: try f.text("q"), limit: limit)
        try f.finish()
        return filter
    }
}

/// The deadline board as a query asks for it (the CLI's `due` options).
public struct BoardForm: Sendable {
    public let within: Int?
    public let imported: Bool
    public let asOf: CivilDate?

    public static func read(_ form: Form) throws(DisclosureError) -> BoardForm {
        var f = form
        let b = BoardForm(
            within: try f.int("within"), imported: try f.bool("imported") ?? false, asOf: try f.date("as_of"))
        try f.finish()
        return b
    }
}

/// An export as a query asks for it (the CLI's `export` options; `cases` comma-separated).
public struct ExportForm: Sendable {
    public let filter: ExportFilter
    public let redact: Bool
    public let withAttachments: Bool

    public static func read(_ form: Form) throws(DisclosureError) -> ExportForm {
        var f = form
        var filter = ExportFilter()
        if let list = try f.text("cases") {
            for part in list.split(separator: ",") {
                filter.numbers.append(try CaseNumber.parse(String(part), field: "cases"))
            }
        }
        filter.all = try f.bool("all") ?? false
        filter.year = try f.int("year")
        filter.status = try f.choice("status", CaseStatus.self)
        filter.closedFrom = try f.date("closed_from")
        filter.closedThrough = try f.date("closed_through")
        let redact = try f.bool("redact") ?? false
        let withAttachments = try f.bool("with_attachments") ?? false
        try f.finish()
        guard
            !filter.numbers.isEmpty || filter.all || filter.year != nil || filter.status != nil
                || filter.closedFrom != nil || filter.closedThrough != nil
        else {
            throw DisclosureError(
                .missingField, field: "cases", zh: "请指明要导出的案件：案件编号，或 all、year、status、closed_from/closed_through",
                en: "say which cases: case numbers, or all, year, status, closed_from/closed_through")
        }
        return ExportForm(filter: filter, redact: redact, withAttachments: withAttachments)
    }
}

/// The day a view counts working days from (`--as-of`, `as_of`).
public enum ViewDay {
    /// `day`, if it lies between 2008 (the first Regulation) and five years past today: counting
    /// working days to a day further off means nothing for a case and costs time for every row.
    public static func check(_ day: CivilDate, today: CivilDate, field: String) throws(DisclosureError) -> CivilDate {
        let last = today.year + 5
        guard (2008...last).contains(day.year) else {
            throw DisclosureError(
                .invalidValue, field: field, zh: "须在 2008-01-01 至 \(last)-12-31 之间",
                en: "must lie between 2008-01-01 and \(last)-12-31")
        }
        return day
    }
}
