import Foundation
import Testing

@Suite("Command line: a mistaken fact corrected on record (amend)")
struct AmendTests {
    @Test("a handler proposes, another head approves; show, history, the letter and the case file use the correction")
    func proposeApprove() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02", request: "某项目环评批付")
        let a = ["--as-of", "2026-03-20"]
        try o.ok(["correction", "request", n, "--items", "请写明文件名称", "--period", "10", "--on", "2026-03-03"] + a)
        // The typo in the request (entry 0) and the items of the notice (entry 1).
        let proposed = try o.ok(
            [
                "amend", n, "--event", "0", "--field", "request", "--value", "某项目环评批复", "--reason", "登记时错字",
                "--on", "2026-03-05",
            ] + a)
        #expect(proposed.stdout.contains("提出第1号更正"))
        // Not in force until a head approves: show still reads the registered text, and says it waits.
        let waiting = try o.ok(["show", n] + a).stdout
        #expect(waiting.contains("申请内容：某项目环评批付") && waiting.contains("待批准的第1号更正"))
        // The proposer may not approve, and a handler may not at all.
        let own = try o.run(["amend", n, "--approve", "--on", "2026-03-05", "--actor", "王科员"] + a)
        #expect(own.status == 1, "\(own.stderr)")
        try o.ok(["amend", n, "--approve", "--on", "2026-03-06", "--actor", "李主任"] + a)
        try o.ok(
            [
                "amend", n, "--event", "1", "--field", "served", "--value", "2026-03-05", "--reason", "实际送达日",
                "--on", "2026-03-06",
            ] + a)
        let moved = try o.ok(["amend", n, "--approve", "--on", "2026-03-06", "--actor", "李主任"] + a)
        #expect(moved.stdout.contains("补正期限由2026-03-17变为2026-03-19"), "\(moved.stdout)")
        let shown = try o.ok(["show", n] + a).stdout
        #expect(shown.contains("申请内容：某项目环评批复") && !shown.contains("待批准"))
        #expect(shown.contains("2026-03-19"))
        // The history keeps what was recorded, and says what was corrected.
        let history = try o.ok("history", n).stdout
        #expect(history.contains("请写明文件名称") && history.contains("第2号更正：送达日期已更正为“2026-03-05”"))
        #expect(history.contains("〔第1号更正：申请内容已更正为“某项目环评批复”〕"))
        // The correction notice reads the corrected facts, under its own number and date.
        let letter = try o.ok("notice", n, "--kind", "correction", "--format", "text").stdout
        #expect(letter.contains("申请内容为：某项目环评批复。") && letter.contains("2026年3月19日前"))
        #expect(letter.contains("补〔2026〕第1号") && letter.hasSuffix("2026年3月3日\n"))
        // The chain holds, and a case file carries the amendments: another office reads the same case.
        #expect(try o.ok("audit", "verify").status == 0)
        let file = o.dir.appendingPathComponent("amended.xml").path
        try o.ok("export", n, "--out", file)
        #expect(try xmllint(file) == 0)
        let other = try Office.initialised(code: "OTHER")
        try other.ok(["import", file] + a)
        let imported = try other.ok(["show", "TEST/\(n)"] + a).stdout
        #expect(imported.contains("申请内容：某项目环评批复") && imported.contains("2026-03-19"), "\(imported)")
    }

    @Test("refused: a field the step has not, a value that breaks a rule, the account of a step, a decided one")
    func refusals() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-03-20"]
        let cases: [([String], String)] = [
            (["--event", "0", "--field", "items", "--value", "x", "--reason", "r"], "--field"),
            (["--event", "9", "--field", "request", "--value", "x", "--reason", "r"], "--event"),
            (["--event", "0", "--field", "received", "--value", "2025-12-31", "--reason", "r"], "--value"),
            (["--event", "0", "--field", "received", "--value", "2026-12-25", "--reason", "r"], "--value"),
            (["--event", "0", "--field", "request", "--value", "x", "--reason", " "], "--reason"),
            (["--event", "0", "--field", "actor", "--value", "x", "--reason", "r"], "--field"),
        ]
        for (args, field) in cases {
            let r = try o.run(["amend", n] + args + a)
            #expect(r.status == 1 && r.stderr.contains(field), "\(args): \(r.stderr)")
        }
        #expect(try o.ok(["history", n, "--json"]).array.count >= 1)
        let none = try o.run(["amend", n, "--approve", "--actor", "李主任"] + a)
        #expect(none.status == 1 && none.stderr.contains("待批准"), "\(none.stderr)")
    }

    @Test("a closing step cannot move into another year: its letter is numbered in its year, and the year is locked")
    func lockedYear() throws {
        let o = try Office.initialised()
        let n = try o.register("2025-12-22")
        let a = ["--as-of", "2026-01-20"]
        try o.ok(["withdraw", n, "--on", "2025-12-29"] + a)
        try o.ok("report", "lock", "--year", "2025")
        let moved = try o.run(
            ["amend", n, "--event", "1", "--field", "on", "--value", "2026-01-05", "--reason", "撤回日记错"] + a)
        #expect(moved.status == 1 && moved.stderr.contains("文号") && moved.stderr.contains("另一年"), "\(moved.stderr)")
        #expect(try o.ok(["show", n] + a).stdout.contains("（2025-12-29）"))
    }

    @Test("an issued reply's content is not amended, nor a passed due date moved, nor approved by the step's own actor")
    func guardedFacts() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-04-20"]
        try o.ok(["reply", "draft", n, "--outcome", "1", "--basis", "已在门户网站公开", "--on", "2026-03-10"] + a)
        try o.ok(["reply", "review", n, "--approve", "--on", "2026-03-11"] + a)
        try o.ok(["reply", "issue", n, "--on", "2026-03-12"] + a)
        let basis = try o.run(["amend", n, "--event", "1", "--field", "basis", "--value", "另有理由", "--reason", "r"] + a)
        #expect(basis.status == 1 && basis.stderr.contains("重新办理"), "\(basis.stderr)")
        let issueDate = try o.run(
            ["amend", n, "--event", "3", "--field", "on", "--value", "2026-03-13", "--reason", "r"] + a)
        #expect(issueDate.status == 1 && issueDate.stderr.contains("重新办理"), "\(issueDate.stderr)")
        // An open case past its due date: moving the corrected application's arrival later would extend
        // a passed deadline; so would a receipt after its registration.
        let late = try o.register("2026-03-02", applicant: "李四")
        try o.ok(["correction", "request", late, "--items", "写明", "--period", "5", "--on", "2026-03-03"] + a)
        try o.ok(["correction", "receive", late, "--on", "2026-03-05"] + a)
        let after = try o.run(
            [
                "amend", late, "--event", "0", "--field", "received", "--value", "2026-03-20",
                "--reason", "r",
            ] + a)
        #expect(after.status == 1 && after.stderr.contains("不能晚于登记之日"), "\(after.stderr)")
        let moved = try o.run(
            [
                "amend", late, "--event", "2", "--field", "on", "--value", "2026-03-10",
                "--reason", "r",
            ] + a)
        #expect(moved.status == 1 && moved.stderr.contains("不能推迟已届满的期限"), "\(moved.stderr)")
        // The head who recorded a step does not approve its correction.
        let fresh = try o.register("2026-04-01", applicant: "王五")
        try o.ok(["extend", fresh, "--days", "5", "--reason", "需调取档案", "--on", "2026-04-02"] + a)
        try o.ok(["amend", fresh, "--event", "1", "--field", "reason", "--value", "需调取历史档案", "--reason", "漏字"] + a)
        let own = try o.run(["amend", fresh, "--approve", "--actor", "李主任"] + a)
        #expect(own.status == 1 && own.stderr.contains("经办人以外"), "\(own.stderr)")
    }
}
