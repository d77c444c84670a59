import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird

extension Pages {
    /// Export by download and import by upload (multipart, as a plain form sends a file; the page's
    /// script shows the upload's progress where scripts run).
    func exchangeRoutes(on router: Router<DisclosureContext>) {
        router.get("exchange") { request, context in
            try await page(request, context) { desk, lang, creds in
                var c = frame(desk, lang, creds, title: lang == .zh ? "案卷交换" : "Case file exchange", active: "exchange")
                c["is_head"] = desk.account?.has(.head) == true
                c["year"] = desk.today.year
                c["statuses"] = CaseStatus.allCases.map { ["value": $0.rawValue, "label": $0.label(lang)] }
                return .page(pages.render("exchange", c))
            }
        }
        router.get("exchange/export") { request, context in
            var q = try query(request)
            // A form sends an empty field for what it leaves alone, and “on” for a ticked box.
            var fields: [String: String] = [:]
            for name in ["cases", "year", "status", "closed_from", "closed_through"] {
                if let v = try q.text(name) { fields[name] = v }
            }
            for name in ["all", "redact", "with_attachments"] where try q.text(name) == "on" { fields[name] = "true" }
            try q.finish()
            let form = try ExportForm.read(Form(query: fields))
            let scratch = try ScratchFile(purpose: "export")
            do {
                let response = try await page(request, context, API.export(form, to: scratch))
                guard response.status == .ok else {
                    scratch.remove()
                    return response
                }
                return scratch.streamed(response)
            } catch {
                scratch.remove()
                throw error
            }
        }
        router.post("exchange/import") { request, context in
            try await upload(request, context, role: .importCases, limit: API.importLimit, next: "/exchange") {
                fields, _, path in
                let replace = fields["replace"] == "on"
                let reason = fields["reason"].flatMap { $0.isEmpty ? nil : $0 }
                return try await post(request, context, bulk: true, checked: true) { desk, lang, creds, _ in
                    var c = frame(desk, lang, creds, title: lang == .zh ? "导入结果" : "Import result", active: "exchange")
                    do {
                        let report = try desk.importCases(path: path, replace: replace, reason: reason)
                        c["report"] = ImportText.report(report, lang)
                        return .page(pages.render("imported", c))
                    } catch let e as DisclosureError where e.code != .unauthenticated && e.code != .forbidden {
                        c["error"] = e.field.map { "\($0)：\(e.message(lang))" } ?? e.message(lang)
                        return .page(pages.render("imported", c), status: APIError.status(of: e.code))
                    }
                }
            }
        }
    }

    /// A file posted by a page's form (multipart, the token in the form's address): the session, the
    /// token and the role are settled before the file is read; `body` gets the other fields, the file's
    /// name and a scratch copy, removed afterwards. A refusal of the file is a page naming the field.
    func upload(
        _ request: Request, _ context: DisclosureContext, role: UseCase, limit: Int, next: String? = nil,
        _ body: ([String: String], String?, String) async throws -> Response
    ) async throws -> Response {
        let lang = pageLanguage(request)
        guard let creds = try? api.credentials(request, context), creds.viaCookie else {
            return Reply.seeOther(next.map { "/login?next=" + percentEncoded($0) } ?? "/login").response()
        }
        let sent = request.uri.queryParameters.get("csrf_token").map { String($0) } ?? ""
        guard constantTimeEqual(sent, Credentials.csrf(for: creds.token)) else { return csrfRefusal(lang) }
        let allowed = try await page(request, context) { desk, _, _ in
            try desk.requireRole(role)
            return .noContent
        }
        guard allowed.status == .noContent else { return allowed }
        guard let boundary = Multipart.boundary(request.headers[.contentType] ?? "") else {
            return errorResponse(
                .unsupportedMediaType, lang == .zh ? "请以页面的表单选择文件上传" : "upload the file with the page's form", lang)
        }
        let raw = try ScratchFile(purpose: "upload")
        defer { raw.remove() }
        let file = try ScratchFile(purpose: "file")
        defer { file.remove() }
        do {
            try await raw.receive(request.body, limit: limit + 64 * 1024)
            let (fields, name) = try Multipart.extract(raw.path, boundary: boundary, file: "file", into: file.path)
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            guard size <= limit else {
                throw DisclosureError(
                    .invalidValue, field: "file", zh: "文件超过\(limit / 1_000_000) MB",
                    en: "the file is over \(limit / 1_000_000) MB")
            }
            return try await body(fields, name, file.path)
        } catch let e as DisclosureError {
            return errorResponse(
                APIError.status(of: e.code), e.field.map { "\($0)：\(e.message(lang))" } ?? e.message(lang), lang)
        } catch let e as APIError {
            return errorResponse(e.status, e.message(lang), lang)
        }
    }
}

/// The one file part of a `multipart/form-data` body, and its small fields.
enum Multipart {
    /// A parameter of a part's Content-Disposition, matched by its exact name (`name`, not the
    /// `name` inside `filename`).
    static func parameter(_ key: String, of head: String) -> String? {
        for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
            for item in line.split(separator: ";").dropFirst() {
                let kv = item.trimmingCharacters(in: .whitespaces)
                guard kv.hasPrefix(key + "=") else { continue }
                return String(kv.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for part in contentType.split(separator: ";") {
            let p = part.trimmingCharacters(in: .whitespaces)
            if p.lowercased().hasPrefix("boundary=") {
                let b = String(p.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty || b.count > 200 ? nil : b
            }
        }
        return nil
    }

    /// Copies the part named `file` from the body at `path` to `into`; returns the other fields and
    /// the file's name as the browser gave it.
    /// The body is mapped, not read into memory: a case file may be gigabytes.
    static func extract(
        _ path: String, boundary: String, file name: String, into: String
    ) throws -> (
        fields: [String: String], filename: String?
    ) {
        func bad(_ zh: String, _ en: String) -> DisclosureError {
            DisclosureError(.invalidValue, field: "file", zh: zh, en: en)
        }
        let body = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        let delimiter = Data("--\(boundary)".utf8)
        let crlf2 = Data("\r\n\r\n".utf8)
        var fields: [String: String] = [:]
        var found = false
        var filename: String?
        guard var start = body.range(of: delimiter)?.upperBound else {
            throw bad("上传内容不完整", "the upload is incomplete")
        }
        while let next = body.range(of: Data("\r\n".utf8) + delimiter, in: start..<body.endIndex) {
            guard let headEnd = body.range(of: crlf2, in: start..<next.lowerBound) else { break }
            let head = String(decoding: body[start..<headEnd.lowerBound], as: UTF8.self)
            let content = body[headEnd.upperBound..<next.lowerBound]
            let partName = parameter("name", of: head)
            if partName == name {
                filename = head.range(of: "filename=\"").map { r in String(head[r.upperBound...].prefix { $0 != "\"" })
                }
                guard
                    FileManager.default.createFile(atPath: into, contents: nil, attributes: [.posixPermissions: 0o600]),
                    let h = FileHandle(forWritingAtPath: into)
                else {
                    throw DisclosureError(.io, field: "server", zh: "无法写入临时文件", en: "cannot write the scratch file")
                }
                var i = content.startIndex
                while i < content.endIndex {
                    let j = min(i + (1 << 20), content.endIndex)
                    try h.write(contentsOf: content[i..<j])
                    i = j
                }
                try h.close()
                found = !content.isEmpty
            } else if let partName, content.count <= 4096 {
                fields[partName] = String(decoding: content, as: UTF8.self)
            }
            start = next.upperBound
        }
        guard found else { throw bad("请选择要上传的文件", "choose the file to upload") }
        return (fields, filename)
    }
}
