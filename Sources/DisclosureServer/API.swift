import DisclosureApp
import DisclosureCore
import DisclosureDocuments
import DisclosureExchange
import DisclosureStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The cookie of a browser session. `__Host-` (under HTTPS) pins it to this host and path.
enum SessionCookie {
    static func name(https: Bool) -> String { https ? "__Host-disclosure" : "disclosure" }
}

/// How a request proves who it is: a bearer token (scripts, the CLI) or a browser's cookie, which
/// must then carry the session's CSRF token on every write.
struct Credentials: Sendable {
    let token: String
    let viaCookie: Bool
    let address: String?

    var kinds: Set<SessionKind> { viaCookie ? [.web] : [.token, .cli] }

    /// The CSRF token of a session: derived from its secret, so nothing more is stored, and useless
    /// without the cookie, which scripts on a page cannot read (`HttpOnly`).
    static func csrf(for token: String) -> String { SHA256.hex(Array("csrf\u{0}\(token)".utf8)) }
}

/// `a == b` in time that depends on the length only.
func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var diff: UInt8 = 0
    for i in 0..<x.count { diff |= x[i] ^ y[i] }
    return diff == 0
}

/// The JSON API under `/api/v1`: each route reads its input, runs one use case of `DisclosureApp` on a
/// database thread, and renders the result with the views every front end shares.
struct API: Sendable {
    /// RFC 3986's unreserved characters: what a header may carry of a percent-encoded text as is.
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    let settings: ServerSettings
    let connections: Connections
    let throttle = AddressThrottle()
    let portalLimits = PortalLimits()
    let listeners = Listeners()
    let clock: any OfficeClock
    let templates: NoticeTemplates
    /// Held while the application lives: a second server on the same database is refused.
    let lease: ServerLease

    init(settings: ServerSettings) throws(DisclosureError) {
        self.settings = settings
        clock = settings.clock
        lease = try OfficeConnection.open(path: settings.database).takeServerLease()
        connections = try Connections(path: settings.database, readers: settings.readers, signers: 2)
        templates =
            try settings.templates.map { d throws(DisclosureError) in
                try NoticeTemplates.load(directory: d, field: "--templates")
            } ?? .shipped
    }

    /// Records in the database that this server serves it, at `url`.
    func announce(_ url: String) async throws(DisclosureError) {
        let clock = self.clock
        try await connections.write { c throws(DisclosureError) in try c.announce(url: url, clock: clock) }
    }

    func routes(on router: Router<DisclosureContext>) {
        router.get("healthz") { _, _ in
            try await connections.read { c throws(DisclosureError) in
                try c.check()
                return Reply.json(.object([("status", .string("ok"))]))
            }.response()
        }
        let v1 = router.group("api/v1")
        v1.post("session") { request, context in try await signIn(request, context) }
        v1.get("session") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context, setup: true) { desk, _, creds in
                let a = try desk.whoami()
                var fields: [(String, JSON)] = [
                    ("account", CaseViews.account(a)),
                    ("totp_setup_required", .bool(try desk.mustSetUpSecondFactorNow())),
                ]
                if creds.viaCookie { fields.append(("csrf_token", .string(Credentials.csrf(for: creds.token)))) }
                return .json(.object(fields))
            }
        }
        v1.delete("session") { request, context in
            let creds = try writeCredentials(request, context)
            var response = try await writing(creds, request, context, setup: true) { desk, _, _ in
                try desk.signOutHere()
                return .noContent
            }
            expireCookie(&response, request, context)
            return response
        }
        v1.delete("sessions") { request, context in
            let creds = try writeCredentials(request, context)
            var response = try await writing(creds, request, context) { desk, _, _ in
                .json(.object([("ended", .int(try desk.signOutEverywhere()))]))
            }
            expireCookie(&response, request, context)
            return response
        }
        v1.get("tokens") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.tokens().map(tokenJSON)))
            }
        }
        v1.post("tokens") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let label = try form.requiredText("label")
            try form.finish()
            return try await writing(creds, request, context) { desk, _, _ in
                let (ticket, info) = try desk.createToken(label: label)
                var json = tokenJSON(info)
                if case .object(var fields) = json {
                    fields.insert(("token", .string(ticket.token)), at: 0)
                    json = .object(fields)
                }
                return .json(json, status: .created)
            }
        }
        v1.delete("tokens/:id") { request, context in
            let creds = try writeCredentials(request, context)
            let id = try parameter(context, "id")
            return try await writing(creds, request, context) { desk, _, _ in
                try desk.revokeToken(id: id)
                return .noContent
            }
        }
        caseRoutes(v1)
        staffRoutes(v1)
        secondFactorRoutes(v1)
        officeRoutes(v1)
        exchangeRoutes(v1)
        remindRoutes(v1)
        // The public routes are the portal's listener's alone: the staff's never takes anonymous writes.
        submissionRoutes(v1)
        v1.get("board") { request, context in
            let creds = try credentials(request, context)
            let b = try BoardForm.read(try query(request))
            if let d = b.asOf { _ = try ViewDay.check(d, today: clock.now().day, field: "as_of") }
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let asOf = b.asOf ?? desk.today
                let through = try desk.boardThrough(within: b.within, of: asOf)
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: asOf)
                if asText {
                    let text = r.board(try desk.board(through: through, imported: b.imported), within: b.within,
                        through: through)
                    return .view(.null, text: text, asText: true)
                }
                // Row by row into the answer: a city's board runs to thousands of cases.
                let bytes = try JSON.encodeArray { (item: (JSON) -> Void) throws(DisclosureError) in
                    try desk.board(through: through, imported: b.imported) { (c: CaseSummary) throws(DisclosureError) in
                        item(r.summaryJSON(c))
                    }
                }
                return Reply(
                    status: .ok, body: bytes, contentType: "application/json; charset=utf-8", disposition: nil,
                    location: nil)
            }
        }
        v1.get("reports/annual") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            guard let year = try q.int("year") else {
                throw DisclosureError(.missingField, field: "year", zh: "必须填写", en: "is required")
            }
            let format = try q.text("format") ?? "json"
            try q.finish()
            guard (2000...9998).contains(year) else {
                throw DisclosureError(.invalidValue, field: "year", zh: "须为四位年份", en: "must be a four-digit year")
            }
            guard ["json", "xml", "text", "csv"].contains(format) else {
                throw DisclosureError(
                    .invalidValue, field: "format", zh: "只能是 json、xml、text 或 csv", en: "must be json, xml, text or csv")
            }
            return try await reading(creds, request, context) { desk, lang, _ in
                let report = try desk.annualReport(year: year)
                if format == "text" || format == "csv" {
                    let text =
                        format == "csv"
                        ? AnnualReportText.csv(report)
                        : AnnualReportText.text(report, agency: desk.office.name, lang: lang)
                    return Reply(
                        status: .ok, body: Array(text.utf8),
                        contentType: format == "csv" ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8",
                        disposition: nil, location: nil)
                }
                if format == "xml" {
                    return Reply(
                        status: .ok, body: Array(AnnualReportXML.render(report, agency: desk.office.name).utf8),
                        contentType: "application/xml; charset=utf-8", disposition: nil, location: nil)
                }
                return .json(CaseViews.annualReport(report))
            }
        }
    }

    private func caseRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.post("cases") { request, context in
            let creds = try writeCredentials(request, context)
            let form = try RegistrationForm.read(try await body(request))
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let (record, warnings) = try desk.register(form.application, lateEntry: form.lateEntry)
                try desk.shown(record)
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
                return .view(
                    r.caseJSON(record, warnings: warnings), text: r.registered(record, warnings: warnings),
                    asText: asText, status: .created, location: "/api/v1/cases/\(record.number)")
            }
        }
        v1.get("cases") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let asOf = try q.date("as_of").map { d throws(DisclosureError) in
                try ViewDay.check(d, today: clock.now().day, field: "as_of")
            }
            let filter = try ListForm.read(q)
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: asOf ?? desk.today)
                let cases = try desk.list(filter)
                return .view(.array(cases.map(r.summaryJSON)), text: r.list(cases), asText: asText)
            }
        }
        v1.get("cases/:number") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            var q = try query(request)
            let asOf = try q.date("as_of").map { d throws(DisclosureError) in
                try ViewDay.check(d, today: clock.now().day, field: "as_of")
            }
            try q.finish()
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: asOf ?? desk.today)
                let record = try desk.view(number)
                return .view(r.caseJSON(record), text: r.caseText(record), asText: asText)
            }
        }
        v1.get("cases/:number/history") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            try query(request).finish()
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
                let record = try desk.load(number)
                return .view(.array(record.events.map(r.eventJSON)), text: r.history(record), asText: asText)
            }
        }
        v1.post("cases/:number/steps") { request, context in
            let creds = try writeCredentials(request, context)
            let number = try caseNumber(context)
            let form = try StepForm.read(try await body(request))
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let (record, warnings) = try desk.record(
                    form.step, on: number, date: form.on, lateEntry: form.lateEntry)
                try desk.shown(record)
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
                return .view(
                    r.caseJSON(record, warnings: warnings), text: r.step(record, warnings: warnings), asText: asText,
                    status: .created)
            }
        }
        v1.get("cases/:number/notices/:kind") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            let kind = try NoticeKind.parse(try parameter(context, "kind"), field: "kind")
            var q = try query(request)
            let format = try q.text("format") ?? "html"
            let howToPay = try q.text("how_to_pay")
            let consultation = try q.int("consultation")
            try q.finish()
            guard format == "html" || format == "text" else {
                throw DisclosureError(.invalidValue, field: "format", zh: "只能是 html 或 text", en: "must be html or text")
            }
            let templates = self.templates
            let body = settings.reconsiderationBody
            return try await reading(creds, request, context) { desk, _, _ in
                let record = try desk.viewNotice(number, kind: kind.rawValue)
                let notice = try desk.notice(
                    kind, of: record,
                    settings: NoticeSettings(reconsiderationBody: body, howToPay: howToPay, consultation: consultation),
                    templates: templates)
                let name = "\(record.number.description.replacingOccurrences(of: "/", with: "_"))-\(kind.rawValue)"
                return format == "html"
                    ? .download(Array(notice.html().utf8), type: "text/html; charset=utf-8", filename: name + ".html")
                    : .download(Array(notice.text().utf8), type: "text/plain; charset=utf-8", filename: name + ".txt")
            }
        }
        v1.get("cases/:number/attachments") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let list = try desk.attachments(of: number)
                let text = AttachmentText.list(number, list, lang)
                return .view(.array(list.map(CaseViews.attachment)), text: text, asText: asText)
            }
        }
        v1.post("cases/:number/attachments") { request, context in
            let creds = try writeCredentials(request, context)
            let number = try caseNumber(context)
            var q = try query(request)
            let name = try q.requiredText("name")
            let kind = try q.requiredChoice("kind", AttachmentKind.self)
            try q.finish()
            if let length = request.headers[.contentLength].flatMap(Int.init), length > Desk.attachmentLimit {
                throw APIError(
                    .contentTooLarge, code: "too-large", field: "body",
                    zh: "附件超过\(Desk.attachmentLimit / 1_000_000) MB",
                    en: "the document is over \(Desk.attachmentLimit / 1_000_000) MB")
            }
            // Who is sending is settled before megabytes are read.
            _ = try await reading(creds, request, context) { desk, _, _ in
                try desk.requireRole(.attach)
                return .noContent
            }
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard type.hasPrefix("application/octet-stream") else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported-media-type", field: "Content-Type",
                    zh: "附件须以 application/octet-stream 上传", en: "upload the document as application/octet-stream")
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: Desk.attachmentLimit)
            } catch {
                throw APIError(
                    .contentTooLarge, code: "too-large", field: "body",
                    zh: "附件超过\(Desk.attachmentLimit / 1_000_000) MB",
                    en: "the document is over \(Desk.attachmentLimit / 1_000_000) MB")
            }
            let content = Array(buffer: buffer)
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let info = try desk.attach(content, name: name, kind: kind, to: number)
                return .view(
                    CaseViews.attachment(info), text: AttachmentText.stored(number, info, lang), asText: asText,
                    status: .created)
            }
        }
        v1.get("cases/:number/attachments/:seq") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            guard let seq = Int(try parameter(context, "seq")), seq >= 1 else {
                throw DisclosureError(.invalidValue, field: "seq", zh: "须为正整数", en: "must be a positive whole number")
            }
            return try await reading(creds, request, context) { desk, _, _ in
                let a = try desk.download(seq, of: number)
                return .download(a.content, type: "application/octet-stream", filename: a.info.name)
            }
        }
        v1.get("cases/:number/access") { request, context in
            let creds = try credentials(request, context)
            let number = try caseNumber(context)
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.dataAccess(number).map(CaseViews.dataAccess)))
            }
        }
    }

    /// Staff administration (admin; one's own password for everyone).
    private func staffRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.get("staff") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.staffList().map(CaseViews.account)))
            }
        }
        v1.get("staff/history") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let name = try q.text("name")
            try q.finish()
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.staffHistory(of: name).map(CaseViews.staffEvent)))
            }
        }
        v1.get("staff/:name") { request, context in
            let creds = try credentials(request, context)
            let name = try parameter(context, "name")
            return try await reading(creds, request, context) { desk, _, _ in
                .json(CaseViews.account(try desk.staffMember(name)))
            }
        }
        v1.post("staff") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let new = NewAccount(
                name: try form.requiredText("name"),
                roles: try Role.parseList(try form.requiredText("role"), field: "role"),
                email: try form.text("email"), password: try form.requiredText("password"))
            try form.finish()
            // A password is hashed here: on a sign-in thread, so that the writer does not wait for bcrypt.
            return try await writing(creds, request, context, slow: true) { desk, _, _ in
                .json(CaseViews.account(try desk.addStaff(new)), status: .created)
            }
        }
        v1.post("staff/:name/:change") { request, context in
            let creds = try writeCredentials(request, context)
            let name = try parameter(context, "name")
            let change = try parameter(context, "change")
            var form = try await body(request)
            switch change {
            case "grant", "revoke":
                let roles = try Role.parseList(try form.requiredText("role"), field: "role")
                try form.finish()
                return try await writing(creds, request, context) { desk, _, _ in
                    .json(
                        CaseViews.account(
                            change == "grant" ? try desk.grant(roles, to: name) : try desk.revoke(roles, from: name)))
                }
            case "disable", "enable":
                try form.finish()
                return try await writing(creds, request, context) { desk, _, _ in
                    .json(CaseViews.account(try desk.setDisabled(name, change == "disable")))
                }
            case "password":
                let password = try form.requiredText("password")
                let current = try form.text("current")
                try form.finish()
                return try await writing(creds, request, context, slow: true) { desk, _, _ in
                    try desk.setPassword(of: name, to: password, current: current)
                    return .noContent
                }
            default:
                throw APIError.fromHTTP(.notFound)
            }
        }
    }

    /// The office's records beside its cases: reports, fees, the calendar, the audit.
    private func officeRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.post("reports/annual/:year/:change") { request, context in
            guard let year = Int(try parameter(context, "year")) else {
                throw DisclosureError(.invalidValue, field: "year", zh: "须为四位年份", en: "must be a four-digit year")
            }
            let change = try parameter(context, "change")
            guard ["lock", "unlock", "document"].contains(change) else { throw APIError.fromHTTP(.notFound) }
            // The whole report reads, but takes its inputs file in the body: a POST that changes nothing.
            let creds =
                change == "document" ? try credentials(request, context) : try writeCredentials(request, context)
            var form = try await body(request)
            let reason = change == "unlock" ? try form.requiredText("reason") : nil
            let inputs = try form.text("inputs").map { (text: String) throws(DisclosureError) in
                try AnnualReportInputs.parse(text, origin: "inputs")
            }
            let format = change == "document"
                ? try AnnualDocumentFormat.named(try form.text("format") ?? "json", field: "format") : nil
            try form.finish()
            if change == "unlock" && inputs != nil {
                throw DisclosureError(.invalidValue, field: "inputs", zh: "解除锁定不接受报告素材", en: "not taken by unlock")
            }
            if let format {
                return try await reading(creds, request, context) { desk, lang, _ in
                    let document = try desk.annualDocument(year: year, inputs: inputs)
                    var reply = Reply.download(
                        format.render(document), type: format.mediaType, filename: "annual-report-\(year).\(format)")
                    let notes = document.notes(given: inputs, lang).joined(separator: "\n")
                    if !notes.isEmpty, let name = HTTPField.Name("X-Notes"),
                       let encoded = notes.addingPercentEncoding(withAllowedCharacters: API.unreserved) {
                        reply.headers[name] = encoded
                    }
                    return reply
                }
            }
            return try await writing(creds, request, context) { desk, _, _ in
                if let reason {
                    try desk.unlockReport(year: year, reason: reason)
                } else {
                    try desk.lockReport(year: year, inputs: inputs)
                }
                return .json(
                    .object([
                        ("year", .int(year)), ("locked", .bool(reason == nil)), ("inputs_kept", .bool(inputs != nil)),
                    ]))
            }
        }
        v1.get("reports/leads") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let year = try q.int("year")
            try q.finish()
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let leads = try desk.leads(year: year)
                return .view(.array(leads.map(CaseViews.lead)), text: LeadText.text(leads, lang), asText: asText)
            }
        }
        v1.post("reports/leads") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let decided = try form.requiredDate("decided")
            let subject = try form.requiredText("subject")
            let published = try form.requiredText("published")
            let cases = try ProactiveLead.caseList(try form.requiredText("cases"), field: "cases")
            try form.finish()
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let lead = try desk.recordLead(decided: decided, subject: subject, published: published, cases: cases)
                return .view(CaseViews.lead(lead), text: LeadText.text([lead], lang), asText: asText, status: .created)
            }
        }
        v1.post("reports/leads/:id/withdraw") { request, context in
            let creds = try writeCredentials(request, context)
            guard let id = Int(try parameter(context, "id")) else {
                throw DisclosureError(.invalidValue, field: "id", zh: "须为记录编号", en: "must be a decision's number")
            }
            var form = try await body(request)
            let reason = try form.requiredText("reason")
            try form.finish()
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let lead = try desk.withdrawLead(id: id, reason: reason)
                return .view(CaseViews.lead(lead), text: LeadText.text([lead], lang), asText: asText)
            }
        }
        v1.get("reports/stats") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let (from, to, asOf) = (try q.date("from"), try q.date("to"), try q.date("as_of"))
            if let d = asOf { _ = try ViewDay.check(d, today: clock.now().day, field: "as_of") }
            let format = try q.text("format") ?? "json"
            try q.finish()
            guard format == "json" || format == "svg" else {
                throw DisclosureError(.invalidValue, field: "format", zh: "只能是 json 或 svg", en: "must be json or svg")
            }
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let today = asOf ?? desk.today
                let report = try desk.statistics(from: from, to: to, asOf: today)
                if format == "svg" {
                    return .download(
                        Array(StatisticsText.chart(report, agency: desk.office.name).utf8), type: "image/svg+xml",
                        filename: "statistics.svg")
                }
                return .view(
                    CaseViews.statistics(report), text: StatisticsText.table(report, asOf: today, lang), asText: asText)
            }
        }
        v1.get("reports/clusters") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let since = try q.date("since")
            let minApplicants = try q.int("min_applicants") ?? 3
            let limit = try q.int("limit") ?? 50
            try q.finish()
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let found = try desk.clusters(
                    since: since, minApplicants: minApplicants, limit: min(limit, 10_000),
                    fields: ("min_applicants", "limit"))
                return .view(
                    .array(found.map(CaseViews.cluster)),
                    text: ClusterText.text(found, minApplicants: minApplicants, lang), asText: asText)
            }
        }
        v1.get("reports/late-entries") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let year = try q.int("year")
            try q.finish()
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.lateEntries(recordedIn: year).map(CaseViews.lateEntry)))
            }
        }
        v1.get("reports/locks") { request, context in
            let creds = try credentials(request, context)
            let q = try query(request)
            try q.finish()
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.reportLocks().map(CaseViews.reportLock)))
            }
        }
        v1.get("fees/quote") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let applicant = try q.requiredText("applicant")
            let idNumber = try q.text("id_number")
            let month = try q.requiredText("month")
            let quantity = try FeeQuantity.from(items: q.int("items"), pages: q.int("pages"))
            try q.finish()
            guard let first = CivilDate(iso: month + "-01") else {
                throw DisclosureError(
                    .invalidValue, field: "month", zh: "月份“\(month)”无效，格式为 YYYY-MM",
                    en: "month “\(month)” is invalid; use YYYY-MM")
            }
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let quote = try desk.feeQuote(
                    applicant: applicant, idNumber: idNumber, year: first.year, month: first.month, quantity: quantity)
                return .view(CaseViews.quote(quote), text: quoteText(quote, lang), asText: asText)
            }
        }
        v1.get("calendar") { request, context in
            let creds = try credentials(request, context)
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let years = try desk.calendarYears()
                return .view(
                    .array(years.map(CaseViews.calendarYear)), text: CalendarText.years(years, lang), asText: asText)
            }
        }
        v1.get("calendar/:year") { request, context in
            let creds = try credentials(request, context)
            guard let year = Int(try parameter(context, "year")), (1900...9999).contains(year) else {
                throw DisclosureError(.invalidValue, field: "year", zh: "须为四位年份", en: "must be a four-digit year")
            }
            try query(request).finish()
            return try await reading(creds, request, context) { desk, lang, _ in
                .view(.null, text: CalendarText.year(year, desk.calendar, lang), asText: true)
            }
        }
        v1.get("audit/verify") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, lang, _ in
                .json(CaseViews(lang: lang, calendar: desk.calendar, asOf: desk.today).audit(try desk.verifyAudit()))
            }
        }
        v1.get("audit/journal") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, _, _ in
                // Staff snapshots are in it: for the head and the admin, as the access log is.
                try desk.requireRole(.auditAccess)
                return .json(.array(try desk.journal().map(CaseViews.journalEntry)))
            }
        }
        v1.get("audit/security") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let limit = try q.int("limit") ?? 200
            try q.finish()
            guard (1...100_000).contains(limit) else {
                throw DisclosureError(.invalidValue, field: "limit", zh: "须为1至100000", en: "must be 1 to 100,000")
            }
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.array(try desk.securityLog(limit: limit).map(CaseViews.securityEntry)))
            }
        }
    }

    /// The TOTP second factor: set up, confirm and remove one's own; the office's requirement.
    private func secondFactorRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.post("totp") { request, context in
            let creds = try writeCredentials(request, context)
            try (try await body(request)).finish()
            return try await writing(creds, request, context, setup: true) { desk, _, _ in
                let s = try desk.beginSecondFactor()
                return .json(.object([("secret", .string(s.secret)), ("uri", .string(s.uri))]), status: .created)
            }
        }
        v1.post("totp/confirm") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let code = try form.requiredText("code")
            try form.finish()
            return try await writing(creds, request, context, setup: true) { desk, _, _ in
                try desk.confirmSecondFactor(code: code)
                return .noContent
            }
        }
        v1.delete("totp") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let code = try form.text("code")
            let name = try form.text("name")
            try form.finish()
            return try await writing(creds, request, context) { desk, _, _ in
                try desk.removeSecondFactor(of: name, code: code)
                return .noContent
            }
        }
        v1.get("office") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, _, _ in
                .json(
                    .object([
                        ("name", .string(desk.office.name)), ("code", .string(desk.office.code)),
                        ("instance", .string(try desk.instanceID())),
                        ("totp_required", .bool(try desk.secondFactorRequired())),
                    ]))
            }
        }
        v1.post("office/totp") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            guard let on = try form.bool("required") else {
                throw DisclosureError(
                    .missingField, field: "required", zh: "必须填写 true 或 false", en: "true or false is required")
            }
            try form.finish()
            return try await writing(creds, request, context) { desk, _, _ in
                try desk.requireSecondFactor(on)
                return .json(.object([("totp_required", .bool(on))]))
            }
        }
        v1.get("office/letter-prefix") { request, context in
            let creds = try credentials(request, context)
            return try await reading(creds, request, context) { desk, _, _ in
                .json(.object([("letter_prefix", .string(try desk.letterPrefix()))]))
            }
        }
        v1.post("office/letter-prefix") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            guard let prefix = try form.text("letter_prefix") else {
                throw DisclosureError(
                    .missingField, field: "letter_prefix", zh: "必须填写文号前缀", en: "the prefix is required")
            }
            try form.finish()
            return try await writing(creds, request, context) { desk, _, _ in
                try desk.setLetterPrefix(prefix)
                return .json(.object([("letter_prefix", .string(try desk.letterPrefix()))]))
            }
        }
    }

    // MARK: - Running a use case for a request

    /// The request's credentials, or 401.
    func credentials(_ request: Request, _ context: DisclosureContext) throws -> Credentials {
        let address = settings.clientAddress(request, context)
        if let auth = request.headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
                throw DisclosureError(
                    .unauthenticated, field: "Authorization", zh: "应为“Bearer 令牌”", en: "must be “Bearer TOKEN”")
            }
            return Credentials(token: String(parts[1]), viaCookie: false, address: address)
        }
        // Over HTTPS only the __Host- cookie counts: one planted from a sibling host has no such name.
        let name = SessionCookie.name(https: settings.isHTTPS(request, context))
        if let token = request.cookies[name]?.value, !token.isEmpty {
            return Credentials(token: token, viaCookie: true, address: address)
        }
        throw DisclosureError(
            .unauthenticated, field: "session", zh: "尚未登录：请先登录（POST /api/v1/session）或使用 API 令牌",
            en: "not signed in: sign in first (POST /api/v1/session) or send an API token")
    }

    /// Runs a read for the signed-in account.
    /// `setup`: one of the few requests an account may make before it sets up a required second factor.
    func reading(
        _ creds: Credentials, _ request: Request, _ context: DisclosureContext, setup: Bool = false,
        _ body: @escaping @Sendable (Desk, Language, Credentials) throws -> Reply
    ) async throws -> Response {
        try await connections.read(job(creds, request, context, setup: setup, body)).response()
    }

    /// One use case for the request's signed-in account, as a database thread runs it.
    private func job(
        _ creds: Credentials, _ request: Request, _ context: DisclosureContext, setup: Bool,
        _ body: @escaping @Sendable (Desk, Language, Credentials) throws -> Reply
    ) -> @Sendable (OfficeConnection) throws(DisclosureError) -> Reply {
        let lang = language(of: request)
        let notes = context.notes
        let clock = self.clock
        return { c throws(DisclosureError) in
            let desk = try c.desk(
                token: creds.token, kinds: creds.kinds, address: creds.address, clock: clock,
                settingUpSecondFactor: setup)
            notes.account = desk.account?.name
            return try domain { () throws in try body(desk, lang, creds) }
        }
    }

    /// The credentials of a change: a cookie session must send its CSRF token, checked before anything
    /// of the request is read.
    func writeCredentials(_ request: Request, _ context: DisclosureContext) throws -> Credentials {
        let creds = try credentials(request, context)
        if creds.viaCookie {
            let sent = request.headers[.csrfToken] ?? ""
            guard constantTimeEqual(sent, Credentials.csrf(for: creds.token)) else {
                throw APIError(
                    .forbidden, code: "csrf", field: "X-CSRF-Token",
                    zh: "缺少或不符的 CSRF 令牌：每次修改须在 X-CSRF-Token 中带上登录时得到的 csrf_token",
                    en:
                        "missing or wrong CSRF token: send the csrf_token from sign-in in X-CSRF-Token "
                            + "with every change"
                )
            }
        }
        return creds
    }

    /// Runs a change for the signed-in account.
    /// `slow`: the change checks or sets a password, and runs on a sign-in thread.
    func writing(
        _ creds: Credentials, _ request: Request, _ context: DisclosureContext, changesCalendar: Bool = false,
        slow: Bool = false, setup: Bool = false, bulk: Bool = false,
        _ body: @escaping @Sendable (Desk, Language, Credentials) throws -> Reply
    ) async throws -> Response {
        let job = job(creds, request, context, setup: setup, body)
        if slow { return try await connections.signIn(job).response() }
        if bulk { return try await connections.bulk(job).response() }
        return try await connections.write(changesCalendar: changesCalendar, job).response()
    }

    private func signIn(_ request: Request, _ context: DisclosureContext) async throws -> Response {
        var form = try await body(request)
        let name = try form.requiredText("name")
        let password = try form.requiredText("password")
        let bearer = try form.bool("bearer") ?? false
        let totp = try form.text("totp")
        try form.finish()
        let ticket = try await openSession(
            name: name, password: password, totp: totp, kind: bearer ? .cli : .web, request, context)
        context.notes.account = ticket.account.name
        var fields: [(String, JSON)] = [
            ("account", CaseViews.account(ticket.account)),
            ("expires", .string(Moment(epoch: ticket.expires).stamp)),
        ]
        fields.append(("totp_setup_required", .bool(ticket.mustSetUpSecondFactor)))
        if bearer {
            fields.append(("token", .string(ticket.token)))
        } else {
            fields.append(("csrf_token", .string(Credentials.csrf(for: ticket.token))))
            fields.append(("idle_seconds", .int(ServerSessionPolicy.idleSeconds)))
        }
        var response = Reply.json(.object(fields), status: .created).response()
        if !bearer { setSessionCookie(&response, token: ticket.token, request, context) }
        return response
    }

    /// The browser's session cookie: HttpOnly, SameSite=Strict, and `__Host-` and Secure under HTTPS.
    func setSessionCookie(_ response: inout Response, token: String, _ request: Request, _ context: DisclosureContext) {
        let https = settings.isHTTPS(request, context)
        response.setCookie(
            Cookie(
                name: SessionCookie.name(https: https), value: token, path: "/", secure: https, httpOnly: true,
                sameSite: .strict))
    }

    /// Signs in, throttled by address; a browser's earlier session ends with it.
    func openSession(
        name: String, password: String, totp: String?, kind: SessionKind, _ request: Request,
        _ context: DisclosureContext
    ) async throws -> ServerTicket {
        let address = settings.clientAddress(request, context) ?? "unknown"
        let old = try? credentials(request, context)
        let throttle = self.throttle
        let clock = self.clock
        return try await connections.signIn { c throws(DisclosureError) in
            let t = try c.signIn(
                name: name, password: password, totp: totp, kind: kind, address: address,
                throttle: throttle, clock: clock)
            // Whatever session the browser held before, it ends now: an id is never reused across a sign-in.
            if let old, old.viaCookie { try c.discard(token: old.token, address: address, clock: clock) }
            return t
        }
    }

    func expireCookie(_ response: inout Response, _ request: Request, _ context: DisclosureContext) {
        let https = settings.isHTTPS(request, context)
        response.setCookie(
            Cookie(
                name: SessionCookie.name(https: https), value: "", maxAge: 0, path: "/", secure: https, httpOnly: true,
                sameSite: .strict))
    }

    private func tokenJSON(_ t: TokenInfo) -> JSON {
        .object([
            ("id", .string(t.id)), ("label", .str(t.label)), ("created", .string(Moment(epoch: t.created).stamp)),
            ("expires", .string(Moment(epoch: t.expires).stamp)),
            ("last_used", t.lastUsed.map { .string(Moment(epoch: $0).stamp) } ?? .null),
        ])
    }
}

/// Runs `body`, whose every error is the domain's (its closures are untyped only for brevity).
func domain<T>(_ body: () throws -> T) throws(DisclosureError) -> T {
    do {
        return try body()
    } catch let e as DisclosureError {
        throw e
    } catch {
        FileHandle.standardError.write(Data("disclosure-server: unexpected error: \(error)\n".utf8))
        throw DisclosureError(.storage, zh: "服务器内部错误", en: "internal server error")
    }
}

// MARK: - Reading the request

/// The JSON object of the body as a form: 415 unless JSON, 413 past the limit, 400 unless an object
/// of strings, whole numbers, true/false and nulls.
func body(_ request: Request) async throws -> Form {
    let type = request.headers[.contentType]?.lowercased() ?? ""
    guard type.hasPrefix("application/json") else {
        throw APIError(
            .unsupportedMediaType, code: "unsupported-media-type", field: "Content-Type",
            zh: "请求内容须为 application/json", en: "the body must be application/json")
    }
    let buffer = try await request.body.collect(upTo: ServerLimits.jsonBody)
    let bytes = Data(buffer: buffer)
    let members: [String: BodyValue]
    do {
        members = try JSONDecoder().decode([String: BodyValue].self, from: bytes)
    } catch let DecodingError.typeMismatch(_, c) where !c.codingPath.isEmpty {
        throw APIError.body(
            "须为文字、整数、true/false 或 null", "must be a string, a whole number, true/false or null",
            field: c.codingPath.map(\.stringValue).joined(separator: "."))
    } catch {
        throw APIError.body("请求内容不是一个 JSON 对象", "the body is not a JSON object")
    }
    return Form(members.mapValues(\.value))
}

/// One member of a JSON body.
struct BodyValue: Decodable {
    let value: FormValue

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            value = .null
        } else if let b = try? c.decode(Bool.self) {
            value = .bool(b)
        } else if let n = try? c.decode(Int.self) {
            value = .int(n)
        } else if let s = try? c.decode(String.self) {
            value = .string(s)
        } else {
            throw DecodingError.typeMismatch(
                FormValue.self, .init(codingPath: c.codingPath, debugDescription: "not a scalar"))
        }
    }
}

/// The URL query as a form, without `lang` (the answer's language, read apart).
func query(_ request: Request) throws -> Form {
    var fields: [String: String] = [:]
    for (k, v) in request.uri.queryParameters where k != "lang" {
        let key = String(k)
        guard fields[key] == nil else {
            throw DisclosureError(.invalidValue, field: key, zh: "只能给出一次", en: "may be given once only")
        }
        fields[key] = String(v)
    }
    return Form(query: fields)
}

func parameter(_ context: DisclosureContext, _ name: String) throws -> String {
    guard let raw = context.parameters.get(name) else {
        throw DisclosureError(.missingField, field: name, zh: "必须填写", en: "is required")
    }
    return raw.removingPercentEncoding ?? raw
}

/// The case number in the path; another agency's is written with `%2F` for its `/`.
func caseNumber(_ context: DisclosureContext) throws -> CaseNumber {
    try CaseNumber.parse(try parameter(context, "number"), field: "number")
}
