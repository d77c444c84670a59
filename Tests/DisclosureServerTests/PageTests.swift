import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DisclosureServer

extension Caller {
    /// Posts a page's form as a browser does, with the session's CSRF token unless told not to.
    @discardableResult
    func form(_ uri: String, _ fields: [String: String], csrf: Bool = true) async throws -> Answer {
        var all = fields
        if csrf, let token = self.csrf { all["csrf_token"] = token }
        let encoded = all.sorted { $0.key < $1.key }.map { k, v in "\(percentEncoded(k))=\(percentEncoded(v))" }
            .joined(separator: "&")
        return try await call(
            .post, uri, json: encoded, sendCSRF: false,
            headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    /// The case's events, counted through the API: unchanged means nothing was written.
    func eventCount(_ n: String) async throws -> Int {
        (try await call(.get, "/api/v1/cases/\(n)/history").json as? [Any])?.count ?? -1
    }
}

@Suite("Server: the staff pages")
struct PageTests {
    @Test("without a session every page sends the browser to sign in, and back afterwards")
    func signInFirst() async throws {
        let office = try Office()
        try await office.serve { client in
            for path in ["/board", "/cases", "/register", "/cases/2026-000001", "/reports", "/calendar", "/staff"] {
                let a = try await Caller(client).call(.get, path)
                #expect(a.status == .seeOther, "\(path)")
                #expect(a.headers[.location] == "/login?next=" + percentEncoded(path), "\(path)")
            }
            let browser = Caller(client)
            let page = try await browser.call(.get, "/login?next=%2Fcases")
            #expect(page.status == .ok)
            #expect(page.text.contains("<label for=\"password\">密码</label>"))
            #expect(page.headers[.contentSecurityPolicy] == pagePolicy)
            let cookie = try #require(page.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let token = try #require(Self.value(of: "login_token", in: page.text))
            browser.cookie = cookie
            // No token: refused, and no session is made.
            let forged = try await browser.form(
                "/login", ["name": "handler", "password": Office.password("handler")], csrf: false)
            #expect(forged.status == .unauthorized)
            #expect(forged.text.contains("CSRF"))
            #expect(forged.headers[.setCookie]?.hasPrefix("disclosure=") != true)
            let wrong = try await browser.form(
                "/login", ["name": "handler", "password": "guess", "login_token": token, "next": "/cases"])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("id=\"login-error\""))
            let fresh = try #require(Self.value(of: "login_token", in: wrong.text))
            browser.cookie = wrong.headers[.setCookie]?.split(separator: ";").first.map(String.init)
            let ok = try await browser.form(
                "/login",
                ["name": "handler", "password": Office.password("handler"), "login_token": fresh, "next": "/cases"])
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/cases")
            // Another site is never where sign-in leads.
            #expect(ok.headers[.setCookie]?.contains("HttpOnly") == true)
            for trick in [
                "%2F%2Fevil.example", "%2F%09%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example",
            ] {
                let evil = try await Caller(client).call(.get, "/login?next=\(trick)")
                #expect(evil.text.contains("name=\"next\" value=\"/board\""), "\(trick)")
            }
        }
    }

    @Test("each page and form answers each role as §11 says")
    func roleMatrix() async throws {
        let office = try Office()
        try await office.serve { client in
            var callers: [Role: Caller] = [:]
            for role in Role.allCases {
                let c = Caller(client)
                try await c.signIn(Office.account(role))
                callers[role] = c
            }
            let n = try await callers[.registrar]!.register(idNumber: "110101199003077777")
            let pages: [(String, Set<Role>?)] = [
                ("/board", nil), ("/board?view=mine&within=5", nil), ("/cases?q=%E7%8E%AF%E8%AF%84", nil),
                ("/cases/\(n)", nil), ("/cases/\(n)/notices/receipt", nil), ("/reports", nil), ("/calendar", nil),
                ("/register", [.registrar, .handler]), ("/staff", [.admin]), ("/exchange", nil), ("/account", nil),
            ]
            for (path, roles) in pages {
                for role in Role.allCases {
                    let a = try await callers[role]!.call(.get, path)
                    let allowed = roles.map { $0.contains(role) } ?? true
                    #expect(a.status == (allowed ? .ok : .forbidden), "\(path) as \(role): \(a.status)")
                    #expect(a.headers[.contentType]?.hasPrefix("text/html") == true, "\(path)")
                }
            }
            for (kind, roles) in ServerRoleMatrixTests.stepRoles {
                for role in Role.allCases {
                    let a = try await callers[role]!.call(.get, "/cases/\(n)/steps/\(kind)")
                    #expect(a.status == (roles.contains(role) ? .ok : .forbidden), "form \(kind) as \(role)")
                    if !roles.contains(role) {
                        let before = try await callers[.head]!.eventCount(n)
                        let posted = try await callers[role]!.form("/cases/\(n)/steps/\(kind)", [:])
                        #expect(posted.status == .forbidden, "post \(kind) as \(role)")
                        #expect(try await callers[.head]!.eventCount(n) == before)
                    }
                }
            }
            let registration = [
                "received": "2026-11-20", "channel": "post", "applicant": "王五",
                "applicant_type": "person", "request": "某路段规划",
            ]
            for role in Role.allCases {
                let a = try await callers[role]!.form("/register", registration)
                #expect(
                    a.status == ([.registrar, .handler].contains(role) ? .seeOther : .forbidden), "register as \(role)")
            }
        }
    }

    @Test("a form with bad input names the field beside it and writes nothing; without its CSRF token it is refused")
    func badInputAndCSRF() async throws {
        let office = try Office()
        try await office.serve { client in
            let handler = Caller(client)
            try await handler.signIn("handler")
            let head = Caller(client)
            try await head.signIn("head")
            let n = try await handler.register()
            let cases = try office.caseCount()
            // Registration: each required field left out in turn.
            let full = [
                "received": "2026-11-20", "channel": "post", "applicant": "王五", "applicant_type": "person",
                "request": "某路段规划",
            ]
            for field in full.keys.sorted() {
                var f = full
                f[field] = ""
                let a = try await handler.form("/register", f)
                #expect(a.status == .badRequest, "\(field): \(a.status)")
                #expect(a.text.contains("id=\"f-\(field)-error\""), "\(field) has no error beside it")
                #expect(a.text.components(separatedBy: "class=\"field-error\"").count == 2, "\(field) alone")
                #expect(a.text.contains("id=\"form-error\""))
            }
            var future = full
            future["received"] = "2027-13-40"
            #expect(try await handler.form("/register", future).text.contains("id=\"f-received-error\""))
            #expect(try office.caseCount() == cases)
            // Every step's required field left out, or a value the rule refuses.
            let bad: [(String, Caller, [String: String], String)] = [
                ("correction-request", handler, ["items": "", "period": "10"], "items"),
                ("correction-request", handler, ["items": "写明文件名称", "period": "0"], "period"),
                ("correction-request", handler, ["items": "写明文件名称", "period": "ten"], "period"),
                ("consult-send", handler, ["party": "", "to": "某公司"], "party"),
                ("consult-send", handler, ["party": "third-party", "to": ""], "to"),
                ("extension", head, ["days": "", "reason": "需调取档案"], "days"),
                ("extension", head, ["days": "10", "reason": ""], "reason"),
                ("extension", head, ["days": "30", "reason": "需调取档案"], "days"),
                ("deferral", head, ["until": "2026-02-30", "reason": "不可抗力"], "until"),
                ("fee-notice", handler, ["items": "", "pages": ""], "items"),
                ("draft", handler, ["outcome": ""], "outcome"),
                ("draft", handler, ["outcome": "3.1", "basis": ""], "basis"),
                ("deliver", handler, ["method": "pigeon"], "method"),
                ("reopen", head, ["reason": ""], "reason"),
                ("close", handler, ["abandoned": ""], "abandoned"),
                ("remedy-file", head, ["remedy_kind": "reconsideration", "body": ""], "body"),
                ("assign", head, ["account": "nobody"], "account"),
                ("draft", handler, ["outcome": "1", "on": "2026-11-21"], "on"),
            ]
            for (kind, who, fields, field) in bad {
                let before = try await head.eventCount(n)
                let a = try await who.form("/cases/\(n)/steps/\(kind)", fields)
                #expect((400..<500).contains(a.status.code), "\(kind) \(fields): \(a.status)")
                #expect(a.text.contains("id=\"f-\(field)-error\""), "\(kind): no error beside \(field): \(a.text)")
                // “items/pages” (one scale or the other) stands beside both of its fields.
                let beside = kind == "fee-notice" ? 2 : 1
                #expect(
                    a.text.components(separatedBy: "class=\"field-error\"").count == beside + 1,
                    "\(kind): the error stands beside \(field) alone")
                #expect(try await head.eventCount(n) == before, "\(kind) wrote something")
            }
            // Without the token: refused, nothing written, whatever the form.
            let before = try await head.eventCount(n)
            let forged = try await handler.form("/cases/\(n)/steps/draft", ["outcome": "1"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(forged.text.contains("CSRF"))
            #expect(
                try await handler.form("/cases/\(n)/steps/draft", ["outcome": "1", "csrf_token": "0"], csrf: false)
                    .status == .forbidden)
            #expect(try await head.eventCount(n) == before)
            #expect(try await handler.form("/register", full, csrf: false).status == .forbidden)
            #expect(try office.caseCount() == cases)
            #expect(try await handler.form("/logout", [:], csrf: false).status == .forbidden)
            let other = Caller(client)
            try await other.signIn("handler")
            let out = try await other.form("/logout", [:])
            #expect(out.status == .seeOther)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true, "the browser's cookie is expired too")
            #expect(try await handler.call(.get, "/board").status == .ok)
            // A good step goes through, and the case page says what was recorded, once.
            let good = try await handler.form(
                "/cases/\(n)/steps/correction-request", ["items": "请写明文件名称", "period": "10"])
            #expect(good.status == .seeOther)
            #expect(try await head.eventCount(n) == before + 1)
            let flash = try #require(good.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let saved = handler.cookie
            handler.cookie = [saved, flash].compactMap { $0 }.joined(separator: "; ")
            let page = try await handler.call(.get, "/cases/\(n)")
            #expect(page.text.contains("已登记：补正告知"))
            handler.cookie = saved
        }
    }

    @Test(
        "the case page shows the clock, the history with accounts and late entries, and only the account's next steps")
    func casePage() async throws {
        let office = try Office()
        try await office.serve { client in
            let handler = Caller(client)
            try await handler.signIn("handler")
            let n = try await handler.register()
            var earlier = [
                "received": "2026-11-02", "channel": "post", "applicant": "王五", "applicant_type": "person",
                "request": "某路段规划",
            ]
            let unexplained = try await handler.form("/register", earlier)
            #expect((400..<500).contains(unexplained.status.code))
            #expect(unexplained.text.contains("id=\"f-late_entry-error\""), "\(unexplained.text)")
            earlier["late_entry"] = "纸质登记簿补录"
            let late = try await handler.form("/register", earlier)
            #expect(late.status == .seeOther)
            let latePage = try await handler.call(.get, late.headers[.location] ?? "/").text
            #expect(latePage.contains("补录：纸质登记簿补录"))
            let sent = try await handler.form(
                "/cases/\(n)/steps/consult-send", ["party": "third-party", "to": "某公司"])
            #expect(sent.status == .seeOther)
            let page = try await handler.call(.get, "/cases/\(n)").text
            #expect(page.contains("id=\"clock\""))
            #expect(page.contains("起算日：2026-11-20"))
            #expect(page.contains("<td>handler</td>"))
            #expect(page.contains("/steps/draft\""))
            #expect(!page.contains("/steps/extension\""), "the handler may not extend")
            let head = Caller(client)
            try await head.signIn("head")
            let headPage = try await head.call(.get, "/cases/\(n)").text
            #expect(headPage.contains("/steps/extension\""))
            #expect(!headPage.contains("/steps/draft\""), "the head holds no handler role")
            let reviewer = Caller(client)
            try await reviewer.signIn("reviewer")
            #expect(try await reviewer.call(.get, "/cases/\(n)").text.contains("id=\"next-steps-none\""))
        }
    }

    @Test("export downloads the case file; import takes it back by upload, for the head only, token first")
    func exchange() async throws {
        let office = try Office(clock: TestClock(day: "2026-12-01"))
        try await office.serve { client in
            let handler = Caller(client)
            try await handler.signIn("handler")
            let head = Caller(client)
            try await head.signIn("head")
            let n = try await handler.register(received: "2026-12-01")
            let exported = try await head.call(.get, "/exchange/export?cases=\(n)&year=&status=&with_attachments=on")
            #expect(exported.status == .ok, "\(exported.text)")
            #expect(exported.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(exported.text.contains("<caseFile"), "\(exported.text.prefix(200))")
            let unredacted = try await handler.call(.get, "/exchange/export?cases=\(n)")
            #expect(unredacted.status == .forbidden, "only the head exports personal data")
            #expect(try await handler.call(.get, "/exchange/export?cases=\(n)&redact=on").status == .ok)
            let papers = try await handler.call(.get, "/exchange/export?cases=\(n)&redact=on&with_attachments=on")
            #expect(papers.status == .forbidden, "attachments are the applicant's papers: the head's to export")
            #expect(try await head.call(.get, "/exchange/export").status == .badRequest, "which cases is required")
            let boundary = "----disclosure-test-boundary"
            func upload(_ file: String?) -> String {
                var parts = ["--\(boundary)\r\nContent-Disposition: form-data; name=\"reason\"\r\n\r\n\r\n"]
                if let file {
                    parts.append(
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cases.xml\"\r\n"
                            + "Content-Type: application/xml\r\n\r\n\(file)\r\n")
                }
                return parts.joined() + "--\(boundary)--\r\n"
            }
            let type: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
            let csrf = try #require(head.csrf)
            let noToken = try await head.call(
                .post, "/exchange/import", json: upload(exported.text), sendCSRF: false, headers: type)
            #expect(noToken.status == .forbidden)
            let asHandler = try await handler.call(
                .post, "/exchange/import?csrf_token=\(handler.csrf ?? "")", json: upload(exported.text),
                sendCSRF: false,
                headers: type)
            #expect(asHandler.status == .forbidden)
            let empty = try await head.call(
                .post, "/exchange/import?csrf_token=\(csrf)", json: upload(nil), sendCSRF: false, headers: type)
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("请选择要上传的文件"))
            let garbage = try await head.call(
                .post, "/exchange/import?csrf_token=\(csrf)", json: upload("<not-a-case-file/>"), sendCSRF: false,
                headers: type)
            #expect((400..<500).contains(garbage.status.code))
            #expect(garbage.text.contains("id=\"form-error\""))
            // The office's own export comes back only by the admin's restore: refused by name here.
            let own = try await head.call(
                .post, "/exchange/import?csrf_token=\(csrf)", json: upload(exported.text), sendCSRF: false,
                headers: type)
            #expect(own.status == .forbidden)
            #expect(own.text.contains("恢复"))
            // Another agency's case file (its code and name in place of ours): kept here for reference.
            let other = exported.text.replacingOccurrences(of: "code=\"TEST\">测试机关TEST", with: "code=\"OTHER\">另一机关")
            let back = try await head.call(
                .post, "/exchange/import?csrf_token=\(csrf)", json: upload(other), sendCSRF: false, headers: type)
            #expect(back.status == .ok, "\(back.text)")
            #expect(back.text.contains("id=\"import-report\""))
        }
    }

    /// A multipart body with the file part and small fields, as a browser sends a form with a file.
    static func multipart(
        _ boundary: String, file: (name: String, content: String)?, _ fields: [String: String]
    )
        -> String
    {
        var parts = fields.sorted { $0.key < $1.key }.map { k, v in
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n"
        }
        if let file {
            parts.append(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n\(file.content)\r\n")
        }
        return parts.joined() + "--\(boundary)--\r\n"
    }

    @Test("a document is attached from the case page and the calendar loaded by upload, by their roles only")
    func uploads() async throws {
        let office = try Office()
        try await office.serve { client in
            let handler = Caller(client)
            try await handler.signIn("handler")
            let reviewer = Caller(client)
            try await reviewer.signIn("reviewer")
            let admin = Caller(client)
            try await admin.signIn(Office.admin)
            let n = try await handler.register()
            let type: HTTPFields = [.contentType: "multipart/form-data; boundary=xyz"]
            let letter = Self.multipart("xyz", file: ("申请书.pdf", "%PDF-1.4 scan"), ["kind": "application"])
            let page = try await handler.call(.get, "/cases/\(n)")
            #expect(page.text.contains("id=\"attach-form\""))
            #expect(!(try await reviewer.call(.get, "/cases/\(n)")).text.contains("id=\"attach-form\""))
            let forged = try await handler.call(
                .post, "/cases/\(n)/attachments", json: letter, sendCSRF: false, headers: type)
            #expect(forged.status == .forbidden)
            let wrongRole = try await reviewer.call(
                .post, "/cases/\(n)/attachments?csrf_token=\(reviewer.csrf ?? "")", json: letter, sendCSRF: false,
                headers: type)
            #expect(wrongRole.status == .forbidden)
            let badKind = try await handler.call(
                .post, "/cases/\(n)/attachments?csrf_token=\(handler.csrf ?? "")",
                json: Self.multipart("xyz", file: ("a.pdf", "x"), ["kind": "poem"]), sendCSRF: false, headers: type)
            #expect(badKind.status == .badRequest)
            #expect(badKind.text.contains("kind"))
            #expect((try await handler.call(.get, "/api/v1/cases/\(n)/attachments").json as? [Any])?.count == 0)
            let stored = try await handler.call(
                .post, "/cases/\(n)/attachments?csrf_token=\(handler.csrf ?? "")", json: letter, sendCSRF: false,
                headers: type)
            #expect(stored.status == .seeOther, "\(stored.text)")
            let listed = try await handler.call(.get, "/cases/\(n)").text
            #expect(listed.contains("申请书.pdf"))
            #expect(listed.contains(SHA256.hex(Array("%PDF-1.4 scan".utf8))))
            // The calendar: the admin's.
            let schedule = ServerRoleMatrixTests.calendar2026
            let upload = Self.multipart(
                "xyz", file: ("2026.txt", schedule), ["replace_official": "on", "reason": "核对"])
            let asHandler = try await handler.call(
                .post, "/calendar/import?csrf_token=\(handler.csrf ?? "")", json: upload, sendCSRF: false, headers: type
            )
            #expect(asHandler.status == .forbidden)
            #expect(try await admin.call(.get, "/calendar").text.contains("id=\"calendar-form\""))
            let loaded = try await admin.call(
                .post, "/calendar/import?csrf_token=\(admin.csrf ?? "")", json: upload, sendCSRF: false, headers: type)
            #expect(loaded.status == .seeOther, "\(loaded.text)")
            #expect(loaded.headers[.location] == "/calendar?year=2026")
            let garbage = try await admin.call(
                .post, "/calendar/import?csrf_token=\(admin.csrf ?? "")",
                json: Self.multipart("xyz", file: ("x.txt", "not a schedule"), [:]), sendCSRF: false, headers: type)
            #expect((400..<500).contains(garbage.status.code))
        }
    }

    @Test("one's own password on the account page; a required second factor is set up there before anything else")
    func account() async throws {
        let office = try Office()
        try await office.serve { client in
            let handler = Caller(client)
            try await handler.signIn("handler")
            let mismatch = try await handler.form(
                "/account/password",
                ["current": Office.password("handler"), "password": "a-new-password-1", "repeat": "another-one-2"])
            #expect(mismatch.status == .badRequest)
            #expect(mismatch.text.contains("id=\"form-error\""))
            let wrong = try await handler.form(
                "/account/password", ["current": "guess", "password": "a-new-password-1", "repeat": "a-new-password-1"])
            #expect((400..<500).contains(wrong.status.code))
            #expect(wrong.text.contains("id=\"form-error\""), "a wrong current password is said on the page")
            let changed = try await handler.form(
                "/account/password",
                ["current": Office.password("handler"), "password": "a-new-password-1", "repeat": "a-new-password-1"])
            #expect(changed.status == .seeOther, "\(changed.text)")
            #expect(try await Caller(client).signIn("handler", password: "a-new-password-1").status == .created)
            // The office requires codes of heads: the head is sent to set them up, and then works on.
            let admin = Caller(client)
            try await admin.signIn(Office.admin)
            #expect(
                try await admin.call(.post, "/api/v1/office/totp", json: body(["required": true])).status == .ok)
            let head = Caller(client)
            try await head.signIn("head")
            let board = try await head.call(.get, "/board")
            #expect(board.status == .seeOther)
            #expect(board.headers[.location] == "/account")
            #expect(try await head.call(.get, "/account").text.contains("id=\"must-set-up\""))
            let begun = try await head.form("/account/totp", [:])
            #expect(begun.status == .ok)
            let secret = try #require(
                begun.text.range(of: "id=\"totp-secret\">").map { r in
                    String(begun.text[r.upperBound...].prefix { $0 != "<" }).replacingOccurrences(of: " ", with: "")
                })
            let bad = try await head.form("/account/totp/confirm", ["code": "000000"])
            #expect((400..<500).contains(bad.status.code))
            let code = TOTP.code(
                secret: TOTP.decodeBase32(secret) ?? [], step: office.clock.now().epoch / TOTP.period)
            let confirmed = try await head.form("/account/totp/confirm", ["code": code])
            #expect(confirmed.status == .seeOther, "\(confirmed.text)")
            #expect(try await head.call(.get, "/board").status == .ok)
            // Signing in on the page now asks for the code, and takes a fresh one.
            let browser = Caller(client)
            let form = try await browser.call(.get, "/login")
            browser.cookie = form.headers[.setCookie]?.split(separator: ";").first.map(String.init)
            let token = try #require(Self.value(of: "login_token", in: form.text))
            let bare = try await browser.form(
                "/login", ["name": "head", "password": Office.password("head"), "login_token": token], csrf: false)
            #expect(bare.status == .unauthorized)
            #expect(bare.text.contains("id=\"totp\""))
            browser.cookie = bare.headers[.setCookie]?.split(separator: ";").first.map(String.init)
            let again = try #require(Self.value(of: "login_token", in: bare.text))
            let next = TOTP.code(
                secret: TOTP.decodeBase32(secret) ?? [], step: office.clock.now().epoch / TOTP.period + 1)
            let signed = try await browser.form(
                "/login",
                ["name": "head", "password": Office.password("head"), "totp": next, "login_token": again], csrf: false)
            #expect(signed.status == .seeOther, "\(signed.text)")
        }
    }

    @Test("the staff form names what is wrong and adds nobody; the admin's changes need the token")
    func staffForms() async throws {
        let office = try Office()
        try await office.serve { client in
            let admin = Caller(client)
            try await admin.signIn(Office.admin)
            let count = (try await admin.call(.get, "/api/v1/staff").json as? [Any])?.count
            let cases: [([String: String], String)] = [
                (["name": "", "role_handler": "on", "password": "a-long-password-1"], "name"),
                (["name": "新同事", "password": "a-long-password-1"], "role"),
                (["name": "新同事", "role_handler": "on", "password": ""], "password"),
                (["name": "新同事", "role_handler": "on", "password": "short"], "password"),
                (["name": "新同事", "role_handler": "on", "password": "a-long-password-1", "email": "a b@c"], "email"),
            ]
            for (fields, field) in cases {
                let a = try await admin.form("/staff", fields)
                #expect((400..<500).contains(a.status.code), "\(fields)")
                #expect(a.text.contains("id=\"form-error\""), "\(fields)")
                #expect(a.text.contains(field), "\(fields) does not name \(field)")
            }
            #expect((try await admin.call(.get, "/api/v1/staff").json as? [Any])?.count == count)
            let forged = try await admin.form(
                "/staff", ["name": "新同事", "role_handler": "on", "password": "a-long-password-1"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await admin.form("/staff/handler/disable", [:], csrf: false).status == .forbidden)
            let added = try await admin.form(
                "/staff", ["name": "新同事", "role_handler": "on", "password": "a-long-password-1"])
            #expect(added.status == .seeOther)
            #expect((try await admin.call(.get, "/api/v1/staff").json as? [Any])?.count == (count ?? 0) + 1)
        }
    }

    static func value(of name: String, in html: String) -> String? {
        guard let r = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }
}
