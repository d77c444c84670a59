import CSQLite
import DisclosureCore

/// Where the two hash chains end: the case events and the office journal.
public struct ChainHead: Sendable, Hashable, Codable {
    public let events: Int
    public let eventsHash: String
    public let journal: Int
    public let journalHash: String
    public init(events: Int, eventsHash: String, journal: Int, journalHash: String) {
        self.events = events
        self.eventsHash = eventsHash
        self.journal = journal
        self.journalHash = journalHash
    }
}

/// What `audit verify` found.
public struct AuditReport: Sendable {
    public static let listed = 100
    public var eventsChecked = 0
    public var casesChecked = 0
    public var journalChecked = 0
    public var attachmentsChecked = 0
    /// The problems found, each naming the case or table and the column; the first `listed`.
    public private(set) var problems: [Text] = []
    public private(set) var problemCount = 0
    /// The chains as they stand.
    public var head = ChainHead(events: 0, eventsHash: Store.genesisHash, journal: 0, journalHash: Store.genesisHash)
    /// The hash of the event link at each position asked for (1-based), where the chain reaches it.
    public var eventLinks: [Int: String] = [:]
    /// The same for the journal.
    public var journalLinks: [Int: String] = [:]
    /// The journal's restore entries: the chains of the database a restore replaced.
    public var restores: [RestoreRecord] = []
    /// Where the journal joined imports' events to the chain.
    public var segmentRecords: [SegmentRecord] = []
    /// The first problem, or nil when everything checked agrees.
    public var firstBreak: Text? { problems.first }

    mutating func add(_ problem: Text) {
        problemCount += 1
        if problems.count < Self.listed { problems.append(problem) }
    }
}

/// A recorded restore: when, why, the chains of the database it replaced and of the backup, and the
/// signature of the office key over all of it (see `Desk.restore`).
public struct RestoreRecord: Sendable, Hashable, Codable {
    public let recordedAt: String
    public let reason: String
    public let file: String
    public let replaced: ChainHead
    public let backup: ChainHead
    /// The moment signed, the signing key and the signature (base64).
    public let signedAt: String?
    public let publicKey: String?
    public let signature: String?
}

/// An import's events joined to the chain, and the journal entry that joined them.
public struct SegmentRecord: Sendable, Hashable {
    public let journalEntry: Int
    public let firstEvent: Int
    public let count: Int
}

/// What the journal says the tables outside the case chain must hold.
private struct JournalState {
    var office: OfficeSnapshot?
    var calendars: [Int: CalendarSnapshot] = [:]
    var locks: [Int: LockSnapshot] = [:]
    var accounts: [Int: AccountSnapshot] = [:]
    var attachments: AttachmentsSnapshot?
    var superseded: Set<SupersededSnapshot> = []
    var eventsBefore = 0
    var staffEventsBefore = 0
    /// The staff changes the journal records, in order: account, change, detail.
    var staffChanges: [[String]] = []
    /// Online submissions as the journal records them: the form's digest, and the decision if any
    /// (status, day, case, reason).
    var submissions: [String: (form: String, decision: [String?])] = [:]
    /// Cases of imports copied in parts, by import, and the imports that finished (showing them).
    var importParts: [String: [ClosedRange<Int>]] = [:]
    var importsFinished: Set<String> = []
    /// The newest import copied in parts, when it is still being shown (its last part still hidden).
    var beingShown: String?

    /// Cases an import copied in parts hides: it never finished, or it is being shown part by part.
    func hiddenCases(_ id: Int) -> Bool {
        importParts.contains { key, ranges in
            (!importsFinished.contains(key) || key == beingShown) && ranges.contains { $0.contains(id) }
        }
    }
}

extension Store {
    /// The triggers that keep the record append-only; a missing or altered one is reported.
    static let guardTriggers: [(name: String, sql: String)] = [
        ("events_no_update", "BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"),
        ("events_no_delete", "BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"),
        ("staff_events_no_update",
         "BEFORE UPDATE ON staff_events BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END"),
        ("staff_events_no_delete",
         "BEFORE DELETE ON staff_events BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END"),
        ("journal_no_update", "BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"),
        ("journal_no_delete", "BEFORE DELETE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END"),
        ("attachments_no_update",
         "BEFORE UPDATE ON attachments BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END"),
        ("attachments_no_delete",
         "BEFORE DELETE ON attachments BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END"),
        ("submissions_no_delete",
         "BEFORE DELETE ON submissions BEGIN SELECT RAISE(ABORT, 'submissions are kept'); END"),
        ("submissions_form_fixed",
         "BEFORE UPDATE OF number, year, serial, submitted_at, submitted_on, form, code_digest ON submissions "
            + "BEGIN SELECT RAISE(ABORT, 'a submission as sent cannot change'); END"),
        ("submissions_decided_once",
         "BEFORE UPDATE ON submissions WHEN OLD.status <> 'pending' "
            + "BEGIN SELECT RAISE(ABORT, 'a submission is decided once'); END"),
        // Not guards but as vital: deadlines are counted by the compiled calendar these keep current.
        ("calendar_year_deleted", "AFTER DELETE ON calendar_year BEGIN DELETE FROM calendar_compiled; END"),
        ("calendar_year_inserted", "AFTER INSERT ON calendar_year BEGIN DELETE FROM calendar_compiled; END"),
        ("calendar_year_updated", "AFTER UPDATE ON calendar_year BEGIN DELETE FROM calendar_compiled; END"),
    ]

    /// Checks everything the record can prove: both hash chains, every materialised column and table
    /// against a replay of the events, the tables outside the cases against the journal, every
    /// attachment's bytes against its event, the guard triggers and the numbering.
    /// `eventPositions`/`journalPositions` ask for the link hashes at those positions (for checkpoints).
    public func verifyAudit(
        eventPositions: Set<Int> = [], journalPositions: Set<Int> = []
    ) throws(DisclosureError)
        -> AuditReport
    {
        try db.readTransaction { () throws(DisclosureError) -> AuditReport in
            var report = AuditReport()
            try checkTriggers(&report)
            // The journal first: its restore records name positions of the event chain to check.
            let expected = try walkJournal(&report, positions: journalPositions)
            try walkEvents(&report, positions: eventPositions.union(report.restores.map(\.backup.events)),
                           eventsBefore: expected.eventsBefore)
            for r in report.restores
            where r.backup.events > 0 && report.eventLinks[r.backup.events] != r.backup.eventsHash {
                report.add(Text(zh: "\(r.recordedAt)的恢复记录与事件链不符：恢复回到的第\(r.backup.events)条事件已不是当时的记录",
                                en: "the restore of \(r.recordedAt) does not fit the chain: event \(r.backup.events), "
                                    + "which it returned to, is not as it was then"))
            }
            try checkTables(expected, &report)
            try checkCases(expected, &report)
            try checkAttachments(expected, &report)
            try checkNumbering(&report)
            try checkLetters(&report)
            try checkAgencyNames(&report)
            return report
        }
    }

    /// Document numbers (文号): none stands on two current cases' steps, and the office's counters are
    /// past every number of its own, so that the next letter cannot take a number already given.
    private func checkLetters(_ report: inout AuditReport) throws(DisclosureError) {
        try db.query(
            """
            SELECT e.letter, COUNT(*) FROM events e JOIN cases c ON c.id = e.case_id
            WHERE e.letter IS NOT NULL AND c.superseded_by IS NULL AND c.agency_code = ?
            GROUP BY e.letter HAVING COUNT(*) > 1 ORDER BY e.letter LIMIT 20
            """, [office.code]
        ) { (r: Row) throws(DisclosureError) in
            report.add(Text(zh: "文号“\(r.text(0))”用在了\(r.int(1))个事项上", en: "the document number “\(r.text(0))” "
                            + "stands on \(r.int(1)) steps"))
        }
        var highest: [LetterKey: Int] = [:]
        try db.query(
            """
            SELECT e.kind, e.letter, e.seq FROM events e JOIN cases c ON c.id = e.case_id
            WHERE e.letter IS NOT NULL AND c.agency_code = ?
            """, [office.code]
        ) { (r: Row) throws(DisclosureError) in
            let kind: NoticeKind? = r.int(2) == 0 ? .receipt : NoticeKind.issued(byKind: r.text(0))
            guard let kind, let (year, serial) = LetterNumber.parse(r.text(1)) else { return }
            let key = LetterKey(kind: kind, year: year)
            highest[key] = max(highest[key] ?? 0, serial)
        }
        for (key, serial) in highest.sorted(by: { ($0.key.year, $0.key.kind.rawValue) < ($1.key.year,
            $1.key.kind.rawValue) }) {
            let last = try db.first(
                "SELECT last FROM letter_serials WHERE agency_code = ? AND kind = ? AND year = ?",
                office.code, key.kind.rawValue, key.year
            ) { $0.int(0) } ?? 0
            if last < serial {
                report.add(
                    Text(
                        zh: "\(key.year)年\(key.kind.label.zh)的文号计数（\(last)）低于已编的第\(serial)号（计数被改动，可能重号）",
                        en: "the \(key.year) \(key.kind.label.en) counter (\(last)) is below number \(serial) "
                            + "already given (altered; numbers could repeat)"))
            }
        }
    }

    private func checkTriggers(_ report: inout AuditReport) throws(DisclosureError) {
        // Exactly the schema's guards (a WHEN clause or RAISE(IGNORE) would neuter one), and no trigger or
        // view of anyone else's (one could rewrite what is inserted).
        func normalised(_ sql: String) -> String { sql.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for (name, body) in Store.guardTriggers {
            let sql = try db.first("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", name) {
                $0.text(0)
            }
            if sql.map(normalised) != "CREATE TRIGGER \(name) \(body)" {
                report.add(
                    Text(zh: "保护记录不被改写的触发器 \(name) 缺失或被改动", en: "the guard trigger \(name) is missing or altered"))
            }
        }
        let known = Store.guardTriggers.map(\.name)
        try db.query("SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name", []) { r in
            if !known.contains(r.text(1)) {
                report.add(Text(zh: "数据库中有本程序之外的\(r.text(0) == "view" ? "视图" : "触发器") \(r.text(1))",
                                en: "the database has a \(r.text(0)) \(r.text(1)) that is not the program's"))
            }
        }
    }

    private func walkEvents(_ report: inout AuditReport, positions: Set<Int>, eventsBefore: Int)
        throws(DisclosureError)
    {
        var previous = Store.genesisHash
        var broken: Text?
        var seqs: [Int: Int] = [:]
        var checked = 0
        // Imports join the chain as segments (see `stagedImport`): a segment's first event links to its
        // own genesis, recorded in the journal with the event it was joined after, and its last event's
        // hash must be the head recorded there.
        let segments = try chainSegments()
        var segmentEnds: [Int: ChainSegment] = [:]
        for s in segments.values { segmentEnds[s.first + s.count - 1] = s }
        let sql = """
            SELECT e.id, e.case_id, c.year, c.serial, e.seq, e.kind, e.on_date, e.actor, e.recorded_at, e.payload,
                e.prev_hash,
                   e.hash, c.agency_code, e.account_id, e.late_entry, e.due_before, e.due_after, e.letter
            FROM events e LEFT JOIN cases c ON c.id = e.case_id ORDER BY e.id
            """
        try db.query(sql, []) { (r: Row) throws(DisclosureError) in
            checked += 1
            if positions.contains(checked) { report.eventLinks[checked] = r.text(11) }
            guard broken == nil else { return }
            let label =
                r.isNull(2) ? "#\(r.int(1))" : number(agency: r.text(12), year: r.int(2), serial: r.int(3)).description
            let seq = r.int(4)
            let expectedSeq = seqs[r.int(1), default: 0]
            if seq != expectedSeq {
                broken = Text(
                    zh: "案件\(label)的第\(expectedSeq)号事件缺失（链中第\(checked)条）",
                    en: "case \(label) is missing event \(expectedSeq) (link \(checked) of the chain)")
                return
            }
            seqs[r.int(1)] = seq + 1
            let joined = segments[r.int(0)].map { r.text(10) == $0.genesis && previous == $0.joinedAfter } ?? false
            if r.text(10) != previous && !joined {
                broken = Text(
                    zh: "案件\(label)第\(seq)号事件之前的记录被删除或改动（链中第\(checked)条）",
                    en:
                        "a record before event \(seq) of case \(label) was deleted or altered (link \(checked) "
                            + "of the chain)"
                )
                return
            }
            let h = Store.hash(
                prev: r.text(10), number: label, seq: seq, kind: r.text(5), on: r.text(6),
                actor: r.text(7), recordedAt: r.text(8), payload: r.text(9),
                accountID: r.isNull(13) ? nil : r.int(13), lateEntry: r.optionalText(14),
                dues: r.int(0) > eventsBefore ? "dues:\(r.text(15))>\(r.text(16))" : nil, letter: r.optionalText(17))
            if let end = segmentEnds.removeValue(forKey: r.int(0)), end.head != h {
                broken = Text(
                    zh: "导入的第\(end.first)至\(r.int(0))条事件与机关日志记录的导入不符（被改动）",
                    en:
                        "the imported events \(end.first) to \(r.int(0)) differ from the import the journal "
                            + "records (altered)"
                )
                return
            }
            if h != r.text(11) {
                broken = Text(
                    zh: "案件\(label)第\(seq)号事件（\(r.text(5))）的内容被改动（链中第\(checked)条）",
                    en: "event \(seq) (\(r.text(5))) of case \(label) was altered (link \(checked) of the chain)")
                return
            }
            previous = h
        }
        if broken == nil, let missing = segmentEnds.values.min(by: { $0.first < $1.first }) {
            broken = Text(
                zh: "机关日志记录的导入事件（自第\(missing.first)条起\(missing.count)条）不全（被删除）",
                en:
                    "the imported events the journal records (\(missing.count) from \(missing.first)) are "
                        + "incomplete (deleted)"
            )
        }
        if let broken { report.add(broken) }
        report.eventsChecked = checked
        let last = try db.first("SELECT hash FROM events ORDER BY id DESC LIMIT 1") { $0.text(0) } ?? Store.genesisHash
        report.head = ChainHead(events: checked, eventsHash: last, journal: report.head.journal,
                                journalHash: report.head.journalHash)
    }

    private func walkJournal(_ report: inout AuditReport, positions: Set<Int>) throws(DisclosureError) -> JournalState {
        var state = JournalState()
        var previous = Store.genesisHash
        var broken: Text?
        var checked = 0
        try db.query(
            "SELECT id, kind, actor, account_id, recorded_at, payload, prev_hash, hash FROM journal ORDER BY id", []
        ) {
            (r: Row) throws(DisclosureError) in
            checked += 1
            if positions.contains(checked) { report.journalLinks[checked] = r.text(7) }
            guard broken == nil else { return }
            let id = r.int(0)
            let kind = r.text(1)
            if id != checked || r.text(6) != previous {
                broken = Text(
                    zh: "机关日志第\(checked)条之前的记录被删除或改动",
                    en: "a journal entry before entry \(checked) was deleted or altered")
                return
            }
            let h = Store.journalHash(
                prev: previous, id: id, kind: kind, actor: r.text(2), accountID: r.isNull(3) ? nil : r.int(3),
                recordedAt: r.text(4), payload: r.text(5))
            if h != r.text(7) {
                broken = Text(zh: "机关日志第\(id)条（\(kind)）的内容被改动", en: "journal entry \(id) (\(kind)) was altered")
                return
            }
            previous = h
            if (kind == "baseline" || kind == "created") && id != 1 {
                report.add(Text(zh: "机关日志第\(id)条是又一个基线记录：基线只能是第1条（伪造）",
                                en: "journal entry \(id) is a second baseline; only entry 1 can be one (forged)"))
                return
            }
            try apply(kind: kind, payload: r.text(5), recordedAt: r.text(4), to: &state, report: &report)
            if kind == "import" || kind == "restore-cases", let p = try? Store.decodeJSON(r.text(5)) as ImportPayload {
                if let segment = p.segment {
                    report.segmentRecords.append(
                        SegmentRecord(journalEntry: id, firstEvent: segment.first, count: segment.count))
                }
                if let importID = p.importID {
                    state.importsFinished.insert(importID)
                    let last = state.importParts[importID]?.last?.upperBound ?? 0
                    let hidden =
                        try db.first("SELECT 1 FROM cases WHERE id = ? AND superseded_by = id", last) { _ in true }
                        ?? false
                    state.beingShown = hidden ? importID : nil
                } else if kind == "import" {
                    state.beingShown = nil
                }
            }
            if kind == "import-part" {
                let p: ImportPartPayload = try Store.decodeJSON(r.text(5))
                report.segmentRecords.append(
                    SegmentRecord(journalEntry: id, firstEvent: p.segment.first, count: p.segment.count))
                // A part may excuse hidden cases only as the cases that own exactly its events, none of
                // them this office's: an entry anyone appended cannot hide a case it did not bring.
                if try importPartHolds(p) {
                    state.importParts[p.importID, default: []].append(p.firstCase...p.lastCase)
                } else {
                    report.add(
                        Text(
                            zh: "机关日志第\(id)条记录的导入部分与其事件和案件不符（伪造）",
                            en: "journal entry \(id) records an import part that its events and cases do not "
                                + "match (forged)"))
                }
            }
        }
        if let broken { report.add(broken) }
        if checked == 0 {
            report.add(Text(zh: "机关日志为空（基线记录被删除）", en: "the office journal is empty (its baseline was deleted)"))
        }
        report.journalChecked = checked
        report.head = ChainHead(
            events: report.head.events, eventsHash: report.head.eventsHash, journal: checked,
            journalHash: previous)
        return state
    }

    private func apply(
        kind: String, payload: String, recordedAt: String, to state: inout JournalState,
        report: inout AuditReport
    ) throws(DisclosureError) {
        switch kind {
        case "baseline", "created":
            let b: BaselinePayload = try Store.decodeJSON(payload)
            state.office = b.office
            state.calendars = Dictionary(b.calendars.map { ($0.year, $0) }, uniquingKeysWith: { $1 })
            state.locks = Dictionary(b.locks.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            state.accounts = Dictionary(b.accounts.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
            state.attachments = b.attachments
            state.superseded = Set(b.superseded)
            state.eventsBefore = b.eventsBefore ?? 0
            state.staffEventsBefore = b.staffEventsBefore ?? 0
        case "office":
            state.office = try Store.decodeJSON(payload) as OfficeSnapshot
        case "calendar":
            let c: CalendarPayload = try Store.decodeJSON(payload)
            state.calendars[c.calendar.year] = c.calendar
        case "report-lock", "report-unlock":
            let l: LockPayload = try Store.decodeJSON(payload)
            state.locks[l.lock.id] = l.lock
        case "staff":
            let s: StaffPayload = try Store.decodeJSON(payload)
            state.accounts[s.account.id] = s.account
            state.staffChanges.append([String(s.account.id), s.change, s.detail])
        case "submission":
            let p: SubmissionPayload = try Store.decodeJSON(payload)
            state.submissions[p.number] = (p.form, ["pending", nil, nil, nil])
        case "submission-confirmed", "submission-declined":
            let p: SubmissionDecisionPayload = try Store.decodeJSON(payload)
            let status = kind == "submission-confirmed" ? "confirmed" : "declined"
            state.submissions[p.number]?.decision = [status, p.decidedOn, p.caseNumber, p.reason]
        case "restore":
            let r: RestorePayload = try Store.decodeJSON(payload)
            report.restores.append(
                RestoreRecord(recordedAt: recordedAt, reason: r.reason, file: r.file, replaced: r.replaced,
                              backup: r.backup, signedAt: r.signedAt, publicKey: r.publicKey, signature: r.signature))
        default:
            break  // imports and checkpoints change no table outside the cases
        }
    }

    /// Each online submission as sent and decided, against its journal entries; none without one.
    private func checkSubmissions(_ expected: JournalState, _ report: inout AuditReport) throws(DisclosureError) {
        var seen: Set<String> = []
        try db.query(
            """
            SELECT s.number, s.form, c.year, c.serial, s.status, s.decided_on, s.reason
            FROM submissions s LEFT JOIN cases c ON c.id = s.case_id ORDER BY s.id
            """, []
        ) { (r: Row) throws(DisclosureError) in
            let number = r.text(0)
            seen.insert(number)
            let confirmed = r.optionalInt(2).flatMap { y in r.optionalInt(3).map { CaseNumber(year: y, serial: $0) } }
            guard let journal = expected.submissions[number] else {
                report.add(
                    Text(
                        zh: "网上申请\(number)在机关日志中没有记录（伪造）",
                        en: "online submission \(number) is not in the journal (forged)"))
                return
            }
            let decision = [r.text(4), r.optionalText(5), confirmed?.description, r.optionalText(6)]
            if SHA256.hex(utf8: r.text(1)) != journal.form || decision != journal.decision {
                report.add(
                    Text(
                        zh: "网上申请\(number)与机关日志不符（被改动）",
                        en: "online submission \(number) differs from the journal (altered)"))
            }
        }
        for number in Set(expected.submissions.keys).subtracting(seen).sorted() {
            report.add(Text(zh: "网上申请\(number)被删除", en: "online submission \(number) was deleted"))
        }
    }

    private func checkTables(_ expected: JournalState, _ report: inout AuditReport) throws(DisclosureError) {
        try checkSubmissions(expected, &report)
        if try Store.snapshotOffice(db) != expected.office {
            report.add(Text(zh: "机关信息（office表）与机关日志不符（被改动）", en: "the office row differs from the journal (altered)"))
        }
        let calendars = try Store.snapshotCalendars(db)
        for c in calendars where expected.calendars[c.year] != c {
            report.add(
                Text(
                    zh: "\(c.year)年放假安排（calendar_year表）与机关日志不符（被改动）",
                    en: "the \(c.year) calendar (calendar_year) differs from the journal (altered)"))
        }
        for year in Set(expected.calendars.keys).subtracting(calendars.map(\.year)).sorted() {
            report.add(Text(zh: "\(year)年放假安排被删除", en: "the \(year) calendar was deleted"))
        }
        // Deadline walks read the compiled form: it must say what the schedules say.
        if let stored = try storedCompiledCalendar() {
            let bodies = try db.all("SELECT year, body FROM calendar_year ORDER BY year") { ($0.int(0), $0.text(1)) }
            let schedules = bodies.compactMap { try? HolidaySchedule.parse($0.1, origin: "calendar_year \($0.0)") }
            if schedules.count != bodies.count || WorkCalendar(schedules: schedules).compiled != stored {
                report.add(
                    Text(
                        zh: "工作日历的编译结果（calendar_compiled表）与放假安排（calendar_year表）不符（被改动），期限按它计算",
                        en: "the compiled calendar (calendar_compiled), by which deadlines are counted, differs from "
                            + "the schedules (calendar_year) (altered)"))
            }
        }
        let locks = try Store.snapshotLocks(db)
        if locks != expected.locks.values.sorted(by: { $0.id < $1.id }) {
            report.add(
                Text(
                    zh: "年度报告锁定记录（report_locks表）与机关日志不符（被改动）",
                    en: "the report locks (report_locks) differ from the journal (altered)"))
        }
        let accounts = try Store.snapshotAccounts(db)
        for a in accounts where expected.accounts[a.id] != a {
            report.add(
                Text(
                    zh: "账号“\(a.name)”（accounts表第\(a.id)行）与机关日志不符（角色、状态或密码在程序外被改动）",
                    en: "account “\(a.name)” (accounts row \(a.id)) differs from the journal "
                        + "(roles, state or password changed outside the program)"))
        }
        // `staff history` shows staff_events: each row since the journal began is one of its staff entries.
        let rows = try db.all("SELECT account_id, kind, detail FROM staff_events WHERE id > ? ORDER BY id",
                              expected.staffEventsBefore) { [String($0.int(0)), $0.text(1), $0.text(2)] }
        if rows != expected.staffChanges {
            report.add(Text(zh: "账号变更记录（staff_events表）与机关日志不符（被改动）",
                            en: "the staff history (staff_events) differs from the journal (altered)"))
        }
        for id in Set(expected.accounts.keys).subtracting(accounts.map(\.id)).sorted() {
            report.add(Text(zh: "第\(id)号账号被删除", en: "account \(id) was deleted"))
        }
    }

    private func checkCases(_ expected: JournalState, _ report: inout AuditReport) throws(DisclosureError) {
        let ids = try db.all("SELECT id FROM cases ORDER BY id") { $0.int(0) }
        let names = Dictionary(
            try db.all("SELECT id, name FROM accounts") { ($0.int(0), $0.text(1)) }, uniquingKeysWith: { $1 })
        for id in ids {
            report.casesChecked += 1
            let record: CaseRecord
            do {
                record = try loadRecord(id: id, calendar: calendar)
            } catch {
                report.add(
                    Text(
                        zh: "案件（第\(id)行）无法读取：\(error.render(.zh))",
                        en: "case row \(id) cannot be read: \(error.render(.en))"))
                continue
            }
            let label = record.number.description
            func column(_ name: String) {
                report.add(
                    Text(
                        zh: "案件\(label)的\(name)列与事件记录不符（被改动）",
                        en: "case \(label): column \(name) differs from its events (altered)"))
            }
            guard
                let reg = try db.first(
                    "SELECT payload FROM events WHERE case_id = ? AND seq = 0", id, map: { $0.text(0) })
            else {
                report.add(Text(zh: "案件\(label)没有登记事件", en: "case \(label) has no registration event"))
                continue
            }
            if (try? PayloadCodec.decodeApplication(reg)) != record.recordedApplication {
                report.add(
                    Text(
                        zh: "案件\(label)的登记信息与登记事件不符（登记信息被改动）",
                        en: "case \(label)'s intake facts differ from its registration event (altered)"))
            }
            if let first = record.events.first,
                record.registeredAt != first.recordedAt || record.registeredBy != first.actor
            {
                report.add(
                    Text(
                        zh: "案件\(label)的登记时间或登记人与登记事件不符（被改动）",
                        en: "case \(label)'s registration time or registrar differs from its registration event "
                            + "(altered)"))
            }
            guard
                let row = try db.first(
                    """
                    SELECT \(Store.materialisedColumns), superseded_by, registered_by_id, handler_id,
                        late_entries FROM cases WHERE id = ?
                    """, id,
                    map: { (r: Row) in
                        (
                            Store.values(r, 11), r.isNull(11) ? nil : r.int(11), r.isNull(12) ? nil : r.int(12),
                            r.isNull(13) ? nil : r.int(13), r.int(14)
                        )
                    })
            else { continue }
            let notes = record.events.compactMap(\.note)
            let supersededNote = notes.contains { if case .superseded = $0 { true } else { false } }
            if let by = row.1 {
                // Hidden by an import copied in parts that never finished: superseded by itself, no note.
                let hidden = by == id && expected.hiddenCases(id)
                if !supersededNote && !hidden && !expected.superseded.contains(SupersededSnapshot(caseID: id, by: by)) {
                    column("superseded_by")
                }
                if row.0[1] != .int(0) && !hidden { column("is_open") }
            } else {
                if supersededNote { column("superseded_by") }
                let fresh = try materialisedValues(record.state).map(\.sqlValue)
                for (i, name) in Store.materialisedColumnNames.enumerated() where row.0[i] != fresh[i] { column(name) }
                let stored = try db.all(
                    """
                    SELECT remedy_id, kind, body, filed, decided,
                        result FROM remedies WHERE case_id = ? ORDER BY remedy_id
                    """, id
                ) { (r: Row) in Store.values(r, 6) }
                let derived: [[SQLValue]] = record.state.remedies.sorted(by: { $0.id < $1.id }).map { m in
                    [
                        m.id.sqlValue, m.kind.rawValue.sqlValue, m.body.sqlValue, m.filed.sqlValue, m.decided.sqlValue,
                        m.result?.rawValue.sqlValue ?? .null,
                    ]
                }
                if stored != derived { column("remedies") }
            }
            if row.2 != record.events.first?.accountID { column("registered_by_id") }
            if row.4 != record.events.filter({ $0.lateEntry != nil }).count { column("late_entries") }
            let handler = record.caseEvents.last { if case .assigned = $0.action { true } else { false } }
            if case .assigned(let name)? = handler?.action {
                if row.3.flatMap({ names[$0] }) != name { column("handler_id") }
            } else if row.3 != nil {
                column("handler_id")
            }
        }
    }

    private func checkAttachments(_ expected: JournalState, _ report: inout AuditReport) throws(DisclosureError) {
        let baseline = expected.attachments ?? AttachmentsSnapshot(count: 0, lastID: 0, sha256: "")
        if try Store.snapshotAttachments(db, through: baseline.lastID) != baseline {
            report.add(
                Text(
                    zh: "日志建立前已有的附件记录被改动或删除", en: "attachments stored before the journal began were altered or deleted")
            )
        }
        // Every note of an attachment, by case and number.
        var noted: [Int: [Int: RecordNote]] = [:]
        try db.query("SELECT case_id, kind, payload FROM events WHERE kind = 'attached'", []) {
            (r: Row) throws(DisclosureError) in
            let note = try RecordNote.decode(kind: r.text(1), r.text(2))
            if case .attached(let seq, _, _, _, _) = note { noted[r.int(0), default: [:]][seq] = note }
        }
        try db.query(
            """
            SELECT a.id, a.case_id, a.seq, a.kind, a.name, a.size, a.sha256, a.content, c.agency_code, c.year, c.serial
            FROM attachments a LEFT JOIN cases c ON c.id = a.case_id ORDER BY a.id
            """, []
        ) { (r: Row) throws(DisclosureError) in
            report.attachmentsChecked += 1
            let label =
                r.isNull(8) ? "#\(r.int(1))" : number(agency: r.text(8), year: r.int(9), serial: r.int(10)).description
            let seq = r.int(2)
            let content = r.blob(7)
            if content.count != r.int(5) || SHA256.hex(content) != r.text(6) {
                report.add(
                    Text(
                        zh: "案件\(label)第\(seq)号附件的内容与其大小或SHA-256不符（被改动）",
                        en: "case \(label), attachment \(seq): its content does not match its size or SHA-256 (altered)"
                    ))
            }
            let note = noted[r.int(1)]?.removeValue(forKey: seq)
            if r.int(0) > baseline.lastID {
                let kind = AttachmentKind(rawValue: r.text(3)) ?? .other
                if note != .attached(seq: seq, kind: kind, name: r.text(4), size: r.int(5), sha256: r.text(6)) {
                    report.add(
                        Text(
                            zh: "案件\(label)第\(seq)号附件与办理记录中的附件记录不符（被替换或在程序外加入）",
                            en: "case \(label), attachment \(seq) differs from the attachment recorded in its history "
                                + "(replaced, or added outside the program)"))
                }
            }
        }
        for (caseID, left) in noted {
            for seq in left.keys.sorted() {
                report.add(
                    Text(
                        zh: "案件（第\(caseID)行）第\(seq)号附件已记录但被删除",
                        en: "case row \(caseID): attachment \(seq) is recorded but was deleted"))
            }
        }
    }

    /// This office's own cases carry its name (which no command changes).
    private func checkAgencyNames(_ report: inout AuditReport) throws(DisclosureError) {
        try db.query("SELECT year, serial FROM cases WHERE agency_code = ? AND agency_name != ? ORDER BY id",
                     [office.code, office.name]) { r in
            let label = CaseNumber(year: r.int(0), serial: r.int(1)).description
            report.add(Text(zh: "案件\(label)的agency_name列与本机关名称不符（被改动）",
                            en: "case \(label): column agency_name differs from the office's name (altered)"))
        }
    }

    /// Whether the part's cases are exactly those owning its segment's events, and another agency's.
    private func importPartHolds(_ p: ImportPartPayload) throws(DisclosureError) -> Bool {
        guard p.firstCase >= 1, p.firstCase <= p.lastCase, p.segment.count >= 1, p.segment.first >= 1 else {
            return false
        }
        let lastEvent = p.segment.first + p.segment.count - 1
        let owners = try db.first(
            "SELECT MIN(case_id), MAX(case_id), COUNT(DISTINCT case_id) FROM events WHERE id BETWEEN ? AND ?",
            p.segment.first, lastEvent) { (r: Row) in r.isNull(0) ? nil : (r.int(0), r.int(1), r.int(2)) } ?? nil
        guard let owners, owners.0 == p.firstCase, owners.1 == p.lastCase, owners.2 == p.lastCase - p.firstCase + 1
        else { return false }
        let own = try db.first(
            "SELECT COUNT(*) FROM cases WHERE id BETWEEN ? AND ? AND agency_code = ?", p.firstCase, p.lastCase,
            office.code) { $0.int(0) } ?? 1
        return own == 0
    }

    /// Ranges put together where they overlap or touch, in order.
    static func merged(_ ranges: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
        var out: [ClosedRange<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = out.last, r.lowerBound <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    private func checkNumbering(_ report: inout AuditReport) throws(DisclosureError) {
        let gaps = try restoreGaps()
        var years: [(year: Int, count: Int, max: Int)] = []
        try db.query(
            """
            SELECT year, COUNT(DISTINCT serial),
                MAX(serial) FROM cases WHERE agency_code = ? GROUP BY year ORDER BY year
            """, [office.code]
        ) { r in years.append((r.int(0), r.int(1), r.int(2))) }
        for y in years {
            // Numbers a restore took away (recorded in the journal) may be missing; no other may.
            var excused = 0
            for g in Store.merged(gaps[y.year] ?? []) {
                let upper = min(g.upperBound, y.max)
                guard g.lowerBound <= upper else { continue }
                let present =
                    try db.first(
                        "SELECT COUNT(DISTINCT serial) FROM cases WHERE agency_code = ? AND year = ? AND serial "
                            + "BETWEEN ? AND ?",
                        office.code, y.year, g.lowerBound, upper) { $0.int(0) } ?? 0
                excused += upper - g.lowerBound + 1 - present
            }
            if y.count + excused != y.max {
                report.add(
                    Text(
                        zh: "\(y.year)年的案件编号不连续：最大为\(y.max)，实有\(y.count)个（有案件被删除或编号被改动）",
                        en:
                            "the \(y.year) case numbers are not contiguous: the highest is \(y.max) but "
                                + "\(y.count) exist "
                            + "(a case was deleted or renumbered)"))
            }
        }
    }
}

/// A restore as the journal keeps it.
struct RestorePayload: Codable {
    var reason: String
    var file: String
    var replaced: ChainHead
    var backup: ChainHead
    var signedAt: String?
    var publicKey: String?
    var signature: String?
    /// The highest serial of each year issued before the restore, and in the backup: the numbers
    /// between were given to cases the restore took away, and are never given again.
    var issued: [String: Int]?
    var inBackup: [String: Int]?
}
