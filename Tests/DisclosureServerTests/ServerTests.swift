import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

@testable import DisclosureServer

@Suite("Server: sign-in, sessions and CSRF")
struct SessionTests {
    @Test("a browser signs in, writes with its CSRF token only, and its cookie is dead after sign-out")
    func signInWriteSignOut() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            let signed = try await browser.signIn("registrar")
            #expect(signed.status == .created)
            let cookie = try #require(signed.headers[.setCookie])
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            // Plain HTTP in a test: Secure would stop the browser sending it back.
            #expect(!cookie.contains("Secure"))
            #expect((signed["csrf_token"] as? String)?.count == 64)

            // A write without the token, or with another, is refused and writes nothing.
            let form = body([
                "received": "2026-11-20", "channel": "online", "applicant": "张三", "applicant_type": "person",
                "request": "某项目环评批复",
            ])
            let bare = try await browser.call(.post, "/api/v1/cases", json: form, sendCSRF: false)
            #expect(bare.status == .forbidden)
            #expect(bare.code == "csrf")
            let wrong = try await browser.call(
                .post, "/api/v1/cases", json: form, sendCSRF: false,
                headers: [HTTPField.Name("X-CSRF-Token")!: String(repeating: "0", count: 64)])
            #expect(wrong.status == .forbidden)
            #expect(try office.caseCount() == 0)

            let made = try await browser.call(.post, "/api/v1/cases", json: form)
            #expect(made.status == .created)
            #expect(made.headers[.location] == "/api/v1/cases/2026-000001")
            #expect(try office.caseCount() == 1)

            // Reading needs no CSRF token, only the session.
            let read = try await browser.call(.get, "/api/v1/cases/2026-000001", sendCSRF: false)
            #expect(read.status == .ok)
            #expect(read["number"] as? String == "2026-000001")
            let board = try await browser.call(.get, "/api/v1/board", sendCSRF: false)
            let rows = try #require(board.json as? [[String: Any]])
            #expect(rows.map { $0["number"] as? String } == ["2026-000001"])
            #expect(rows.first?["workdays_left"] as? Int != nil)

            let out = try await browser.call(.delete, "/api/v1/session")
            #expect(out.status == .noContent)
            // Someone who copied the cookie before sign-out gets nothing with it.
            let stolen = try await browser.call(.get, "/api/v1/cases/2026-000001")
            #expect(stolen.status == .unauthorized)
            #expect(stolen.code == "not-signed-in")
        }
    }

    @Test("signing in again kills the session id the browser carried (no fixation)")
    func noFixation() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("handler")
            let first = try #require(browser.cookie)
            try await browser.signIn("handler")
            let second = try #require(browser.cookie)
            #expect(first != second)
            let old = Caller(client)
            old.cookie = first
            #expect(try await old.call(.get, "/api/v1/session").status == .unauthorized)
            #expect(try await browser.call(.get, "/api/v1/session").status == .ok)
        }
    }

    @Test("a session idle for 30 minutes, or older than a working day, is over")
    func timeouts() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("handler")
            office.clock.advance(seconds: 29 * 60)
            #expect(try await browser.call(.get, "/api/v1/board").status == .ok)
            office.clock.advance(seconds: 29 * 60)
            // Used 29 minutes ago: still alive.
            #expect(try await browser.call(.get, "/api/v1/board").status == .ok)
            office.clock.advance(seconds: 31 * 60)
            let idle = try await browser.call(.get, "/api/v1/board")
            #expect(idle.status == .unauthorized)

            try await browser.signIn("handler")
            for _ in 0..<21 {
                office.clock.advance(seconds: 28 * 60)
                #expect(try await browser.call(.get, "/api/v1/board").status == .ok)
            }
            // 22 × 28 minutes = 10 h 16 min after sign-in: past the absolute limit, however busy.
            office.clock.advance(seconds: 28 * 60)
            #expect(try await browser.call(.get, "/api/v1/board").status == .unauthorized)
        }
    }

    @Test("sign-out everywhere ends every browser session of the account, not another's")
    func signOutEverywhere() async throws {
        let office = try Office()
        try await office.serve { client in
            let a = Caller(client)
            let b = Caller(client)
            let other = Caller(client)
            try await a.signIn("head")
            try await b.signIn("head")
            try await other.signIn("handler")
            let out = try await a.call(.delete, "/api/v1/sessions")
            #expect(out.status == .ok)
            #expect(out["ended"] as? Int == 2)
            #expect(try await b.call(.get, "/api/v1/session").status == .unauthorized)
            #expect(try await other.call(.get, "/api/v1/session").status == .ok)
        }
    }

    @Test("after five wrong passwords the account waits, with 429 and Retry-After, even for the right one")
    func accountThrottle() async throws {
        let office = try Office()
        try await office.serve { client in
            let guesser = Caller(client)
            for _ in 0..<5 {
                #expect(try await guesser.signIn("head", password: "wrong-password").status == .unauthorized)
            }
            let locked = try await guesser.signIn("head")
            #expect(locked.status == .tooManyRequests)
            #expect(Int(locked.headers[.retryAfter] ?? "") ?? 0 > 0)
            office.clock.advance(seconds: 61)
            #expect(try await guesser.signIn("head").status == .created)
        }
    }

    @Test("one address guessing over many names is stopped though no account reaches its limit")
    func addressThrottle() async throws {
        let office = try Office()
        // In process: every request comes from the one address the server sees for it.
        try await office.serve { client in
            let guesser = Caller(client)
            for i in 0..<ServerSessionPolicy.addressFreeFailures {
                let a = try await guesser.signIn("nobody-\(i)", password: "wrong-password")
                #expect(a.status == .unauthorized)
            }
            let stopped = try await guesser.signIn("registrar")
            #expect(stopped.status == .tooManyRequests)
            #expect(stopped.headers[.retryAfter] != nil)
            // Refused guesses cost nothing and leave no line each: the lock-out was logged once.
            for _ in 0..<10 { _ = try await guesser.signIn("registrar", password: "wrong-password") }
        }
        // The failures went to the security log, apart from the case chain.
        let admin = try adminDesk(office)
        let lines = try admin.securityLog(limit: 100)
        #expect(lines.filter { $0.kind == "signin-failed" }.count == ServerSessionPolicy.addressFreeFailures)
        #expect(lines.filter { $0.kind == "signin-throttled" }.count == 1)
        #expect(try admin.verifyAudit().problems.isEmpty)
    }

    @Test("a personal API token works without CSRF, carries its account's roles, and dies when revoked")
    func tokens() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("registrar")
            let made = try await browser.call(.post, "/api/v1/tokens", json: body(["label": "夜间导入脚本"]))
            #expect(made.status == .created)
            let token = try #require(made["token"] as? String)
            let id = try #require(made["id"] as? String)

            let script = Caller(client)
            script.bearer = token
            _ = try await script.register()
            // The registrar's token cannot do what the registrar cannot.
            let draft = try await script.call(
                .post, "/api/v1/cases/2026-000001/steps",
                json: body(["kind": "extension", "days": 5, "reason": "需调取档案"]))
            #expect(draft.status == .forbidden)
            // A leaked token cannot renew itself.
            #expect(try await script.call(.post, "/api/v1/tokens", json: body(["label": "续期"])).status == .forbidden)
            let list = try await browser.call(.get, "/api/v1/tokens")
            #expect((list.json as? [[String: Any]])?.first?["id"] as? String == id)
            #expect(!list.text.contains(token))

            #expect(try await browser.call(.delete, "/api/v1/tokens/\(id)").status == .noContent)
            #expect(try await script.call(.get, "/api/v1/board").status == .unauthorized)
        }
        let lines = try adminDesk(office).securityLog(limit: 100).map(\.kind)
        #expect(lines.contains("token-created"))
        #expect(lines.contains("token-revoked"))
    }
}

/// The office's admin, signed in on the test's clock.
func adminDesk(_ office: Office) throws -> Desk {
    let anonymous = try Desk.open(path: office.path, clock: office.clock)
    let ticket = try anonymous.signIn(name: Office.admin, password: Office.password(Office.admin))
    return try Desk.open(path: office.path, clock: office.clock) { _ in ticket }
}

@Suite("Server: bad requests are refused and write nothing")
struct BadRequestTests {
    @Test(
        "each bad body gets its status and names the field",
        arguments: [
            ("{\"received\": \"2026-11-20\"", HTTPResponse.Status.badRequest, "body"),
            ("[1, 2]", .badRequest, "body"),
            ("{\"received\": [\"2026-11-20\"]}", .badRequest, "received"),
            ("{\"received\": \"2026-13-01\", \"channel\": \"online\"}", .badRequest, "received"),
            ("{\"received\": \"2026-11-20\", \"channel\": \"pigeon\"}", .badRequest, "channel"),
            (
                "{\"received\": \"2026-11-20\", \"channel\": \"online\", \"applicant\": \"张三\", "
                    + "\"applicant_type\": \"person\", \"request\": \"环评批复\", \"colour\": \"red\"}",
                .badRequest, "colour"
            ),
            (
                "{\"received\": \"2026-11-27\", \"channel\": \"online\", \"applicant\": \"张三\", "
                    + "\"applicant_type\": \"person\", \"request\": \"环评批复\"}",
                .unprocessableContent, "received"
            ),
            // A late entry without its reason names the body's field, not the CLI's option.
            (
                "{\"received\": \"2026-11-02\", \"channel\": \"online\", \"applicant\": \"张三\", "
                    + "\"applicant_type\": \"person\", \"request\": \"环评批复\"}",
                .unprocessableContent, "late_entry"
            ),
        ])
    func badBodies(_ text: String, _ status: HTTPResponse.Status, _ field: String) async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("registrar")
            let a = try await browser.call(.post, "/api/v1/cases", json: text)
            #expect(a.status == status, "\(a.text)")
            #expect(a["field"] as? String == field)
            #expect(!(a["message"] as? String ?? "").isEmpty)
        }
        #expect(try office.caseCount() == 0)
    }

    @Test("an over-long body is 413, another content type 415, and neither writes")
    func sizeAndType() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("registrar")
            let huge = body([
                "received": "2026-11-20", "channel": "online", "applicant": "张三", "applicant_type": "person",
                "request": String(repeating: "长", count: 300_000),
            ])
            let big = try await browser.call(.post, "/api/v1/cases", json: huge)
            #expect(big.status == .contentTooLarge)
            #expect(big.code == "too-large")
            let form = try await browser.call(
                .post, "/api/v1/cases", json: "received=2026-11-20",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(form.status == .unsupportedMediaType)
        }
        #expect(try office.caseCount() == 0)
    }

    @Test("every answer carries the security headers, errors included")
    func headers() async throws {
        let office = try Office()
        try await office.serve { client in
            for uri in ["/healthz", "/api/v1/board", "/no/such/page"] {
                let a = try await Caller(client).call(.get, uri)
                let csp = a.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(a.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(a.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }
}

@Suite("Server: the access log")
struct AccessLogTests {
    @Test("one JSON line per request with the account, and never the query (it may hold a name)")
    func lines() async throws {
        let office = try Office()
        try await office.serve { client in
            let browser = Caller(client)
            try await browser.signIn("handler")
            _ = try await browser.call(.get, "/api/v1/cases?applicant=%E5%BC%A0%E4%B8%89")
        }
        let lines = office.accessLog.withLock { $0 }
        #expect(lines.count == 2)
        let last = try #require(
            lines.last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
        #expect(last["path"] as? String == "/api/v1/cases")
        #expect(last["account"] as? String == "handler")
        #expect(last["status"] as? Int == 200)
        #expect(lines.allSatisfy { !$0.contains("applicant") && $0.hasSuffix("\n") })
    }
}

@Suite("Server: the TOTP second factor")
struct SecondFactorTests {
    /// The code an authenticator shows for `secret` at the office clock's now, `ahead` steps on.
    func code(_ secret: String, _ clock: TestClock, ahead: Int = 0) -> String {
        TOTP.code(secret: TOTP.decodeBase32(secret) ?? [], step: clock.now().epoch / TOTP.period + ahead)
    }

    @Test("a head with codes on needs the current code, and a code works once only")
    func codes() async throws {
        let office = try Office()
        try await office.serve { client in
            let head = Caller(client)
            try await head.signIn("head")
            let setup = try await head.call(.post, "/api/v1/totp", json: "{}")
            #expect(setup.status == .created)
            let secret = try #require(setup["secret"] as? String)
            #expect((setup["uri"] as? String)?.hasPrefix("otpauth://totp/") == true)
            let wrong = try await head.call(.post, "/api/v1/totp/confirm", json: body(["code": "000000"]))
            #expect(wrong.status == .badRequest || code(secret, office.clock) == "000000")
            let confirmed = try await head.call(
                .post, "/api/v1/totp/confirm", json: body(["code": code(secret, office.clock)]))
            #expect(confirmed.status == .noContent)
            // A stolen session cannot swap in its own authenticator without the current code.
            #expect(try await head.call(.post, "/api/v1/totp", json: "{}").status == .unprocessableContent)

            let again = Caller(client)
            let bare = try await again.signIn("head")
            #expect(bare.status == .unauthorized)
            #expect(bare["field"] as? String == "totp")
            // The code that confirmed the setup is spent; the next one signs in, once.
            let spent = try await again.call(
                .post, "/api/v1/session",
                json: body(["name": "head", "password": Office.password("head"), "totp": code(secret, office.clock)]))
            #expect(spent.status == .unauthorized)
            let next = body([
                "name": "head", "password": Office.password("head"), "totp": code(secret, office.clock, ahead: 1),
            ])
            #expect(try await again.call(.post, "/api/v1/session", json: next).status == .created)
            #expect(try await Caller(client).call(.post, "/api/v1/session", json: next).status == .unauthorized)
            // A code two steps (a minute) away is refused.
            let far = body([
                "name": "head", "password": Office.password("head"), "totp": code(secret, office.clock, ahead: 3),
            ])
            #expect(try await Caller(client).call(.post, "/api/v1/session", json: far).status == .unauthorized)
        }
        let history = try adminDesk(office).staffHistory(of: "head")
        #expect(history.contains { $0.kind == "totp" && $0.detail == "enabled" })
        #expect(try adminDesk(office).verifyAudit().problems.isEmpty)
    }

    @Test("when the office requires codes, a head without one may only set it up; a handler is unaffected")
    func required() async throws {
        let office = try Office()
        try adminDesk(office).requireSecondFactor(true)
        try await office.serve { client in
            let head = Caller(client)
            let signed = try await head.signIn("head")
            #expect(signed.status == .created)
            #expect(signed["totp_setup_required"] as? Bool == true)
            let board = try await head.call(.get, "/api/v1/board")
            #expect(board.status == .forbidden)
            #expect(board["field"] as? String == "totp")
            #expect(try await head.call(.get, "/api/v1/session").status == .ok)
            let setup = try await head.call(.post, "/api/v1/totp", json: "{}")
            let secret = try #require(setup["secret"] as? String)
            let ok = try await head.call(
                .post, "/api/v1/totp/confirm", json: body(["code": code(secret, office.clock)]))
            #expect(ok.status == .noContent)
            #expect(try await head.call(.get, "/api/v1/board").status == .ok)

            let handler = Caller(client)
            let h = try await handler.signIn("handler")
            #expect(h["totp_setup_required"] as? Bool == false)
            #expect(try await handler.call(.get, "/api/v1/board").status == .ok)
        }
    }
}

@Suite("Server: case files in and out")
struct ExchangeAPITests {
    @Test("a head exports with personal data (logged per case); another office imports the file over the API")
    func exportThenImport() async throws {
        let first = try Office()
        let file = Arc(Mutex<String>(""))
        try await first.serve { client in
            let registrar = Caller(client)
            try await registrar.signIn("registrar")
            let n = try await registrar.register(idNumber: "110101199003077777")
            let handler = Caller(client)
            try await handler.signIn("handler")
            #expect(try await handler.call(.get, "/api/v1/export?all=true").status == .forbidden)
            let masked = try await handler.call(.get, "/api/v1/export?all=true&redact=true")
            #expect(masked.status == .ok)
            #expect(!masked.text.contains("110101199003077777"))
            let head = Caller(client)
            try await head.signIn("head")
            let full = try await head.call(.get, "/api/v1/export?cases=\(n)")
            #expect(full.status == .ok)
            #expect(full.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(full.text.contains("110101199003077777"))
            file.value.withLock { $0 = full.text }
            let access = try await head.call(.get, "/api/v1/cases/\(n)/access")
            #expect(access.text.contains("\"export\""))
            #expect(try await head.call(.get, "/api/v1/export").status == .badRequest)
        }
        let second = try Office(code: "OTHER")
        try await second.serve { client in
            let head = Caller(client)
            try await head.signIn("head")
            let xml = file.value.withLock { $0 }
            let done = try await head.call(
                .post, "/api/v1/import", json: xml, headers: [.contentType: "application/xml"])
            #expect(done.status == .ok, "\(done.text)")
            #expect(done["imported_count"] as? Int == 1)
            let again = try await head.call(
                .post, "/api/v1/import", json: xml, headers: [.contentType: "application/xml"])
            #expect(again["identical_count"] as? Int == 1)
            let handler = Caller(client)
            try await handler.signIn("handler")
            let refused = try await handler.call(
                .post, "/api/v1/import", json: xml, headers: [.contentType: "application/xml"])
            #expect(refused.status == .forbidden)
        }
        #expect(try adminDesk(second).verifyAudit().problems.isEmpty)
    }
}
