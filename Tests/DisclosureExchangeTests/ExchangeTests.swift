import DisclosureCore
import DisclosureExchange
import Foundation
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func scratch(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-xml-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func day(_ s: String) -> CivilDate {
    guard let d = CivilDate(iso: s) else { fatalError("bad date literal \(s)") }
    return d
}

/// Runs xmllint, independent of our code, and returns its exit status.
func xmllint(schema: String, file: String) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
    p.arguments = ["--noout", "--schema", packageRoot.appendingPathComponent("forms/\(schema)").path, file]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// A case with every kind of step and an attachment holding every byte value.
func fullDossier(serial: Int = 7) -> CaseDossier {
    func ev(_ on: String, _ a: Action, _ who: String = "王科员") -> RecordedEvent {
        RecordedEvent(event: CaseEvent(on: day(on), action: a, actor: who), recordedAt: "\(on)T09:30:00+08:00")
    }
    let bytes = (0..<600).map { UInt8($0 % 256) }
    return CaseDossier(
        agencyCode: "SZ-GOV", agencyName: "某市人民政府办公室", number: CaseNumber(year: 2026, serial: serial),
        application: Application(received: day("2026-03-02"), channel: .letter,
                                 applicant: Applicant(name: "张三 & <李四>", type: .person, idNumber: "11010519491231002X", contact: "电话 \"13800000000\""),
                                 request: "第一行\n第二行 <含尖括号> & 符号", form: .paper, note: "备注"),
        registeredAt: "2026-03-02T09:00:00+08:00", registeredBy: "王科员",
        events: [
            ev("2026-03-03", .correctionRequested(items: "写明文号", periodDays: 10, served: day("2026-03-04"))),
            // An attribute with `&`, `<` and quotes: libxml2 hands `&` on as `&#38;`, which the reader decodes.
            ev("2026-03-06", .correctionReceived, "R&D <科> \"办\" &amp;"),
            ev("2026-03-09", .consultationSent(id: 1, party: .thirdParty, to: "甲公司", served: nil)),
            ev("2026-03-10", .consultationSent(id: 2, party: .agency, to: "财政局", served: day("2026-03-11"))),
            ev("2026-03-12", .consultationAnswered(id: 1, opinion: .object)),
            ev("2026-03-13", .consultationAnswered(id: 2, opinion: .none)),
            ev("2026-03-16", .extended(days: 5, approvedBy: "李主任", reason: "复杂")),
            ev("2026-03-17", .feeNoticed(basis: .pages, quantity: 120, amount: 1100, served: day("2026-03-18"))),
            ev("2026-03-20", .feePaid),
            ev("2026-03-23", .replyDrafted(outcome: .partlyDisclosed, basis: "区分处理", referTo: nil)),
            ev("2026-03-24", .replyReviewed(approved: false, comment: "补充理由"), "李主任"),
            ev("2026-03-25", .replyDrafted(outcome: .notHeld, basis: "经检索不存在", referTo: "区自然资源局，电话 12345")),
            ev("2026-03-26", .replyReviewed(approved: true, comment: nil), "李主任"),
            ev("2026-03-26", .replyIssued),
            ev("2026-03-27", .delivered(method: .email)),
            ev("2026-03-30", .archived),
            ev("2026-04-01", .reopened(reason: "复议决定责令重新答复")),
            ev("2026-04-02", .deferred(until: day("2026-06-30"), reason: "数量大")),
            ev("2026-04-03", .withdrawn),
            ev("2026-04-10", .remedyFiled(id: 1, kind: .reconsideration, body: "某市人民政府")),
            ev("2026-05-20", .remedyDecided(id: 1, result: .upheld)),
        ],
        attachments: [Attachment(seq: 1, kind: .reply, name: "答复书.pdf", size: bytes.count, sha256: SHA256.hex(bytes),
                                 addedAt: "2026-03-26T10:00:00+08:00", addedBy: "王科员", content: bytes)],
        due: day("2026-06-30"), provisional: false, outcome: .otherHandling, closedOn: day("2026-04-03"))
}

func readAll(_ path: String) throws(DisclosureError) -> [CaseDossier] {
    var out: [CaseDossier] = []
    try CaseFileReader.read(path: path) { (d: CaseDossier) throws(DisclosureError) in out.append(d) }
    return out
}

@Suite("Case file format")
struct CaseFileFormatTests {
    @Test("the examples in forms/examples pass xmllint and our own validator")
    func examples() throws {
        let dir = packageRoot.appendingPathComponent("forms/examples")
        #expect(try xmllint(schema: "case-file.xsd", file: dir.appendingPathComponent("case-file.xml").path) == 0)
        #expect(try xmllint(schema: "calendar.xsd", file: dir.appendingPathComponent("calendar-2026.xml").path) == 0)
        #expect(try xmllint(schema: "annual-report.xsd", file: dir.appendingPathComponent("annual-report.xml").path) == 0)
        #expect(try CaseFileReader.validate(path: dir.appendingPathComponent("case-file.xml").path).isEmpty)
        #expect(try readAll(dir.appendingPathComponent("case-file.xml").path).count == 3)
        let calendar = try CalendarFileReader.read(path: dir.appendingPathComponent("calendar-2026.xml").path)
        let text = try String(contentsOf: packageRoot.appendingPathComponent("Storage/calendar/2026.txt"), encoding: .utf8)
        let shipped = try HolidaySchedule.parse(text)
        #expect(calendar.holidays == shipped.holidays)
        #expect(calendar.workdays == shipped.workdays)
    }

    @Test("every kind of step, odd characters and binary attachments survive a write and a read")
    func roundTrip() throws {
        let path = scratch("cases.xml")
        let writer = try CaseFileWriter(path: path)
        let cases = [fullDossier(serial: 7), fullDossier(serial: 8)]
        for c in cases { try writer.write(c) }
        try writer.finish()
        #expect(try xmllint(schema: "case-file.xsd", file: path) == 0)
        let back = try readAll(path)
        #expect(back == cases)
        // Writing what was read gives the same bytes.
        let again = scratch("again.xml")
        let w2 = try CaseFileWriter(path: again)
        for c in back { try w2.write(c) }
        try w2.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }

    @Test("redaction masks ID numbers and contacts and still validates")
    func redaction() throws {
        let path = scratch("redacted.xml")
        let writer = try CaseFileWriter(path: path, redact: true)
        try writer.write(fullDossier())
        try writer.finish()
        let text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        #expect(!text.contains("11010519491231002X"))
        #expect(!text.contains("13800000000"))
        #expect(try xmllint(schema: "case-file.xsd", file: path) == 0)
        #expect(try readAll(path).first?.application.applicant.idNumber == CaseFileWriter.redactedMark)
    }

    @Test("an unfinished export leaves no file behind")
    func noPartialFile() throws {
        let path = scratch("never.xml")
        do {
            let writer = try CaseFileWriter(path: path)
            try writer.write(fullDossier())
            // dropped without finish()
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        let dir = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("validate lists every problem with line and column")
    func validateLists() throws {
        let path = scratch("bad.xml")
        try """
        <?xml version="1.0" encoding="UTF-8"?>
        <caseFile xmlns="urn:disclosure:case-file:1" version="1">
          <case>
            <agency code="bad code!">某局</agency>
            <number>2026-1</number>
          </case>
        </caseFile>
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let problems = try CaseFileReader.validate(path: path)
        #expect(problems.count >= 2)
        #expect(problems.first?.line == 4)
        #expect(problems.allSatisfy { $0.line > 0 && !$0.message.isEmpty })
    }
}

/// Hostile documents: each must be refused with a clear error, no crash, nothing read from elsewhere.
struct Attack: CustomTestStringConvertible, Sendable {
    let name: String
    let document: [UInt8]
    var testDescription: String { name }
    init(_ name: String, _ text: String) {
        self.name = name
        self.document = Array(text.utf8)
    }
    init(_ name: String, bytes: [UInt8]) {
        self.name = name
        self.document = bytes
    }
}

let validCase = """
  <case>
    <agency code="A">某局</agency>
    <number>2026-000001</number>
    <received channel="online">2026-03-02</received>
    <applicant type="person"><name>张三</name></applicant>
    <request>REQUEST</request>
    <registered at="2026-03-02T09:00:00+08:00" by="王科员"/>
    <events/>
  </case>
"""

func caseFile(_ inner: String, prolog: String = "") -> String {
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\(prolog)<caseFile xmlns=\"urn:disclosure:case-file:1\" version=\"1\">\n\(inner)\n</caseFile>\n"
}

@Suite("Untrusted input")
struct AttackTests {
    static let attacks: [Attack] = [
        Attack("billion laughs", caseFile(validCase.replacingOccurrences(of: "REQUEST", with: "&lol9;"), prolog: """
            <!DOCTYPE caseFile [
              <!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
              <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
              <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
              <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
              <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
              <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
            ]>

            """)),
        Attack("external entity reading a local file", caseFile(validCase.replacingOccurrences(of: "REQUEST", with: "&xxe;"),
            prolog: "<!DOCTYPE caseFile [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n")),
        Attack("external DTD over the network", caseFile(validCase, prolog: "<!DOCTYPE caseFile SYSTEM \"http://127.0.0.1:9/evil.dtd\">\n")),
        Attack("parameter entity", caseFile(validCase, prolog: "<!DOCTYPE caseFile [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]>\n")),
        Attack("XInclude of a local file", caseFile(validCase.replacingOccurrences(of: "<events/>",
            with: "<events/><xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\" parse=\"text\"/>"))),
        Attack("deep nesting", caseFile(validCase.replacingOccurrences(of: "REQUEST",
            with: String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)))),
        Attack("oversized text", caseFile(validCase.replacingOccurrences(of: "REQUEST", with: String(repeating: "长", count: 20_001)))),
        Attack("text beyond the parser's limit", caseFile(validCase.replacingOccurrences(of: "REQUEST", with: String(repeating: "x", count: 12_000_000)))),
        Attack("invalid UTF-8", bytes: Array(caseFile(validCase).utf8).map { $0 == UInt8(ascii: "R") ? 0xFF : $0 }),
        Attack("wrong namespace", caseFile(validCase).replacingOccurrences(of: "urn:disclosure:case-file:1", with: "urn:other")),
        Attack("not XML", "this is not a case file"),
        Attack("empty file", ""),
        Attack("truncated document", String(caseFile(validCase).prefix(200))),
        Attack("unknown step", caseFile(validCase.replacingOccurrences(of: "<events/>", with: "<events><erased on=\"2026-03-03\" actor=\"x\" recorded=\"2026-03-03T09:00:00+08:00\"/></events>"))),
        Attack("impossible date", caseFile(validCase.replacingOccurrences(of: "2026-03-02</received>", with: "2026-02-30</received>"))),
        Attack("date with a time zone", caseFile(validCase.replacingOccurrences(of: "2026-03-02</received>", with: "2026-03-02+08:00</received>"))),
        Attack("timestamp without offset", caseFile(validCase.replacingOccurrences(of: "at=\"2026-03-02T09:00:00+08:00\"", with: "at=\"2026-03-02T09:00:00\""))),
        Attack("timestamp with fractions", caseFile(validCase.replacingOccurrences(of: "at=\"2026-03-02T09:00:00+08:00\"", with: "at=\"2026-03-02T09:00:00.5+08:00\""))),
        Attack("bad attachment digest pattern", caseFile(validCase.replacingOccurrences(of: "<events/>", with: "<events/><attachments><attachment seq=\"1\" kind=\"other\" name=\"a\" size=\"1\" sha256=\"xyz\" added=\"2026-03-02T09:00:00+08:00\" by=\"x\">AA==</attachment></attachments>"))),
    ]

    @Test("refused with a clear error and no crash", arguments: attacks)
    func refused(_ attack: Attack) throws {
        let path = scratch("attack.xml")
        try Data(attack.document).write(to: URL(fileURLWithPath: path))
        var delivered = 0
        do {
            try CaseFileReader.read(path: path) { _ in delivered += 1 }
            Issue.record("\(attack.name): accepted")
        } catch {
            let message = error.render(.en)
            #expect(!message.isEmpty)
            #expect(error.field?.hasPrefix("attack.xml") == true || error.field == "FILE", "\(attack.name): \(message)")
            // Nothing of the file the attack aimed at comes back in the message.
            #expect(!message.contains("root:x:0:0"))
        }
        #expect(delivered == 0)
        if !attack.name.hasPrefix("date with") && !attack.name.hasPrefix("timestamp") {
            #expect(try !CaseFileReader.validate(path: path).isEmpty)
        }
    }

    @Test("a valid case followed by an invalid one: the first is delivered, then the error names the line")
    func errorAfterValid() throws {
        let path = scratch("mixed.xml")
        let second = validCase.replacingOccurrences(of: "2026-000001", with: "2026-000002").replacingOccurrences(of: "channel=\"online\"", with: "channel=\"pigeon\"")
        try caseFile(validCase + "\n" + second).write(toFile: path, atomically: true, encoding: .utf8)
        var delivered = 0
        do {
            try CaseFileReader.read(path: path) { _ in delivered += 1 }
            Issue.record("accepted")
        } catch {
            #expect(error.field == "mixed.xml:15:0" || error.field?.hasPrefix("mixed.xml:15") == true, "\(error.field ?? "")")
        }
        #expect(delivered == 1)
    }
}
