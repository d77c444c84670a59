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
        _ = try o.register("2026-08-03", applicant: "张三")                          // open, overdue on 31 Dec
        let c8 = try o.register("2026-12-21", applicant: "张三")                    // open, consulted, not yet due
        try o.ok(["consult", "send", c8, "--party", "third-party", "--to", "某公司", "--on", "2026-12-22"])

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
        #expect(!text.contains("张三"), "a published report names no applicant")

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
    }
}
