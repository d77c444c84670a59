import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DisclosureServer

extension Office {
    /// Runs `body` against the staff's listener and the portal's, one server behind both.
    func serveWithPortal(
        _ body: @Sendable (_ staff: any TestClientProtocol, _ portal: any TestClientProtocol) async throws -> Void
    ) async throws {
        let settings = self.settings
        let api = try API(settings: settings)
        let staff = try DisclosureServer.makeApplication(settings, api: api)
        let portal = try DisclosureServer.makePortalApplication(
            settings, api: api, listen: .tcp(host: "127.0.0.1", port: 0))
        try await staff.test(.router) { s in
            try await portal.test(.router) { p in try await body(s, p) }
        }
    }
}

/// The national form's fields, with `changes` over them.
func applicationForm(_ changes: [String: Any] = [:]) -> String {
    var f: [String: Any] = [
        "applicant": "赵六", "applicant_type": "person", "id_type": "身份证", "id_number": "110101199003077777",
        "phone": "13800000000", "address": "示范市人民路1号", "request": "某路段拓宽工程的立项批复",
        "purpose": "了解工程进度", "form": "electronic", "delivery": "email", "email": "zhao@example.cn",
    ]
    for (k, v) in changes { f[k] = v }
    return body(f.filter { !($0.value is NSNull) })
}

@Suite("Server: the portal (网上受理), where applicants apply and follow their case")
struct PortalTests {
    @Test("the portal's listener serves the public routes only: no staff page, API or sign-in")
    func portalListenerIsPublicOnly() async throws {
        let office = try Office()
        try await office.serveWithPortal { staff, portal in
            // Nor does the staff's listener take anonymous submissions or look-ups.
            let onStaff = try await Caller(staff).call(.post, "/api/v1/applications", json: applicationForm())
            #expect(onStaff.status == .notFound, "\(onStaff.text)")
            #expect(try await Caller(staff).call(.get, "/apply").status == .notFound)
            let caller = Caller(portal)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/cases"), (.post, "/api/v1/session"), (.get, "/api/v1/applications"),
                (.post, "/api/v1/applications/W2026-000001/confirm"), (.get, "/api/v1/board"), (.get, "/board"),
                (.get, "/login"), (.get, "/api/v1/audit/journal"), (.post, "/submissions/W2026-000001/confirm"),
            ] {
                let a = try await caller.call(method, path, json: method == .post ? "{}" : nil)
                #expect(a.status == .notFound, "\(method) \(path): \(a.status)")
            }
            #expect(try await caller.call(.post, "/api/v1/applications", json: applicationForm()).status == .created)
            // A form posted without the token its page set (from another site) is refused.
            let forged = try await caller.call(
                .post, "/apply", json: "applicant=x&applicant_type=person&phone=1&request=y",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(forged.status == .forbidden, "\(forged.text)")
            let home = try await caller.call(.get, "/")
            #expect(home.status == .seeOther && home.headers[.location] == "/apply")
            for page in ["/apply", "/track", "/style.css"] {
                let a = try await caller.call(.get, page)
                #expect(a.status == .ok, "\(page)")
                if page != "/style.css" {
                    #expect(a.headers[.contentSecurityPolicy]?.contains("script-src") == false, "no script: \(page)")
                    #expect(!a.text.contains("<script"), "\(page)")
                }
            }
        }
    }

    @Test("apply, confirm on a later day (its receipt date, art. 31), follow it by code; a wrong code tells nothing")
    func applyConfirmTrack() async throws {
        let office = try Office()
        try await office.serveWithPortal { staff, portal in
            let applicant = Caller(portal)
            // Markup in every field is kept as text, never as markup.
            let script = "<script>alert(1)</script>"
            let made = try await applicant.call(
                .post, "/api/v1/applications",
                json: applicationForm(["applicant": "赵六\(script)", "request": "立项批复\(script)", "purpose": script]))
            #expect(made.status == .created, "\(made.text)")
            let number = try #require(made["submission"] as? String)
            let code = try #require(made["query_code"] as? String)
            #expect(number == "W2026-000001")
            #expect(code.count == 19 && QueryCode.normalised(code) == code)
            let pending = try await applicant.call(.get, "/api/v1/applications/\(number)?code=\(code)")
            #expect(pending.status == .ok && pending["stage"] as? String == "pending" && pending["case"] is NSNull)
            // A wrong code and an unknown number get the same answer.
            let wrong = try await applicant.call(.get, "/api/v1/applications/\(number)?code=2222-2222-2222-2222")
            let unknown = try await applicant.call(.get, "/api/v1/applications/W2026-000099?code=\(code)")
            #expect(wrong.status == .notFound && unknown.status == .notFound && wrong.text == unknown.text)
            #expect(try await applicant.call(.get, "/api/v1/applications/\(number)").status == .notFound)

            // The officer sees it in the queue, flagged once it has waited more than two working days.
            let registrar = Caller(staff)
            try await registrar.signIn("registrar")
            let queue = try await registrar.call(.get, "/api/v1/applications?status=pending")
            let first = try #require((queue.json as? [[String: Any]])?.first)
            #expect(first["request"] as? String == "立项批复\(script)" && first["overdue"] as? Bool == false)
            office.clock.advance(seconds: 4 * 86_400)  // Friday 11-20 → Tuesday 11-24: two working days passed
            try await registrar.signIn("registrar")  // a new day's session
            let later = try await registrar.call(.get, "/api/v1/applications?status=pending")
            #expect((later.json as? [[String: Any]])?.first?["overdue"] as? Bool == false)
            office.clock.advance(seconds: 86_400)
            try await registrar.signIn("registrar")
            let flagged = try await registrar.call(.get, "/api/v1/applications?status=pending")
            #expect((flagged.json as? [[String: Any]])?.first?["overdue"] as? Bool == true)

            let confirmed = try await registrar.call(.post, "/api/v1/applications/\(number)/confirm", json: "{}")
            #expect(confirmed.status == .created, "\(confirmed.text)")
            #expect(confirmed["received"] as? String == "2026-11-25" && confirmed["channel"] as? String == "online")
            let caseNumber = try #require(confirmed["number"] as? String)
            let again = try await registrar.call(.post, "/api/v1/applications/\(number)/confirm", json: "{}")
            #expect(again.status == .unprocessableContent, "\(again.text)")

            let tracked = try await applicant.call(.get, "/api/v1/applications/\(number)?code=\(code.lowercased())")
            #expect(tracked.status == .ok, "\(tracked.text)")
            #expect(tracked["case"] as? String == caseNumber && tracked["received"] as? String == "2026-11-25")
            #expect(tracked["stage"] as? String == "handling" && tracked["due"] as? String != nil)
            // The applicant's own ID number and contacts are not shown back, nor anyone else's data.
            for secret in ["110101199003077777", "13800000000", "zhao@example.cn", "人民路"] {
                #expect(!tracked.text.contains(secret), "\(secret)")
            }
            #expect(try await registrar.call(.get, "/api/v1/applications?status=pending").text.contains("[]"))
            #expect(office.accessLog.withLock { $0.contains { $0.contains("/api/v1/applications/\(number)") } })
            #expect(!office.accessLog.withLock { $0.contains { $0.contains(code) } }, "the code is never logged")
        }
    }

    @Test("an incomplete or wrong submission is refused, naming the field, and nothing is stored")
    func refusals() async throws {
        let office = try Office()
        try await office.serveWithPortal { staff, portal in
            let applicant = Caller(portal)
            let cases: [(String, [String: Any], String)] = [
                ("no request", ["request": NSNull()], "request"),
                ("no name", ["applicant": "  "], "applicant"),
                ("no way to reach", ["phone": NSNull(), "email": NSNull(), "address": NSNull()], "phone"),
                ("a bad e-mail", ["email": "not-an-address"], "email"),
                ("a line break in a name", ["applicant": "赵\n六"], "applicant"),
                ("an unknown type", ["applicant_type": "alien"], "applicant_type"),
                ("an unknown field", ["received": "2026-01-01"], "received"),
                ("too long", ["request": String(repeating: "长", count: 20_001)], "request"),
            ]
            for (name, change, field) in cases {
                let a = try await applicant.call(.post, "/api/v1/applications", json: applicationForm(change))
                let refused = (400..<500).contains(a.status.code)
                #expect(refused && a.object["field"] as? String == field, "\(name): \(a.text)")
            }
            let notJSON = try await applicant.call(
                .post, "/api/v1/applications", json: "applicant=x", headers: [.contentType: "text/plain"])
            #expect(notJSON.status == .unsupportedMediaType)
            let registrar = Caller(staff)
            try await registrar.signIn("registrar")
            #expect(try await registrar.call(.get, "/api/v1/applications").text.contains("[]"))
        }
    }

    @Test("too many submissions from one address or one contact, or too many wrong codes, get 429")
    func rateLimits() async throws {
        let office = try Office()
        try await office.serveWithPortal { _, portal in
            let applicant = Caller(portal)
            var first: (String, String)?
            for i in 1...5 {
                let a = try await applicant.call(.post, "/api/v1/applications", json: applicationForm())
                #expect(a.status == .created, "\(i): \(a.text)")
                if first == nil, let n = a["submission"] as? String, let c = a["query_code"] as? String {
                    first = (n, c)
                }
            }
            let sixth = try await applicant.call(
                .post, "/api/v1/applications", json: applicationForm(["phone": "13900000000", "email": NSNull(),
                                                                      "id_number": NSNull()]))
            #expect(sixth.status == .tooManyRequests && sixth.headers[.retryAfter] != nil, "\(sixth.text)")
            // An hour later the address may submit again, but the same contact not before the day is out.
            office.clock.advance(seconds: 3_601)
            let sameContact = try await applicant.call(.post, "/api/v1/applications", json: applicationForm())
            #expect(sameContact.status == .tooManyRequests && sameContact["field"] as? String == "contact")
            let other = try await applicant.call(
                .post, "/api/v1/applications",
                json: applicationForm(["phone": "13900000000", "email": "qian@example.cn", "id_number": NSNull()]))
            #expect(other.status == .created, "\(other.text)")
            // Ten wrong codes, and then even the right one waits.
            let (number, code) = try #require(first)
            for _ in 1...10 {
                let a = try await applicant.call(.get, "/api/v1/applications/\(number)?code=2222-2222-2222-2222")
                #expect(a.status == .notFound)
            }
            let right = try await applicant.call(.get, "/api/v1/applications/\(number)?code=\(code)")
            #expect(right.status == .tooManyRequests, "\(right.text)")
        }
    }

    @Test("confirming is the registrar's and the handler's (STATUTE.md §11), and nobody's unsigned")
    func confirmRoles() async throws {
        let office = try Office()
        try await office.serveWithPortal { staff, portal in
            let allowed: Set<Role> = [.registrar, .handler]
            for (i, role) in Role.allCases.enumerated() {
                office.clock.advance(seconds: 3_601)  // past the address's hourly limit
                let made = try await Caller(portal).call(
                    .post, "/api/v1/applications",
                    json: applicationForm(["phone": "1380000000\(i)", "email": NSNull(), "id_number": NSNull()]))
                let number = try #require(made["submission"] as? String, "\(made.text)")
                let nobody = try await Caller(staff).call(.post, "/api/v1/applications/\(number)/confirm", json: "{}")
                #expect(nobody.status == .unauthorized)
                let c = Caller(staff)
                try await c.signIn(Office.account(role))
                let a = try await c.call(.post, "/api/v1/applications/\(number)/confirm", json: "{}")
                #expect(a.status == (allowed.contains(role) ? .created : .forbidden), "\(role): \(a.text)")
                #expect(try await c.call(.get, "/api/v1/applications").status == .ok, "\(role) reads the queue")
                // The same on the staff pages: the board's confirm button, with the session's CSRF token.
                office.clock.advance(seconds: 3_601)
                let more = try await Caller(portal).call(
                    .post, "/api/v1/applications",
                    json: applicationForm(["phone": "1370000000\(i)", "email": NSNull(), "id_number": NSNull()]))
                let other = try #require(more["submission"] as? String, "\(more.text)")
                let page = Caller(staff)
                try await page.signIn(Office.account(role))
                let board = try await page.call(.get, "/board")
                #expect(board.text.contains("data-submission=\"\(other)\""), "\(role) sees the queue")
                #expect(board.text.contains("/submissions/\(other)/confirm") == allowed.contains(role))
                #expect(try await page.form("/submissions/\(other)/confirm", [:], csrf: false).status == .forbidden)
                let posted = try await page.form("/submissions/\(other)/confirm", [:])
                #expect(posted.status == (allowed.contains(role) ? .seeOther : .forbidden), "page, \(role)")
                // Declining, with the reason the applicant then sees.
                office.clock.advance(seconds: 3_601)
                let spam = try await Caller(portal).call(
                    .post, "/api/v1/applications",
                    json: applicationForm(["phone": "1360000000\(i)", "email": NSNull(), "id_number": NSNull()]))
                let spamNumber = try #require(spam["submission"] as? String, "\(spam.text)")
                let spamCode = try #require(spam["query_code"] as? String)
                try await c.signIn(Office.account(role))
                let declined = try await c.call(
                    .post, "/api/v1/applications/\(spamNumber)/decline", json: body(["reason": "重复提交"]))
                #expect(declined.status == (allowed.contains(role) ? .ok : .forbidden), "decline, \(role)")
                if allowed.contains(role) {
                    let seen = try await Caller(portal).call(
                        .get, "/api/v1/applications/\(spamNumber)?code=\(spamCode)")
                    #expect(seen["stage"] as? String == "declined" && seen.text.contains("重复提交"), "\(seen.text)")
                    let late = try await c.call(.post, "/api/v1/applications/\(spamNumber)/confirm", json: "{}")
                    #expect(late.status == .unprocessableContent, "a declined one is not confirmed later")
                }
            }
        }
    }

    @Test("limits count an IPv4 address whole and an IPv6 address by its /64")
    func limitKeys() {
        #expect(limitKey("203.0.113.7") == "address:203.0.113.7")
        #expect(limitKey("2001:db8:1:2:aaaa::1") == limitKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        #expect(limitKey("2001:db8::1") == "address6:2001:db8:0:0")
        #expect(limitKey("2001:db8:1:3::1") != limitKey("2001:db8:1:2::1"))
        #expect(limitKey(nil) == "address:unknown")
    }
}
