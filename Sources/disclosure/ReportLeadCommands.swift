import ArgumentParser
import DisclosureApp
import DisclosureCore

/// `report lead`: the decisions under art. 44 that section 六 of the annual report states.
struct ReportLead: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lead",
        abstract: "依申请公开转主动公开的决定（条例第四十四条）/ decisions to publish proactively (art. 44)",
        subcommands: [ReportLeadAdd.self, ReportLeadList.self, ReportLeadWithdraw.self])
}

struct ReportLeadAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "记录将多人申请的信息纳入主动公开的决定（机关负责人）/ record a decision (head of office)")
    @OptionGroup var global: GlobalOptions
    @Option(help: "决定日期 / the day it was decided") var on: String
    @Option(help: "纳入主动公开的信息 / the information") var subject: String
    @Option(help: "公开的渠道或栏目 / where it is published") var published: String
    @Option(help: "据以决定的申请，案件编号以逗号分隔 / the applications, comma-separated case numbers")
    var cases: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let decided = try CivilDate.parse(on, field: "--on")
        let numbers = try ProactiveLead.caseList(cases, field: "--cases")
        if let remote = try global.remote() {
            let body = JSON.object([
                ("decided", .string(decided.description)), ("subject", .string(subject)),
                ("published", .string(published)),
                ("cases", .string(numbers.map(\.description).joined(separator: ","))),
            ])
            return try remote.show(APICall(method: "POST", path: "/api/v1/reports/leads", body: body, text: !json))
        }
        let lead = try global.openDesk().recordLead(
            decided: decided, subject: subject, published: published, cases: numbers)
        emit(json, CaseViews.lead(lead), LeadText.text([lead], global.language))
    }
}

struct ReportLeadList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "列出纳入主动公开的决定 / list the decisions")
    @OptionGroup var global: GlobalOptions
    @Option(help: "只列此年度（按决定日期）/ of this year only, by the day decided") var year: Int?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            let items = queryItems([("year", year.map(String.init))])
            return try remote.show(APICall(path: "/api/v1/reports/leads", query: items, text: !json))
        }
        let leads = try global.openDesk(readOnly: true).leads(year: year)
        emit(json, .array(leads.map(CaseViews.lead)), LeadText.text(leads, global.language))
    }
}

struct ReportLeadWithdraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "withdraw",
        abstract: "撤销误记的决定（须说明理由，原记录保留）/ withdraw a decision entered by mistake, with a reason")
    @OptionGroup var global: GlobalOptions
    @Option(help: "记录编号（report lead list 所列）/ the decision's number") var id: Int
    @Option(help: "理由 / reason") var reason: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            let body = JSON.object([("reason", .string(reason))])
            return try remote.show(
                APICall(method: "POST", path: "/api/v1/reports/leads/\(id)/withdraw", body: body, text: !json))
        }
        let lead = try global.openDesk().withdrawLead(id: id, reason: reason)
        emit(json, CaseViews.lead(lead), LeadText.text([lead], global.language))
    }
}
