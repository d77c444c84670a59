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

/// A calendar in the form deadline walks read it, made once when its schedules change and stored with
/// them, so that a command does not parse every year's notice at every start.
public struct CompiledCalendar: Sendable, Equatable {
    /// Raised whenever compiling changes (the weekend rule, the statutory fallback between loaded
    /// years), so that a form stored by an older program is made afresh rather than trusted.
    public static let format = 1
    /// The years with an official schedule, ascending.
    public let loadedYears: [Int]
    /// Day number of the first day of `days`.
    public let firstDay: Int
    /// Every day of the loaded years' span: bit 0 = working day, bit 1 = provisional.
    public let days: [UInt8]

    public init(loadedYears: [Int], firstDay: Int, days: [UInt8]) {
        self.loadedYears = loadedYears
        self.firstDay = firstDay
        self.days = days
    }
}

/// China's working-day calendar: official schedules where loaded, statutory holidays elsewhere.
public final class WorkCalendar: Sendable {
    /// The notices' days by date, wanted only for names and for days outside the compiled span.
    private struct Named: Sendable {
        var schedules: [Int: HolidaySchedule] = [:]
        var holidays: [CivilDate: String] = [:]
        var makeups: [CivilDate: String] = [:]

        init(_ schedules: [HolidaySchedule]) {
            for s in schedules { self.schedules[s.year] = s }
            let byYear = self.schedules
            // A notice may name days of the neighbouring year (the 2019 notice makes 2018-12-29 a working
            // day and 2018-12-30/31 days off). Such days count even when that year is loaded too; only
            // where the day's own year's notice says something of the same day does it win.
            func ownNoticeNames(_ d: CivilDate) -> Bool {
                guard let own = byYear[d.year] else { return false }
                return own.holidays[d] != nil || own.workdays[d] != nil
            }
            for s in byYear.values {
                for (d, n) in s.holidays where d.year == s.year || !ownNoticeNames(d) { holidays[d] = n }
                for (d, n) in s.workdays where d.year == s.year || !ownNoticeNames(d) { makeups[d] = n }
            }
        }
    }

    /// What the calendar works out when first asked, in a class so that the mutex holds a reference:
    /// a `Mutex` of dictionaries is resilient, and tearing one down makes the runtime look up the
    /// dictionaries' `Hashable` conformances by scanning every conformance of the binary, which costs
    /// a registration more than its own SQL (callgrind).
    private final class Learned: @unchecked Sendable {
        var named: Named?
        var fallback: [Int: [CivilDate: String]] = [:]
        init(_ named: Named?) { self.named = named }
    }

    private let loaded: Set<Int>
    private let learned: Mutex<Learned>
    private let source: @Sendable () -> [HolidaySchedule]
    /// Day number of the first day of `dense`.
    private let denseStart: Int
    /// Every day of the loaded years' span: bit 0 = working day, bit 1 = provisional. Deadline walks
    /// ask about every day, so this answers without hashing.
    private let dense: [UInt8]

    /// The loaded official schedules by year.
    public var schedules: [Int: HolidaySchedule] { names().schedules }

    /// The form to store, from which `init(compiled:schedules:)` answers as this calendar does.
    public var compiled: CompiledCalendar {
        CompiledCalendar(loadedYears: loaded.sorted(), firstDay: denseStart, days: dense)
    }

    public init(schedules: [HolidaySchedule]) {
        let named = Named(schedules)
        let byYear = named.schedules
        learned = Mutex(Learned(named))
        self.source = { schedules }
        loaded = Set(byYear.keys)
        let h = named.holidays, m = named.makeups
        guard let first = byYear.keys.min(), let last = byYear.keys.max(),
              let start = CivilDate(year: first, month: 1, day: 1), let end = CivilDate(year: last, month: 12, day: 31) else {
            denseStart = 0
            dense = []
            return
        }
        denseStart = start.dayNumber
        // Built year by year and then overlaid with the notices' days, which gives what `classify` says of
        // each day without hashing every date.
        var table = [UInt8](repeating: 0, count: end.dayNumber - start.dayNumber + 1)
        for year in first...last {
            guard let jan1 = CivilDate(year: year, month: 1, day: 1) else { continue }
            let from = jan1.dayNumber - denseStart
            let days = CivilDate.isLeap(year) ? 366 : 365
            if byYear[year] != nil {
                var weekday = jan1.weekday
                for k in from..<(from + days) {
                    table[k] = weekday >= 6 ? 0 : 1
                    weekday = weekday == 7 ? 1 : weekday + 1
                }
            } else {
                for k in from..<(from + days) {
                    let i = WorkCalendar.classify(CivilDate(dayNumber: denseStart + k), holidays: h, makeups: m,
                                                  loaded: { byYear[$0] != nil }, statutory: StatutoryHolidays.holidays(in:))
                    table[k] = (i.isWorkday ? 1 : 0) | (i.provisional ? 2 : 0)
                }
            }
        }
        // A make-up working day outranks a holiday on the same date, as in `classify`.
        for d in h.keys {
            let k = d.dayNumber - denseStart
            if k >= 0 && k < table.count { table[k] = 0 }
        }
        for d in m.keys {
            let k = d.dayNumber - denseStart
            if k >= 0 && k < table.count { table[k] = 1 }
        }
        dense = table
    }

    /// The calendar from its stored form; `schedules` gives the notices themselves (parsed only when a
    /// name, or a day outside the compiled span, is asked for) and must be those it was compiled from.
    public init(compiled: CompiledCalendar, schedules: @escaping @Sendable () -> [HolidaySchedule]) {
        loaded = Set(compiled.loadedYears)
        learned = Mutex(Learned(nil))
        source = schedules
        denseStart = compiled.firstDay
        dense = compiled.days
    }

    private func names() -> Named {
        learned.withLock { held in
            if let named = held.named { return named }
            let made = Named(source())
            held.named = made
            return made
        }
    }

    /// What a day is: a make-up working day or holiday named by a notice, else by the weekend rule in a
    /// loaded year, else by the statutory holidays (provisional).
    static func classify(_ date: CivilDate, holidays: [CivilDate: String], makeups: [CivilDate: String],
                         loaded: (Int) -> Bool, statutory: (Int) -> [CivilDate: String]) -> DayInfo {
        if let n = makeups[date] {
            return DayInfo(date: date, kind: .makeupWorkday, provisional: false, name: n)
        }
        if let n = holidays[date] {
            return DayInfo(date: date, kind: .holiday, provisional: false, name: n)
        }
        if loaded(date.year) {
            return DayInfo(date: date, kind: date.isWeekend ? .weekend : .workday, provisional: false, name: nil)
        }
        if let n = statutory(date.year)[date] {
            return DayInfo(date: date, kind: .holiday, provisional: true, name: n)
        }
        return DayInfo(date: date, kind: date.isWeekend ? .weekend : .workday, provisional: true, name: nil)
    }

    /// Working day by day number (days since 1970-01-01), the fast path of every deadline walk.
    @inline(__always)
    public func isWorkday(dayNumber n: Int) -> Bool {
        let k = n - denseStart
        if k >= 0 && k < dense.count { return dense[k] & 1 != 0 }
        return info(CivilDate(dayNumber: n)).isWorkday
    }

    @inline(__always)
    func isProvisional(dayNumber n: Int) -> Bool {
        let k = n - denseStart
        if k >= 0 && k < dense.count { return dense[k] & 2 != 0 }
        return isProvisional(CivilDate(dayNumber: n))
    }

    /// Whether `year` has its official schedule loaded.
    public func isLoaded(_ year: Int) -> Bool { loaded.contains(year) }

    /// Everything the calendar knows of `date`.
    public func info(_ date: CivilDate) -> DayInfo {
        let n = names()
        return WorkCalendar.classify(date, holidays: n.holidays, makeups: n.makeups, loaded: isLoaded,
                                     statutory: statutory)
    }

    public func isWorkday(_ date: CivilDate) -> Bool { isWorkday(dayNumber: date.dayNumber) }

    public func isProvisional(_ date: CivilDate) -> Bool {
        let k = date.dayNumber - denseStart
        if k >= 0 && k < dense.count { return dense[k] & 2 != 0 }
        guard !isLoaded(date.year) else { return false }
        let n = names()
        return n.makeups[date] == nil && n.holidays[date] == nil
    }

    /// The `n`-th working day after `start` (start itself not counted), skipping days `stopped` says are stopped.
    public func addingWorkdays(_ n: Int, after start: CivilDate,
                               stopped: (CivilDate) -> Bool = { _ in false }) -> (date: CivilDate, provisional: Bool) {
        addingWorkdays(n, afterDay: start.dayNumber, stopped: { stopped(CivilDate(dayNumber: $0)) })
    }

    /// `addingWorkdays` on day numbers, with stops given as day numbers too.
    public func addingWorkdays(_ n: Int, afterDay start: Int,
                               stopped: (Int) -> Bool) -> (date: CivilDate, provisional: Bool) {
        var d = start
        var counted = 0
        var provisional = false
        while counted < n {
            d += 1
            provisional = provisional || isProvisional(dayNumber: d)
            if isWorkday(dayNumber: d) && !stopped(d) { counted += 1 }
        }
        return (CivilDate(dayNumber: d), provisional)
    }

    /// Working days in the half-open interval (from, through] that `stopped` does not exclude.
    public func workdays(after from: CivilDate, through: CivilDate,
                         stopped: (CivilDate) -> Bool = { _ in false }) -> Int {
        guard from < through else { return 0 }
        var count = 0
        for n in (from.dayNumber + 1)...through.dayNumber where isWorkday(dayNumber: n) && !stopped(CivilDate(dayNumber: n)) {
            count += 1
        }
        return count
    }

    private func statutory(_ year: Int) -> [CivilDate: String] {
        if let cached = learned.withLock({ $0.fallback[year] }) { return cached }
        let computed = StatutoryHolidays.holidays(in: year)
        learned.withLock { $0.fallback[year] = computed }
        return computed
    }
}
