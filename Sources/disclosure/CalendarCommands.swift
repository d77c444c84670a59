import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureExchange
import DisclosureStore
import Foundation

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "工作日历：放假安排与调休 / the working-day calendar",
        subcommands: [CalendarShow.self, CalendarDays.self, CalendarImport.self, CalendarList.self])
}

struct CalendarList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "已载入的年度放假安排 / loaded official years")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() { return try remote.show(APICall(path: "/api/v1/calendar", text: !json)) }
        let years = try global.openDesk(readOnly: true).calendarYears()
        emit(json, .array(years.map(CaseViews.calendarYear)), CalendarText.years(years, global.language))
    }
}

struct CalendarShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "按月显示一年的日历 / a year month by month")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "年份 / year") var year: Int

    func run() throws {
        guard (1900...9999).contains(year) else {
            throw DisclosureError(.invalidValue, field: "YEAR", zh: "须为四位年份", en: "must be a four-digit year")
        }
        if let remote = try global.remote() {
            return try remote.show(APICall(path: "/api/v1/calendar/\(year)", text: true))
        }
        print(CalendarText.year(year, try global.openDesk(readOnly: true).calendar, global.language))
    }
}

struct CalendarDays: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "days", abstract: "逐日列出 / day by day")
    @OptionGroup var global: GlobalOptions
    @Option(help: "起始日期 / first date") var from: String
    @Option(help: "结束日期（含）/ last date, inclusive") var to: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let a = try CivilDate.parse(from, field: "--from")
        let b = try CivilDate.parse(to, field: "--to")
        if let remote = try global.remote() {
            let call = APICall(
                path: "/api/v1/calendar/days", query: [("from", a.description), ("to", b.description)], text: !json)
            return try remote.show(call)
        }
        let desk = try global.openDesk(readOnly: true)
        let infos = try desk.calendarDays(from: a, to: b, fields: ("--from", "--to"))
        emit(json, .array(infos.map(CaseViews.calendarDay)), CalendarText.days(infos, desk.calendar, global.language))
    }
}

struct CalendarImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "载入或替换一年的放假安排，并重算所有未结案件 / add or replace a year's schedule and recompute every open case")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "放假安排文件（格式见 Storage/calendar/README.md）/ schedule file") var file: String
    @Flag(help: "替换随程序发布的官方安排（须同时说明理由）/ replace a shipped official year (needs --reason)")
    var replaceOfficial = false
    @Option(help: "理由，记入机关日志 / reason, kept in the journal") var reason: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            guard access(file, R_OK) == 0 else {
                throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(file)", en: "cannot read \(file)")
            }
            var query = [("name", (file as NSString).lastPathComponent)]
            if replaceOfficial { query.append(("replace_official", "true")) }
            if let reason { query.append(("reason", reason)) }
            let call = APICall(
                method: "POST", path: "/api/v1/calendar", query: query, bodyFile: (path: file, type: "text/plain"),
                text: !json)
            return try remote.show(call)
        }
        let desk = try global.openDesk()
        let (schedule, result) = try desk.importCalendar(
            fileAt: file, origin: (file as NSString).lastPathComponent, replaceOfficial: replaceOfficial,
            reason: reason)
        emit(json, CaseViews.calendarImport(result), CalendarText.imported(schedule, result, global.language))
    }
}
