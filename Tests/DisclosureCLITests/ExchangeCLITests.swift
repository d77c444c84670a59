import Foundation
import Testing

/// An office with a few cases in different states, one with an attachment.
func populatedOffice() throws -> Office {
    let o = try Office.initialised()
    let a = ["--as-of", "2026-12-31"]
    let n1 = try o.register("2026-03-02", applicant: "张三", request: "某项目环评批复")
    let n2 = try o.register("2026-03-03", applicant: "李四", request: "征收补偿方案")
    _ = try o.register("2026-12-21", applicant: "王五", request: "2027年预算草案")
    try o.ok(["consult", "send", n1, "--party", "agency", "--to", "财政局", "--on", "2026-03-05"] + a)
    try o.ok(["reply", "draft", n2, "--outcome", "4.1", "--basis", "未制作", "--refer-to", "区财政局", "--on", "2026-03-10"] + a)
    try o.ok(["reply", "review", n2, "--approve", "--actor", "李主任", "--on", "2026-03-11"] + a)
    try o.ok(["reply", "issue", n2, "--on", "2026-03-12"] + a)
    let doc = o.dir.appendingPathComponent("答复书.pdf")
    try Data((0..<5000).map { UInt8(($0 * 7) % 256) }).write(to: doc)
    try o.ok("attach", n2, doc.path, "--kind", "reply")
    return o
}

@Suite("Command line: exchange")
struct ExchangeCLITests {
    @Test("export → import into a fresh database → export gives the same bytes, attachments included")
    func roundTrip() throws {
        let source = try populatedOffice()
        let first = source.dir.appendingPathComponent("first.xml").path
        try source.ok("export", "--all", "--out", first)
        #expect(try xmllint(first) == 0)
        let target = try Office.initialised(code: "PEER")
        let imported = try target.ok("import", first, "--as-of", "2026-12-31", "--json").object
        #expect((imported["imported"] as? [String])?.count == 3)
        let second = target.dir.appendingPathComponent("second.xml").path
        try target.ok("export", "--all", "--out", second)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first)) == Data(contentsOf: URL(fileURLWithPath: second)))
        // The cases keep their agency and number; the attachment comes out byte for byte.
        let shown = try target.ok("show", "TEST/2026-000002", "--json").object
        #expect(shown["outcome"] as? String == "4.1")
        let out = target.dir.appendingPathComponent("out.pdf").path
        try target.ok("extract", "TEST/2026-2", "--seq", "1", "--out", out)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data((0..<5000).map { UInt8(($0 * 7) % 256) }))
        #expect(try target.ok("audit", "verify").status == 0)
        // Importing again changes nothing and says so.
        let again = try target.ok("import", first, "--as-of", "2026-12-31", "--json").object
        #expect((again["identical"] as? [String])?.count == 3)
        #expect(try target.caseCount() == 3)
    }

    @Test("a file with one invalid case imports nothing and names the case and line")
    func atomicImport() throws {
        let source = try populatedOffice()
        let file = source.dir.appendingPathComponent("cases.xml").path
        try source.ok("export", "--all", "--out", file)
        var text = try String(contentsOfFile: file, encoding: .utf8)
        // Break the last case only.
        let last = try #require(text.range(of: "<received channel=\"online\">2026-12-21</received>"))
        text.replaceSubrange(last, with: "<received channel=\"pigeon\">2026-12-21</received>")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let target = try Office.initialised(code: "PEER")
        let r = try target.run("import", file, "--as-of", "2026-12-31")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cases.xml:"), "\(r.stderr)")
        #expect(try target.caseCount() == 0)
    }

    @Test("a file declared in GB2312 with bytes that are not: our message only, no raw libxml2 lines (found by fuzzing)")
    func undecodableFile() throws {
        let o = try Office.initialised()
        var bytes = try Data(contentsOf: packageRoot.appendingPathComponent("forms/examples/case-file.xml"))
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"GB2312\"")
        bytes = Data(text.utf8)
        let at = try #require(bytes.range(of: Data("<request>".utf8))).upperBound
        bytes.insert(contentsOf: [0xE7, 0xA4, 0x00, 0xE8], at: at)
        let file = o.dir.appendingPathComponent("gb2312.xml")
        try bytes.write(to: file)
        for command in [["import", file.path], ["validate", file.path]] {
            let r = try o.run(command)
            #expect(r.status == 1)
            #expect(r.stderr.contains("gb2312.xml:"), "\(r.stderr)")
            #expect(!r.stderr.contains("encoding error") && !r.stderr.contains("I/O error"), "\(r.stderr)")
        }
        #expect(try o.caseCount() == 0)
    }

    @Test("a case that breaks the rules is refused whole, naming the case and the step")
    func rulesOnImport() throws {
        let source = try populatedOffice()
        let file = source.dir.appendingPathComponent("cases.xml").path
        try source.ok("export", "--all", "--out", file)
        var text = try String(contentsOfFile: file, encoding: .utf8)
        // Version 2 names this office's staff by agency code and account.
        #expect(text.contains("version=\"2\"") && text.contains("actor=\"TEST/李主任\""))
        // The reviewer becomes the drafter: a second person must review.
        text = text.replacingOccurrences(of: "actor=\"TEST/李主任\"", with: "actor=\"TEST/王科员\"")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let target = try Office.initialised(code: "PEER")
        let r = try target.run("import", file, "--as-of", "2026-12-31")
        #expect(r.status == 1)
        #expect(r.stderr.contains("TEST/2026-000002 event 2"), "\(r.stderr)")
        #expect(try target.caseCount() == 0)
    }

    @Test("another agency's newer export updates its cases here; a different history is replaced only on purpose")
    func conflicts() throws {
        let source = try populatedOffice()
        let file = source.dir.appendingPathComponent("cases.xml").path
        try source.ok("export", "--all", "--out", file)
        let target = try Office.initialised(code: "PEER")
        try target.ok("import", file, "--as-of", "2026-12-31")
        // The source office goes on with case 1, then sends the file again.
        try source.ok("consult", "answer", "2026-1", "--on", "2026-03-09", "--opinion", "agree", "--as-of", "2026-12-31")
        // The earlier file is there: replacing it must be asked for.
        #expect(try source.run("export", "--all", "--out", file).stderr.contains("--force"))
        try source.ok("export", "--all", "--out", file, "--force")
        // The newer version continues the one held: it updates the copy, on record, without flags.
        let updated = try target.ok("import", file, "--as-of", "2026-12-31", "--json").object
        #expect(updated["updated"] as? [String] == ["TEST/2026-000001"])
        #expect((updated["replaced"] as? [String])?.isEmpty == true)
        #expect((updated["identical"] as? [String])?.count == 2)
        var events = try target.ok("history", "TEST/2026-1", "--json").array
        #expect(events.map { $0["kind"] as? String }.suffix(2) == ["consultation-answered", "imported"])
        #expect(try target.caseCount() == 3)

        // A file whose history differs from the one held (a step's date changed) is not an update.
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let doctored = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.contains("<consultationAnswered")
                ? line.replacingOccurrences(of: "2026-03-09", with: "2026-03-10") : String(line)
        }.joined(separator: "\n")
        #expect(doctored != text)
        try doctored.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try target.run("import", file, "--as-of", "2026-12-31")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("TEST/2026-000001"))
        #expect(refused.stderr.contains("--replace"))
        // Replacing needs a reason, which each replaced case's history keeps.
        #expect(try target.run("import", file, "--as-of", "2026-12-31", "--replace").stderr.contains("--reason"))
        let replaced = try target.ok("import", file, "--as-of", "2026-12-31", "--replace", "--reason", "对方机关更正了征求意见的日期",
                                     "--json").object
        #expect(replaced["replaced"] as? [String] == ["TEST/2026-000001"])
        #expect((replaced["identical"] as? [String])?.count == 2)
        #expect(try target.caseCount() == 3)
        events = try target.ok("history", "TEST/2026-1", "--json").array
        #expect(events.map { $0["kind"] as? String }.suffix(2) == ["consultation-answered", "imported"])
        #expect((events.last?["summary"] as? String)?.contains("理由：对方机关更正了征求意见的日期") == true)
        #expect(try target.ok("audit", "verify").status == 0)
    }

    @Test("due dates are recomputed on this office's calendar and differences reported")
    func dueDifferences() throws {
        let source = try populatedOffice()
        let file = source.dir.appendingPathComponent("cases.xml").path
        try source.ok("export", "--all", "--out", file)
        let target = try Office.initialised(code: "PEER")
        let cal = target.dir.appendingPathComponent("2027.xml")
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <holidaySchedule xmlns="urn:disclosure:calendar:1" year="2027">
          <source>测试通知</source>
          <holiday from="2027-01-01" through="2027-01-03" name="元旦"/>
          <workday date="2027-01-09" name="元旦"/>
        </holidaySchedule>
        """.write(to: cal, atomically: true, encoding: .utf8)
        #expect(try target.ok("validate", cal.path).stdout.contains("有效"))
        // A rule broken in an XML schedule is named by the XML line it stands on (a Monday, line 5).
        let monday = target.dir.appendingPathComponent("2027-monday.xml")
        try String(contentsOf: cal, encoding: .utf8).replacingOccurrences(of: "2027-01-09", with: "2027-01-04")
            .write(to: monday, atomically: true, encoding: .utf8)
        let refused = try target.run(["calendar", "import", monday.path])
        #expect(refused.status == 1 && refused.stderr.contains("2027-monday.xml:5"), "\(refused.stderr)")
        try target.ok("calendar", "import", cal.path)
        let report = try target.ok("import", file, "--as-of", "2026-12-31", "--json").object
        let diffs = report["due_differences"] as? [[String: Any]]
        #expect(diffs?.count == 1)
        #expect(diffs?.first?["case"] as? String == "TEST/2026-000003")
        #expect(diffs?.first?["exported"] as? String == "2027-01-19")
        #expect(diffs?.first?["here"] as? String == "2027-01-18")
    }

    @Test("--redact masks personal data; validate lists problems with line and column")
    func redactAndValidate() throws {
        let o = try Office.initialised()
        try o.ok("register", "--received", "2026-03-02", "--channel", "online", "--applicant", "张三", "--applicant-type", "person",
                 "--request", "某文件", "--id-number", "11010519491231002X", "--contact", "13800000000", "--as-of", "2026-03-02")
        let file = o.dir.appendingPathComponent("r.xml").path
        try o.ok("export", "2026-1", "--out", file, "--redact")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!text.contains("11010519491231002X") && !text.contains("13800000000"))
        #expect(try o.ok("validate", file).stdout.contains("有效"))
        try text.replacingOccurrences(of: "<request>", with: "<request lang=\"zh\">").write(toFile: file, atomically: true, encoding: .utf8)
        let bad = try o.run("validate", file)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("r.xml:"))
        let none = try o.run("export", "--out", file)
        #expect(none.status == 1 && none.stderr.contains("--all"))
    }

    @Test("attachments: listed with size and digest, over 7 MB refused, nothing added to archived cases")
    func attachments() throws {
        let o = try populatedOffice()
        let list = try o.ok("attachments", "2026-2", "--json").array
        #expect(list.first?["size"] as? Int == 5000)
        #expect((list.first?["sha256"] as? String)?.count == 64)
        let big = o.dir.appendingPathComponent("big.bin")
        try Data(count: 7_000_001).write(to: big)
        let r = try o.run("attach", "2026-1", big.path)
        #expect(r.status == 1 && r.stderr.contains("7 MB"))
        let missing = try o.run("extract", "2026-2", "--seq", "9", "--out", o.dir.appendingPathComponent("x").path)
        #expect(missing.status == 1 && missing.stderr.contains("--seq"))
    }
}

@Suite("Command line: exchange, version 2")
struct ExchangeVersion2Tests {
    @Test("a late entry travels with the case; numbering and fee amounts in a file are checked")
    func lateEntriesAndChecks() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        try o.ok(["consult", "send", n, "--party", "agency", "--to", "财政局", "--on", "2026-03-03",
                  "--late-entry", "纸质函件已发出，次周补录"], today: "2026-03-10")
        try o.ok(["fee", "notice", n, "--pages", "120", "--on", "2026-03-10"], today: "2026-03-10")
        try o.ok(["register", "--received", "2026-03-02", "--channel", "in-person", "--applicant", "李四",
                  "--applicant-type", "person", "--request", "窗口收件", "--late-entry", "窗口纸质登记，次周录入"],
                 today: "2026-03-10")
        let file = o.dir.appendingPathComponent("cases.xml").path
        try o.ok("export", "--all", "--out", file)
        #expect(try xmllint(file) == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("lateEntry=\"纸质函件已发出，次周补录\""))

        let target = try Office.initialised(code: "PEER")
        try target.ok(["import", file], today: "2026-12-31")
        #expect(try target.ok("history", "TEST/2026-1").stdout.contains("〔补录：纸质函件已发出，次周补录〕"))
        #expect(try target.ok("show", "TEST/2026-2").stdout.contains("〔补录登记：窗口纸质登记，次周录入〕"))
        #expect(try target.ok("audit", "verify").status == 0)

        // A file that sets its own fee amount, or numbers a consultation out of order, is refused whole.
        for (from, to) in [("amount=\"1100\"", "amount=\"99999999\""), (" id=\"1\" party=\"agency\"", " id=\"7\" party=\"agency\"")] {
            let forged = o.dir.appendingPathComponent("forged.xml").path
            try text.replacingOccurrences(of: from, with: to).write(toFile: forged, atomically: true, encoding: .utf8)
            let fresh = try Office.initialised(code: "PEER")
            let r = try fresh.run(["import", forged], today: "2026-12-31")
            #expect(r.status == 1, "\(to) was accepted")
            #expect(try fresh.caseCount() == 0)
        }
        // A file of the first version still imports.
        let v1 = o.dir.appendingPathComponent("v1.xml").path
        try text.replacingOccurrences(of: "version=\"2\"", with: "version=\"1\"")
            .replacingOccurrences(of: " lateEntry=\"纸质函件已发出，次周补录\"", with: "")
            .replacingOccurrences(of: " lateEntry=\"窗口纸质登记，次周录入\"", with: "")
            .write(toFile: v1, atomically: true, encoding: .utf8)
        let old = try Office.initialised(code: "PEER")
        try old.ok(["import", v1], today: "2026-12-31")
        #expect(try old.caseCount() == 2)
    }
}
