import Synchronization

/// What the calendar says about one date.
public struct DayInfo: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case workday, weekend, holiday
        /// A weekend day declared a working day by the annual notice (调休上班).
        case makeupWorkday = "makeup-workday"
    }
    public let date: CivilDate
    public let kind: Kind
    /// True when the date's year has no official schedule loaded (statutory fallback used).
    public let provisional: Bool
    /// The festival's name for holidays and make-up working days.
    public let name: String?
    public var isWorkday: Bool { kind == .workday || kind == .makeupWorkday }
}

/// China's working-day calendar: official schedules where loaded, statutory holidays elsewhere.
public final class WorkCalendar: Sendable {
    /// The loaded official schedules by year.
    public let schedules: [Int: HolidaySchedule]
    private let holidays: [CivilDate: String]
    private let makeups: [CivilDate: String]
    private let fallback = Mutex<[Int: [CivilDate: String]]>([:])

    public init(schedules: [HolidaySchedule]) {
        var byYear: [Int: HolidaySchedule] = [:]
        for s in schedules { byYear[s.year] = s }
        self.schedules = byYear
        var h: [CivilDate: String] = [:]
        var m: [CivilDate: String] = [:]
        // A notice may name days of the neighbouring year (the 2019 notice makes 2018-12-29 a working
        // day and 2018-12-30/31 days off). Such days count even when that year is loaded too; only
        // where the day's own year's notice says something of the same day does it win.
        func ownNoticeNames(_ d: CivilDate) -> Bool {
            guard let own = byYear[d.year] else { return false }
            return own.holidays[d] != nil || own.workdays[d] != nil
        }
        for s in byYear.values {
            for (d, n) in s.holidays where d.year == s.year || !ownNoticeNames(d) { h[d] = n }
            for (d, n) in s.workdays where d.year == s.year || !ownNoticeNames(d) { m[d] = n }
        }
        self.holidays = h
        self.makeups = m
    }

    /// Whether `year` has its official schedule loaded.
    public func isLoaded(_ year: Int) -> Bool { schedules[year] != nil }

    /// Everything the calendar knows of `date`.
    public func info(_ date: CivilDate) -> DayInfo {
        if let n = makeups[date] {
            return DayInfo(date: date, kind: .makeupWorkday, provisional: false, name: n)
        }
        if let n = holidays[date] {
            return DayInfo(date: date, kind: .holiday, provisional: false, name: n)
        }
        if isLoaded(date.year) {
            return DayInfo(date: date, kind: date.isWeekend ? .weekend : .workday, provisional: false, name: nil)
        }
        if let n = statutory(date.year)[date] {
            return DayInfo(date: date, kind: .holiday, provisional: true, name: n)
        }
        return DayInfo(date: date, kind: date.isWeekend ? .weekend : .workday, provisional: true, name: nil)
    }

    public func isWorkday(_ date: CivilDate) -> Bool { info(date).isWorkday }

    public func isProvisional(_ date: CivilDate) -> Bool {
        !isLoaded(date.year) && makeups[date] == nil && holidays[date] == nil
    }

    /// The `n`-th working day after `start` (start itself not counted), skipping days `stopped` says are stopped.
    public func addingWorkdays(_ n: Int, after start: CivilDate,
                               stopped: (CivilDate) -> Bool = { _ in false }) -> (date: CivilDate, provisional: Bool) {
        var d = start
        var counted = 0
        var provisional = false
        while counted < n {
            d = d.next
            let i = info(d)
            provisional = provisional || i.provisional
            if i.isWorkday && !stopped(d) { counted += 1 }
        }
        return (d, provisional)
    }

    /// Working days in the half-open interval (from, through] that `stopped` does not exclude.
    public func workdays(after from: CivilDate, through: CivilDate,
                         stopped: (CivilDate) -> Bool = { _ in false }) -> Int {
        guard from < through else { return 0 }
        var count = 0
        var d = from
        while d < through {
            d = d.next
            if isWorkday(d) && !stopped(d) { count += 1 }
        }
        return count
    }

    private func statutory(_ year: Int) -> [CivilDate: String] {
        if let cached = fallback.withLock({ $0[year] }) { return cached }
        let computed = StatutoryHolidays.holidays(in: year)
        fallback.withLock { $0[year] = computed }
        return computed
    }
}
