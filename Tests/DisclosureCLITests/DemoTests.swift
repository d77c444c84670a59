import Foundation
import Testing

@Suite("Demo: make demo's office, and its letters dated and numbered by their steps")
struct DemoTests {
    @Test("every sample letter of the demo carries the date and document number of the step that sent it")
    func lettersOfTheDemo() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("demo.db").path
        let script = packageRoot.appendingPathComponent("Storage/demo/run.sh").path
        let run = try tool(
            "/usr/bin/env", ["BIN=\(binary)", "DB=\(db)", "AS_OF=2026-11-20", "/bin/sh", script], in: dir)
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
