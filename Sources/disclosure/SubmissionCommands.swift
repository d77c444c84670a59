import ArgumentParser
import DisclosureApp
import DisclosureCore

/// `submission`: the applications made on the portal, waiting to be confirmed as cases.
struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission", abstract: "网上申请（待确认）/ online submissions waiting to be confirmed",
        subcommands: [SubmissionList.self, SubmissionConfirm.self, SubmissionDecline.self])
}

struct SubmissionList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "列出网上申请（默认待确认的）/ list online submissions (pending by default)")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "包括已确认的 / include confirmed ones") var all = false
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            let items = queryItems([("status", all ? nil : "pending")])
            return try remote.show(APICall(path: "/api/v1/applications", query: items, text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let list = try desk.submissions(status: all ? nil : .pending)
        emit(
            json, .array(list.map { CaseViews.submission($0, overdue: desk.overdueForConfirmation($0)) }),
            SubmissionText.text(list, overdue: desk.overdueForConfirmation, global.language))
    }
}

struct SubmissionConfirm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "确认网上申请：以今天为收到申请之日登记为案件（条例第三十一条）/ confirm: registered as received today")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "网上申请编号，如 W2026-000001 / the submission") var submission: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            return try remote.show(
                APICall(method: "POST", path: "/api/v1/applications/\(segment(submission))/confirm", text: !json))
        }
        let desk = try global.openDesk()
        let (_, record) = try desk.confirmSubmission(submission)
        let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: desk.today)
        emit(json, r.caseJSON(record, warnings: []), r.registered(record, warnings: []))
    }
}

struct SubmissionDecline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decline",
        abstract: "不予登记（垃圾信息、重复提交、并非申请），理由申请人可见 / decline: no case is made; the applicant sees why")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "网上申请编号 / the submission") var submission: String
    @Option(help: "理由（申请人可见）/ the reason, shown to the applicant") var reason: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            let body = JSON.object([("reason", .string(reason))])
            return try remote.show(
                APICall(
                    method: "POST", path: "/api/v1/applications/\(segment(submission))/decline", body: body,
                    text: !json))
        }
        let desk = try global.openDesk()
        let s = try desk.declineSubmission(submission, reason: reason)
        emit(
            json, CaseViews.submission(s, overdue: false),
            SubmissionText.text([s], overdue: { _ in false }, global.language))
    }
}
