import AsyncHTTPClient
import DisclosureApp
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The built `disclosure` binary: $DISCLOSURE_BIN (set by `make test`), else the debug build; its
/// `serve` hands over to `disclosure-server` beside it.
let cliBinary: String = {
    if let b = ProcessInfo.processInfo.environment["DISCLOSURE_BIN"], !b.isEmpty { return b }
    return packageRoot.appendingPathComponent(".build/debug/disclosure").path
}()

/// A scratch office made with the CLI, as an office would make one, in its own folder.
struct LiveOffice {
    let dir: URL
    let db: String
    let environment: [String: String]

    init(passwordCost: Int = 10, staff: [(String, String)]) throws {
        signal(SIGPIPE, SIG_IGN)
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("disclosure-live-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        db = dir.appendingPathComponent("office.db").path
        var env = ProcessInfo.processInfo.environment
        env["XDG_CONFIG_HOME"] = dir.appendingPathComponent("config").path
        env["DISCLOSURE_DB"] = db
        env["DISCLOSURE_LANG"] = "en"
        environment = env
        let made = try cli(
            [
                "init", "--agency", "测试机关", "--code", "LIVE", "--admin", "root", "--password-stdin",
                "--password-cost", "\(passwordCost)",
            ], stdin: "root-password-1")
        #expect(made.status == 0, "\(made.err)")
        for (name, roles) in staff {
            let added = try cli(
                ["staff", "add", name, "--role", roles, "--password-stdin"], stdin: "\(name)-password-1")
            #expect(added.status == 0, "\(added.err)")
        }
    }

    /// Runs the CLI to its end.
    @discardableResult
    func cli(
        _ args: [String], stdin: String? = nil, environment extra: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cliBinary)
        p.arguments = args
        p.environment = environment.merging(extra) { $1 }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data((stdin + "\n").utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    /// Starts `disclosure serve` on a port of the system's choosing and waits until it listens.
    func serve(_ extra: [String] = []) async throws -> LiveServer {
        try await LiveServer.start(environment: environment, args: ["serve", "--db", db] + extra)
    }
}

/// `disclosure serve` running as its own process.
final class LiveServer: Sendable {
    let process: Process
    let port: Int
    private let errors: Captured

    private init(process: Process, port: Int, errors: Captured) {
        self.process = process
        self.port = port
        self.errors = errors
    }

    /// What the server has written on standard error so far.
    var stderr: String { errors.text.withLock { $0 } }
    var base: String { "http://127.0.0.1:\(port)" }

    static func start(environment: [String: String], args: [String]) async throws -> LiveServer {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: cliBinary)
        p.arguments = args + (args.contains("--listen") ? [] : ["--listen", "127.0.0.1:0"])
        p.environment = environment
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        let seen = Captured()
        err.fileHandleForReading.readabilityHandler = { h in
            let chunk = String(decoding: h.availableData, as: UTF8.self)
            seen.text.withLock { $0 += chunk }
        }
        try p.run()
        // Generous: under the whole suite the pool that resumes this task may be busy for a long while,
        // and the check runs once more after the deadline, so that a late wake-up still sees the line.
        let deadline = ContinuousClock.now + .seconds(300)
        var last = false
        while !last {
            last = ContinuousClock.now >= deadline
            let so = seen.text.withLock { $0 }
            if let line = so.split(separator: "\n").first(where: { $0.contains("serving") }) {
                let port = line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                // A Unix socket has no port: the caller knows its path.
                return LiveServer(process: p, port: port ?? 0, errors: seen)
            }
            if !p.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        p.terminate()
        throw LiveError.didNotStart(seen.text.withLock { $0 })
    }

    /// Waits for the process to end; its exit status.
    func wait() async -> Int32 {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// The portal's port (`--public-listen` on port 0), once the server has said it; 0 if it never does.
    func portalPort() async throws -> Int {
        for _ in 0..<500 {
            let line = stderr.split(separator: "\n").first { $0.contains("the portal on") }
            if let port = line.flatMap({ $0.split(separator: ":").last }).flatMap({ Int($0) }) { return port }
            try await Task.sleep(for: .milliseconds(20))
        }
        return 0
    }
}

enum LiveError: Error { case didNotStart(String) }

/// The case numbers the server answered 201 for.
final class Acknowledged: Sendable {
    let numbers = Mutex<[String]>([])
}

/// Text a child process writes, gathered as it comes.
final class Captured: Sendable {
    let text = Mutex("")
}

/// One HTTP exchange.
struct Exchange {
    let status: Int
    let headers: HTTPHeaders
    let text: String
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}

func send(
    _ client: HTTPClient, _ method: HTTPMethod, _ url: String, json: String? = nil, headers: [(String, String)] = []
) async throws -> Exchange {
    var request = HTTPClientRequest(url: url)
    request.method = method
    for (k, v) in headers { request.headers.add(name: k, value: v) }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await client.execute(request, timeout: .seconds(60))
    let body = try await response.body.collect(upTo: 1 << 22)
    return Exchange(status: Int(response.status.code), headers: response.headers, text: String(buffer: body))
}

/// Today in China, as the server's clock has it.
func chinaToday() -> String { SystemClock().now().day.description }

func registration(_ i: Int) -> String {
    """
    {"received": "\(chinaToday())", "channel": "online", "applicant": "申请人\(i)", "applicant_type": "person", \
    "request": "第\(i)项政府信息"}
    """
}

@Suite("Server: the built binary, as an office runs it", .serialized)
struct LiveServerTests {
    @Test("SIGTERM lets a request in flight finish, then the server exits 0")
    func gracefulStop() async throws {
        // A slow hash keeps the sign-in in flight while the signal arrives.
        let office = try LiveOffice(passwordCost: 13, staff: [("reg", "registrar")])
        let server = try await office.serve()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let health = try await send(client, .GET, server.base + "/healthz")
        #expect(health.status == 200)
        let sent = Acknowledged()
        let inFlight = Task {
            sent.numbers.withLock { $0.append("sent") }
            return try await send(
                client, .POST, server.base + "/api/v1/session",
                json: #"{"name": "reg", "password": "reg-password-1"}"#)
        }
        // The task may start late under a busy test run: the signal waits until it has sent.
        while sent.numbers.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(300))
        server.signal(SIGTERM)
        let answer = try await inFlight.value
        #expect(answer.status == 201, "\(answer.text)")
        #expect(await server.wait() == 0, "\(server.stderr)")
        await #expect(throws: (any Error).self) { try await send(client, .GET, server.base + "/healthz") }
        try await client.shutdown()
    }

    @Test("SIGKILL under a load of registrations: every 201 is there after restart, audit verify passes")
    func killUnderLoad() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar")])
        let server = try await office.serve()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let signed = try await send(
            client, .POST, server.base + "/api/v1/session",
            json: #"{"name": "reg", "password": "reg-password-1", "bearer": true}"#)
        let token = try #require(signed.object["token"] as? String)
        let acknowledged = Acknowledged()
        let workers = (0..<8).map { w in
            Task {
                var i = 0
                while !Task.isCancelled {
                    i += 1
                    guard
                        let a = try? await send(
                            client, .POST, server.base + "/api/v1/cases", json: registration(w * 10_000 + i),
                            headers: [("Authorization", "Bearer \(token)")])
                    else { return }
                    if a.status == 201, let n = a.object["number"] as? String {
                        acknowledged.numbers.withLock { $0.append(n) }
                    }
                }
            }
        }
        // Kill once registrations are flowing, mid-stream.
        while acknowledged.numbers.withLock({ $0.count }) < 300 { try await Task.sleep(for: .milliseconds(10)) }
        server.signal(SIGKILL)
        _ = await server.wait()
        for w in workers { w.cancel() }
        for w in workers { _ = await w.value }
        let acked = Set(acknowledged.numbers.withLock { $0 })

        let restarted = try await office.serve()
        let listed = try await send(
            client, .GET, restarted.base + "/api/v1/cases?limit=10000", headers: [("Authorization", "Bearer \(token)")])
        #expect(listed.status == 200, "\(listed.text)")
        let numbers = Set(
            ((try? JSONSerialization.jsonObject(with: Data(listed.text.utf8))) as? [[String: Any]] ?? [])
                .compactMap { $0["number"] as? String })
        #expect(acked.isSubset(of: numbers), "lost: \(acked.subtracting(numbers).sorted())")
        // A registration may have committed as its answer was cut off: never fewer, at most 8 more.
        #expect(numbers.count >= acked.count && numbers.count <= acked.count + 8)
        restarted.signal(SIGTERM)
        #expect(await restarted.wait() == 0)
        try await client.shutdown()
        let verify = try office.cli(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.out)\(verify.err)")
    }

    @Test("once a server serves the database, local writes are refused and point there, until released")
    func localWritesRefused() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar")])
        #expect(try office.cli(["login", "reg", "--password-stdin"], stdin: "reg-password-1").status == 0)
        let register = [
            "register", "--received", chinaToday(), "--channel", "online", "--applicant", "张三",
            "--applicant-type", "person", "--request", "环评批复",
        ]
        #expect(try office.cli(register).status == 0)
        let server = try await office.serve()
        // While it runs, a second server and giving the file back are both refused.
        let second = try office.cli(["serve", "--listen", "127.0.0.1:0"])
        #expect(second.status == 2, "\(second.err)")
        #expect(second.err.contains("another server"), "\(second.err)")
        let early = try office.cli(["serve", "--release"])
        #expect(early.status == 2)
        #expect(early.err.contains("still running"), "\(early.err)")
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
        let refused = try office.cli(register)
        #expect(refused.status == 1)
        #expect(refused.err.contains("served by http://127.0.0.1:\(server.port)"), "\(refused.err)")
        // Reading stays open to whoever holds the file.
        #expect(try office.cli(["list"]).status == 0)
        let released = try office.cli(["serve", "--release"])
        #expect(released.status == 0, "\(released.err)")
        #expect(try office.cli(register).status == 0)
        #expect(try office.cli(["audit", "verify"]).status == 0)
    }

    @Test("disclosure login NAME --server URL: the CLI's commands go through the API and print what they print locally")
    func cliThroughServer() async throws {
        let office = try LiveOffice(
            staff: [("reg", "registrar"), ("boss", "head,handler,reviewer"), ("rev", "reviewer")])
        let server = try await office.serve()
        let url = server.base
        let wrong = try office.cli(["login", "reg", "--server", url, "--password-stdin"], stdin: "not-the-password")
        #expect(wrong.status == 1)
        #expect(wrong.err.contains("password"), "\(wrong.err)")
        for wrongURL in ["ftp://x y", "http://192.0.2.1:8080", "https://x/?a=1", "http://localhost:1@192.0.2.1/"] {
            let bad = try office.cli(
                ["login", "reg", "--server", wrongURL, "--password-stdin"], stdin: "reg-password-1")
            #expect(bad.status == 1)
            #expect(bad.err.contains("--server"), "\(bad.err)")
        }
        let login = try office.cli(["login", "reg", "--server", url, "--password-stdin"], stdin: "reg-password-1")
        #expect(login.status == 0, "\(login.err)")
        #expect(login.out.contains("reg"), "\(login.out)")
        // The token is the user's alone, and never on a command line (curl reads it on standard input).
        let saved = office.dir.appendingPathComponent("config/disclosure/sessions/server").path
        let mode = try FileManager.default.attributesOfItem(atPath: saved)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try office.cli(["whoami"]).out.contains("reg (registrar)"))
        // A proxy in the environment never sees the clear-text token: loopback goes direct.
        let proxy = "http://127.0.0.1:9"
        let proxied = try office.cli(["whoami"], environment: ["http_proxy": proxy, "ALL_PROXY": proxy])
        #expect(proxied.status == 0, "\(proxied.err)")
        // A sign-in file others can read is refused, not ignored (which would send commands elsewhere).
        chmod(saved, 0o644)
        let exposed = try office.cli(["whoami"])
        #expect(exposed.status == 1)
        #expect(exposed.err.contains("chmod 600"), "\(exposed.err)")
        chmod(saved, 0o600)
        let received = chinaToday()
        let register = [
            "register", "--received", received, "--channel", "in-person", "--applicant", "张三",
            "--applicant-type", "person", "--request", "2025年部门预算", "--id-number", "110101199003077777",
        ]
        let made = try office.cli(register + ["--json"])
        #expect(made.status == 0, "\(made.err)")
        let number = try #require(JSON.parse(Array(made.out.utf8))?["number"]?.text)
        let text = try office.cli(register)
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.hasPrefix("registered \(Int(received.prefix(4)) ?? 0)-"), "\(text.out)")
        // A second applicant asks for the same: art. 44's "several applicants".
        let second = try office.cli(
            ["register", "--received", received, "--channel", "online", "--applicant", "李四", "--applicant-type",
             "person", "--request", "2025年部门预算", "--json"])
        let secondNumber = try #require(JSON.parse(Array(second.out.utf8))?["number"]?.text, "\(second.err)")
        // The role is the server's rule: a registrar may not extend; the error reads as the CLI's own.
        let refused = try office.cli(["extend", number, "--days", "20", "--reason", "复杂"])
        #expect(refused.status == 1)
        #expect(refused.err.hasPrefix("error: "), "\(refused.err)")
        #expect(refused.err.contains("head"), "\(refused.err)")
        // Input the CLI checks itself never reaches the server; one the server checks names the option.
        let date = try office.cli(["register", "--received", "2026-02-30"] + register.dropFirst(3))
        #expect(date.status == 1)
        #expect(date.err.contains("--received"), "\(date.err)")
        let late = try office.cli(["deliver", number, "--method", "post", "--on", "2020-01-02"])
        #expect(late.status == 1, "\(late.out)")
        let missing = try office.cli(["show", "2026-099999"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("2026-099999"), "\(missing.err)")
        // A file of one's own that no server serves is still worked locally, beside the server login.
        let own = office.dir.appendingPathComponent("own.db").path
        let made2 = try office.cli(
            ["init", "--db", own, "--agency", "自用", "--admin", "me", "--password-stdin", "--password-cost", "10"],
            stdin: "me-password-12")
        #expect(made2.status == 0, "\(made2.err)")
        let clerk = ["--db", own, "--password-stdin"]
        let addClerk = ["staff", "add", "clerk", "--role", "registrar"]
        #expect(try office.cli(addClerk + clerk, stdin: "clerk-pass-12").status == 0)
        #expect(try office.cli(["login", "clerk"] + clerk, stdin: "clerk-pass-12").status == 0)
        let ownRequest = register.dropFirst().map { $0 == "2025年部门预算" ? "自用申请" : $0 }
        let local = try office.cli(["register", "--db", own] + ownRequest)
        #expect(local.status == 0, "\(local.err) \(local.out)")
        #expect(try office.cli(["list", "--db", own]).out.contains("自用申请"))
        #expect(!(try office.cli(["list"]).out.contains("自用申请")))
        // A command the API does not offer is refused rather than run on some local file.
        let backup = try office.cli(["backup", office.dir.appendingPathComponent("b.db").path])
        #expect(backup.status == 1)
        #expect(backup.err.contains(url), "\(backup.err)")
        #expect(backup.err.contains("and backup works on the database file itself"), "\(backup.err)")
        // Help is the program's own: it answers whoever one is signed in to.
        for help in [["--help"], ["extend", "--help"], ["help", "correction"], ["backup", "--help"]] {
            let asked = try office.cli(help)
            #expect(asked.status == 0, "\(help): \(asked.err)")
            #expect(asked.out.contains("USAGE"), "\(help): \(asked.out)")
        }
        let boss = try office.cli(["login", "boss", "--server", url, "--password-stdin"], stdin: "boss-password-1")
        #expect(boss.status == 0, "\(boss.err)")
        let extended = try office.cli(["extend", number, "--days", "20", "--reason", "需调取档案"])
        #expect(extended.status == 0, "\(extended.err)")
        #expect(extended.out.contains("\(number): recorded"), "\(extended.out)")
        let lead = try office.cli(
            ["report", "lead", "add", "--on", received, "--subject", "2025年部门预算", "--published",
             "门户网站·预决算公开栏目", "--cases", "\(number),\(secondNumber)"])
        #expect(lead.status == 0 && lead.out.contains("2025年部门预算"), "\(lead.err)")
        let drafted = try office.cli(["reply", "draft", number, "--outcome", "1", "--json"])
        #expect(drafted.status == 0, "\(drafted.err)")
        #expect(JSON.parse(Array(drafted.out.utf8))?["status"]?.text == "drafted", "\(drafted.out)")
        // Documents and letters: uploaded from a file, listed, fetched back with their digest checked.
        let scan = office.dir.appendingPathComponent("申请书.pdf")
        try Data("%PDF-1.4 申请书扫描件".utf8).write(to: scan)
        let attached = try office.cli(["attach", number, scan.path, "--kind", "application"])
        #expect(attached.status == 0, "\(attached.err)")
        #expect(attached.out.contains("attachment 1 申请书.pdf stored"), "\(attached.out)")
        let copy = office.dir.appendingPathComponent("copy.pdf").path
        let extracted = try office.cli(["extract", number, "--seq", "1", "--out", copy])
        #expect(extracted.status == 0, "\(extracted.err)")
        #expect(FileManager.default.contents(atPath: copy) == (try Data(contentsOf: scan)))
        #expect(try office.cli(["extract", number, "--seq", "1", "--out", copy]).status == 1)
        #expect(try office.cli(["extract", number, "--seq", "7", "--out", copy + "2"]).status == 1)
        let templates = try office.cli(["notice", number, "--kind", "receipt", "--templates", office.dir.path])
        #expect(templates.status == 1)
        #expect(templates.err.contains("--templates"), "\(templates.err)")
        let asOf = received
        var remote: [[String]: String] = [:]
        var reads: [[String]] = [
            ["show", number, "--as-of", asOf], ["show", number, "--json", "--as-of", asOf], ["history", number],
            ["due", "--as-of", asOf], ["due", "--json", "--as-of", asOf], ["list", "--as-of", asOf],
            ["list", "--json", "--status", "drafted", "--as-of", asOf], ["attachments", number],
            ["attachments", number, "--json"], ["notice", number, "--kind", "receipt"],
            ["notice", number, "--kind", "extension", "--format", "text"],
            ["calendar", "days", "--from", "2026-09-28", "--to", "2026-10-09"], ["calendar", "list"],
            ["calendar", "show", "2026"], ["report", "late-entries"],
            ["fee", "quote", "--applicant", "张三", "--month", String(received.prefix(7)), "--pages", "150"],
            ["report", "annual", "--year", String(received.prefix(4))],
            ["report", "annual", "--year", String(received.prefix(4)), "--format", "csv"],
            ["report", "annual", "--year", String(received.prefix(4)), "--format", "xml"],
            ["report", "annual", "--year", String(received.prefix(4)), "--format", "json"],
            ["report", "stats", "--as-of", asOf, "--from", "2026-01-01", "--to", asOf],
            ["report", "stats", "--json", "--as-of", asOf, "--from", "2026-01-01", "--to", asOf],
            ["report", "clusters", "--min-applicants", "2"], ["report", "clusters", "--json", "--min-applicants", "2"],
            ["report", "lead", "list"], ["report", "lead", "list", "--json", "--year", String(received.prefix(4))],
        ]
        let inputs = packageRoot.appendingPathComponent("forms/examples/annual-report-inputs.txt").path
        let year = String(received.prefix(4))
        for format in ["text", "html", "json", "xml"] {
            reads.append(["report", "annual", "--year", year, "--document", "--format", format, "--inputs", inputs])
        }
        for r in reads {
            let out = try office.cli(r)
            #expect(out.status == 0, "\(r): \(out.err)")
            remote[r] = out.out
        }
        // The server's notes reach the terminal as the CLI's own would: the year is still running.
        let running = try office.cli(reads[reads.count - 4])
        #expect(running.err.contains("has not ended"), "\(running.err)")
        #expect(try office.cli(["audit", "journal"]).status == 0)
        let verified = try office.cli(["audit", "verify"])
        #expect(verified.status == 0, "\(verified.err)")
        #expect(verified.out.hasPrefix("audit passed"), "\(verified.out)")
        let chart = office.dir.appendingPathComponent("stats.svg").path
        #expect(try office.cli(["report", "stats", "--svg", chart]).status == 0)
        #expect(String(decoding: FileManager.default.contents(atPath: chart) ?? Data(), as: UTF8.self).contains("<svg"))
        // Who looked at the applicant's data through the server, as the access log keeps it.
        #expect(try office.cli(["audit", "access", number]).out.contains("boss"))
        let exported = office.dir.appendingPathComponent("cases.xml").path
        let export = try office.cli(["export", "--all", "--out", exported])
        #expect(export.status == 0, "\(export.err)")
        #expect(export.err.contains("exported 3 cases"), "\(export.err)")
        #expect(try office.cli(["export", "--all", "--out", exported]).status == 1)
        // The admin's work: accounts, through the server as locally.
        let root = try office.cli(["login", "root", "--server", url, "--password-stdin"], stdin: "root-password-1")
        #expect(root.status == 0, "\(root.err)")
        let added = try office.cli(
            ["staff", "add", "王科员", "--role", "handler", "--password-stdin"], stdin: "wang-pass-12")
        #expect(added.status == 0, "\(added.err)")
        #expect(try office.cli(["staff", "grant", "王科员", "--role", "reviewer"]).out.contains("handler, reviewer"))
        #expect(try office.cli(["staff", "disable", "王科员"]).status == 0)
        let adminReads: [[String]] = [["staff", "list"], ["staff", "show", "王科员", "--json"], ["staff", "history"]]
        for r in adminReads { remote[r] = try office.cli(r).out }
        #expect(try office.cli(["logout"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: saved))
        // Signed out of the server, the served file refuses local changes again.
        #expect(try office.cli(register).status == 1)
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
        #expect(try office.cli(["serve", "--release"]).status == 0)
        #expect(try office.cli(["login", "boss", "--password-stdin"], stdin: "boss-password-1").status == 0)
        for r in reads {
            let out = try office.cli(r)
            #expect(out.out == remote[r], "\(r) differs through the server:\n\(remote[r] ?? "")\nlocally:\n\(out.out)")
        }
        #expect(try office.cli(["login", "root", "--password-stdin"], stdin: "root-password-1").status == 0)
        for r in adminReads {
            let out = try office.cli(r)
            #expect(out.out == remote[r], "\(r) differs through the server:\n\(remote[r] ?? "")\nlocally:\n\(out.out)")
        }
        #expect(try office.cli(["audit", "verify"]).status == 0)
    }

    @Test("serve --public-listen: an applicant applies on the portal; submission list and confirm via the server")
    func portalLive() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar")])
        let server = try await office.serve(["--public-listen", "127.0.0.1:0"])
        let portal = try await server.portalPort()
        #expect(portal > 0 && portal != server.port, "\(server.stderr)")
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let applied = try await send(
            client, .POST, "http://127.0.0.1:\(portal)/api/v1/applications",
            json: body(["applicant": "赵六", "applicant_type": "person", "email": "zhao@example.cn", "request": "规划批复"]))
        #expect(applied.status == 201, "\(applied.text)")
        let number = applied.object["submission"] as? String ?? ""
        let code = applied.object["query_code"] as? String ?? ""
        #expect(try await send(client, .GET, "http://127.0.0.1:\(portal)/api/v1/cases").status == 404)
        #expect(try await send(client, .GET, "http://127.0.0.1:\(portal)/api/v1/applications").status == 404)
        let login = try office.cli(
            ["login", "reg", "--server", server.base, "--password-stdin"], stdin: "reg-password-1")
        #expect(login.status == 0, "\(login.err)")
        let listed = try office.cli(["submission", "list"])
        #expect(listed.status == 0 && listed.out.contains(number), "\(listed)")
        #expect(listed.out.contains("zhao@example.cn"), "the whole form for the officer")
        let confirmed = try office.cli(["submission", "confirm", number, "--json"])
        #expect(confirmed.status == 0, "\(confirmed.err)")
        let caseNumber = JSON.parse(Array(confirmed.out.utf8))?["number"]?.text ?? ""
        let after = try office.cli(["submission", "list"])
        #expect(!caseNumber.isEmpty && after.out.contains("no online submissions"), "\(after)")
        let tracked = try await send(
            client, .GET, "http://127.0.0.1:\(portal)/api/v1/applications/\(number)?code=\(code)")
        #expect(tracked.status == 200 && tracked.object["case"] as? String == caseNumber, "\(tracked.text)")
        try await client.shutdown()
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
        #expect(try office.cli(["serve", "--release"]).status == 0)
        let all = try office.cli(["submission", "list", "--all"])
        #expect(all.out.contains("confirmed \(chinaToday()) as case \(caseNumber)"), "\(all.out)")
        #expect(try office.cli(["audit", "verify"]).status == 0)
    }

    @Test("through the server too, totp setup and confirm turn codes on, and login --server then asks for one")
    func cliCodeThroughServer() async throws {
        let office = try LiveOffice(staff: [("boss", "head")])
        let server = try await office.serve()
        let login = ["login", "boss", "--server", server.base, "--password-stdin"]
        #expect(try office.cli(login, stdin: "boss-password-1").status == 0)
        let setup = try office.cli(["totp", "setup", "--json"])
        #expect(setup.status == 0, "\(setup.err)")
        let secret = try #require(JSON.parse(Array(setup.out.utf8))?["secret"]?.text)
        func code(_ ahead: Int) -> String {
            TOTP.code(secret: TOTP.decodeBase32(secret) ?? [], step: Int(Date().timeIntervalSince1970) / 30 + ahead)
        }
        #expect(try office.cli(["totp", "confirm", "000000"]).status == 1)
        let confirmed = try office.cli(["totp", "confirm", code(0)])
        #expect(confirmed.status == 0, "\(confirmed.err)")
        let bare = try office.cli(login, stdin: "boss-password-1")
        #expect(bare.status == 1)
        #expect(bare.err.contains("one-time code"), "\(bare.err)")
        let signed = try office.cli(login, stdin: "boss-password-1\n\(code(1))")
        #expect(signed.status == 0, "\(signed.err)")
        #expect(try office.cli(["whoami"]).out.contains("boss"))
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
    }

    @Test("disclosure login asks for the one-time code once the account has one")
    func cliLoginWithCode() async throws {
        let office = try LiveOffice(staff: [("boss", "head")])
        #expect(try office.cli(["login", "boss", "--password-stdin"], stdin: "boss-password-1").status == 0)
        let setup = try office.cli(["totp", "setup", "--json"])
        let secret = try #require(
            ((try? JSONSerialization.jsonObject(with: Data(setup.out.utf8))) as? [String: Any])?["secret"] as? String)
        func code(_ ahead: Int) -> String {
            TOTP.code(secret: TOTP.decodeBase32(secret) ?? [], step: Int(Date().timeIntervalSince1970) / 30 + ahead)
        }
        #expect(try office.cli(["totp", "confirm", code(0)]).status == 0)
        let bare = try office.cli(["login", "boss", "--password-stdin"], stdin: "boss-password-1")
        #expect(bare.status == 1)
        #expect(bare.err.contains("one-time code"), "\(bare.err)")
        let signed = try office.cli(["login", "boss", "--password-stdin"], stdin: "boss-password-1\n\(code(1))")
        #expect(signed.status == 0, "\(signed.err)")
        #expect(try office.cli(["audit", "verify"]).status == 0)
    }

    @Test("TLS directly (--tls-cert/--tls-key): HTTPS only, Secure cookie, HSTS")
    func directTLS() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar")])
        let dir = office.dir.path
        let made = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                dir + "/key.pem", "-out", dir + "/cert.pem",
            ])
        #expect(made == 0)
        let server = try await office.serve(["--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"])
        var tls = HTTPClient.Configuration()
        tls.tlsConfiguration = .makeClientConfiguration()
        tls.tlsConfiguration?.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: tls)
        let base = "https://127.0.0.1:\(server.port)"
        let signed = try await send(
            client, .POST, base + "/api/v1/session", json: #"{"name": "reg", "password": "reg-password-1"}"#)
        #expect(signed.status == 201)
        #expect((signed.headers.first(name: "Set-Cookie") ?? "").hasPrefix("__Host-disclosure="))
        #expect((signed.headers.first(name: "Set-Cookie") ?? "").contains("Secure"))
        #expect(signed.headers.first(name: "Strict-Transport-Security") != nil)
        // The CLI signs in over HTTPS trusting the office's own certificate, and only with it.
        let untrusted = try office.cli(["login", "reg", "--server", base, "--password-stdin"], stdin: "reg-password-1")
        #expect(untrusted.status == 1)
        #expect(untrusted.err.contains("cannot reach"), "\(untrusted.err)")
        let trusted = try office.cli(
            ["login", "reg", "--server", base, "--cacert", dir + "/cert.pem", "--password-stdin"],
            stdin: "reg-password-1")
        #expect(trusted.status == 0, "\(trusted.err)")
        #expect(try office.cli(["whoami", "--json"]).out.contains("\"name\": \"reg\""))
        // Plain HTTP on the TLS port gets no answer from the API.
        let plain = HTTPClient(eventLoopGroupProvider: .singleton)
        let cleartext = try? await send(plain, .GET, "http://127.0.0.1:\(server.port)/healthz")
        #expect(cleartext?.status != 200)
        try await plain.shutdown()
        try await client.shutdown()
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
    }

    @Test("an address another program listens on is refused by name (--listen), exit 2, nothing served")
    func addressInUse() async throws {
        let first = try LiveOffice(staff: [])
        let server = try await first.serve()
        let second = try LiveOffice(staff: [])
        let taken = try second.cli(["serve", "--db", second.db, "--listen", "127.0.0.1:\(server.port)"])
        #expect(taken.status == 2)
        #expect(taken.err.contains("--listen") && taken.err.contains("in use"), "\(taken.err)")
        // The portal's address taken: named by its own option, and the server stops rather than run half.
        let portalTaken = try second.cli(
            ["serve", "--db", second.db, "--listen", "127.0.0.1:0", "--public-listen", "127.0.0.1:\(server.port)",
             "--remind-at", "off"])
        #expect(portalTaken.status != 0)
        let named = portalTaken.err.contains("--public-listen") && portalTaken.err.contains("in use")
        #expect(named, "\(portalTaken.err)")
        // Nothing was announced: the second office's file takes local changes as before.
        let added = try second.cli(
            ["staff", "add", "x", "--role", "handler", "--password-stdin"], stdin: "x-password-12")
        #expect(added.status == 0, "\(added.err)")
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
    }

    @Test("a missing --tls-key, a bad --listen or a missing certificate are refused before anything starts")
    func badOptions() throws {
        let office = try LiveOffice(staff: [])
        let noKey = try office.cli(["serve", "--tls-cert", office.dir.path + "/nothing.pem"])
        #expect(noKey.status == 2)
        #expect(noKey.err.contains("--tls-key"))
        let listen = try office.cli(["serve", "--listen", "localhost"])
        #expect(listen.status == 2)
        #expect(listen.err.contains("--listen"))
        let missing = try office.cli(
            ["serve", "--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.pem"])
        #expect(missing.status != 0)
        #expect(missing.err.contains("--tls-cert"), "\(missing.err)")
    }

    @Test("behind a real nginx with TLS: Secure __Host- cookie, HSTS, and the client's address from nginx only")
    func behindNginx() async throws {
        let office = try LiveOffice(staff: [("reg", "registrar"), ("boss", "admin")])
        let dir = office.dir.path
        let socket = dir + "/disclosure.sock"
        let made = try run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                dir + "/key.pem", "-out", dir + "/cert.pem",
            ])
        #expect(made == 0)
        let port = try freePort()
        // The shipped site, with this test's paths and port in place of the production ones.
        var site = try String(
            contentsOf: packageRoot.appendingPathComponent("Storage/deploy/nginx-site.conf"), encoding: .utf8)
        site = site.replacingOccurrences(of: "/run/disclosure/disclosure.sock", with: socket)
            .replacingOccurrences(of: "/etc/ssl/disclosure/fullchain.pem", with: dir + "/cert.pem")
            .replacingOccurrences(of: "/etc/ssl/disclosure/privkey.pem", with: dir + "/key.pem")
            .replacingOccurrences(of: "/var/log/nginx/disclosure.log", with: dir + "/nginx-access.log")
            .replacingOccurrences(of: "listen 443 ssl;", with: "listen 127.0.0.1:\(port) ssl;")
            .replacingOccurrences(of: "listen 80;", with: "listen 127.0.0.1:\(try freePort());")
        try site.write(toFile: dir + "/site.conf", atomically: true, encoding: .utf8)
        let user = getuid() == 0 ? "user root;" : ""
        let conf = """
            \(user)
            worker_processes 1;
            pid \(dir)/nginx.pid;
            error_log \(dir)/nginx-error.log;
            daemon off;
            events { worker_connections 128; }
            http {
                access_log off;
                client_body_temp_path \(dir)/nginx-body;
                proxy_temp_path \(dir)/nginx-proxy;
                fastcgi_temp_path \(dir)/nginx-fastcgi;
                uwsgi_temp_path \(dir)/nginx-uwsgi;
                scgi_temp_path \(dir)/nginx-scgi;
                include \(dir)/site.conf;
            }
            """
        try conf.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)

        let server = try await office.serve(["--listen", "unix:" + socket, "--trust-proxy", "unix"])
        let nginx = Process()
        nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        nginx.arguments = ["-c", dir + "/nginx.conf", "-p", dir]
        nginx.standardError = FileHandle.nullDevice
        try nginx.run()
        var tls = HTTPClient.Configuration()
        tls.tlsConfiguration = .makeClientConfiguration()
        tls.tlsConfiguration?.certificateVerification = .none
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: tls)
        let base = "https://localhost:\(port)"
        var health: Exchange?
        for _ in 0..<200 where health == nil {
            health = try? await send(client, .GET, base + "/healthz")
            if health == nil { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(
            health?.status == 200,
            "nginx: \((try? String(contentsOfFile: dir + "/nginx-error.log", encoding: .utf8)) ?? "")")
        #expect(health?.headers.first(name: "Strict-Transport-Security") != nil)

        // A forged X-Forwarded-For from the client is not the address logged: nginx's own entry is.
        let signed = try await send(
            client, .POST, base + "/api/v1/session", json: #"{"name": "reg", "password": "reg-password-1"}"#,
            headers: [("X-Forwarded-For", "203.0.113.9")])
        #expect(signed.status == 201, "\(signed.text)")
        let cookie = signed.headers.first(name: "Set-Cookie") ?? ""
        #expect(cookie.hasPrefix("__Host-disclosure="))
        #expect(cookie.contains("Secure"))
        #expect(cookie.contains("HttpOnly"))
        let pair = String(cookie.split(separator: ";").first ?? "")
        let csrf = signed.object["csrf_token"] as? String ?? ""
        let made1 = try await send(
            client, .POST, base + "/api/v1/cases", json: registration(1),
            headers: [("Cookie", pair), ("X-CSRF-Token", csrf)])
        #expect(made1.status == 201, "\(made1.text)")

        nginx.terminate()
        nginx.waitUntilExit()
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
        try await client.shutdown()
        let anonymous = try Desk.open(path: office.db)
        let ticket = try anonymous.signIn(name: "boss", password: "boss-password-1")
        let entries = try Desk.open(path: office.db) { _ in ticket }.securityLog(limit: 50)
        #expect(entries.first { $0.kind == "signin" && $0.account == "reg" }?.address == "127.0.0.1")
        #expect(!entries.contains { $0.address == "203.0.113.9" })
    }
}

/// Schemathesis (from PyPI; `make deps` puts it in .build/venv): $SCHEMATHESIS, else that one.
let schemathesis: String = {
    if let s = ProcessInfo.processInfo.environment["SCHEMATHESIS"], !s.isEmpty { return s }
    return packageRoot.appendingPathComponent(".build/venv/bin/schemathesis").path
}()

@Suite("Server: forms/openapi.yaml against the live server (schemathesis)")
struct SpecificationTests {
    @Test("no 5xx, and every answer's status, type and body are the spec's")
    func schemathesisRun() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: schemathesis),
            "schemathesis is missing at \(schemathesis): run make deps (it installs it from PyPI into .build/venv)")
        let office = try LiveOffice(staff: [("all", "registrar,handler,reviewer,head")])
        let server = try await office.serve()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let signed = try await send(
            client, .POST, server.base + "/api/v1/session",
            json: #"{"name": "all", "password": "all-password-1", "bearer": true}"#)
        let token = try #require(signed.object["token"] as? String)
        // Cases for the spec's example number to find.
        for i in 1...3 {
            let a = try await send(
                client, .POST, server.base + "/api/v1/cases", json: registration(i),
                headers: [("Authorization", "Bearer \(token)")])
            #expect(a.status == 201)
        }
        try await client.shutdown()
        let report = office.dir.appendingPathComponent("schemathesis.txt").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: schemathesis)
        p.arguments = [
            "run", packageRoot.appendingPathComponent("forms/openapi.yaml").path, "--url", server.base,
            "-H", "Authorization: Bearer \(token)",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            // Signing out would leave the rest of the run without its session.
            "--exclude-path-regex", "^/api/v1/sessions?$",
            "--max-examples", "25", "--seed", "20261201", "--request-timeout", "30", "--no-color",
        ]
        var env = ProcessInfo.processInfo.environment
        env["SCHEMATHESIS_HOOKS"] = nil
        p.environment = env
        // Its cache (.schemathesis/) goes in the scratch folder, not in the working tree.
        p.currentDirectoryURL = office.dir
        _ = FileManager.default.createFile(atPath: report, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: report))
        p.standardOutput = out
        p.standardError = out
        try p.run()
        // Bounded in time; waited for on this thread, since a busy test run may leave tasks unscheduled.
        let stop = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 480, execute: stop)
        p.waitUntilExit()
        stop.cancel()
        try out.close()
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        #expect(p.terminationStatus == 0, "\(text.suffix(6000))")
        server.signal(SIGTERM)
        #expect(await server.wait() == 0)
        #expect(try office.cli(["audit", "verify"]).status == 0)
    }
}

/// Runs a program to its end; its exit status.
func run(_ path: String, _ args: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
}

/// A TCP port nothing listens on now.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}
