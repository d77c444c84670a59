import Foundation
import Synchronization
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `disclosure` binary: $DISCLOSURE_BIN (set by `make test`), else the debug build.
let binary: String = {
    if let b = ProcessInfo.processInfo.environment["DISCLOSURE_BIN"], !b.isEmpty { return b }
    return packageRoot.appendingPathComponent(".build/debug/disclosure").path
}()

struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
}

/// Debian's faketime: the tests pin "today" from outside the process, as the program itself reads it
/// only from the system clock.
let faketime = "/usr/bin/faketime"

/// The arguments that run `executable ARGS…` with the clock starting at 09:00 China time on `day`.
func onDay(_ day: String, _ executable: String, _ args: [String]) -> (String, [String]) {
    clearStaleFaketimeState
    return (faketime, ["-f", "@\(day) 09:00:00", executable] + args)
}

/// The faketime wrapper names its semaphore and shared memory by its own process id and refuses to
/// start when they exist; a wrapper killed earlier (a crashed test run) leaves them behind for a later
/// process with the same id. Those of processes no longer running are removed, once.
let clearStaleFaketimeState: Void = {
    let shm = "/dev/shm"
    for name in (try? FileManager.default.contentsOfDirectory(atPath: shm)) ?? [] {
        guard let pid = ["sem.faketime_sem_", "faketime_shm_"].lazy.compactMap({ prefix in
            name.hasPrefix(prefix) ? Int32(name.dropFirst(prefix.count)) : nil
        }).first else { continue }
        if kill(pid, 0) != 0 && errno == ESRCH { unlink("\(shm)/\(name)") }
    }
}()

/// Commands that record something: they take today from the clock, so the tests run them on a day.
let writeCommands: Set<String> = [
    "register", "assign", "correction", "consult", "extend", "defer", "reply", "deliver", "archive", "reopen",
    "withdraw", "close", "remedy", "attach", "import", "amend",
]

/// Who the tests sign in as for a command when they name nobody: the head records extensions,
/// deferrals, issues, reopenings, remedies, imports and locks; the reviewer reviews; the admin loads
/// calendars; the handler (a registrar too) does the rest.
func defaultActor(_ args: [String]) -> String {
    let first = args.first ?? ""
    let second = args.count > 1 ? args[1] : ""
    switch (first, second) {
    case ("extend", _), ("defer", _), ("reopen", _), ("remedy", _), ("import", _), ("reply", "issue"),
         ("report", "lock"), ("report", "unlock"), ("report", "lead"), ("export", _):
        return "李主任"
    case ("reply", "review"): return "李主任"
    case ("calendar", "import"), ("staff", _): return "管理员"
    default: return "王科员"
    }
}

/// Writing to a child that has already exited raises SIGPIPE, which would end the test run.
let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

/// The test password of every account.
let testPassword = "test-password-1"

/// A scratch office: its own folder and database, its staff, and a way to run the CLI against it as
/// one of them on a given day.
final class Office: Sendable {
    let dir: URL
    let db: String
    let environment: [String: String]
    /// Accounts made so far, and the (account, day) pairs signed in.
    private let made = Mutex<Set<String>>([])
    private let signedIn = Mutex<Set<String>>([])

    init(language: String = "zh") {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = dir.appendingPathComponent("office.db").path
        var env = ProcessInfo.processInfo.environment
        env["DISCLOSURE_DB"] = db
        env["DISCLOSURE_LANG"] = language
        env["XDG_CONFIG_HOME"] = dir.appendingPathComponent("cfg/nobody").path
        env.removeValue(forKey: "DISCLOSURE_ACTOR")
        environment = env
    }

    /// The environment of `actor`, with their own XDG_CONFIG_HOME for sessions started on `day`.
    func environment(as actor: String, on day: String?) -> [String: String] {
        var env = environment
        env["XDG_CONFIG_HOME"] = dir.appendingPathComponent("cfg/\(actor)-\(day ?? "now")").path
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        env["TZ"] = "Asia/Shanghai"
        return env
    }

    /// Makes `actor`'s account (with every business role) and signs them in on `day`, once each.
    /// Best effort: where the database refuses (damaged, newer, read-only), the command that follows
    /// shows why.
    func signIn(_ actor: String, on day: String?, env extra: [String: String] = [:]) throws {
        let database = extra["DISCLOSURE_DB"] ?? db
        let key = "\(database)|\(actor)-\(day ?? "now")"
        if signedIn.withLock({ $0.contains(key) }) { return }
        let account = "\(database)|\(actor)"
        if actor != "管理员" && !made.withLock({ $0.contains(account) }) {
            let r = try launch(["staff", "add", actor, "--role", "registrar,handler,reviewer,head", "--password-stdin"],
                               env: environment(as: "管理员", on: nil).merging(extra) { $1 }, input: testPassword + "\n")
            if r.status == 0 { made.withLock { _ = $0.insert(account) } }
        }
        let r = try launch(["login", actor, "--password-stdin"], env: environment(as: actor, on: day).merging(extra) { $1 },
                           input: testPassword + "\n", day: day)
        if r.status == 0 { signedIn.withLock { _ = $0.insert(key) } }
    }

    /// Runs `disclosure ARGS…` as a member of staff on a day. `--actor NAME` in the arguments names
    /// who (else `defaultActor`); the day is `today`, else for a command that records something the
    /// `--on` date, its `--as-of`, or the receipt date, so that a step is entered on the day it
    /// happens; `--actor` and a recording command's `--as-of` are not passed on.
    @discardableResult
    func run(_ args: [String], env extra: [String: String] = [:], today: String? = nil, input: String? = nil,
             executable: String = binary) throws -> Result {
        var args = args
        func take(_ option: String) -> String? {
            guard let i = args.firstIndex(of: option), i + 1 < args.count else { return nil }
            let value = args[i + 1]
            args.removeSubrange(i...(i + 1))
            return value
        }
        func value(_ option: String) -> String? {
            guard let i = args.firstIndex(of: option), i + 1 < args.count else { return nil }
            return args[i + 1]
        }
        if args.first == "init", !args.contains("--password-stdin") {
            // The tests' offices all have the admin 管理员, whose session `initialised` keeps.
            args += ["--admin", "管理员", "--password-stdin", "--password-cost", "10"]
            let r = try launch(args, env: environment(as: "管理员", on: nil).merging(extra) { $1 }, input: testPassword + "\n",
                               executable: executable)
            if r.status == 0 { signedIn.withLock { _ = $0.insert("\(extra["DISCLOSURE_DB"] ?? db)|管理员-now") } }
            return r
        }
        let actor = take("--actor") ?? defaultActor(args)
        let writes = writeCommands.contains(args.first ?? "") || args.starts(with: ["report", "lock"])
            || args.starts(with: ["report", "unlock"]) || args.starts(with: ["calendar", "import"])
            || args.starts(with: ["report", "lead", "add"]) || args.starts(with: ["report", "lead", "withdraw"])
            || args.starts(with: ["fee", "notice"]) || args.starts(with: ["fee", "paid"])
        // Reads say their day with --as-of; only what records something needs the clock pinned.
        var day = today
        if writes {
            let asOf = take("--as-of")
            day = day ?? value("--on") ?? value("--received") ?? asOf
        }
        let needsSession = writes || ["staff", "whoami", "export", "logout"].contains(args.first ?? "")
        if needsSession, FileManager.default.fileExists(atPath: extra["DISCLOSURE_DB"] ?? db) {
            try signIn(actor, on: day, env: extra)
        }
        return try launch(args, env: environment(as: actor, on: day).merging(extra) { $1 }, input: input, executable: executable,
                          day: day)
    }

    /// Runs the binary with exactly this environment, on `day` when given (else on the real clock).
    func launch(_ args: [String], env: [String: String], input: String? = nil, executable: String = binary,
                day: String? = nil) throws -> Result {
        let p = Process()
        let (program, arguments) = day.map { onDay($0, executable, args) } ?? (executable, args)
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = arguments
        p.environment = env
        p.currentDirectoryURL = dir
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inPipe = Pipe()
        p.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try p.run()
        if let input {
            // A command refused before it reads its input closes the pipe: that is no error here.
            ignoreBrokenPipes
            try? inPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        // Read before waiting so that a large output cannot block the child.
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @discardableResult
    func run(_ args: String...) throws -> Result { try run(args) }

    /// Runs a command that must succeed, recording its stderr if it does not.
    @discardableResult
    func ok(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        try ok(args, sourceLocation: sourceLocation)
    }

    @discardableResult
    func ok(_ args: [String], today: String? = nil, input: String? = nil,
            sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
        let r = try run(args, today: today, input: input)
        #expect(r.status == 0, "\(args.joined(separator: " ")) failed: \(r.stderr.isEmpty ? r.stdout : r.stderr)",
                sourceLocation: sourceLocation)
        return r
    }

    /// A new office whose admin is 管理员 (signed in on the real clock); staff accounts follow as used.
    static func initialised(language: String = "zh", code: String = "TEST") throws -> Office {
        let o = Office(language: language)
        let r = try o.run("init", "--agency", code == "TEST" ? "测试市人民政府办公室" : "测试市\(code)局", "--code", code)
        #expect(r.status == 0, "init failed: \(r.stderr)")
        return o
    }

    /// Forgets that `actor` is signed in on `day` (a test ended that session), so the next command signs in again.
    func forgetSession(_ actor: String, on day: String?) {
        signedIn.withLock { _ = $0.remove("\(db)|\(actor)-\(day ?? "now")") }
    }

    /// Sets up the admin 管理员 of a database made without accounts (by the bench's generator, or an
    /// older release).
    func bootstrap() throws {
        let r = try launch(["staff", "bootstrap", "管理员", "--password-stdin"], env: environment(as: "管理员", on: nil),
                           input: testPassword + "\n")
        #expect(r.status == 0, "bootstrap failed: \(r.stderr)")
        signedIn.withLock { _ = $0.insert("\(db)|管理员-now") }
    }

    /// Registers an application on the day it was received and returns its case number.
    func register(_ received: String, applicant: String = "张三", request: String = "某项目环评批复") throws -> String {
        let r = try run("register", "--received", received, "--channel", "online", "--applicant", applicant,
                        "--applicant-type", "person", "--request", request, "--json")
        #expect(r.status == 0, "register failed: \(r.stderr)")
        return r.object["number"] as? String ?? "?"
    }

    func caseCount() throws -> Int { try run("list", "--json").array.count }

    /// Drafts (王科员), approves (李主任, another account) and issues (李主任, a head) a reply of
    /// `outcome` on `day`.
    func reply(_ n: String, _ outcome: String, on day: String, basis: String = "依据条例",
               sourceLocation: SourceLocation = #_sourceLocation) throws {
        try ok(["reply", "draft", n, "--outcome", outcome, "--basis", basis, "--on", day], sourceLocation: sourceLocation)
        try ok(["reply", "review", n, "--approve", "--on", day], sourceLocation: sourceLocation)
        try ok(["reply", "issue", n, "--on", day], sourceLocation: sourceLocation)
    }
}

/// Runs another program (xmllint, sqlite3, chromium, …) to completion: its exit status and what it
/// printed on standard output, trimmed. HOME is the working folder, so nothing lands in the real one.
@discardableResult
func tool(_ path: String, _ args: [String], in dir: URL? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    if let dir {
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(["HOME": dir.path]) { $1 }
    }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}

/// Whether xmllint accepts `file` against `schema` of forms/.
func xmllint(_ file: String, schema: String = "case-file.xsd") throws -> Int32 {
    try tool("/usr/bin/xmllint", ["--noout", "--schema", packageRoot.appendingPathComponent("forms/\(schema)").path, file]).status
}
