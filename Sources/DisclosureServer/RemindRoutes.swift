import DisclosureApp
import DisclosureCore
import Foundation
import Hummingbird
import Logging

extension API {
    /// `POST /api/v1/reminders` (head, admin): send today's reminders now, or with `dry_run` show them;
    /// `GET /api/v1/reminders`: whom they went to.
    func remindRoutes(_ v1: RouterGroup<DisclosureContext>) {
        v1.post("reminders") { request, context in
            let creds = try writeCredentials(request, context)
            var form = try await body(request)
            let within = try form.int("within") ?? settings.remindWithin
            let dryRun = try form.bool("dry_run") ?? false
            try form.finish()
            let asText = wantsText(request)
            let settings = self.settings
            return try await writing(creds, request, context) { desk, lang, _ in
                let sender = ReminderSender.account(desk.account?.name ?? "")
                if dryRun {
                    let list = try desk.reminderMessages(
                        within: within, sender: sender, from: settings.mailFrom, lang: lang)
                    return .view(
                        .array(
                            list.map { d, m in
                                .object([
                                    ("account", .string(d.account.name)), ("to", .str(m?.to)),
                                    ("subject", .str(m?.subject)),
                                    ("cases", .int(d.cases.count)),
                                ])
                            }), text: ReminderText.preview(list, lang), asText: asText)
                }
                guard let mail = settings.mail else {
                    throw DisclosureError(
                        .notInitialised, field: "sendmail", zh: "服务器未设置邮件命令（disclosure serve --sendmail）",
                        en: "the server has no mail command (disclosure serve --sendmail)")
                }
                let run = try desk.sendReminders(
                    within: within, sender: sender, mail: mail, from: settings.mailFrom, lang: lang)
                if let failure = ReminderText.failure(run) { throw failure }
                return .view(ReminderText.json(run, lang), text: ReminderText.run(run, lang), asText: asText)
            }
        }
        v1.get("reminders") { request, context in
            let creds = try credentials(request, context)
            var q = try query(request)
            let limit = try q.int("limit") ?? 200
            try q.finish()
            guard (1...10_000).contains(limit) else {
                throw DisclosureError(.invalidValue, field: "limit", zh: "须为1至10000", en: "must be 1 to 10,000")
            }
            return try await reading(creds, request, context) { desk, _, _ in
                .json(
                    .array(
                        try desk.reminderLog(limit: limit).map { r in
                            .object([
                                ("day", .string(r.day.description)), ("account", .string(r.account)),
                                ("address", .string(r.address)), ("cases", .int(r.cases)),
                                ("sent_at", .string(r.sentAt)), ("sent_by", .string(r.sentBy)),
                            ])
                        }))
            }
        }
    }

    /// Sends the reminders every day at `minutes` past midnight office time, and once at start-up when
    /// that time has passed today (a server restarted at noon still warns today; the log keeps it to once).
    func remindDaily(at minutes: Int, log: Logger) async {
        var first = true
        while !Task.isCancelled {
            let now = clock.now()
            let secondOfDay = (now.epoch + Moment.officeOffsetSeconds) % 86_400
            var wait = minutes * 60 - secondOfDay
            if wait <= 0 { wait = first ? 0 : wait + 86_400 }
            first = false
            if wait > 0 {
                do { try await Task.sleep(for: .seconds(wait)) } catch { return }
            }
            await remindNow(log: log)
            // Past the minute, so that the next turn waits for tomorrow.
            do { try await Task.sleep(for: .seconds(61)) } catch { return }
        }
    }

    /// One run of the server's own reminders, into the server's log.
    func remindNow(log: Logger) async {
        guard let mail = settings.mail else {
            log.notice("reminders: no mail command is set (disclosure serve --sendmail); none sent")
            return
        }
        let (clock, settings) = (self.clock, self.settings)
        do {
            let run = try await connections.write { c throws(DisclosureError) in
                try c.serviceDesk(clock: clock).sendReminders(
                    within: settings.remindWithin, sender: .server, mail: mail, from: settings.mailFrom, lang: .zh)
            }
            log.notice("reminders: \(ReminderText.run(run, .en).replacingOccurrences(of: "\n", with: "; "))")
        } catch {
            log.error("reminders: \(error)")
        }
    }
}
