import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Every response: the security headers, any error as `{code, field, message}`, and one line of the
/// access log.
struct FrontMiddleware: RouterMiddleware {
    typealias Context = DisclosureContext
    let settings: ServerSettings

    func handle(
        _ request: Request, context: DisclosureContext,
        next: (Request, DisclosureContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let e as APIError {
            response = e.response(language(of: request))
        } catch let e as DisclosureError {
            response = APIError(e).response(language(of: request))
        } catch let e as any HTTPResponseError {
            response = APIError.fromHTTP(e.status).response(language(of: request))
        } catch {
            context.logger.error("unexpected error: \(String(describing: error))")
            response = APIError(
                .internalServerError, code: "internal", field: nil, zh: "服务器内部错误", en: "internal server error"
            ).response(language(of: request))
        }
        secure(&response.headers, https: settings.isHTTPS(request, context))
        let elapsed = ContinuousClock.now - started
        settings.accessLog(
            AccessLog.line(
                request: request, status: response.status.code, elapsed: elapsed,
                address: settings.clientAddress(request, context), account: context.notes.account, id: context.id))
        return response
    }

    private func secure(_ h: inout HTTPFields, https: Bool) {
        // The API serves data, never pages: nothing may load, frame or run from a response. A page sets
        // its own policy, no wider than its style sheet, script and forms need.
        if h[.contentSecurityPolicy] == nil {
            h[.contentSecurityPolicy] =
                "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        }
        h[.xContentTypeOptions] = "nosniff"
        h[.xFrameOptions] = "DENY"
        h[.referrerPolicy] = "no-referrer"
        h[.cacheControl] = "no-store"
        if https { h[.strictTransportSecurity] = "max-age=31536000" }
    }
}

/// The language of the answer: `?lang=en`, else the first of `Accept-Language`; Chinese by default.
func language(of request: Request) -> Language {
    if let l = request.uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return l }
    let accept = request.headers[.acceptLanguage] ?? ""
    return accept.lowercased().hasPrefix("en") ? .en : .zh
}

/// Whether the client wants the CLI's text rather than JSON: `Accept` names `text/plain` first.
func wantsText(_ request: Request) -> Bool {
    let first = (request.headers[.accept] ?? "").split(separator: ",").first ?? ""
    return first.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "text/plain"
}

extension APIError {
    /// A refusal made by the HTTP layer itself (no such route, method, body too large).
    static func fromHTTP(_ status: HTTPResponse.Status) -> APIError {
        switch status.code {
        case 404: APIError(status, code: "not-found", field: nil, zh: "没有这个地址", en: "no such resource")
        case 405:
            APIError(status, code: "method-not-allowed", field: nil, zh: "此地址不接受该方法", en: "method not allowed here")
        case 413:
            APIError(
                status, code: "too-large", field: "body", zh: "请求内容超过\(ServerLimits.jsonBody / 1024) KB",
                en: "the request body is over \(ServerLimits.jsonBody / 1024) KB")
        default:
            APIError(status, code: "http-\(status.code)", field: nil, zh: status.reasonPhrase, en: status.reasonPhrase)
        }
    }
}

/// The structured access log: one JSON object per request on standard output, for journald or a file.
enum AccessLog {
    static func line(
        request: Request, status: Int, elapsed: Duration, address: String?, account: String?, id: String
    ) -> [UInt8] {
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let stamp = Moment(epoch: Int(Date().timeIntervalSince1970)).stamp
        // The path without its query: a query may carry an applicant's name (`?q=`).
        let line = JSON.object([
            ("time", .string(stamp)), ("id", .string(id)), ("method", .string(request.method.rawValue)),
            ("path", .string(request.uri.path)), ("status", .int(status)),
            ("ms", .string(String(format: "%.1f", ms))), ("address", .str(address)), ("account", .str(account)),
        ])
        var bytes = line.compactEncoded()
        bytes.append(0x0A)
        return bytes
    }
}
