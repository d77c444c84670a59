import DisclosureCore
import Foundation
import Testing

/// An office with a replied case under 行政复议, an attachment, a locked year and a consultation.
private func evidenceOffice() throws -> Office {
    let o = try populatedOffice()
    try o.ok(["remedy", "file", "2026-2", "--kind", "reconsideration", "--body", "测试市人民政府", "--on", "2026-03-20"])
    return o
}

/// A copy of the office's database, to attack without touching the original.
private func copy(_ o: Office, _ name: String) throws -> String {
    let path = o.dir.appendingPathComponent(name).path
    _ = try sh("sqlite3 '\(o.db)' \".backup '\(path)'\"", in: o.dir)
    return path
}

/// The event hash as the program computes it (fields joined by U+001F, tagged extras when present).
private func eventHash(_ prev: String, _ r: [String: Any]) -> String {
    var h = SHA256()
    let fields = [
        prev, r["label"] as? String ?? "", String(r["seq"] as? Int ?? 0), r["kind"] as? String ?? "",
        r["on_date"] as? String ?? "", r["actor"] as? String ?? "", r["recorded_at"] as? String ?? "",
        r["payload"] as? String ?? "",
    ]
    for (i, f) in fields.enumerated() {
        if i > 0 { h.update([0x1F]) }
        h.update(utf8: f)
    }
    if let account = r["account_id"] as? Int {
        h.update([0x1F])
        h.update(utf8: "account:\(account)")
    }
    if let late = r["late_entry"] as? String {
        h.update([0x1F])
        h.update(utf8: "late:" + late)
    }
    // Every event of these offices was recorded since the journal began: the hash covers its due dates.
    h.update([0x1F])
    h.update(utf8: "dues:\(r["due_before"] as? String ?? "")>\(r["due_after"] as? String ?? "")")
    if let letter = r["letter"] as? String {
        h.update([0x1F])
        h.update(utf8: "letter:" + letter)
    }
    return SHA256.hexString(h.finalize())
}

/// What an insider with the sqlite3 shell and twenty lines of script does: drop the guards, change
/// the database with `sql`, then recompute every hash of the event chain so that it links again.
private func rewriteAndRechain(_ db: String, _ sql: String, in dir: URL) throws {
    _ = try sh("sqlite3 '\(db)' \"DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; \(sql)\"", in: dir)
    let json = try sh(
        """
        sqlite3 -json '\(db)' "SELECT e.id, e.seq, e.kind, e.on_date, e.actor, e.recorded_at, e.payload, e.account_id, \
        e.late_entry, e.due_before, e.due_after, e.letter, printf('%d-%06d', c.year, c.serial) AS label \
        FROM events e JOIN cases c ON c.id = e.case_id ORDER BY e.id"
        """, in: dir)
    let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
    var prev = String(repeating: "0", count: 64)
    var script = "BEGIN;\n"
    for r in rows {
        let h = eventHash(prev, r)
        script += "UPDATE events SET prev_hash = '\(prev)', hash = '\(h)' WHERE id = \(r["id"] as? Int ?? 0);\n"
        prev = h
    }
    let file = dir.appendingPathComponent("rechain.sql")
    // …and puts the guards back, so that nothing looks amiss.
    script += guards
    try (script + "COMMIT;\n").write(to: file, atomically: true, encoding: .utf8)
    _ = try sh("sqlite3 '\(db)' < '\(file.path)'", in: dir)
}

/// The append-only triggers as the schema makes them.
private let guards = """
    DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;
    DROP TRIGGER IF EXISTS attachments_no_delete; DROP TRIGGER IF EXISTS journal_no_update;
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
    CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
    BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
    CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;

    """

/// The journal hash as the program computes it.
private func journalHash(_ prev: String, _ id: Int, _ kind: String, _ actor: String, _ account: Int?, _ at: String,
                         _ payload: String) -> String {
    var h = SHA256()
    let fields = ["journal", prev, String(id), kind, actor, account.map(String.init) ?? "", at, payload]
    for (i, f) in fields.enumerated() {
        if i > 0 { h.update([0x1F]) }
        h.update(utf8: f)
    }
    return SHA256.hexString(h.finalize())
}

/// Appends a journal entry, hashed as the program would, with the sqlite3 shell.
private func forgeJournal(_ db: String, kind: String, payload: String, in dir: URL) throws {
    let last = try sh("sqlite3 -separator '|' '\(db)' 'SELECT id, hash, recorded_at FROM journal ORDER BY id "
        + "DESC LIMIT 1'",
                      in: dir).split(separator: "|").map(String.init)
    let id = (Int(last[0]) ?? 0) + 1
    let h = journalHash(last[1], id, kind, "李主任", nil, last[2], payload)
    let sql = "INSERT INTO journal VALUES (\(id), '\(kind)', '李主任', NULL, '\(last[2])', '\(payload)', "
        + "'\(last[1])', '\(h)');"
    let file = dir.appendingPathComponent("forge.sql")
    try sql.write(to: file, atomically: true, encoding: .utf8)
    _ = try sh("sqlite3 '\(db)' < '\(file.path)'", in: dir)
}

@Suite("Tampering: what an insider or a hostile file tries is refused or found")
struct TamperTests {
    @Test(
        "one-line edits with the sqlite3 shell are each found by audit verify, naming the case or table and the column",
        arguments: [
            ("UPDATE cases SET superseded_by = id WHERE serial = 1", "2026-000001的superseded_by列"),
            ("UPDATE cases SET is_open = 0 WHERE serial = 3", "2026-000003的is_open列"),
            ("UPDATE cases SET replied_late = 1 WHERE serial = 2", "2026-000002的replied_late列"),
            ("UPDATE cases SET reply_workdays = 1 WHERE serial = 2", "2026-000002的reply_workdays列"),
            ("UPDATE cases SET due = '2027-06-30' WHERE serial = 1", "2026-000001的due列"),
            ("DELETE FROM remedies", "2026-000002的remedies列"),
            ("UPDATE cases SET handler_id = 1 WHERE serial = 1", "2026-000001的handler_id列"),
            ("UPDATE office SET name = '别的机关'", "office表"),
            ("INSERT INTO report_locks (year, locked_at, locked_by) VALUES (2025, '2026-01-01', 'x')", "report_locks"),
            ("UPDATE accounts SET roles = 'admin,head' WHERE name = '王科员'", "账号“王科员”"),
            ("UPDATE calendar_year SET body = body || 'holiday 2026-12-01 加假' WHERE year = 2026", "2026年放假安排"),
            ("DROP TRIGGER events_no_delete", "events_no_delete"),
            ("DROP TRIGGER journal_no_update; UPDATE journal SET payload = '{}' WHERE id = 1", "机关日志第1条"),
            ("DROP TRIGGER events_no_update; UPDATE events SET actor = '张局长' WHERE seq = 1", "内容被改动"),
            ("UPDATE cases SET request = '另一项申请' WHERE serial = 1", "登记信息被改动"),
            ("UPDATE cases SET registered_by = '张局长' WHERE serial = 1", "登记时间或登记人"),
            ("DROP TRIGGER events_no_update; UPDATE events SET due_after = '2027-01-01' WHERE seq = 0", "内容被改动"),
            ("DROP TRIGGER events_no_update; CREATE TRIGGER events_no_update BEFORE UPDATE ON events WHEN 0 "
                + "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END", "events_no_update"),
            ("CREATE VIEW v AS SELECT 1", "视图 v"),
            ("UPDATE cases SET agency_name = '别的机关' WHERE serial = 2", "2026-000002的agency_name列"),
            ("INSERT INTO staff_events (account_id, kind, detail, recorded_at) VALUES (1, 'granted', 'x', '2026')",
             "staff_events"),
        ])
    func oneLineEdits(_ sql: String, _ expected: String) throws {
        let o = try evidenceOffice()
        #expect(try o.ok("audit", "verify").stdout.hasPrefix("审计通过"))
        let db = try copy(o, "attacked.db")
        _ = try sh("sqlite3 '\(db)' \"\(sql)\"", in: o.dir)
        let r = try o.run(["audit", "verify", "--db", db])
        #expect(r.status == 1, "\(sql) passed")
        #expect(r.stdout.contains(expected), "\(sql): \(r.stdout)")
    }

    @Test("an attachment replaced with its size and SHA-256 is found, and extract refuses to write the forgery")
    func forgedAttachment() throws {
        let o = try evidenceOffice()
        #expect(try o.ok("history", "2026-2").stdout.contains("添加第1号附件（答复书）“答复书.pdf”，5000字节"))
        let forged = SHA256.hex(Array("伪造".utf8))
        _ = try sh(
            """
            sqlite3 '\(o.db)' "DROP TRIGGER attachments_no_update; UPDATE attachments SET content = CAST('伪造' AS BLOB), \
            size = 6, sha256 = '\(forged)'"
            """, in: o.dir)
        let r = try o.run("audit", "verify")
        #expect(r.status == 1 && r.stdout.contains("第1号附件与办理记录中的附件记录不符"), "\(r.stdout)")
        let out = o.dir.appendingPathComponent("out.pdf").path
        let e = try o.run("extract", "2026-2", "--seq", "1", "--out", out)
        #expect(e.status == 1 && e.stderr.contains("附件已被替换"), "\(e.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a forged import part cannot excuse hiding one of the office's own cases")
    func forgedImportPart() throws {
        let o = try evidenceOffice()
        let forged = try copy(o, "forged-part.db")
        let first = try sh("sqlite3 -separator '|' '\(forged)' 'SELECT prev_hash, hash FROM events WHERE id = "
            + "1'", in: o.dir)
            .split(separator: "|").map(String.init)
        try forgeJournal(
            forged, kind: "import-part",
            payload: #"{"importID":"x","file":"f","firstCase":1,"lastCase":1,"segment":{"count":1,"first":1,"#
                + #""genesis":"\#(first[0])","head":"\#(first[1])","joinedAfter":"\#(first[0])"}}"#, in: o.dir)
        _ = try sh("sqlite3 '\(forged)' 'UPDATE cases SET superseded_by = id, is_open = 0 WHERE id = 1'", in: o.dir)
        let caught = try o.run(["audit", "verify", "--db", forged])
        #expect(caught.status == 1 && caught.stdout.contains("伪造") && caught.stdout.contains("superseded_by"),
                "\(caught.stdout)")
    }

    @Test("a restore never gives again a number its lost cases had, lists them, and lets them come back")
    func restoreNumbering() throws {
        let o = try evidenceOffice()
        let key = o.dir.appendingPathComponent("keys/office.key").path
        try o.ok("audit", "key", "create", "--key", key)
        let backup = o.dir.appendingPathComponent("backup.db").path
        try o.ok("backup", backup)
        // Registered after the backup: its receipt, with its number, may already be in the applicant's hands.
        let lost = try o.register("2026-12-23", applicant: "赵六", request: "某道路规划许可")
        #expect(lost == "2026-000004")
        let done = try o.ok("restore", backup, "--reason", "数据库损坏，恢复至备份", "--key", key).stdout
        #expect(done.contains("备份之后登记的1件案件不在恢复后的数据库中"), "\(done)")
        #expect(done.contains("2026-000004") && done.contains("新案件从 2026-000005 起编号"), "\(done)")
        #expect(done.contains("请重新登录"))
        #expect(try o.caseCount() == 3)
        // The next case gets a number no one had; verify accepts the gap the restore recorded, and no other.
        #expect(try o.register("2026-12-24", applicant: "钱七", request: "某学校招生计划") == "2026-000005")
        let verified = try o.run("audit", "verify")
        #expect(verified.status == 0, "\(verified.stdout)")
        // The lost case comes back under its own number from the database the restore replaced.
        let kept = String(done.split(separator: "原数据库保存为 ").last?.prefix { $0 != "）" } ?? "")
        #expect(FileManager.default.fileExists(atPath: kept), "\(kept)")
        let file = o.dir.appendingPathComponent("lost.xml").path
        let exported = try o.run(["export", "2026-4", "--out", file], env: ["DISCLOSURE_DB": kept])
        #expect(exported.status == 0, "\(exported.stderr)")
        try o.ok(["import", file, "--restore", "--reason", "找回恢复前登记的案件", "--actor", "管理员"], today: "2026-12-24")
        #expect(try o.ok("show", "2026-4").stdout.contains("赵六"))
        #expect(try o.ok("audit", "verify").status == 0)
        // A number outside the recorded gap still may not be taken.
        #expect(try o.register("2026-12-24", applicant: "孙八", request: "某河道治理方案") == "2026-000006")
    }

    @Test(
        "a rewrite, a cut or a silent rollback before a checkpoint is found with the office key; a restore on record is not"
    )
    func checkpoints() throws {
        let o = try evidenceOffice()
        let key = o.dir.appendingPathComponent("keys/office.key").path
        let created = try o.ok("audit", "key", "create", "--key", key).stdout
        #expect(created.contains("指纹：ed25519:"))
        #expect(try sh("stat -c %a '\(key)'", in: o.dir) == "600")
        let fingerprint = String(created.split(separator: "\n").first { $0.hasPrefix("指纹：") }?.dropFirst(3) ?? "")
        let cp = o.dir.appendingPathComponent("cp1.txt").path
        let signed = try o.ok("audit", "checkpoint", "--key", key, "--out", cp).stdout
        #expect(signed.contains("DISCLOSURE-CHECKPOINT v1 office=TEST") && signed.contains(fingerprint))
        #expect(try sh("stat -c %a '\(cp)'", in: o.dir) == "600")
        let trusted = ["--checkpoint", cp, "--public-key", fingerprint]
        #expect(try o.ok(["audit", "verify"] + trusted).stdout.contains("此前的记录与签署时一致"))
        // The key must come from outside the database.
        #expect(try o.run("audit", "verify", "--checkpoint", cp).stderr.contains("--public-key"))

        // Edit an event and recompute the whole chain: the plain verify is fooled, the checkpoint is not.
        let rechained = try copy(o, "rechained.db")
        try rewriteAndRechain(
            rechained, "UPDATE events SET actor = '张局长' WHERE seq = 1 AND kind = 'consultation-sent';",
            in: o.dir)
        let fooled = try o.run(["audit", "verify", "--db", rechained])
        #expect(fooled.status == 0, "\(fooled.stdout)")
        let caught = try o.run(["audit", "verify", "--db", rechained] + trusted)
        #expect(caught.status == 1 && caught.stdout.contains("哈希链被重算"), "\(caught.stdout)")

        // Cut the newest step off the end (the 行政复议 just filed), with the row it made: what is left
        // still links, and agrees with itself.
        let cut = try copy(o, "cut.db")
        _ = try sh(
            """
            sqlite3 '\(cut)' "DROP TRIGGER events_no_delete; DELETE FROM events WHERE id = (SELECT MAX(id) FROM events); \
            DELETE FROM remedies; \(guards.replacingOccurrences(of: "\n", with: " "))"
            """, in: o.dir)
        let short = try o.run(["audit", "verify", "--db", cut])
        #expect(short.status == 0, "\(short.stdout.replacingOccurrences(of: "\n", with: " | "))")
        let truncated = try o.run(["audit", "verify", "--db", cut] + trusted)
        #expect(truncated.status == 1 && truncated.stdout.contains("被截断或回退"), "\(truncated.stdout)")

        // A middle case deleted and the chain recomputed: the numbering shows the gap without any key.
        let middle = try copy(o, "middle.db")
        try rewriteAndRechain(
            middle,
            "PRAGMA foreign_keys = OFF; DROP TRIGGER attachments_no_delete; "
                + "DELETE FROM remedies WHERE case_id = 2; DELETE FROM attachments WHERE case_id = 2; "
                + "DELETE FROM events WHERE case_id = 2; DELETE FROM cases WHERE id = 2;", in: o.dir)
        let gap = try o.run(["audit", "verify", "--db", middle])
        #expect(gap.status == 1 && gap.stdout.contains("案件编号不连续"), "\(gap.stdout)")

        // A silent rollback: yesterday's copy of the file put back after more work and a checkpoint.
        let yesterday = try copy(o, "yesterday.db")
        try o.ok(["reply", "draft", "2026-3", "--outcome", "1", "--basis", "已公开", "--on", "2026-12-21"])
        let cp2 = o.dir.appendingPathComponent("cp2.txt").path
        try o.ok("audit", "checkpoint", "--key", key, "--out", cp2)
        let rolled = try o.run([
            "audit", "verify", "--db", yesterday, "--checkpoint", cp, cp2, "--public-key", key + ".pub",
        ])
        #expect(rolled.status == 1 && rolled.stdout.contains("无恢复记录"), "\(rolled.stdout)")

        // The same step back through backup and restore is on record, and verify says so.
        let backup = o.dir.appendingPathComponent("backup.db").path
        #expect(try o.ok("backup", backup).stdout.contains("已备份到"))
        #expect(try sh("stat -c %a '\(backup)'", in: o.dir) == "600")
        try o.ok(["reply", "review", "2026-3", "--approve", "--on", "2026-12-22"])
        let cp3 = o.dir.appendingPathComponent("cp3.txt").path
        try o.ok("audit", "checkpoint", "--key", key, "--out", cp3)
        #expect(try o.run("restore", backup, "--key", key).status != 0)  // a reason is required
        let done = try o.ok("restore", backup, "--reason", "审核记录误录，恢复至备份", "--key", key).stdout
        #expect(done.contains("原数据库保存为"), "\(done)")
        let restored = try o.ok(["audit", "verify", "--checkpoint", cp, cp3, "--public-key", fingerprint])
        #expect(restored.stdout.contains("此为有记录的恢复"), "\(restored.stdout)")
        #expect(try o.ok("audit", "journal").stdout.contains("restore"))

        // Forged journal entries cannot explain a rewrite away: a restore not signed with the office key,
        // an import that claims events from before the checkpoint, a second baseline.
        let rewritten = try copy(o, "rewritten.db")
        try rewriteAndRechain(rewritten, "UPDATE events SET actor = '张局长' WHERE seq = 1 AND kind = "
            + "'consultation-sent';",
                              in: o.dir)
        let zero = String(repeating: "0", count: 64)
        let head = #"{"events":999,"events_head":"\#(zero)","journal":999,"journal_head":"\#(zero)"}"#
        try forgeJournal(rewritten, kind: "restore", payload: #"{"reason":"x","file":"\#(zero)","replaced":"#
                         + #"{"events":999,"eventsHash":"\#(zero)","journal":999,"journalHash":"\#(zero)"},"backup":"#
                         + #"{"events":1,"eventsHash":"\#(zero)","journal":1,"journalHash":"\#(zero)"}}"#, in: o.dir)
        _ = head
        let excused = try o.run(["audit", "verify", "--db", rewritten, "--checkpoint", cp, "--public-key", fingerprint])
        #expect(excused.status == 1 && !excused.stdout.contains("此为有记录的恢复"), "\(excused.stdout)")
        let segmented = try copy(o, "segmented.db")
        let firstHash = try sh("sqlite3 '\(segmented)' 'SELECT hash FROM events WHERE id = 2'", in: o.dir)
        try forgeJournal(segmented, kind: "import", payload: #"{"file":"\#(zero)","identical":0,"imported":0,"replaced":0,"#
                         + #""restore":false,"segment":{"count":1,"first":3,"genesis":"\#(firstHash)","#
                         + #""head":"\#(zero)","joinedAfter":"\#(zero)"}}"#, in: o.dir)
        let claimed = try o.run(["audit", "verify", "--db", segmented, "--checkpoint", cp, "--public-key", fingerprint])
        #expect(claimed.status == 1 && claimed.stdout.contains("在锚点之后才记录导入"), "\(claimed.stdout)")
        let rebased = try copy(o, "rebased.db")
        try forgeJournal(rebased, kind: "baseline", payload: "{}", in: o.dir)
        let again = try o.run(["audit", "verify", "--db", rebased])
        #expect(again.status == 1 && again.stdout.contains("基线只能是第1条"), "\(again.stdout)")

        // Another key, or an altered line, is not trusted.
        let other = o.dir.appendingPathComponent("keys/other.key").path
        try o.ok("audit", "key", "create", "--key", other)
        let forged = try o.run(["audit", "verify", "--checkpoint", cp, "--public-key", other + ".pub"])
        #expect(forged.status == 1 && forged.stdout.contains("另一把密钥"), "\(forged.stdout)")
        let altered = o.dir.appendingPathComponent("altered.txt")
        try (try String(contentsOfFile: cp, encoding: .utf8)).replacingOccurrences(of: "events=", with: "events=1")
            .write(to: altered, atomically: true, encoding: .utf8)
        let bad = try o.run(["audit", "verify", "--checkpoint", altered.path, "--public-key", fingerprint])
        #expect(bad.status == 1 && bad.stdout.contains("签名无效"), "\(bad.stdout)")
    }

    @Test(
        "calendar files: a doctored year is refused, an official one is replaced only on purpose, and changes are on record"
    )
    func calendars() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-11-20")
        let doctored = o.dir.appendingPathComponent("2026-doctored.txt")
        var text = "year 2026\nsource 国办发明电〔2025〕7号\n"
        for m in 1...12 {
            text += "holiday 2026-\(String(format: "%02d", m))-01..2026-\(String(format: "%02d", m))-10 假期\(m)\n"
        }
        try text.write(to: doctored, atomically: true, encoding: .utf8)
        let refused = try o.run("calendar", "import", doctored.path, "--replace-official", "--reason", "x")
        #expect(refused.status == 1 && refused.stderr.contains("超过任何一年官方安排的上限"), "\(refused.stderr)")
        // Two ranges of one name next to each other: more than one range may hold, and would not read back.
        let adjacent = o.dir.appendingPathComponent("2027.txt")
        try "year 2027\nholiday 2026-12-17..2026-12-31 元旦\nholiday 2027-01-01..2027-01-03 元旦\n"
            .write(to: adjacent, atomically: true, encoding: .utf8)
        let unread = try o.run("calendar", "import", adjacent.path)
        #expect(unread.status == 1 && unread.stderr.contains("无法读回"), "\(unread.stderr)")
        // The shipped 2026 schedule is replaced only with --replace-official and a reason.
        let revised = o.dir.appendingPathComponent("2026-revised.txt")
        let shipped = try String(
            contentsOf: packageRoot.appendingPathComponent("Storage/calendar/2026.txt"), encoding: .utf8)
        try (shipped + "holiday 2026-12-01..2026-12-04 调整测试\n").write(to: revised, atomically: true, encoding: .utf8)
        #expect(try o.run("calendar", "import", revised.path).stderr.contains("--replace-official"))
        #expect(try o.run("calendar", "import", revised.path, "--replace-official").stderr.contains("--reason"))
        try o.ok("calendar", "import", revised.path, "--replace-official", "--reason", "国务院补充通知")
        let history = try o.ok("history", n).stdout
        #expect(history.contains("导入2026年节假日安排") && history.contains("2026-12-18 → 2026-12-24"), "\(history)")
        #expect(try o.ok("audit", "journal", "--json").stdout.contains("国务院补充通知"))
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("hostile case files: this office's own code, a forged serial, too many events, times in the future")
    func hostileImports() throws {
        let source = try populatedOffice()
        let file = source.dir.appendingPathComponent("own.xml").path
        try source.ok("export", "--all", "--out", file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        // Into the office itself (its own code): refused unless an admin restores its own export.
        let own = try source.run(["import", file], today: "2026-12-31")
        #expect(own.status == 1 && own.stderr.contains("本机关的案件只能由管理员以恢复方式导入"), "\(own.stderr)")
        let forged = source.dir.appendingPathComponent("forged.xml").path
        try text.replacingOccurrences(of: "<number>2026-000003</number>", with: "<number>2026-999999999</number>")
            .write(toFile: forged, atomically: true, encoding: .utf8)
        let fresh = try Office.initialised()
        let serial = try fresh.run(
            ["import", forged, "--restore", "--reason", "恢复", "--actor", "管理员"], today: "2026-12-31")
        #expect(serial.status == 1 && serial.stderr.contains("不接续本机关2026年的编号"), "\(serial.stderr)")
        #expect(try fresh.caseCount() == 0)
        try fresh.ok(["import", file, "--restore", "--reason", "从导出恢复", "--actor", "管理员"], today: "2026-12-31")
        #expect(try fresh.caseCount() == 3)
        #expect(try fresh.ok("history", "2026-1").stdout.contains("从本机关导出的案卷恢复"))
        // Another office: a step recorded in the future, or a case of 2,001 steps, is refused whole.
        let peer = try Office.initialised(code: "PEER")
        let future = source.dir.appendingPathComponent("future.xml").path
        let stamp = try #require(text.range(of: #"recorded="2026-[0-9-]+T"#, options: .regularExpression))
        try text.replacingCharacters(in: stamp, with: "recorded=\"2099-01-01T")
            .write(toFile: future, atomically: true, encoding: .utf8)
        let later = try peer.run(["import", future], today: "2026-12-31")
        #expect(later.status == 1 && later.stderr.contains("晚于今天"), "\(later.stderr)")
        let many = source.dir.appendingPathComponent("many.xml").path
        let step = #"<assigned on="2026-03-02" actor="TEST/王科员" recorded="2026-03-02T10:00:00+08:00" handler="王科员"/>"#
        let body = String(repeating: "\n      " + step, count: 2_001)
        try text.replacingOccurrences(of: "<events/>", with: "<events>" + body + "\n    </events>")
            .write(toFile: many, atomically: true, encoding: .utf8)
        let big = try peer.run(["import", many], today: "2026-12-31")
        #expect(big.status == 1 && big.stderr.contains("最多2000个步骤"), "\(big.stderr)")
        #expect(try peer.caseCount() == 0)
        // A case taken in from another agency is read-only here and off the office's own board.
        try peer.ok(["import", file], today: "2026-12-31")
        let step2 = try peer.run(
            ["consult", "send", "TEST/2026-3", "--party", "agency", "--to", "某局", "--on", "2026-12-31"],
            today: "2026-12-31")
        #expect(step2.status == 1 && step2.stderr.contains("只读"), "\(step2.stderr)")
        #expect(try peer.ok("due", "--json").array.isEmpty)
        #expect(try peer.ok("due", "--imported", "--json").array.count == 2)
    }

    @Test("outputs: never over a file unless --force, never over the database, never through a planted link, mode 0600")
    func outputs() throws {
        let o = try populatedOffice()
        let out = o.dir.appendingPathComponent("cases.xml").path
        try o.ok("export", "--all", "--out", out)
        #expect(try sh("stat -c %a '\(out)'", in: o.dir) == "600")
        #expect(try o.run("export", "--all", "--out", out).stderr.contains("--force"))
        // The database itself, by name or through a link, is refused even with --force.
        let db = try o.run("export", "--all", "--out", o.db, "--force")
        #expect(db.status == 1 && db.stderr.contains("就是正在使用的数据库"), "\(db.stderr)")
        let link = o.dir.appendingPathComponent("link.xml").path
        _ = try sh("ln -s '\(o.db)' '\(link)'", in: o.dir)
        #expect(try o.run("export", "--all", "--out", link, "--force").stderr.contains("就是正在使用的数据库"))
        #expect(try o.ok("audit", "verify").status == 0)
        // A planted link to another file: with --force the link is replaced, the file it named is not.
        let victim = o.dir.appendingPathComponent("victim.txt")
        try "keep me".write(to: victim, atomically: true, encoding: .utf8)
        let planted = o.dir.appendingPathComponent("notice.txt").path
        _ = try sh("ln -s '\(victim.path)' '\(planted)'", in: o.dir)
        #expect(try o.run("notice", "2026-2", "--kind", "receipt", "--out", planted).status == 1)
        try o.ok("notice", "2026-2", "--kind", "receipt", "--out", planted, "--force")
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep me")
        #expect(try sh("test -L '\(planted)' && echo link || echo file", in: o.dir) == "file")
        // Nothing is left behind by the writes.
        #expect(try sh("ls -a '\(o.dir.path)' | grep -c part || true", in: o.dir) == "0")
    }

    @Test("an empty file is never given a schema; viewing works in a read-only folder")
    func readOnly() throws {
        let o = try populatedOffice()
        let empty = o.dir.appendingPathComponent("empty.db").path
        #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
        let r = try o.run(["list", "--db", empty])
        #expect(r.status == 1 && r.stderr.contains("不是已建立的数据库"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: empty)).isEmpty)
        // A copy in a folder nobody may write (the WAL index cannot be made there).
        let folder = o.dir.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let kept = folder.appendingPathComponent("office.db").path
        _ = try sh("sqlite3 '\(o.db)' \".backup '\(kept)'\" && chmod 555 '\(folder.path)'", in: o.dir)
        defer { _ = try? sh("chmod 755 '\(folder.path)'", in: o.dir) }
        #expect(try o.ok(["list", "--db", kept, "--json"]).array.count == 3)
        #expect(try o.ok(["due", "--db", kept]).status == 0)
        #expect(try o.ok(["audit", "verify", "--db", kept]).status == 0)
    }
}
