import DisclosureCore
import DisclosureExchange
import DisclosureStore
import Foundation

/// The JSON views of the office's records beside its cases (calendar, late entries, statistics, the
/// audit), for the CLI's `--json` and the server alike.
extension CaseViews {
    /// A loaded calendar year (`calendar list --json`).
    public static func calendarYear(_ y: CalendarYearInfo) -> JSON {
        .object([
            ("year", .int(y.year)), ("source", .string(y.source)), ("origin", .string(y.origin)),
            ("loaded_at", .string(y.loadedAt)),
        ])
    }

    /// A step entered late (`report late-entries --json`).
    public static func lateEntry(_ r: LateEntryRow) -> JSON {
        .object([
            ("case", .string(r.number.description)), ("seq", .int(r.seq)), ("kind", .string(r.kind)),
            ("on", .date(r.on)), ("recorded_at", .string(r.recordedAt)), ("actor", .string(r.actor)),
            ("reason", .string(r.reason)),
        ])
    }

    /// A journal entry (`audit journal --json`).
    public static func journalEntry(_ e: JournalEntry) -> JSON {
        .object([
            ("id", .int(e.id)), ("kind", .string(e.kind)), ("actor", .string(e.actor)),
            ("account_id", e.accountID.map(JSON.int) ?? .null), ("recorded_at", .string(e.recordedAt)),
            ("payload", .string(e.payload)), ("hash", .string(e.hash)),
        ])
    }

    /// A line of the security log (`audit security --json`).
    public static func securityEntry(_ e: SecurityLogEntry) -> JSON {
        .object([
            ("id", .int(e.id)), ("time", .string(Moment(epoch: e.at).stamp)), ("kind", .string(e.kind)),
            ("account", .str(e.account)), ("name_typed", .str(e.name)), ("address", .str(e.address)),
            ("detail", .str(e.detail)),
        ])
    }

    /// One view or download of a case's personal data (`audit access --json`).
    public static func dataAccess(_ e: DataAccessEntry) -> JSON {
        .object([
            ("time", .string(Moment(epoch: e.at).stamp)), ("account", .string(e.account)), ("what", .string(e.what)),
            ("address", .str(e.address)),
        ])
    }

    /// The heads of the two chains.
    public static func chainHead(_ h: ChainHead) -> JSON {
        .object([
            ("events", .int(h.events)), ("events_head", .string(h.eventsHash)), ("journal", .int(h.journal)),
            ("journal_head", .string(h.journalHash)),
        ])
    }

    /// What `audit verify` found (`checkpoints`: each checkpoint file's verdict in words).
    public func audit(_ report: AuditReport, checkpoints: [(file: String, ok: Bool, verdict: String)] = []) -> JSON {
        .object([
            ("ok", .bool(report.problemCount == 0 && checkpoints.allSatisfy(\.ok))),
            ("events", .int(report.eventsChecked)), ("cases", .int(report.casesChecked)),
            ("journal", .int(report.journalChecked)), ("attachments", .int(report.attachmentsChecked)),
            ("first_break", .str(report.firstBreak?(lang))),
            ("problems", .array(report.problems.map { .string($0(lang)) })),
            ("problem_count", .int(report.problemCount)),
            ("head", CaseViews.chainHead(report.head)),
            (
                "checkpoints",
                .array(
                    checkpoints.map {
                        .object([("file", .string($0.file)), ("ok", .bool($0.ok)), ("verdict", .string($0.verdict))])
                    })
            ),
        ])
    }

    /// One month (or the total) of `report stats --json`.
    public static func month(_ m: MonthStats) -> JSON {
        .object([
            ("month", .string(m.month)), ("received", .int(m.received)), ("closed", .int(m.closed)),
            ("replies", .int(m.replyWorkdays.count)),
            ("on_time_rate", m.onTimeRate.map { .string(String(format: "%.4f", $0)) } ?? .null),
            ("median_workdays", m.median.map(JSON.int) ?? .null), ("p90_workdays", m.p90.map(JSON.int) ?? .null),
            ("overdue_now", .int(m.overdueNow)),
        ])
    }

    /// `report stats --json`: the period, each month, and the total.
    public static func statistics(_ s: StatisticsReport) -> JSON {
        .object([
            ("from", .date(s.from)), ("to", .date(s.to)), ("as_of", .date(s.asOf)),
            ("months", .array(s.months.map(month))), ("total", month(s.total)),
        ])
    }
}

/// Monthly statistics over a period, with their total.
public struct StatisticsReport: Sendable {
    public let from: CivilDate
    public let to: CivilDate
    public let asOf: CivilDate
    public let months: [MonthStats]
    public var total: MonthStats {
        months.reduce(into: MonthStats(month: "total")) { t, m in
            t.received += m.received
            t.closed += m.closed
            t.replyWorkdays += m.replyWorkdays
            t.repliedOnTime += m.repliedOnTime
            t.overdueNow += m.overdueNow
        }
    }
}

extension Desk {
    /// Monthly statistics from `from` (default: the first of the month eleven months before `to`) to
    /// `to` (default `asOf`), at most ten years; overdue counted as of `asOf`. `fields` names the
    /// options for errors (`from`, `to`).
    public func statistics(
        from: CivilDate?, to: CivilDate?, asOf: CivilDate, fields: (from: String, to: String) = ("from", "to")
    ) throws(DisclosureError) -> StatisticsReport {
        let end = to ?? asOf
        let start =
            from
            ?? CivilDate(year: end.year - (end.month == 12 ? 0 : 1), month: end.month == 12 ? 1 : end.month + 1, day: 1)
            ?? end
        guard start <= end else {
            throw DisclosureError(
                .invalidValue, field: fields.to, zh: "结束日期不能早于起始日期", en: "must not be before the start")
        }
        guard start.days(to: end) <= 3700 else {
            throw DisclosureError(.invalidValue, field: fields.from, zh: "一次最多统计十年", en: "at most ten years at a time")
        }
        return StatisticsReport(
            from: start, to: end, asOf: asOf, months: try statistics(from: start, to: end, asOf: asOf))
    }
}

extension CaseViews {
    /// One date of the calendar (`calendar days --json`).
    public static func calendarDay(_ i: DayInfo) -> JSON {
        .object([
            ("date", .date(i.date)), ("workday", .bool(i.isWorkday)), ("provisional", .bool(i.provisional)),
            ("name", .str(i.name)), ("kind", .string(i.kind.rawValue)),
        ])
    }

    /// What a calendar import did (`calendar import --json`).
    public static func calendarImport(_ r: CalendarImportResult) -> JSON {
        .object([
            ("year", .int(r.year)), ("replaced", .bool(r.replaced)), ("unchanged", .bool(r.unchanged)),
            ("recomputed", .int(r.recomputed)),
            (
                "changed",
                .array(
                    r.changed.map {
                        .object([
                            ("number", .string($0.number.description)), ("due_before", .date($0.before)),
                            ("due_after", .date($0.after)),
                        ])
                    })
            ),
        ])
    }
}

extension Desk {
    /// The calendar day by day from `from` through `to`, at most ten years; `fields` names the options.
    public func calendarDays(
        from: CivilDate, to: CivilDate, fields: (from: String, to: String) = ("from", "to")
    ) throws(DisclosureError) -> [DayInfo] {
        guard from <= to else {
            throw DisclosureError(
                .invalidValue, field: fields.to, zh: "结束日期不能早于起始日期", en: "must not be before the start")
        }
        guard from.days(to: to) <= 3660 else {
            throw DisclosureError(.invalidValue, field: fields.to, zh: "一次最多列出十年", en: "at most ten years at a time")
        }
        return DateSpan(from, to).days.map(calendar.info)
    }

    /// Loads a year's schedule from a file, XML (forms/calendar.xsd) or the text format of
    /// Storage/calendar, at most 1 MB of UTF-8; `origin` names it in the journal and in messages.
    public func importCalendar(
        fileAt path: String, origin: String, replaceOfficial: Bool, reason: String?, field: String = "FILE"
    ) throws(DisclosureError) -> (HolidaySchedule, CalendarImportResult) {
        let (text, data) = try SmallTextFile.read(path, field: field, code: .calendarFormat)
        let schedule =
            text.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("<")
            ? try CalendarFileReader.read(path: path)
            : try HolidaySchedule.parse(text, origin: origin)
        let result = try importCalendar(
            schedule, origin: origin, file: data, replaceOfficial: replaceOfficial, reason: reason)
        return (schedule, result)
    }
}

/// The files an office edits by hand and gives the program whole (calendars, the report's inputs).
public enum SmallTextFile {
    /// The text and bytes of `path`: at most 1 MB of UTF-8, else refused as `code` on `field`.
    public static func read(
        _ path: String, field: String, code: DisclosureError.Code
    ) throws(DisclosureError) -> (text: String, bytes: [UInt8]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DisclosureError(.io, field: field, zh: "无法读取文件 \(path)", en: "cannot read \(path)")
        }
        guard data.count <= 1_000_000, let text = String(data: data, encoding: .utf8) else {
            throw DisclosureError(
                code, field: field, zh: "文件须为不超过1MB的UTF-8文本", en: "the file must be UTF-8 text of at most 1 MB")
        }
        return (text, [UInt8](data))
    }
}
