import Foundation
import Testing

/// Defects found in review, each pinned by the input that showed it.
@Suite("Regressions")
struct RegressionTests {
    @Test("a failed export leaves an existing file alone; an unwritable output fails instead of hanging")
    func exportFailures() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        let keep = o.dir.appendingPathComponent("keep.xml")
        try "yesterday's file".write(to: keep, atomically: true, encoding: .utf8)
        let r = try o.run("export", "2026-1", "2026-999999", "--out", keep.path)
        #expect(r.status == 1)
        #expect(try String(contentsOf: keep, encoding: .utf8) == "yesterday's file")
        let dir = o.dir.appendingPathComponent("a-folder")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let unwritable = try o.run("export", "--all", "--out", dir.path)
        #expect(unwritable.status == 1 && unwritable.stderr.contains("--out"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: o.dir.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("fees: another agency's cases are not counted; one case, one scale")
    func fees() throws {
        let other = try Office.initialised()
        for day in 2...11 { _ = try other.register(String(format: "2026-03-%02d", day), applicant: "张三") }
        let file = other.dir.appendingPathComponent("other.xml").path
        try other.ok("export", "--all", "--out", file)
        let o = Office()
        try o.ok("init", "--agency", "本机关", "--code", "HERE")
        try o.ok("import", file, "--as-of", "2026-12-31")
        let quote = try o.ok("fee", "quote", "--applicant", "张三", "--month", "2026-03", "--items", "1", "--json").object
        #expect(quote["prior_items"] as? Int == 0)
        let n = try o.register("2026-03-12", applicant: "李四")
        let a = ["--as-of", "2026-12-31"]
        try o.ok(["fee", "notice", n, "--pages", "50", "--on", "2026-03-13"] + a)
        try o.ok(["fee", "paid", n, "--on", "2026-03-16"] + a)
        let mixed = try o.run(["fee", "notice", n, "--items", "15", "--on", "2026-03-17"] + a)
        #expect(mixed.status == 1 && mixed.stderr.contains("--items/--pages"))
    }

    @Test("dates far ahead are refused: service in the future, deferral beyond two years, huge extensions")
    func farDates() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-03-10"]
        let served = try o.run(["consult", "send", n, "--party", "agency", "--to", "财政局", "--on", "2026-03-05", "--served", "2062-03-05"] + a)
        #expect(served.status == 1 && served.stderr.contains("--served"))
        let deferral = try o.run(["defer", n, "--until", "9999-12-31", "--reason", "数量大", "--on", "2026-03-10"] + a)
        #expect(deferral.status == 1 && deferral.stderr.contains("--until"))
        try o.ok(["extend", n, "--days", "5", "--reason", "复杂", "--on", "2026-03-10"] + a)
        let huge = try o.run(["extend", n, "--days", "9223372036854775807", "--reason", "复杂", "--on", "2026-03-10"] + a)
        #expect(huge.status == 1 && huge.stderr.contains("--days"))
        #expect(try o.ok("due", "--json", "--as-of", "2026-03-10").array.count == 1)
    }

    @Test("the 20 extension days are for the case, not for each reply round")
    func extensionAcrossRounds() throws {
        let o = try Office.initialised()
        let n = try o.register("2026-03-02")
        let a = ["--as-of", "2026-12-31"]
        try o.ok(["extend", n, "--days", "20", "--reason", "复杂", "--on", "2026-03-10"] + a)
        try o.ok(["reply", "draft", n, "--outcome", "1", "--basis", "见网站", "--on", "2026-04-01"] + a)
        try o.ok(["reply", "review", n, "--approve", "--actor", "李主任", "--on", "2026-04-01"] + a)
        try o.ok(["reply", "issue", n, "--on", "2026-04-01"] + a)
        let reopened = try o.ok(["reopen", n, "--reason", "复议决定", "--on", "2026-06-01", "--json"] + a).object
        // A fresh 20 working days from the reopening, without the first round's extension.
        #expect(reopened["due"] as? String == "2026-06-30")
        let again = try o.run(["extend", n, "--days", "1", "--reason", "再延", "--on", "2026-06-02"] + a)
        #expect(again.status == 1 && again.stderr.contains("--days"))
    }

    @Test("a case file dated in the future is refused whole")
    func futureImport() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        let file = o.dir.appendingPathComponent("cases.xml").path
        try o.ok("export", "--all", "--out", file)
        let text = try String(contentsOfFile: file, encoding: .utf8)
            .replacingOccurrences(of: ">2026-03-02</received>", with: ">9999-12-31</received>")
            .replacingOccurrences(of: "at=\"", with: "at=\"9999-12-31T09:00:00+08:00\" old=\"")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let target = Office()
        try target.ok("init", "--agency", "审查机关", "--code", "R")
        let r = try target.run("import", file, "--as-of", "2026-12-31")
        #expect(r.status == 1)
        #expect(try target.caseCount() == 0)
    }

    @Test("every date counted into a year with no schedule loaded is marked provisional")
    func provisionalMarks() throws {
        let o = try Office.initialised()
        let r = try o.run("register", "--received", "2026-12-24", "--channel", "online", "--applicant", "张三",
                          "--applicant-type", "person", "--request", "x", "--as-of", "2026-12-24")
        // The 7th working day after 24 Dec 2026 is in January 2027.
        #expect(r.stdout.contains("补正告知须于 2027-01-05（暂定） 前发出"), "\(r.stdout)")
        try o.ok("correction", "request", "2026-1", "--items", "写明名称", "--period", "10", "--on", "2026-12-28", "--as-of", "2026-12-28")
        #expect(try o.ok("due", "--as-of", "2026-12-28").stdout.contains("（暂定）"))
    }
}

