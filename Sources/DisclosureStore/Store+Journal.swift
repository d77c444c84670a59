import DisclosureCore
import Foundation

/// A change to a case that is not a procedural step, kept in the case's history and hash chain.
public enum RecordNote: Sendable, Hashable {
    /// A document filed with the case.
    case attached(seq: Int, kind: AttachmentKind, name: String, size: Int, sha256: String)
    /// An official calendar was imported and moved this case's dates (`due_before`/`due_after`).
    case calendarChanged(year: Int, file: String)
    /// The case came from a case file (SHA-256 `file`); `replaces` is the superseded version's last hash.
    case imported(file: String, replaces: String?, reason: String?, restore: Bool)
    /// This version was replaced by the one in case file `file`.
    case superseded(file: String, reason: String?)

    /// The kinds the store writes; never a kind of a procedural step.
    static let kinds: Set<String> = ["attached", "calendar-changed", "imported", "superseded"]
    static let sqlList = kinds.sorted().map { "'\($0)'" }.joined(separator: ", ")

    /// The stored kind.
    public var kind: String {
        switch self {
        case .attached: "attached"
        case .calendarChanged: "calendar-changed"
        case .imported: "imported"
        case .superseded: "superseded"
        }
    }

    /// The note in words, for histories.
    public var summary: Text {
        switch self {
        case .attached(let seq, let kind, let name, let size, let sha256):
            Text(
                zh: "添加第\(seq)号附件（\(kind.label.zh)）“\(name)”，\(size)字节，SHA-256 \(sha256.prefix(16))…",
                en: "attachment \(seq) (\(kind.label.en)) “\(name)” added, \(size) bytes, SHA-256 \(sha256.prefix(16))…"
            )
        case .calendarChanged(let year, let file):
            Text(
                zh: "导入\(year)年节假日安排（文件SHA-256 \(file.prefix(16))…），本案期限随之重算",
                en:
                    "the \(year) holiday calendar was imported (file SHA-256 \(file.prefix(16))…); this case's "
                        + "dates were recomputed"
            )
        case .imported(let file, let replaces, let reason, let restore):
            Text(
                zh: (restore ? "从本机关导出的案卷恢复" : "从案卷文件导入") + "（文件SHA-256 \(file)）"
                    + (replaces.map { "，替代原记录（末条哈希 \($0)）" } ?? "") + (reason.map { "；理由：\($0)" } ?? ""),
                en: (restore ? "restored from this office's own case file" : "imported from a case file")
                    + " (file SHA-256 \(file))"
                    + (replaces.map { ", replacing the earlier version (last hash \($0))" } ?? "")
                    + (reason.map { "; reason: \($0)" } ?? ""))
        case .superseded(let file, let reason):
            Text(
                zh: "本记录被导入的案卷（文件SHA-256 \(file)）替代" + (reason.map { "；理由：\($0)" } ?? ""),
                en: "this version was replaced by an imported case file (SHA-256 \(file))"
                    + (reason.map { "; reason: \($0)" } ?? ""))
        }
    }

    private struct Payload: Codable {
        var seq: Int?
        var kind: String?
        var name: String?
        var size: Int?
        var sha256: String?
        var year: Int?
        var file: String?
        var replaces: String?
        var reason: String?
        var restore: Bool?
    }

    func encoded(_ store: Store) throws(DisclosureError) -> String {
        switch self {
        case .attached(let seq, let kind, let name, let size, let sha256):
            try store.encode(Payload(seq: seq, kind: kind.rawValue, name: name, size: size, sha256: sha256))
        case .calendarChanged(let year, let file):
            try store.encode(Payload(year: year, file: file))
        case .imported(let file, let replaces, let reason, let restore):
            try store.encode(Payload(file: file, replaces: replaces, reason: reason, restore: restore))
        case .superseded(let file, let reason):
            try store.encode(Payload(file: file, reason: reason))
        }
    }

    static func decode(kind: String, _ text: String) throws(DisclosureError) -> RecordNote {
        let p: Payload = try Store.decodeJSON(text)
        switch kind {
        case "attached":
            guard let seq = p.seq, let k = p.kind.flatMap(AttachmentKind.init(rawValue:)), let name = p.name,
                let size = p.size, let sha = p.sha256
            else { break }
            return .attached(seq: seq, kind: k, name: name, size: size, sha256: sha)
        case "calendar-changed":
            guard let year = p.year, let file = p.file else { break }
            return .calendarChanged(year: year, file: file)
        case "imported":
            guard let file = p.file else { break }
            return .imported(file: file, replaces: p.replaces, reason: p.reason, restore: p.restore ?? false)
        case "superseded":
            guard let file = p.file else { break }
            return .superseded(file: file, reason: p.reason)
        default: break
        }
        throw DisclosureError(
            .storage, zh: "数据库中的“\(kind)”记录无法读取（文件可能被改动）",
            en: "a stored “\(kind)” record cannot be read (the file may have been altered)")
    }
}

/// One entry of the office journal, as `audit journal` lists it.
public struct JournalEntry: Sendable, Hashable {
    public let id: Int
    public let kind: String
    public let actor: String
    public let accountID: Int?
    public let recordedAt: String
    /// The entry's facts as stored (JSON).
    public let payload: String
    public let hash: String
}

// MARK: - Snapshots of what lives outside the case chain

/// The office row.
struct OfficeSnapshot: Codable, Equatable {
    var name: String
    var code: String
    var createdAt: String
    var instanceID: String
    var passwordCost: Int
    /// Set only when the office requires TOTP of heads and admins, so that older entries read the same.
    var totpRequired: Bool?
    /// Set only once the office has its own prefix of document numbers.
    var letterPrefix: String?
}

/// One calendar year, by the digest of its stored text.
struct CalendarSnapshot: Codable, Equatable {
    var year: Int
    var source: String
    var origin: String
    var sha256: String
}

/// One row of `report_locks`.
struct LockSnapshot: Codable, Equatable {
    var id: Int
    var year: Int
    var lockedAt: String
    var lockedBy: String
    var unlockedAt: String?
    var unlockedBy: String?
    var reason: String?
    /// Digests of the report inputs and facts kept with the lock (absent before migration 15).
    var inputs: String?
    var facts: String?
}

/// One account, its password hash by digest (the hash itself stays out of the journal).
struct AccountSnapshot: Codable, Equatable {
    var id: Int
    var name: String
    var nameKey: String
    var roles: String
    var email: String?
    var disabled: Bool
    var legacy: Bool
    var createdAt: String
    var password: String?
    /// The digest of the TOTP secret, when the account has one (absent in older entries).
    var totp: String?
}

/// The attachments stored before the journal began, by one digest over their rows.
struct AttachmentsSnapshot: Codable, Equatable {
    var count: Int
    var lastID: Int
    var sha256: String
}

/// A case version superseded before the journal began.
struct SupersededSnapshot: Codable, Equatable, Hashable {
    var caseID: Int
    var by: Int
}

/// Everything outside the case chain, as it stood when the journal began.
struct BaselinePayload: Codable, Equatable {
    var office: OfficeSnapshot
    var calendars: [CalendarSnapshot]
    var locks: [LockSnapshot]
    var accounts: [AccountSnapshot]
    var attachments: AttachmentsSnapshot
    var superseded: [SupersededSnapshot]
    /// Events recorded before the journal began: their hashes do not cover their due dates.
    var eventsBefore: Int?
    /// Rows of `staff_events` before the journal began; each later one has its journal entry.
    var staffEventsBefore: Int?
}

struct StaffPayload: Codable {
    var change: String
    var detail: String
    var account: AccountSnapshot
}

struct LockPayload: Codable {
    var lock: LockSnapshot
}

struct CalendarPayload: Codable {
    var calendar: CalendarSnapshot
    var file: String
    var changed: Int
    var reason: String?
}

/// The journal's record of an import; `segment` where its events were staged (see `stagedImport`).
struct ImportPayload: Codable {
    var file: String
    var imported: Int
    var identical: Int
    var replaced: Int
    /// Another agency's cases brought up to date (absent in entries written before there were updates).
    var updated: Int?
    var restore: Bool
    var reason: String?
    var segment: ChainSegment?
    /// Set when the cases were copied in parts (`import-part` entries with the same id).
    var importID: String?
}

/// One part of an import copied in parts: its cases (hidden until the import's own entry) and events.
struct ImportPartPayload: Codable {
    var importID: String
    var file: String
    var firstCase: Int
    var lastCase: Int
    var segment: ChainSegment
}

extension Store {
    static var noteKindList: String { RecordNote.sqlList }

    static func snapshotOffice(_ db: Connection) throws(DisclosureError) -> OfficeSnapshot? {
        try db.first(
            """
            SELECT name, code, created_at, instance_id, password_cost, totp_required, letter_prefix
            FROM office WHERE id = 1
            """
        ) {
            OfficeSnapshot(
                name: $0.text(0), code: $0.text(1), createdAt: $0.text(2), instanceID: $0.text(3),
                passwordCost: $0.int(4), totpRequired: $0.int(5) != 0 ? true : nil, letterPrefix: $0.optionalText(6))
        }
    }

    static func snapshotCalendars(_ db: Connection) throws(DisclosureError) -> [CalendarSnapshot] {
        try db.all("SELECT year, source, origin, body FROM calendar_year ORDER BY year") {
            CalendarSnapshot(
                year: $0.int(0), source: $0.text(1), origin: $0.text(2), sha256: SHA256.hex(Array($0.text(3).utf8)))
        }
    }

    static func snapshotLocks(_ db: Connection) throws(DisclosureError) -> [LockSnapshot] {
        try db.all(
            """
            SELECT id, year, locked_at, locked_by, unlocked_at, unlocked_by, reason, inputs, facts FROM report_locks
            ORDER BY id
            """
        ) {
            LockSnapshot(
                id: $0.int(0), year: $0.int(1), lockedAt: $0.text(2), lockedBy: $0.text(3),
                unlockedAt: $0.optionalText(4), unlockedBy: $0.optionalText(5), reason: $0.optionalText(6),
                inputs: $0.optionalText(7).map { SHA256.hex(Array($0.utf8)) },
                facts: $0.optionalText(8).map { SHA256.hex(Array($0.utf8)) })
        }
    }

    static let accountSnapshotColumns =
        "id, name, name_key, roles, email, disabled, legacy, created_at, password_hash, totp_secret"

    static func accountSnapshot(_ r: Row) -> AccountSnapshot {
        AccountSnapshot(
            id: r.int(0), name: r.text(1), nameKey: r.text(2), roles: r.text(3), email: r.optionalText(4),
            disabled: r.int(5) != 0, legacy: r.int(6) != 0, createdAt: r.text(7),
            password: r.optionalText(8).map { SHA256.hex(Array($0.utf8)) },
            totp: r.optionalText(9).map { SHA256.hex(Array($0.utf8)) })
    }

    static func snapshotAccounts(_ db: Connection) throws(DisclosureError) -> [AccountSnapshot] {
        try db.all("SELECT \(accountSnapshotColumns) FROM accounts ORDER BY id") { accountSnapshot($0) }
    }

    /// The digest of attachment rows up to `lastID` (all when nil), content excluded: the content is
    /// checked against each row's own SHA-256.
    static func snapshotAttachments(
        _ db: Connection, through lastID: Int? = nil
    ) throws(DisclosureError) -> AttachmentsSnapshot {
        var h = SHA256()
        var count = 0
        var last = 0
        try db.query(
            """
            SELECT id, case_id, seq, kind, name, size, sha256, added_at, added_by FROM attachments
            WHERE id <= ? ORDER BY id
            """, [lastID ?? Int.max]
        ) { r in
            count += 1
            last = r.int(0)
            h.update(
                utf8: [
                    r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7), r.text(8),
                ]
                .joined(separator: "\u{1F}") + "\u{1E}")
        }
        return AttachmentsSnapshot(count: count, lastID: lastID ?? last, sha256: SHA256.hexString(h.finalize()))
    }

    static func snapshotSuperseded(_ db: Connection) throws(DisclosureError) -> [SupersededSnapshot] {
        try db.all("SELECT id, superseded_by FROM cases WHERE superseded_by IS NOT NULL ORDER BY id") {
            SupersededSnapshot(caseID: $0.int(0), by: $0.int(1))
        }
    }

    static func baseline(_ db: Connection) throws(DisclosureError) -> BaselinePayload? {
        guard let office = try snapshotOffice(db) else { return nil }
        return BaselinePayload(
            office: office, calendars: try snapshotCalendars(db), locks: try snapshotLocks(db),
            accounts: try snapshotAccounts(db), attachments: try snapshotAttachments(db),
            superseded: try snapshotSuperseded(db),
            eventsBefore: try db.first("SELECT COALESCE(MAX(id), 0) FROM events") { $0.int(0) } ?? 0,
            staffEventsBefore: try db.first("SELECT COALESCE(MAX(id), 0) FROM staff_events") { $0.int(0) } ?? 0)
    }

    /// Begins the journal with what stands now, once (inside the caller's write transaction).
    static func writeBaselineIfMissing(_ db: Connection, kind: String, now: String?) throws(DisclosureError) {
        guard try db.first("SELECT 1 FROM journal LIMIT 1", map: { _ in true }) == nil,
            let payload = try baseline(db)
        else { return }
        let stamp: String
        if let now {
            stamp = now
        } else {
            stamp = try db.first("SELECT strftime('%Y-%m-%dT%H:%M:%S+08:00', 'now', '+8 hours')") { $0.text(0) } ?? ""
        }
        try appendJournal(db, kind: kind, actor: "", accountID: nil, now: stamp, payload: try encodeJSON(payload))
    }

    /// Appends an entry to the office journal (inside the caller's write transaction).
    func appendJournal(kind: String, actor: ActorRef?, now: String, payload: some Encodable) throws(DisclosureError) {
        try Store.appendJournal(
            db, kind: kind, actor: actor?.name ?? "", accountID: actor?.accountID, now: now,
            payload: try encode(payload))
    }

    static func appendJournal(
        _ db: Connection, kind: String, actor: String, accountID: Int?, now: String,
        payload: String
    ) throws(DisclosureError) {
        let last = try db.first("SELECT id, hash FROM journal ORDER BY id DESC LIMIT 1") { ($0.int(0), $0.text(1)) }
        let id = (last?.0 ?? 0) + 1
        let prev = last?.1 ?? genesisHash
        let h = journalHash(
            prev: prev, id: id, kind: kind, actor: actor, accountID: accountID, recordedAt: now, payload: payload)
        try db.run(
            """
            INSERT INTO journal (id, kind, actor, account_id, recorded_at, payload, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, id, kind, actor, accountID, now, payload, prev, h)
    }

    static func journalHash(
        prev: String, id: Int, kind: String, actor: String, accountID: Int?, recordedAt: String,
        payload: String
    ) -> String {
        var h = SHA256()
        let fields = ["journal", prev, String(id), kind, actor, accountID.map(String.init) ?? "", recordedAt, payload]
        for (i, field) in fields.enumerated() {
            if i > 0 { h.update([0x1F]) }
            h.update(utf8: field)
        }
        return SHA256.hexString(h.finalize())
    }

    static func encodeJSON<T: Encodable>(_ value: T) throws(DisclosureError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw DisclosureError(.storage, zh: "无法编码记录：\(error)", en: "cannot encode the record: \(error)")
        }
    }

    /// The office journal, oldest first.
    public func journal() throws(DisclosureError) -> [JournalEntry] {
        try db.all("SELECT id, kind, actor, account_id, recorded_at, payload, hash FROM journal ORDER BY id") {
            JournalEntry(
                id: $0.int(0), kind: $0.text(1), actor: $0.text(2), accountID: $0.isNull(3) ? nil : $0.int(3),
                recordedAt: $0.text(4), payload: $0.text(5), hash: $0.text(6))
        }
    }

    /// Appends a note to a case's history (inside the caller's write transaction).
    func appendNote(
        _ note: RecordNote, caseID: Int, on day: CivilDate, actor: ActorRef?, now: String,
        dueBefore: CivilDate? = nil, dueAfter: CivilDate? = nil
    ) throws(DisclosureError) {
        let head = try db.first("SELECT agency_code, year, serial FROM cases WHERE id = ?", caseID) {
            ($0.text(0), $0.int(1), $0.int(2))
        }
        guard let head else {
            throw DisclosureError(.unknownCase, field: "CASE", zh: "案件不存在", en: "no such case")
        }
        let seq = try db.first("SELECT MAX(seq) + 1 FROM events WHERE case_id = ?", caseID) { $0.int(0) } ?? 1
        try appendEvent(
            caseID: caseID, number: number(agency: head.0, year: head.1, serial: head.2), seq: seq,
            kind: note.kind, on: day, actor: actor?.name ?? "", now: now, payload: try note.encoded(self),
            dueBefore: dueBefore, dueAfter: dueAfter, accountID: actor?.accountID)
    }
}

struct CheckpointPayload: Codable {
    var line: String
}

extension Store {
    /// Keeps a signed checkpoint line in the journal (after the heads it signs).
    public func recordCheckpoint(line: String, actor: ActorRef, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try appendJournal(kind: "checkpoint", actor: actor, now: now, payload: CheckpointPayload(line: line))
        }
    }

    /// When the newest checkpoint was signed, if any was.
    public func lastCheckpointTime() throws(DisclosureError) -> String? {
        try db.first("SELECT recorded_at FROM journal WHERE kind = 'checkpoint' ORDER BY id DESC LIMIT 1") {
            $0.text(0)
        }
    }
}
