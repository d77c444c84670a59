import Foundation
import Testing

/// `make reliability` sets DISCLOSURE_RELIABILITY=full: large files, 4 × 250 writers. `make test`
/// runs the same tests at a size that keeps CI short.
let fullReliability = ProcessInfo.processInfo.environment["DISCLOSURE_RELIABILITY"] == "full"

/// The benchmark's generator, built next to the CLI.
let benchBinary = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("disclosure-bench").path

/// The fuzz targets' replay build, next to the CLI.
let fuzzBinary = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("disclosure-fuzz").path

func sh(_ command: String, in dir: URL) throws -> String { try tool("/bin/sh", ["-c", command], in: dir).output }

/// The SHA-256 of a file's bytes, to show that a refused command left it untouched.
func fileDigest(_ path: String) throws -> String {
    try tool("/usr/bin/sha256sum", [path]).output.split(separator: " ").first.map(String.init) ?? ""
}

/// A small deterministic generator for kill moments, so that a failing sweep can be run again.
struct Jitter {
    var state: UInt64
    mutating func unit() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
}

/// Starts `disclosure ARGS…` for `office` as `actor` (on the real clock: a faketime wrapper would take
/// the kill itself), kills it with SIGKILL after `delay` seconds unless it has ended.
func killed(_ office: Office, _ args: [String], as actor: String, after delay: TimeInterval) throws {
    try office.signIn(actor, on: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = args
    p.environment = office.environment(as: actor, on: nil)
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    // Waits in small steps, so that a command which has already finished costs no more time.
    let deadline = Date().addingTimeInterval(delay)
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: min(0.005, max(0, deadline.timeIntervalSinceNow))) }
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
}

@Suite("Reliability", .serialized)
struct ReliabilityTests {
    @Test("a calendar import killed at any moment leaves every open case on the old schedule or every one on the new")
    func killedCalendarImport() throws {
        let o = Office()
        let cases = fullReliability ? 20_000 : 2_000
        // Cases of the last weeks only, so that most are open and all are recomputed.
        #expect(try sh("'\(benchBinary)' generate --db '\(o.db)' --cases \(cases) --from 2026-09-01 --to 2026-11-20", in: o.dir)
            .contains("generated \(cases)"))
        let shipped = try String(contentsOf: packageRoot.appendingPathComponent("Storage/calendar/2026.txt"), encoding: .utf8)
        let file = o.dir.appendingPathComponent("2026-revised.txt")
        // A revised notice that moves the December due dates of many open cases.
        try (shipped + "holiday 2026-12-01..2026-12-04 调整测试\n").write(to: file, atomically: true, encoding: .utf8)

        // The 2026 schedule and every open case's due date and next deadline.
        func fingerprint(_ db: String) throws -> String {
            try sh("sqlite3 '\(db)' \"SELECT (SELECT length(body) FROM calendar_year WHERE year = 2026) || ':' || "
                   + "(SELECT group_concat(id || '=' || ifnull(due, '-') || '/' || ifnull(next_deadline, '-'), ',') FROM "
                   + "(SELECT id, due, next_deadline FROM cases WHERE is_open = 1 ORDER BY id))\"", in: o.dir)
        }
        try o.bootstrap()
        let before = try fingerprint(o.db)
        // The target state, from a copy imported without interruption.
        let copy = Office()
        _ = try sh("cp '\(o.db)' '\(copy.db)'", in: o.dir)
        let started = Date()
        try copy.ok("calendar", "import", file.path, "--replace-official", "--reason", "修订通知")
        let duration = Date().timeIntervalSince(started)
        let after = try fingerprint(copy.db)
        #expect(before != after, "the revised schedule must change some due dates for the test to mean anything")

        var jitter = Jitter(state: 2026)
        var sawBefore = false, sawAfter = false, kills = 0
        for attempt in 0..<40 {
            let delay = 0.01 + (Double(attempt) + jitter.unit()) * duration * 1.2 / 20
            try killed(o, ["calendar", "import", file.path, "--replace-official", "--reason", "修订通知"], as: "管理员", after: delay)
            kills += 1
            #expect(try sh("sqlite3 '\(o.db)' 'PRAGMA integrity_check;'", in: o.dir) == "ok", "attempt \(attempt)")
            let now = try fingerprint(o.db)
            #expect(now == before || now == after, "attempt \(attempt): a half-recomputed office")
            if now == before { sawBefore = true }
            if now == after { sawAfter = true; if kills >= 20 { break } }
        }
        #expect(kills >= 20)
        #expect(sawBefore && sawAfter, "the kills must land both before and after the commit")
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("4 processes registering and recording steps at once: every case, distinct numbers, no 'database is locked'")
    func concurrentWriters() throws {
        let o = try Office.initialised()
        try o.signIn("王科员", on: "2026-11-03")
        let perWorker = fullReliability ? 250 : 25
        var procs: [(Process, Pipe)] = []
        for w in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            // Each worker registers a case and at once records a correction notice on it.
            p.arguments = ["-c", """
                i=0
                while [ $i -lt \(perWorker) ]; do
                  n=$(faketime -f '@2026-11-03 09:00:00' "$BIN" register --received 2026-11-02 --channel online \
                      --applicant "申请人\(w)-$i" --applicant-type person \
                      --request "第\(w)组第${i}件" --json | sed -n 's/.*"number": "\\([^"]*\\)".*/\\1/p' | head -1) || exit 1
                  [ -n "$n" ] || exit 1
                  faketime -f '@2026-11-03 09:00:00' "$BIN" correction request "$n" --items 请写明文号 --period 10 \
                      --on 2026-11-03 >/dev/null || exit 1
                  i=$((i + 1))
                done
                """]
            p.environment = o.environment(as: "王科员", on: "2026-11-03").merging(["BIN": binary]) { $1 }
            p.standardOutput = FileHandle.nullDevice
            let err = Pipe()
            p.standardError = err
            try p.run()
            procs.append((p, err))
        }
        var errors = ""
        for (p, err) in procs {
            errors += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
        }
        #expect(procs.allSatisfy { $0.0.terminationStatus == 0 }, "a worker failed: \(errors)")
        #expect(!errors.contains("locked") && !errors.contains("占用"), "\(errors)")
        let numbers = try o.run("list", "--json").array.compactMap { $0["number"] as? String }
        #expect(numbers.count == 4 * perWorker)
        #expect(Set(numbers).count == 4 * perWorker)
        let corrected = try sh("sqlite3 '\(o.db)' \"SELECT COUNT(*) FROM events WHERE kind = 'correction-requested'\"", in: o.dir)
        #expect(corrected == String(4 * perWorker))
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("an import runs beside 4 registering processes: it is staged without the lock, so no registration waits a second")
    func importBesideRegistrations() throws {
        let source = Office()
        let cases = fullReliability ? 100_000 : 3_000
        #expect(try sh("'\(benchBinary)' generate --db '\(source.db)' --cases \(cases)", in: source.dir)
            .contains("generated \(cases)"))
        let file = source.dir.appendingPathComponent("cases.xml").path
        _ = try sh("'\(binary)' --db '\(source.db)' export --all --redact --out '\(file)'", in: source.dir)
        let o = try Office.initialised(code: "CITY")
        try o.signIn("王科员", on: "2026-12-01")
        try o.signIn("李主任", on: "2026-12-01")
        let done = o.dir.appendingPathComponent("import-done").path
        var workers: [(Process, Pipe)] = []
        for w in 0..<4 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            // Each worker registers until the import has finished, printing how long each registration took (ms).
            p.arguments = ["-c", """
                i=0
                while [ ! -e '\(done)' ] || [ $i -lt 3 ]; do
                  s=$(date +%s%N)
                  faketime -f '@2026-12-01 09:00:00' "$BIN" register --received 2026-12-01 --channel online \
                      --applicant "申请人\(w)-$i" --applicant-type person --request "第\(w)组第${i}件" >/dev/null || exit 1
                  e=$(date +%s%N)
                  echo $(( (e - s) / 1000000 ))
                  i=$((i + 1))
                done
                """]
            p.environment = o.environment(as: "王科员", on: "2026-12-01").merging(["BIN": binary]) { $1 }
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            workers.append((p, out))
        }
        let imported = try o.run(["import", file], today: "2026-12-01")
        _ = FileManager.default.createFile(atPath: done, contents: Data())
        #expect(imported.status == 0, "\(imported.stderr)")
        var times: [Int] = []
        for (p, out) in workers {
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            times += text.split(separator: "\n").compactMap { Int($0) }
        }
        times.sort()
        let median = times.isEmpty ? 0 : times[times.count / 2]
        print("import of \(cases) cases beside 4 registering processes: \(times.count) registrations, "
              + "median \(median) ms, longest \(times.last ?? 0) ms")
        // A registration's own work (start-up, sign-in check, commit) is the median; what the import adds is the wait.
        let longest = times.last ?? 0
        #expect(longest - median < 1_000, "registrations took \(median) ms typically, \(longest) ms at most")
        #expect(try o.caseCount() == cases + times.count)
        #expect(try o.ok("audit", "verify").status == 0)
    }

    @Test("an import stopped while showing its parts is shown whole by the next command; hiding a case later is found")
    func importShownWhole() throws {
        let source = Office()
        let generated = try sh("'\(benchBinary)' generate --db '\(source.db)' --cases 4500", in: source.dir)
        #expect(generated.contains("generated 4500"))
        let file = source.dir.appendingPathComponent("cases.xml").path
        _ = try sh("'\(binary)' --db '\(source.db)' export --all --redact --out '\(file)'", in: source.dir)
        let o = try Office.initialised(code: "CITY")
        try o.ok(["import", file], today: "2026-12-01")
        #expect(try o.caseCount() == 4500)
        let journal = try o.ok("audit", "journal", "--json").array
        let parts = journal.filter { $0["kind"] as? String == "import-part" }
        #expect(parts.count == 3, "\(parts.count) parts")
        // As if the importer had stopped after recording the import and showing its first part.
        _ = try sh("sqlite3 '\(o.db)' 'UPDATE cases SET superseded_by = id WHERE id > 2000'", in: o.dir)
        let shown = try sh("sqlite3 '\(o.db)' 'SELECT COUNT(*) FROM cases WHERE superseded_by IS NULL'", in: o.dir)
        #expect(Int(shown) == 2000)
        // The next command, even one that only reads, shows the rest before it answers.
        #expect(try o.caseCount() == 4500)
        #expect(try o.ok("audit", "verify").status == 0)
        // Hiding a case of a finished import is not that: verify names it.
        _ = try sh("sqlite3 '\(o.db)' 'UPDATE cases SET superseded_by = id WHERE id = 17'", in: o.dir)
        let found = try o.run("audit", "verify")
        #expect(found.status == 1 && found.stdout.contains("superseded_by"), "\(found.stdout)")
    }

    @Test("a read-only database: the board still reads, a registration is refused clearly, the file is untouched")
    func readOnlyDatabase() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-11-02")
        // Permission bits do not stop root, so as root the commands run as nobody, in a folder nobody may use.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: o.dir.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: o.db)
        let digest = try fileDigest(o.db)
        func asUser(_ args: [String], input: String? = nil) throws -> Result {
            getuid() == 0 ? try o.launch(["--reuid=65534", "--regid=65534", "--clear-groups", binary] + args,
                                         env: o.environment, input: input, executable: "/usr/bin/setpriv")
                          : try o.launch(args, env: o.environment, input: input)
        }
        let board = try asUser(["due", "--as-of", "2026-11-20", "--json"])
        #expect(board.status == 0, "\(board.stderr)")
        #expect(board.array.count == 1)
        // Signing in is a write too (the session is recorded): refused, and so is what would follow it.
        let login = try asUser(["login", "王科员", "--password-stdin"], input: testPassword + "\n")
        #expect(login.status == 1)
        #expect(login.stderr.contains("只读"), "\(login.stderr)")
        let refused = try asUser(["register", "--received", "2026-11-03", "--channel", "online", "--applicant", "李四",
                                  "--applicant-type", "person", "--request", "某文件"])
        #expect(refused.status == 1)
        #expect(try fileDigest(o.db) == digest)
        #expect(try o.caseCount() == 1)
    }

    @Test("a full disk: the registration that does not fit is refused clearly, nothing is half-written, and work resumes once space is freed",
          .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDisk() throws {
        let o = Office()
        let mount = o.dir.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
        guard try tool("/bin/mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", mount.path]).status == 0 else {
            Issue.record("cannot mount a tmpfs at \(mount.path)")
            return
        }
        defer { _ = try? tool("/bin/umount", [mount.path]) }
        let db = mount.appendingPathComponent("office.db").path
        let env = ["DISCLOSURE_DB": db]
        #expect(try o.run(["init", "--agency", "测试局", "--code", "TEST"], env: env).status == 0)
        // Fill the disk to the last few pages.
        _ = try tool("/bin/dd", ["if=/dev/zero", "of=\(mount.path)/filler", "bs=4096", "count=\(try freeBlocks(mount.path) - 40)"])
        var registered = 0
        var refusal: Result?
        for i in 0..<400 {
            let r = try o.run(["register", "--received", "2026-11-02", "--channel", "online", "--applicant", "申请人\(i)",
                               "--applicant-type", "person", "--request", String(repeating: "很长的申请内容", count: 200),
                               "--as-of", "2026-11-20"], env: env)
            if r.status != 0 { refusal = r; break }
            registered += 1
        }
        let r = try #require(refusal, "the disk never filled")
        #expect(registered > 0, "some registrations should fit before the disk fills")
        #expect(r.status == 1)
        #expect(r.stderr.contains("磁盘已满"), "\(r.stderr)")
        // Even reading needs room for the write-ahead log's index, so the file is checked once space is freed.
        _ = try tool("/bin/rm", ["-f", "\(mount.path)/filler"])
        #expect(try sh("sqlite3 '\(db)' 'PRAGMA integrity_check;'", in: o.dir) == "ok")
        #expect(try sh("sqlite3 '\(db)' 'SELECT COUNT(*) FROM cases;'", in: o.dir) == String(registered))
        #expect(try o.run(["register", "--received", "2026-11-02", "--channel", "online", "--applicant", "申请人X",
                           "--applicant-type", "person", "--request", "某文件", "--as-of", "2026-11-20"], env: env).status == 0)
        #expect(try o.run(["audit", "verify"], env: env).status == 0)
        #expect(try sh("sqlite3 '\(db)' 'SELECT COUNT(*) FROM cases;'", in: o.dir) == String(registered + 1))
    }

    func freeBlocks(_ path: String) throws -> Int {
        var s = statvfs()
        guard statvfs(path, &s) == 0 else { throw CocoaError(.fileReadUnknown) }
        return Int(s.f_bavail) * Int(s.f_frsize) / 4096
    }

    @Test("a database from a newer release: every command refuses with the version named, and the file is untouched")
    func newerSchema() throws {
        let o = try Office.initialised()
        _ = try o.register("2026-11-02")
        _ = try sh("sqlite3 '\(o.db)' 'PRAGMA user_version = 99;'", in: o.dir)
        let digest = try fileDigest(o.db)
        for args in [["list"], ["due", "--as-of", "2026-11-20"],
                     ["register", "--received", "2026-11-03", "--channel", "online", "--applicant", "李四",
                      "--applicant-type", "person", "--request", "某文件", "--as-of", "2026-11-20"]] {
            let r = try o.run(args)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.contains("99") && r.stderr.contains("升级"), "\(r.stderr)")
        }
        #expect(try fileDigest(o.db) == digest)
    }

    @Test("a corrupt file: no crash, a clear message, and nothing written over it", arguments: ["garbage", "truncated", "damaged-page"])
    func corruptFile(kind: String) throws {
        let o = try Office.initialised()
        for day in ["2026-11-02", "2026-11-03", "2026-11-04"] { _ = try o.register(day, request: String(repeating: "申请内容", count: 300)) }
        // Signed in before the damage, so that the commands below write nothing but what they are asked to.
        try o.signIn("王科员", on: "2026-11-05")
        // The middle page of the cases table (by SQLite's own page list), wherever the schema puts it.
        let middle = "SELECT pageno FROM dbstat WHERE name = 'cases' ORDER BY pageno LIMIT 1 "
            + "OFFSET (SELECT count(*) / 2 FROM dbstat WHERE name = 'cases')"
        let casePage = Int(
            try sh("sqlite3 '\(o.db)' \"\(middle);\"", in: o.dir).trimmingCharacters(in: .whitespacesAndNewlines))
        let size = (try FileManager.default.attributesOfItem(atPath: o.db)[.size] as? Int) ?? 0
        let handle = try #require(FileHandle(forUpdatingAtPath: o.db))
        switch kind {
        case "garbage":
            try handle.truncate(atOffset: 0)
            try handle.write(contentsOf: Data(repeating: 0x5A, count: 16_384))
        case "truncated":
            try handle.truncate(atOffset: UInt64(size / 2))
        default:
            // Overwrite a page where the cases live.
            let page = try #require(casePage, "no page of the cases table found")
            try handle.seek(toOffset: UInt64((page - 1) * 4096))
            try handle.write(contentsOf: Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 13) }))
        }
        try handle.close()
        let commands: [[String]] = [["list"], ["due", "--as-of", "2026-11-20"], ["show", "2026-000002"], ["audit", "verify"],
                                    ["register", "--received", "2026-11-05", "--channel", "online", "--applicant", "李四",
                                     "--applicant-type", "person", "--request", "某文件"]]
        var refusals = 0
        for args in commands {
            let digest = try fileDigest(o.db)
            let r = try o.run(args)
            // Exit 0 (the damage is elsewhere) or 1 with a message; a signal would show as another status.
            #expect(r.status == 0 || r.status == 1, "\(args): status \(r.status)")
            if r.status == 1 {
                refusals += 1
                #expect(r.stderr.contains("损坏") || r.stderr.contains("不是本程序的数据库") || r.stderr.contains("被改动"),
                        "\(args): \(r.stderr)")
                #expect(try fileDigest(o.db) == digest, "\(args) changed a damaged file it refused")
            }
        }
        #expect(refusals > 0, "damage that no command notices does not test anything")
    }

    @Test("the fuzz targets' seed corpus replays cleanly", arguments: ["import", "calendar", "fields"])
    func fuzzCorpus(target: String) throws {
        let r = try tool(fuzzBinary, [target, packageRoot.appendingPathComponent("Tests/Fuzz/corpus/\(target)").path])
        #expect(r.status == 0)
        #expect(r.output.hasPrefix("replayed "))
    }
}
