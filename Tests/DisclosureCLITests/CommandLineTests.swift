import Foundation
import Testing

@Suite("Command line: version, man page, completions, messages in the user's language")
struct CommandLineTests {
    @Test("--version names the release and the database schema")
    func version() throws {
        let (status, out) = try tool(binary, ["--version"])
        #expect(status == 0)
        #expect(
            out.range(of: #"^disclosure \d+\.\d+\.\d+ \(schema \d+\)$"#, options: .regularExpression) != nil, "\(out)")
    }

    @Test("make docs writes a man page listing every command, and completions bash, zsh and fish accept")
    func manPageAndCompletions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let manual = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent(
            "disclosure-manual")
        let made = try tool(
            "/usr/bin/make", ["-s", "docs", "BIN=\(binary)", "MANUAL=\(manual.path)", "DOCS=\(dir.path)"],
            in: packageRoot)
        #expect(made.status == 0, "\(made.output)")
        let page = try String(contentsOf: dir.appendingPathComponent("disclosure.1"), encoding: .utf8)
        #expect(page.hasPrefix(".TH DISCLOSURE 1 "))
        for heading in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS", ".SH ENVIRONMENT"] {
            #expect(page.contains("\n\(heading)\n"), "\(heading)")
        }
        // Every command of the program, down to the leaves, and the options of one of them.
        for command in [
            "init", "register", "notice", "office letter-prefix", "reply draft", "audit key create", "report annual",
            "staff add", "remind", "serve",
        ] {
            #expect(page.contains(".SS disclosure \(command)\n"), "\(command)")
        }
        #expect(
            page.contains("\\fB--kind <kind>\\fR\nreceipt|correction|consultation|extension|deferral|fee|reply|closing")
        )
        // No line of a help text is taken for a roff request.
        #expect(
            !page.split(separator: "\n").contains { $0.hasPrefix(".") && $0.count > 3 && $0.dropFirst().first == " " })
        let bash = try tool(
            "/bin/bash", ["-c", "source '\(dir.path)/disclosure.bash' && complete -p disclosure"], in: dir)
        #expect(bash.status == 0 && bash.output.contains("disclosure"), "\(bash.output)")
        #expect(
            try String(contentsOf: dir.appendingPathComponent("_disclosure"), encoding: .utf8).hasPrefix(
                "#compdef disclosure"))
        #expect(
            try String(contentsOf: dir.appendingPathComponent("disclosure.fish"), encoding: .utf8).contains(
                "complete -c 'disclosure'"))
    }

    @Test("DISCLOSURE_SQL_TRACE writes every statement a command runs; the sqlite3 shell replays them to the same case")
    func sqlTrace() throws {
        let o = try Office.initialised()
        try o.ok(["register", "--received", "2026-11-19", "--channel", "online", "--applicant", "赵六",
                  "--applicant-type", "person", "--request", "某街道2026年预算"], today: "2026-11-20")
        let before = o.dir.appendingPathComponent("before.db").path
        try FileManager.default.copyItem(atPath: o.db, toPath: before)
        let trace = o.dir.appendingPathComponent("trace.sql").path
        let r = try o.run(["register", "--received", "2026-11-20", "--channel", "post", "--applicant", "钱七",
                           "--applicant-type", "person", "--request", "某路段改造的招标文件"],
                          env: ["DISCLOSURE_SQL_TRACE": trace], today: "2026-11-20")
        #expect(r.status == 0 && r.stdout.contains("2026-000002"), "\(r.stderr)")
        let statements = try String(contentsOfFile: trace, encoding: .utf8)
        let mode = (try FileManager.default.attributesOfItem(atPath: trace)[.posixPermissions] as? Int) ?? 0
        #expect(mode & 0o077 == 0, "the trace holds personal data: the owner's alone")
        #expect(statements.contains("BEGIN IMMEDIATE;") && statements.contains("COMMIT;"))
        #expect(statements.contains("'钱七'"), "values are filled in")
        #expect(!statements.split(separator: "\n").contains { $0.hasPrefix("--") }, "no trigger's statement twice")
        // Replayed on the file as it was before, the shell makes the same case with the same hash.
        let replay = try tool("/usr/bin/sqlite3", ["-bail", before, ".read \(trace)"])
        #expect(replay.status == 0)
        let query = "SELECT c.year, c.serial, c.applicant_name, c.due, e.hash FROM cases c JOIN events e "
            + "ON e.case_id = c.id WHERE c.serial = 2"
        let original = try tool("/usr/bin/sqlite3", [o.db, query]).output
        let replayed = try tool("/usr/bin/sqlite3", [before, query]).output
        #expect(!original.isEmpty && original == replayed)
        // A command run without the variable writes nothing more.
        try o.ok(["due", "--as-of", "2026-11-20"])
        #expect(try String(contentsOfFile: trace, encoding: .utf8) == statements)
    }

    @Test("register and due, read without the argument parser, take every option as it does")
    func directlyRead() throws {
        let o = try Office.initialised()
        let r = try o.ok(
            [
                "register", "--received=2026-11-02", "--channel", "post", "--applicant", "李四", "--applicant-type",
                "person", "--request", "某项目环评批复", "--id-number", "11010519491231002X", "--contact", "13800000000",
                "--form", "electronic", "--note", "备注一", "--late-entry", "补录测试", "--json", "--lang", "en",
            ], today: "2026-11-20")
        let n = r.object["number"] as? String ?? ""
        let c = try o.ok("show", n, "--json").object
        let applicant = c["applicant"] as? [String: Any] ?? [:]
        #expect(c["received"] as? String == "2026-11-02" && c["channel"] as? String == "post")
        #expect(applicant["name"] as? String == "李四" && applicant["type"] as? String == "person")
        #expect(applicant["id_number"] as? String == "11010519491231002X")
        #expect(applicant["contact"] as? String == "13800000000")
        #expect(c["request"] as? String == "某项目环评批复" && c["form"] as? String == "electronic")
        #expect(c["note"] as? String == "备注一")
        #expect(try o.ok("history", n, "--json").stdout.contains("补录测试"))
        // --lang is taken too, before or after the command's own options.
        let english = try o.ok(
            [
                "register", "--lang", "en", "--received", "2026-11-20", "--channel", "online", "--applicant", "王五",
                "--applicant-type", "person", "--request", "另一份文件",
            ], today: "2026-11-20")
        #expect(english.stdout.hasPrefix("registered 2026-000002: received 2026-11-20"), "\(english.stdout)")

        let due = try o.ok("due", "--within=30", "--as-of", "2026-11-20", "--json").array
        #expect(due.map { $0["number"] as? String } == [n, "2026-000002"])
        #expect(try o.ok("due", "--within", "0", "--as-of", "2026-11-02", "--json").array.isEmpty)
        #expect(try o.ok("due", "--imported", "--as-of", "2026-11-20", "--json").array.isEmpty)
        #expect(try o.ok("due", "--as-of", "2026-11-20").stdout.contains(n))

        // What is not a plain command line goes to the argument parser and reads as it always has.
        let missing = try o.run([
            "register", "--received", "2026-11-20", "--channel", "post", "--applicant", "王五", "--applicant-type",
            "person",
        ])
        #expect(missing.status == 1 && missing.stderr.hasPrefix("错误：--request：缺少必填项"), "\(missing.stderr)")
        #expect(try o.run(["due", "--lang", "fr"]).stderr.hasPrefix("错误：--lang：只能是 zh 或 en"))
        #expect(try o.run(["register", "--help"]).stdout.contains("--late-entry"))
        #expect(try o.run(["due", "--within", "-1"]).status == 1)
        #expect(try o.caseCount() == 2)
    }

    /// The argument parser's own refusals, as a Chinese user sees them: in Chinese, with the syntax.
    static let parseErrors: [(args: [String], zh: String)] = [
        (["show"], "错误：<number>：缺少必填项"),
        (["extend", "2026-000001", "--days", "-3", "--reason", "x"], "错误：--days：须为正整数"),
        (["due", "--within", "abc"], "错误：--within：取值格式不对"),
        (["show", "2026-000001", "extra"], "错误：多余的参数“extra”"),
        (["shw"], "错误：没有“shw”这个命令；全部命令见 disclosure --help"),
        (["due", "--whithin", "3"], "错误：--whithin：无法识别的选项"),
    ]

    @Test("under --lang zh a refusal of the argument parser prints no English", arguments: parseErrors)
    func chineseOnly(_ args: [String], _ zh: String) throws {
        let o = try Office.initialised()
        let r = try o.run(args + ["--lang", "zh"])
        #expect(r.status == 1)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == zh, "\(r.stderr)")
        // Only the syntax line may hold Latin words: option names are the command's, not English prose.
        for line in lines where !line.hasPrefix("用法：") && !line.hasPrefix("详见：") {
            #expect(
                !line.contains("Missing") && !line.contains("Usage") && !line.contains("Help")
                    && !line.contains("See '"))
        }
        let en = try o.run(args + ["--lang", "en"])
        #expect(en.status == 1 && en.stderr.hasPrefix("error: "))
        if args.contains("-3") { #expect(en.stderr.hasPrefix("error: --days: must be a positive whole number")) }
    }

    @Test("an output file in a folder that does not exist: one line, ours, in Chinese")
    func missingFolder() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-03-02")
        let r = try o.run("export", "--all", "--redact", "--out", "/nonexistent/dir/z.xml")
        #expect(r.status == 1)
        #expect(
            r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "错误：--out：无法写入 /nonexistent/dir/z.xml：所在目录 /nonexistent/dir 不存在", "\(r.stderr)")
    }

    @Test("libxml2's findings are said in Chinese first, at their line and column")
    func xmlProblemsInChinese() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.xml")
        try """
        <?xml version="1.0"?>
        <caseFile xmlns="urn:disclosure:case-file:1" version="2">
          <case>
            <agency code="X">A</agency>
          </case>
        </caseFile>

        """.write(to: file, atomically: true, encoding: .utf8)
        let o = try Office.initialised()
        let zh = try o.run("validate", file.path)
        #expect(zh.status == 1)
        let first = zh.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasPrefix("bad.xml:5:") && !first.hasPrefix("bad.xml:5:0:"), "\(first)")
        #expect(first.contains("元素 case：缺少子元素，应为 number（原文："), "\(first)")
        let en = try o.run("validate", file.path, "--lang", "en")
        #expect(en.stderr.contains("Missing child element(s)") && !en.stderr.contains("缺少子元素"))
    }
}
