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
        let desk = try global.openDesk(readOnly: true)
        let years = try desk.calendarYears()
        let zh = global.language == .zh
        emit(json, .array(years.map(CaseViews.calendarYear)),
             table(zh ? ["年份", "通知", "来源", "载入时间"] : ["Year", "Notice", "Origin", "Loaded"],
                   years.map { [String($0.year), $0.source, $0.origin == "shipped" ? (zh ? "随程序发布" : "shipped") : $0.origin, $0.loadedAt] })
             + (zh ? "\n其他年份按法定节假日推算，所得日期标为“暂定”" : "\nOther years use the statutory holidays; dates from them are marked provisional"))
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
        let desk = try global.openDesk(readOnly: true)
        let cal = desk.calendar
        let zh = global.language == .zh
        var out: [String] = []
        if let s = cal.schedules[year] {
            out.append(zh ? "\(year)年工作日历（依据：\(s.source)）" : "\(year) working-day calendar (from \(s.source))")
        } else {
            out.append(zh ? "\(year)年工作日历 ※暂定：尚未载入国务院放假安排，按法定节假日推算，不含调休"
                          : "\(year) working-day calendar ※ provisional: no official schedule loaded; statutory holidays only, no make-up days")
        }
        out.append(zh ? "图例：休 = 节假日，班 = 调休上班日，周末显示为 ·" : "Key: H = holiday, W = make-up working day, weekend days shown as ·")
        var workdays = 0
        for month in 1...12 {
            out.append("")
            out.append(zh ? "\(month)月" : monthName(month))
            out.append(zh ? "  一   二   三   四   五   六   日" : " Mon  Tue  Wed  Thu  Fri  Sat  Sun")
            guard let first = CivilDate(year: year, month: month, day: 1) else { continue }
            var line = String(repeating: "     ", count: first.weekday - 1)
            var names: [String] = []
            for day in 1...CivilDate.daysInMonth(year: year, month: month) {
                guard let d = CivilDate(year: year, month: month, day: day) else { continue }
                let info = cal.info(d)
                if info.isWorkday { workdays += 1 }
                let mark: String
                switch info.kind {
                case .workday: mark = " "
                case .weekend: mark = "·"
                case .holiday: mark = zh ? "休" : "H"
                case .makeupWorkday: mark = zh ? "班" : "W"
                }
                let num = day < 10 ? " \(day)" : "\(day)"
                line += " \(num)" + mark + (displayWidth(mark) == 1 ? " " : "")
                if let n = info.name, info.kind != .weekend {
                    let label = info.kind == .holiday ? n : (zh ? "\(n)调休上班" : "\(n) make-up day")
                    if names.last != label { names.append(label) }
                }
                if d.weekday == 7 {
                    out.append(line)
                    line = ""
                }
            }
            if !line.isEmpty { out.append(line) }
            if !names.isEmpty { out.append("  " + names.joined(separator: zh ? "；" : "; ")) }
        }
        out.append("")
        out.append(zh ? "全年工作日：\(workdays)天" : "Working days in the year: \(workdays)")
        print(out.joined(separator: "\n"))
    }

    func monthName(_ m: Int) -> String {
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"][m - 1]
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
        let desk = try global.openDesk(readOnly: true)
        let infos = try desk.calendarDays(from: a, to: b, fields: ("--from", "--to"))
        let zh = global.language == .zh
        let header = zh ? ["日期", "星期", "工作日", "说明"] : ["Date", "Day", "Workday", "Note"]
        emit(json, .array(infos.map(CaseViews.calendarDay)), table(header, infos.map { i in
            let r = Renderer(lang: global.language, calendar: desk.calendar, asOf: i.date)
            var note = i.name.map { i.kind == .makeupWorkday ? (zh ? "\($0)调休上班" : "\($0) make-up day") : $0 } ?? ""
            if i.provisional { note += zh ? "（暂定）" : " (provisional)" }
            return [i.date.description, r.weekdayName(i.date), i.isWorkday ? (zh ? "是" : "yes") : (zh ? "否" : "no"), note]
        }))
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
        let desk = try global.openDesk()
        let (schedule, result) = try desk.importCalendar(
            fileAt: file, origin: (file as NSString).lastPathComponent, replaceOfficial: replaceOfficial,
            reason: reason)
        let zh = global.language == .zh
        var lines = [zh ? "已\(result.replaced ? "替换" : "载入")\(result.year)年放假安排（\(schedule.holidays.count)天假日，\(schedule.workdays.count)天调休上班），重算未结案件\(result.recomputed)件，期限变化\(result.changed.count)件"
                        : "\(result.replaced ? "replaced" : "loaded") the \(result.year) schedule (\(schedule.holidays.count) holidays, \(schedule.workdays.count) make-up days); recomputed \(result.recomputed) open cases, \(result.changed.count) changed"]
        if result.unchanged {
            lines = [
                zh ? "\(result.year)年放假安排与已载入的完全相同，未作改动"
                    : "the \(result.year) schedule is exactly the one already loaded; nothing was changed"
            ]
        }
        for c in result.changed {
            lines.append("  \(c.number)  \(c.before.map(\.description) ?? "—") → \(c.after.map(\.description) ?? "—")")
        }
        emit(json, CaseViews.calendarImport(result), lines.joined(separator: "\n"))
    }
}
