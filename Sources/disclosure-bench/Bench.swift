import ArgumentParser
import DisclosureCore
import DisclosureStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Internal tool behind `make bench`: generates realistic offices and measures whole commands
/// against baselines run in the same session.
@main
struct DisclosureBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclosure-bench",
        abstract: "Benchmarks for Disclosure (internal; not installed).",
        subcommands: [Generate.self, Scale.self, Exchange.self, Documents.self, ServerLoad.self])
}

/// Fills a new database with `count` generated cases received between `from` and `to`, in one transaction.
func generate(path: String, count: Int, seed: UInt64, from: CivilDate, to: CivilDate) throws -> Store {
    let store = try Store.initialise(path: path, agency: "基准测试市人民政府办公室", code: "BENCH", now: "\(to)T18:00:00+08:00")
    var generator = OfficeGenerator(calendar: store.calendar, agencyCode: "BENCH", agencyName: "基准测试市人民政府办公室",
                                    first: from, last: to, rng: SplitMix(seed: seed))
    // Receipt dates spread evenly over the working days of the period, in order.
    var workdays: [CivilDate] = []
    var d = from
    while d <= to {
        if store.calendar.isWorkday(d) { workdays.append(d) }
        d = d.next
    }
    var serials: [Int: Int] = [:]
    let calendar = store.calendar
    // The generated cases carry the office's own code: taken in as a restore, as the program would its own export.
    let ctx = Store.ImportContext(file: String(repeating: "0", count: 64), replace: false, restore: true,
                                  reason: "generated benchmark data", actor: ActorRef(name: "bench", accountID: nil),
                                  today: to, now: "\(to)T18:00:00+08:00")
    _ = try store.importDossiers(ctx) { (sink: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) in
        for i in 0..<count {
            let received = workdays[min(workdays.count - 1, i * workdays.count / max(count, 1))]
            let serial = (serials[received.year] ?? 0) + 1
            serials[received.year] = serial
            try sink(try generator.dossier(serial: serial, year: received.year, received: received).validated(calendar: calendar, today: to))
        }
    }
    return store
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a database with N realistic generated cases.")
    @Option var db: String
    @Option var cases: Int = 10_000
    @Option var seed: UInt64 = 2019
    @Option var from: String = "2016-01-04"
    @Option var to: String = "2026-11-20"

    func run() throws {
        let start = Date()
        let store = try generate(path: db, count: cases, seed: seed, from: try CivilDate.parse(from, field: "--from"),
                                 to: try CivilDate.parse(to, field: "--to"))
        print("generated \(try store.caseCount()) cases in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }
}

/// One whole-process measurement.
struct Measurement {
    let seconds: Double
    let maxRSSKiB: Int
}

/// Runs `argv` as a child process (no shell), stdin and stdout optionally from/to files; returns time and peak memory.
@discardableResult
func measure(_ argv: [String], stdin: String? = nil, stdout: String = "/dev/null") throws -> Measurement {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdin { posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0) }
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var cargs = argv.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    var pid: pid_t = 0
    let start = DispatchTime.now()
    let rc = posix_spawnp(&pid, argv[0], &actions, nil, &cargs, environ)
    guard rc == 0 else { throw ValidationError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var usage = rusage()
    guard wait4(pid, &status, 0, &usage) == pid else { throw ValidationError("wait4 failed for \(argv[0])") }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    guard status == 0 else { throw ValidationError("\(argv.joined(separator: " ")) exited with status \(status)") }
    return Measurement(seconds: seconds, maxRSSKiB: Int(usage.ru_maxrss))
}

/// Signs the bench in to `db` (made by the generator, so without accounts) as a registrar, handler and
/// head: the admin set up by `staff bootstrap` adds the account, and its session is kept under `dir`.
func signInStaff(bin: String, db: String, dir: String, initialised: Bool = false) throws {
    setenv("XDG_CONFIG_HOME", dir + "/config", 1)
    let password = dir + "/password.txt"
    try "bench-password-1\n".write(toFile: password, atomically: true, encoding: .utf8)
    if !initialised { try measure([bin, "--db", db, "staff", "bootstrap", "基准管理员", "--password-stdin"], stdin: password) }
    try measure([bin, "--db", db, "staff", "add", "王科员", "--role", "registrar,handler,head", "--password-stdin"], stdin: password)
    try measure([bin, "--db", db, "login", "王科员", "--password-stdin"], stdin: password)
}

/// A ratio or a time in seconds, as the figures print it.
func f(_ x: Double) -> String { String(format: "%.2f", x) }
/// Seconds as milliseconds.
func ms(_ x: Double) -> String { String(format: "%.1f ms", x * 1000) }
/// Whether a target was met.
func verdict(_ ok: Bool) -> String { ok ? "ok" : "MISSED" }

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// The `disclosure` binary built next to this one.
func disclosureBinary() -> String {
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    return me.deletingLastPathComponent().appendingPathComponent("disclosure").path
}

struct Exchange: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import and export of N cases against xmllint --stream and the sqlite3 shell loading the same rows.")
    @Option var cases: Int = 100_000
    @Option var runs: Int = 3
    @Option(help: "Where to write the figures (appended).") var results: String?
    @Option(help: "Scratch folder (default: a new temporary one).") var work: String?

    func run() throws {
        let dir = work ?? NSTemporaryDirectory() + "disclosure-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let bin = disclosureBinary()
        let gen = dir + "/generated.db"
        try? FileManager.default.removeItem(atPath: gen)
        let t0 = Date()
        _ = try generate(path: gen, count: cases, seed: 2019, from: CivilDate(year: 2016, month: 1, day: 4)!,
                         to: CivilDate(year: 2026, month: 11, day: 20)!)
        print("setup: generated \(cases) cases in \(String(format: "%.1f", Date().timeIntervalSince(t0))) s")
        let xml = dir + "/export.xml"

        try signInStaff(bin: bin, db: gen, dir: dir)
        var exportTimes: [Double] = [], exportRSS = 0
        for _ in 0..<runs {
            let m = try measure([bin, "--db", gen, "export", "--all", "--out", xml, "--force"])
            exportTimes.append(m.seconds)
            exportRSS = max(exportRSS, m.maxRSSKiB)
        }
        let size = (try FileManager.default.attributesOfItem(atPath: xml)[.size] as? Int) ?? 0
        var lintTimes: [Double] = []
        for _ in 0..<runs { lintTimes.append(try measure(["xmllint", "--stream", "--noout", xml]).seconds) }

        // The baseline loads the same rows: the cases and events tables, dumped as CSV from the generated database.
        let schema = dir + "/load.sql"
        try measure(["sqlite3", gen, ".schema cases"], stdout: dir + "/cases.schema")
        try measure(["sqlite3", gen, ".schema events"], stdout: dir + "/events.schema")
        try measure(["sqlite3", "-csv", gen, "SELECT * FROM cases"], stdout: dir + "/cases.csv")
        try measure(["sqlite3", "-csv", gen, "SELECT * FROM events"], stdout: dir + "/events.csv")
        let load = (try String(contentsOfFile: dir + "/cases.schema", encoding: .utf8))
            + (try String(contentsOfFile: dir + "/events.schema", encoding: .utf8))
            // Triggers guard writes after loading; a plain load does not need them.
            .replacingOccurrences(of: #"CREATE TRIGGER[\s\S]*?END;"#, with: "", options: .regularExpression)
            + "\nPRAGMA journal_mode = WAL;\n.mode csv\n.import \(dir)/cases.csv cases\n.import \(dir)/events.csv events\n"
        try load.write(toFile: schema, atomically: true, encoding: .utf8)

        var sqliteTimes: [Double] = [], importTimes: [Double] = [], importRSS = 0
        for k in 0..<runs {
            let base = dir + "/baseline-\(k).db"
            let target = dir + "/import-\(k).db"
            for p in [base, target] { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: p + s) } }
            sqliteTimes.append(try measure(["sqlite3", base], stdin: schema).seconds)
            try measure([bin, "init", "--db", target, "--agency", "审查机关", "--code", "REVIEW", "--admin", "基准管理员",
                         "--password-stdin", "--password-cost", "10"], stdin: dir + "/password.txt")
            try signInStaff(bin: bin, db: target, dir: dir, initialised: true)
            let m = try measure([bin, "--db", target, "import", xml])
            importTimes.append(m.seconds)
            importRSS = max(importRSS, m.maxRSSKiB)
        }

        let exportRatio = median(exportTimes) / median(lintTimes)
        let importBaseline = median(lintTimes) + median(sqliteTimes)
        let importRatio = median(importTimes) / importBaseline
        let lines = [
            "exchange bench: \(cases) cases, \(size / 1_048_576) MiB of XML, median of \(runs) runs, \(ISO8601DateFormatter().string(from: Date()))",
            "export            \(f(median(exportTimes))) s   xmllint --stream \(f(median(lintTimes))) s   ratio \(f(exportRatio))  (target ≤ 1.50)  \(exportRatio <= 1.5 ? "ok" : "MISSED")",
            "import            \(f(median(importTimes))) s   xmllint --stream + sqlite3 CSV load \(f(importBaseline)) s   ratio \(f(importRatio))  (target ≤ 1.50)  \(importRatio <= 1.5 ? "ok" : "MISSED")",
            "peak memory       export \(exportRSS / 1024) MiB, import \(importRSS / 1024) MiB  (target < 64 MiB)  \(max(exportRSS, importRSS) < 64 * 1024 ? "ok" : "MISSED")",
        ]
        print(lines.joined(separator: "\n"))
        if let results { try appendResults(lines, to: results) }
        if work == nil { try? FileManager.default.removeItem(atPath: dir) }
    }
}

struct Documents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export, validation and import of cases at the attachment limit: memory stays under 64 MiB.")
    @Option(help: "Cases, each with two attachments that together nearly reach the per-case limit.") var cases = 12
    @Option(help: "Where to write the figures (appended).") var results: String?

    func run() throws {
        let dir = NSTemporaryDirectory() + "disclosure-bench-documents-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bin = disclosureBinary()
        let source = dir + "/source.db", target = dir + "/target.db", xml = dir + "/documents.xml"
        setenv("XDG_CONFIG_HOME", dir + "/config", 1)
        let password = dir + "/password.txt"
        try "bench-password-1\n".write(toFile: password, atomically: true, encoding: .utf8)
        // Two documents of random bytes (base64 cannot shrink them) just under half the limit each.
        let half = DossierLimits.attachmentBytes / 2 - 50_000
        var generator = SystemRandomNumberGenerator()
        for k in 0..<2 {
            let bytes = (0..<half).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/document-\(k).bin"))
        }
        for (db, code) in [(source, "DOCS"), (target, "PEER")] {
            try measure([bin, "init", "--db", db, "--agency", "基准机关\(code)", "--code", code, "--admin", "基准管理员",
                         "--password-stdin", "--password-cost", "10"], stdin: password)
            try signInStaff(bin: bin, db: db, dir: dir, initialised: true)
        }
        for n in 1...cases {
            try measure([bin, "--db", source, "register", "--received", "2026-11-30", "--channel", "in-person",
                         "--applicant", "申请人\(n)", "--applicant-type", "person", "--request", "某文件\(n)"])
            let number = String(format: "2026-%06d", n)
            for k in 0..<2 {
                try measure([
                    bin, "--db", source, "attach", number, dir + "/document-\(k).bin", "--kind", "application",
                ])
            }
        }
        let export = try measure([bin, "--db", source, "export", "--all", "--out", xml])
        let validate = try measure([bin, "validate", xml])
        let imported = try measure([bin, "--db", target, "import", xml])
        let size = (try FileManager.default.attributesOfItem(atPath: xml)[.size] as? Int) ?? 0
        func line(_ what: String, _ m: Measurement) -> String {
            let mib = Double(m.maxRSSKiB) / 1024
            return "\(what)  \(String(format: "%6.2f", m.seconds)) s  peak \(String(format: "%5.1f", mib)) MiB  "
                + "(target < 64 MiB)  \(m.maxRSSKiB < 64 * 1024 ? "ok" : "MISSED")"
        }
        let lines = [
            "documents bench: \(cases) cases with 2 × \(half / 1_000_000) MB attachments, \(size / 1_048_576) "
                + "MiB of XML, "
                + ISO8601DateFormatter().string(from: Date()),
            line("export  ", export), line("validate", validate), line("import  ", imported),
        ]
        print(lines.joined(separator: "\n"))
        if let results { try appendResults(lines, to: results) }
    }
}
