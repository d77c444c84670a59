import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "创建本机关的数据库和首个管理员账号 / create the office's database and its first admin")
    @OptionGroup var global: GlobalOptions
    @Option(help: "机关名称 / the agency's name") var agency: String
    @Option(help: "机关代码（用于交换案卷的案件标识）/ agency code for exchanged case identifiers") var code: String = "LOCAL"
    @Option(help: "首个管理员的账号名（默认本机登录名）/ the first admin's account name (default: the OS login)") var admin: String?
    @Flag(name: .customLong("password-stdin"), help: "从标准输入读取密码 / read the password from standard input")
    var passwordStdin = false
    @Option(
        name: .customLong("password-cost"), help: "bcrypt 强度 10–16（默认12）/ bcrypt cost for passwords, 10–16 (default 12)"
    )
    var passwordCost: Int?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let path = global.databasePath
        let name = admin ?? osLogin()
        let lang = global.language
        let password = try readPassword(
            fromStdin: passwordStdin,
            prompt: lang == .zh ? "为管理员“\(name)”设置密码：" : "password for the admin “\(name)”: ")
        let (desk, ticket) = try Desk.initialise(
            path: path, agency: agency, code: code, admin: name, password: password,
            passwordCost: passwordCost)
        try SessionFiles.save(ticket)
        let years = try desk.calendarYears().map(\.year)
        let range = years.first.map { first in "\(first)–\(years.last ?? first)" } ?? "—"
        emit(
            json,
            .object([
                ("database", .string(path)), ("agency", .string(agency)), ("code", .string(code)),
                ("admin", .string(ticket.account)),
                ("schema_version", .int(Store.schemaVersion)), ("calendar_years", .array(years.map(JSON.int))),
            ]),
            lang == .zh
                ? "已创建数据库 \(path)（机关：\(agency)，代码 \(code)），已载入 \(range) 年国务院放假安排；"
                    + "管理员“\(ticket.account)”已登录"
                : "created \(path) for \(agency) (code \(code)) with the official holiday schedules of \(range); "
                    + "the admin “\(ticket.account)” is signed in")
    }
}

/// The OS login name, the default name of the first admin.
func osLogin() -> String {
    if let u = Environment.variables["USER"], !u.isEmpty { return u }
    return NSUserName()
}

struct Register: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "登记一件申请 / register an application")
    @OptionGroup var global: GlobalOptions
    @Option(help: "收到申请之日 YYYY-MM-DD（按第三十一条依渠道确定）/ receipt date by art. 31") var received: String
    @Option(help: "in-person|post|letter|online|fax|oral") var channel: String
    @Option(help: "申请人姓名或名称 / applicant's name") var applicant: String
    @Option(name: .customLong("applicant-type"), help: "person|company|research|nonprofit|legal|other-org")
    var applicantType: String
    @Option(help: "申请公开的政府信息 / the information requested") var request: String
    @Option(name: .customLong("id-number"), help: "身份证明号码 / identity document number") var idNumber: String?
    @Option(help: "联系方式 / contact") var contact: String?
    @Option(help: "paper|electronic|inspection") var form: String?
    @Option(help: "备注 / note") var note: String?
    @Option(name: .customLong("late-entry"), help: "补录理由（收到日期早于今天3个工作日以上时必填）/ why it is registered late")
    var lateEntry: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        try RegisterRequest(
            global: global.values, received: received, channel: channel, applicant: applicant,
            applicantType: applicantType, request: request, idNumber: idNumber, contact: contact, form: form,
            note: note, lateEntry: lateEntry, json: json
        ).run()
    }
}

/// What `register` was given, however it was read (by the argument parser, or by `DirectParse`).
struct RegisterRequest {
    var global: Globals
    var received, channel, applicant, applicantType, request: String
    var idNumber, contact, form, note, lateEntry: String?
    var json: Bool

    func run() throws {
        let app = Application(
            received: try CivilDate.parse(received, field: "--received"),
            channel: try Channel.parse(channel, field: "--channel"),
            applicant: Applicant(
                name: applicant, type: try ApplicantType.parse(applicantType, field: "--applicant-type"),
                idNumber: nonEmpty(idNumber), contact: nonEmpty(contact)),
            request: request,
            form: try form.map { s throws(DisclosureError) in try InfoForm.parse(s, field: "--form") },
            note: nonEmpty(note))
        if let remote = try global.remote() {
            let fields = RegistrationForm.fields(app, lateEntry: lateEntry)
            return try remote.show(APICall(method: "POST", path: "/api/v1/cases", body: .object(fields), text: !json))
        }
        let desk = try global.openDesk()
        let (record, warnings) = try desk.register(app, lateEntry: lateEntry)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: desk.today)
        emit(json, r.caseJSON(record, warnings: warnings), r.registered(record, warnings: warnings))
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "查看一件案件的全部信息和期限计算 / show a case, its history and how its due date was computed")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号，如 2026-000123 / case number") var number: String
    @Option(name: .customLong("as-of"), help: "计算剩余天数的日期 / date to count days left from") var asOf: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        let today = try asOfDate(asOf)
        if let remote = try global.remote() {
            return try remote.show(
                APICall(
                    path: "/api/v1/cases/\(segment(n.description))", query: queryItems([("as_of", asOf)]), text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let record = try desk.load(n)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: today)
        emit(json, r.caseJSON(record), r.caseText(record))
    }
}

struct ListCases: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "按条件列出案件 / list cases")
    @OptionGroup var global: GlobalOptions
    @Option(
        help:
            "状态 / status: handling|awaiting-correction|awaiting-fee|consulting|drafted|approved|replied|delivered|closed|archived"
    ) var status: String?
    @Flag(help: "只列未结案件 / open cases only") var open = false
    @Option(help: "收到年份 / year received") var year: Int?
    @Option(help: "申请人（包含）/ applicant name contains") var applicant: String?
    @Option(help: "申请内容（包含）/ request text contains") var text: String?
    @Option(help: "最多列出 / at most this many") var limit: Int?
    @Option(name: .customLong("as-of"), help: "今天的日期 / today") var asOf: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let limit, limit < 1 {
            throw DisclosureError(.invalidValue, field: "--limit", zh: "须为正整数", en: "must be a positive number")
        }
        if let year, !(1900...9999).contains(year) {
            throw DisclosureError(.invalidValue, field: "--year", zh: "须为四位年份", en: "must be a four-digit year")
        }
        let filter = CaseFilter(
            status: try status.map { s throws(DisclosureError) in try CaseStatus.parse(s, field: "--status") },
            openOnly: open, year: year, applicant: nonEmpty(applicant), text: nonEmpty(text), limit: limit)
        let today = try asOfDate(asOf)
        if let remote = try global.remote() {
            let items: [(String, String?)] = [
                ("status", filter.status?.rawValue), ("open", open ? "true" : nil), ("year", year.map(String.init)),
                ("applicant", filter.applicant), ("q", filter.text), ("limit", limit.map(String.init)),
                ("as_of", asOf),
            ]
            return try remote.show(APICall(path: "/api/v1/cases", query: queryItems(items), text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let cases = try desk.list(filter)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: today)
        emit(json, .array(cases.map(r.summaryJSON)), r.list(cases))
    }
}

struct Due: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "答复期限看板：未结案件按期限排列，逾期在前 / the deadline board: open cases by due date, overdue first")
    @OptionGroup var global: GlobalOptions
    @Option(help: "只列 N 个工作日内到期（含已逾期）/ only cases due within N working days (overdue included)") var within: Int?
    @Option(name: .customLong("as-of"), help: "看板日期（默认今天）/ board date (default today)") var asOf: String?
    @Flag(help: "改列从其他机关导入的案件（只读，与本机关看板分开）/ the other agencies' imported cases instead")
    var imported = false
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        try BoardRequest(global: global.values, within: within, asOf: asOf, imported: imported, json: json).run()
    }
}

/// What `due` was given, however it was read (by the argument parser, or by `DirectParse`).
struct BoardRequest {
    var global: Globals
    var within: Int?
    var asOf: String?
    var imported: Bool
    var json: Bool

    func run() throws {
        let today = try asOfDate(asOf)
        if let remote = try global.remote() {
            let items: [(String, String?)] = [
                ("within", within.map(String.init)), ("as_of", asOf), ("imported", imported ? "true" : nil),
            ]
            return try remote.show(APICall(path: "/api/v1/board", query: queryItems(items), text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let through = try desk.boardThrough(within: within, of: today)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: today)
        if json {
            // Printed as read: a city office's board runs to thousands of cases.
            try JSON.printArray { (item: (JSON) -> Void) throws(DisclosureError) in
                try desk.board(through: through, imported: imported) { (s: CaseSummary) throws(DisclosureError) in
                    item(r.summaryJSON(s))
                }
            }
        } else {
            print(r.board(try desk.board(through: through, imported: imported), within: within, through: through))
        }
        try remindCheckpoint(desk, lang: global.language)
    }
}
