import DisclosureCore
import DisclosureStore
import Foundation
import Synchronization
import Testing

/// A fresh folder for one test's database.
func scratchDatabase(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent("office.db").path
}

func date(_ s: String) -> CivilDate {
    guard let d = CivilDate(iso: s) else { fatalError("bad date literal \(s)") }
    return d
}

func application(_ received: String, _ name: String = "张三", _ request: String = "某项目环评批复") -> Application {
    Application(received: date(received), channel: .online, applicant: Applicant(name: name, type: .person), request: request)
}

/// Runs the sqlite3 shell on a database, as someone editing it behind the program's back would.
@discardableResult
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = [path, sql]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    p.waitUntilExit()
    return String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
}

let now = "2026-11-22T10:00:00+08:00"

@Suite("Store")
struct StoreTests {
    @Test("init creates an owner-only file with the shipped calendars and refuses to overwrite")
    func initialise() throws {
        let path = scratchDatabase()
        let store = try Store.initialise(path: path, agency: "某市人民政府办公室", code: "SZ", now: now)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try store.calendarYears().map(\.year) == Array(2016...2026))
        #expect(store.office.name == "某市人民政府办公室")
        #expect(throws: DisclosureError.self) { try Store.initialise(path: path, agency: "又一个", code: "X", now: now) }
        #expect(try Store.open(path: path).office.code == "SZ")
    }

    @Test("a refused init leaves no file behind")
    func refusedInit() {
        let path = scratchDatabase()
        #expect(throws: DisclosureError.self) { try Store.initialise(path: path, agency: "局", code: "bad code!", now: now) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("opening a missing, foreign, corrupt or newer database fails clearly and changes nothing")
    func badFiles() throws {
        let missing = scratchDatabase()
        do { _ = try Store.open(path: missing); Issue.record("opened") } catch { #expect(error.code == .notInitialised) }

        let garbage = scratchDatabase()
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: garbage))
        #expect(throws: DisclosureError.self) { try Store.open(path: garbage) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: garbage)) == Data(repeating: 0x42, count: 8192))

        let foreign = scratchDatabase()
        try sqlite3(foreign, "CREATE TABLE invoices (id INTEGER PRIMARY KEY);")
        do { _ = try Store.open(path: foreign); Issue.record("opened") } catch { #expect(error.render(.en).contains("not a Disclosure database")) }
        #expect(try sqlite3(foreign, "SELECT name FROM sqlite_master;").trimmingCharacters(in: .whitespacesAndNewlines) == "invoices")

        // An empty file given by mistake is refused, read or written, and stays empty.
        let empty = scratchDatabase()
        try Data().write(to: URL(fileURLWithPath: empty))
        for readOnly in [true, false] {
            do { _ = try Store.open(path: empty, readOnly: readOnly); Issue.record("opened") } catch {
                #expect(error.code == .notInitialised)
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)

        let newer = scratchDatabase()
        _ = try Store.initialise(path: newer, agency: "局", code: "A", now: now)
        try sqlite3(newer, "PRAGMA user_version = 99;")
        do { _ = try Store.open(path: newer); Issue.record("opened") } catch { #expect(error.code == .schemaTooNew) }
        #expect(try sqlite3(newer, "PRAGMA user_version;").trimmingCharacters(in: .whitespacesAndNewlines) == "99")
    }

    @Test("a database of schema version 1 is migrated when opened, its cases kept")
    func migration() throws {
        let path = scratchDatabase()
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let v1 = try String(contentsOf: root.appendingPathComponent("Storage/migrations/0001-initial.sql"), encoding: .utf8)
        // A leading newline: the file starts with "--", which the shell would take for an option.
        try sqlite3(path, "\n" + v1 + """
            INSERT INTO office VALUES (1, '某局', 'A', '2026-01-01T09:00:00+08:00');
            INSERT INTO cases (year, serial, received, channel, applicant_name, applicant_type, request, registered_at,
                               registered_by, status, is_open, due, next_deadline, provisional)
            VALUES (2026, 1, '2026-03-02', 'online', '张三', 'person', '某文件', '2026-03-02T09:00:00+08:00', '王科员',
                    'handling', 1, '2026-03-30', '2026-03-30', 0);
            PRAGMA user_version = 1; PRAGMA application_id = 1145656131;
            """)
        let store = try Store.open(path: path)
        #expect(try sqlite3(path, "PRAGMA user_version;").trimmingCharacters(in: .whitespacesAndNewlines) == String(Store.schemaVersion))
        #expect(try store.list(CaseFilter()).map(\.number.description) == ["2026-000001"])
        let next = try store.register(application("2026-03-03"), actor: "王科员", now: now)
        #expect(next.number.description == "2026-000002")
        _ = try store.record(CaseEvent(on: date("2026-03-05"), action: .consultationSent(id: 1, party: .agency, to: "财政局", served: nil), actor: "王科员"),
                             on: next.number, asOf: date("2026-12-31"), now: now)
        #expect(try store.board(through: nil).first { $0.number == next.number }?.waitingConsultations.map(\.to) == ["财政局"])
    }

    @Test("case numbers run per receipt year")
    func numbering() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        let numbers = try ["2026-03-02", "2026-03-03", "2025-12-31", "2026-01-05"].map {
            try store.register(application($0), actor: "王科员", now: now).number.description
        }
        #expect(numbers == ["2026-000001", "2026-000002", "2025-000001", "2026-000003"])
    }

    @Test("registration computes and stores the due date")
    func registerDue() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        // Received Fri 2026-02-13. Sat 14 (make-up) = 1; 15–23 Spring Festival; 24–27 = 2–5;
        // Sat 28 (make-up) = 6; Mar 2–6 = 7–11; 9–13 = 12–16; 16–19 = 17–20.
        let r = try store.register(application("2026-02-13"), actor: "王科员", now: now)
        #expect(r.state.clock.due == date("2026-03-19"))
        #expect(try store.board(through: nil).map(\.due) == [date("2026-03-19")])
        #expect(!r.state.clock.provisional)
    }

    @Test("invalid input writes nothing")
    func nothingWritten() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        let r = try store.register(application("2026-03-02"), actor: "王科员", now: now)
        #expect(throws: DisclosureError.self) { try store.register(application("2026-03-02", " "), actor: "王科员", now: now) }
        #expect(throws: DisclosureError.self) { try store.register(application("2026-03-02", "李四", ""), actor: "王科员", now: now) }
        #expect(try store.caseCount() == 1)
        let refused = CaseEvent(on: date("2026-03-01"), action: .withdrawn, actor: "王科员")
        #expect(throws: DisclosureError.self) { try store.record(refused, on: r.number, asOf: date("2026-12-31"), now: now) }
        let after = try store.load(r.number)
        #expect(after.events.count == 1)
        #expect(after.state.status == .handling)
        do {
            _ = try store.load(CaseNumber(year: 2026, serial: 99))
            Issue.record("loaded a case that does not exist")
        } catch {
            #expect(error.code == .unknownCase)
        }
    }

    @Test("events update the board and the history records the due dates")
    func recordEvents() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        let r = try store.register(application("2026-03-02"), actor: "王科员", now: now)
        let asOf = date("2026-12-31")
        _ = try store.record(CaseEvent(on: date("2026-03-10"), action: .extended(days: 5, approvedBy: "李主任", reason: "复杂"), actor: "王科员"),
                             on: r.number, asOf: asOf, now: now)
        let c = try store.load(r.number)
        #expect(c.state.clock.due == date("2026-04-07"))  // 2026-03-30 + 5 working days, 清明 4–6 Apr skipped
        #expect(c.events.last?.dueBefore == date("2026-03-30"))
        #expect(c.events.last?.dueAfter == date("2026-04-07"))
        #expect(try store.board(through: date("2026-04-06")).isEmpty)
        #expect(try store.board(through: date("2026-04-07")).count == 1)
    }

    @Test("parallel writers each get distinct numbers and no 'database is locked'")
    func concurrentRegistration() throws {
        let path = scratchDatabase()
        _ = try Store.initialise(path: path, agency: "局", code: "A", now: now)
        let numbers = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            do {
                let store = try Store.open(path: path)
                for i in 0..<25 {
                    let r = try store.register(application("2026-03-02", "申请人\(worker)-\(i)"), actor: "w\(worker)", now: now)
                    numbers.withLock { $0.append(r.number.description) }
                }
            } catch {
                failures.withLock { $0.append(String(describing: error)) }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let all = numbers.withLock { $0 }
        #expect(all.count == 100)
        #expect(Set(all).count == 100)
        #expect(try Store.open(path: path).verifyAudit().firstBreak == nil)
    }

    @Test("loading a new year's schedule recomputes every open case in one step")
    func calendarImport() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        let open = try store.register(application("2026-12-21"), actor: "王科员", now: now)
        let closed = try store.register(application("2026-12-21", "李四"), actor: "王科员", now: now)
        _ = try store.record(CaseEvent(on: date("2026-12-22"), action: .withdrawn, actor: "王科员"), on: closed.number, asOf: date("2026-12-31"), now: now)
        // Statutory 2027 only: 元旦 on Fri 1 Jan, so 20 working days after Mon 21 Dec end on Tue 19 Jan.
        #expect(open.state.clock.due == date("2027-01-19"))
        #expect(open.state.clock.provisional)
        // A hypothetical 2027 notice with 元旦 1–3 Jan and no make-up day moves nothing but the flag;
        // one with a make-up Saturday on 9 Jan brings the due date a day forward.
        let schedule = try HolidaySchedule.parse("""
            year 2027
            source 测试用通知
            holiday 2027-01-01..2027-01-03 元旦
            workday 2027-01-09 元旦
            holiday 2027-02-05..2027-02-13 春节
            """, origin: "2027.txt")
        let result = try store.importCalendar(schedule, origin: "2027.txt", now: now)
        // The withdrawn case's due date reaches into 2027 too: it is recomputed, but only open ones are listed.
        #expect(result.recomputed == 2)
        #expect(result.changed.map(\.number) == [open.number])
        let after = try store.load(open.number)
        #expect(after.state.clock.due == date("2027-01-18"))
        #expect(!after.state.clock.provisional)
        #expect(try store.board(through: nil).first?.due == date("2027-01-18"))
        #expect(try Store.open(path: store.path).calendar.isLoaded(2027))
        // The same schedule again changes nothing and writes nothing; another one replaces it, on record.
        let journal = try store.journal().count
        let again = try store.importCalendar(schedule, origin: "2027.txt", now: now)
        #expect(again.unchanged && !again.replaced)
        #expect(try store.journal().count == journal)
        let moved = try HolidaySchedule.parse(
            """
            year 2027
            source 国务院办公厅关于2027年部分节假日安排的通知（测试）
            holiday 2027-01-01..2027-01-03 元旦
            holiday 2027-02-05..2027-02-12 春节
            """, origin: "2027b.txt")
        #expect(try store.importCalendar(moved, origin: "2027b.txt", now: now).replaced)
        #expect(try store.journal().count == journal + 1)
        #expect(try store.verifyAudit().firstBreak == nil)
    }

    @Test("the compiled calendar is made with the schedules, dropped when they change, and checked by the audit")
    func compiledCalendar() throws {
        let path = scratchDatabase()
        let store = try Store.initialise(path: path, agency: "局", code: "A", now: now)
        func count() throws -> String {
            try sqlite3(path, "SELECT COUNT(*) FROM calendar_compiled;").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try count() == "1")
        let fromSchedules = WorkCalendar(schedules: try Store.shippedCalendars()).compiled
        #expect(try store.storedCompiledCalendar() == fromSchedules)
        #expect(try Store.open(path: path, readOnly: true).calendar.compiled == fromSchedules)

        // A 2027 notice: compiled again in the import's transaction, and a reader counts by it.
        let schedule = try HolidaySchedule.parse(
            """
            year 2027
            source 测试用通知
            holiday 2027-01-01..2027-01-03 元旦
            workday 2027-01-09 元旦
            """, origin: "2027.txt")
        _ = try store.importCalendar(schedule, origin: "2027.txt", now: now)
        #expect(try count() == "1")
        let reader = try Store.open(path: path, readOnly: true).calendar
        #expect(reader.isLoaded(2027) && reader.isWorkday(date("2027-01-09")))
        #expect(reader.compiled == WorkCalendar(schedules: try Store.shippedCalendars() + [schedule]).compiled)

        // A schedule changed with the sqlite3 shell drops the compiled form; the next writer makes it afresh
        // from what the table now says (the audit reports the edit itself, against the journal).
        _ = try sqlite3(
            path, "UPDATE calendar_year SET body = replace(body, 'workday 2027-01-09', '# ') WHERE year = 2027;")
        #expect(try count() == "0")
        #expect(try Store.open(path: path, readOnly: true).calendar.isWorkday(date("2027-01-09")) == false)
        _ = try Store.open(path: path)
        #expect(try count() == "1")
        #expect(try Store.open(path: path, readOnly: true).calendar.isWorkday(date("2027-01-09")) == false)

        // The compiled form altered by hand is found by the audit.
        let clean = scratchDatabase("compiledCalendarClean")
        let other = try Store.initialise(path: clean, agency: "局", code: "A", now: now)
        #expect(try other.verifyAudit().firstBreak == nil)
        _ = try sqlite3(clean, "UPDATE calendar_compiled SET days = zeroblob(length(days));")
        let problems = try Store.open(path: clean).verifyAudit().problems.map(\.en)
        #expect(problems.contains { $0.contains("calendar_compiled") })
    }

    @Test("edits behind the program's back break the audit chain at the right place")
    func audit() throws {
        let path = scratchDatabase()
        let store = try Store.initialise(path: path, agency: "局", code: "A", now: now)
        for day in ["2026-03-02", "2026-03-03"] { _ = try store.register(application(day), actor: "王科员", now: now) }
        _ = try store.record(CaseEvent(on: date("2026-03-05"), action: .consultationSent(id: 1, party: .agency, to: "财政局", served: nil), actor: "王科员"),
                             on: CaseNumber(year: 2026, serial: 1), asOf: date("2026-12-31"), now: now)
        #expect(try store.verifyAudit().firstBreak == nil)
        #expect(try store.verifyAudit().eventsChecked == 3)

        // The triggers stop a plain UPDATE…
        #expect(try sqlite3(path, "UPDATE events SET actor = 'x' WHERE id = 3;").contains("append-only"))
        // …but someone determined drops them first.
        try sqlite3(path, "DROP TRIGGER events_no_update; UPDATE events SET on_date = '2026-03-04' WHERE id = 3;")
        let problems = try Store.open(path: path).verifyAudit().problems.map(\.en)
        #expect(problems.contains { $0.contains("event 1 (consultation-sent) of case 2026-000001 was altered") })
        #expect(problems.contains { $0.contains("guard trigger events_no_update is missing") })

        let path2 = scratchDatabase()
        let s2 = try Store.initialise(path: path2, agency: "局", code: "A", now: now)
        for day in ["2026-03-02", "2026-03-03"] { _ = try s2.register(application(day), actor: "王科员", now: now) }
        try sqlite3(path2, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = 1;")
        #expect(try Store.open(path: path2).verifyAudit().firstBreak != nil)

        let path3 = scratchDatabase()
        let s3 = try Store.initialise(path: path3, agency: "局", code: "A", now: now)
        _ = try s3.register(application("2026-03-02"), actor: "王科员", now: now)
        try sqlite3(path3, "UPDATE cases SET received = '2026-02-02' WHERE id = 1;")
        #expect(try Store.open(path: path3).verifyAudit().firstBreak?.en.contains("intake facts") == true)
    }

    @Test("per-item fees count the applicant's earlier applications in the month")
    func monthlyItems() throws {
        let store = try Store.initialise(path: scratchDatabase(), agency: "局", code: "A", now: now)
        var numbers: [CaseNumber] = []
        for day in ["2026-03-02", "2026-03-02", "2026-03-09", "2026-04-01"] {
            numbers.append(try store.register(application(day, "王五"), actor: "王科员", now: now).number)
        }
        _ = try store.register(application("2026-03-05", "赵六"), actor: "王科员", now: now)
        #expect(try store.applicationsInMonth(applicant: "王五", idNumber: nil, year: 2026, month: 3) == 3)
        #expect(try store.applicationsInMonth(applicant: "王五", idNumber: nil, year: 2026, month: 3, before: numbers[0]) == 0)
        #expect(try store.applicationsInMonth(applicant: "王五", idNumber: nil, year: 2026, month: 3, before: numbers[1]) == 1)
        #expect(try store.applicationsInMonth(applicant: "王五", idNumber: nil, year: 2026, month: 3, before: numbers[2]) == 2)
        #expect(try store.applicationsInMonth(applicant: "王五", idNumber: nil, year: 2026, month: 4) == 1)
    }
}

/// The store's contract takes the recorder as an account reference; these tests record by name
/// alone, as a case file from another office does.
extension Store {
    func register(_ application: Application, actor: String, now: String) throws(DisclosureError) -> CaseRecord {
        try register(application, actor: ActorRef(name: actor, accountID: nil), now: now)
    }

    func attach(_ content: [UInt8], name: String, kind: AttachmentKind, to number: CaseNumber,
                actor: String, now: String) throws(DisclosureError) -> AttachmentInfo {
        try attach(content, name: name, kind: kind, to: number, actor: ActorRef(name: actor, accountID: nil),
                   today: CivilDate(iso: String(now.prefix(10))) ?? CivilDate(dayNumber: 0), now: now)
    }

    func importCalendar(_ schedule: HolidaySchedule, origin: String, now: String) throws(DisclosureError)
        -> CalendarImportResult {
        try importCalendar(schedule, origin: origin, file: SHA256.hex(utf8: schedule.serialized()), reason: nil,
                           actor: ActorRef(name: "admin", accountID: nil),
                           today: CivilDate(iso: String(now.prefix(10))) ?? CivilDate(dayNumber: 0), now: now)
    }
}

@Suite("Store: online submissions")
struct SubmissionStoreTests {
    static let form = OnlineApplication(
        applicant: "赵六", applicantType: .person, phone: "13800000000", request: "某路段拓宽工程的立项批复")

    @Test("a submission is confirmed once, as a case received that day, in one transaction; what was sent is fixed")
    func confirmOnce() throws {
        let path = scratchDatabase()
        let store = try Store.initialise(path: path, agency: "某市人民政府办公室", code: "SZ", now: now)
        let code = QueryCode.make()
        let s = try store.submit(Self.form, code: code, day: date("2026-11-20"), now: now)
        #expect(s.number == "W2026-000001" && s.status == .pending)
        #expect(try store.submission(number: s.number, code: code)?.id == s.id)
        #expect(try store.submission(number: s.number, code: QueryCode.make()) == nil)
        let actor = ActorRef(name: "王科员", accountID: nil)
        let (after, record) = try store.confirmSubmission(s.number, day: date("2026-11-23"), actor: actor, now: now)
        #expect(after.status == .confirmed && after.caseNumber == record.number)
        #expect(record.application.received == date("2026-11-23") && record.application.channel == .online)
        #expect(throws: DisclosureError.self) {
            try store.confirmSubmission(s.number, day: date("2026-11-24"), actor: actor, now: now)
        }
        #expect(try store.list(CaseFilter()).count == 1, "the refused second confirmation registered nothing")
        let spam = try store.submit(Self.form, code: QueryCode.make(), day: date("2026-11-21"), now: now)
        let declined = try store.declineSubmission(
            spam.number, reason: "重复提交", day: date("2026-11-23"), actor: actor, now: now)
        #expect(declined.status == .declined && declined.reason == "重复提交" && declined.caseNumber == nil)
        let third = try store.submit(Self.form, code: QueryCode.make(), day: date("2026-11-21"), now: now)
        #expect(try store.verifyAudit().problems.isEmpty)
        // Taken out of the queue behind the program's back: the journal has no such decision.
        try sqlite3(
            path, "UPDATE submissions SET status = 'declined', decided_on = '2026-11-23' WHERE id = \(third.id);")
        #expect(try store.verifyAudit().problems.contains { $0.zh.contains("\(third.number)与机关日志不符") })
        // The sqlite3 shell: the triggers refuse; dropped, the audit finds the change and the missing guard.
        #expect(try sqlite3(path, "UPDATE submissions SET form = '{}';").contains("Error"))
        #expect(try sqlite3(path, "DELETE FROM submissions;").contains("kept"))
        try sqlite3(
            path,
            "DROP TRIGGER submissions_form_fixed; DROP TRIGGER submissions_decided_once; "
                + "UPDATE submissions SET form = replace(form, '赵六', '钱七');")
        let problems = try store.verifyAudit().problems.map { $0.zh }
        #expect(problems.contains { $0.contains("W2026-000001与机关日志不符") }, "\(problems)")
        #expect(problems.contains { $0.contains("submissions_form_fixed") }, "\(problems)")
    }
}
