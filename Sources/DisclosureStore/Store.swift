import CSQLite
import DisclosureCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The office that owns a database.
public struct Office: Sendable, Hashable {
    public let name: String
    /// Short code used in stable case identifiers exchanged with other agencies.
    public let code: String
    public let createdAt: String
}

/// A stored event with the bookkeeping the store adds to it.
public struct StoredEvent: Sendable, Hashable {
    public let seq: Int
    public let kind: String
    public let on: CivilDate
    public let actor: String
    public let recordedAt: String
    /// nil for the registration (seq 0).
    public let event: CaseEvent?
    public let dueBefore: CivilDate?
    public let dueAfter: CivilDate?
    public let hash: String
    /// The recorder's account, for steps recorded since accounts exist.
    public let accountID: Int?
    /// The reason given for a late entry (补录); nil for a step entered in time.
    public let lateEntry: String?
    /// The document number (文号) of the letter the step sent.
    public var letter: String? = nil
    /// A change the store recorded that is not a procedural step (attachment, import, calendar).
    public var note: RecordNote? = nil
}

/// A lock of a year's annual report, and its lifting if it was lifted.
public struct ReportLockRow: Sendable, Hashable {
    public let year: Int
    public let lockedAt: String
    public let lockedBy: String
    public let unlockedAt: String?
    public let unlockedBy: String?
    /// Why it was unlocked.
    public let reason: String?
}

/// One case as stored, with the state Core derives from it.
public struct CaseRecord: Sendable {
    public let number: CaseNumber
    /// The application as registered, before any amendment (what the hash chain holds).
    public let recordedApplication: Application
    /// The application with its approved amendments: what every view shows.
    public var application: Application { state.application }
    public let registeredAt: String
    public let registeredBy: String
    public let events: [StoredEvent]
    public let state: CaseState
    /// The case's events without the registration, as Core takes them.
    public var caseEvents: [CaseEvent] { events.compactMap(\.event) }
}

/// A case's row as lists and the deadline board need it (materialised columns, no replay).
public struct CaseSummary: Sendable, Hashable {
    public let number: CaseNumber
    public let received: CivilDate
    public let channel: Channel
    public let applicantName: String
    public let applicantType: ApplicantType
    public let request: String
    public let status: CaseStatus
    public let due: CivilDate?
    public let nextDeadline: CivilDate?
    /// The latest limit among consultations still waiting at the last event.
    public let consultUntil: CivilDate?
    /// The consultations still waiting at the last event: number, party consulted, 15-working-day limit.
    public let waitingConsultations: [WaitingConsultation]
    public let provisional: Bool
    public let outcome: Outcome?
    public let closedOn: CivilDate?
    /// The account of the handler the case is assigned to, if any.
    public let handlerID: Int?
}

/// A consultation the case is waiting for, as the board shows it.
public struct WaitingConsultation: Sendable, Hashable, Codable {
    public let id: Int
    public let to: String
    public let limit: CivilDate
}

/// Filters for `list`.
public struct CaseFilter: Sendable {
    public var status: CaseStatus?
    public var openOnly = false
    public var year: Int?
    public var applicant: String?
    public var text: String?
    public var limit: Int?
    public init(status: CaseStatus? = nil, openOnly: Bool = false, year: Int? = nil, applicant: String? = nil,
                text: String? = nil, limit: Int? = nil) {
        self.status = status
        self.openOnly = openOnly
        self.year = year
        self.applicant = applicant
        self.text = text
        self.limit = limit
    }
}

/// A loaded calendar year.
public struct CalendarYearInfo: Sendable, Hashable {
    public let year: Int
    public let source: String
    public let origin: String
    public let loadedAt: String
}

/// What a calendar import did.
public struct CalendarImportResult: Sendable {
    public let year: Int
    public let replaced: Bool
    /// The same schedule was already loaded: nothing was written.
    public var unchanged = false
    public let recomputed: Int
    /// Open cases whose due date or next deadline moved, with old and new due dates.
    public let changed: [(number: CaseNumber, before: CivilDate?, after: CivilDate?)]
}

/// The SQLite database of one office: schema, migrations, and every query.
public final class Store {
    /// Marks our files (`PRAGMA application_id`), so that another SQLite file is not mistaken for one.
    static let applicationID: Int32 = 0x4449_5343 // "DISC"
    static let genesisHash = String(repeating: "0", count: 64)

    let db: Connection
    public let path: String
    public let office: Office
    /// The database's identity, made once by `init` and never changed.
    let instance: String
    public private(set) var calendar: WorkCalendar
    /// Whether `init` read the calendar from its stored compiled form (else the first writer stores it).
    private let openedCompiled: Bool

    /// The number of the newest migration this build knows.
    public static var schemaVersion: Int { EmbeddedStorage.migrations.count }

    /// The official schedules shipped with this release.
    public static func shippedCalendars() throws(DisclosureError) -> [HolidaySchedule] {
        var out: [HolidaySchedule] = []
        for (name, text) in EmbeddedStorage.calendars {
            out.append(try HolidaySchedule.parse(text, origin: "Storage/calendar/\(name)"))
        }
        return out
    }

    private init(db: Connection, path: String) throws(DisclosureError) {
        self.db = db
        self.path = path
        let officeRow = "SELECT name, code, created_at, instance_id FROM office WHERE id = 1"
        guard let (office, instance) = try db.first(officeRow, map: {
            (Office(name: $0.text(0), code: $0.text(1), createdAt: $0.text(2)), $0.text(3))
        }) else {
            throw DisclosureError(.notInitialised, field: "database", zh: "数据库 \(path) 中没有机关信息（尚未建库）",
                                  en: "the database \(path) has no office (it was never set up)")
        }
        self.office = office
        self.instance = instance
        let loaded = try Store.loadCalendar(db)
        self.calendar = loaded.calendar
        self.openedCompiled = loaded.compiled
    }

    /// Creates a new database at `path` (mode 0600) with the shipped calendars.
    public static func initialise(path: String, agency: String, code: String, now: String) throws(DisclosureError) -> Store {
        try Application.requireText(agency, field: "agency", max: 200)
        guard !code.isEmpty, code.count <= 32, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw DisclosureError(.invalidValue, field: "code", zh: "机关代码须为1至32个英文字母、数字、“-”或“_”",
                                  en: "the agency code must be 1 to 32 ASCII letters, digits, '-' or '_'")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw DisclosureError(.io, field: "database", zh: "无法创建目录 \(dir)：\(error.localizedDescription)",
                                      en: "cannot create the folder \(dir): \(error.localizedDescription)")
            }
        }
        // Create the file ourselves so that it is the owner's alone from its first byte.
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            let exists = errno == EEXIST
            throw DisclosureError(.io, field: "database",
                                  zh: exists ? "数据库 \(path) 已存在；如需重建请先移走旧文件" : "无法创建数据库文件 \(path)：\(String(cString: strerror(errno)))",
                                  en: exists ? "the database \(path) already exists; move it away first to start afresh" : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
        do {
            let db = try Connection(path: path)
            try configure(db, fresh: true)
            try migrate(db, path: path)
            let shipped = try shippedCalendars()
            try db.writeTransaction { () throws(DisclosureError) in
                try db.run("""
                    INSERT INTO office (id, name, code, created_at, instance_id) VALUES (1, ?, ?, ?, lower(hex(randomblob(16))))
                    """, agency, code, now)
                for s in shipped {
                    try db.run("INSERT INTO calendar_year (year, source, body, origin, loaded_at) VALUES (?, ?, ?, 'shipped', ?)",
                               s.year, s.source, s.serialized(), now)
                }
                try writeBaselineIfMissing(db, kind: "created", now: now)
            }
            let store = try Store(db: db, path: path)
            try store.compileCalendarIfMissing()
            return store
        } catch {
            // A half-made database is worse than none: remove it so that init can simply be run again.
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            throw error
        }
    }

    /// Opens an existing database, applying any pending migrations.
    public static func open(path: String, readOnly: Bool = false) throws(DisclosureError) -> Store {
        guard access(path, F_OK) == 0 else {
            throw DisclosureError(.notInitialised, field: "database",
                                  zh: "找不到数据库 \(path)（尚未建库，或路径有误）",
                                  en: "no database at \(path) (not set up yet, or another path was meant)")
        }
        var db = try Connection(path: path, readOnly: readOnly)
        do {
            try configure(db)
        } catch where readOnly && access((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, W_OK) != 0 {
            // A read-only folder: SQLite cannot make the WAL index there, so the file is read as it stands.
            db = try Connection(path: path, immutable: true)
            try configure(db)
        }
        if !readOnly {
            try migrate(db, path: path)
        } else if try checkVersion(db, path: path) < schemaVersion {
            // An older file is brought up to date by the first command that may write it.
            guard access(path, W_OK) == 0 else {
                throw DisclosureError(.schemaTooNew, field: "database",
                                      zh: "数据库 \(path) 的结构版本较旧，须由有写权限的用户先运行一次本程序升级",
                                      en: "the database \(path) has an older schema; someone who may write it must run the program once to upgrade it")
            }
            return try open(path: path, readOnly: false)
        }
        let store = try Store(db: db, path: path)
        if !readOnly {
            try store.compileCalendarIfMissing()
            try store.finishShowingImport()
        } else if try store.importBeingShown() != nil, access(path, W_OK) == 0 {
            // An import its process stopped showing: whoever may write finishes it before reading.
            try Store.open(path: path, readOnly: false).finishShowingImport()
        }
        return store
    }

    /// Checks the file is ours (or, for `init` only, brand new) before anything is written to it.
    private static func configure(_ db: Connection, fresh: Bool = false) throws(DisclosureError) {
        let appID = try db.first("PRAGMA application_id", map: { Int32(truncatingIfNeeded: $0.int(0)) }) ?? 0
        let version = try db.first("PRAGMA user_version", map: { $0.int(0) }) ?? 0
        // Ours, or brand new (no tables yet): anything else is someone else's SQLite file.
        let foreignTables = appID == 0 ? (try db.first("SELECT COUNT(*) FROM sqlite_master", map: { $0.int(0) }) ?? 0) : 0
        if appID != 0 && appID != applicationID || appID == 0 && (version != 0 || foreignTables > 0) {
            throw DisclosureError(.storage, field: "database", zh: "\(db.path) 不是本程序的数据库",
                                  en: "\(db.path) is not a Disclosure database")
        }
        // Only `init` makes a database: an empty file given by mistake is never given a schema.
        if version == 0 && !fresh {
            throw DisclosureError(.notInitialised, field: "database",
                                  zh: "\(db.path) 不是已建立的数据库（空文件或尚未建库）；本程序不会写入它",
                                  en: "\(db.path) is not a set-up database (an empty file, or never initialised); it is left untouched")
        }
        try db.exec("PRAGMA foreign_keys = ON")
        // WAL lets the board be read while someone registers; FULL makes every commit durable.
        // A reader leaves the mode as the file has it (it cannot change it, and must not try).
        if !db.readOnly {
            _ = try db.first("PRAGMA journal_mode = WAL", map: { $0.text(0) })
            try db.exec("PRAGMA synchronous = FULL")
        } else {
            _ = try db.first("SELECT COUNT(*) FROM sqlite_master", map: { $0.int(0) })
        }
    }

    @discardableResult
    private static func checkVersion(_ db: Connection, path: String) throws(DisclosureError) -> Int {
        let version = try db.first("PRAGMA user_version", map: { $0.int(0) }) ?? 0
        if version > schemaVersion {
            throw DisclosureError(.schemaTooNew, field: "database",
                                  zh: "数据库 \(path) 的结构版本为\(version)，比本程序支持的\(schemaVersion)新；请升级本程序，数据未作改动",
                                  en: "the database \(path) has schema version \(version), newer than this program's \(schemaVersion); upgrade the program (nothing was changed)")
        }
        return version
    }

    private static func migrate(_ db: Connection, path: String) throws(DisclosureError) {
        guard try checkVersion(db, path: path) < schemaVersion else { return }
        // A migration may rebuild a table that others refer to; enforcement is switched off for the
        // rebuild (it cannot change inside a transaction) and every key is checked before commit.
        try db.exec("PRAGMA foreign_keys = OFF")
        defer { try? db.exec("PRAGMA foreign_keys = ON") }
        try db.writeTransaction { () throws(DisclosureError) in
            // Re-read inside the lock: another process may have migrated meanwhile.
            let current = try checkVersion(db, path: path)
            for (index, m) in EmbeddedStorage.migrations.enumerated() where index + 1 > current {
                try db.exec(m.sql)
                try db.exec("PRAGMA user_version = \(index + 1)")
            }
            // The journal starts with what stood before it (an existing office; a new one starts at init).
            try writeBaselineIfMissing(db, kind: "baseline", now: nil)
            // Releases before 9 left some derived columns stale (closed cases after a calendar import, a
            // step appended to a case closed while awaiting correction); `audit verify` now compares
            // them all with a replay, so they are brought up to date once, here.
            if current > 0 && current < 9, try db.first("SELECT 1 FROM office", map: { _ in true }) == true {
                try Store(db: db, path: path).rematerialiseAll()
            }
            if try db.first("PRAGMA foreign_key_check", map: { _ in true }) == true {
                throw DisclosureError(.storage, field: "database", zh: "数据库结构升级后外键不一致，已回滚，数据未改变",
                                      en: "the schema upgrade left inconsistent references; it was rolled back and nothing changed")
            }
            try db.exec("PRAGMA application_id = \(applicationID)")
        }
    }

    /// Reads the calendar again, after another connection of the same process has changed it.
    public func reloadCalendar() throws(DisclosureError) { calendar = try loadCalendar() }

    /// The calendar from its compiled form where that was made from the schedules as they stand (the
    /// notices are then parsed only if a name is asked for), else from the schedules.
    private func loadCalendar() throws(DisclosureError) -> WorkCalendar { try Store.loadCalendar(db).calendar }

    /// The calendar, and whether it came from the stored compiled form.
    private static func loadCalendar(
        _ db: Connection
    ) throws(DisclosureError) -> (calendar: WorkCalendar, compiled: Bool) {
        let rows = try db.all("SELECT year, body FROM calendar_year ORDER BY year") { ($0.int(0), $0.text(1)) }
        if let compiled = try storedCompiledCalendar(db), compiled.loadedYears == rows.map(\.0) {
            // The triggers of migration 0014 remove the compiled form whenever a schedule changes, so
            // these texts are those it was compiled from, and each parsed then.
            let calendar = WorkCalendar(compiled: compiled) {
                rows.compactMap { try? HolidaySchedule.parse($0.1, origin: "calendar_year \($0.0)") }
            }
            return (calendar, true)
        }
        let schedules = try rows.map { (row: (Int, String)) throws(DisclosureError) in
            try HolidaySchedule.parse(row.1, origin: "calendar_year \(row.0)")
        }
        return (WorkCalendar(schedules: schedules), false)
    }

    /// The stored compiled calendar when a program compiling as this one does made it.
    public func storedCompiledCalendar() throws(DisclosureError) -> CompiledCalendar? {
        try Store.storedCompiledCalendar(db)
    }

    private static func storedCompiledCalendar(_ db: Connection) throws(DisclosureError) -> CompiledCalendar? {
        let stored = try db.first("SELECT format, loaded_years, first_day, days FROM calendar_compiled WHERE id = 1") {
            (r: Row) -> CompiledCalendar? in
            guard r.int(0) == CompiledCalendar.format else { return nil }
            let years = r.text(1).split(separator: ",").compactMap { Int($0) }
            return CompiledCalendar(loadedYears: years, firstDay: r.int(2), days: r.blob(3))
        }
        return stored ?? nil
    }

    /// Stores the calendar's compiled form, inside the caller's transaction.
    private func saveCompiledCalendar(_ calendar: WorkCalendar) throws(DisclosureError) {
        let c = calendar.compiled
        try db.run(
            """
            INSERT INTO calendar_compiled (id, format, loaded_years, first_day, days) VALUES (1, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET format = excluded.format, loaded_years = excluded.loaded_years,
                first_day = excluded.first_day, days = excluded.days
            """, CompiledCalendar.format, c.loadedYears.map(String.init).joined(separator: ","), c.firstDay,
            SQLValue.blob(c.days))
    }

    /// Compiles the calendar and stores it when no current compiled form is stored (a database from
    /// before migration 0014, or one whose schedules were changed by hand or by an older program).
    /// What `init` read tells: no query is added to a writer's start when the form is there.
    private func compileCalendarIfMissing() throws(DisclosureError) {
        guard !openedCompiled else { return }
        try db.writeTransaction { () throws(DisclosureError) in
            // Read again inside the lock: another process may have stored it meanwhile.
            let fresh = try Store.loadCalendar(db)
            if !fresh.compiled { try saveCompiledCalendar(fresh.calendar) }
            calendar = fresh.calendar
        }
    }

    // MARK: - Calendar

    /// The loaded official years.
    public func calendarYears() throws(DisclosureError) -> [CalendarYearInfo] {
        try db.all("SELECT year, source, origin, loaded_at FROM calendar_year ORDER BY year") {
            CalendarYearInfo(year: $0.int(0), source: $0.text(1), origin: $0.text(2), loadedAt: $0.text(3))
        }
    }

    /// The origin of a year's stored schedule ('shipped' for the official one shipped with a release).
    public func calendarOrigin(year: Int) throws(DisclosureError) -> String? {
        try db.first("SELECT origin FROM calendar_year WHERE year = ?", year) { $0.text(0) }
    }

    /// Adds or replaces one year's schedule and, in the same transaction, recomputes every case whose
    /// dates or reply times it can move (open ones, and closed ones reaching into the year), noting the
    /// change in each one's history and the import in the journal. A change to a locked year's figures
    /// is refused.
    public func importCalendar(_ schedule: HolidaySchedule, origin: String, file: String, reason: String?,
                               actor: ActorRef, today: CivilDate, now: String) throws(DisclosureError) -> CalendarImportResult {
        let body = schedule.serialized()
        // What is stored must read back as the same schedule, or the office would work on another one.
        guard (try? HolidaySchedule.parse(body, origin: origin)) == schedule else {
            throw DisclosureError(.calendarFormat, field: origin,
                                  zh: "该放假安排保存后无法读回为同一安排（例如同名的相邻假期合计超过16天），未导入",
                                  en: "this schedule would not read back as itself once stored (e.g. adjacent holiday ranges "
                                      + "with one name over 16 days in all); nothing was imported")
        }
        return try db.writeTransaction { () throws(DisclosureError) in
            let held = try db.first("SELECT source, body FROM calendar_year WHERE year = ?", schedule.year) {
                ($0.text(0), $0.text(1))
            }
            if let held, held.0 == schedule.source, held.1 == body {
                var same = CalendarImportResult(year: schedule.year, replaced: false, recomputed: 0, changed: [])
                same.unchanged = true
                return same
            }
            let replaced = held != nil
            let oldCalendar = calendar
            try db.run("""
                INSERT INTO calendar_year (year, source, body, origin, loaded_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (year) DO UPDATE SET source = excluded.source, body = excluded.body,
                    origin = excluded.origin, loaded_at = excluded.loaded_at
                """, schedule.year, schedule.source, body, origin, now)
            let newCalendar = try loadCalendar()
            try saveCompiledCalendar(newCalendar)
            var changed: [(CaseNumber, CivilDate?, CivilDate?)] = []
            var count = 0
            let yearStart = CivilDate(year: schedule.year, month: 1, day: 1) ?? today
            let ids = try db.all("""
                SELECT id FROM cases WHERE superseded_by IS NULL AND (is_open = 1 OR closed_on >= ?1 OR due >= ?1) ORDER BY id
                """, yearStart) { $0.int(0) }
            for id in ids {
                let before = try loadRecord(id: id, calendar: oldCalendar)
                let after = try loadRecord(id: id, calendar: newCalendar)
                count += 1
                let stored = try db.first("SELECT \(Store.materialisedColumns) FROM cases WHERE id = ?", id) { Store.values($0, 11) }
                let fresh = try materialisedValues(after.state, calendar: newCalendar).map(\.sqlValue)
                guard stored != fresh else { continue }
                try checkLocks(before: before.state, after: after.state, label: after.number.description)
                try materialise(id: id, state: after.state, calendar: newCalendar)
                try appendNote(.calendarChanged(year: schedule.year, file: file), caseID: id, on: today, actor: actor,
                               now: now, dueBefore: before.state.clock.due, dueAfter: after.state.clock.due)
                if after.state.status.isOpen { changed.append((after.number, before.state.clock.due, after.state.clock.due)) }
            }
            let snapshot = CalendarSnapshot(year: schedule.year, source: schedule.source, origin: origin,
                                            sha256: SHA256.hex(Array(body.utf8)))
            try appendJournal(kind: "calendar", actor: actor, now: now,
                              payload: CalendarPayload(calendar: snapshot, file: file, changed: changed.count, reason: reason))
            calendar = newCalendar
            return CalendarImportResult(year: schedule.year, replaced: replaced, recomputed: count,
                                        changed: changed.map { (number: $0.0, before: $0.1, after: $0.2) })
        }
    }

    /// Recomputes every current case's derived columns from its events where they differ.
    func rematerialiseAll() throws(DisclosureError) {
        let ids = try db.all("SELECT id FROM cases WHERE superseded_by IS NULL ORDER BY id") { $0.int(0) }
        for id in ids {
            let record = try loadRecord(id: id, calendar: calendar)
            let stored = try db.first("SELECT \(Store.materialisedColumns) FROM cases WHERE id = ?", id) { Store.values($0, 11) }
            if stored != (try materialisedValues(record.state).map(\.sqlValue)) {
                try materialise(id: id, state: record.state)
            }
        }
    }

    static func values(_ r: Row, _ n: Int32) -> [SQLValue] {
        (0..<n).map { i in
            if r.isNull(i) { return .null }
            switch sqlite3_column_type(r.stmt, i) {
            case SQLITE_INTEGER: return .int(Int64(r.int(i)))
            case SQLITE_BLOB: return .blob(r.blob(i))
            default: return .text(r.text(i))
            }
        }
    }

    // MARK: - Cases

    /// Registers an application, assigning the next case number of its receipt year.
    public func register(_ application: Application, actor: ActorRef, lateEntry: String? = nil,
                         today: CivilDate? = nil, now: String) throws(DisclosureError) -> CaseRecord {
        try application.validate()
        try TextField.requireLine(actor.name, field: "actor", max: 100)
        let payload = PayloadCodec.encode(application)
        return try db.writeTransaction { () throws(DisclosureError) in
            let year = application.received.year
            // Superseded rows always have a current row with the same number, so the partial identity
            // index answers this without a scan.
            let stored = try db.first("SELECT COALESCE(MAX(serial), 0) + 1 FROM cases WHERE agency_code = ? AND "
                + "year = ? AND superseded_by IS NULL",
                                      office.code, year) { $0.int(0) } ?? 1
            // A number given before a restore took its case away is never given again.
            let serial = max(stored, (try restoreGaps()[year]?.map(\.upperBound).max() ?? 0) + 1)
            guard serial <= CaseNumber.maxSerial else {
                throw DisclosureError(.ruleViolation, field: "received",
                                      zh: "\(year)年的案件序号已用尽（最多\(CaseNumber.maxSerial)件）",
                                      en: "the case numbers of \(year) are used up (at most \(CaseNumber.maxSerial))")
            }
            let number = CaseNumber(year: year, serial: serial)
            let state = CaseState(application: application, events: [], calendar: calendar)
            try checkLocks(before: nil, after: state, label: number.description)
            let a = application
            try db.run("""
                INSERT INTO cases (agency_code, agency_name, year, serial, received, channel, applicant_name, applicant_type,
                    id_number, contact, request, form, note, registered_at, registered_by, status, is_open, due, next_deadline,
                    consult_until, provisional, outcome, closed_on, registered_by_id, late_entries)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'handling', 1, NULL, NULL, NULL, 0, NULL, NULL, ?, ?)
                """, office.code, office.name, year, serial, a.received, a.channel.rawValue, a.applicant.name, a.applicant.type.rawValue,
                       a.applicant.idNumber, a.applicant.contact, a.request, a.form?.rawValue, a.note, now, actor.name,
                       actor.accountID, lateEntry == nil ? 0 : 1)
            let id = Int(db.lastInsertRowID)
            try materialise(id: id, state: state, fresh: true)
            try appendEvent(caseID: id, number: number, seq: 0, kind: "registered", on: a.received, actor: actor.name,
                            now: now, payload: payload, dueBefore: nil, dueAfter: state.clock.due,
                            accountID: actor.accountID, lateEntry: lateEntry,
                            letter: try allocateLetter(
                                .receipt, year: (today ?? CivilDate(iso: String(now.prefix(10))) ?? a.received).year))
            return try loadRecord(id: id, calendar: calendar)
        }
    }

    /// Loads a case with its events and derived state.
    public func load(_ number: CaseNumber) throws(DisclosureError) -> CaseRecord {
        try db.readTransaction { () throws(DisclosureError) in
            try loadRecord(id: try caseID(number), calendar: calendar)
        }
    }

    /// Validates `event` against the case with Core's rules and appends it; returns the case and any warnings.
    public func record(_ event: CaseEvent, on number: CaseNumber, asOf: CivilDate, now: String) throws(DisclosureError) -> (CaseRecord, [Text]) {
        try record(on: number, asOf: asOf, now: now) { _ throws(DisclosureError) in event }
    }

    /// Builds the event from the case as it stands inside the write transaction (so that numbering
    /// and amounts cannot race with another writer), validates it with Core's rules, and appends it.
    public func record(on number: CaseNumber, asOf: CivilDate, now: String, assignee: Int? = nil,
                       build: (CaseRecord) throws(DisclosureError) -> CaseEvent) throws(DisclosureError) -> (CaseRecord, [Text]) {
        try db.writeTransaction { () throws(DisclosureError) in
            let id = try caseID(number)
            let before = try loadRecord(id: id, calendar: calendar)
            let event = try build(before)
            let warnings = try Rules.check(event, on: before.state, calendar: calendar, asOf: asOf)
            let after = CaseState(
                application: before.recordedApplication, events: before.caseEvents + [event], calendar: calendar)
            try checkLocks(before: before.state, after: after, label: number.description)
            let letter = try NoticeKind.issued(by: event.action).map { (k) throws(DisclosureError) in
                try allocateLetter(k, year: event.on.year)
            }
            try appendEvent(caseID: id, number: number, seq: (before.events.last?.seq ?? 0) + 1, kind: event.action.kind,
                            on: event.on, actor: event.actor, now: now, payload: PayloadCodec.encode(event.action),
                            dueBefore: before.state.clock.due, dueAfter: after.clock.due,
                            accountID: event.accountID, lateEntry: event.lateEntry, letter: letter)
            try materialise(id: id, state: after)
            if event.lateEntry != nil { try db.run("UPDATE cases SET late_entries = late_entries + 1 WHERE id = ?", id) }
            if case .assigned = event.action { try db.run("UPDATE cases SET handler_id = ? WHERE id = ?", assignee, id) }
            return (try loadRecord(id: id, calendar: calendar), warnings)
        }
    }

    /// How many applications the applicant made in a calendar month before the given one
    /// (the per-item fee counts items per applicant per month; each application is one item).
    public func applicationsInMonth(applicant: String, idNumber: String?, year: Int, month: Int,
                                    before: CaseNumber? = nil) throws(DisclosureError) -> Int {
        let first = CivilDate(year: year, month: month, day: 1) ?? CivilDate(dayNumber: 0)
        let last = CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month)) ?? first
        // This office's own applications only: another agency's imported cases are not charged here.
        var sql = "SELECT COUNT(*) FROM cases WHERE agency_code = ? AND superseded_by IS NULL AND applicant_name = ? AND received BETWEEN ? AND ?"
        var params: [SQLBindable] = [office.code, applicant, first, last]
        if let idNumber { sql += " AND (id_number IS NULL OR id_number = ?)"; params.append(idNumber) }
        if let before {
            // Earlier by receipt date, then by case number on the same day.
            let this = "(SELECT received FROM cases WHERE agency_code = ? AND superseded_by IS NULL AND year = ? AND serial = ?)"
            sql += " AND (received < \(this) OR (received = \(this) AND (year < ? OR (year = ? AND serial < ?))))"
            params += [office.code, before.year, before.serial, office.code, before.year, before.serial, before.year, before.year, before.serial]
        }
        var count = 0
        try db.query(sql, params) { r in count = r.int(0) }
        return count
    }

    /// Cases matching `filter`, newest first.
    public func list(_ filter: CaseFilter) throws(DisclosureError) -> [CaseSummary] {
        var sql = "SELECT \(Store.summaryColumns) FROM cases WHERE superseded_by IS NULL"
        var params: [SQLBindable] = []
        if let s = filter.status { sql += " AND status = ?"; params.append(s.rawValue) }
        if filter.openOnly { sql += " AND is_open = 1" }
        if let y = filter.year { sql += " AND year = ?"; params.append(y) }
        if let a = filter.applicant { sql += " AND instr(applicant_name, ?) > 0"; params.append(a) }
        if let t = filter.text { sql += " AND instr(request, ?) > 0"; params.append(t) }
        sql += " ORDER BY received DESC, year DESC, serial DESC"
        if let l = filter.limit { sql += " LIMIT ?"; params.append(l) }
        var out: [CaseSummary] = []
        try db.query(sql, params) { (r: Row) throws(DisclosureError) in out.append(try summary(r)) }
        return out
    }

    /// The deadline board's statement, with ?1 the last date it reaches; public so that the benchmark
    /// runs exactly this in the sqlite3 shell as its baseline.
    public static let boardQuery = """
        SELECT \(summaryColumns) FROM cases WHERE is_open = 1 AND superseded_by IS NULL AND next_deadline <= ?1
            AND (agency_code = ?2) = ?3
        ORDER BY next_deadline, year, serial
        """

    /// Open cases whose next deadline is on or before `through` (all open cases when nil), soonest first:
    /// this office's own, or (`imported`) the other agencies' cases kept here for reference.
    public func board(through: CivilDate?, imported: Bool = false) throws(DisclosureError) -> [CaseSummary] {
        var out: [CaseSummary] = []
        try board(through: through, imported: imported) { (s: CaseSummary) throws(DisclosureError) in out.append(s) }
        return out
    }

    /// The board one case at a time, so that a long board is printed as it is read, in flat memory.
    public func board(through: CivilDate?, imported: Bool = false,
                      _ body: (CaseSummary) throws(DisclosureError) -> Void) throws(DisclosureError) {
        if let through {
            try db.query(Store.boardQuery, [through, office.code, !imported]) { (r: Row) throws(DisclosureError) in
                try body(try summary(r))
            }
        } else {
            try db.query("""
                SELECT \(Store.summaryColumns) FROM cases WHERE is_open = 1 AND superseded_by IS NULL AND (agency_code = ?1) = ?2
                ORDER BY next_deadline IS NULL, next_deadline, year, serial
                """, [office.code, !imported]) { (r: Row) throws(DisclosureError) in try body(try summary(r)) }
        }
    }

    /// The number of cases stored.
    public func caseCount() throws(DisclosureError) -> Int {
        try db.first("SELECT COUNT(*) FROM cases WHERE superseded_by IS NULL") { $0.int(0) } ?? 0
    }

    // MARK: - Internals

    static let summaryColumns = """
        year, serial, received, channel, applicant_name, applicant_type, request, status, due, next_deadline,
        consult_until, provisional, outcome, closed_on, waiting_consultations, agency_code, handler_id
        """

    /// The number as the user sees it: plain for this office's cases, `CODE/…` for another agency's.
    func number(agency: String, year: Int, serial: Int) -> CaseNumber {
        CaseNumber(year: year, serial: serial, agency: agency == office.code ? nil : agency)
    }

    func summary(_ r: Row) throws(DisclosureError) -> CaseSummary {
        CaseSummary(number: number(agency: r.text(15), year: r.int(0), serial: r.int(1)), received: try r.date(2),
                    channel: try Store.vocabulary(r.text(3)), applicantName: r.text(4), applicantType: try Store.vocabulary(r.text(5)),
                    request: r.text(6), status: try Store.vocabulary(r.text(7)), due: try r.optionalDate(8),
                    nextDeadline: try r.optionalDate(9), consultUntil: try r.optionalDate(10),
                    waitingConsultations: try r.optionalText(14).map { (s: String) throws(DisclosureError) in try Store.decodeJSON(s) } ?? [],
                    provisional: r.int(11) != 0,
                    outcome: try r.optionalText(12).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                    closedOn: try r.optionalDate(13), handlerID: r.optionalInt(16))
    }

    static func vocabulary<V: Vocabulary>(_ s: String) throws(DisclosureError) -> V {
        guard let v = V(rawValue: s) else {
            throw DisclosureError(.storage, zh: "数据库中的取值“\(s)”无法识别（文件可能被改动）", en: "a stored value “\(s)” is not recognised (the file may have been altered)")
        }
        return v
    }

    func caseID(_ number: CaseNumber) throws(DisclosureError) -> Int {
        guard let id = try db.first("SELECT id FROM cases WHERE agency_code = ? AND year = ? AND serial = ? AND superseded_by IS NULL",
                                    number.agency ?? office.code, number.year, number.serial, map: { $0.int(0) }) else {
            throw DisclosureError(.unknownCase, field: "CASE", zh: "没有编号为\(number)的案件", en: "there is no case \(number)")
        }
        return id
    }

    func loadRecord(id: Int, calendar: WorkCalendar) throws(DisclosureError) -> CaseRecord {
        guard let head = try db.first("""
            SELECT year, serial, received, channel, applicant_name, applicant_type, id_number, contact, request, form, note,
                   registered_at, registered_by, agency_code FROM cases WHERE id = ?
            """, id, map: { (r: Row) throws(DisclosureError) in
                (number(agency: r.text(13), year: r.int(0), serial: r.int(1)),
                 Application(received: try r.date(2), channel: try Store.vocabulary(r.text(3)),
                             applicant: Applicant(name: r.text(4), type: try Store.vocabulary(r.text(5)),
                                                  idNumber: r.optionalText(6), contact: r.optionalText(7)),
                             request: r.text(8), form: try r.optionalText(9).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                             note: r.optionalText(10)),
                 r.text(11), r.text(12))
            }) else {
            throw DisclosureError(.unknownCase, field: "CASE", zh: "案件不存在", en: "no such case")
        }
        let events = try db.all("""
            SELECT seq, kind, on_date, actor, recorded_at, payload, due_before, due_after, hash, account_id, late_entry,
                letter
            FROM events WHERE case_id = ? ORDER BY seq
            """, id) { (r: Row) throws(DisclosureError) in
            let seq = r.int(0)
            let on = try r.date(2)
            var event: CaseEvent?
            var note: RecordNote?
            let accountID = r.isNull(9) ? nil : r.int(9)
            let lateEntry = r.optionalText(10)
            let letter = r.optionalText(11)
            let kind = r.text(1)
            if RecordNote.kinds.contains(kind) {
                note = try RecordNote.decode(kind: kind, r.text(5))
            } else if seq > 0 {
                let action = try PayloadCodec.decodeAction(r.text(5))
                event = CaseEvent(
                    on: on, action: action, actor: r.text(3), accountID: accountID, lateEntry: lateEntry,
                        letter: letter)
            }
            return StoredEvent(seq: seq, kind: kind, on: on, actor: r.text(3), recordedAt: r.text(4), event: event,
                               dueBefore: try r.optionalDate(6), dueAfter: try r.optionalDate(7), hash: r.text(8),
                               accountID: accountID, lateEntry: lateEntry, letter: letter, note: note)
        }
        let state = CaseState(application: head.1, events: events.compactMap(\.event), calendar: calendar)
        return CaseRecord(number: head.0, recordedApplication: head.1, registeredAt: head.2, registeredBy: head.3,
                          events: events, state: state)
    }

    /// The columns a case's events decide, in the order of `materialisedColumns`.
    func materialisedValues(_ state: CaseState, calendar: WorkCalendar? = nil) throws(DisclosureError) -> [SQLBindable] {
        let calendar = calendar ?? self.calendar
        let s = state.status
        let waiting = s.isOpen ? state.openConsultations(on: state.lastEventDate) : []
        let waitingJSON = waiting.isEmpty ? nil
            : try encode(waiting.map { WaitingConsultation(id: $0.id, to: $0.to, limit: $0.limit) })
        let replied = state.reply?.issued != nil
        return [s.rawValue, s.isOpen, state.clock.due, state.nextDeadline, waiting.map(\.limit).max(), state.clock.provisional,
                state.outcome?.rawValue, state.closedOn, waitingJSON, state.replyWorkdays(calendar: calendar),
                replied ? state.repliedLate : nil as Bool?]
    }

    static let materialisedColumnNames = [
        "status", "is_open", "due", "next_deadline", "consult_until", "provisional", "outcome", "closed_on",
        "waiting_consultations", "reply_workdays", "replied_late",
    ]

    static let materialisedColumns = """
        status, is_open, due, next_deadline, consult_until, provisional, outcome, closed_on, waiting_consultations,
        reply_workdays, replied_late
        """

    /// `fresh`: the case's row was inserted in this transaction, so it has no remedies to replace.
    func materialise(id: Int, state: CaseState, calendar: WorkCalendar? = nil,
                     fresh: Bool = false) throws(DisclosureError) {
        try db.query("""
            UPDATE cases SET status = ?, is_open = ?, due = ?, next_deadline = ?, consult_until = ?, provisional = ?,
                outcome = ?, closed_on = ?, waiting_consultations = ?, reply_workdays = ?, replied_late = ? WHERE id = ?
            """, try materialisedValues(state, calendar: calendar) + [id]) { _ in }
        try materialiseRemedies(id: id, state: state, fresh: fresh)
    }

    /// The remedies table rows of a case, as its events say.
    func materialiseRemedies(id: Int, state: CaseState, fresh: Bool) throws(DisclosureError) {
        if !fresh { try db.run("DELETE FROM remedies WHERE case_id = ?", id) }
        for r in state.remedies {
            try db.run("INSERT INTO remedies (case_id, remedy_id, kind, body, filed, decided, result) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       id, r.id, r.kind.rawValue, r.body, r.filed, r.decided, r.result?.rawValue)
        }
    }

    /// The office's work by month between two dates; overdue cases counted as of `asOf`.
    public func statistics(from: CivilDate, to: CivilDate, asOf: CivilDate) throws(DisclosureError) -> [MonthStats] {
        try db.readTransaction { () throws(DisclosureError) -> [MonthStats] in
            var months = Dictionary(uniqueKeysWithValues: Statistics.months(from: from, to: to).map { ($0, MonthStats(month: $0)) })
            let own = "agency_code = ? AND superseded_by IS NULL"
            try db.query("SELECT substr(received, 1, 7), COUNT(*) FROM cases WHERE \(own) AND received BETWEEN ? AND ? GROUP BY 1",
                         [office.code, from, to]) { r in months[r.text(0)]?.received = r.int(1) }
            try db.query("SELECT substr(closed_on, 1, 7), COUNT(*) FROM cases WHERE \(own) AND closed_on BETWEEN ? AND ? GROUP BY 1",
                         [office.code, from, to]) { r in months[r.text(0)]?.closed = r.int(1) }
            try db.query("""
                SELECT substr(closed_on, 1, 7), reply_workdays, replied_late FROM cases
                WHERE \(own) AND reply_workdays IS NOT NULL AND closed_on BETWEEN ? AND ?
                """, [office.code, from, to]) { r in
                months[r.text(0)]?.replyWorkdays.append(r.int(1))
                if r.int(2) == 0 { months[r.text(0)]?.repliedOnTime += 1 }
            }
            try db.query("""
                SELECT substr(received, 1, 7), COUNT(*) FROM cases
                WHERE \(own) AND is_open = 1 AND due < ? AND received BETWEEN ? AND ? GROUP BY 1
                """, [office.code, asOf, from, to]) { r in months[r.text(0)]?.overdueNow = r.int(1) }
            return months.values.sorted { $0.month < $1.month }
        }
    }

    /// One application as clustering needs it.
    public struct RequestRow: Sendable {
        public let number: CaseNumber
        public let applicant: String
        public let received: CivilDate
        public let outcome: Outcome?
        public let request: String
    }

    /// This office's current applications received on or after `since`, oldest first, one at a time.
    public func forEachRequest(since: CivilDate?, _ body: (RequestRow) throws(DisclosureError) -> Void) throws(DisclosureError) {
        try db.readTransaction { () throws(DisclosureError) in
            try db.query("""
                SELECT year, serial, applicant_name, received, outcome, request FROM cases
                WHERE agency_code = ? AND superseded_by IS NULL AND received >= ? ORDER BY received, year, serial
                """, [office.code, since ?? CivilDate(dayNumber: -719_162)]) { (r: Row) throws(DisclosureError) in
                try body(RequestRow(number: CaseNumber(year: r.int(0), serial: r.int(1)), applicant: r.text(2), received: try r.date(3),
                                    outcome: try r.optionalText(4).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                                    request: r.text(5)))
            }
        }
    }

    /// The applicant's earlier applications that have been replied to (for the repeat warning).
    public func repliedRequests(applicant: String, idNumber: String?, except: CaseNumber) throws(DisclosureError) -> [RequestRow] {
        var sql = """
            SELECT year, serial, applicant_name, received, outcome, request FROM cases
            WHERE agency_code = ? AND superseded_by IS NULL AND applicant_name = ? AND reply_workdays IS NOT NULL
              AND NOT (year = ? AND serial = ?)
            """
        var params: [SQLBindable] = [office.code, applicant, except.year, except.serial]
        if let idNumber { sql += " AND (id_number IS NULL OR id_number = ?)"; params.append(idNumber) }
        sql += " ORDER BY received"
        var out: [RequestRow] = []
        try db.query(sql, params) { (r: Row) throws(DisclosureError) in
            out.append(RequestRow(number: CaseNumber(year: r.int(0), serial: r.int(1)), applicant: r.text(2), received: try r.date(3),
                                  outcome: try r.optionalText(4).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                                  request: r.text(5)))
        }
        return out
    }

    /// The years whose annual report is locked.
    public func lockedYears() throws(DisclosureError) -> [Int] {
        try db.all("SELECT year FROM report_locks WHERE unlocked_at IS NULL ORDER BY year") { $0.int(0) }
    }

    /// Every lock and unlock of an annual report, oldest first: who, when and why.
    public func reportLocks() throws(DisclosureError) -> [ReportLockRow] {
        try db.all(
            "SELECT year, locked_at, locked_by, unlocked_at, unlocked_by, reason FROM report_locks ORDER BY id"
        ) {
            ReportLockRow(
                year: $0.int(0), lockedAt: $0.text(1), lockedBy: $0.text(2), unlockedAt: $0.optionalText(3),
                unlockedBy: $0.optionalText(4), reason: $0.optionalText(5))
        }
    }

    /// Refuses a change to one of this office's cases that would alter a locked year's figures.
    func checkLocks(before: CaseState?, after: CaseState, label: String) throws(DisclosureError) {
        for year in try lockedYears() {
            let old = before.map { YearContribution.of($0, year: year) }
            let new = YearContribution.of(after, year: year)
            if old == nil ? !new.isEmpty : old != new {
                throw DisclosureError(.locked, field: "CASE",
                                      zh: "\(year)年度报告已锁定（已公布），此项变更会改变该年度的统计数字（案件\(label)）；确需变更须先解除\(year)年度锁定并说明理由",
                                      en: "the \(year) annual report is locked (published) and this change to case \(label) would alter its "
                                          + "figures; the \(year) lock must be lifted first, with a reason")
            }
        }
    }

    /// Locks a year's figures after publication.
    /// `inputs` (the report inputs file's text) and `facts` are kept with the lock: the year's document
    /// renders from them for as long as it stays locked.
    /// `check` runs inside the lock's transaction, so that what it verifies and the facts it counts are
    /// the figures as locked, with no write slipping in between; it returns the facts to keep, if any.
    public func lockReport(
        year: Int, inputs: String? = nil, actor: ActorRef, now: String,
        check: () throws(DisclosureError) -> AnnualFacts?
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            if try lockedYears().contains(year) {
                throw DisclosureError(.ruleViolation, field: "year", zh: "\(year)年度已锁定", en: "\(year) is already locked")
            }
            let factsText = try check().map { (f: AnnualFacts) throws(DisclosureError) in try encode(f) }
            try db.run(
                "INSERT INTO report_locks (year, locked_at, locked_by, inputs, facts) VALUES (?, ?, ?, ?, ?)",
                year, now, actor.name, inputs, factsText)
            try journalLock(id: Int(db.lastInsertRowID), kind: "report-lock", actor: actor, now: now)
        }
    }

    /// Unlocks a year, recording who did it and why.
    public func unlockReport(year: Int, reason: String, actor: ActorRef, now: String) throws(DisclosureError) {
        try Application.requireText(reason, field: "reason", max: 2_000)
        try db.writeTransaction { () throws(DisclosureError) in
            guard let id = try db.first("SELECT id FROM report_locks WHERE year = ? AND unlocked_at IS NULL", year, map: { $0.int(0) })
            else {
                throw DisclosureError(.ruleViolation, field: "year", zh: "\(year)年度未锁定", en: "\(year) is not locked")
            }
            try db.run("UPDATE report_locks SET unlocked_at = ?, unlocked_by = ?, reason = ? WHERE id = ?", now, actor.name, reason, id)
            try journalLock(id: id, kind: "report-unlock", actor: actor, now: now)
        }
    }

    private func journalLock(id: Int, kind: String, actor: ActorRef, now: String) throws(DisclosureError) {
        guard let lock = try Store.snapshotLocks(db).first(where: { $0.id == id }) else {
            throw DisclosureError(.storage, zh: "年度锁定记录无法读回", en: "the report lock cannot be read back")
        }
        try appendJournal(kind: kind, actor: actor, now: now, payload: LockPayload(lock: lock))
    }

    /// The statements behind the annual report, with ?1 the agency code, ?2 the year's first day and ?3
    /// its last. Public, in `annualReportQueries`, so that the benchmark runs exactly these in the sqlite3
    /// shell as its baseline.
    enum ReportSQL {
        /// Received in the year, by applicant type.
        static let received = """
            SELECT applicant_type, COUNT(*) FROM cases
            WHERE agency_code = ?1 AND superseded_by IS NULL AND received BETWEEN ?2 AND ?3 GROUP BY applicant_type
            """
        /// Open at the year's start: still open, or closed on or after it. Two ranges of the closing index,
        /// which hold only the cases near the year, rather than every case received before it. Names no ?3.
        static let carriedIn = """
            SELECT applicant_type, COUNT(*) FROM (
                SELECT applicant_type FROM cases
                WHERE agency_code = ?1 AND superseded_by IS NULL AND closed_on IS NULL AND received < ?2
                UNION ALL
                SELECT applicant_type FROM cases
                WHERE agency_code = ?1 AND superseded_by IS NULL AND closed_on >= ?2 AND received < ?2)
            GROUP BY applicant_type
            """
        /// Open at the year's end, read the same way.
        static let carriedOut = """
            SELECT applicant_type, COUNT(*) FROM (
                SELECT applicant_type FROM cases
                WHERE agency_code = ?1 AND superseded_by IS NULL AND closed_on IS NULL AND received <= ?3
                UNION ALL
                SELECT applicant_type FROM cases
                WHERE agency_code = ?1 AND superseded_by IS NULL AND closed_on > ?3 AND received <= ?3)
            GROUP BY applicant_type
            """
        /// Closed in the year, by outcome and applicant type.
        static let closed = """
            SELECT outcome, applicant_type, COUNT(*) FROM cases
            WHERE agency_code = ?1 AND superseded_by IS NULL AND closed_on BETWEEN ?2 AND ?3
            GROUP BY outcome, applicant_type
            """
        /// Remedies filed in the year, by kind and the result known at its end.
        static let remedies = """
            SELECT r.kind, CASE WHEN r.decided <= ?3 THEN r.result END, COUNT(*)
            FROM remedies r JOIN cases c ON c.id = r.case_id
            WHERE c.agency_code = ?1 AND c.superseded_by IS NULL AND r.filed BETWEEN ?2 AND ?3
            GROUP BY 1, 2
            """
    }

    /// Every statement of the annual report, in the order the report runs them.
    public static let annualReportQueries = [ReportSQL.received, ReportSQL.carriedIn, ReportSQL.carriedOut, ReportSQL.closed,
                                             ReportSQL.remedies]

    /// The counts of tables 三 and 四 for `year`, for this office's own current cases.
    public func annualReport(year: Int) throws(DisclosureError) -> AnnualReport {
        let span = try Store.span(ofYear: year)
        let params: [SQLBindable] = [office.code, span.first, span.last]
        return try db.readTransaction { () throws(DisclosureError) -> AnnualReport in
            func byType(_ sql: String, _ params: [SQLBindable]) throws(DisclosureError) -> [ApplicantType: Int] {
                var out: [ApplicantType: Int] = [:]
                try db.query(sql, params) { (r: Row) throws(DisclosureError) in
                    out[try Store.vocabulary(r.text(0)), default: 0] += r.int(1)
                }
                return out
            }
            let received = try byType(ReportSQL.received, params)
            let carriedIn = try byType(ReportSQL.carriedIn, Array(params.prefix(2)))
            let carriedOut = try byType(ReportSQL.carriedOut, params)
            var closed: [Outcome: [ApplicantType: Int]] = [:]
            try db.query(ReportSQL.closed, params) { (r: Row) throws(DisclosureError) in
                closed[try Store.vocabulary(r.text(0)), default: [:]][try Store.vocabulary(r.text(1)), default: 0] += r.int(2)
            }
            var remedies: [RemedyKind: [RemedyResult?: Int]] = [:]
            try db.query(ReportSQL.remedies, params) { (r: Row) throws(DisclosureError) in
                let result: RemedyResult? = try r.optionalText(1).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) }
                remedies[try Store.vocabulary(r.text(0)), default: [:]][result, default: 0] += r.int(2)
            }
            return AnnualReport(year: year, received: received, carriedIn: carriedIn, closed: closed,
                                carriedOut: carriedOut, remedies: remedies)
        }
    }

    func appendEvent(caseID: Int, number: CaseNumber, seq: Int, kind: String, on: CivilDate, actor: String,
                     now: String, payload: String, dueBefore: CivilDate?, dueAfter: CivilDate?,
                     accountID: Int? = nil, lateEntry: String? = nil, letter: String? = nil)
        throws(DisclosureError)
    {
        // The chain's end, read once per write transaction (writes are serialised by BEGIN IMMEDIATE).
        let prev: String
        if let cached = db.chainEnd {
            prev = cached
        } else {
            prev = try db.first("SELECT hash FROM events ORDER BY id DESC LIMIT 1") { $0.text(0) } ?? Store.genesisHash
        }
        let h = Store.hash(prev: prev, number: number.description, seq: seq, kind: kind, on: on.description,
                           actor: actor, recordedAt: now, payload: payload, accountID: accountID, lateEntry: lateEntry,
                           dues: Store.duesTag(dueBefore, dueAfter), letter: letter)
        try db.run("""
            INSERT INTO events (case_id, seq, kind, on_date, actor, recorded_at, payload, due_before, due_after, prev_hash, hash,
                account_id, late_entry, letter)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, caseID, seq, kind, on, actor, now, payload, dueBefore, dueAfter, prev, h, accountID, lateEntry, letter)
        db.chainEnd = h
    }

    /// The due dates before and after an event, as the hash covers them (events since the journal began).
    static func duesTag(_ before: CivilDate?, _ after: CivilDate?) -> String {
        "dues:\(before?.description ?? "")>\(after?.description ?? "")"
    }

    static func hash(prev: String, number: String, seq: Int, kind: String, on: String, actor: String,
                     recordedAt: String, payload: String, accountID: Int?, lateEntry: String?,
                     dues: String? = nil, letter: String? = nil) -> String {
        // The fields joined by a separator that cannot occur in them unescaped (the payload is JSON),
        // fed to the digest piece by piece rather than copied into one string first. The account and
        // the late-entry reason are tagged fields added only when present, so events recorded before
        // they existed keep their hashes.
        var h = SHA256()
        let separator: [UInt8] = [0x1F]
        for (i, field) in [prev, number, String(seq), kind, on, actor, recordedAt, payload].enumerated() {
            if i > 0 { h.update(separator) }
            h.update(utf8: field)
        }
        if let accountID {
            h.update(separator)
            h.update(utf8: "account:\(accountID)")
        }
        if let lateEntry {
            h.update(separator)
            h.update(utf8: "late:" + lateEntry)
        }
        // The due dates `history` shows, covered for every event recorded since the journal began.
        if let dues {
            h.update(separator)
            h.update(utf8: dues)
        }
        // The letter's document number, tagged like the account: events before numbering keep their hashes.
        if let letter {
            h.update(separator)
            h.update(utf8: "letter:" + letter)
        }
        return SHA256.hexString(h.finalize())
    }

    func encode<T: Encodable>(_ value: T) throws(DisclosureError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw DisclosureError(.storage, zh: "无法编码事件：\(error)", en: "cannot encode the event: \(error)")
        }
    }

    static func decodeJSON<T: Decodable>(_ text: String) throws(DisclosureError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw DisclosureError(.storage, zh: "数据库中的事件记录无法读取（文件可能被改动）：\(error)",
                                  en: "a stored event cannot be read (the file may have been altered): \(error)")
        }
    }
}
