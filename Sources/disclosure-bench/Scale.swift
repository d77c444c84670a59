import ArgumentParser
import DisclosureCore
import DisclosureStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The everyday commands on a big office measured against the sqlite3 shell doing the same work on
/// the same file, and against a young office with the same daily intake (growth).
struct Scale: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "register, due and report annual at N cases against the sqlite3 shell, and growth from a small office.")
    @Option(help: "Cases in the big office.") var cases: Int = 1_000_000
    @Option(help: "Cases in the young office the growth figures compare with.") var small: Int = 10_000
    @Option(help: "Runs of each command (the median is reported).") var runs: Int = 11
    @Option(help: "Year of the annual report measured.") var year: Int = 2025
    @Option(help: "Where to append the figures.") var results: String?
    @Option(help: "Folder for the generated offices; kept, and reused when present (default: a new temporary one, removed).")
    var work: String?

    static let first = CivilDate(year: 2016, month: 1, day: 4)!
    static let last = CivilDate(year: 2026, month: 11, day: 20)!

    /// A text value for the shell's `.parameter set`: the shell strips one level of quotes and evaluates
    /// the rest as SQL, so `'2026-11-27'` alone became the number 1988 and the baseline listed nothing.
    static func shellText(_ s: String) -> String {
        "\"'" + s.replacingOccurrences(of: "'", with: "''") + "'\""
    }

    /// The sqlite3 shell script that runs the board's query as `due` and `GET /board` do.
    static func boardScript(through: CivilDate, code: String) -> String {
        """
        .parameter init
        .parameter set ?1 \(shellText(through.description))
        .parameter set ?2 \(shellText(code))
        .parameter set ?3 1
        .mode json
        \(Store.boardQuery);
        """
    }

    func run() throws {
        let dir = work ?? NSTemporaryDirectory() + "disclosure-scale-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { if work == nil { try? FileManager.default.removeItem(atPath: dir) } }

        // The young office takes as many cases a day as the big one, over the last weeks only: the same
        // daily work and the same cases still open (the generator leaves cases of the last 45 days
        // open), a hundredth of the history. At least `small` cases, and at least those 45 days.
        let shipped = try Store.shippedCalendars()
        let workCalendar = WorkCalendar(schedules: shipped)
        func workdays(from: CivilDate) -> Int {
            var n = 0
            var d = from
            while d <= Scale.last { if workCalendar.isWorkday(d) { n += 1 }; d = d.next }
            return n
        }
        let perDay = Double(cases) / Double(workdays(from: Scale.first))
        var youngFirst = Scale.last.adding(days: -45)
        while Double(workdays(from: youngFirst)) * perDay < Double(small) { youngFirst = youngFirst.adding(days: -1) }
        let youngCases = Int((Double(workdays(from: youngFirst)) * perDay).rounded())
        let youngDays = workdays(from: youngFirst)

        let bigPristine = try generatedOffice(dir: dir, count: cases, from: Scale.first)
        let smallPristine = try generatedOffice(dir: dir, count: youngCases, from: youngFirst)
        let bigDB = dir + "/measured-big.db", smallDB = dir + "/measured-small.db"
        try copyDatabase(bigPristine, to: bigDB)
        try copyDatabase(smallPristine, to: smallDB)
        defer { for p in [bigDB, smallDB] { removeDatabase(p) } }

        let bin = disclosureBinary()
        let through = workCalendar.addingWorkdays(5, after: Scale.last).date
        // Opened once by the program before measuring, so that no run pays for a migration.
        try measure([bin, "--db", bigDB, "calendar", "list"])
        try measure([bin, "--db", smallDB, "calendar", "list"])
        try signInStaff(bin: bin, db: bigDB, dir: dir)
        try signInStaff(bin: bin, db: smallDB, dir: dir)

        let big = try measureOffice(bin: bin, db: bigDB, dir: dir, through: through, label: "big")
        let young = try measureOffice(bin: bin, db: smallDB, dir: dir, through: through, label: "small")

        let registerRatio = big.register.ours / big.register.baseline
        let dueRatio = big.due.ours / big.due.baseline
        let reportRatio = big.report.ours / big.report.baseline
        let registerGrowth = big.register.ours / young.register.ours
        let dueGrowth = big.due.ours / young.due.ours
        let header = "scale bench: \(cases) cases (young office \(youngCases), same daily intake over its \(youngDays) working days), "
            + "median of \(runs) runs, \(ISO8601DateFormatter().string(from: Date()))"
        let lines = [
            header,
            "register          \(ms(big.register.ours))   "
                + "sqlite3 shell, the same statements \(ms(big.register.baseline))   "
                + "ratio \(f(registerRatio))  (target ≤ 2.00)  \(verdict(registerRatio <= 2))  "
                + "[the case and its event alone \(ms(big.registerMinimal)), "
                + "ratio \(f(big.register.ours / big.registerMinimal))]",
            "due --within 5    \(ms(big.due.ours))   sqlite3 shell, same indexed query, JSON \(ms(big.due.baseline))   ratio \(f(dueRatio))  (target ≤ 2.00)  \(verdict(dueRatio <= 2))  [\(big.dueRows) cases listed]",
            "report annual     \(ms(big.report.ours))   sqlite3 shell, same GROUP BY statements \(ms(big.report.baseline))   ratio \(f(reportRatio))  (target ≤ 2.00)  \(verdict(reportRatio <= 2))",
            "growth register   \(ms(big.register.ours)) at \(cases) vs \(ms(young.register.ours)) at \(youngCases)   ratio \(f(registerGrowth))  (target ≤ 1.30)  \(verdict(registerGrowth <= 1.3))",
            "growth due        \(ms(big.due.ours)) at \(cases) vs \(ms(young.due.ours)) at \(youngCases)   ratio \(f(dueGrowth))  (target ≤ 1.30)  \(verdict(dueGrowth <= 1.3))  [\(young.dueRows) cases listed]",
            "peak memory       register \(big.register.rssKiB / 1024) MiB, due \(big.due.rssKiB / 1024) MiB, report annual \(big.report.rssKiB / 1024) MiB  (target < 64 MiB)  "
                + verdict(max(big.register.rssKiB, big.due.rssKiB, big.report.rssKiB) < 64 * 1024),
        ]
        print(lines.joined(separator: "\n"))
        if let results { try appendResults(lines, to: results) }
    }

    struct Figure {
        var ours: Double
        var baseline: Double
        var rssKiB: Int
    }

    struct OfficeFigures {
        var register: Figure
        /// The shell inserting only the case and its registration event: the least any registration does.
        var registerMinimal: Double
        var due: Figure
        var report: Figure
        var dueRows: Int
    }

    /// Each command and its baseline run alternately, so that both see the same state of the machine.
    func measureOffice(bin: String, db: String, dir: String, through: CivilDate, label: String) throws -> OfficeFigures {
        let store = try Store.open(path: db)
        let code = store.office.code
        let agency = store.office.name
        let dueScript = dir + "/due-\(label).sql", reportScript = dir + "/report-\(label).sql"
        try Scale.boardScript(through: through, code: code).write(toFile: dueScript, atomically: true, encoding: .utf8)
        try """
            .parameter init
            .parameter set ?1 \(Scale.shellText(code))
            .parameter set ?2 \(Scale.shellText("\(year)-01-01"))
            .parameter set ?3 \(Scale.shellText("\(year)-12-31"))
            \(Store.annualReportQueries.map { $0 + ";" }.joined(separator: "\n"))
            """.write(toFile: reportScript, atomically: true, encoding: .utf8)

        var register = [Double](), registerBase = [Double](), registerMinimal = [Double](), registerRSS = 0
        var due = [Double](), dueBase = [Double](), dueRSS = 0
        var report = [Double](), reportBase = [Double](), reportRSS = 0
        let asOf = Scale.last.description
        let replay = try RegistrationReplay.capture(bin: bin, db: db, dir: dir, label: label, asOf: asOf)
        // Which of the two goes first alternates too: the first after the previous pair's heavy report
        // starts on a machine whose caches that report has just filled with other pages.
        func inTurn(_ k: Int, _ ours: () throws -> Void, _ baseline: () throws -> Void) throws {
            if k % 2 == 0 { try ours(); try baseline() } else { try baseline(); try ours() }
        }
        for k in 0..<runs {
            try inTurn(k, {
                let m = try measure([bin, "--db", db, "register", "--received", asOf, "--channel", "online",
                                     "--applicant", "基准申请人\(label)\(k)", "--applicant-type", "person",
                                     "--request", "\(asOf.prefix(4))年度老旧小区改造工程招标文件及中标结果",
                                     "--late-entry", "基准：按生成数据的末日登记"])
                register.append(m.seconds)
                registerRSS = max(registerRSS, m.maxRSSKiB)
            }, {
                registerBase.append(try measure(["sqlite3", "-bail", db], stdin: try replay.script(db: db)).seconds)
                registerMinimal.append(try measure(
                    ["sqlite3", db, baselineRegistration(code: code, agency: agency, k: k, label: label)]).seconds)
            })
            try inTurn(k, {
                let d = try measure([bin, "--db", db, "due", "--within", "5", "--json", "--as-of", asOf])
                due.append(d.seconds)
                dueRSS = max(dueRSS, d.maxRSSKiB)
            }, { dueBase.append(try measure(["sqlite3", db], stdin: dueScript).seconds) })
            try inTurn(k, {
                let r = try measure([bin, "--db", db, "report", "annual", "--year", String(year)])
                report.append(r.seconds)
                reportRSS = max(reportRSS, r.maxRSSKiB)
            }, { reportBase.append(try measure(["sqlite3", db], stdin: reportScript).seconds) })
        }
        let listed = dir + "/due-\(label).json"
        try measure([bin, "--db", db, "due", "--within", "5", "--json", "--as-of", asOf], stdout: listed)
        let rows = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listed))) as? [Any])?.count ?? -1
        // A baseline that lists other rows measures other work: it must print the same cases.
        let shellListed = dir + "/due-\(label)-shell.json"
        try measure(["sqlite3", db], stdin: dueScript, stdout: shellListed)
        let shellJSON = try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: shellListed)))
        let shellRows = (shellJSON as? [Any])?.count ?? 0
        guard shellRows == rows, rows > 0 else {
            throw ValidationError(
                "the shell's board lists \(shellRows) cases and due lists \(rows): the baseline is not the same work")
        }
        return OfficeFigures(register: Figure(ours: median(register), baseline: median(registerBase), rssKiB: registerRSS),
                             registerMinimal: median(registerMinimal),
                             due: Figure(ours: median(due), baseline: median(dueBase), rssKiB: dueRSS),
                             report: Figure(ours: median(report), baseline: median(reportBase), rssKiB: reportRSS),
                             dueRows: rows)
    }
}

/// The statements a registration runs, as the program itself reports them (`DISCLOSURE_SQL_TRACE`), for
/// the sqlite3 shell to run again: the case's row id and serial are the values that must differ each time.
struct RegistrationReplay {
    let template: String
    let dir: String
    let label: String

    static let caseToken = "{{CASE_ID}}", serialToken = "{{SERIAL}}"

    /// Registers one case with the trace on (not measured) and keeps its statements as the template.
    static func capture(bin: String, db: String, dir: String, label: String,
                        asOf: String) throws -> RegistrationReplay {
        let trace = dir + "/register-trace-\(label).sql"
        try? FileManager.default.removeItem(atPath: trace)
        setenv("DISCLOSURE_SQL_TRACE", trace, 1)
        defer { unsetenv("DISCLOSURE_SQL_TRACE") }
        try measure([bin, "--db", db, "register", "--received", asOf, "--channel", "online",
                     "--applicant", "基准重放\(label)", "--applicant-type", "person",
                     "--request", "\(asOf.prefix(4))年度老旧小区改造工程招标文件及中标结果", "--late-entry", "基准：重放的模板"])
        let statements = try String(contentsOfFile: trace, encoding: .utf8)
        let (id, serial) = try lastCase(db: db, dir: dir)
        // Where the two are equal one token stands for both, and every later case must keep them equal.
        var template = replacingNumber(id, with: caseToken, in: statements)
        if id != serial { template = replacingNumber(serial, with: serialToken, in: template) }
        guard template.contains(caseToken), template.contains(serialToken) || id == serial else {
            throw ValidationError("the registration's trace \(trace) names neither case \(id) nor serial \(serial)")
        }
        return RegistrationReplay(template: template, dir: dir, label: label)
    }

    /// The script for the next case of `db`, written to a file for the shell's standard input.
    func script(db: String) throws -> String {
        let (id, serial) = try RegistrationReplay.lastCase(db: db, dir: dir)
        guard template.contains(RegistrationReplay.serialToken) || id == serial else {
            throw ValidationError(
                "case \(id) has serial \(serial): the replay needs them equal, as when it was captured")
        }
        let text = template.replacingOccurrences(of: RegistrationReplay.caseToken, with: String(id + 1))
            .replacingOccurrences(of: RegistrationReplay.serialToken, with: String(serial + 1))
        let path = dir + "/register-replay-\(label).sql"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The row id and serial of the newest case.
    static func lastCase(db: String, dir: String) throws -> (Int, Int) {
        let out = dir + "/last-case.txt"
        try measure(["sqlite3", db, "SELECT id, serial FROM cases ORDER BY id DESC LIMIT 1"], stdout: out)
        let fields = try String(contentsOfFile: out, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int($0) }
        guard fields.count == 2 else { throw ValidationError("cannot read the newest case of \(db)") }
        return (fields[0], fields[1])
    }

    /// Replaces `number` where it stands alone (not inside a longer number, a hash or a name).
    static func replacingNumber(_ number: Int, with token: String, in text: String) -> String {
        text.replacingOccurrences(of: "(?<![0-9A-Za-z_])\(number)(?![0-9A-Za-z_])", with: token,
                                  options: .regularExpression)
    }
}

/// What the sqlite3 shell does for an equivalent registration: the next number of the year, the case
/// row and its registration event, in one durable write transaction.
func baselineRegistration(code: String, agency: String, k: Int, label: String) -> String {
    let day = Scale.last.description
    let payload = #"{"applicant":{"name":"基准对照\#(label)\#(k)","type":"person"},"channel":"online","#
        + #""received":"\#(day)","request":"老旧小区改造工程招标文件"}"#
    return """
        PRAGMA synchronous = FULL;
        BEGIN IMMEDIATE;
        INSERT INTO cases (agency_code, agency_name, year, serial, received, channel, applicant_name, applicant_type,
            id_number, contact, request, form, note, registered_at, registered_by, status, is_open, due, next_deadline,
            consult_until, provisional, outcome, closed_on)
        SELECT '\(code)', '\(agency)', \(Scale.last.year), COALESCE(MAX(serial), 0) + 1, '\(day)', 'online',
            '基准对照\(label)\(k)', 'person', NULL, NULL, '老旧小区改造工程招标文件', NULL, NULL, '\(day)T09:00:00+08:00',
            '王科员', 'handling', 1, '2026-12-18', '2026-12-18', NULL, 0, NULL, NULL
        FROM cases WHERE agency_code = '\(code)' AND year = \(Scale.last.year) AND superseded_by IS NULL;
        INSERT INTO events (case_id, seq, kind, on_date, actor, recorded_at, payload, due_before, due_after,
            prev_hash, hash)
        SELECT last_insert_rowid(), 0, 'registered', '\(day)', '王科员', '\(day)T09:00:00+08:00', '\(payload)', NULL,
            '2026-12-18',
            (SELECT hash FROM events ORDER BY id DESC LIMIT 1), '\(String(repeating: "0", count: 64))';
        COMMIT;
        """
}

/// A generated office of `count` cases received from `from` to the last day; generated once per folder.
func generatedOffice(dir: String, count: Int, from: CivilDate) throws -> String {
    let path = dir + "/office-\(count)-\(from).db"
    if FileManager.default.fileExists(atPath: path), (try? Store.open(path: path).caseCount()) == count {
        print("setup: reusing \(path)")
        return path
    }
    removeDatabase(path)
    let t0 = Date()
    _ = try generate(path: path, count: count, seed: 2019, from: from, to: Scale.last)
    print("setup: generated \(count) cases from \(from) in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
    return path
}

/// Copies a database file (a closed one: no WAL content outstanding).
func copyDatabase(_ from: String, to: String) throws {
    removeDatabase(to)
    try FileManager.default.copyItem(atPath: from, toPath: to)
}

func removeDatabase(_ path: String) {
    for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
}

/// Appends result lines and a blank line to `path`, creating it (and its folder) when needed.
func appendResults(_ lines: [String], to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
    guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot write \(path)") }
    handle.seekToEndOfFile()
    handle.write(Data((lines.joined(separator: "\n") + "\n\n").utf8))
    handle.closeFile()
}
