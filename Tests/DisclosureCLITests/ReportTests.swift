import Foundation
import Testing

@Suite("Command line: annual report and remedies")
struct ReportTests {
    @Test("cases crossing years count once on each side, and the report balances")
    func crossingYears() throws {
        let o = try Office.initialised()
        let a = ["--as-of", "2027-06-30"]
        let carriedIn = try o.register("2025-12-22", applicant: "张三")      // closed in 2026: 二 and 三
        let stillOpen = try o.register("2025-12-23", applicant: "某公司")    // open all 2026: 二 and 四
        let closedBefore = try o.register("2025-06-02", applicant: "李四")   // closed in 2025: not in 2026
        let newClosed = try o.register("2026-03-02", applicant: "王五")      // 一 and 三
        let newOpen = try o.register("2026-12-28", applicant: "赵六")        // 一 and 四
        try o.ok(["correction", "request", stillOpen, "--on", "2025-12-24", "--items", "写明名称", "--period", "60"] + a)
        try o.reply(carriedIn, "1", on: "2026-01-15")
        try o.reply(newClosed, "3.2", on: "2026-03-20")
        try o.reply(closedBefore, "4.1", on: "2025-06-20")
        _ = newOpen
        let json = try o.ok("report", "annual", "--year", "2026", "--format", "json").object
        func total(_ key: String) -> Int? { (json[key] as? [String: Any])?["total"] as? Int }
        #expect(total("received") == 2)
        #expect(total("carried_in") == 2)
        #expect(total("results_total") == 2)
        #expect(total("carried_out") == 2)
        #expect(json["balanced"] as? Bool == true)
        let results = json["results"] as? [String: [String: Int]]
        #expect(results?["1"]?["person"] == 1)
        #expect(results?["3.2"]?["total"] == 1)
        #expect(results?["4.1"]?["total"] == 0)
        let text = try o.ok("report", "annual", "--year", "2026").stdout
        #expect(text.contains("勾稽关系：一＋二＝三（七）＋四，成立"))
        let csv = try o.ok("report", "annual", "--year", "2025", "--format", "csv").stdout
        // 2025: three received (the helper registers everyone as a person), one closed, two carried into 2026.
        #expect(csv.contains("三,\"一、本年新收政府信息公开申请数量\",3,0,0,0,0,0,0,3"))
        #expect(csv.contains("三,\"四、结转下年度继续办理\",2,0,0,0,0,0,0,2"))
        let xmlFile = o.dir.appendingPathComponent("report.xml")
        try o.ok("report", "annual", "--year", "2026", "--format", "xml").stdout.write(to: xmlFile, atomically: true, encoding: .utf8)
        #expect(try xmllint(xmlFile.path, schema: "annual-report.xsd") == 0)
        #expect(try String(contentsOf: xmlFile, encoding: .utf8).contains("<row id=\"received\" label=\"一、本年新收政府信息公开申请数量\" person=\"2\""))
        let bad = try o.run("report", "annual", "--year", "2026", "--format", "pdf")
        #expect(bad.status == 1 && bad.stderr.contains("--format"))
    }

    @Test("a corrected 复议 reopens its case; table 四 counts results and pending ones")
    func remedies() throws {
        let o = try Office.initialised()
        let a = ["--as-of", "2026-12-31"]
        let n1 = try o.register("2026-03-02")
        let n2 = try o.register("2026-03-03", applicant: "李四")
        try o.reply(n1, "3.4", on: "2026-03-20")
        try o.ok(["deliver", n1, "--on", "2026-03-23", "--method", "post"] + a)
        try o.ok(["archive", n1, "--on", "2026-03-24"] + a)
        try o.reply(n2, "1", on: "2026-03-20")
        let noRemedy = try o.run(["remedy", "decide", n1, "--result", "upheld", "--on", "2026-04-01"] + a)
        #expect(noRemedy.status == 1 && noRemedy.stderr.contains("--remedy"))
        try o.ok(["remedy", "file", n1, "--kind", "reconsideration", "--body", "某市人民政府", "--on", "2026-04-10"] + a)
        try o.ok(["remedy", "file", n2, "--kind", "litigation", "--body", "某区人民法院", "--on", "2026-05-06"] + a)
        let decided = try o.ok(["remedy", "decide", n1, "--result", "corrected", "--on", "2026-06-01", "--json"] + a).object
        #expect(decided["status"] as? String == "handling")
        #expect(decided["round"] as? Int == 2)
        #expect(decided["due"] as? String == "2026-06-30")
        #expect((decided["remedies"] as? [[String: Any]])?.first?["result"] as? String == "corrected")
        let report = try o.ok("report", "annual", "--year", "2026", "--format", "json").object
        let remedies = report["remedies"] as? [String: [String: Int]]
        #expect(remedies?["reconsideration"]?["corrected"] == 1)
        #expect(remedies?["litigation"]?["pending"] == 1)
        #expect(remedies?["litigation-after-reconsideration"]?["total"] == 0)
        // The reopened case is open again: it moves from 三 to 四.
        #expect((report["carried_out"] as? [String: Int])?["total"] == 1)
        #expect(report["balanced"] as? Bool == true)
        #expect(try o.ok("show", n1).stdout.contains("第1号救济：行政复议"))
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("a locked year refuses changes to its figures until unlocked with a reason")
    func lock() throws {
        let o = try Office.initialised()
        let a = ["--as-of", "2026-12-31"]
        let old = try o.register("2025-06-02")
        let late = try o.register("2025-12-22", applicant: "李四")
        try o.reply(old, "1", on: "2025-06-20")
        try o.ok("report", "lock", "--year", "2025")
        // A year still running has no final report to lock.
        let running = try o.run(["report", "lock", "--year", "2026"], today: "2026-12-31")
        #expect(running.status == 1 && running.stderr.contains("2026年尚未结束"), "\(running.stderr)")
        // Statuses are taken by the Chinese name the board prints, as well as by their code.
        #expect(try o.ok("list", "--status", "办理中", "--json").array.count
                == (try o.ok("list", "--status", "handling", "--json").array.count))
        // Registering a 2025 application now, or closing a 2025 case in 2025, would change 2025.
        let register = try o.run("register", "--received", "2025-12-30", "--channel", "post", "--applicant", "王五",
                                 "--applicant-type", "person", "--request", "x", "--as-of", "2026-01-05")
        #expect(register.status == 1 && register.stderr.contains("report unlock"))
        let backdated = try o.run(["withdraw", late, "--on", "2025-12-29"] + a)
        #expect(backdated.status == 1 && backdated.stderr.contains("2025"))
        let reopen = try o.run(["reopen", old, "--reason", "复议决定", "--on", "2026-03-02"] + a)
        #expect(reopen.status == 1)
        // Closing the carried-over case in 2026 leaves 2025 as published.
        try o.ok(["withdraw", late, "--on", "2026-01-05"] + a)
        let noReason = try o.run("report", "unlock", "--year", "2025", "--reason", " ")
        #expect(noReason.status == 1 && noReason.stderr.contains("--reason"))
        try o.ok("report", "unlock", "--year", "2025", "--reason", "复议决定责令重新答复")
        try o.ok(["reopen", old, "--reason", "复议决定", "--on", "2026-03-02"] + a)
        #expect(try o.caseCount() == 2)
        // Every lock stays on record, with who lifted it and why.
        let locks = try o.ok("report", "locks", "--json").array
        #expect(locks.count == 1 && locks.first?["year"] as? Int == 2025 && locks.first?["locked"] as? Bool == false)
        #expect(locks.first?["reason"] as? String == "复议决定责令重新答复" && locks.first?["unlocked_by"] is String)
        let listed = try o.ok("report", "locks").stdout
        #expect(listed.contains("2025") && listed.contains("已解除") && listed.contains("复议决定责令重新答复"))
    }

    @Test("report annual --json and --out; --lang en labels the rows in English; its XML validates as xmllint says")
    func annualFormats() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        let json = try o.ok("report", "annual", "--year", "2026", "--json")
        #expect((json.json as? [String: Any])?["year"] as? Int == 2026)
        let en = try o.ok("report", "annual", "--year", "2026", "--lang", "en").stdout
        #expect(en.contains("New applications received this year") && en.contains("Carried over to next year"))
        #expect(!en.contains("本年新收") && !en.contains("勾稽关系"))
        let xml = o.dir.appendingPathComponent("report.xml").path
        try o.ok("report", "annual", "--year", "2026", "--format", "xml", "--out", xml)
        #expect(try xmllint(xml, schema: "annual-report.xsd") == 0)
        #expect(try o.ok("validate", xml).stdout.contains("有效"))
        let again = try o.run("report", "annual", "--year", "2026", "--format", "xml", "--out", xml)
        #expect(again.status == 1 && again.stderr.contains("--force"), "\(again.stderr)")
        // The calendar's text format is validated as calendar import reads it, with the line named.
        let text = packageRoot.appendingPathComponent("Storage/calendar/2026.txt").path
        #expect(try o.ok("validate", text).stdout.contains("2026年放假安排，文本格式"))
        let bad = o.dir.appendingPathComponent("bad.txt")
        try "year 2026\n2026-13-01 春节\n".write(to: bad, atomically: true, encoding: .utf8)
        let refused = try o.run("validate", bad.path)
        #expect(refused.status == 1 && refused.stderr.contains("bad.txt:2"), "\(refused.stderr)")
    }
}


@Suite("Command line: notices")
struct NoticeCLITests {
    @Test("a reply and a receipt are written as print-ready HTML; a missing fact is named")
    func notices() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-12-31"]
        let receipt = o.dir.appendingPathComponent("receipt.html").path
        try o.ok("notice", n, "--kind", "receipt", "--out", receipt)
        let html = try String(contentsOfFile: receipt, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("政府信息公开申请登记回执") && html.contains("2026年3月30日"))
        try o.ok(["reply", "draft", n, "--outcome", "3.6", "--basis", "属于讨论记录等过程性信息（条例第十六条第二款）", "--on", "2026-03-20"] + a)
        try o.ok(["reply", "review", n, "--approve", "--actor", "李主任", "--on", "2026-03-20"] + a)
        let missing = try o.run("notice", n, "--kind", "reply", "--format", "text")
        #expect(missing.status == 1 && missing.stderr.contains("reconsideration_body") && missing.stderr.contains("--reconsideration-body"))
        let reply = try o.ok(["notice", n, "--kind", "reply", "--format", "text", "--reconsideration-body", "测试市人民政府"]).stdout
        #expect(reply.contains("属于不予公开的情形（属于四类过程性信息）"))
        #expect(reply.contains("应当先申请行政复议"))
        let none = try o.run("notice", n, "--kind", "fee")
        #expect(none.status == 1 && none.stderr.contains("fee"))
        let bad = try o.run("notice", n, "--kind", "memo")
        #expect(bad.status == 1 && bad.stderr.contains("--kind"))
    }
}

@Suite("Printing")
struct PrintTests {
    @Test("a reply prints from headless Chromium as one A4 page")
    func printsOnA4() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-12-31"]
        try o.ok(["reply", "draft", n, "--outcome", "1", "--basis", "已在本机关门户网站政府信息公开专栏公开", "--on", "2026-03-20"] + a)
        try o.ok(["reply", "review", n, "--approve", "--actor", "李主任", "--on", "2026-03-20"] + a)
        let html = o.dir.appendingPathComponent("reply.html")
        try o.ok("notice", n, "--kind", "reply", "--out", html.path, "--reconsideration-body", "测试市人民政府")
        let pdf = o.dir.appendingPathComponent("reply.pdf")
        let (status, _) = try tool("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                                        "--print-to-pdf=\(pdf.path)", html.absoluteString], in: o.dir)
        #expect(status == 0)
        let (infoStatus, info) = try tool("/usr/bin/pdfinfo", [pdf.path], in: o.dir)
        #expect(infoStatus == 0)
        #expect(info.contains("Pages:           1"))
        #expect(info.contains("(A4)"))
    }
}

@Suite("Command line: statistics")
struct StatsCLITests {
    @Test("received, closed, on-time rate, median and 90th percentile without stopped time, overdue now; an SVG chart")
    func stats() throws {
        let o = try Office.initialised()
        let a = ["--as-of", "2026-12-31"]
        // Three replies in March 2026: 5, 10 and 24 working days (the last one late), one with a consultation stop.
        let n1 = try o.register("2026-03-02")
        let n2 = try o.register("2026-03-02", applicant: "李四")
        let n3 = try o.register("2026-03-02", applicant: "王五")
        _ = try o.register("2026-03-03", applicant: "赵六")   // never answered: overdue now
        try o.reply(n1, "1", on: "2026-03-09", basis: "见门户网站")  // Mar 3–9: 5 working days
        try o.ok(["consult", "send", n2, "--party", "agency", "--to", "财政局", "--on", "2026-03-03"] + a)
        try o.ok(["consult", "answer", n2, "--on", "2026-03-06", "--opinion", "agree"] + a)
        try o.reply(n2, "1", on: "2026-03-19", basis: "见门户网站")  // Mar 3–19 is 13, less Mar 4–6 stopped: 10
        try o.reply(n3, "1", on: "2026-04-03", basis: "见门户网站")  // 24 working days, after the due date (Mar 30)
        let svg = o.dir.appendingPathComponent("stats.svg").path
        let json = try o.ok("report", "stats", "--from", "2026-03-01", "--to", "2026-04-30", "--as-of", "2026-05-15",
                            "--svg", svg, "--json").object
        let months = json["months"] as? [[String: Any]]
        #expect(months?.map { $0["month"] as? String } == ["2026-03", "2026-04"])
        #expect(months?.first?["received"] as? Int == 4)
        #expect(months?.first?["replies"] as? Int == 2)
        #expect(months?.first?["median_workdays"] as? Int == 5)
        #expect(months?.first?["p90_workdays"] as? Int == 10)
        #expect(months?.last?["closed"] as? Int == 1)
        let total = json["total"] as? [String: Any]
        #expect(total?["replies"] as? Int == 3)
        #expect(total?["p90_workdays"] as? Int == 24)
        #expect(total?["on_time_rate"] as? String == "0.6667")
        #expect(total?["overdue_now"] as? Int == 1)
        #expect(try tool("/usr/bin/xmllint", ["--noout", svg]).status == 0)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<title>2026-03 收到 4</title>"))
    }
}

@Suite("Command line: clusters and repeats")
struct ClusterCLITests {
    @Test("several applicants asking for the same information are a lead; a repeat is flagged at registration")
    func clustersAndRepeats() throws {
        let o = try Office.initialised()
        let a = ["--as-of", "2026-12-31"]
        let first = try o.register("2026-03-02", applicant: "张三", request: "2025年度某区财政预算执行情况")
        _ = try o.register("2026-03-03", applicant: "李四", request: "某区2025年度财政预算执行情况")
        _ = try o.register("2026-03-04", applicant: "王五", request: "请公开2025年度某区财政预算执行情况")
        _ = try o.register("2026-03-05", applicant: "赵六", request: "养老机构运营补贴发放名单")
        try o.ok(["reply", "draft", first, "--outcome", "1", "--basis", "见区政府门户网站", "--on", "2026-03-10"] + a)
        try o.ok(["reply", "review", first, "--approve", "--actor", "李主任", "--on", "2026-03-10"] + a)
        try o.ok(["reply", "issue", first, "--on", "2026-03-10"] + a)
        let clusters = try o.ok("report", "clusters", "--json").array
        #expect(clusters.count == 1)
        #expect((clusters.first?["applicants"] as? [String])?.count == 3)
        #expect(clusters.first?["suggest_proactive"] as? Bool == true)
        #expect(try o.ok("report", "clusters", "--min-applicants", "4", "--json").array.isEmpty)
        let again = try o.ok("register", "--received", "2026-04-01", "--channel", "online", "--applicant", "张三",
                              "--applicant-type", "person", "--request", "2025年度某区财政预算执行情况（再次申请）", "--as-of", "2026-04-01")
        #expect(again.stdout.contains("注意") && again.stdout.contains(first) && again.stdout.contains("5.2"))
        let other = try o.ok("register", "--received", "2026-04-01", "--channel", "online", "--applicant", "张三",
                             "--applicant-type", "person", "--request", "养老机构运营补贴发放名单", "--as-of", "2026-04-01")
        #expect(!other.stdout.contains("注意"))
    }
}
