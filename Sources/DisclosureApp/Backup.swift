import DisclosureCore
import DisclosureFiles
import DisclosureStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A backup as taken: where, its digest and the chains it holds.
public struct BackupResult: Sendable {
    public let path: String
    public let sha256: String
    public let head: ChainHead
}

/// A restore as done: the chains replaced and the ones returned to.
public struct RestoreResult: Sendable {
    public let replaced: ChainHead
    public let restored: ChainHead
    /// This office's cases registered after the backup, which the restore took away (the first 1,000).
    public let lostCount: Int
    public let lost: [CaseNumber]
    /// The number the next case of each year a case was lost in will get.
    public let nextSerials: [Int: Int]
    /// Where the database it replaced is kept.
    public let kept: String
}

extension Desk {
    /// Writes a consistent copy of the database (mode 0600, never over an existing file unless
    /// `force`), checks it, and records the backup in the journal.
    public func backup(to path: String, force: Bool = false) throws(DisclosureError) -> BackupResult {
        let account = try signedIn(.backup, reading: true)
        let file = try OutputFile(path: path, force: force, protecting: databaseFiles, named: true)
        guard let temporary = file.temporaryPath else {
            throw DisclosureError(.io, field: "FILE", zh: "无法创建临时文件", en: "cannot create a temporary file")
        }
        let head = try store.backup(intoEmptyFile: temporary)
        // The copy must open as ours, be whole, and end where the database ended when it was taken.
        let copy = try Store.open(path: temporary, readOnly: true)
        if let problem = try copy.integrityProblem() {
            throw DisclosureError(
                .storage, field: "FILE", zh: "备份校验失败：\(problem)", en: "the backup failed its check: \(problem)")
        }
        guard try copy.chainHead() == head else {
            throw DisclosureError(
                .storage, field: "FILE", zh: "备份与数据库的哈希链不一致，未保存",
                en: "the backup's chains differ from the database's; it was not kept")
        }
        try file.commit()
        for suffix in ["-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        let digest = try FileReading.sha256(path: path)
        try store.recordBackup(file: digest, head: head, actor: ref(account), now: clock.now().stamp)
        return BackupResult(path: path, sha256: digest, head: head)
    }

    /// Puts a verified backup of this same database in its place, recording in it the restore, the
    /// reason and the chains it replaced, so that checkpoints tell it from a silent rollback.
    /// The office key signs the restore record, so that no one without it can explain away a rollback.
    public func restore(from path: String, reason: String, key: CheckpointKey) throws(DisclosureError)
        -> RestoreResult
    {
        let account = try signedIn(.restore)
        try TextField.requireLine(reason, field: "reason", max: 2_000)
        guard !reason.isEmpty else {
            throw DisclosureError(.missingField, field: "reason", zh: "恢复须说明理由", en: "a restore needs a reason")
        }
        let digest = try FileReading.sha256(path: path)
        let source = try Store.open(path: path, readOnly: true)
        // The restore is noted in a private copy, and the copy, checked as it will stand, replaces the
        // database in one step: a crash leaves the old database or the restored one with its note.
        let staging = try OutputFile(path: store.path + ".restore", force: true, named: true)
        guard let temporary = staging.temporaryPath else {
            throw DisclosureError(.io, field: "FILE", zh: "无法创建临时文件", en: "cannot create a temporary file")
        }
        defer { for suffix in ["-wal", "-shm", "-journal"] { unlink(temporary + suffix) } }
        _ = try source.backup(intoEmptyFile: temporary)
        let copy = try Store.open(path: temporary)
        guard copy.office.code == store.office.code, try copy.instanceID() == (try store.instanceID()) else {
            throw DisclosureError(
                .ruleViolation, field: "FILE", zh: "\(path) 不是本数据库的备份（机关或数据库标识不同）",
                en: "\(path) is not a backup of this database (another office or database)")
        }
        if let first = try copy.verifyAudit().firstBreak {
            throw DisclosureError(
                .ruleViolation, field: "FILE", zh: "备份未通过审计，不能恢复：\(first.zh)",
                en: "the backup fails the audit and is not restored: \(first.en)")
        }
        let replaced = try store.chainHead()
        let issued = try store.issuedSerials()
        let lost = try store.ownCases(after: try copy.issuedSerials(), limit: 1000)
        let now = clock.now().stamp
        let instance = try store.instanceID()
        let office = store.office.code
        try copy.noteRestore(
            reason: reason, file: digest, replaced: replaced, issued: issued, letters: try store.letterCounters(),
            actor: ref(account), now: now
        ) {
            (backup: ChainHead) throws(DisclosureError) in
            let text = restoreStatement(
                office: office, instance: instance, at: now, file: digest, reason: reason, replaced: replaced,
                backup: backup)
            return (Data(key.publicKey).base64EncodedString(), Data(try key.sign(text)).base64EncodedString())
        }
        // What it replaces is kept beside it, and a step recorded meanwhile stops the restore.
        let kept = store.path + ".replaced-" + now.prefix(19).replacingOccurrences(of: ":", with: "")
        let keep = try OutputFile(path: kept, force: false, named: true)
        if let t = keep.temporaryPath {
            _ = try store.backup(intoEmptyFile: t)
            for suffix in ["-wal", "-shm", "-journal"] { unlink(t + suffix) }
        }
        guard try store.chainHead() == replaced else {
            throw DisclosureError(
                .conflict, field: "database", zh: "恢复期间有人记录了新的步骤，未恢复；请稍后重试",
                en: "someone recorded a step during the restore; nothing was restored, try again")
        }
        try keep.commit()
        try store.replaceContent(with: copy)
        let restored = try store.chainHead()
        let years = Set(lost.first.map(\.year))
        return RestoreResult(
            replaced: replaced, restored: restored, lostCount: lost.count, lost: lost.first,
            nextSerials: Dictionary(uniqueKeysWithValues: years.map { ($0, (issued[$0] ?? 0) + 1) }), kept: kept)
    }
}
