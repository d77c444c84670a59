import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The office's server under load, on the generated office, against plain SQLite doing the same work:
/// registrations over HTTP from 32 clients against a loop of the same durable transactions in the
/// sqlite3 shell; the board over HTTP against the shell running its statement; 500 connections over
/// 200 signed-in sessions, for errors and the server's peak memory. Load from wrk (Debian's package).
struct ServerLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server", abstract: "disclosure serve under load against plain SQLite (needs wrk and curl).")
    @Option var cases: Int = 1_000_000
    @Option(help: "Seconds of registration load.") var seconds: Int = 20
    @Option var clients: Int = 32
    @Option(help: "Where to write the figures (appended).") var results: String?
    @Option(help: "Scratch folder, shared with `scale` (its generated office is reused).") var work: String?

    func run() throws {
        let dir = work ?? NSTemporaryDirectory() + "disclosure-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let pristine = try generatedOffice(dir: dir, count: cases, from: Scale.first)
        let db = dir + "/server.db"
        try copyDatabase(pristine, to: db)
        defer { removeDatabase(db) }
        let bin = disclosureBinary()
        try measure([bin, "--db", db, "calendar", "list"])
        try signInStaff(bin: bin, db: db, dir: dir)
        let store = try Store.open(path: db)
        let code = store.office.code
        let agency = store.office.name

        // The baseline: the same two rows per registration, one durable transaction each, in a loop.
        let loop = 2_000
        let script = (0..<loop).map { baselineRegistration(code: code, agency: agency, k: $0, label: "server") }
            .joined(separator: "\n")
        try script.write(toFile: dir + "/loop.sql", atomically: true, encoding: .utf8)
        let base = try measure(["sqlite3", db], stdin: dir + "/loop.sql")
        let baseRate = Double(loop) / base.seconds

        let server = try ServerProcess(bin: bin, db: db, dir: dir)
        defer { server.stop() }
        let token = try server.signIn(password: dir + "/password.txt")

        // Registrations: received today, so that no late-entry reason is needed.
        let today = SystemClock().now().day
        let body =
            #"{"received":"\#(today)","channel":"online","applicant":"压力测试","applicant_type":"person","#
            + #""request":"老旧小区改造工程招标文件"}"#
        try """
        wrk.method = "POST"
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["Authorization"] = "Bearer \(token)"
        wrk.body = '\(body)'
        """.write(toFile: dir + "/register.lua", atomically: true, encoding: .utf8)
        let reg = try wrk(
            [
                "-t2", "-c\(clients)", "-d\(seconds)s", "--latency", "-s", dir + "/register.lua",
                server.base + "/api/v1/cases",
            ],
            dir: dir)

        // The board, one client at a time, against the shell running the same statement.
        let workCalendar = WorkCalendar(schedules: try Store.shippedCalendars())
        let through = workCalendar.addingWorkdays(5, after: Scale.last).date
        try """
        wrk.headers["Authorization"] = "Bearer \(token)"
        """.write(toFile: dir + "/board.lua", atomically: true, encoding: .utf8)
        let board = try wrk(
            [
                "-t1", "-c1", "-d10s", "--latency", "-s", dir + "/board.lua",
                server.base + "/api/v1/board?within=5&as_of=\(Scale.last)",
            ], dir: dir)
        try Scale.boardScript(through: through, code: code).write(
            toFile: dir + "/board.sql", atomically: true, encoding: .utf8)
        var shell: [Double] = []
        for _ in 0..<41 { shell.append(try measure(["sqlite3", db], stdin: dir + "/board.sql").seconds) }
        shell.sort()

        // 500 connections over 200 signed-in sessions.
        var tokens: [String] = []
        for _ in 0..<200 { tokens.append(try server.signIn(password: dir + "/password.txt")) }
        try """
        local tokens = {\(tokens.map { "\"\($0)\"" }.joined(separator: ","))}
        local n = 0
        request = function()
            n = n + 1
            return wrk.format("GET", "/api/v1/session", {["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]})
        end
        """.write(toFile: dir + "/many.lua", atomically: true, encoding: .utf8)
        let many = try wrk(
            ["-t2", "-c500", "-d15s", "--timeout", "10s", "-s", dir + "/many.lua", server.base], dir: dir)
        let peakKiB = server.peakKiB()

        let ratio = reg.rate / baseRate
        let p50 = shell[shell.count / 2]
        let p99 = shell[min(shell.count - 1, Int(Double(shell.count) * 0.99))]
        let p50Ratio = board.p50 / p50
        let p99Ratio = board.p99 / p99
        let lines = [
            "server bench: \(cases) cases, \(ISO8601DateFormatter().string(from: Date()))",
            "register over HTTP  \(clients) clients \(seconds) s: \(f(reg.rate))/s (\(reg.errors) errors)   "
                + "sqlite3 shell, same transactions in a loop: \(f(baseRate))/s   ratio \(f(ratio))  (target ≥ 0.50)  "
                + verdict(ratio >= 0.5 && reg.errors == 0),
            "board within 5      p50 \(ms(board.p50)) p99 \(ms(board.p99))   "
                + "sqlite3 shell p50 \(ms(p50)) p99 \(ms(p99))   "
                + "ratios \(f(p50Ratio)) / \(f(p99Ratio))  (target ≤ 2.00)  \(verdict(p50Ratio <= 2 && p99Ratio <= 2))",
            "500 connections     200 sessions, \(f(many.rate)) requests/s, \(many.errors) errors, "
                + "server peak \(peakKiB / 1024) MiB  "
                + "(target 0 errors, < 256 MiB)  \(verdict(many.errors == 0 && peakKiB < 256 * 1024))",
        ]
        print(lines.joined(separator: "\n"))
        if let results { try appendResults(lines, to: results) }
    }

    struct WrkFigures {
        var rate: Double
        var errors: Int
        var p50: Double
        var p99: Double
    }

    /// Runs wrk and reads its summary: requests per second, socket errors plus non-2xx answers, latency.
    func wrk(_ args: [String], dir: String) throws -> WrkFigures {
        let out = dir + "/wrk.txt"
        try measure(["wrk"] + args, stdout: out)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        func number(after label: String) -> Double? {
            guard let r = text.range(of: label) else { return nil }
            let rest = text[r.upperBound...].drop { $0 == " " }
            return Double(rest.prefix { $0.isNumber || $0 == "." })
        }
        func seconds(after label: String) -> Double {
            guard let r = text.range(of: "\n" + label) ?? text.range(of: label) else { return .nan }
            let rest = text[r.upperBound...].drop { $0 == " " || $0 == "\t" }
            let token = rest.prefix { !$0.isWhitespace }
            let unit: Double =
                token.hasSuffix("us") ? 1e-6 : token.hasSuffix("ms") ? 1e-3 : token.hasSuffix("s") ? 1 : 60
            return (Double(token.prefix { $0.isNumber || $0 == "." }) ?? .nan) * unit
        }
        var errors = Int(number(after: "Non-2xx or 3xx responses:") ?? 0)
        if let r = text.range(of: "Socket errors:") {
            let line = text[r.upperBound...].prefix { $0 != "\n" }
            errors += line.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }.reduce(0, +)
        }
        guard let rate = number(after: "Requests/sec:") else { throw BenchError.unreadable(text) }
        return WrkFigures(rate: rate, errors: errors, p50: seconds(after: "     50%"), p99: seconds(after: "     99%"))
    }
}

enum BenchError: Error {
    case unreadable(String)
    case serverDidNotStart(String)
}


/// `disclosure serve` as a child process on a port of the system's choosing.
final class ServerProcess {
    let process = Process()
    let base: String

    init(bin: String, db: String, dir: String) throws {
        let log = dir + "/server-stderr.txt"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["serve", "--db", db, "--listen", "127.0.0.1:0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        var found: String?
        for _ in 0..<600 where found == nil {
            usleep(50_000)
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("serving") }),
                let port = line.split(separator: ":").last
            {
                found = "http://127.0.0.1:\(port)"
            }
            if !process.isRunning { break }
        }
        guard let found else {
            process.terminate()
            throw BenchError.serverDidNotStart((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }
        base = found
    }

    /// A bearer session for the bench's registrar, signed in through the API with curl.
    func signIn(password file: String) throws -> String {
        let password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        let body = #"{"name":"王科员","password":"\#(password)","bearer":true}"#
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "-H", "Content-Type: application/json", "-d", body, base + "/api/v1/session"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let token = object["token"] as? String
        else { throw BenchError.unreadable(String(decoding: data, as: UTF8.self)) }
        return token
    }

    /// The server's peak resident memory so far (VmHWM), in KiB.
    func peakKiB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return -1 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
