import Foundation
import Testing

@Suite("Demo: make demo's office, and its letters dated and numbered by their steps")
struct DemoTests {
    /// A scratch folder for one run of the demo.
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs Storage/demo/run.sh as `make demo` does, into `dir`; the database's path and the script's output.
    static func runDemo(in dir: URL) throws -> (db: String, run: (status: Int32, output: String)) {
        let db = dir.appendingPathComponent("demo.db").path
        let script = packageRoot.appendingPathComponent("Storage/demo/run.sh").path
        let run = try tool(
            "/usr/bin/env", ["BIN=\(binary)", "DB=\(db)", "AS_OF=2026-11-20", "/bin/sh", script], in: dir)
        return (db, run)
    }

    @Test("every sample letter of the demo carries the date and document number of the step that sent it")
    func lettersOfTheDemo() throws {
        let dir = try DemoTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (db, run) = try DemoTests.runDemo(in: dir)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("程序：") && run.output.contains("export PATH="))
        // The letters, as their steps recorded them: kind, case, date and number.
        let expected: [(file: String, number: String, date: String)] = [
            ("receipt-2026-000021", "示范府信公收〔2026〕第21号", "2026年11月20日"),
            ("correction-2026-000005", "示范府信公补〔2026〕第2号", "2026年10月14日"),
            ("consultation-2026-000006", "示范府信公征〔2026〕第3号", "2026年11月2日"),
            ("extension-2026-000004", "示范府信公延〔2026〕第2号", "2026年11月4日"),
            ("deferral-2026-000013", "示范府信公迟〔2026〕第1号", "2026年11月18日"),
            ("fee-2026-000007", "示范府信公费〔2026〕第1号", "2026年10月26日"),
            ("reply-2026-000001", "示范府信公答〔2026〕第3号", "2026年11月18日"),
            ("closing-2026-000011", "示范府信公终〔2026〕第1号", "2026年11月5日"),
        ]
        for e in expected {
            let html = try String(contentsOf: dir.appendingPathComponent("notices/\(e.file).html"), encoding: .utf8)
            #expect(html.contains("<p class=\"docnumber\">\(e.number)</p>"), "\(e.file)")
            #expect(html.contains("<p class=\"right\">\(e.date)</p>\n</body>"), "\(e.file)")
            // The same number stands on exactly one step of the database, and that step is of this day.
            let rows = try tool(
                "/usr/bin/sqlite3", [db, "SELECT on_date FROM events WHERE letter = '\(e.number)'"]
            ).output
            let parts = e.date.split(whereSeparator: { "年月日".contains($0) }).compactMap { Int($0) }
            let iso = String(format: "%04d-%02d-%02d", parts[0], parts[1], parts[2])
            #expect(rows == iso, "\(e.file): \(rows)")
        }
        // Numbers follow the order of the steps: the replies of the demo, issued 10-22, 11-12, 11-18.
        let replies = try tool(
            "/usr/bin/sqlite3",
            [db, "SELECT on_date || ' ' || letter FROM events WHERE kind = 'reply-issued' ORDER BY id"]
        ).output
        #expect(
            replies.split(separator: "\n") == [
                "2026-10-22 示范府信公答〔2026〕第1号", "2026-11-12 示范府信公答〔2026〕第2号",
                "2026-11-18 示范府信公答〔2026〕第3号",
            ])
        // A draft that was not issued has no number, and no number is given twice.
        let duplicates = try tool(
            "/usr/bin/sqlite3",
            [
                db,
                "SELECT COUNT(*) FROM (SELECT letter FROM events WHERE letter IS NOT NULL "
                    + "GROUP BY letter HAVING COUNT(*) > 1)",
            ]
        ).output
        #expect(duplicates == "0")
        let drafts = try tool(
            "/usr/bin/sqlite3", [db, "SELECT COUNT(*) FROM events WHERE kind = 'reply-drafted' AND letter IS NOT NULL"]
        ).output
        #expect(drafts == "0")
    }

    @Test("the demo office's 2026 annual report: every figure of 一, 三, 四 and 六 as counted by hand from run.sh")
    func annualReportOfTheDemo() throws {
        let dir = try DemoTests.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (db, run) = try DemoTests.runDemo(in: dir)
        #expect(run.status == 0, "\(run.output)")
        let inputs = packageRoot.appendingPathComponent("forms/examples/annual-report-inputs.txt").path
        // Rendered as an office would after the year, for publication by 31 January.
        func report(_ format: String) throws -> String {
            try tool(
                "/usr/bin/env",
                ["TZ=Asia/Shanghai", "FAKETIME_DONT_FAKE_MONOTONIC=1", faketime, "2027-01-20 09:00:00", binary,
                 "--db", db, "report", "annual", "--year", "2026", "--document", "--inputs", inputs,
                 "--format", format],
                in: dir
            ).output
        }
        let rendered = try report("json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(rendered.utf8)) as? [String: Any])
        let tables = try #require(json["tables"] as? [String: Any])
        let facts = try #require(json["facts"] as? [String: Any])
        func total(_ key: String) -> Int? { (tables[key] as? [String: Any])?["total"] as? Int }
        // 21 applications (applications.tsv); replies issued: 000002 (1), 000014 (5.2), 000001 (2); 000011 withdrew.
        #expect(total("received") == 21 && total("carried_in") == 0)
        #expect(total("results_total") == 4 && total("carried_out") == 17)
        #expect(facts["replies"] as? Int == 3 && facts["replied_on_time"] as? Int == 3)
        #expect(facts["replied_late"] as? Int == 0)
        // Open on 31 December: 17; not overdue are 000005 (waiting for its correction) and 000013 (deferred
        // to 2027-01-15); every other one was due by 18 December at the latest (000021: 20 working days).
        #expect(facts["overdue_at_year_end"] as? Int == 15)
        // Corrections 000001 and 000005; consultations 000003, 000001, 000006; extensions 000001, 000004.
        #expect(facts["corrections"] as? Int == 2 && facts["consultations"] as? Int == 3)
        #expect(facts["extensions"] as? Int == 2 && facts["late_entries"] as? Int == 0)
        #expect(facts["repeat_applicants"] as? Int == 0 && facts["proactive_leads"] as? Int == 0)
        // 000007's 300 pages: 70 at 10 yuan, 100 at 20, 100 at 40 (国办函〔2020〕109号) = 6,700 yuan, paid.
        let fees = try #require(facts["fees"] as? [String: Any])
        #expect(fees["notices"] as? Int == 1 && fees["notices_per_page"] as? Int == 1)
        #expect(fees["charged_yuan"] as? Int == 6700 && fees["paid"] as? Int == 1 && fees["paid_yuan"] as? Int == 6700)
        #expect(fees["abandoned_unpaid"] as? Int == 0)
        // 000002's 行政复议, decided upheld on 11-19.
        let remedies = try #require(tables["remedies"] as? [String: [String: Int]])
        #expect(remedies["reconsideration"]?["upheld"] == 1 && remedies["reconsideration"]?["total"] == 1)
        #expect(remedies["litigation"]?["total"] == 0)

        let text = try report("text")
        #expect(text.hasPrefix("示范市人民政府办公室2026年政府信息公开工作年度报告"))
        #expect(text.contains("共收到政府信息公开申请21件，上年结转0件；本年度办结4件，结转下年度继续办理17件"))
        #expect(text.contains("截至12月31日，已超过答复期限尚未答复的15件。"))
        #expect(text.contains("发出收费通知1件（按件计收0件、0元，按量计收1件、6700元），通知金额合计6700元；实际收取1件、6700元。"))
        #expect(text.contains("本年度未依《条例》第四十四条将依申请公开的政府信息纳入主动公开范围。"))
        let xml = dir.appendingPathComponent("report.xml")
        try report("xml").write(to: xml, atomically: true, encoding: .utf8)
        #expect(try xmllint(xml.path, schema: "annual-report.xsd") == 0)
    }

    @Test("a counter of document numbers set back with the sqlite3 shell is found by audit verify")
    func counterSetBack() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        _ = try o.register("2026-03-03", applicant: "李四")
        #expect(try o.ok("audit", "verify").status == 0)
        _ = try tool("/usr/bin/sqlite3", [o.db, "UPDATE letter_serials SET last = 0"])
        let caught = try o.run("audit", "verify")
        #expect(caught.status == 1 && caught.stdout.contains("文号计数"), "\(caught.stdout)")
        // The next letter would repeat a number: that is found too.
        _ = try o.register("2026-03-04", applicant: "王五")
        let repeated = try o.run("audit", "verify")
        #expect(repeated.stdout.contains("用在了2个事项上"), "\(repeated.stdout)")
    }
}
