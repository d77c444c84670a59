import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Case files (forms/case-file.xsd) in and out, through files in a private scratch folder: an export
/// of 100,000 cases or an import of one never sits in memory whole.
extension API {
    /// The largest case file accepted for import.
    static let importLimit = 2 * 1024 * 1024 * 1024

    func exchangeRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.get("calendar/days") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let (from, to) = (try q.requiredDate("from"), try q.requiredDate("to"))
            try q.finish()
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let infos = try desk.calendarDays(from: from, to: to)
                return .view(
                    .array(infos.map(CaseViews.calendarDay)), text: CalendarText.days(infos, desk.calendar, lang),
                    asText: asText)
            }
        }
        v1.post("calendar") { request, context in
            let creds = try writeCredentials(request, context)
            var q = try query(request)
            let replaceOfficial = try q.bool("replace_official") ?? false
            let reason = try q.text("reason")
            let origin = try q.text("name") ?? "calendar-upload"
            try q.finish()
            let scratch = try ScratchFile(purpose: "calendar")
            defer { scratch.remove() }
            try await scratch.receive(request.body, limit: 1_000_000)
            let path = scratch.path
            let asText = wantsText(request)
            return try await writing(creds, request, context, changesCalendar: true) { desk, lang, _ in
                let (schedule, result) = try desk.importCalendar(
                    fileAt: path, origin: origin, replaceOfficial: replaceOfficial, reason: reason, field: "body")
                return .view(
                    CaseViews.calendarImport(result), text: CalendarText.imported(schedule, result, lang),
                    asText: asText)
            }
        }
        v1.get("export") { request, context in
            let creds = try credentials(request, context)
            let form = try ExportForm.read(try query(request))
            let scratch = try ScratchFile(purpose: "export")
            do {
                let response = try await reading(creds, request, context, API.export(form, to: scratch))
                return scratch.streamed(response)
            } catch {
                scratch.remove()
                throw error
            }
        }
        v1.post("import") { request, context in
            let creds = try writeCredentials(request, context)
            var q = try query(request)
            let replace = try q.bool("replace") ?? false
            let restore = try q.bool("restore") ?? false
            let reason = try q.text("reason")
            try q.finish()
            let type = request.headers[.contentType]?.lowercased() ?? ""
            guard type.hasPrefix("application/xml") || type.hasPrefix("text/xml") else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported-media-type", field: "Content-Type",
                    zh: "案卷文件须以 application/xml 上传", en: "upload the case file as application/xml")
            }
            let scratch = try ScratchFile(purpose: "import")
            defer { scratch.remove() }
            try await scratch.receive(request.body, limit: API.importLimit)
            let path = scratch.path
            // On its own connection: an import of many parts lets the writer register between them.
            let asText = wantsText(request)
            return try await writing(creds, request, context, bulk: true) { desk, lang, _ in
                let report = try desk.importCases(path: path, replace: replace, restore: restore, reason: reason)
                return .view(CaseViews.importReport(report), text: ImportText.report(report, lang), asText: asText)
            }
        }
    }
}

extension API {
    /// The export as the API and the exchange page run it: the case file is written to `scratch`,
    /// which the caller streams as the answer's body; the reply carries the name and the count.
    static func export(
        _ form: ExportForm, to scratch: ScratchFile
    )
        -> @Sendable (Desk, Language, Credentials) throws
        -> Reply
    {
        { desk, _, _ in
            let count = try desk.exportCases(
                form.filter, to: scratch.path, redact: form.redact, withAttachments: form.withAttachments, force: true)
            var reply = Reply.download([], type: "application/xml; charset=utf-8", filename: "cases-\(desk.today).xml")
            reply.caseCount = count
            return reply
        }
    }
}

/// A file in a folder only this process may read, removed when done with.
struct ScratchFile: Sendable {
    let dir: String
    let path: String

    init(purpose: String) throws(DisclosureError) {
        var template = Array((NSTemporaryDirectory() + "disclosure-\(purpose)-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ b in b.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw DisclosureError(
                .io, field: "server", zh: "无法建立临时目录", en: "cannot make a scratch folder")
        }
        dir = String(cString: made)
        path = dir + "/case-file.xml"
    }

    func remove() {
        unlink(path)
        rmdir(dir)
    }

    /// Writes the request body to the file as it arrives; 413 past `limit`.
    func receive(_ body: RequestBody, limit: Int) async throws {
        // The folder is new and this process's alone: the file is made here, then written.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else {
            throw DisclosureError(.io, field: "server", zh: "无法写入临时文件", en: "cannot write the scratch file")
        }
        defer { try? handle.close() }
        var total = 0
        for try await buffer in body {
            total += buffer.readableBytes
            if total > limit {
                throw APIError(
                    .contentTooLarge, code: "too-large", field: "body",
                    zh: "案卷文件超过\(limit / 1_048_576) MB", en: "the case file is over \(limit / 1_048_576) MB")
            }
            try handle.write(contentsOf: Data(buffer: buffer))
        }
    }

    /// The response with the file as its body, read in pieces and removed once sent.
    func streamed(_ response: Response) -> Response {
        var response = response
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        let me = self
        response.body = ResponseBody(contentLength: size) { writer in
            defer { me.remove() }
            guard let handle = FileHandle(forReadingAtPath: me.path) else { throw APIError.fromHTTP(.notFound) }
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
        return response
    }
}
