import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation
import HTTPTypes
import Hummingbird

/// The applicants' pages (网上受理): apply and follow an application, server-rendered, usable on a
/// phone and without JavaScript, nothing loaded from elsewhere. No account; each form carries its own
/// token against cross-site posting (double submit, as the sign-in form).
struct PortalPages: Sendable {
    let pages: Pages
    var api: API { pages.api }
    static let tokenCookie = "disclosure_portal"

    func routes(on router: Router<DisclosureContext>) {
        router.get("/") { _, _ in Reply.seeOther("/apply").response() }
        router.get("style.css") { _, _ in
            Reply(
                status: .ok, body: Array(pages.pages.styleSheet.utf8), contentType: "text/css; charset=utf-8",
                disposition: nil, location: nil
            ).response()
        }
        router.get("apply") { request, context in
            try await applyForm(request, context, values: [:], error: nil)
        }
        router.post("apply") { request, context in
            var fields = try await postedFields(request)
            try checkToken(&fields, request, context)
            // Empty boxes are fields not given, as the JSON form leaves them out.
            let given = fields.filter { !$0.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
            let stored: StoredSubmission
            let code: String
            do {
                let form = try OnlineApplicationForm.read(Form(query: given))
                (stored, code) = try await api.submitOnline(form, request, context)
            } catch let e as DisclosureError where e.code != .throttled {
                return try await applyForm(request, context, values: fields, error: e)
            }
            let lang = pageLanguage(request)
            var c = try await frame(lang, title: lang == .zh ? "申请已提交" : "Application submitted")
            c["submission"] = stored.number
            c["code"] = code
            c["submitted_on"] = stored.submittedOn.description
            // A new token: reloading this page posts the form again with the old one, which is refused
            // rather than made a second submission.
            return withToken(&c, request, context, fresh: true) { pages.pages.render("applied", $0) }(.created)
        }
        router.get("track") { request, context in
            try await trackPage(request, context, number: "", found: nil, error: nil)
        }
        router.post("track") { request, context in
            var fields = try await postedFields(request)
            try checkToken(&fields, request, context)
            let number = (fields["submission"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            let lang = pageLanguage(request)
            let found = try await api.trackOnline(number, code: fields["code"] ?? "", request, context)
            let error =
                found == nil
                ? (lang == .zh ? "没有与此编号和查询码相符的申请，请核对后再试" : "No application matches this number and code")
                : nil
            return try await trackPage(request, context, number: number, found: found, error: error)
        }
    }

    /// What every portal page has: the language, its switch, the office's name.
    private func frame(_ lang: Language, title: String) async throws -> [String: Any] {
        var c = pages.bare(lang, title: title)
        c["office"] = try await api.connections.read { (conn: OfficeConnection) throws(DisclosureError) in
            conn.office.name
        }
        return c
    }

    private func applyForm(
        _ request: Request, _ context: DisclosureContext, values: [String: String], error: DisclosureError?
    ) async throws -> Response {
        let lang = pageLanguage(request)
        var c = try await frame(lang, title: lang == .zh ? "政府信息公开申请" : "Apply for government information")
        c["fields"] = pages.fieldModels(FieldSpec.onlineApplication, values: values, error: error, lang)
        if let e = pages.formError(error, FieldSpec.onlineApplication, lang) { c["error"] = e }
        let status = error.map { APIError.status(of: $0.code) } ?? .ok
        return withToken(&c, request, context) { pages.pages.render("apply", $0) }(status)
    }

    private func trackPage(
        _ request: Request, _ context: DisclosureContext, number: String, found: SubmissionTrack?, error: String?
    ) async throws -> Response {
        let lang = pageLanguage(request)
        var c = try await frame(lang, title: lang == .zh ? "查询办理进度" : "Follow an application")
        c["number"] = number
        if let error { c["error"] = error }
        if let found, let view = templateValue(CaseViews.track(found, lang)) { c["found"] = view }
        return withToken(&c, request, context) { pages.pages.render("track", $0) }(error == nil ? .ok : .notFound)
    }

    /// Renders with a fresh form token, set as a cookie beside the page.
    private func withToken(
        _ c: inout [String: Any], _ request: Request, _ context: DisclosureContext, fresh: Bool = false,
        _ render: @escaping ([String: Any]) -> [UInt8]
    ) -> (HTTPResponse.Status) -> Response {
        let https = api.settings.isHTTPS(request, context)
        // The browser's token while it has one, so that two tabs of the portal do not void each other.
        let kept = request.cookies[PageCookies.name(Self.tokenCookie, https: https)]?.value
        let token =
            !fresh && kept.map({ $0.count == 48 && $0.allSatisfy(\.isHexDigit) }) == true
            ? kept ?? "" : formToken()
        c["form_token"] = token
        let body = render(c)
        return { status in
            var response = Reply.page(body, status: status).with(policy: portalPolicy).response()
            response.setCookie(
                Cookie(
                    name: PageCookies.name(Self.tokenCookie, https: https), value: token, path: "/", secure: https,
                    httpOnly: true, sameSite: .strict))
            return response
        }
    }

    /// The form's token must be the one its page set: a form posted from another site has none.
    private func checkToken(
        _ fields: inout [String: String], _ request: Request, _ context: DisclosureContext
    ) throws {
        let sent = fields.removeValue(forKey: "form_token") ?? ""
        let name = PageCookies.name(Self.tokenCookie, https: api.settings.isHTTPS(request, context))
        let cookie = request.cookies[name]?.value ?? ""
        guard !sent.isEmpty, constantTimeEqual(sent, cookie) else {
            throw APIError(
                .forbidden, code: "csrf", field: "form_token", zh: "表单已过期，请刷新页面后重新提交",
                en: "the form has expired: reload the page and send it again")
        }
    }
}

/// The portal's pages: our own style sheet, forms posted to ourselves, no script at all.
let portalPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    + "base-uri 'none'"
