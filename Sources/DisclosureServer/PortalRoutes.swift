import DisclosureApp
import DisclosureCore
import DisclosureStore
import Hummingbird
import Synchronization

/// Which of the server's listeners are bound: the database records the server only once all are, so
/// that a start that fails on the portal's address leaves the file as it was.
final class Listeners: Sendable {
    let staff = Atomic<Bool>(false)
    let portal = Atomic<Bool>(false)
}

/// The portal's limits: submissions per address and per contact, look-ups and wrong codes per address.
struct PortalLimits: Sendable {
    let submitsPerAddress = WindowLimiter(limit: 5, seconds: 3_600)
    let submitsPerContact = WindowLimiter(limit: 5, seconds: 86_400)
    let lookupsPerAddress = WindowLimiter(limit: 60, seconds: 600)
    let wrongCodesPerAddress = WindowLimiter(limit: 10, seconds: 3_600)
}

/// The key an address is limited by: an IPv4 address whole, an IPv6 address by its /64 (one household
/// or phone holds a whole /64, and would otherwise have unlimited submissions).
func limitKey(_ address: String?) -> String {
    guard let address else { return "address:unknown" }
    guard address.contains(":") else { return "address:" + address }
    var groups = address.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    // "::" stands for the zero groups: expand it so that the first four groups are the prefix.
    if let gap = groups.firstIndex(of: ""), groups.count < 8 {
        let fill = Array(repeating: "0", count: 8 - groups.filter { !$0.isEmpty }.count)
        groups = groups[..<gap].filter { !$0.isEmpty } + fill + groups[(gap + 1)...].filter { !$0.isEmpty }
    }
    return "address6:" + groups.prefix(4).map { $0.isEmpty ? "0" : $0.lowercased() }.joined(separator: ":")
}

extension API {
    /// What anyone may call without an account: apply, and follow an application with its query code.
    /// These are the only routes of the public listener.
    func publicRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.post("applications") { request, context in
            let form = try OnlineApplicationForm.read(try await body(request))
            let (stored, code) = try await submitOnline(form, request, context)
            let lang = language(of: request)
            return Reply.json(
                .object([
                    ("submission", .string(stored.number)), ("query_code", .string(code)),
                    ("submitted_on", .string(stored.submittedOn.description)), ("stage", .string("pending")),
                    (
                        "message",
                        .string(
                            lang == .zh
                                ? "已提交。本机关确认后，以确认之日为收到申请之日（条例第三十一条）。查询码只显示这一次，请妥善保存。"
                                : "Submitted. Once the office confirms it, the day of confirmation is the day the "
                                    + "application is received (art. 31). The query code is shown only this once: "
                                    + "keep it.")
                    ),
                ]), status: .created, location: "/api/v1/applications/\(stored.number)"
            ).response()
        }
        v1.get("applications/:submission") { request, context in
            let number = try parameter(context, "submission")
            var q = try query(request)
            let code = try q.text("code") ?? ""
            try q.finish()
            let lang = language(of: request)
            guard let found = try await trackOnline(number, code: code, request, context) else {
                throw APIError(
                    .notFound, code: "not-found", field: "code", zh: "没有与此编号和查询码相符的申请",
                    en: "no application matches this number and query code")
            }
            return Reply.json(CaseViews.track(found, lang)).response()
        }
    }

    /// Stores an application made online, within the limits per address and per contact.
    func submitOnline(
        _ form: OnlineApplication, _ request: Request, _ context: DisclosureContext
    ) async throws -> (StoredSubmission, String) {
        let now = clock.now().epoch
        let address = limitKey(settings.clientAddress(request, context))
        try portalLimits.submitsPerAddress.take([address], now: now, field: "address")
        try portalLimits.submitsPerContact.take(OnlineApplicationForm.contactKeys(form), now: now, field: "contact")
        return try await connections.write { (c: OfficeConnection) throws(DisclosureError) in
            try c.portal(clock: clock).submit(form)
        }
    }

    /// Where a submission stands, for its query code; nil for a wrong code or an unknown number, which
    /// count toward the address's limit of wrong codes.
    func trackOnline(
        _ number: String, code: String, _ request: Request, _ context: DisclosureContext
    ) async throws -> SubmissionTrack? {
        let now = clock.now().epoch
        let address = limitKey(settings.clientAddress(request, context))
        try portalLimits.lookupsPerAddress.take([address], now: now, field: "code")
        // Past too many wrong codes, the address waits, even with the right one: guessing stays hopeless.
        try portalLimits.wrongCodesPerAddress.check([address], now: now, field: "code")
        let found = try await connections.read { (c: OfficeConnection) throws(DisclosureError) in
            try c.portal(clock: clock).track(number: number, code: code)
        }
        if found == nil { try? portalLimits.wrongCodesPerAddress.take([address], now: now, field: "code") }
        return found
    }

    /// The staff's side of the portal: the queue of pending submissions, and confirming one.
    func submissionRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.get("applications") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let statusText = try q.text("status")
            try q.finish()
            let status = try statusText.map { (s: String) throws(DisclosureError) -> SubmissionStatus in
                guard let v = SubmissionStatus(rawValue: s) else {
                    throw DisclosureError(
                        .invalidValue, field: "status", zh: "只能是 pending、confirmed 或 declined",
                        en: "must be pending, confirmed or declined")
                }
                return v
            }
            let asText = wantsText(request)
            return try await reading(creds, request, context) { desk, lang, _ in
                let list = try desk.submissions(status: status)
                return .view(
                    .array(list.map { CaseViews.submission($0, overdue: desk.overdueForConfirmation($0)) }),
                    text: SubmissionText.text(list, overdue: desk.overdueForConfirmation, lang), asText: asText)
            }
        }
        v1.post("applications/:submission/decline") { request, context in
            let creds = try writeCredentials(request, context)
            let number = try parameter(context, "submission")
            var form = try await body(request)
            let reason = try form.requiredText("reason")
            try form.finish()
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let s = try desk.declineSubmission(number, reason: reason)
                return .view(
                    CaseViews.submission(s, overdue: false),
                    text: SubmissionText.text([s], overdue: { _ in false }, lang), asText: asText)
            }
        }
        v1.post("applications/:submission/confirm") { request, context in
            let creds = try writeCredentials(request, context)
            let number = try parameter(context, "submission")
            let form = try await body(request)
            try form.finish()
            let asText = wantsText(request)
            return try await writing(creds, request, context) { desk, lang, _ in
                let (_, record) = try desk.confirmSubmission(number)
                // The answer shows the applicant's data, as registering does: on the access record.
                try desk.shown(record)
                let r = Renderer(lang: lang, calendar: desk.calendar, asOf: desk.today)
                return .view(
                    r.caseJSON(record, warnings: []), text: r.registered(record, warnings: []), asText: asText,
                    status: .created, location: "/api/v1/cases/\(record.number)")
            }
        }
    }
}
