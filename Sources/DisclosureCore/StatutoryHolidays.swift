import Foundation

/// The fixed public holidays of 《全国年节及纪念日放假办法》 (as revised 2024, in force 2025).
///
/// Used only for years whose official schedule is not loaded; such dates are provisional
/// because the State Council's annual notice also moves weekend days (调休), which cannot be known ahead.
public enum StatutoryHolidays {
    /// The statutory days off of `year` with the festival names (no make-up working days).
    public static func holidays(in year: Int) -> [CivilDate: String] {
        var days: [CivilDate: String] = [:]
        func add(_ d: CivilDate?, _ name: String) { if let d { days[d] = name } }
        add(CivilDate(year: year, month: 1, day: 1), "元旦")
        if let newYear = lunarDate(year: year, month: 1, day: 1, searchFrom: (1, 19), to: (2, 21)) {
            // 除夕 is the day before 正月初一, whether the twelfth month has 29 or 30 days.
            for offset in -1...2 { days[newYear.adding(days: offset)] = "春节" }
        }
        add(CivilDate(year: year, month: 4, day: qingmingDay(year)), "清明节")
        add(CivilDate(year: year, month: 5, day: 1), "劳动节")
        add(CivilDate(year: year, month: 5, day: 2), "劳动节")
        add(lunarDate(year: year, month: 5, day: 5, searchFrom: (5, 25), to: (6, 25)), "端午节")
        add(lunarDate(year: year, month: 8, day: 15, searchFrom: (9, 5), to: (10, 10)), "中秋节")
        for d in 1...3 { add(CivilDate(year: year, month: 10, day: d), "国庆节") }
        return days
    }

    /// Day of April on which 清明 (solar longitude 15°) falls, by the standard 21st-century formula.
    static func qingmingDay(_ year: Int) -> Int {
        // [Y·0.2422 + C] − L, with C = 4.81 (21st century; 5.59 for the 20th) and L the leap years since.
        let y = year % 100
        let c = year >= 2000 ? 4.81 : 5.59
        let base = Int((Double(y) * 0.2422 + c).rounded(.down))
        return base - y / 4
    }

    private static let chinese: Calendar = {
        var c = Calendar(identifier: .chinese)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        return c
    }()

    private static let gregorian: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
        return c
    }()

    /// The Gregorian date in `year`'s window on which the lunar month/day (not a leap month) falls.
    static func lunarDate(year: Int, month: Int, day: Int, searchFrom: (Int, Int), to: (Int, Int)) -> CivilDate? {
        guard let start = CivilDate(year: year, month: searchFrom.0, day: searchFrom.1),
              let end = CivilDate(year: year, month: to.0, day: to.1) else { return nil }
        var d = start
        while d <= end {
            let comps = DateComponents(year: d.year, month: d.month, day: d.day, hour: 12)
            if let date = gregorian.date(from: comps) {
                let lunar = chinese.dateComponents([.month, .day, .isLeapMonth], from: date)
                if lunar.month == month, lunar.day == day, lunar.isLeapMonth != true { return d }
            }
            d = d.next
        }
        return nil
    }
}
