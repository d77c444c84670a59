import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird

extension Pages {
    /// One's own account (password, the second factor), and the uploads of the case and calendar pages.
    func accountRoutes(on router: Router<DisclosureContext>) {
        router.get("account") { request, context in
            try await page(request, context, setup: true) { desk, lang, creds in
                try accountPage(desk, lang, creds, error: nil, flash: flashCookie(request, context))
            }
        }
        router.post("account/password") { request, context in
            try await post(request, context, slow: true, setup: true) { desk, lang, creds, fields in
                do {
                    guard fields["password"] == fields["repeat"] else {
                        throw DisclosureError(
                            .invalidValue, field: "repeat", zh: "两次输入的新密码不一致", en: "the two new passwords differ")
                    }
                    try desk.setPassword(
                        of: nil, to: fields["password"] ?? "",
                        current: fields["current"].flatMap { $0.isEmpty ? nil : $0 })
                    return flashed(.seeOther("/account"), lang == .zh ? "密码已更改" : "Password changed", [], lang)
                } catch let e as DisclosureError where e.field != "session" {
                    // A wrong current password is the form's error, not a lost session.
                    return try accountPage(desk, lang, creds, error: e, flash: nil)
                }
            }
        }
        router.post("account/totp") { request, context in
            try await post(request, context, setup: true) { desk, lang, creds, _ in
                let s = try desk.beginSecondFactor()
                var c = frame(
                    desk, lang, creds, title: lang == .zh ? "设置动态口令" : "Set up one-time codes", active: "account")
                c["secret"] = stride(from: 0, to: s.secret.count, by: 4).map { i -> String in
                    let a = s.secret.index(s.secret.startIndex, offsetBy: i)
                    return String(
                        s.secret[
                            a..<(s.secret.index(a, offsetBy: 4, limitedBy: s.secret.endIndex) ?? s.secret.endIndex)])
                }.joined(separator: " ")
                c["uri"] = s.uri
                return .page(pages.render("totp", c))
            }
        }
        router.post("account/totp/confirm") { request, context in
            try await post(request, context, setup: true) { desk, lang, creds, fields in
                do {
                    try desk.confirmSecondFactor(code: fields["code"] ?? "")
                    return flashed(
                        .seeOther("/account"), lang == .zh ? "动态口令已启用，此后登录须填写" : "One-time codes are on", [], lang)
                } catch let e as DisclosureError where e.code != .unauthenticated {
                    return try accountPage(desk, lang, creds, error: e, flash: nil)
                }
            }
        }
        router.post("cases/:number/attachments") { request, context in
            let number = try caseNumber(context)
            return try await upload(request, context, role: .attach, limit: Desk.attachmentLimit) {
                fields, name, path in
                let content = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
                let kind = try AttachmentKind.parse(fields["kind"] ?? "", field: "kind")
                let file = (name ?? "").split(separator: "/").last.map(String.init) ?? ""
                return try await post(request, context, checked: true) { desk, lang, _, _ in
                    let info = try desk.attach(content, name: file, kind: kind, to: number)
                    return flashed(
                        .seeOther(casePath(number)),
                        lang == .zh ? "已存入附件 \(info.name)（SHA-256 \(info.sha256)）" : "Stored \(info.name)", [], lang)
                }
            }
        }
        router.post("calendar/import") { request, context in
            try await upload(request, context, role: .calendar, limit: 1_000_000) { fields, name, path in
                let replace = fields["replace_official"] == "on"
                let reason = fields["reason"].flatMap { $0.isEmpty ? nil : $0 }
                return try await post(request, context, checked: true) { desk, lang, _, _ in
                    let (schedule, result) = try desk.importCalendar(
                        fileAt: path, origin: name ?? "calendar-upload", replaceOfficial: replace, reason: reason,
                        field: "file")
                    return flashed(
                        .seeOther("/calendar?year=\(schedule.year)"), CalendarText.imported(schedule, result, lang), [],
                        lang)
                }
            }
        }
    }

    private func accountPage(
        _ desk: Desk, _ lang: Language, _ creds: Credentials, error: DisclosureError?, flash: String?
    ) throws -> Reply {
        var c = frame(desk, lang, creds, title: lang == .zh ? "我的账号" : "My account", active: "account")
        c["must_set_up"] = try desk.mustSetUpSecondFactorNow()
        c["required"] = try desk.secondFactorRequired()
        if let error {
            c["error"] = error.field.map { "\($0)：\(error.message(lang))" } ?? error.message(lang)
        }
        c["flash"] = flashLines(flash)
        return .page(pages.render("account", c), status: error.map { APIError.status(of: $0.code) } ?? .ok)
    }
}
