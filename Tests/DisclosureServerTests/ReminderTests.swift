import AsyncHTTPClient
import DisclosureApp
import DisclosureCore
import Foundation
import Testing

/// A real SMTP server on loopback (aiosmtpd from PyPI, put in .build/venv by `make deps`) that keeps
/// each message it accepts in a Maildir, for the test to read.
final class SMTPSink: Sendable {
    let process: Process
    let port: Int
    let maildir: URL

    init(in dir: URL) throws {
        maildir = dir.appendingPathComponent("maildir")
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(
                at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        port = try freePort()
        let python = packageRoot.appendingPathComponent(".build/venv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "the SMTP sink needs .build/venv (make deps installs aiosmtpd there)")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [
            "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Listening once a connection is accepted.
        for _ in 0..<100 where !canConnect(port) { usleep(100_000) }
    }

    deinit { process.terminate() }

    /// The messages received so far, each as (headers, decoded body).
    func messages() -> [(headers: [String: String], body: String)] {
        let dir = maildir.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.sorted().compactMap { name in
            guard let raw = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else {
                return nil
            }
            return parseMessage(raw)
        }
    }

    /// An msmtp configuration that sends to this sink, without TLS or authentication (loopback).
    func msmtpConfig(in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("msmtprc").path
        let text = "defaults\nauth off\ntls off\naccount sink\nhost 127.0.0.1\nport \(port)\naccount default : sink\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }
}

/// The headers (unfolded, `=?UTF-8?B?` decoded) and the base64 body of a message.
func parseMessage(_ raw: String) -> (headers: [String: String], body: String) {
    let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
    let parts = text.components(separatedBy: "\n\n")
    var headers: [String: String] = [:]
    for line in (parts.first ?? "").split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if value.hasPrefix("=?UTF-8?B?"), value.hasSuffix("?="),
            let d = Data(base64Encoded: String(value.dropFirst(10).dropLast(2)))
        {
            value = String(decoding: d, as: UTF8.self)
        }
        headers[String(line[..<colon])] = value
    }
    let encoded = parts.dropFirst().joined(separator: "\n\n")
    let body = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters).map {
        String(decoding: $0, as: UTF8.self)
    }
    return (headers, body ?? encoded)
}

func canConnect(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}

@Suite("Reminders: each handler and head is e-mailed, once a day, through msmtp to a real SMTP server")
struct ReminderTests {
    /// An office with a handler, a head and a reviewer with e-mail addresses, a case due in four weeks
    /// assigned to the handler and an overdue one assigned to nobody.
    static func office() throws -> (LiveOffice, due: String, overdue: String) {
        let office = try LiveOffice(staff: [])
        for (name, roles) in [("wang", "registrar,handler"), ("li", "head"), ("zhao", "reviewer")] {
            let added = try office.cli(
                ["staff", "add", name, "--role", roles, "--email", "\(name)@demo.gov.cn", "--password-stdin"],
                stdin: "\(name)-password-1")
            #expect(added.status == 0, "\(added.err)")
        }
        #expect(try office.cli(["login", "wang", "--password-stdin"], stdin: "wang-password-1").status == 0)
        func register(_ received: String, _ extra: [String]) throws -> String {
            let r = try office.cli(
                [
                    "register", "--received", received, "--channel", "post", "--applicant", "张三",
                    "--applicant-type", "person", "--request", "某项目环评批复", "--json",
                ] + extra)
            #expect(r.status == 0, "\(r.err)")
            return (try? JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])?["number"] as? String
                ?? ""
        }
        let due = try register(chinaToday(), [])
        let overdue = try register("2026-09-01", ["--late-entry", "纸质登记簿补录"])
        let assigned = try office.cli(["assign", due, "wang"])
        #expect(assigned.status == 0, "\(assigned.err)")
        #expect(try office.cli(["logout"]).status == 0)
        return (office, due, overdue)
    }

    /// Whether today (China) is a working day on the office's calendar: the daily runs keep to those.
    static func workday(_ office: LiveOffice) throws -> Bool {
        let desk = try Desk.open(path: office.db, readOnly: true)
        return desk.calendar.isWorkday(desk.today)
    }

    @Test("disclosure remind (cron): the handler hears of their own case, the head of all; a second run sends nothing")
    func cron() throws {
        let (office, due, overdue) = try Self.office()
        let sink = try SMTPSink(in: office.dir)
        let mail = "/usr/bin/msmtp -C \(try sink.msmtpConfig(in: office.dir)) --read-envelope-from -t"
        let preview = try office.cli(["remind", "--within", "30", "--dry-run"])
        #expect(preview.status == 0, "\(preview.err)")
        #expect(preview.out.contains("To: wang@demo.gov.cn"))
        #expect(sink.messages().isEmpty, "a dry run sent mail")
        guard try Self.workday(office) else {
            let off = try office.cli(["remind", "--within", "30", "--sendmail", mail])
            #expect(off.status == 0 && off.out.contains("not a working day"), "\(off.out)")
            #expect(sink.messages().isEmpty)
            return
        }
        let failed = try office.cli(["remind", "--within", "30", "--sendmail", "/bin/false"])
        #expect(failed.status != 0)
        #expect(failed.err.contains("sendmail"), "\(failed.err)")
        let sent = try office.cli(
            ["remind", "--within", "30", "--sendmail", mail, "--mail-from", "disclosure@demo.gov.cn"])
        #expect(sent.status == 0, "\(sent.err)")
        #expect(sent.out.contains("sent: wang <wang@demo.gov.cn> (1 cases)"), "\(sent.out)")
        #expect(sent.out.contains("sent: li <li@demo.gov.cn> (2 cases)"), "\(sent.out)")
        let messages = sink.messages()
        #expect(messages.count == 2)
        let wang = try #require(messages.first { $0.headers["To"] == "wang@demo.gov.cn" })
        #expect(wang.headers["From"] == "disclosure@demo.gov.cn")
        #expect(wang.headers["Subject"]?.contains("[Deadline reminder]") == true, "\(wang.headers)")
        #expect(wang.body.contains(due))
        #expect(!wang.body.contains(overdue), "the handler is told of others' cases")
        #expect(!wang.body.contains("张三"), "a reminder carries an applicant's name")
        #expect(!wang.body.contains("某项目环评批复"), "a reminder carries the request's text")
        let li = try #require(messages.first { $0.headers["To"] == "li@demo.gov.cn" })
        #expect(li.body.contains(due) && li.body.contains(overdue))
        #expect(li.body.contains("Overdue"))
        #expect(!messages.contains { $0.headers["To"] == "zhao@demo.gov.cn" }, "the reviewer has no digest")
        let again = try office.cli(["remind", "--within", "30", "--sendmail", mail])
        #expect(again.status == 0)
        #expect(again.out.contains("already reminded today"), "\(again.out)")
        #expect(sink.messages().count == 2)
    }

    @Test("the server's daily job sends them itself, and the head sees whom they went to")
    func serverJob() async throws {
        let (office, _, overdue) = try Self.office()
        let sink = try SMTPSink(in: office.dir)
        let mail = "/usr/bin/msmtp -C \(try sink.msmtpConfig(in: office.dir)) --read-envelope-from -t"
        // The time has passed today: a server started now sends today's at once.
        let server = try await office.serve([
            "--sendmail", mail, "--mail-from", "disclosure@demo.gov.cn", "--remind-at", "00:00",
        ])
        defer { server.signal(SIGTERM) }
        let workday = try Self.workday(office)
        if workday {
            for _ in 0..<300 where sink.messages().isEmpty { try await Task.sleep(for: .milliseconds(100)) }
            let messages = sink.messages()
            #expect(messages.count == 1, "only the head has an overdue case: \(messages.map(\.headers))")
            #expect(messages.first?.headers["To"] == "li@demo.gov.cn")
            #expect(messages.first?.body.contains(overdue) == true)
            #expect(messages.first?.body.contains("\(server.base)/board") == true)
        } else {
            try await Task.sleep(for: .seconds(2))
            #expect(sink.messages().isEmpty, "the daily job sent mail on a day off")
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let signed = try await send(
            client, .POST, server.base + "/api/v1/session",
            json: #"{"name": "li", "password": "li-password-1", "bearer": true}"#)
        let token = try #require(signed.object["token"] as? String)
        let bearer = [("Authorization", "Bearer \(token)")]
        let log = try await send(client, .GET, server.base + "/api/v1/reminders", headers: bearer)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(log.text.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["sent_by"] as? String } == (workday ? ["server"] : []))
        let now = try await send(
            client, .POST, server.base + "/api/v1/reminders", json: #"{"within": 30}"#, headers: bearer)
        #expect(now.status == 200, "\(now.text)")
        let run = try #require(try JSONSerialization.jsonObject(with: Data(now.text.utf8)) as? [String: Any])
        #expect(run["already_reminded"] as? [String] == (workday ? ["li"] : []), "\(now.text)")
        #expect(sink.messages().count == 2, "wang's digest (within 30) goes out when the head asks")
        #expect(sink.messages().contains { $0.headers["To"] == "wang@demo.gov.cn" })
        try await client.shutdown()
    }
}
