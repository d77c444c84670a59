import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@testable import DisclosureServer

/// A clock the test moves by hand (idle and absolute timeouts).
final class TestClock: OfficeClock {
    private let epoch: Mutex<Int>
    init(day: String = "2026-11-20", hour: Int = 9) {
        let d = (try? CivilDate.parse(day, field: "day"))?.dayNumber ?? 0
        epoch = Mutex(d * 86_400 + (hour - 8) * 3600)
    }
    func now() -> Moment { Moment(epoch: epoch.withLock { $0 }) }
    func advance(seconds: Int) { epoch.withLock { $0 += seconds } }
}

/// An office in a scratch folder, one account per role of STATUTE.md §11 and one holding several.
struct Office {
    let path: String
    let clock: TestClock
    /// The server's access log lines.
    let accessLog = Arc(Mutex<[String]>([]))
    static let admin = "管理员"

    init(clock: TestClock = TestClock(), code: String = "TEST") throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "disclosure-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        path = dir.appendingPathComponent("office.db").path
        self.clock = clock
        let (admin, _) = try Desk.initialise(
            path: path, agency: "测试机关\(code)", code: code, admin: Office.admin, password: Office.password(Office.admin),
            passwordCost: 10, clock: clock)
        for role in Role.allCases where role != .admin {
            _ = try admin.addStaff(
                NewAccount(name: role.rawValue, roles: [role], email: nil, password: Office.password(role.rawValue)))
        }
        _ = try admin.addStaff(
            NewAccount(
                name: "drafter", roles: [.handler, .reviewer, .head], email: nil, password: Office.password("drafter")))
    }

    static func password(_ name: String) -> String { "password-of-\(name)" }

    /// The account that holds `role` alone.
    static func account(_ role: Role) -> String { role == .admin ? admin : role.rawValue }

    var settings: ServerSettings {
        var s = ServerSettings(database: path, listen: .tcp(host: "127.0.0.1", port: 0), readers: 2)
        s.clock = clock
        let log = accessLog
        s.accessLog = { line in log.withLock { $0.append(String(decoding: line, as: UTF8.self)) } }
        return s
    }

    /// Runs `body` against the office's server, in process (`.router`) or over a socket (`.live`).
    func serve(
        _ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = try DisclosureServer.makeApplication(settings)
        try await app.test(setup, body)
    }

    /// Cases in the database, counted apart from the server (nothing written means this is unchanged).
    func caseCount() throws -> Int {
        let desk = try Desk.open(path: path, clock: clock, readOnly: true)
        return try desk.list(CaseFilter()).count
    }
}

/// A shared reference to a value that is not copyable (a `Mutex`).
final class Arc<T: ~Copyable>: Sendable where T: Sendable {
    let value: T
    init(_ value: consuming T) { self.value = value }
}

extension Arc where T == Mutex<[String]> {
    func withLock<R>(_ body: (inout [String]) -> R) -> R { value.withLock { body(&$0) } }
}

/// An answer as the test reads it.
struct Answer {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    /// The body as JSON (an object or an array).
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8)) }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    subscript(_ key: String) -> Any? { object[key] }
    var code: String? { object["code"] as? String }
}

/// A browser or a script: keeps its cookie and CSRF token, or sends a bearer token.
final class Caller: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookie: String?
    var csrf: String?
    var bearer: String?

    init(_ client: any TestClientProtocol) { self.client = client }

    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, sendCSRF: Bool = true,
        headers extra: HTTPFields = [:]
    ) async throws -> Answer {
        var headers = extra
        if let cookie { headers[.cookie] = cookie }
        if sendCSRF, let csrf { headers[HTTPField.Name("X-CSRF-Token")!] = csrf }
        if let bearer { headers[.authorization] = "Bearer \(bearer)" }
        if json != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        let body = json.map { ByteBuffer(string: $0) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { r in
            Answer(status: r.status, headers: r.headers, text: String(buffer: r.body))
        }
    }

    /// Signs in as `name` with a browser session; returns the answer.
    @discardableResult
    func signIn(_ name: String, password: String? = nil) async throws -> Answer {
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "password": password ?? Office.password(name),
        ])
        let a = try await call(.post, "/api/v1/session", json: String(decoding: body, as: UTF8.self))
        if a.status == .created {
            cookie = a.headers[.setCookie].flatMap { $0.split(separator: ";").first.map(String.init) }
            csrf = a["csrf_token"] as? String
        }
        return a
    }

    /// Registers one application; returns its case number.
    func register(
        received: String = "2026-11-20", idNumber: String? = nil, applicant: String = "张三"
    ) async throws -> String {
        var fields: [String: String] = [
            "received": received, "channel": "online", "applicant": applicant, "applicant_type": "person",
            "request": "某项目环评批复",
        ]
        if let idNumber { fields["id_number"] = idNumber }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let a = try await call(.post, "/api/v1/cases", json: body)
        #expect(a.status == .created, "registration refused: \(a.text)")
        return a["number"] as? String ?? ""
    }
}

/// A JSON object literal from pairs, for request bodies.
func body(_ fields: [String: Any]) -> String {
    String(
        decoding: (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data(), as: UTF8.self
    )
}
