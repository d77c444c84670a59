import DisclosureCore

#if canImport(Glibc)
    import Glibc
#endif

/// One instant as the office records it.
public struct Moment: Sendable, Hashable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let epoch: Int

    public init(epoch: Int) { self.epoch = epoch }

    /// China Standard Time has been UTC+8 all year since 1991, so legal dates and stamps are computed
    /// directly (ICU's time-zone machinery costs more than a whole registration).
    public static let officeOffsetSeconds = 8 * 3600

    private var local: (day: Int, second: Int) {
        let s = epoch + Moment.officeOffsetSeconds
        let day = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        return (day, s - day * 86_400)
    }

    /// The legal date of this instant in the office's time zone.
    public var day: CivilDate { CivilDate(dayNumber: local.day) }

    /// ISO 8601 with the office's offset, as recorded on events.
    public var stamp: String {
        let (day, t) = local
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(CivilDate(dayNumber: day))T\(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60))+08:00"
    }
}

/// Where the application layer reads the time: every rule about today uses this, never an option.
public protocol OfficeClock: Sendable {
    func now() -> Moment
}

/// The system's real-time clock. Tests pin it from outside the process (faketime), not by an option.
public struct SystemClock: OfficeClock {
    public init() {}
    public func now() -> Moment {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Moment(epoch: Int(ts.tv_sec))
    }
}

/// A clock that stands still, for tests in process.
public struct FixedClock: OfficeClock {
    public let moment: Moment
    public init(_ moment: Moment) { self.moment = moment }
    /// Noon, China time, on `day`.
    public init(day: CivilDate) { moment = Moment(epoch: day.dayNumber * 86_400 + 4 * 3600) }
    public func now() -> Moment { moment }
}
