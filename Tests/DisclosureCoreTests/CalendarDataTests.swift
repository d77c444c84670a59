import DisclosureCore
import Foundation
import Synchronization
import Testing

/// Reads the dates out of a notice sentence: days off before “放假/补休”, make-up days before “上班”.
struct NoticeSentence {
    var daysOff: Set<CivilDate> = []
    var workdays: Set<CivilDate> = []
    /// (date, weekday as the notice states it, 1 = Monday … 7 = Sunday)
    var statedWeekdays: [(CivilDate, Int)] = []
    var statedTotal: Int?

    init(year: Int, text: String) {
        // Split into clauses at the sentence punctuation; each clause is one statement.
        let clauses = text.split(whereSeparator: { "。；".contains($0) }).map(String.init)
        for clause in clauses {
            let dates = NoticeSentence.dates(in: clause, defaultYear: year)
            for (date, weekday) in dates where weekday != nil { statedWeekdays.append((date, weekday!)) }
            if let r = clause.range(of: "共"), let n = Int(clause[r.upperBound...].prefix(while: \.isNumber)) { statedTotal = n }
            if clause.contains("上班") {
                workdays.formUnion(dates.map(\.0))
            } else if clause.contains("放假") || clause.contains("补休") {
                if clause.contains("至"), dates.count >= 2 {
                    daysOff.formUnion(DateSpan(dates[0].0, dates[1].0).days)
                    daysOff.formUnion(dates.dropFirst(2).map(\.0))
                } else {
                    daysOff.formUnion(dates.map(\.0))
                }
            }
        }
    }

    /// Dates written `[YYYY年]M月D日[（星期X）]` or, after “至”, `D日` in the same month.
    static func dates(in clause: String, defaultYear: Int) -> [(CivilDate, Int?)] {
        var out: [(CivilDate, Int?)] = []
        let chars = Array(clause)
        var i = 0
        var year = defaultYear
        var month: Int?
        func number(at j: Int) -> (Int, Int)? {
            var k = j, v = 0
            while k < chars.count, let digit = chars[k].wholeNumberValue, chars[k].isASCII { v = v * 10 + digit; k += 1 }
            return k > j ? (v, k) : nil
        }
        while i < chars.count {
            guard let (n, end) = number(at: i) else { i += 1; continue }
            guard end < chars.count else { break }
            switch chars[end] {
            case "年": year = n; i = end + 1
            case "月": month = n; i = end + 1
            case "日":
                if let m = month, let date = CivilDate(year: year, month: m, day: n) {
                    var weekday: Int?
                    let rest = String(chars[(end + 1)...])
                    if rest.hasPrefix("（星期"), let c = rest.dropFirst(3).first {
                        weekday = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7][c]
                    }
                    out.append((date, weekday))
                }
                i = end + 1
            default: i = end + 1
            }
        }
        return out
    }
}

@Suite("Shipped calendar against the State Council notices")
struct CalendarDataTests {
    @Test("every year 2016–2026 is shipped")
    func shippedYears() {
        #expect(shippedSchedules.map(\.year) == Array(2016...2026))
    }

    @Test("each notice sentence agrees day by day with Storage/calendar", arguments: 2016...2026)
    func noticesMatchData(year: Int) throws {
        let schedule = try #require(shippedSchedules.first { $0.year == year })
        var off: Set<CivilDate> = []
        var work: Set<CivilDate> = []
        for notice in officialNotices where notice.year == year {
            let sentence = NoticeSentence(year: year, text: notice.text)
            #expect(!sentence.daysOff.isEmpty, "no dates read from \(year) \(notice.festival)")
            for (date, weekday) in sentence.statedWeekdays {
                #expect(date.weekday == weekday, "\(year) \(notice.festival): \(date) is not weekday \(weekday)")
            }
            if let total = sentence.statedTotal {
                #expect(sentence.daysOff.count == total, "\(year) \(notice.festival): 共\(total)天 but \(sentence.daysOff.count) days read")
            }
            // The data file names the same festival for each of these days.
            for day in sentence.daysOff {
                #expect(schedule.holidays[day] == notice.festival, "\(year) \(notice.festival): \(day) is not a holiday of that name in the data")
            }
            for day in sentence.workdays {
                #expect(schedule.workdays[day] == notice.festival, "\(year) \(notice.festival): make-up day \(day) missing in the data")
            }
            off.formUnion(sentence.daysOff)
            work.formUnion(sentence.workdays)
        }
        // Nothing in the data that the notices do not say.
        #expect(Set(schedule.holidays.keys) == off, "\(year): holidays differ: data-only \(Set(schedule.holidays.keys).subtracting(off).sorted()), notice-only \(off.subtracting(schedule.holidays.keys).sorted())")
        #expect(Set(schedule.workdays.keys) == work, "\(year): make-up days differ")
    }

    @Test("working days per year, as cross-checked against an independent holiday table")
    func workdayCounts() {
        let expected = [2016: 250, 2017: 249, 2018: 250, 2019: 250, 2020: 249, 2021: 250,
                        2022: 249, 2023: 249, 2024: 251, 2025: 248, 2026: 248]
        for (year, count) in expected {
            let days = DateSpan(d("\(year)-01-01"), d("\(year)-12-31")).days
            #expect(days.filter(officialCalendar.isWorkday).count == count, "\(year)")
        }
    }

    @Test("every make-up working day is a weekend day, every holiday is named")
    func shapes() {
        for s in shippedSchedules {
            for day in s.workdays.keys { #expect(day.isWeekend, "\(day)") }
            for (_, name) in s.holidays { #expect(!name.isEmpty) }
        }
    }

    @Test("the calendar reads holidays, make-up days and weekends", arguments: [
        ("2026-02-14", DayInfo.Kind.makeupWorkday, "春节"), ("2026-02-16", .holiday, "春节"), ("2026-02-24", .workday, nil),
        ("2026-10-10", .makeupWorkday, "国庆节"), ("2026-10-11", .weekend, nil), ("2025-10-06", .holiday, "中秋节、国庆节"),
        ("2024-02-04", .makeupWorkday, "春节"), ("2020-02-01", .holiday, "春节"), ("2019-05-05", .makeupWorkday, "劳动节"),
        ("2023-12-31", .weekend, nil), ("2017-01-02", .holiday, "元旦"), ("2026-01-04", .makeupWorkday, "元旦"),
    ] as [(String, DayInfo.Kind, String?)])
    func dayKinds(date: String, kind: DayInfo.Kind, name: String?) {
        let info = officialCalendar.info(d(date))
        #expect(info.kind == kind)
        #expect(info.name == name)
        #expect(!info.provisional)
    }
}

@Suite("Statutory fallback for years with no schedule loaded")
struct StatutoryFallbackTests {
    @Test("lunar festivals and 清明 fall inside the official holidays", arguments: 2016...2026)
    func lunarDatesAgree(year: Int) {
        let official = officialCalendar
        let fallback = StatutoryHolidays.holidays(in: year)
        for (day, name) in fallback where ["清明节", "端午节", "中秋节"].contains(name) {
            #expect(official.info(day).kind == .holiday, "\(year) \(name) \(day)")
        }
        // 春节 初一 to 初三 are in every year's official break (除夕 only since the 2025 revision).
        let spring = fallback.filter { $0.value == "春节" }.keys.sorted()
        #expect(spring.count == 4)
        for day in spring.dropFirst() { #expect(official.info(day).kind == .holiday, "\(year) 春节 \(day)") }
    }

    @Test("under the 2024 revision every statutory day is an official holiday", arguments: [2025, 2026])
    func revisedYears(year: Int) {
        for (day, name) in StatutoryHolidays.holidays(in: year) {
            #expect(officialCalendar.info(day).kind == .holiday, "\(year) \(name) \(day)")
        }
        #expect(StatutoryHolidays.holidays(in: year).count == 13)
    }

    @Test("known statutory dates of unloaded years", arguments: [
        ("2027-02-05", "春节"), ("2027-02-06", "春节"), ("2027-02-08", "春节"), ("2027-04-05", "清明节"),
        ("2027-06-09", "端午节"), ("2027-09-15", "中秋节"), ("2027-10-03", "国庆节"), ("2028-01-25", "春节"),
        ("2028-01-28", "春节"), ("2015-02-19", "春节"), ("2030-02-02", "春节"),
    ])
    func knownDates(date: String, name: String) {
        let info = officialCalendar.info(d(date))
        #expect(info.kind == .holiday)
        #expect(info.name == name)
        #expect(info.provisional)
    }

    @Test("days of unloaded years are provisional; loaded years are not")
    func provisional() {
        #expect(officialCalendar.info(d("2027-03-03")).provisional)
        #expect(officialCalendar.info(d("2015-03-03")).provisional)
        #expect(!officialCalendar.info(d("2026-03-03")).provisional)
        // 2027-02-04 is 腊月廿八, a working Thursday under the statutory rule alone.
        #expect(officialCalendar.isWorkday(d("2027-02-04")))
        #expect(!officialCalendar.isWorkday(d("2027-01-01")))
    }
}

@Suite("Calendar file format")
struct HolidayScheduleFormatTests {
    @Test("a well-formed file parses and round-trips")
    func roundTrip() throws {
        for s in shippedSchedules {
            let again = try HolidaySchedule.parse(s.serialized(), origin: "again")
            #expect(again == s)
        }
    }

    @Test("malformed files are refused with the line named", arguments: [
        ("holiday 2027-01-01 元旦", "test:1"),
        ("year 27\nholiday 2027-01-01 元旦", "test:1"),
        ("year 2027\nholiday 2027-02-30 春节", "test:2"),
        ("year 2027\nholiday 2027-01-01", "test:2"),
        ("year 2027\nworkday 2027-01-04 元旦", "test:2"),
        ("year 2027\nholiday 2027-01-03..2027-01-01 元旦", "test:2"),
        ("year 2027\nholiday 2027-01-01 元旦\nholiday 2027-01-01 元旦", "test:3"),
        ("year 2027\nfestival 2027-01-01 元旦", "test:2"),
        ("year 2027\nholiday 2030-01-01 元旦", "test:2"),
        ("year 2027\nyear 2028\nholiday 2027-01-01 元旦", "test:2"),
        ("year 2027\n# nothing", "test"),
    ])
    func refused(text: String, field: String) {
        do {
            _ = try HolidaySchedule.parse(text, origin: "test")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.code == .calendarFormat)
            #expect(error.field == field)
        }
    }
}

@Suite("Compiled calendar")
struct CompiledCalendarTests {
    /// The calendars compared: the shipped years, the shipped years with gaps (a year with no notice
    /// between loaded ones, and the neighbour of a notice naming its days), and none at all.
    static let cases: [(String, [HolidaySchedule])] = [
        ("shipped", shippedSchedules),
        ("2018 and 2023 missing", shippedSchedules.filter { ![2018, 2023].contains($0.year) }),
        ("2019 alone", shippedSchedules.filter { $0.year == 2019 }),
        ("none", []),
    ]

    @Test("answers for every day as the calendar it was compiled from", arguments: cases)
    func sameAnswers(_ label: String, _ schedules: [HolidaySchedule]) {
        let direct = WorkCalendar(schedules: schedules)
        let stored = WorkCalendar(compiled: direct.compiled) { schedules }
        #expect(stored.compiled == direct.compiled, "\(label)")
        var day = d("2014-12-01")
        var mismatches: [String] = []
        while day <= d("2028-01-31") {
            if stored.isWorkday(day) != direct.isWorkday(day) || stored.isProvisional(day) != direct.isProvisional(day)
                || stored.info(day) != direct.info(day) || stored.isLoaded(day.year) != direct.isLoaded(day.year)
            {
                mismatches.append(day.description)
            }
            day = day.next
        }
        #expect(mismatches == [], "\(label)")
        #expect(stored.schedules == direct.schedules, "\(label)")
        let start = d("2026-09-25")
        #expect(stored.addingWorkdays(20, after: start).date == direct.addingWorkdays(20, after: start).date)
    }

    @Test("reads no notice until a name is asked for")
    func lazy() {
        let asked = Mutex(0)
        let direct = WorkCalendar(schedules: shippedSchedules)
        let stored = WorkCalendar(compiled: direct.compiled) {
            asked.withLock { $0 += 1 }
            return shippedSchedules
        }
        _ = stored.addingWorkdays(20, after: d("2026-09-25"))
        _ = stored.isProvisional(d("2026-10-01"))
        #expect(asked.withLock { $0 } == 0)
        #expect(stored.info(d("2026-10-01")).name == direct.info(d("2026-10-01")).name)
        _ = stored.info(d("2026-10-02"))
        #expect(asked.withLock { $0 } == 1)
    }
}
