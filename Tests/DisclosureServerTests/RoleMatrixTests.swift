import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import DisclosureServer

/// Who may do what over the API: every endpoint as every role of STATUTE.md §11 and as nobody.
@Suite("Server: the role matrix of every endpoint")
struct ServerRoleMatrixTests {
    /// The roles each step kind is open to (§11, written out here apart from the code's own table).
    static let stepRoles: [(kind: String, roles: Set<Role>)] = [
        ("correction-request", [.handler]), ("correction-receive", [.registrar, .handler]),
        ("consult-send", [.handler]), ("consult-answer", [.handler]), ("extension", [.head]),
        ("deferral", [.head]), ("fee-notice", [.handler]), ("fee-paid", [.handler]), ("draft", [.handler]),
        ("review", [.reviewer]), ("issue", [.head]), ("deliver", [.handler]), ("archive", [.handler, .head]),
        ("reopen", [.head]), ("withdraw", [.handler, .head]), ("close", [.handler, .head]),
        ("remedy-file", [.head]), ("remedy-decide", [.head]), ("assign", [.head, .registrar]),
        ("amend", [.handler]), ("amend-decide", [.head]),
    ]

    /// The fields of each step, and the steps (each by the account named) that bring a new case to
    /// where it may be taken: the drafter drafts, so that no role account is ever the drafter.
    static func step(_ kind: String) -> (fields: [String: Any], before: [(String, [String: Any])]) {
        let draft = ("drafter", ["kind": "draft", "outcome": "1", "basis": "已主动公开"] as [String: Any])
        let review = ("reviewer", ["kind": "review", "approve": true] as [String: Any])
        let issue = ("head", ["kind": "issue"] as [String: Any])
        let replied = [draft, review, issue]
        let remedy: [String: Any] = ["kind": "remedy-file", "remedy_kind": "reconsideration", "body": "市人民政府"]
        switch kind {
        case "correction-request": return (["kind": kind, "items": "请写明文件名称", "period": 10], [])
        case "correction-receive":
            return (["kind": kind], [("handler", ["kind": "correction-request", "items": "写明", "period": 10])])
        case "consult-send": return (["kind": kind, "party": "third-party", "to": "某公司"], [])
        case "consult-answer":
            return (
                ["kind": kind, "opinion": "agree"],
                [("handler", ["kind": "consult-send", "party": "third-party", "to": "某公司"])]
            )
        case "extension": return (["kind": kind, "days": 10, "reason": "需调取档案"], [])
        case "deferral": return (["kind": kind, "until": "2027-01-29", "reason": "不可抗力"], [])
        case "fee-notice": return (["kind": kind, "pages": 300], [])
        case "fee-paid": return (["kind": kind], [("handler", ["kind": "fee-notice", "pages": 300])])
        case "draft": return (draft.1, [])
        case "review": return (review.1, [draft])
        case "issue": return (issue.1, [draft, review])
        case "deliver": return (["kind": kind, "method": "post"], replied)
        case "archive": return (["kind": kind], replied + [("handler", ["kind": "deliver", "method": "post"])])
        case "reopen": return (["kind": kind, "reason": "复议决定责令重新答复"], [("handler", ["kind": "withdraw"])])
        case "withdraw": return (["kind": kind], [])
        case "close": return (["kind": kind, "abandoned": "correction"], [])
        case "remedy-file": return (remedy, replied)
        case "remedy-decide": return (["kind": kind, "result": "upheld"], replied + [("head", remedy)])
        case "assign": return (["kind": kind, "account": "handler"], [])
        case "amend":
            return (["kind": kind, "event": 0, "field": "request", "value": "某路段规划（更正）", "reason": "错字"], [])
        case "amend-decide":
            let proposal: [String: Any] = [
                "kind": "amend", "event": 0, "field": "note", "value": "当面递交", "reason": "漏记",
            ]
            return (["kind": kind, "approve": true], [("drafter", proposal)])
        default: return ([:], [])
        }
    }

    @Test("every step kind is open to exactly the roles of §11, and to nobody unsigned")
    func steps() async throws {
        let office = try Office()
        try await office.serve { client in
            var callers: [String: Caller] = [:]
            for name in Role.allCases.map(Office.account) + ["drafter"] {
                let c = Caller(client)
                try await c.signIn(name)
                callers[name] = c
            }
            for (kind, roles) in ServerRoleMatrixTests.stepRoles {
                let n = try await callers["registrar"]!.register()
                let (fields, before) = ServerRoleMatrixTests.step(kind)
                for (who, b) in before {
                    let a = try await callers[who]!.call(.post, "/api/v1/cases/\(n)/steps", json: body(b))
                    #expect(a.status == .created, "preparing \(kind): \(a.text)")
                }
                let nobody = try await Caller(client).call(.post, "/api/v1/cases/\(n)/steps", json: body(fields))
                #expect(nobody.status == .unauthorized, "\(kind) unsigned")
                for role in Role.allCases {
                    let a = try await callers[Office.account(role)]!.call(
                        .post, "/api/v1/cases/\(n)/steps", json: body(fields))
                    if roles.contains(role) {
                        // Past the role check; a rule of the case may still refuse (a second withdrawal).
                        #expect(
                            a.status == .created || a.status == .unprocessableContent, "\(kind) as \(role): \(a.text)")
                    } else {
                        #expect(a.status == .forbidden, "\(kind) as \(role): \(a.text)")
                    }
                }
            }
        }
    }

    /// The shipped 2026 schedule: loading it again changes nothing, and answers as any import does.
    static let calendar2026 =
        (try? String(contentsOf: packageRoot.appendingPathComponent("Storage/calendar/2026.txt"), encoding: .utf8))
        ?? ""

    /// Every other endpoint: the roles that may call it (nil: every role of the office).
    static let endpoints: [(method: String, path: String, roles: Set<Role>?)] = [
        ("GET", "/api/v1/session", nil), ("GET", "/api/v1/cases", nil), ("GET", "/api/v1/cases/{n}", nil),
        ("GET", "/api/v1/cases/{n}/history", nil), ("GET", "/api/v1/board?within=5", nil),
        ("GET", "/api/v1/reports/annual?year=2026", nil),
        ("GET", "/api/v1/cases/{n}/notices/receipt", nil), ("GET", "/api/v1/cases/{n}/attachments", nil),
        ("GET", "/api/v1/cases/{n}/attachments/1", nil), ("GET", "/api/v1/cases/{n}/access", [.head, .admin]),
        ("POST", "/api/v1/cases", [.registrar, .handler]),
        ("POST", "/api/v1/cases/{n}/attachments?name=scan.pdf&kind=application", [.handler]),
        ("GET", "/api/v1/staff", [.admin]), ("GET", "/api/v1/staff/drafter", [.admin]),
        ("GET", "/api/v1/staff/history", [.admin]), ("POST", "/api/v1/staff", [.admin]),
        ("POST", "/api/v1/staff/drafter/grant", [.admin]), ("POST", "/api/v1/staff/drafter/revoke", [.admin]),
        ("POST", "/api/v1/staff/drafter/disable", [.admin]), ("POST", "/api/v1/staff/drafter/enable", [.admin]),
        ("POST", "/api/v1/staff/drafter/password", [.admin]),
        ("GET", "/api/v1/calendar", nil), ("GET", "/api/v1/calendar/2026", nil),
        ("GET", "/api/v1/reports/stats", nil),
        ("GET", "/api/v1/calendar/days?from=2026-10-01&to=2026-10-08", nil),
        ("POST", "/api/v1/calendar?name=2026.txt&replace_official=true&reason=%E6%A0%B8%E5%AF%B9", [.admin]),
        ("GET", "/api/v1/reports/late-entries", nil), ("GET", "/api/v1/reports/clusters?min_applicants=2", nil),
        ("GET", "/api/v1/reports/locks", nil), ("GET", "/api/v1/reports/leads?year=2026", nil),
        ("GET", "/api/v1/applications?status=pending", nil),
        ("POST", "/api/v1/reports/leads", [.head]), ("POST", "/api/v1/reports/leads/{lead}/withdraw", [.head]),
        ("GET", "/api/v1/fees/quote?applicant=%E5%BC%A0%E4%B8%89&month=2026-11&items=1", nil),
        ("GET", "/api/v1/audit/verify", nil), ("GET", "/api/v1/audit/journal", [.head, .admin]),
        ("GET", "/api/v1/audit/security", [.admin]), ("GET", "/api/v1/office", nil),
        ("POST", "/api/v1/reports/annual/2025/lock", [.head]), ("POST", "/api/v1/reports/annual/2025/unlock", [.head]),
        ("POST", "/api/v1/office/totp", [.admin]), ("POST", "/api/v1/totp", nil),
        ("GET", "/api/v1/office/letter-prefix", nil), ("POST", "/api/v1/office/letter-prefix", [.admin]),
        ("GET", "/api/v1/reminders", [.head, .admin]), ("POST", "/api/v1/reminders", [.head, .admin]),
        ("GET", "/api/v1/tokens", nil), ("POST", "/api/v1/tokens", nil), ("DELETE", "/api/v1/sessions", nil),
    ]

    @Test("every other endpoint answers each role as the table says, and 401 to nobody")
    func endpoints() async throws {
        let office = try Office()
        try await office.serve { client in
            var callers: [Role: Caller] = [:]
            for role in Role.allCases {
                let c = Caller(client)
                try await c.signIn(Office.account(role))
                callers[role] = c
            }
            let n = try await callers[.registrar]!.register(idNumber: "110101199003077777")
            let seeded = try await callers[.handler]!.call(
                .post, "/api/v1/cases/\(n)/attachments?name=letter.pdf&kind=application", json: "%PDF-1.4 test",
                headers: [.contentType: "application/octet-stream"])
            #expect(seeded.status == .created, "\(seeded.text)")
            // Art. 44 is about several applicants: a second one asks for the same.
            let second = try await callers[.registrar]!.register(applicant: "王五")
            var lead = ""
            // The endpoints that end sessions come last, so that the others still have theirs.
            for (method, path, roles) in ServerRoleMatrixTests.endpoints {
                if path.contains("{lead}") {
                    let listed = try await callers[.head]!.call(.get, "/api/v1/reports/leads")
                    lead = listed.text.firstMatch(of: /"id"\s*:\s*(\d+)/).map { String($0.1) } ?? "none"
                }
                let uri = path.replacingOccurrences(of: "{n}", with: n).replacingOccurrences(of: "{lead}", with: lead)
                let m = HTTPRequest.Method(method) ?? .get
                let payload: String? =
                    switch (method, path) {
                    case ("POST", "/api/v1/cases"):
                        body([
                            "received": "2026-11-20", "channel": "online", "applicant": "李四",
                            "applicant_type": "person", "request": "某路段规划",
                        ])
                    case ("POST", "/api/v1/tokens"): body(["label": "脚本"])
                    case ("POST", "/api/v1/staff"):
                        body(["name": "新同事", "role": "handler", "password": "a-long-password-1"])
                    case ("POST", let p) where p.hasSuffix("/grant") || p.hasSuffix("/revoke"):
                        body(["role": "registrar"])
                    case ("POST", let p) where p.hasSuffix("/password"): body(["password": "another-password-1"])
                    case ("POST", let p) where p.hasPrefix("/api/v1/staff/"): "{}"
                    case ("POST", let p) where p.hasSuffix("/lock"): "{}"
                    case ("POST", let p) where p.hasSuffix("/unlock"): body(["reason": "更正后重新公布"])
                    case ("POST", "/api/v1/reports/leads"):
                        body([
                            "decided": "2026-11-20", "subject": "某路段规划", "published": "门户网站·规划栏目",
                            "cases": "\(n),\(second)",
                        ])
                    case ("POST", let p) where p.hasSuffix("/withdraw"): body(["reason": "误记"])
                    case ("POST", "/api/v1/office/totp"): body(["required": false])
                    case ("POST", "/api/v1/office/letter-prefix"): body(["letter_prefix": "示范府信公"])
                    case ("POST", "/api/v1/totp"): "{}"
                    case ("POST", "/api/v1/reminders"): body(["dry_run": true])
                    case ("POST", let p) where p.hasPrefix("/api/v1/calendar"): ServerRoleMatrixTests.calendar2026
                    case ("POST", _): "%PDF-1.4 scan"
                    default: nil
                    }
                let type: HTTPFields = path.contains("attachments?") ? [.contentType: "application/octet-stream"] : [:]
                let nobody = try await Caller(client).call(m, uri, json: payload, headers: type)
                #expect(nobody.status == .unauthorized, "\(method) \(path) unsigned: \(nobody.text)")
                for role in Role.allCases {
                    let a = try await callers[role]!.call(m, uri, json: payload, headers: type)
                    if roles.map({ $0.contains(role) }) ?? true {
                        #expect((200..<300).contains(a.status.code), "\(method) \(path) as \(role): \(a.text)")
                    } else {
                        #expect(a.status == .forbidden, "\(method) \(path) as \(role): \(a.text)")
                    }
                }
            }
        }
    }

    @Test("viewing an applicant's ID number or downloading a document is logged with the account")
    func personalDataIsLogged() async throws {
        let office = try Office()
        try await office.serve { client in
            let registrar = Caller(client)
            try await registrar.signIn("registrar")
            let n = try await registrar.register(idNumber: "110101199003077777")
            let reviewer = Caller(client)
            try await reviewer.signIn("reviewer")
            #expect(try await reviewer.call(.get, "/api/v1/cases/\(n)").status == .ok)
            #expect(try await reviewer.call(.get, "/api/v1/cases/\(n)/notices/receipt?format=text").status == .ok)
            let head = Caller(client)
            try await head.signIn("head")
            let log = try await head.call(.get, "/api/v1/cases/\(n)/access")
            let rows = try #require(log.json as? [[String: Any]])
            // The registration's own answer showed the ID number to the registrar: logged too.
            #expect(rows.map { $0["account"] as? String } == ["registrar", "reviewer", "reviewer"])
            #expect(rows.map { $0["what"] as? String } == ["case", "case", "notice receipt"])
        }
    }
}
