import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird

/// A finished answer, made on a database thread and sent from the event loop.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var body: [UInt8]
    var contentType: String
    /// `Content-Disposition`, for downloads.
    var disposition: String?
    var location: String?
    /// `X-Case-Count`: how many cases an export holds (the CLI reports it, as it does locally).
    var caseCount: Int? = nil
    /// Further headers: a page's policy, its cookies.
    var headers = HTTPFields()

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, location: String? = nil) -> Reply {
        Reply(
            status: status, body: value.encoded(), contentType: "application/json; charset=utf-8", disposition: nil,
            location: location)
    }

    /// A view as JSON, or as the CLI's text when the client asked for `text/plain` (the CLI through
    /// the server prints what it would print on its own database).
    static func view(
        _ json: @autoclosure () -> JSON, text: @autoclosure () -> String, asText: Bool,
        status: HTTPResponse.Status = .ok, location: String? = nil
    ) -> Reply {
        guard asText else { return .json(json(), status: status, location: location) }
        return Reply(
            status: status, body: Array(text().utf8), contentType: "text/plain; charset=utf-8", disposition: nil,
            location: location)
    }

    static let noContent = Reply(status: .noContent, body: [], contentType: "", disposition: nil, location: nil)

    /// A file to save, never shown in the browser's window (attachments, notices).
    static func download(_ bytes: [UInt8], type: String, filename: String) -> Reply {
        // RFC 6266 / 5987: an ASCII fallback and the UTF-8 name percent-encoded.
        let ascii = String(
            filename.unicodeScalars.map {
                $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? Character($0) : "_"
            })
        let safe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: safe) ?? ascii
        return Reply(
            status: .ok, body: bytes, contentType: type,
            disposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)", location: nil)
    }

    func response() -> Response {
        var headers = self.headers
        if !contentType.isEmpty { headers[.contentType] = contentType }
        if let disposition { headers[.contentDisposition] = disposition }
        if let location { headers[.location] = location }
        if let caseCount, let name = HTTPField.Name("X-Case-Count") { headers[name] = String(caseCount) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The answer to a refused request: `{code, field, message}` with the status that fits the rule.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let field: String?
    let message: Text
    var retryAfter: Int?

    init(_ status: HTTPResponse.Status, code: String, field: String?, zh: String, en: String) {
        self.status = status
        self.code = code
        self.field = field
        self.message = Text(zh: zh, en: en)
    }

    init(_ e: DisclosureError) {
        status = APIError.status(of: e.code)
        code = e.code.rawValue
        // Domain fields are named as the CLI's options (`late-entry`); a JSON body names them with `_`.
        field = e.field.map { f in
            f.allSatisfy({ $0.isLowercase || $0 == "-" }) ? f.replacingOccurrences(of: "-", with: "_") : f
        }
        message = e.message
        retryAfter = e.retryAfter
    }

    /// The HTTP status of a domain error: bad input 400, no sign-in 401, role 403, unknown 404,
    /// a conflict or a locked record 409, a rule of the statute 422, throttled 429.
    static func status(of code: DisclosureError.Code) -> HTTPResponse.Status {
        switch code {
        case .invalidDate, .invalidValue, .missingField, .calendarFormat: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden: .forbidden
        case .unknownCase: .notFound
        case .conflict, .locked, .servedByServer: .conflict
        case .ruleViolation: .unprocessableContent
        case .throttled: .tooManyRequests
        case .storage, .io, .notInitialised, .schemaTooNew: .serviceUnavailable
        }
    }

    func response(_ lang: Language) -> Response {
        var response = Reply.json(
            .object([("code", .string(code)), ("field", .str(field)), ("message", .string(message(lang)))]),
            status: status
        ).response()
        if let retryAfter { response.headers[.retryAfter] = String(max(retryAfter, 1)) }
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"disclosure\"" }
        return response
    }

    static func body(_ zh: String, _ en: String, field: String? = "body") -> APIError {
        APIError(.badRequest, code: "invalid-body", field: field, zh: zh, en: en)
    }
}
