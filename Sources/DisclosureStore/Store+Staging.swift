import CSQLite
import Glibc
import DisclosureCore

/// An import's events as one segment of the event chain: chained from their own genesis while the
/// file is read (no lock held), and joined to the office's chain, after the event it then ended
/// with, by the journal's import entry. `audit verify` follows the join.
struct ChainSegment: Codable, Equatable {
    /// The events table id of its first event.
    var first: Int
    var count: Int
    /// The hash its first event links to, and the event hash it was joined after.
    var genesis: String
    var joinedAfter: String
    /// Its last event's hash.
    var head: String
}


extension Store {
    /// Reads, checks and replays the whole file into a private staging database while holding no lock,
    /// then copies it into the office's database in one short write transaction, all or nothing.
    /// Returns nil when the database changed meanwhile in a way the staged decisions depend on (a
    /// staged case was touched, a report lock changed): the caller then imports the slow way.
    func stagedImport(
        _ ctx: ImportContext,
        _ produce: (_ sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) -> Void
    )
        throws(DisclosureError) -> ImportReport?
    {
        try db.exec("ATTACH DATABASE '' AS staging")
        defer { try? db.exec("DETACH DATABASE staging") }
        try db.exec(
            """
            PRAGMA staging.cache_size = -2000;
            CREATE TABLE staging.cases AS SELECT * FROM main.cases WHERE 0;
            CREATE TABLE staging.events AS SELECT * FROM main.events WHERE 0;
            CREATE TABLE staging.attachments AS SELECT * FROM main.attachments WHERE 0;
            CREATE TABLE staging.remedies AS SELECT * FROM main.remedies WHERE 0;
            CREATE TABLE staging.superseded (old_id INTEGER NOT NULL, new_local INTEGER NOT NULL);
            CREATE TABLE staging.touched (case_id INTEGER PRIMARY KEY);
            CREATE TABLE staging.identities (agency_code TEXT, year INTEGER, serial INTEGER);
                CREATE INDEX staging.identities_key ON identities (agency_code, year, serial);
                CREATE INDEX staging.cases_key ON cases (agency_code, year, serial);
            """)
        // Phase 1: one read snapshot of the office; every write goes to staging only.
        var report = ImportReport()
        let genesis = SHA256.hex(
            utf8:
                "segment\u{1F}\(ctx.file)\u{1F}\(ctx.now)\u{1F}"
                    + SHA256.hex(Array(0..<16).map { _ in UInt8.random(in: 0...255) })
        )
        var previous = genesis
        var localCase = 0
        var localEvent = 0
        var localAttachment = 0
        var ownLetters: [LetterKey: Int] = [:]
        let snapshot: (journal: Int, events: Int, locks: [Int])
        do {
            try db.exec("BEGIN DEFERRED")
            let journalEnd = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.journal") { $0.int(0) } ?? 0
            let eventsEnd = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.events") { $0.int(0) } ?? 0
            snapshot = (journalEnd, eventsEnd, try lockedYears())
            func stage(
                _ caseRef: Int, _ label: CaseNumber, _ seq: Int, _ kind: String, _ on: CivilDate, _ actor: String,
                _ recordedAt: String, _ payload: String, _ dueBefore: CivilDate?, _ dueAfter: CivilDate?,
                _ accountID: Int?, _ lateEntry: String?, letter: String? = nil
            ) throws(DisclosureError) {
                let h = Store.hash(
                    prev: previous, number: label.description, seq: seq, kind: kind, on: on.description,
                    actor: actor, recordedAt: recordedAt, payload: payload, accountID: accountID,
                    lateEntry: lateEntry, dues: Store.duesTag(dueBefore, dueAfter), letter: letter)
                localEvent += 1
                try db.run(
                    """
                    INSERT INTO staging.events (id, case_id, seq, kind, on_date, actor, recorded_at, payload,
                        due_before,
                        due_after, prev_hash, hash, account_id, late_entry, letter)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, localEvent, caseRef, seq, kind, on, actor, recordedAt, payload, dueBefore, dueAfter, previous,
                    h,
                    accountID, lateEntry, letter)
                previous = h
            }
            try produce { (v: ValidatedDossier) throws(DisclosureError) in
                let replay = v.calendar === calendar ? v : try v.dossier.validated(calendar: calendar, today: v.today)
                let d = replay.dossier
                try checkOwnCode(d, ctx)
                let counted = d.agencyCode == office.code && !snapshot.locks.isEmpty
                // A file naming one case twice is refused: which of the two would be the case?
                if try db.first(
                    "SELECT 1 FROM staging.identities WHERE agency_code = ? AND year = ? AND serial = ?",
                    d.agencyCode, d.number.year, d.number.serial, map: { _ in true }) == true
                {
                    throw DisclosureError(
                        .conflict, field: d.identifier, zh: "案卷文件中案件\(d.identifier)出现了两次",
                        en: "case \(d.identifier) appears twice in the file")
                }
                try db.run(
                    "INSERT INTO staging.identities VALUES (?, ?, ?)", d.agencyCode, d.number.year, d.number.serial)
                var replaces: String?
                let version = try versionHere(of: replay, ctx, counted: counted)
                if case .identical = version {
                    report.add(identical: d.identifier)
                    return
                }
                if let (existing, isUpdate) = version.held {
                    let last = try db.first(
                        "SELECT seq, hash FROM main.events WHERE case_id = ? ORDER BY seq DESC LIMIT 1",
                        existing
                    ) { ($0.int(0), $0.text(1)) }
                    replaces = last?.1
                    let head =
                        try db.first("SELECT agency_code, year, serial FROM main.cases WHERE id = ?", existing) {
                            number(agency: $0.text(0), year: $0.int(1), serial: $0.int(2))
                        } ?? CaseNumber(year: d.number.year, serial: d.number.serial)
                    // Existing cases are told apart from staged ones by sign.
                    try stage(
                        -existing, head, (last?.0 ?? 0) + 1, "superseded", ctx.today, ctx.actor.name, ctx.now,
                        try RecordNote.superseded(file: ctx.file, reason: ctx.reason).encoded(self), nil, nil,
                        ctx.actor.accountID, nil)
                    try db.run("INSERT INTO staging.touched VALUES (?)", existing)
                    try db.run("INSERT INTO staging.superseded VALUES (?, ?)", existing, localCase + 1)
                    report.add(superseding: d.identifier, update: isUpdate)
                } else {
                    if counted { try checkLocks(before: nil, after: replay.state, label: d.identifier) }
                    if d.agencyCode == office.code {
                        // Restored cases continue the numbering, counting those staged before them.
                        let staged =
                            try db.first(
                                """
                                SELECT COALESCE(MAX(serial), 0) FROM staging.cases WHERE agency_code = ? AND year = ?
                                """, d.agencyCode, d.number.year
                            ) { $0.int(0) } ?? 0
                        try checkSerial(d.number, after: staged)
                    }
                    report.add(imported: d.identifier)
                }
                localCase += 1
                let a = d.application
                let late = d.registrationLateEntry != nil || d.events.contains { $0.event.lateEntry != nil }
                let lateCount =
                    (d.registrationLateEntry == nil ? 0 : 1) + d.events.filter { $0.event.lateEntry != nil }.count
                try db.query(
                    """
                    INSERT INTO staging.cases (id, agency_code, agency_name, year, serial, received, channel,
                        applicant_name,
                        applicant_type, id_number, contact, request, form, note, registered_at, registered_by,
                        \(Store.materialisedColumns), superseded_by, registered_by_id, handler_id, late_entries)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL,
                        NULL, NULL, ?)
                    """,
                    [
                        localCase, d.agencyCode, d.agencyName, d.number.year, d.number.serial, a.received,
                        a.channel.rawValue,
                        a.applicant.name, a.applicant.type.rawValue, a.applicant.idNumber, a.applicant.contact,
                        a.request,
                        a.form?.rawValue, a.note, d.registeredAt, d.registeredBy,
                    ]
                        + (try materialisedValues(replay.state)) + [late ? lateCount : 0]
                ) { _ in }
                for r in replay.state.remedies {
                    try db.run(
                        """
                        INSERT INTO staging.remedies (case_id, remedy_id, kind, body, filed, decided,
                            result) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, localCase, r.id, r.kind.rawValue, r.body, r.filed, r.decided, r.result?.rawValue)
                }
                let label = number(agency: d.agencyCode, year: d.number.year, serial: d.number.serial)
                try stage(
                    localCase, label, 0, "registered", a.received, d.registeredBy, d.registeredAt, replay.payloads[0],
                    nil, replay.dues[0], nil, d.registrationLateEntry, letter: d.registrationLetter)
                for (i, e) in d.events.enumerated() {
                    try stage(
                        localCase, label, i + 1, e.event.action.kind, e.event.on, e.event.actor, e.recordedAt,
                        replay.payloads[i + 1], replay.dues[i], replay.dues[i + 1], nil, e.event.lateEntry,
                        letter: e.event.letter)
                }
                ownLetters.merge(self.ownLetters(of: d), uniquingKeysWith: max)
                var seq = d.events.count
                for att in d.attachments {
                    localAttachment += 1
                    let i = att.info
                    try db.run(
                        """
                        INSERT INTO staging.attachments (id, case_id, seq, kind, name, size, sha256, added_at,
                            added_by, content,
                            added_by_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)
                        """, localAttachment, localCase, i.seq, i.kind.rawValue, i.name, i.size, i.sha256, i.addedAt,
                        i.addedBy,
                        SQLBlob(att.content))
                    seq += 1
                    try stage(
                        localCase, label, seq, "attached", ctx.today, ctx.actor.name, i.addedAt,
                        try RecordNote.attached(seq: i.seq, kind: i.kind, name: i.name, size: i.size, sha256: i.sha256)
                            .encoded(self), nil, nil, ctx.actor.accountID, nil)
                }
                seq += 1
                try stage(
                    localCase, label, seq, "imported", ctx.today, ctx.actor.name, ctx.now,
                    try RecordNote.imported(
                        file: ctx.file, replaces: replaces, reason: ctx.reason, restore: ctx.restore
                    )
                    .encoded(self), nil, nil, ctx.actor.accountID, nil)
                if replay.state.clock.due != d.due {
                    report.add(dueDifference: d.identifier, exported: d.due, here: replay.state.clock.due)
                }
            }
            try db.exec("COMMIT")
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
        // Phase 2: the short copy, if nothing staged depends on what changed meanwhile. A large file of
        // new cases from other agencies is copied in parts, hidden until one last step shows them all.
        let replacing = try db.first("SELECT 1 FROM staging.superseded LIMIT 1") { _ in true } ?? false
        let ownCases =
            try db.first("SELECT 1 FROM staging.cases WHERE agency_code = ? LIMIT 1", office.code) { _ in true }
            ?? false
        if localCase > Store.importPartCases, !replacing, !ownCases {
            return try copyInParts(ctx, report, snapshot: (snapshot.journal, snapshot.events), cases: localCase)
        }
        return try db.writeTransaction { () throws(DisclosureError) -> ImportReport? in
            let journalEnd = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.journal") { $0.int(0) } ?? 0
            if journalEnd != snapshot.journal { return nil }
            // A step on a replaced case, or a new case with a staged identity, since the snapshot.
            let clash =
                try db.first(
                    """
                    SELECT 1 FROM main.events e JOIN main.cases c ON c.id = e.case_id WHERE e.id > ?1
                      AND (e.case_id IN (SELECT case_id FROM staging.touched)
                           OR EXISTS (SELECT 1 FROM staging.identities i
                                      WHERE i.agency_code = c.agency_code AND i.year = c.year AND i.serial = c.serial))
                    LIMIT 1
                    """, snapshot.events
                ) { _ in true } ?? false
            if clash { return nil }
            let caseOffset = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.cases") { $0.int(0) } ?? 0
            let eventOffset = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.events") { $0.int(0) } ?? 0
            let attachmentOffset = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.attachments") { $0.int(0) } ?? 0
            let joinedAfter =
                try db.first("SELECT hash FROM main.events ORDER BY id DESC LIMIT 1") { $0.text(0) }
                ?? Store.genesisHash
            let caseColumns = try columns("cases").filter { $0 != "id" }.joined(separator: ", ")
            let attachmentColumns = try columns("attachments").filter { $0 != "id" && $0 != "case_id" }.joined(
                separator: ", ")
            // Staged rows were written in the order of their local ids, so rowid order is id order: no
            // sort (which held every staged attachment in memory, and a million events in the lock).
            // The superseded rows leave the identity index before their successors arrive.
            try db.run(
                "UPDATE main.cases SET superseded_by = id, is_open = 0 WHERE id IN (SELECT old_id FROM "
                    + "staging.superseded)"
            )
            try db.run(
                "INSERT INTO main.cases (id, \(caseColumns)) SELECT id + ?, \(caseColumns) FROM staging.cases "
                    + "ORDER BY rowid",
                caseOffset)
            try db.run(
                """
                INSERT INTO main.events (id, case_id, seq, kind, on_date, actor, recorded_at, payload, due_before,
                    due_after,
                    prev_hash, hash, account_id, late_entry, letter)
                SELECT id + ?1, CASE WHEN case_id < 0 THEN -case_id ELSE case_id + ?2 END, seq, kind, on_date, actor,
                    recorded_at, payload, due_before, due_after, prev_hash, hash, account_id, late_entry, letter
                FROM staging.events ORDER BY rowid
                """, eventOffset, caseOffset)
            try db.run(
                """
                INSERT INTO main.attachments (id, case_id, \(attachmentColumns))
                SELECT id + ?, case_id + ?, \(attachmentColumns) FROM staging.attachments ORDER BY rowid
                """, attachmentOffset, caseOffset)
            try db.run(
                """
                INSERT INTO main.remedies (case_id, remedy_id, kind, body, filed, decided, result)
                SELECT case_id + ?, remedy_id, kind, body, filed, decided, result FROM staging.remedies
                """, caseOffset)
            try db.run(
                "UPDATE main.cases SET superseded_by = (SELECT new_local + ?1 FROM staging.superseded s WHERE "
                    + "s.old_id = cases.id) "
                    + "WHERE id IN (SELECT old_id FROM staging.superseded)", caseOffset)
            let segment =
                localEvent == 0
                ? nil
                : ChainSegment(
                    first: eventOffset + 1, count: localEvent, genesis: genesis, joinedAfter: joinedAfter,
                    head: previous)
            try noteLetters(ownLetters)
            try journalImport(ctx, report, segment: segment)
            return report
        }
    }

    /// Cases copied per write transaction when an import is copied in parts: each part holds the write
    /// lock a fraction of a second however large the file.
    static let importPartCases = 2_000

    /// Microseconds between an import's parts, long enough for a writer that waits to get in: a waiting
    /// writer asks again every 2 ms for its first 200 ms and every 5 ms after (`Connection.busyHandler`).
    static let importGap: UInt32 = 6_000

    /// Copies the staged cases in parts, each in its own short write transaction and hidden (marked
    /// superseded by itself, closed) with its events as a chain segment the journal records; then shows
    /// them all in one step. A part left behind by a failure stays hidden, recorded as an import that
    /// never finished. Returns nil, to import the slow way, when the office changed meanwhile.
    private func copyInParts(
        _ ctx: ImportContext, _ report: ImportReport, snapshot: (journal: Int, events: Int), cases: Int
    ) throws(DisclosureError) -> ImportReport? {
        // Outside any lock: the part boundaries are found by case.
        try db.exec(
            """
            CREATE INDEX staging.events_case ON events (case_id);
            CREATE INDEX staging.attachments_case ON attachments (case_id);
            CREATE INDEX staging.remedies_case ON remedies (case_id);
            """)
        let importID = SHA256.hex(Array(0..<16).map { _ in UInt8.random(in: 0...255) }).prefix(32)
        let caseColumns = try columns("cases").filter { $0 != "id" }
        let hiddenSelect = caseColumns.map { $0 == "superseded_by" ? "id + ?1" : $0 }.joined(separator: ", ")
        let attachmentColumns = try columns("attachments").filter { $0 != "id" && $0 != "case_id" }.joined(
            separator: ", ")
        var journalEnd = snapshot.journal
        // Events up to here were looked at, or are the import's own: each check reads only the newer.
        var eventsSeen = snapshot.events
        var parts: [(first: Int, last: Int)] = []

        /// The office changed in a way the staged decisions depend on: another journal entry, or a case
        /// with a staged identity, or a step on one, since the snapshot.
        func changed() throws(DisclosureError) -> Bool {
            let last = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.journal") { $0.int(0) } ?? 0
            if last != journalEnd { return true }
            let clash =
                try db.first(
                    """
                    SELECT 1 FROM main.events e JOIN main.cases c ON c.id = e.case_id WHERE e.id > ?1
                      AND c.superseded_by IS NULL AND EXISTS (SELECT 1 FROM staging.identities i
                          WHERE i.agency_code = c.agency_code AND i.year = c.year AND i.serial = c.serial)
                    LIMIT 1
                    """, eventsSeen) { _ in true } ?? false
            eventsSeen = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.events") { $0.int(0) } ?? eventsSeen
            return clash
        }

        var from = 1
        while from <= cases {
            let to = min(from + Store.importPartCases - 1, cases)
            let stillValid = try db.writeTransaction { () throws(DisclosureError) -> Bool in
                if try changed() { return false }
                let caseOffset = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.cases") { $0.int(0) } ?? 0
                let eventOffset = try db.first("SELECT COALESCE(MAX(id), 0) FROM main.events") { $0.int(0) } ?? 0
                let joinedAfter =
                    try db.first("SELECT hash FROM main.events ORDER BY id DESC LIMIT 1") { $0.text(0) }
                    ?? Store.genesisHash
                let shift = caseOffset - from + 1
                // Hidden: superseded by itself, which takes it out of every list, the board and the identity
                // index; every other column is final, so that showing it touches that one column.
                try db.run(
                    """
                    INSERT INTO main.cases (id, \(caseColumns.joined(separator: ", ")))
                    SELECT id + ?1, \(hiddenSelect) FROM staging.cases WHERE rowid BETWEEN ?2 AND ?3 ORDER BY rowid
                    """, shift, from, to)
                guard
                    let span = try db.first(
                        "SELECT MIN(rowid), MAX(rowid) FROM staging.events WHERE case_id BETWEEN ? AND ?", from, to,
                        map: { (r: Row) in r.isNull(0) ? nil : (r.int(0), r.int(1)) }) ?? nil
                else {
                    throw DisclosureError(.storage, field: "database", zh: "导入的案件缺少事件", en: "staged cases "
                        + "without events")
                }
                let eventShift = eventOffset - span.0 + 1
                try db.run(
                    """
                    INSERT INTO main.events (id, case_id, seq, kind, on_date, actor, recorded_at, payload, due_before,
                        due_after, prev_hash, hash, account_id, late_entry, letter)
                    SELECT id + ?1, case_id + ?2, seq, kind, on_date, actor, recorded_at, payload, due_before,
                        due_after, prev_hash, hash, account_id, late_entry, letter
                    FROM staging.events WHERE rowid BETWEEN ?3 AND ?4 ORDER BY rowid
                    """, eventShift, shift, span.0, span.1)
                try db.run(
                    """
                    INSERT INTO main.attachments (case_id, \(attachmentColumns))
                    SELECT case_id + ?1, \(attachmentColumns) FROM staging.attachments
                    WHERE case_id BETWEEN ?2 AND ?3 ORDER BY rowid
                    """, shift, from, to)
                try db.run(
                    """
                    INSERT INTO main.remedies (case_id, remedy_id, kind, body, filed, decided, result)
                    SELECT case_id + ?1, remedy_id, kind, body, filed, decided, result FROM staging.remedies
                    WHERE case_id BETWEEN ?2 AND ?3
                    """, shift, from, to)
                let ends =
                    try db.first(
                        "SELECT (SELECT prev_hash FROM staging.events WHERE rowid = ?1), "
                            + "(SELECT hash FROM staging.events WHERE rowid = ?2)", span.0, span.1
                    ) { ($0.text(0), $0.text(1)) } ?? ("", "")
                let segment = ChainSegment(
                    first: eventOffset + 1, count: span.1 - span.0 + 1, genesis: ends.0, joinedAfter: joinedAfter,
                    head: ends.1)
                try appendJournal(
                    kind: "import-part", actor: ctx.actor, now: ctx.now,
                    payload: ImportPartPayload(
                        importID: String(importID), file: ctx.file, firstCase: caseOffset + 1,
                        lastCase: caseOffset + to - from + 1, segment: segment))
                journalEnd = try db.first("SELECT MAX(id) FROM main.journal") { $0.int(0) } ?? journalEnd
                eventsSeen = eventOffset + span.1 - span.0 + 1
                parts.append((caseOffset + 1, caseOffset + to - from + 1))
                return true
            }
            if !stillValid { return nil }
            // The importer copies what it wrote into the database file itself, outside the lock, so that
            // no registration's commit has to; then it leaves a gap in which a waiting writer gets in.
            try? db.exec("PRAGMA main.wal_checkpoint(PASSIVE)")
            usleep(Store.importGap)
            from = to + 1
        }
        // The import happens in the step that records it and shows its first part; the other parts are
        // shown in order, each in a short step of its own, and a command that opens the database to
        // write finishes showing them should this process stop before it has (`finishShowingImport`).
        guard let first = parts.first else { return nil }
        let recorded = try db.writeTransaction { () throws(DisclosureError) -> Bool in
            if try changed() { return false }
            try journalImport(ctx, report, segment: nil, importID: String(importID))
            try db.run(
                "UPDATE main.cases SET superseded_by = NULL WHERE id BETWEEN ? AND ? AND superseded_by = id",
                first.first, first.last)
            return true
        }
        if !recorded { return nil }
        for p in parts.dropFirst() {
            usleep(Store.importGap)
            _ = try db.writeTransaction { () throws(DisclosureError) in
                try db.run(
                    "UPDATE main.cases SET superseded_by = NULL WHERE id BETWEEN ? AND ? AND superseded_by = id",
                    p.first, p.last)
            }
        }
        try? db.exec("PRAGMA main.wal_checkpoint(PASSIVE)")
        return report
    }

    /// Runs `body` holding the import lease: an advisory lock on a file beside the database, which the
    /// system releases when the process dies. Imports and restores take it, one at a time, so that
    /// none runs while another's parts are being shown, and no command takes over showing them.
    public func withImportLease<T>(_ body: () throws(DisclosureError) -> T) throws(DisclosureError) -> T {
        let lease = leaseDescriptor(create: true)
        if lease >= 0 { flock(lease, LOCK_EX) }
        defer { if lease >= 0 { close(lease) } }
        return try body()
    }

    /// The file the import lease is taken on, beside the database (-1 when it cannot be opened).
    private func leaseDescriptor(create: Bool) -> Int32 {
        Glibc.open(path + "-import", O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0o600)
    }

    /// Shows whatever the newest import copied in parts still hides, when the process that recorded
    /// it stopped before showing it all (parts are shown in order, so its last part tells).
    func finishShowingImport(holdingLease: Bool = false) throws(DisclosureError) {
        guard let (entry, importID) = try importBeingShown() else { return }
        // The importing process is alive and showing them itself: leave it to it.
        let lease = holdingLease ? -1 : leaseDescriptor(create: false)
        if lease >= 0 {
            defer { close(lease) }
            if flock(lease, LOCK_EX | LOCK_NB) != 0 { return }
        }
        try db.writeTransaction { () throws(DisclosureError) in
            try db.query(
                "SELECT payload FROM journal WHERE kind = 'import-part' AND id < ? ORDER BY id", [entry]
            ) { (r: Row) throws(DisclosureError) in
                let p: ImportPartPayload = try Store.decodeJSON(r.text(0))
                guard p.importID == importID else { return }
                try db.run(
                    "UPDATE main.cases SET superseded_by = NULL WHERE id BETWEEN ? AND ? AND superseded_by = id",
                    p.firstCase, p.lastCase)
            }
        }
    }

    /// The newest import (its journal entry and id) when some of its parts are still hidden.
    func importBeingShown() throws(DisclosureError) -> (Int, String)? {
        guard
            let entry = try db.first(
                "SELECT id, payload FROM journal WHERE kind = 'import' ORDER BY id DESC LIMIT 1",
                map: { (r: Row) in (r.int(0), r.text(1)) }),
            let importID = (try? Store.decodeJSON(entry.1) as ImportPayload)?.importID,
            let last = try db.first(
                "SELECT payload FROM journal WHERE kind = 'import-part' AND id < ? ORDER BY id DESC LIMIT 1", entry.0,
                map: { (r: Row) in try? Store.decodeJSON(r.text(0)) as ImportPartPayload }) ?? nil,
            last.importID == importID,
            try db.first(
                "SELECT 1 FROM cases WHERE id = ? AND superseded_by = id", last.lastCase, map: { _ in true }) == true
        else { return nil }
        return (entry.0, importID)
    }

    private func columns(_ table: String) throws(DisclosureError) -> [String] {
        try db.all("SELECT name FROM pragma_table_info(?)", table) { $0.text(0) }
    }

    /// The event chain's import segments, by their first event's id, from the journal.
    func chainSegments() throws(DisclosureError) -> [Int: ChainSegment] {
        var out: [Int: ChainSegment] = [:]
        try db.query("SELECT kind, payload FROM journal WHERE kind IN ('import', 'restore-cases', 'import-part')", []) {
            (r: Row) throws(DisclosureError) in
            if r.text(0) == "import-part" {
                let p: ImportPartPayload = try Store.decodeJSON(r.text(1))
                out[p.segment.first] = p.segment
            } else {
                let p: ImportPayload = try Store.decodeJSON(r.text(1))
                if let s = p.segment { out[s.first] = s }
            }
        }
        return out
    }
}
