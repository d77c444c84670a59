import Foundation
import Testing

@Suite("Command line: the whole annual report document")
struct AnnualDocumentTests {
    /// The inputs file of forms/examples, with `edit` applied to its text.
    static func inputs(
        in o: Office, name: String = "inputs.txt", _ edit: (String) -> String = { $0 }
    ) throws -> String {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("forms/examples/annual-report-inputs.txt")
        let file = o.dir.appendingPathComponent(name)
        try edit(try String(contentsOf: example, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("a hand-counted year: sections 一, 三, 四 and 六, the .docx in LibreOffice, a lock keeping its inputs")
    func handCounted() throws {
        let o = try Office.initialised()
        let after = "2027-01-20"
        // Eight applications of 2026, each step on its day (hand count in the comments).
        let c1 = try o.register("2026-03-02", applicant: "张三")                    // reply on time
        try o.reply(c1, "1", on: "2026-03-16")
        let c2 = try o.register("2026-03-03", applicant: "李四")                    // correction, 复议 upheld
        try o.ok(["correction", "request", c2, "--on", "2026-03-04", "--items", "写明文件名称", "--period", "15"])
        try o.ok(["correction", "receive", c2, "--on", "2026-03-09"])
        try o.reply(c2, "3.2", on: "2026-03-20")
        try o.ok(["remedy", "file", c2, "--kind", "reconsideration", "--body", "某市人民政府", "--on", "2026-04-10"])
        try o.ok(["remedy", "decide", c2, "--result", "upheld", "--on", "2026-06-01"])
        let c3 = try o.register("2026-04-01", applicant: "王五")                    // fee 100 yuan, paid
        try o.ok(["fee", "notice", c3, "--on", "2026-04-02", "--pages", "40"])
        try o.ok(["fee", "paid", c3, "--on", "2026-04-08"])
        try o.reply(c3, "1", on: "2026-04-20")
        let c4 = try o.register("2026-05-06", applicant: "赵六")                    // fee 200 yuan, unpaid: 6.2
        try o.ok(["fee", "notice", c4, "--on", "2026-05-07", "--pages", "50"])
        try o.ok(["close", c4, "--abandoned", "fee", "--on", "2026-06-15"])
        let c5 = try o.register("2026-06-01", applicant: "钱七")                    // extended, on time
        try o.ok(["extend", c5, "--days", "10", "--reason", "需调取档案", "--on", "2026-06-24", "--actor", "李主任"])
        try o.reply(c5, "1", on: "2026-07-08")
        let c6 = try o.register("2026-06-02", applicant: "孙八")                    // late reply, litigation pending
        try o.reply(c6, "1", on: "2026-07-15")
        try o.ok(["remedy", "file", c6, "--kind", "litigation", "--body", "某区人民法院", "--on", "2026-08-03"])
        let c7 = try o.register("2026-08-03", applicant: "张三")                    // open, overdue on 31 Dec
        let c8 = try o.register("2026-12-21", applicant: "张三")                    // open, consulted, not yet due
        try o.ok(["consult", "send", c8, "--party", "third-party", "--to", "某公司", "--on", "2026-12-22"])

        // Art. 44 acted on: one decision stands; one entered by mistake is withdrawn; two are refused.
        let subject = ["--subject", "某项目环评批复", "--published", "区政府门户网站·环境保护栏目"]
        let add = ["report", "lead", "add", "--json"] + subject
        let lead = try o.ok(add + ["--on", "2026-07-20", "--cases", "\(c1),\(c3)"])
        #expect(lead.object["cases"] as? [String] == [c1, c3] && lead.object["recorded_by"] as? String == "李主任")
        let wrong = try o.ok(add + ["--on", "2026-07-21", "--cases", "\(c1),\(c5)"])
        let wrongID = try #require(wrong.object["id"] as? Int)
        try o.ok(["report", "lead", "withdraw", "--id", String(wrongID), "--reason", "误记"], today: "2026-07-22")
        let oneApplicant = try o.run(add + ["--on", "2026-09-01", "--cases", "\(c1),\(c7)"])
        #expect(oneApplicant.status == 1 && oneApplicant.stderr.contains("第四十四条"), "\(oneApplicant.stderr)")
        let later = try o.run(["report", "lead", "add", "--on", "2026-09-01", "--cases", "\(c3),\(c8)"] + subject)
        #expect(later.status == 1 && later.stderr.contains("晚于决定日期"), "\(later.stderr)")
        #expect(try o.ok("report", "lead", "list", "--year", "2026", "--json").array.count == 2)

        let file = try Self.inputs(in: o)
        let base = ["report", "annual", "--year", "2026", "--document", "--inputs", file]
        let json = try o.ok(base + ["--format", "json"], today: after).object
        let facts = try #require(json["facts"] as? [String: Any])
        let tables = try #require(json["tables"] as? [String: Any])
        func total(_ key: String) -> Int? { (tables[key] as? [String: Any])?["total"] as? Int }
        #expect(total("received") == 8 && total("carried_in") == 0)
        #expect(total("results_total") == 6 && total("carried_out") == 2)
        #expect(facts["replies"] as? Int == 5 && facts["replied_on_time"] as? Int == 4)
        #expect(facts["replied_late"] as? Int == 1 && facts["overdue_at_year_end"] as? Int == 1)
        #expect(facts["corrections"] as? Int == 1 && facts["consultations"] as? Int == 1)
        #expect(facts["extensions"] as? Int == 1 && facts["late_entries"] as? Int == 0)
        #expect(facts["repeat_applicants"] as? Int == 1 && facts["repeat_applications"] as? Int == 3)
        let fees = try #require(facts["fees"] as? [String: Any])
        #expect(fees["notices"] as? Int == 2 && fees["notices_per_page"] as? Int == 2)
        #expect(fees["notices_per_item"] as? Int == 0)
        #expect(fees["charged_yuan"] as? Int == 300 && fees["paid"] as? Int == 1 && fees["paid_yuan"] as? Int == 100)
        #expect(fees["abandoned_unpaid"] as? Int == 1)
        #expect(facts["proactive_leads"] as? Int == 1 && facts["proactive_leads_disclosed"] as? Int == 1)
        let acted = try #require(facts["proactive_leads_acted"] as? [[String: Any]])
        #expect(acted.count == 1 && acted.first?["decided"] as? String == "2026-07-20")
        let remedies = try #require(tables["remedies"] as? [String: [String: Int]])
        #expect(remedies["reconsideration"]?["upheld"] == 1 && remedies["litigation"]?["pending"] == 1)
        let proactive = try #require(json["proactive"] as? [[String: Any]])
        #expect(proactive.count == 10)
        #expect(proactive.contains { $0["item"] as? String == "行政许可" && $0["value"] as? String == "1520" })

        // The text states the same figures in the national order.
        let text = try o.ok(base, today: after).stdout
        for heading in ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"] {
            #expect(text.contains("\n" + heading + "\n"), "\(heading)")
        }
        #expect(text.contains("共收到政府信息公开申请8件，上年结转0件；本年度办结6件，结转下年度继续办理2件"))
        #expect(text.contains("其中在法定期限内答复4件，按期答复率80.0%；逾期答复1件。截至12月31日，已超过答复期限尚未答复的1件。"))
        #expect(text.contains("发出收费通知2件（按件计收0件、0元，按量计收2件、300元），通知金额合计300元；实际收取1件、100元。"))
        #expect(text.contains("因申请人逾期未缴纳信息处理费而不再处理的申请1件"))
        #expect(text.contains("同一申请人一年内提出3件以上申请的1人、共3件"))
        #expect(
            text.contains(
                "本年度将1项依申请公开的政府信息纳入主动公开范围：1. 某项目环评批复（2件申请，2026年7月20日决定，"
                    + "在区政府门户网站·环境保护栏目公开）。"))
        #expect(!text.contains("张三"), "a published report names no applicant")
        // The running year's document says its figures are not yet the year's.
        #expect(try o.ok(base, today: "2026-12-28").stderr.contains("尚未结束"))
        #expect(!(try o.ok(base, today: after).stderr.contains("尚未结束")))

        // The same content as XML, valid against forms/annual-report.xsd, with the same figures and text.
        let xml = o.dir.appendingPathComponent("report.xml")
        try o.ok(base + ["--format", "xml", "--out", xml.path], today: after)
        #expect(try xmllint(xml.path, schema: "annual-report.xsd") == 0)
        #expect(try o.ok("validate", xml.path).status == 0)
        let xmlText = try String(contentsOf: xml, encoding: .utf8)
        #expect(xmlText.contains("replies=\"5\" replied-on-time=\"4\" replied-late=\"1\" overdue-at-year-end=\"1\""))
        #expect(xmlText.contains("charged-yuan=\"300\"") && xmlText.contains("abandoned-unpaid=\"1\""))
        #expect(xmlText.components(separatedBy: "<lead ").count == 2)
        #expect(xmlText.contains("<heading>六、其他需要报告的事项</heading>"))
        #expect(xmlText.contains("<paragraph>（二）依申请公开转主动公开情况。"))

        // The .docx opens in LibreOffice: six headings, the title, on A4 pages.
        let docx = o.dir.appendingPathComponent("report.docx")
        try o.ok(base + ["--format", "docx", "--out", docx.path], today: after)
        let profile = "-env:UserInstallation=file://" + o.dir.appendingPathComponent("lo-profile").path
        let converted = try tool(
            "/usr/bin/soffice", ["--headless", profile, "--convert-to", "pdf", "--outdir", o.dir.path, docx.path],
            in: o.dir)
        #expect(converted.status == 0)
        let pdf = o.dir.appendingPathComponent("report.pdf").path
        let info = try tool("/usr/bin/pdfinfo", [pdf], in: o.dir).output
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
            .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(pages >= 3 && pages <= 8, "\(info)")
        #expect(info.contains("595") && (info.contains("841") || info.contains("842")), "A4: \(info)")
        // pdftotext spaces digits off from the characters around them.
        let pdfText = try tool("/usr/bin/pdftotext", [pdf, "-"], in: o.dir).output
            .replacingOccurrences(of: " ", with: "")
        #expect(pdfText.replacingOccurrences(of: "\n", with: "").contains("测试市人民政府办公室2026年政府信息公开工作年度报告"))
        for heading in ["一、总体情况", "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"] {
            #expect(pdfText.contains(heading), "\(heading)")
        }

        // Locked with its inputs, the year renders from them whatever becomes of the file.
        let before = try Data(contentsOf: docx)
        try o.ok(["report", "lock", "--year", "2026", "--inputs", file], today: after)
        _ = try Self.inputs(in: o) { $0.replacingOccurrences(of: "行政许可.本年处理决定数量 = 1520", with: "行政许可.本年处理决定数量 = 9") }
        let locked = try o.ok(base, today: "2027-03-01")
        #expect(locked.stdout == text && locked.stderr.contains("锁定"))
        let again = o.dir.appendingPathComponent("again.docx")
        try o.ok(base + ["--format", "docx", "--out", again.path], today: "2027-03-01")
        #expect(try Data(contentsOf: again) == before)
        #expect(try o.ok(["report", "annual", "--year", "2026", "--document"], today: "2027-03-01").stdout == text)
        // A locked year's decisions stand as they were published.
        let locked2026 = try o.run(
            ["report", "lead", "add", "--on", "2026-10-01", "--cases", "\(c1),\(c3)"] + subject, today: "2027-03-01")
        #expect(locked2026.status == 1 && locked2026.stderr.contains("已锁定"), "\(locked2026.stderr)")
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("an inputs file with an item missing or wrong is refused, naming the line and the rule")
    func refusedInputs() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        let cases: [(String, (String) -> String, String)] = [
            ("missing", { $0.replacingOccurrences(of: "行政强制.本年处理决定数量 = 12\n", with: "") }, "行政强制.本年处理决定数量"),
            ("count", { $0.replacingOccurrences(of: "= 1520", with: "= 15.2") }, "须为非负整数"),
            ("money", { $0.replacingOccurrences(of: "= 35.6", with: "= 35.123456") }, "万元"),
            ("unknown", { $0 + "\n[主动公开]\n" }, "两次"),
            ("government", { $0.replacingOccurrences(of: "机关类别 = 部门", with: "机关类别 = 政府") }, "第五十条第四项"),
        ]
        for (name, edit, message) in cases {
            let file = try Self.inputs(in: o, name: name + ".txt", edit)
            let r = try o.run("report", "annual", "--year", "2026", "--document", "--inputs", file)
            #expect(r.status == 1 && r.stderr.contains(message) && r.stdout.isEmpty, "\(name): \(r.stderr)")
        }
        // A file saved on Windows (CRLF line breaks) reads as the same file.
        let lf = try o.ok("report", "annual", "--year", "2026", "--document", "--inputs", try Self.inputs(in: o))
        let crlf = try Self.inputs(in: o, name: "crlf.txt") { $0.replacingOccurrences(of: "\n", with: "\r\n") }
        #expect(try o.ok("report", "annual", "--year", "2026", "--document", "--inputs", crlf).stdout == lf.stdout)
        let none = try o.run("report", "annual", "--year", "2026", "--document")
        #expect(none.status == 1 && none.stderr.contains("--inputs"))
        let docx = try o.run("report", "annual", "--year", "2026", "--document", "--inputs", try Self.inputs(in: o),
                             "--format", "docx")
        #expect(docx.status == 1 && docx.stderr.contains("--out"))
        // Markup in the office's text stays text in the XML: "]]>" may not stand there, nor U+FFFF.
        let markup = try Self.inputs(in: o, name: "markup.txt") { $0 + "\n见 a]]>b <script>&amp; \u{FFFF}\n" }
        let xml = o.dir.appendingPathComponent("markup.xml")
        try o.ok("report", "annual", "--year", "2026", "--document", "--inputs", markup, "--format", "xml",
                 "--out", xml.path)
        #expect(try xmllint(xml.path, schema: "annual-report.xsd") == 0)
        let written = try String(contentsOf: xml, encoding: .utf8)
        #expect(written.contains("<p>见 a]]&gt;b &lt;script&gt;&amp;amp; \u{FFFD}</p>"), "\(written.suffix(800))")
    }
}
