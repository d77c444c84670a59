import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The staff pages' templates and style sheet: the shipped ones of forms/pages, or an office's own
/// from its template folder (`*.mustache`, `style.css`), as with the notice templates.
struct PageLibrary: Sendable {
    let library: MustacheLibrary
    let styleSheet: String
    /// The one script: the upload's progress (every page works without it).
    let script: String

    static func load(directory: String?) throws(DisclosureError) -> PageLibrary {
        var files = EmbeddedPages.files
        if let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for name in names where name.hasSuffix(".mustache") || name == "style.css" || name == "upload.js" {
                let path = (directory as NSString).appendingPathComponent(name)
                guard
                    let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) })
                else {
                    throw DisclosureError(
                        .io, field: "--templates", zh: "页面模板 \(name) 不是 UTF-8 文本",
                        en: "the page template \(name) is not UTF-8 text")
                }
                files[name] = text
            }
        }
        var library = MustacheLibrary()
        for (name, text) in files where name.hasSuffix(".mustache") {
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw DisclosureError(
                    .io, field: "--templates", zh: "页面模板 \(name) 有语法错误：\(error)",
                    en: "the page template \(name) does not parse: \(error)")
            }
        }
        return PageLibrary(library: library, styleSheet: files["style.css"] ?? "", script: files["upload.js"] ?? "")
    }

    /// The page `name` filled with `context`; every value is escaped by the template unless it uses
    /// triple braces, which the shipped templates keep for the chart and notices we render ourselves.
    func render(_ name: String, _ context: [String: Any]) -> [UInt8] {
        Array((library.render(context, withTemplate: name) ?? "template \(name) is missing").utf8)
    }
}

/// Values for templates: JSON views become dictionaries and arrays; nulls are left out, so that a
/// section on a missing value is simply not shown.
func templateValue(_ json: JSON) -> Any? {
    switch json {
    case .null: nil
    case .bool(let b): b
    case .int(let n): n
    case .string(let s): s
    case .array(let a): a.compactMap(templateValue)
    case .object(let fields):
        Dictionary(fields.compactMap { k, v in templateValue(v).map { (k, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}

/// The language of a page: `?lang=`, then the language cookie the switch sets, then `Accept-Language`.
func pageLanguage(_ request: Request) -> Language {
    if let l = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return l }
    let named = [PageCookies.name(PageCookies.language, https: true), PageCookies.language]
    if let l = named.lazy.compactMap({ request.cookies[$0]?.value }).first, let lang = Language(rawValue: l) {
        return lang
    }
    return language(of: request)
}

/// The cookies of the pages besides the session's.
enum PageCookies {
    static let language = "disclosure_lang"
    /// A one-time message for the page after a redirect (what was recorded, with its warnings).
    static let flash = "disclosure_flash"
    /// The sign-in form's own CSRF token (double submit): before sign-in there is no session to tie it to.
    static let login = "disclosure_login"

    /// Under HTTPS a cookie is `__Host-` (this host, path `/`, Secure): one planted by a sibling
    /// host or over plain HTTP has another name and is never read.
    static func name(_ base: String, https: Bool) -> String { https ? "__Host-" + base : base }

    /// A response header the pages' handlers set for the wrapper to turn into the flash cookie.
    static let flashHeader = HTTPField.Name("X-Disclosure-Flash")!
}

/// What a page's form sent: `application/x-www-form-urlencoded`, each field once.
func postedFields(_ request: Request) async throws -> [String: String] {
    let type = request.headers[.contentType]?.lowercased() ?? ""
    guard type.hasPrefix("application/x-www-form-urlencoded") else {
        throw APIError(
            .unsupportedMediaType, code: "unsupported-media-type", field: "Content-Type",
            zh: "表单须以 application/x-www-form-urlencoded 提交", en: "send the form as application/x-www-form-urlencoded")
    }
    let buffer = try await request.body.collect(upTo: ServerLimits.jsonBody)
    return try decodeURLEncoded(String(buffer: buffer))
}

/// `a=1&b=x+y` as fields; a field given twice, or badly percent-encoded, is refused by name.
func decodeURLEncoded(_ text: String) throws(DisclosureError) -> [String: String] {
    var out: [String: String] = [:]
    for pair in text.split(separator: "&") where !pair.isEmpty {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
        guard let key = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : "") else {
            throw DisclosureError(.invalidValue, field: "body", zh: "表单编码有误", en: "the form is badly encoded")
        }
        guard out[key] == nil else {
            throw DisclosureError(.invalidValue, field: key, zh: "只能给出一次", en: "may be given once only")
        }
        // Browsers send a textarea's line breaks as CRLF; the record keeps one kind.
        out[key] = value.replacingOccurrences(of: "\r\n", with: "\n")
    }
    return out
}

/// A fresh token for a form posted before any session (sign-in, the portal): 24 random bytes as hex.
func formToken() -> String {
    (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
}

/// A value for an HTML attribute or cookie: percent-encoded UTF-8.
func percentEncoded(_ s: String) -> String {
    s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
}

extension Reply {
    /// A page.
    static func page(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Reply {
        Reply(status: status, body: bytes, contentType: "text/html; charset=utf-8", disposition: nil, location: nil)
    }

    /// After a form is accepted: the browser fetches `location` with GET (303), so that reloading the
    /// page never posts the form a second time.
    static func seeOther(_ location: String) -> Reply {
        Reply(status: .seeOther, body: [], contentType: "", disposition: nil, location: location)
    }
}

/// The pages' content security policy: our own style sheet, script and images only, forms posted
/// to ourselves only, never framed.
let pagePolicy =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
    + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

/// A printable notice carries its own A4 styles inline; it runs no script and posts nothing.
let noticePolicy =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    + "form-action 'none'"
