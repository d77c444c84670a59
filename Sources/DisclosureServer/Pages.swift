import DisclosureApp
import DisclosureCore
import DisclosureDocuments
import DisclosureStore
import Foundation
import HTTPTypes
import Hummingbird

/// The staff's pages: server-rendered HTML over the same use cases as the API, usable without
/// JavaScript. A browser session (cookie) only; every form carries the session's CSRF token.
struct Pages: Sendable {
    let api: API
    let pages: PageLibrary

    init(api: API, templates: String?) throws(DisclosureError) {
        self.api = api
        pages = try PageLibrary.load(directory: templates)
    }

    func routes(on router: Router<DisclosureContext>) {
        router.get("/") { _, _ in Reply.seeOther("/board").response() }
        router.get("style.css") { _, _ in
            Reply(
                status: .ok, body: Array(pages.styleSheet.utf8), contentType: "text/css; charset=utf-8",
                disposition: nil, location: nil
            ).response()
        }
        router.get("login") { request, context in try await loginPage(request, context) }
        router.post("login") { request, context in try await login(request, context) }
        router.post("logout") { request, context in
            var response = try await post(request, context) { desk, _, _ in
                try desk.signOutHere()
                return .seeOther("/login")
            }
            if response.status == .seeOther { api.expireCookie(&response, request, context) }
            return response
        }
        router.get("board") { request, context in
            try await page(request, context) { desk, lang, creds in try board(desk, lang, creds, request) }
        }
        router.get("cases") { request, context in
            try await page(request, context) { desk, lang, creds in try search(desk, lang, creds, request) }
        }
        router.post("submissions/:submission/confirm") { request, context in
            let number = try parameter(context, "submission")
            return try await post(request, context) { desk, lang, _, _ in
                let (_, record) = try desk.confirmSubmission(number)
                return flashed(
                    .seeOther(casePath(record.number)),
                    lang == .zh
                        ? "网上申请\(number)已确认，登记为 \(record.number)，收到日期为今天"
                        : "Submission \(number) confirmed as \(record.number), received today", [], lang)
            }
        }
        router.get("register") { request, context in
            try await page(request, context) { desk, lang, creds in
                try desk.requireRole(.register)
                return registrationForm(desk, lang, creds, values: [:], error: nil)
            }
        }
        router.post("register") { request, context in
            try await post(request, context) { desk, lang, creds, fields in
                do {
                    let form = try RegistrationForm.read(Form(query: fields))
                    let (record, warnings) = try desk.register(form.application, lateEntry: form.lateEntry)
                    return flashed(
                        .seeOther(casePath(record.number)),
                        lang == .zh ? "已登记为 \(record.number)" : "Registered as \(record.number)", warnings, lang)
                } catch let e as DisclosureError where e.code != .unauthenticated && e.code != .forbidden {
                    return registrationForm(desk, lang, creds, values: fields, error: e)
                }
            }
        }
        router.get("cases/:number") { request, context in
            let number = try caseNumber(context)
            return try await page(request, context) { desk, lang, creds in
                try casePage(desk, lang, creds, number, flash: flashCookie(request, context))
            }
        }
        router.get("cases/:number/steps/:kind") { request, context in
            let number = try caseNumber(context)
            let kind = try parameter(context, "kind")
            return try await page(request, context) { desk, lang, creds in
                try stepForm(desk, lang, creds, number, kind, values: [:], error: nil)
            }
        }
        router.post("cases/:number/steps/:kind") { request, context in
            let number = try caseNumber(context)
            let kind = try parameter(context, "kind")
            return try await post(request, context) { desk, lang, creds, fields in
                var all = fields
                all["kind"] = kind
                do {
                    let form = try StepForm.read(Form(query: all))
                    let (_, warnings) = try desk.record(form.step, on: number, date: form.on, lateEntry: form.lateEntry)
                    let title = FormFields.title(of: kind)(lang)
                    return flashed(
                        .seeOther(casePath(number)), lang == .zh ? "已登记：\(title)" : "Recorded: \(title)", warnings,
                        lang)
                } catch let e as DisclosureError where e.code != .unauthenticated && e.code != .forbidden {
                    return try stepForm(desk, lang, creds, number, kind, values: fields, error: e)
                }
            }
        }
        router.get("cases/:number/notices/:kind") { request, context in
            let number = try caseNumber(context)
            let kind = try NoticeKind.parse(try parameter(context, "kind"), field: "kind")
            let download = request.uri.queryParameters.get("download") != nil
            let templates = api.templates
            let body = api.settings.reconsiderationBody
            return try await page(request, context) { desk, _, _ in
                let record = try desk.viewNotice(number, kind: kind.rawValue)
                let notice = try desk.notice(
                    kind, of: record, settings: NoticeSettings(reconsiderationBody: body), templates: templates)
                let bytes = Array(notice.html().utf8)
                let name = "\(record.number.description.replacingOccurrences(of: "/", with: "_"))-\(kind.rawValue)"
                var reply =
                    download
                    ? Reply.download(bytes, type: "text/html; charset=utf-8", filename: name + ".html") : .page(bytes)
                reply.headers[.contentSecurityPolicy] = noticePolicy
                return reply
            }
        }
        router.get("cases/:number/attachments/:seq") { request, context in
            let number = try caseNumber(context)
            guard let seq = Int(try parameter(context, "seq")), seq >= 1 else { throw APIError.fromHTTP(.notFound) }
            return try await page(request, context) { desk, _, _ in
                let a = try desk.download(seq, of: number)
                return .download(a.content, type: "application/octet-stream", filename: a.info.name)
            }
        }
        exchangeRoutes(on: router)
        accountRoutes(on: router)
        router.get("upload.js") { _, _ in
            Reply(
                status: .ok, body: Array(pages.script.utf8), contentType: "text/javascript; charset=utf-8",
                disposition: nil, location: nil
            ).response()
        }
        router.get("reports") { request, context in
            try await page(request, context) { desk, lang, creds in try reports(desk, lang, creds, request) }
        }
        router.get("reports/stats.svg") { request, context in
            try await page(request, context) { desk, _, _ in
                let report = try desk.statistics(from: nil, to: nil, asOf: desk.today)
                return Reply(
                    status: .ok, body: Array(StatisticsText.chart(report, agency: desk.office.name).utf8),
                    contentType: "image/svg+xml", disposition: nil, location: nil)
            }
        }
        router.get("calendar") { request, context in
            let flash = flashCookie(request, context)
            return try await page(request, context) { desk, lang, creds in
                try calendarPage(desk, lang, creds, request, flash: flash)
            }
        }
        router.get("staff") { request, context in
            try await page(request, context) { desk, lang, creds in
                try staffPage(
                    desk, lang, creds, values: [:], error: nil, flash: flashCookie(request, context))
            }
        }
        router.post("staff") { request, context in
            try await post(request, context, slow: true) { desk, lang, creds, fields in
                do {
                    var f = Form(query: fields)
                    let roles = try Role.parseList(
                        Role.allCases.filter { fields["role_\($0.rawValue)"] == "on" }.map(\.rawValue)
                            .joined(separator: ","), field: "role")
                    let new = NewAccount(
                        name: try f.requiredText("name"), roles: roles, email: try f.text("email"),
                        password: try f.requiredText("password"))
                    let added = try desk.addStaff(new)
                    return flashed(
                        .seeOther("/staff"), lang == .zh ? "已添加账号 \(added.name)" : "Added \(added.name)", [], lang)
                } catch let e as DisclosureError where e.code != .unauthenticated && e.code != .forbidden {
                    return try staffPage(desk, lang, creds, values: fields, error: e, flash: nil)
                }
            }
        }
        router.post("staff/:name/:change") { request, context in
            let name = try parameter(context, "name")
            let change = try parameter(context, "change")
            return try await post(request, context, slow: change == "password") { desk, lang, creds, fields in
                do {
                    switch change {
                    case "grant", "revoke":
                        let roles = try Role.parseList(fields["role"] ?? "", field: "role")
                        _ = change == "grant" ? try desk.grant(roles, to: name) : try desk.revoke(roles, from: name)
                    case "disable", "enable": _ = try desk.setDisabled(name, change == "disable")
                    case "password": try desk.setPassword(of: name, to: fields["password"] ?? "")
                    default: throw APIError.fromHTTP(.notFound)
                    }
                    return flashed(.seeOther("/staff"), lang == .zh ? "已更改 \(name)" : "Changed \(name)", [], lang)
                } catch let e as DisclosureError where e.code != .unauthenticated && e.code != .forbidden {
                    return try staffPage(desk, lang, creds, values: [:], error: e, flash: nil)
                }
            }
        }
    }

    // MARK: - Running a page

    /// A page for the signed-in browser; without a session, the sign-in page (and back here after).
    /// `setup`: one of the pages an account may use before it sets up a required second factor.
    func page(
        _ request: Request, _ context: DisclosureContext, setup: Bool = false,
        _ body: @escaping @Sendable (Desk, Language, Credentials) throws -> Reply
    ) async throws -> Response {
        let lang = pageLanguage(request)
        guard let creds = try? api.credentials(request, context), creds.viaCookie else {
            return toLogin(request)
        }
        do {
            var response = try await api.reading(creds, request, context, setup: setup) { desk, _, creds in
                try body(desk, lang, creds)
            }
            remember(&response, request, https: api.settings.isHTTPS(request, context))
            if response.headers[.contentSecurityPolicy] == nil { response.headers[.contentSecurityPolicy] = pagePolicy }
            return response
        } catch let e as DisclosureError {
            return try refusal(e, request, lang)
        } catch let e as APIError {
            return errorPage(status: e.status, message: e.message(lang), lang: lang)
        }
    }

    /// A form posted by the signed-in browser: its CSRF token is checked before anything else.
    /// `checked`: the caller read the body and checked its CSRF token itself (an upload).
    func post(
        _ request: Request, _ context: DisclosureContext, slow: Bool = false, bulk: Bool = false,
        checked: Bool = false, setup: Bool = false,
        _ body: @escaping @Sendable (Desk, Language, Credentials, [String: String]) throws -> Reply
    ) async throws -> Response {
        let lang = pageLanguage(request)
        guard let creds = try? api.credentials(request, context), creds.viaCookie else {
            return toLogin(request)
        }
        var fields: [String: String] = [:]
        if !checked {
            fields = try await postedFields(request)
            let sent = fields.removeValue(forKey: "csrf_token") ?? ""
            guard constantTimeEqual(sent, Credentials.csrf(for: creds.token)) else { return csrfRefusal(lang) }
        }
        let posted = fields
        do {
            var response = try await api.writing(creds, request, context, slow: slow, setup: setup, bulk: bulk) {
                desk, _, creds in
                try body(desk, lang, creds, posted)
            }
            let https = api.settings.isHTTPS(request, context)
            if let text = response.headers[PageCookies.flashHeader] {
                response.headers[PageCookies.flashHeader] = nil
                response.setCookie(
                    Cookie(
                        name: PageCookies.name(PageCookies.flash, https: https), value: text, path: "/", secure: https,
                        httpOnly: true, sameSite: .strict))
            } else if flashCookie(request, context) != nil {
                clearFlash(&response, https: https)
            }
            response.headers[.contentSecurityPolicy] = pagePolicy
            return response
        } catch let e as DisclosureError {
            return try refusal(e, request, lang)
        } catch let e as APIError {
            return errorPage(status: e.status, message: e.message(lang), lang: lang)
        }
    }

    private func post(
        _ request: Request, _ context: DisclosureContext,
        _ body: @escaping @Sendable (Desk, Language, Credentials) throws -> Reply
    ) async throws -> Response {
        try await post(request, context) { desk, lang, creds, _ in try body(desk, lang, creds) }
    }

    /// A refusal as a page: to sign-in when the session is gone, else the message with its status.
    private func refusal(_ e: DisclosureError, _ request: Request, _ lang: Language) throws -> Response {
        if e.code == .unauthenticated { return toLogin(request) }
        // The office requires a second factor the account has not set up: that comes first.
        if e.code == .forbidden, e.field == "totp" { return Reply.seeOther("/account").response() }
        let status = APIError.status(of: e.code)
        if e.code == .storage {
            // The database's own words (its path, SQLite's message) are for the server's log.
            FileHandle.standardError.write(Data("disclosure-server: \(e.message.en)\n".utf8))
            return errorPage(
                status: status, message: lang == .zh ? "数据库暂时无法办理，请稍后再试或联系管理员" : "the database cannot do this now",
                lang: lang)
        }
        return errorPage(status: status, message: e.message(lang), lang: lang)
    }

    private func toLogin(_ request: Request) -> Response {
        let next = request.method == .get ? request.uri.path : "/board"
        return Reply.seeOther("/login?next=" + percentEncoded(next)).response()
    }

    /// After the language switch, the choice is kept for the next pages; the one-time message is spent.
    private func remember(_ response: inout Response, _ request: Request, https: Bool) {
        if let l = request.uri.queryParameters.get("lang"), Language(rawValue: String(l)) != nil {
            response.setCookie(
                Cookie(
                    name: PageCookies.name(PageCookies.language, https: https), value: String(l), path: "/",
                    secure: https, sameSite: .strict))
        }
        if request.cookies[PageCookies.name(PageCookies.flash, https: https)] != nil {
            clearFlash(&response, https: https)
        }
    }

    /// The one-time message the last redirect left, by the cookie's name for this connection.
    func flashCookie(_ request: Request, _ context: DisclosureContext) -> String? {
        request.cookies[PageCookies.name(PageCookies.flash, https: api.settings.isHTTPS(request, context))]?.value
    }

    private func clearFlash(_ response: inout Response, https: Bool) {
        response.setCookie(
            Cookie(
                name: PageCookies.name(PageCookies.flash, https: https), value: "", maxAge: 0, path: "/",
                secure: https, httpOnly: true, sameSite: .strict))
    }

    func csrfRefusal(_ lang: Language) -> Response {
        errorPage(
            status: .forbidden,
            message: lang == .zh
                ? "表单缺少或带有不符的 CSRF 令牌，未作任何更改。请返回、刷新页面后重新提交。"
                : "The form's CSRF token is missing or wrong; nothing was changed. Go back, reload and submit again.",
            lang: lang)
    }

    func errorResponse(_ status: HTTPResponse.Status, _ message: String, _ lang: Language) -> Response {
        errorPage(status: status, message: message, lang: lang)
    }

    private func errorPage(status: HTTPResponse.Status, message: String, lang: Language) -> Response {
        var context = bare(lang, title: lang == .zh ? "无法办理" : "Cannot be done")
        context["message"] = message
        context["status"] = status.code
        return Reply.page(pages.render("error", context), status: status).with(policy: pagePolicy).response()
    }

    // MARK: - Sign-in

    private func loginPage(_ request: Request, _ context: DisclosureContext) async throws -> Response {
        let lang = pageLanguage(request)
        let next = safeNext(request.uri.queryParameters.get("next").map { String($0) })
        return loginForm(
            lang, next: next, name: "", error: nil, totp: false, https: api.settings.isHTTPS(request, context))
    }

    private func loginForm(
        _ lang: Language, next: String, name: String, error: String?, totp: Bool, https: Bool
    ) -> Response {
        let token = formToken()
        var c = bare(lang, title: lang == .zh ? "登录" : "Sign in")
        c["login_token"] = token
        c["next"] = next
        c["name"] = name
        c["totp"] = totp
        if let error { c["error"] = error }
        var response = Reply.page(pages.render("login", c), status: error == nil ? .ok : .unauthorized)
            .with(policy: pagePolicy).response()
        response.setCookie(
            Cookie(
                name: PageCookies.name(PageCookies.login, https: https), value: token, path: "/", secure: https,
                httpOnly: true, sameSite: .strict))
        return response
    }

    private func login(_ request: Request, _ context: DisclosureContext) async throws -> Response {
        let lang = pageLanguage(request)
        var fields = try await postedFields(request)
        let next = safeNext(fields.removeValue(forKey: "next"))
        let sent = fields.removeValue(forKey: "login_token") ?? ""
        let https = api.settings.isHTTPS(request, context)
        let expected = request.cookies[PageCookies.name(PageCookies.login, https: https)]?.value ?? ""
        guard !expected.isEmpty, constantTimeEqual(sent, expected) else {
            return loginForm(
                lang, next: next, name: fields["name"] ?? "",
                error: lang == .zh ? "登录表单已失效（缺少 CSRF 令牌），请重新输入" : "the form expired (no CSRF token); try again",
                totp: false, https: https)
        }
        let name = fields["name"] ?? ""
        do {
            var f = Form(query: fields)
            let n = try f.requiredText("name")
            let password = try f.requiredText("password")
            let totp = try f.text("totp")
            try f.finish()
            let ticket = try await api.openSession(
                name: n, password: password, totp: totp, kind: .web, request, context)
            context.notes.account = ticket.account.name
            var response = Reply.seeOther(next).response()
            api.setSessionCookie(&response, token: ticket.token, request, context)
            return response
        } catch let e as DisclosureError {
            var response = loginForm(
                lang, next: next, name: name, error: e.message(lang),
                totp: e.field == "totp" || fields["totp"].map { !$0.isEmpty } == true, https: https)
            if e.code == .throttled {
                response.status = .tooManyRequests
                if let r = e.retryAfter { response.headers[.retryAfter] = String(max(r, 1)) }
            }
            return response
        }
    }

    /// Where to go after sign-in: a path of ours only, never another site.
    private func safeNext(_ next: String?) -> String {
        // Printable ASCII only (a tab or newline is dropped by browsers, turning `/\t/x` into `//x`),
        // one leading slash, no backslash: a path of ours, never another site.
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/login"),
            next.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }),
            URLComponents(string: next).map({ $0.scheme == nil && $0.host == nil }) == true
        else { return "/board" }
        return next
    }

    // MARK: - Page contexts

    /// What every page has before sign-in: the language and its switch.
    func bare(_ lang: Language, title: String) -> [String: Any] {
        ["zh": lang == .zh, "html_lang": lang == .zh ? "zh-CN" : "en", "title": title]
    }

    /// What every signed-in page has: the office, the account, the CSRF token and the menu it may use.
    func frame(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, title: String, active: String
    )
        -> [String: Any]
    {
        var c = bare(lang, title: title)
        c["office"] = desk.office.name
        c["csrf"] = Credentials.csrf(for: creds.token)
        if let a = desk.account {
            c["account"] = a.name
            c["roles"] = a.roles.sorted().map { $0.label(lang) }.joined(separator: lang == .zh ? "、" : ", ")
            c["can_register"] = !a.roles.isDisjoint(with: UseCase.register.roles)
            c["is_admin"] = a.has(.admin)
        }
        c["active_" + active] = true
        return c
    }

    func flashed(_ reply: Reply, _ message: String, _ warnings: [Text], _ lang: Language) -> Reply {
        var r = reply
        let text = ([message] + warnings.map { $0(lang) }).joined(separator: "\n")
        r.headers[PageCookies.flashHeader] = percentEncoded(String(text.prefix(1500)))
        return r
    }

    func flashLines(_ cookie: String?) -> [String] {
        guard let cookie, let text = cookie.removingPercentEncoding, !text.isEmpty else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    // MARK: - The board and the list

    private func board(_ desk: Desk, _ lang: Language, _ creds: Credentials, _ request: Request) throws -> Reply {
        var q = try query(request)
        let view = try q.text("view") ?? "all"
        let within = try q.int("within")
        try q.finish()
        guard ["all", "mine", "overdue", "stopped"].contains(view) else {
            throw DisclosureError(
                .invalidValue, field: "view", zh: "只能是 all、mine、overdue 或 stopped",
                en: "must be all, mine, overdue or stopped")
        }
        let asOf = desk.today
        let through = try desk.boardThrough(within: within, of: asOf)
        let r = Renderer(lang: lang, calendar: desk.calendar, asOf: asOf)
        let all = try desk.board(through: through)
        let shown = all.filter { s in
            switch view {
            case "mine": s.handlerID != nil && s.handlerID == desk.account?.id
            case "overdue": s.due.map { asOf > $0 } == true
            case "stopped": [.awaitingCorrection, .awaitingFee, .consulting].contains(r.status(s))
            default: true
            }
        }
        let overdue = shown.filter { s in s.due.map { asOf > $0 } == true }
        let (running, stopped) = r.boardOrder(shown)
        var c = frame(desk, lang, creds, title: lang == .zh ? "答复期限看板" : "Deadline board", active: "board")
        c["as_of"] = "\(asOf)（\(r.weekdayName(asOf))）"
        c["rows"] = (running + stopped).map { summaryRow($0, r) }
        c["count"] = shown.count
        c["overdue_count"] = overdue.count
        c["within"] = within.map(String.init) ?? ""
        c["views"] = [
            ("all", Text(zh: "全部未结", en: "All open")), ("mine", Text(zh: "分配给我", en: "Mine")),
            ("overdue", Text(zh: "已逾期", en: "Overdue")), ("stopped", Text(zh: "期限中止或等待中", en: "Clock stopped")),
        ].map { ["value": $0.0, "label": $0.1(lang), "selected": $0.0 == view] as [String: Any] }
        let pending = try desk.submissions(status: .pending)
        c["confirm_within"] = Portal.confirmWithin
        if !pending.isEmpty { c["submissions_count"] = pending.count }
        c["submissions"] = pending.map { s -> [String: Any] in
            let f = s.form
            return [
                "submission": s.number, "submitted_on": s.submittedOn.description, "applicant": f.applicant,
                "contact": f.contacts.joined(separator: " "),
                "request": f.request, "overdue": desk.overdueForConfirmation(s),
            ]
        }
        return .page(pages.render("board", c))
    }

    private func summaryRow(_ s: CaseSummary, _ r: Renderer) -> [String: Any] {
        let overdue = s.due.map { r.asOf > $0 } == true
        var state = r.status(s).label(r.lang)
        if r.status(s) == .consulting {
            let list = r.waiting(s).map { r.t("#\($0.id)至\($0.limit)", "#\($0.id) to \($0.limit)") }
            if !list.isEmpty { state += r.t("（", " (") + list.joined(separator: r.t("、", ", ")) + r.t("）", ")") }
        }
        return [
            "number": s.number.description, "href": casePath(s.number), "received": s.received.description,
            "due": r.dueText(s.due, provisional: s.provisional), "left": r.remaining(s), "status": state,
            "applicant": s.applicantName, "request": truncate(s.request, width: 60), "overdue": overdue,
        ]
    }

    private func search(_ desk: Desk, _ lang: Language, _ creds: Credentials, _ request: Request) throws -> Reply {
        let q = try query(request)
        let filter = try ListForm.read(q)
        let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
        var c = frame(desk, lang, creds, title: lang == .zh ? "查找案件" : "Find cases", active: "cases")
        c["q"] = filter.text ?? ""
        c["rows"] = try desk.list(filter).map { s -> [String: Any] in
            var row = summaryRow(s, r)
            row["outcome"] = s.outcome.map { "\($0.rawValue) \($0.label(lang))" } ?? "—"
            row["status"] = r.status(s).label(lang)
            return row
        }
        c["with_outcome"] = true
        return .page(pages.render("cases", c))
    }

    // MARK: - One case

    private func casePage(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, _ number: CaseNumber, flash: String?
    ) throws -> Reply {
        let record = try desk.view(number)
        let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
        let s = record.state
        var c = frame(desk, lang, creds, title: "\(lang == .zh ? "案件" : "Case") \(record.number)", active: "board")
        c["number"] = record.number.description
        c["status_label"] = s.status(asOf: max(desk.today, s.lastEventDate)).label(lang)
        c["channel_label"] = record.application.channel.label(lang)
        c["applicant_type_label"] = record.application.applicant.type.label(lang)
        c["form_label"] = record.application.form?.label(lang)
        c["outcome_label"] = s.outcome.map { "\($0.rawValue) \($0.label(lang))" }
        let json = r.caseJSON(record)
        c["case"] = templateValue(json)
        if case .int(let left)? = json["workdays_left"] {
            c["left"] =
                left < 0
                ? r.t("已逾期\(-left)个工作日", "overdue by \(-left) working days")
                : r.t("剩余\(left)个工作日", "\(left) working days left")
        }
        c["clock_lines"] = r.clockText(s).map { $0.trimmingCharacters(in: .whitespaces) }
        let marks = r.amendmentMarks(record)
        c["history_rows"] = record.events.map { e -> [String: Any] in
            var row: [String: Any] = [
                "seq": e.seq, "on": e.on.description, "actor": e.actor, "summary": r.eventSummary(e,
                    in: record) + (marks[e.seq] ?? ""),
                "recorded_at": e.recordedAt,
            ]
            if let l = e.lateEntry { row["late_entry"] = l }
            return row
        }
        c["attachments"] = try desk.attachments(of: number).map { a -> [String: Any] in
            [
                "seq": a.seq, "name": a.name, "kind": a.kind.label(lang), "size": a.size, "sha256": a.sha256,
                "added_by": a.addedBy, "added_at": a.addedAt,
                "href": casePath(number) + "/attachments/\(a.seq)",
            ]
        }
        c["next_steps"] = try desk.nextSteps(record).map { kind -> [String: Any] in
            ["title": FormFields.title(of: kind)(lang), "href": casePath(number) + "/steps/\(kind)"]
        }
        c["notices"] = Self.notices(for: s).map { k -> [String: Any] in
            ["title": k.label(lang), "href": casePath(number) + "/notices/\(k.rawValue)"]
        }
        c["flash"] = flashLines(flash)
        if desk.account.map({ !$0.roles.isDisjoint(with: UseCase.attach.roles) }) == true {
            c["can_attach"] = true
            c["attach_action"] = casePath(number) + "/attachments?csrf_token=" + Credentials.csrf(for: creds.token)
            c["attachment_kinds"] = AttachmentKind.allCases.map { ["value": $0.rawValue, "label": $0.label(lang)] }
        }
        return .page(pages.render("case", c))
    }

    /// The letters a case has reached: each needs the step it reports.
    static func notices(for s: CaseState) -> [NoticeKind] {
        var out: [NoticeKind] = [.receipt]
        if s.correction != nil { out.append(.correction) }
        if !s.consultations.isEmpty { out.append(.consultation) }
        if s.clock.extensionDays > 0 { out.append(.extension) }
        if s.clock.deferredTo != nil { out.append(.deferral) }
        if !s.fees.isEmpty { out.append(.fee) }
        if s.reply?.issued != nil { out.append(.reply) }
        if let o = s.outcome, o.group == 6, s.reply?.issued == nil { out.append(.closing) }
        return out
    }

    // MARK: - Forms

    func fieldModels(
        _ specs: [FieldSpec], values: [String: String], error: DisclosureError?, _ lang: Language
    )
        -> [[String: Any]]
    {
        let errorField = error?.field.map { $0.replacingOccurrences(of: "-", with: "_") }
        return specs.map { f in
            // Every key a field's template reads is set, false when empty: Mustache would otherwise find
            // the page's own `error` (or `hint`) and show it beside every field.
            var m: [String: Any] = [
                "name": f.name, "id": "f-" + f.name, "label": f.label(lang), "required": f.required,
                "value": values[f.name] ?? "", "error": false, "hint": false,
            ]
            if let h = f.hint { m["hint"] = h(lang) }
            if let error, let errorField,
                errorField == f.name || errorField.split(separator: "/").contains(Substring(f.name))
            {
                m["error"] = error.message(lang)
            }
            switch f.input {
            case .line: m["is_line"] = true
            case .paragraph: m["is_paragraph"] = true
            case .number: m["is_number"] = true
            case .date: m["is_date"] = true
            case .choice(let choices):
                m["is_choice"] = true
                m["options"] = choices.map { ch -> [String: Any] in
                    [
                        "value": ch.value, "label": ch.value == ch.label.zh ? ch.label(lang) : "\(ch.label(lang))",
                        "selected": values[f.name] == ch.value,
                    ]
                }
            case .yesNo(let yes, let no):
                m["is_yes_no"] = true
                m["options"] = [("true", yes), ("false", no)].map { v, l -> [String: Any] in
                    ["value": v, "label": l(lang), "checked": values[f.name] == v, "id": "f-\(f.name)-\(v)"]
                }
            }
            return m
        }
    }

    /// The error above a form: every refusal, and where the field is not on the form, the field it named.
    func formError(_ error: DisclosureError?, _ specs: [FieldSpec], _ lang: Language) -> String? {
        guard let error else { return nil }
        let field = error.field.map { $0.replacingOccurrences(of: "-", with: "_") }
        let label = specs.first { $0.name == field }?.label(lang)
        let what = label ?? field
        return what.map { "\($0)：\(error.message(lang))" } ?? error.message(lang)
    }

    private func stepForm(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, _ number: CaseNumber, _ kind: String,
        values: [String: String], error: DisclosureError?
    ) throws -> Reply {
        guard let useCase = UseCase.of(kind: kind) else { throw APIError.fromHTTP(.notFound) }
        // The form is for those who may record the step: others are told so before they type.
        try desk.requireRole(useCase)
        let record = try desk.load(number)
        let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
        let specs = FormFields.fields(of: kind) + FormFields.stepCommon
        var c = frame(desk, lang, creds, title: FormFields.title(of: kind)(lang), active: "board")
        c["number"] = record.number.description
        c["case_href"] = casePath(number)
        c["action"] = casePath(number) + "/steps/\(kind)"
        c["request"] = record.application.request
        c["status_label"] = record.state.status(asOf: desk.today).label(lang)
        c["due"] = r.dueText(record.state.clock.due, provisional: record.state.clock.provisional)
        c["fields"] = fieldModels(specs, values: values, error: error, lang)
        if let e = formError(error, specs, lang) { c["error"] = e }
        return .page(pages.render("step", c), status: error.map { APIError.status(of: $0.code) } ?? .ok)
    }

    private func registrationForm(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, values: [String: String], error: DisclosureError?
    ) -> Reply {
        var c = frame(desk, lang, creds, title: lang == .zh ? "登记申请" : "Register an application", active: "register")
        var v = values
        if v["received"] == nil { v["received"] = desk.today.description }
        c["fields"] = fieldModels(FormFields.registration, values: v, error: error, lang)
        if let e = formError(error, FormFields.registration, lang) { c["error"] = e }
        return .page(pages.render("register", c), status: error.map { APIError.status(of: $0.code) } ?? .ok)
    }

    // MARK: - Office pages

    private func reports(_ desk: Desk, _ lang: Language, _ creds: Credentials, _ request: Request) throws -> Reply {
        var q = try query(request)
        let year = try q.int("year") ?? desk.today.year
        try q.finish()
        guard (2008...desk.today.year).contains(year) else {
            throw DisclosureError(
                .invalidValue, field: "year", zh: "须在 2008 至 \(desk.today.year) 之间",
                en: "must be 2008 to \(desk.today.year)")
        }
        let report = try desk.annualReport(year: year)
        let stats = try desk.statistics(from: nil, to: nil, asOf: desk.today)
        var c = frame(desk, lang, creds, title: lang == .zh ? "报告与统计" : "Reports and statistics", active: "reports")
        c["year"] = year
        c["years"] = (max(2008, desk.today.year - 6)...desk.today.year).reversed().map { y -> [String: Any] in
            ["year": y, "selected": y == year]
        }
        c["annual"] = AnnualReportText.text(report, agency: desk.office.name, lang: lang)
        c["balanced"] = report.imbalances.isEmpty
        c["stats"] = StatisticsText.table(stats, asOf: desk.today, lang)
        return .page(pages.render("reports", c))
    }

    private func calendarPage(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, _ request: Request, flash: String?
    ) throws -> Reply {
        var q = try query(request)
        let year = try q.int("year") ?? desk.today.year
        try q.finish()
        guard (1900...9999).contains(year) else {
            throw DisclosureError(.invalidValue, field: "year", zh: "须为四位年份", en: "must be a four-digit year")
        }
        var c = frame(desk, lang, creds, title: lang == .zh ? "工作日历" : "Working calendar", active: "calendar")
        c["year"] = year
        c["years"] = try desk.calendarYears().map { y -> [String: Any] in
            ["year": y.year, "selected": y.year == year]
        }
        c["calendar"] = CalendarText.year(year, desk.calendar, lang)
        c["flash"] = flashLines(flash)
        return .page(pages.render("calendar", c))
    }

    private func staffPage(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, values: [String: String], error: DisclosureError?,
        flash: String?
    ) throws -> Reply {
        let accounts = try desk.staffList()
        var c = frame(desk, lang, creds, title: lang == .zh ? "工作人员账号" : "Staff accounts", active: "staff")
        c["accounts"] = accounts.filter { !$0.legacy }.map { a -> [String: Any] in
            [
                "name": a.name, "path": percentEncoded(a.name),
                "role_names": a.roles.sorted().map { "\($0.label(lang))（\($0.rawValue)）" }.joined(separator: "、"),
                "email": a.email ?? "—", "disabled": a.disabled, "created_at": a.createdAt,
            ]
        }
        c["roles"] = Role.allCases.map { role -> [String: Any] in
            [
                "value": role.rawValue, "label": role.label(lang), "id": "role-\(role.rawValue)",
                "checked": values["role_\(role.rawValue)"] == "on",
            ]
        }
        c["name"] = values["name"] ?? ""
        c["email"] = values["email"] ?? ""
        if let error {
            c["error"] = error.field.map { "\($0)：\(error.message(lang))" } ?? error.message(lang)
            c["error_field_" + (error.field ?? "none")] = true
        }
        c["flash"] = flashLines(flash)
        return .page(pages.render("staff", c), status: error.map { APIError.status(of: $0.code) } ?? .ok)
    }
}

/// The path of a case's page; another agency's number has its `/` encoded.
func casePath(_ number: CaseNumber) -> String {
    "/cases/" + number.description.replacingOccurrences(of: "/", with: "%2F")
}

extension Reply {
    func with(policy: String) -> Reply {
        var r = self
        r.headers[.contentSecurityPolicy] = policy
        return r
    }
}
