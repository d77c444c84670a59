import Foundation
import Testing

/// Issue 10 end to end: accounts, roles, sessions, late entries and the 2008 rules, through the binary.
@Suite("Accounts, roles and dates")
struct AccountsTests {
    /// An office with one account per role (and 管理员), each with the test password.
    static func staffed() throws -> Office {
        let o = try Office.initialised()
        for (name, roles) in [
            ("登记员甲", "registrar"), ("承办人乙", "handler"), ("审核人丙", "reviewer"), ("主任丁", "head"),
            ("承审戊", "handler,reviewer"), ("主办己", "handler,head"),
        ] {
            let r = try o.run(["staff", "add", name, "--role", roles, "--password-stdin"], input: testPassword + "\n")
            #expect(r.status == 0, "staff add \(name): \(r.stderr)")
        }
        return o
    }

    @Test("the issue's examples are refused, naming the field and the rule, and nothing is written")
    func issueExamples() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-09-25")  // due 2026-10-29
        let events = try o.ok("history", n, "--json").array.count
        func refused(
            _ args: [String], today: String = "2026-11-20", _ needle: String,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let r = try o.run(args, today: today)
            #expect(r.status == 1, "\(args) was accepted", sourceLocation: sourceLocation)
            #expect(r.stderr.contains(needle), "\(args): \(r.stderr)", sourceLocation: sourceLocation)
        }
        // A typed name is no identity: the option is gone (run without the helper, which reads --actor itself).
        try o.signIn("王科员", on: "2026-11-20")
        let typed = try o.launch(
            ["reply", "review", n, "--approve", "--actor", "王科员 "],
            env: o.environment(as: "王科员", on: "2026-11-20"), day: "2026-11-20")
        #expect(typed.status == 1 && typed.stderr.contains("--actor"), "\(typed.stderr)")
        let approver = try o.run(
            ["extend", n, "--days", "5", "--reason", "x", "--approved-by", "张科员"], today: "2026-10-20")
        #expect(approver.status == 1 && approver.stderr.contains("--approved-by"))
        // A back-dated step cannot erase an overdue case.
        try refused(
            ["extend", n, "--days", "5", "--reason", "复杂", "--on", "2026-10-20", "--late-entry", "漏登"],
            "须在期限届满之日或之前登记")
        try refused(["consult", "send", n, "--party", "agency", "--to", "某局", "--on", "2026-10-15"], "--late-entry")
        try refused(
            ["consult", "send", n, "--party", "agency", "--to", "某局", "--on", "2026-09-02", "--late-entry", "漏登"],
            "早于收到申请之日")
        // Nothing in the future.
        try refused(
            [
                "register", "--received", "2030-06-01", "--channel", "online", "--applicant", "张三",
                "--applicant-type", "person", "--request", "x",
            ], "--received")
        try refused(["withdraw", n, "--on", "2029-01-01"], "--on")
        // Nothing before the Regulation, and no case no command can address.
        try refused(
            [
                "register", "--received", "0026-10-12", "--channel", "online", "--applicant", "张三",
                "--applicant-type", "person", "--request", "x", "--late-entry", "补",
            ], "2008年5月1日")
        try refused(
            [
                "register", "--received", "2008-04-30", "--channel", "online", "--applicant", "张三",
                "--applicant-type", "person", "--request", "x", "--late-entry", "补",
            ], "--received")
        #expect(try o.caseCount() == 1)
        #expect(try o.ok("history", n, "--json").array.count == events)
        let board = try o.ok("due", "--as-of", "2026-11-20", "--json").array
        #expect(board.first?["overdue"] as? Bool == true)
    }

    @Test(
        "each role does its own steps and no other; the admin does no case work",
        arguments: [
            ("登记员甲", ["reply", "draft", "CASE", "--outcome", "1", "--basis", "已公开"], false),
            ("承办人乙", ["reply", "draft", "CASE", "--outcome", "1", "--basis", "已公开"], true),
            ("承办人乙", ["extend", "CASE", "--days", "5", "--reason", "复杂"], false),
            ("主任丁", ["extend", "CASE", "--days", "5", "--reason", "复杂"], true),
            ("审核人丙", ["withdraw", "CASE"], false),
            ("主任丁", ["withdraw", "CASE"], true),
            ("管理员", ["withdraw", "CASE"], false),
            ("登记员甲", ["assign", "CASE", "承办人乙"], true),
            ("承办人乙", ["assign", "CASE", "承办人乙"], false),
            ("主任丁", ["staff", "add", "某人", "--role", "handler", "--password-stdin"], false),
        ])
    func roles(_ actor: String, _ template: [String], _ allowed: Bool) throws {
        let o = try AccountsTests.staffed()
        let n = try o.register("2026-11-02")
        let args = template.map { $0 == "CASE" ? n : $0 } + ["--actor", actor]
        let r = try o.run(args, today: "2026-11-03", input: testPassword + "\n")
        if allowed {
            #expect(r.status == 0, "\(actor) \(template): \(r.stderr)")
        } else {
            #expect(r.status == 1, "\(actor) \(template) was allowed")
            #expect(r.stderr.contains("无权"), "\(r.stderr)")
        }
    }

    @Test("four eyes by account: the drafter neither reviews nor issues their own draft")
    func fourEyes() throws {
        let o = try AccountsTests.staffed()
        let n = try o.register("2026-11-02")
        let day = "2026-11-03"
        try o.ok(["reply", "draft", n, "--outcome", "1", "--basis", "已公开", "--actor", "承审戊"], today: day)
        let own = try o.run(["reply", "review", n, "--approve", "--actor", "承审戊"], today: day)
        #expect(own.status == 1 && own.stderr.contains("拟稿人以外"))
        try o.ok(["reply", "review", n, "--return", "--comment", "补充依据", "--actor", "审核人丙"], today: day)
        try o.ok(["reply", "draft", n, "--outcome", "1", "--basis", "已在门户网站公开", "--actor", "主办己"], today: day)
        try o.ok(["reply", "review", n, "--approve", "--actor", "审核人丙"], today: day)
        let issuedByDrafter = try o.run(["reply", "issue", n, "--actor", "主办己"], today: day)
        #expect(issuedByDrafter.status == 1 && issuedByDrafter.stderr.contains("拟稿人以外的负责人"))
        try o.ok(["reply", "issue", n, "--actor", "主任丁"], today: day)
        let history = try o.ok("history", n, "--json").array
        #expect(history.allSatisfy { $0["account_id"] is Int })
        #expect(history.last?["actor"] as? String == "主任丁")
    }

    @Test(
        "account names: trimmed, compared folded, disguises refused",
        arguments: [
            ("承办人乙 ", false), ("承办人乙\u{3000}", false), ("ＡＢＣ", true), ("abc", false), ("承\u{200B}办", false),
            ("承\u{202E}办", false), ("王  五", false), ("Li Ming", true),
        ])
    func names(_ name: String, _ accepted: Bool) throws {
        let o = try AccountsTests.staffed()
        if name == "abc" {
            try o.ok(["staff", "add", "ABC", "--role", "handler", "--password-stdin"], input: testPassword + "\n")
        }
        let r = try o.run(["staff", "add", name, "--role", "handler", "--password-stdin"], input: testPassword + "\n")
        #expect((r.status == 0) == accepted, "\(name.unicodeScalars.map { String($0.value, radix: 16) }): \(r.stderr)")
        // The positional argument is named as the user typed it: NAME, not an option.
        if !accepted { #expect(r.stderr.contains("NAME：") || r.stderr.contains("账号"), "\(r.stderr)") }
        #expect(!r.stderr.contains("--name"))
    }

    @Test("sessions: none, signed out, expired, another day, wrong passwords throttled; the file is the user's alone")
    func sessions() throws {
        let o = try AccountsTests.staffed()
        let register = [
            "register", "--received", "2026-11-02", "--channel", "online", "--applicant", "张三",
            "--applicant-type", "person", "--request", "x",
        ]
        // Nobody signed in: the refusal says how to sign in.
        let none = try o.launch(register, env: o.environment, day: "2026-11-02")
        #expect(none.status == 1 && none.stderr.contains("disclosure login"), "\(none.stderr)")
        // Signed in on 11-02, the session does not reach 11-03.
        try o.signIn("承办人乙", on: "2026-11-02")
        let env = o.environment(as: "承办人乙", on: "2026-11-02")
        #expect(try o.launch(register, env: env, day: "2026-11-02").status == 0)
        let nextDay = try o.launch(register, env: env, day: "2026-11-03")
        #expect(nextDay.status == 1 && nextDay.stderr.contains("登录已过期"), "\(nextDay.stderr)")
        let folder = URL(fileURLWithPath: env["XDG_CONFIG_HOME"] ?? "").appendingPathComponent("disclosure/sessions")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(files[0]).path)[
            .posixPermissions]
        #expect((mode as? Int) == 0o600)
        #expect(try o.launch(["whoami"], env: env, day: "2026-11-02").stdout.contains("承办人乙"))
        #expect(try o.launch(["logout"], env: env, day: "2026-11-02").status == 0)
        let out = try o.launch(register, env: env, day: "2026-11-02")
        #expect(out.status == 1 && out.stderr.contains("disclosure login"))
        // A failed sign-in on a shared PC leaves nobody signed in, not the one before.
        try o.signIn("主任丁", on: "2026-11-02")
        let shared = o.environment(as: "主任丁", on: "2026-11-02")
        let failed = try o.launch(["login", "登记员甲", "--password-stdin"], env: shared, input: "wrong-password\n",
                                  day: "2026-11-02")
        #expect(failed.status == 1)
        #expect(try o.launch(["whoami"], env: shared, day: "2026-11-02").status == 1)
        o.forgetSession("主任丁", on: "2026-11-02")
        // Wrong passwords: refused alike, then throttled, even for the right one.
        let login = ["login", "承办人乙", "--password-stdin"]
        for _ in 0..<5 {
            let wrong = try o.launch(login, env: env, input: "not-the-password\n", day: "2026-11-02")
            #expect(wrong.status == 1 && wrong.stderr.contains("账号或密码不正确"))
        }
        let unknown = try o.launch(
            ["login", "无此人", "--password-stdin"], env: env, input: "whatever-1\n", day: "2026-11-02")
        #expect(unknown.status == 1 && unknown.stderr.contains("账号或密码不正确"))
        let throttled = try o.launch(login, env: env, input: testPassword + "\n", day: "2026-11-02")
        #expect(throttled.status == 1 && throttled.stderr.contains("失败次数过多"), "\(throttled.stderr)")
        // One's own password changes only with the current one: an unattended session cannot take the account.
        try o.signIn("审核人丙", on: "2026-11-02")
        let reviewer = o.environment(as: "审核人丙", on: "2026-11-02")
        let takeover = try o.launch(
            ["staff", "password", "--password-stdin"], env: reviewer,
            input: "guessed-wrong\nnew-password-1\n", day: "2026-11-02")
        #expect(takeover.status == 1 && takeover.stderr.contains("账号或密码不正确"), "\(takeover.stderr)")
        let changed = try o.launch(
            ["staff", "password", "--password-stdin"], env: reviewer,
            input: testPassword + "\nnew-password-1\n", day: "2026-11-02")
        #expect(changed.status == 0, "\(changed.stderr)")
        let relogin = try o.launch(
            ["login", "审核人丙", "--password-stdin"], env: reviewer, input: "new-password-1\n",
            day: "2026-11-02")
        #expect(relogin.status == 0, "\(relogin.stderr)")
        // A disabled account's session ends at once.
        try o.signIn("主任丁", on: "2026-11-02")
        let head = o.environment(as: "主任丁", on: "2026-11-02")
        try o.ok(["staff", "disable", "主任丁"])
        let disabled = try o.launch(["withdraw", "2026-1"], env: head, day: "2026-11-02")
        #expect(disabled.status == 1, "\(disabled.stderr)")
        let history = try o.ok(["staff", "history", "主任丁", "--json"]).array.compactMap { $0["kind"] as? String }
        #expect(history == ["added", "disabled"])
    }

    @Test("a late entry needs its reason, is marked 补录, listed, and covered by the hash chain")
    func lateEntries() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-11-02")
        let late = try o.run(
            ["correction", "request", n, "--items", "写明文号", "--period", "10", "--on", "2026-11-03"],
            today: "2026-11-09")
        #expect(late.status == 1 && late.stderr.contains("--late-entry"))
        try o.ok(
            [
                "correction", "request", n, "--items", "写明文号", "--period", "10", "--on", "2026-11-03",
                "--late-entry", "纸质告知已发出，系统当日停机",
            ], today: "2026-11-09")
        // Three working days' grace: 11-03 entered on 11-06 is in time.
        let m = try o.register("2026-11-03")
        try o.ok(["withdraw", m, "--on", "2026-11-03"], today: "2026-11-06")
        #expect(try o.ok("history", n).stdout.contains("〔补录：纸质告知已发出，系统当日停机〕"))
        let listed = try o.ok("report", "late-entries", "--json").array
        #expect(listed.count == 1 && listed.first?["reason"] as? String == "纸质告知已发出，系统当日停机")
        #expect(try o.ok("audit", "verify").status == 0)
        let forge = "DROP TRIGGER events_no_update; UPDATE events SET late_entry = '补' WHERE late_entry IS NOT NULL"
        _ = try sh("sqlite3 '\(o.db)' \"\(forge)\"", in: o.dir)
        #expect(try o.run("audit", "verify").status == 1)
    }

    @Test("a case received before 2019-05-15 is counted under the 2008 Regulation")
    func regulation2008() throws {
        let o = try Office.initialised()
        let r = try o.run(
            [
                "register", "--received", "2019-03-01", "--channel", "post", "--applicant", "张三",
                "--applicant-type", "person", "--request", "旧案", "--late-entry", "补录旧台账", "--json",
            ],
            today: "2026-11-20")
        #expect(r.status == 0, "\(r.stderr)")
        // 15 working days after Fri 2019-03-01: 4..8=5, 11..15=10, 18..22=15.
        #expect(r.object["due"] as? String == "2019-03-22")
        #expect(r.object["regulation"] as? String == "2008")
        let n = r.object["number"] as? String ?? "?"
        #expect(try o.ok("show", n).stdout.contains("2008年《政府信息公开条例》"))
        let tooLong = try o.run(
            ["extend", n, "--days", "16", "--reason", "复杂", "--on", "2019-03-20", "--late-entry", "补"],
            today: "2019-03-20")
        #expect(tooLong.status == 1 && tooLong.stderr.contains("15个工作日"))
        let fee = try o.run(["fee", "notice", n, "--pages", "300", "--on", "2019-03-05"], today: "2019-03-05")
        #expect(fee.status == 1 && fee.stderr.contains("2008"))
        let newer = try o.run(
            [
                "register", "--received", "2019-05-15", "--channel", "post", "--applicant", "李四",
                "--applicant-type", "person", "--request", "新案", "--json",
            ], today: "2019-05-15")
        #expect(newer.object["regulation"] as? String == "2019")
    }

    @Test("a database from before accounts migrates: every old name kept apart, the history verifiable")
    func oldDatabase() throws {
        let o = Office()
        try FileManager.default.copyItem(
            atPath: packageRoot.appendingPathComponent("Tests/Fixtures/release-2026-11.db").path,
            toPath: o.db)
        #expect(try o.ok("audit", "verify").stdout.contains("审计通过"))
        let history = try o.ok("history", "2026-1", "--json").array
        #expect(history.map { $0["actor"] as? String } == ["王科员", "王科员", "王科员", "王科员", "王科员 ", "李主任"])
        #expect(history.allSatisfy { $0["account_id"] is NSNull })
        // Writing needs a signed-in account, which the file's owner sets up first.
        let refused = try o.run(["withdraw", "2026-2", "--on", "2026-11-20"])
        #expect(refused.status == 1)
        try o.bootstrap()
        let again = try o.run(["staff", "bootstrap", "另一人", "--password-stdin"], input: testPassword + "\n")
        #expect(again.status == 1)
        let accounts = try o.ok(["staff", "list", "--json"]).array
        let legacy = accounts.filter { $0["legacy"] as? Bool == true }.compactMap { $0["name"] as? String }
        // 张科员 was only typed as an approver, inside a payload: no actor, no account.
        #expect(Set(legacy) == ["王科员", "王科员 ", "李主任"])
        #expect(accounts.filter { $0["legacy"] as? Bool == true }.allSatisfy { $0["disabled"] as? Bool == true })
        // The office's real 王科员 gets an account of their own; the legacy names stay as they were.
        try o.ok(["withdraw", "2026-2", "--on", "2026-11-20", "--actor", "王科员"], today: "2026-11-20")
        #expect(try o.ok("audit", "verify").stdout.contains("审计通过"))
        let last = try o.ok("history", "2026-2", "--json").array.last
        #expect(last?["account_id"] is Int)
    }
}
