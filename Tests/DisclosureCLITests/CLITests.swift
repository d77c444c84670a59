import Foundation
import Testing

@Suite("Command line: the main job")
struct MainJobTests {
    @Test("register prints number, receipt date and due date; JSON has the contract fields")
    func register() throws {
        let o = try Office.initialised()
        let text = try o.ok("register", "--received", "2026-09-25", "--channel", "in-person", "--applicant", "李秀兰",
                            "--applicant-type", "person", "--request", "老旧小区改造招标文件", "--as-of", "2026-11-20")
        #expect(text.stdout.contains("2026-000001"))
        #expect(text.stdout.contains("2026-09-25"))
        #expect(text.stdout.contains("2026-10-29"))
        let json = try o.ok("show", "2026-1", "--json", "--as-of", "2026-11-20").object
        #expect(json["number"] as? String == "2026-000001")
        #expect(json["received"] as? String == "2026-09-25")
        #expect(json["due"] as? String == "2026-10-29")
        #expect(json["status"] as? String == "handling")
        #expect(json["provisional"] as? Bool == false)
        #expect(json["overdue"] as? Bool == true)
        #expect(json["workdays_left"] as? Int == -16)
        let clock = json["clock"] as? [String: Any]
        #expect(clock?["start"] as? String == "2026-09-25")
        #expect((json["events"] as? [Any])?.count == 1)
    }

    @Test("bad input: exit 1, the field and the rule named, nothing written", arguments: [
        (["--received", "2026-02-30"], "--received"),
        (["--received", "2026/03/01"], "--received"),
        (["--channel", "pigeon"], "--channel"),
        (["--applicant-type", "alien"], "--applicant-type"),
        (["--applicant", "  "], "--applicant"),
        (["--request", ""], "--request"),
        (["--form", "scroll"], "--form"),
        (["--received", "2027-01-05"], "--received"),
    ])
    func badRegister(change: [String], field: String) throws {
        let o = try Office.initialised()
        var args: [String: String] = ["--received": "2026-11-02", "--channel": "online", "--applicant": "张三",
                                      "--applicant-type": "person", "--request": "某文件"]
        args[change[0]] = change[1]
        let flat = ["register"] + args.sorted { $0.key < $1.key }.flatMap { [$0.key, $0.value] }
        let r = try o.run(flat, today: "2026-11-20")
        #expect(r.status == 1)
        #expect(r.stderr.contains(field), "stderr: \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try o.caseCount() == 0)
    }

    @Test("a missing required option and an unknown case exit 1 and say what is wrong")
    func missingAndUnknown() throws {
        let o = try Office.initialised()
        let missing = try o.run("register", "--received", "2026-11-02", "--channel", "online", "--applicant-type", "person", "--request", "x")
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("--applicant"))
        #expect(missing.stderr.contains("缺少必填项"))
        let unknown = try o.run("show", "2026-000042")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("2026-000042"))
        let malformed = try o.run("show", "42")
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("2026-000123"))
        let english = try o.run("--lang", "en", "show", "2026-000042")
        #expect(english.stderr == "error: CASE: there is no case 2026-000042\n")
        #expect(try o.caseCount() == 0)
    }

    @Test("no database yet: a clear message pointing to init")
    func noDatabase() throws {
        let o = Office()
        let r = try o.run("due")
        #expect(r.status == 1)
        #expect(r.stderr.contains("disclosure init"))
        #expect(!FileManager.default.fileExists(atPath: o.db))
    }

    @Test("processes registering at the same moment all succeed with distinct numbers")
    func parallelProcesses() throws {
        let o = try Office.initialised()
        try o.signIn("王科员", on: "2026-11-02")
        // Four shells, each registering ten cases as fast as it can.
        var procs: [Process] = []
        for w in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "for i in 0 1 2 3 4 5 6 7 8 9; do faketime -f '@2026-11-02 09:00:00' \"$BIN\" register --received 2026-11-02 --channel online --applicant \"申请人\(w)-$i\" --applicant-type person --request 文件 || exit 1; done"]
            p.environment = o.environment(as: "王科员", on: "2026-11-02").merging(["BIN": binary]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            procs.append(p)
        }
        for p in procs { p.waitUntilExit() }
        #expect(procs.allSatisfy { $0.terminationStatus == 0 })
        let numbers = try o.run("list", "--json").array.compactMap { $0["number"] as? String }
        #expect(numbers.count == 40)
        #expect(Set(numbers).count == 40)
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("the board: overdue first, --within counts working days, --as-of moves today")
    func board() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-09-25")  // due 2026-10-29
        _ = try o.register("2026-11-13")  // due 2026-12-11
        _ = try o.register("2026-11-19")  // due 2026-12-17
        let all = try o.ok("due", "--as-of", "2026-11-20", "--json").array
        #expect(all.map { $0["number"] as? String } == ["2026-000001", "2026-000002", "2026-000003"])
        #expect(all.map { $0["overdue"] as? Bool } == [true, false, false])
        #expect(all.map { $0["workdays_left"] as? Int } == [-16, 15, 19])
        // 15 working days after Fri 2026-11-20 is Fri 2026-12-11.
        let within = try o.ok("due", "--as-of", "2026-11-20", "--within", "15", "--json").array
        #expect(within.map { $0["number"] as? String } == ["2026-000001", "2026-000002"])
        let text = try o.ok("due", "--as-of", "2026-11-20").stdout
        #expect(text.contains("逾期16个工作日"))
        #expect(text.contains("未结 3 件，其中逾期 1 件"))
        let english = try o.ok("--lang", "en", "due", "--as-of", "2026-11-20").stdout
        #expect(english.contains("overdue 16 wd"))
    }

    @Test("list filters by status, year, applicant and text")
    func listFilters() throws {
        let o = try Office.initialised()
        _ = try o.register("2025-12-30", applicant: "王五", request: "2025年财政预算")
        _ = try o.register("2026-01-05", applicant: "赵六", request: "征收补偿方案")
        _ = try o.register("2026-01-06", applicant: "王五", request: "学位测算依据")
        try o.ok("withdraw", "2026-2", "--on", "2026-01-07", "--as-of", "2026-01-07")
        #expect(try o.ok("list", "--year", "2026", "--json").array.count == 2)
        #expect(try o.ok("list", "--applicant", "王五", "--json").array.count == 2)
        #expect(try o.ok("list", "--text", "征收", "--json").array.count == 1)
        #expect(try o.ok("list", "--status", "closed", "--json").array.first?["outcome"] as? String == "6.3")
        #expect(try o.ok("list", "--open", "--json").array.count == 2)
        let bad = try o.run("list", "--status", "lost")
        #expect(bad.status == 1 && bad.stderr.contains("--status"))
    }

    @Test("calendar days and show; a new year's schedule is imported and the open cases follow it")
    func calendar() throws {
        let o = try Office.initialised()
        let days = try o.ok("calendar", "days", "--from", "2026-02-13", "--to", "2026-02-16", "--json").array
        #expect(days.map { $0["date"] as? String } == ["2026-02-13", "2026-02-14", "2026-02-15", "2026-02-16"])
        #expect(days.map { $0["workday"] as? Bool } == [true, true, false, false])
        #expect(days.map { $0["provisional"] as? Bool } == [false, false, false, false])
        #expect(days[1]["name"] as? String == "春节")
        #expect(days[0]["name"] is NSNull)
        let y2027 = try o.ok("calendar", "days", "--from", "2027-01-01", "--to", "2027-01-01", "--json").array
        #expect(y2027.first?["provisional"] as? Bool == true)
        #expect(y2027.first?["workday"] as? Bool == false)
        let shown = try o.ok("calendar", "show", "2026").stdout
        #expect(shown.contains("全年工作日：248天"))
        #expect(shown.contains("国办发明电〔2025〕7号"))
        #expect(try o.ok("calendar", "show", "2027").stdout.contains("暂定"))

        let number = try o.register("2026-12-21")
        let before = try o.ok("show", number, "--json").object
        #expect(before["due"] as? String == "2027-01-19")
        #expect(before["provisional"] as? Bool == true)
        #expect(try o.ok("show", number).stdout.contains("暂定"))
        #expect(try o.ok("due", "--json").array.first?["provisional"] as? Bool == true)

        let file = o.dir.appendingPathComponent("2027.txt")
        try "# 测试用\nyear 2027\nsource 测试通知\nholiday 2027-01-01..2027-01-03 元旦\nworkday 2027-01-09 元旦\n".write(to: file, atomically: true, encoding: .utf8)
        let imported = try o.ok("calendar", "import", file.path, "--json").object
        #expect(imported["recomputed"] as? Int == 1)
        let after = try o.ok("show", number, "--json").object
        #expect(after["due"] as? String == "2027-01-18")
        #expect(after["provisional"] as? Bool == false)

        let broken = o.dir.appendingPathComponent("bad.txt")
        try "year 2028\nworkday 2028-01-05 元旦\n".write(to: broken, atomically: true, encoding: .utf8)
        let refused = try o.run("calendar", "import", broken.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("bad.txt:2"))
        #expect(try o.ok("calendar", "list", "--json").array.count == 12)
    }
}

@Suite("Command line: the lifecycle")
struct LifecycleTests {
    /// The steps that bring a fresh case to each outcome, all dated in March 2026.
    static func steps(for outcome: String, _ n: String) -> [[String]] {
        let review = [["reply", "review", n, "--approve", "--on", "2026-03-20", "--actor", "李主任"],
                      ["reply", "issue", n, "--on", "2026-03-20"],
                      ["deliver", n, "--on", "2026-03-23", "--method", "post"],
                      ["archive", n, "--on", "2026-03-24"]]
        switch outcome {
        case "6.1":
            return [["correction", "request", n, "--on", "2026-03-03", "--items", "请写明文件名称", "--period", "5"],
                    ["close", n, "--abandoned", "correction", "--on", "2026-03-11"],
                    ["archive", n, "--on", "2026-03-12"]]
        case "6.2":
            return [["fee", "notice", n, "--on", "2026-03-03", "--pages", "150"],
                    ["close", n, "--abandoned", "fee", "--on", "2026-04-01"],
                    ["archive", n, "--on", "2026-04-02"]]
        case "4.3":
            return [["correction", "request", n, "--on", "2026-03-03", "--items", "请写明文件名称", "--period", "5"],
                    ["correction", "receive", n, "--on", "2026-03-05"],
                    ["reply", "draft", n, "--outcome", "4.3", "--on", "2026-03-19", "--basis", "补正后仍无法确定所指信息"]] + review
        default:
            var draft = ["reply", "draft", n, "--outcome", outcome, "--on", "2026-03-19", "--basis", "依据条例第三十六条"]
            if outcome == "4.1" { draft += ["--refer-to", "市自然资源局，电话 12345"] }
            return [draft] + review
        }
    }

    static let outcomes = ["1", "2", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "4.1", "4.2", "4.3",
                           "5.1", "5.2", "5.3", "5.4", "5.5", "6.1", "6.2", "6.3"]

    @Test("every one of the 21 outcomes, from intake to archive", arguments: outcomes)
    func outcome(_ code: String) throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        for step in LifecycleTests.steps(for: code, n) {
            let r = try o.run(step + ["--as-of", "2026-04-30"])
            #expect(r.status == 0, "\(step.joined(separator: " ")): \(r.stderr)")
        }
        let json = try o.ok("show", n, "--json").object
        #expect(json["outcome"] as? String == code)
        #expect(json["status"] as? String == "archived")
        // An archived case refuses every change but reopening.
        let refused = try o.run("extend", n, "--days", "1", "--reason", "x", "--on", "2026-04-20", "--as-of", "2026-04-30")
        #expect(refused.status == 1)
        #expect(try o.ok("audit", "verify").status == 0)
        #expect(try o.ok("list", "--status", "archived", "--json").array.count == 1)
    }

    @Test("a complete case: correction, consultations, extension, fee, review, reply, archive, reopen")
    func complete() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-09-18")
        let a = ["--as-of", "2026-12-31"]
        try o.ok(["correction", "request", n, "--on", "2026-09-22", "--items", "请明确地块名称", "--period", "10"] + a)
        var s = try o.ok(["show", n, "--json"] + a).object
        #expect(s["status"] as? String == "awaiting-correction")
        #expect(s["due"] is NSNull)
        #expect((s["clock"] as? [String: Any])?["waiting"] as? [String: String] == ["for": "correction", "until": "2026-10-13"])
        #expect(try o.ok("due", "--json", "--as-of", "2026-09-30").array.first?["waiting"] as? [String: String] == ["for": "correction", "until": "2026-10-13"])
        try o.ok(["correction", "receive", n, "--on", "2026-10-09"] + a)
        try o.ok(["consult", "send", n, "--party", "third-party", "--to", "某公司", "--on", "2026-10-12"] + a)
        try o.ok(["consult", "send", n, "--party", "agency", "--to", "自然资源局", "--on", "2026-10-14", "--served", "2026-10-15"],
                 today: "2026-10-15")
        let board = try o.ok("due", "--json", "--as-of", "2026-10-20").array
        #expect(board.first?["status"] as? String == "consulting")
        #expect(board.first?["consultations_until"] as? String == "2026-11-05")
        #expect((board.first?["consultations_waiting"] as? [[String: Any]])?.map { $0["limit"] as? String } == ["2026-11-02", "2026-11-05"])
        #expect((board.first?["consultations_waiting"] as? [[String: Any]])?.map { $0["to"] as? String } == ["某公司", "自然资源局"])
        #expect(try o.ok("due", "--as-of", "2026-10-20").stdout.contains("征求意见中（#1至11-2、#2至11-5）"))
        // Once the first limit passes, only the second is waiting.
        #expect((try o.ok("due", "--json", "--as-of", "2026-11-03").array.first?["consultations_waiting"] as? [[String: Any]])?.count == 1)
        let ambiguous = try o.run(["consult", "answer", n, "--on", "2026-10-20", "--opinion", "agree"] + a)
        #expect(ambiguous.status == 1 && ambiguous.stderr.contains("--consultation"))
        try o.ok(["consult", "answer", n, "--consultation", "1", "--on", "2026-10-20", "--opinion", "object"] + a)
        try o.ok(["extend", n, "--days", "10", "--reason", "涉及多个部门", "--on", "2026-10-21"] + a)
        s = try o.ok(["show", n, "--json"] + a).object
        #expect(s["due"] as? String == "2026-12-15")
        // Per page: 120 pages = 70 × 10 + 20 × 20 = 1,100 yuan.
        let fee = try o.ok(["fee", "notice", n, "--on", "2026-11-02", "--pages", "120", "--json"] + a).object
        #expect((fee["fees"] as? [[String: Any]])?.first?["amount"] as? Int == 1100)
        #expect(fee["status"] as? String == "awaiting-fee")
        try o.ok(["fee", "paid", n, "--on", "2026-11-06"] + a)
        s = try o.ok(["show", n, "--json"] + a).object
        // The fee stop (Nov 3–6) overlaps the consultations' stop (Oct 13–Nov 5): only Nov 6 is new.
        #expect(s["due"] as? String == "2026-12-16")
        try o.ok(["reply", "draft", n, "--outcome", "2", "--basis", "部分涉及商业秘密，区分处理", "--on", "2026-11-16"] + a)
        let own = try o.run(["reply", "review", n, "--approve", "--on", "2026-11-17", "--actor", "王科员"] + a)
        #expect(own.status == 1 && own.stderr.contains("拟稿人以外"))
        try o.ok(["reply", "review", n, "--return", "--comment", "补充理由", "--on", "2026-11-17", "--actor", "李主任"] + a)
        try o.ok(["reply", "draft", n, "--outcome", "2", "--basis", "部分涉及商业秘密，已区分处理并说明理由", "--on", "2026-11-17"] + a)
        try o.ok(["reply", "review", n, "--approve", "--on", "2026-11-18", "--actor", "李主任"] + a)
        try o.ok(["reply", "issue", n, "--on", "2026-11-18"] + a)
        try o.ok(["deliver", n, "--on", "2026-11-19", "--method", "post"] + a)
        try o.ok(["archive", n, "--on", "2026-11-20"] + a)
        let reopened = try o.ok(["reopen", n, "--reason", "复议决定责令重新答复", "--on", "2026-11-20", "--json"] + a).object
        #expect(reopened["status"] as? String == "handling")
        #expect(reopened["due"] as? String == "2026-12-18")
        #expect(reopened["round"] as? Int == 2)
        let history = try o.ok("history", n, "--json").array
        #expect(history.count == 17)
        #expect(history.allSatisfy { ($0["recorded_at"] as? String)?.contains("T") == true && $0["actor"] is String })
        #expect(history.last?["due_before"] as? String == "2026-12-16")
        #expect(history.last?["due_after"] as? String == "2026-12-18")
        #expect(try o.ok("audit", "verify").stdout.contains("审计通过"))
    }

    @Test("fee quote shows the bands and counts the applicant's month")
    func feeQuote() throws {
        let o = try Office.initialised()
        for day in ["2026-03-02", "2026-03-03", "2026-03-04"] { _ = try o.register(day, applicant: "王五") }
        let q = try o.ok("fee", "quote", "--applicant", "王五", "--month", "2026-03", "--items", "25", "--json").object
        // Items 4–28: 7 free, 18 at 100 yuan.
        #expect(q["prior_items"] as? Int == 3)
        #expect(q["amount"] as? Int == 1800)
        let text = try o.ok("fee", "quote", "--applicant", "王五", "--month", "2026-03", "--pages", "150").stdout
        #expect(text.contains("合计：1700元"))
        let both = try o.run("fee", "quote", "--applicant", "王五", "--month", "2026-03", "--pages", "1", "--items", "1")
        #expect(both.status == 1 && both.stderr.contains("--items/--pages"))
        let badMonth = try o.run("fee", "quote", "--applicant", "王五", "--month", "2026-13", "--pages", "40")
        #expect(badMonth.status == 1 && badMonth.stderr.contains("--month"))
    }

    @Test("withdrawal closes as 6.3; refusals change nothing")
    func withdrawAndRefuse() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let before = try o.ok("history", n, "--json").array.count
        let early = try o.run("reply", "issue", n, "--on", "2026-03-05", "--as-of", "2026-03-31")
        #expect(early.status == 1)
        let future = try o.run(["withdraw", n, "--on", "2026-04-02"], today: "2026-03-31")
        #expect(future.status == 1 && future.stderr.contains("--on"))
        #expect(try o.ok("history", n, "--json").array.count == before)
        let w = try o.ok("withdraw", n, "--on", "2026-03-05", "--as-of", "2026-03-31", "--json").object
        #expect(w["outcome"] as? String == "6.3")
        #expect(w["status"] as? String == "closed")
    }
}
