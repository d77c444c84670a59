import DisclosureCore
import Foundation

/// Which cases to export.
public struct ExportFilter: Sendable {
    public var numbers: [CaseNumber] = []
    public var all = false
    public var year: Int?
    public var status: CaseStatus?
    public var closedFrom: CivilDate?
    public var closedThrough: CivilDate?
    public init() {}
}

/// What an import did. Counts are exact; the lists name the first `listed` cases of each kind,
/// so that a file of a million cases does not fill memory with their names.
public struct ImportReport: Sendable {
    public static let listed = 1000
    public private(set) var importedCount = 0
    public private(set) var imported: [String] = []
    /// Already present with the same content.
    public private(set) var identicalCount = 0
    public private(set) var identical: [String] = []
    /// Present with different content and replaced (asked for); the old case is kept, superseded.
    public private(set) var replacedCount = 0
    public private(set) var replaced: [String] = []
    /// Another agency's cases brought up to date: the file's version continues the one held here.
    public private(set) var updatedCount = 0
    public private(set) var updated: [String] = []
    /// Cases whose due date on this office's calendar differs from the one exported.
    public private(set) var dueDifferenceCount = 0
    public private(set) var dueDifferences: [(identifier: String, exported: CivilDate?, here: CivilDate?)] = []
    public init() {}

    mutating func add(imported id: String) {
        importedCount += 1
        if imported.count < Self.listed { imported.append(id) }
    }
    mutating func add(identical id: String) {
        identicalCount += 1
        if identical.count < Self.listed { identical.append(id) }
    }
    mutating func add(replaced id: String) {
        replacedCount += 1
        if replaced.count < Self.listed { replaced.append(id) }
    }
    mutating func add(updated id: String) {
        updatedCount += 1
        if updated.count < Self.listed { updated.append(id) }
    }
    /// Counts a version taken in place of the one held: an update or a replacement.
    mutating func add(superseding id: String, update: Bool) {
        if update { add(updated: id) } else { add(replaced: id) }
    }
    mutating func add(dueDifference id: String, exported: CivilDate?, here: CivilDate?) {
        dueDifferenceCount += 1
        if dueDifferences.count < Self.listed { dueDifferences.append((id, exported, here)) }
    }
}

extension Store {
    // MARK: - Attachments

    /// Stores a document with a case, with its size and SHA-256.
    public func attach(_ content: [UInt8], name: String, kind: AttachmentKind, to number: CaseNumber,
                       actor: ActorRef, today: CivilDate, now: String) throws(DisclosureError) -> AttachmentInfo {
        try TextField.requireLine(name, field: "FILE", max: 255)
        return try db.writeTransaction { () throws(DisclosureError) in
            let id = try caseID(number)
            if try db.first("SELECT status FROM cases WHERE id = ?", id, map: { $0.text(0) }) == CaseStatus.archived.rawValue {
                throw DisclosureError(.ruleViolation, field: "CASE", zh: "案件已归档，不能再添加附件", en: "the case is archived; no document can be added")
            }
            let seq = try db.first("SELECT COALESCE(MAX(seq), 0) + 1 FROM attachments WHERE case_id = ?", id) { $0.int(0) } ?? 1
            let info = AttachmentInfo(seq: seq, kind: kind, name: name, size: content.count, sha256: SHA256.hex(content),
                                      addedAt: now, addedBy: actor.name)
            try insertAttachment(caseID: id, info, content: content, addedByID: actor.accountID, noteBy: actor, on: today)
            return info
        }
    }

    /// The documents of a case, without their content.
    public func attachments(of number: CaseNumber) throws(DisclosureError) -> [AttachmentInfo] {
        try db.readTransaction { () throws(DisclosureError) in
            try attachmentInfos(caseID: try caseID(number))
        }
    }

    /// One document with its content, checked against its stored digest.
    public func attachment(_ seq: Int, of number: CaseNumber) throws(DisclosureError) -> Attachment {
        try db.readTransaction { () throws(DisclosureError) in
            let id = try caseID(number)
            guard let a = try loadAttachments(caseID: id, seq: seq).first else {
                throw DisclosureError(.invalidValue, field: "seq", zh: "案件\(number)没有第\(seq)号附件", en: "case \(number) has no attachment \(seq)")
            }
            try a.verify(field: "seq")
            // The row alone proves nothing (its digest can be replaced with its content): the history's
            // note of the attachment, inside the hash chain, must name the same bytes.
            let notes = try db.all("SELECT payload FROM events WHERE case_id = ? AND kind = 'attached'", id) {
                $0.text(0)
            }
            for payload in notes {
                if case let .attached(noted, kind, name, size, sha256) =
                    try RecordNote.decode(kind: "attached", payload),
                   noted == seq,
                   kind != a.info.kind || name != a.info.name || size != a.info.size || sha256 != a.info.sha256 {
                    throw DisclosureError(.storage, field: "seq",
                                          zh: "案件\(number)第\(seq)号附件与办理记录中登记的附件（SHA-256 \(sha256)）不符：附件已被替换",
                                          en: "attachment \(seq) of case \(number) differs from the one its "
                                              + "history records "
                                              + "(SHA-256 \(sha256)): it was replaced")
                }
            }
            return a
        }
    }

    /// Stores a document and notes it in the case's history, so that none comes or goes unseen.
    func insertAttachment(caseID: Int, _ a: AttachmentInfo, content: [UInt8], addedByID: Int?, noteBy actor: ActorRef,
                          on day: CivilDate) throws(DisclosureError) {
        try db.run("""
            INSERT INTO attachments (case_id, seq, kind, name, size, sha256, added_at, added_by, content, added_by_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, caseID, a.seq, a.kind.rawValue, a.name, a.size, a.sha256, a.addedAt, a.addedBy, SQLBlob(content),
                   addedByID)
        try appendNote(.attached(seq: a.seq, kind: a.kind, name: a.name, size: a.size, sha256: a.sha256), caseID: caseID,
                       on: day, actor: actor, now: a.addedAt)
    }

    func attachmentInfos(caseID: Int) throws(DisclosureError) -> [AttachmentInfo] {
        try db.all("SELECT seq, kind, name, size, sha256, added_at, added_by FROM attachments WHERE case_id = ? ORDER BY seq", caseID) {
            (r: Row) throws(DisclosureError) in
            AttachmentInfo(seq: r.int(0), kind: try Store.vocabulary(r.text(1)), name: r.text(2), size: r.int(3),
                           sha256: r.text(4), addedAt: r.text(5), addedBy: r.text(6))
        }
    }

    func loadAttachments(caseID: Int, seq: Int? = nil) throws(DisclosureError) -> [Attachment] {
        var sql = "SELECT seq, kind, name, size, sha256, added_at, added_by, content FROM attachments WHERE case_id = ?"
        var params: [SQLBindable] = [caseID]
        if let seq { sql += " AND seq = ?"; params.append(seq) }
        sql += " ORDER BY seq"
        var out: [Attachment] = []
        try db.query(sql, params) { (r: Row) throws(DisclosureError) in
            out.append(Attachment(seq: r.int(0), kind: try Store.vocabulary(r.text(1)), name: r.text(2), size: r.int(3),
                                  sha256: r.text(4), addedAt: r.text(5), addedBy: r.text(6), content: r.blob(7)))
        }
        return out
    }

    // MARK: - Export

    /// Streams the matching cases, one dossier at a time, in a consistent snapshot.
    public func exportDossiers(_ filter: ExportFilter, _ body: (PendingDossier) throws(DisclosureError) -> Void) throws(DisclosureError) {
        try db.readTransaction { () throws(DisclosureError) in
            var ids: [Int] = []
            if !filter.numbers.isEmpty {
                for n in filter.numbers { ids.append(try caseID(n)) }
            } else {
                var sql = "SELECT id FROM cases WHERE superseded_by IS NULL"
                var params: [SQLBindable] = []
                if let y = filter.year { sql += " AND year = ?"; params.append(y) }
                if let s = filter.status { sql += " AND status = ?"; params.append(s.rawValue) }
                if let f = filter.closedFrom { sql += " AND closed_on >= ?"; params.append(f) }
                if let t = filter.closedThrough { sql += " AND closed_on <= ?"; params.append(t) }
                sql += " ORDER BY agency_code, year, serial"
                try db.query(sql, params) { r in ids.append(r.int(0)) }
            }
            for id in ids { try body(try pendingDossier(caseID: id)) }
        }
    }

    /// A case as exchanged, from its row (with the materialised due date and outcome), events and attachments.
    func dossier(caseID id: Int) throws(DisclosureError) -> CaseDossier { try pendingDossier(caseID: id).decoded() }

    /// The same, with the events left as stored text for another thread to decode.
    func pendingDossier(caseID id: Int) throws(DisclosureError) -> PendingDossier {
        guard let head = try db.first("""
            SELECT agency_code, agency_name, year, serial, received, channel, applicant_name, applicant_type, id_number, contact,
                   request, form, note, registered_at, registered_by, due, provisional, outcome, closed_on, registered_by_id,
                   (SELECT late_entry FROM events WHERE case_id = cases.id AND seq = 0),
                   (SELECT letter FROM events WHERE case_id = cases.id AND seq = 0)
            FROM cases WHERE id = ?
            """, id, map: { (r: Row) throws(DisclosureError) -> CaseDossier in
                let application = Application(
                    received: try r.date(4), channel: try Store.vocabulary(r.text(5)),
                    applicant: Applicant(name: r.text(6), type: try Store.vocabulary(r.text(7)), idNumber: r.optionalText(8),
                                         contact: r.optionalText(9)),
                    request: r.text(10), form: try r.optionalText(11).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                    note: r.optionalText(12))
                return CaseDossier(
                    agencyCode: r.text(0), agencyName: r.text(1), number: CaseNumber(year: r.int(2), serial: r.int(3)),
                    application: application, registeredAt: r.text(13),
                    registeredBy: qualified(r.text(14), account: r.isNull(19) ? nil : r.int(19)),
                    events: [], attachments: try loadAttachments(caseID: id),
                    due: try r.optionalDate(15), provisional: r.int(16) != 0,
                    outcome: try r.optionalText(17).map { (s: String) throws(DisclosureError) in try Store.vocabulary(s) },
                    closedOn: try r.optionalDate(18), registrationLateEntry: r.optionalText(20),
                    registrationLetter: r.optionalText(21))
            }) else {
            throw DisclosureError(.unknownCase, field: "CASE", zh: "案件不存在", en: "no such case")
        }
        let events = try db.all("""
            SELECT on_date, actor, recorded_at, payload, account_id, late_entry, letter FROM events
            WHERE case_id = ? AND seq > 0 AND kind NOT IN (\(Store.noteKindList)) ORDER BY seq
            """, id) { (r: Row) throws(DisclosureError) in
            StoredEventText(on: try r.date(0), actor: qualified(r.text(1), account: r.isNull(4) ? nil : r.int(4)),
                            recordedAt: r.text(2), payload: r.text(3), lateEntry: r.optionalText(5),
                            letter: r.optionalText(6))
        }
        return PendingDossier(head: head, events: events)
    }

    // MARK: - Import

    /// What an import is and who makes it, as the journal and each case's history record it.
    public struct ImportContext: Sendable {
        /// SHA-256 of the case file.
        public var file: String
        public var replace: Bool
        /// This office's own export being restored (its own cases are refused otherwise).
        public var restore: Bool
        public var reason: String?
        public var actor: ActorRef
        public var today: CivilDate
        public var now: String
        public init(file: String, replace: Bool, restore: Bool, reason: String?, actor: ActorRef, today: CivilDate,
                    now: String) {
            self.file = file
            self.replace = replace
            self.restore = restore
            self.reason = reason
            self.actor = actor
            self.today = today
            self.now = now
        }
    }

    /// Imports dossiers all or nothing: `produce` hands each validated dossier to the sink it is
    /// given. Any error, from the parser or from a case, leaves the database as it was. The file is
    /// staged first without a lock (see `stagedImport`); only when the office changed meanwhile in a way
    /// the staging depends on is it imported again inside one write transaction.
    public func importDossiers(_ ctx: ImportContext,
                               _ produce: (_ sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) -> Void)
        throws(DisclosureError) -> ImportReport {
        try withImportLease { () throws(DisclosureError) -> ImportReport in
            // An import another process stopped while showing it is finished before this one starts.
            try finishShowingImport(holdingLease: true)
            if let report = try stagedImport(ctx, produce) { return report }
            return try lockedImport(ctx, produce)
        }
    }

    /// The import inside one write transaction, start to end.
    func lockedImport(
        _ ctx: ImportContext,
        _ produce: (_ sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) -> Void
    ) throws(DisclosureError) -> ImportReport {
        try db.writeTransaction { () throws(DisclosureError) in
            var report = ImportReport()
            let locks = try lockedYears()
            try produce { (v: ValidatedDossier) throws(DisclosureError) in
                // Checked on another calendar (a stale one): check again on this office's.
                let replay = v.calendar === calendar ? v : try v.dossier.validated(calendar: calendar, today: v.today)
                let d = replay.dossier
                try checkOwnCode(d, ctx)
                // Another agency's cases are not in this office's report; its own re-imported ones are.
                let counted = d.agencyCode == office.code && !locks.isEmpty
                let version = try versionHere(of: replay, ctx, counted: counted)
                if case .identical = version {
                    report.add(identical: d.identifier)
                    return
                }
                if let (existing, isUpdate) = version.held {
                    let priorHash = try db.first("SELECT hash FROM events WHERE case_id = ? ORDER BY seq DESC LIMIT 1", existing) {
                        $0.text(0)
                    }
                    try appendNote(.superseded(file: ctx.file, reason: ctx.reason), caseID: existing, on: ctx.today,
                                   actor: ctx.actor, now: ctx.now)
                    // Out of the identity index first (pointing at itself, a valid key), then at its successor.
                    try db.run("UPDATE cases SET superseded_by = id, is_open = 0 WHERE id = ?", existing)
                    let newID = try insertDossier(d, replay: replay, ctx: ctx, replaces: priorHash)
                    try db.run("UPDATE cases SET superseded_by = ? WHERE id = ?", newID, existing)
                    report.add(superseding: d.identifier, update: isUpdate)
                } else {
                    if counted { try checkLocks(before: nil, after: replay.state, label: d.identifier) }
                    if d.agencyCode == office.code { try checkSerial(d.number) }
                    _ = try insertDossier(d, replay: replay, ctx: ctx, replaces: nil)
                    report.add(imported: d.identifier)
                }
                if replay.state.clock.due != d.due {
                    report.add(dueDifference: d.identifier, exported: d.due, here: replay.state.clock.due)
                }
            }
            try journalImport(ctx, report, segment: nil)
            return report
        }
    }

    /// What this office already holds of a file's case.
    enum VersionHere {
        case none
        case identical
        /// A different version, which the import may replace (asked for, and no locked year changes),
        /// or update (`update`: another agency's case, which the file's version continues).
        case replaceable(Int, update: Bool)

        /// The version held here that the file's takes the place of, and whether that is an update.
        var held: (id: Int, update: Bool)? {
            if case let .replaceable(id, update) = self { (id, update) } else { nil }
        }
    }

    /// Finds the current version of `replay`'s case here and decides what the import may do with it;
    /// `counted`: its figures are this office's, to be checked against locked years.
    func versionHere(of replay: ValidatedDossier, _ ctx: ImportContext, counted: Bool) throws(DisclosureError)
        -> VersionHere {
        let d = replay.dossier
        guard let existing = try db.first("""
            SELECT id FROM main.cases WHERE agency_code = ? AND year = ? AND serial = ? AND superseded_by IS NULL
            """, d.agencyCode, d.number.year, d.number.serial, map: { $0.int(0) }) else { return .none }
        let held = try dossier(caseID: existing)
        if held.sameContent(as: d) { return .identical }
        // Another agency's case that went on there: its newer export updates the copy, on record.
        // Anything else (this office's cases, a history that differs) is replaced only on purpose.
        let update = d.agencyCode != office.code && d.continues(held)
        guard ctx.replace || update else { throw conflictError(d) }
        if counted {
            try checkLocks(before: try loadRecord(id: existing, calendar: calendar).state, after: replay.state,
                           label: d.identifier)
        }
        return .replaceable(existing, update: update && !ctx.replace)
    }

    /// Records an import in the journal: who, the file, what it did, and where its events joined the chain.
    func journalImport(_ ctx: ImportContext, _ report: ImportReport, segment: ChainSegment?, importID: String? = nil)
        throws(DisclosureError) {
        try appendJournal(kind: ctx.restore ? "restore-cases" : "import", actor: ctx.actor, now: ctx.now,
                          payload: ImportPayload(file: ctx.file, imported: report.importedCount,
                                                 identical: report.identicalCount, replaced: report.replacedCount,
                                                 updated: report.updatedCount,
                                                 restore: ctx.restore, reason: ctx.reason, segment: segment,
                                                 importID: importID))
    }

    /// A file naming this office as its author could forge its numbering and its staff's acts: only
    /// the office's own export, restored by an admin, may carry its code.
    func checkOwnCode(_ d: CaseDossier, _ ctx: ImportContext) throws(DisclosureError) {
        if d.agencyCode == office.code && !ctx.restore {
            throw DisclosureError(.forbidden, field: d.identifier,
                                  zh: "案卷中的案件\(d.identifier)使用本机关的代码\(office.code)；本机关的案件只能由管理员以恢复方式导入本机关自己导出的案卷",
                                  en: "case \(d.identifier) carries this office's own code \(office.code); this "
                                      + "office's cases are "
                                      + "only taken back from its own export, restored by an admin")
        }
    }

    func conflictError(_ d: CaseDossier) -> DisclosureError {
        DisclosureError(.conflict, field: d.identifier,
                        zh: "本库已有案件\(d.identifier)，但内容不同；须明确选择以导入文件为准（原案件保留为已替代记录）",
                        en: "case \(d.identifier) already exists here with different content; the file's version "
                            + "is taken only when replacing is asked for (the old one is kept, marked superseded)")
    }

    /// A restored case of this office must fit its numbering: no gap is opened before it (`after`: the
    /// highest serial of that year already staged).
    func checkSerial(_ n: CaseNumber, after staged: Int = 0) throws(DisclosureError) {
        let stored = try db.first("""
            SELECT COALESCE(MAX(serial), 0) FROM main.cases WHERE agency_code = ? AND year = ? AND superseded_by IS NULL
            """, office.code, n.year) { $0.int(0) } ?? 0
        let next = max(stored, staged) + 1
        if n.serial == next { return }
        // A case a restore took away may come back into its own number (asked only off the usual path).
        let gaps = try restoreGaps()[n.year] ?? []
        var inGap = false
        if gaps.contains(where: { $0.contains(n.serial) }) {
            let taken =
                try db.first(
                    "SELECT 1 FROM main.cases WHERE agency_code = ? AND year = ? AND serial = ?", office.code, n.year,
                    n.serial
                ) { _ in true } ?? false
            inGap = !taken
        }
        if !inGap {
            throw DisclosureError(.ruleViolation, field: "\(office.code)/\(n.local)",
                                  zh: "恢复的案件\(n)不接续本机关\(n.year)年的编号（下一个应为\(n.year)-\(next)）",
                                  en: "restored case \(n) does not continue this office's \(n.year) numbering (next is \(n.year)-\(next))")
        }
    }

    /// How a case file names who did a step (version 2): this office's staff as `CODE/account`, so that
    /// in another office they can never be taken for one of its own; names with no account as recorded.
    func qualified(_ name: String, account: Int?) -> String {
        account == nil ? name : "\(office.code)/\(name)"
    }

    /// Inserts a case with its events as recorded where it came from (actors and recorded times kept).
    private func insertDossier(_ d: CaseDossier, replay: ValidatedDossier, ctx: ImportContext,
                               replaces: String?) throws(DisclosureError) -> Int {
        let a = d.application
        // A superseded row keeps the identity columns, so the partial unique index admits the new one.
        // Inserted with its final state at once: one statement, not an insert and an update.
        let facts: [SQLBindable] = [d.agencyCode, d.agencyName, d.number.year, d.number.serial, a.received, a.channel.rawValue,
                                    a.applicant.name, a.applicant.type.rawValue, a.applicant.idNumber, a.applicant.contact,
                                    a.request, a.form?.rawValue, a.note, d.registeredAt, d.registeredBy]
        try db.query("""
            INSERT INTO cases (agency_code, agency_name, year, serial, received, channel, applicant_name, applicant_type,
                id_number, contact, request, form, note, registered_at, registered_by, \(Store.materialisedColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, facts + (try materialisedValues(replay.state))) { _ in }
        let id = Int(db.lastInsertRowID)
        try materialiseRemedies(id: id, state: replay.state, fresh: true)
        let label = number(agency: d.agencyCode, year: d.number.year, serial: d.number.serial)
        try appendEvent(caseID: id, number: label, seq: 0, kind: "registered", on: a.received, actor: d.registeredBy,
                        now: d.registeredAt, payload: replay.payloads[0], dueBefore: nil, dueAfter: replay.dues[0],
                        lateEntry: d.registrationLateEntry, letter: d.registrationLetter)
        for (i, e) in d.events.enumerated() {
            try appendEvent(caseID: id, number: label, seq: i + 1, kind: e.event.action.kind, on: e.event.on, actor: e.event.actor,
                            now: e.recordedAt, payload: replay.payloads[i + 1],
                            dueBefore: replay.dues[i], dueAfter: replay.dues[i + 1], lateEntry: e.event.lateEntry,
                            letter: e.event.letter)
        }
        try noteLetters(ownLetters(of: d))
        if d.registrationLateEntry != nil || d.events.contains(where: { $0.event.lateEntry != nil }) {
            try db.run("UPDATE cases SET late_entries = (SELECT COUNT(*) FROM events WHERE case_id = ?1 AND late_entry IS NOT NULL) WHERE id = ?1",
                       id)
        }
        for att in d.attachments {
            try insertAttachment(caseID: id, att.info, content: att.content, addedByID: nil, noteBy: ctx.actor, on: ctx.today)
        }
        try appendNote(.imported(file: ctx.file, replaces: replaces, reason: ctx.reason, restore: ctx.restore), caseID: id,
                       on: ctx.today, actor: ctx.actor, now: ctx.now)
        return id
    }
}

/// A BLOB parameter.
struct SQLBlob: SQLBindable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var sqlValue: SQLValue { .blob(bytes) }
}
