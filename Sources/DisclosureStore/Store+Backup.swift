import CSQLite
import DisclosureCore

#if canImport(Glibc)
    import Glibc
#endif

extension Store {
    /// Where both chains end now.
    public func chainHead() throws(DisclosureError) -> ChainHead {
        try db.readTransaction { () throws(DisclosureError) -> ChainHead in try currentHead() }
    }

    func currentHead() throws(DisclosureError) -> ChainHead {
        let events = try db.first("SELECT COUNT(*), (SELECT hash FROM events ORDER BY id DESC LIMIT 1) FROM events") {
            ($0.int(0), $0.optionalText(1) ?? Store.genesisHash)
        }
        let journal = try db.first("SELECT COUNT(*), (SELECT hash FROM journal ORDER BY id DESC LIMIT 1) FROM journal")
        {
            ($0.int(0), $0.optionalText(1) ?? Store.genesisHash)
        }
        return ChainHead(
            events: events?.0 ?? 0, eventsHash: events?.1 ?? Store.genesisHash,
            journal: journal?.0 ?? 0, journalHash: journal?.1 ?? Store.genesisHash)
    }

    /// Copies the whole database, consistent while others write, into the (empty) file at `path`,
    /// and returns the chains the copy holds.
    public func backup(intoEmptyFile path: String) throws(DisclosureError) -> ChainHead {
        let target = try Connection(path: path)
        return try db.readTransaction { () throws(DisclosureError) -> ChainHead in
            let head = try currentHead()
            try Store.copy(from: db, to: target, label: path)
            return head
        }
    }

    /// Records that a backup was taken (who, the file's digest and the chains it holds).
    public func recordBackup(file: String, head: ChainHead, actor: ActorRef, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try appendJournal(kind: "backup", actor: actor, now: now, payload: BackupPayload(file: file, backup: head))
        }
    }

    /// Notes a restore in a prepared copy (`self`, opened on that copy) before it replaces the live
    /// database; `sign` signs the statement of what the restore replaced and returned to.
    public func noteRestore(
        reason: String, file: String, replaced: ChainHead, issued: [Int: Int], letters: [LetterCounter] = [],
        actor: ActorRef, now: String,
        sign: (_ backup: ChainHead) throws(DisclosureError) -> (publicKey: String, signature: String)
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            let backup = try currentHead()
            let signed = try sign(backup)
            let inBackup = try issuedSerials()
            // Letters numbered after the backup may be in applicants' hands: their numbers stay taken.
            try raiseLetterCounters(letters)
            // The account may not exist in the copy: the name is kept, the reference is not.
            try appendJournal(
                kind: "restore", actor: ActorRef(name: actor.name, accountID: nil), now: now,
                payload: RestorePayload(
                    reason: reason, file: file, replaced: replaced, backup: backup, signedAt: now,
                    publicKey: signed.publicKey, signature: signed.signature,
                    issued: Dictionary(uniqueKeysWithValues: issued.map { (String($0.key), $0.value) }),
                    inBackup: Dictionary(uniqueKeysWithValues: inBackup.map { (String($0.key), $0.value) })))
        }
    }

    /// The highest serial of each year this office has given, to a case here or to one a restore
    /// took away (the numbers a receipt may already carry).
    public func issuedSerials() throws(DisclosureError) -> [Int: Int] {
        var out: [Int: Int] = [:]
        try db.query("SELECT year, MAX(serial) FROM cases WHERE agency_code = ? GROUP BY year", [office.code]) {
            out[$0.int(0)] = $0.int(1)
        }
        for (year, gaps) in try restoreGaps() {
            for g in gaps { out[year] = max(out[year] ?? 0, g.upperBound) }
        }
        return out
    }

    /// This office's cases with serials above `serials` of their year: those a backup made then lacks.
    public func ownCases(after serials: [Int: Int], limit: Int) throws(DisclosureError)
        -> (count: Int, first: [CaseNumber])
    {
        var count = 0
        var first: [CaseNumber] = []
        try db.query(
            "SELECT year, serial FROM cases WHERE agency_code = ? AND superseded_by IS NULL ORDER BY year, serial",
            [office.code]
        ) { r in
            let n = CaseNumber(year: r.int(0), serial: r.int(1))
            guard n.serial > (serials[n.year] ?? 0) else { return }
            count += 1
            if first.count < limit { first.append(n) }
        }
        return (count, first)
    }

    /// The serials of each year given to cases a restore took away, as the journal's restores record
    /// them: never given again, and a gap the numbering check allows.
    func restoreGaps() throws(DisclosureError) -> [Int: [ClosedRange<Int>]] {
        var gaps: [Int: [ClosedRange<Int>]] = [:]
        try db.query("SELECT payload FROM journal WHERE kind = 'restore' ORDER BY id", []) {
            (r: Row) throws(DisclosureError) in
            // A payload that does not read, or numbers out of range, excuses nothing (verify reports it).
            guard let p = try? Store.decodeJSON(r.text(0)) as RestorePayload else { return }
            for (key, issued) in p.issued ?? [:] {
                guard let year = Int(key) else { continue }
                let kept = p.inBackup?[key] ?? 0
                guard (0...CaseNumber.maxSerial).contains(issued), (0...CaseNumber.maxSerial).contains(kept) else {
                    continue
                }
                if issued > kept { gaps[year, default: []].append((kept + 1)...issued) }
            }
        }
        return gaps
    }

    /// Replaces this database's whole content with `source`'s in one step under the write lock.
    public func replaceContent(with source: Store) throws(DisclosureError) {
        // Not while an import shows its parts: they would land in, or be shown over, the restored file.
        try withImportLease { () throws(DisclosureError) in try Store.copy(from: source.db, to: db, label: path) }
    }

    /// Whether SQLite finds the file whole.
    public func integrityProblem() throws(DisclosureError) -> String? {
        let result = try db.first("PRAGMA integrity_check") { $0.text(0) } ?? ""
        return result == "ok" ? nil : result
    }

    static func copy(from source: Connection, to target: Connection, label: String) throws(DisclosureError) {
        guard let b = sqlite3_backup_init(target.handle, "main", source.handle, "main") else {
            let msg = String(cString: sqlite3_errmsg(target.handle))
            throw DisclosureError(
                .storage, field: "database", zh: "无法复制数据库到 \(label)：\(msg)",
                en: "cannot copy the database to \(label): \(msg)")
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(b, -1)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { usleep(50_000) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        let done = sqlite3_backup_finish(b)
        guard rc == SQLITE_DONE, done == SQLITE_OK else {
            let msg = String(cString: sqlite3_errmsg(target.handle))
            throw DisclosureError(
                .storage, field: "database", zh: "复制数据库到 \(label) 失败：\(msg)",
                en: "copying the database to \(label) failed: \(msg)")
        }
    }
}

struct BackupPayload: Codable {
    var file: String
    var backup: ChainHead
}
