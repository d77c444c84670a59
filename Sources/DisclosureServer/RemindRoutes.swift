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
            if dryRun {
                return try await reading(creds, request, context) { desk, lang, _ in
                    let sender = ReminderSender.account(desk.account?.name ?? "")
                    let list = try desk.reminderMessages(
                        within: within, sender: sender, from: settings.mailFrom, lang: lang)
                    return .view(
                        .array(
                            list.map { d, m in
                                .object([
                                    ("account", .string(d.account.name)), ("to", .str(m?.to)),
                                    ("subject", .str(m?.subject)), ("cases", .int(d.cases.count)),
                                ])
                            }), text: ReminderText.preview(list, lang), asText: asText)
                }
            }
            guard let mail = settings.mail else {
                throw DisclosureError(
                    .notInitialised, field: "sendmail", zh: "服务器未设置邮件命令（disclosure serve --sendmail）",
                    en: "the server has no mail command (disclosure serve --sendmail)")
            }
            let lang = language(of: request)
            let clock = self.clock
            let notes = context.notes
            let desk: @Sendable (OfficeConnection) throws(DisclosureError) -> Desk = { c throws(DisclosureError) in
                let d = try c.desk(token: creds.token, kinds: creds.kinds, address: creds.address, clock: clock)
                notes.account = d.account?.name
                return d
            }
            let run = try await remind(
                within: within, mail: mail, lang: lang,
                plan: { c throws(DisclosureError) in
                    let d = try desk(c)
                    let who = ReminderSender.account(d.account?.name ?? "")
                    let (run, due) = try d.planReminders(
                        within: within, sender: who, from: settings.mailFrom, lang: lang)
                    return (run, due, who)
                },
                record: { c, digest, message, who throws(DisclosureError) in
                    try desk(c).recordReminder(digest, message, sender: who)
                })
            if let failure = ReminderText.failure(run) { throw failure }
            return Reply.view(ReminderText.json(run, lang), text: ReminderText.run(run, lang), asText: asText)
                .response()
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

    /// Plans on a reader, sends each message on a thread of its own with no database connection
    /// held (a slow mail server must not stop the office's writes), and records each sent one.
    func remind(
        within: Int, mail: MailCommand, lang: Language,
        plan:
            @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> (
                ReminderRun, [(ReminderDigest, MailMessage)], ReminderSender
            ),
        record:
            @escaping @Sendable (OfficeConnection, ReminderDigest, MailMessage, ReminderSender) throws(DisclosureError)
            -> Void
    ) async throws -> ReminderRun {
        let (planned, due, sender) = try await connections.read(plan)
        var run = planned
        for (digest, message) in due {
            let sent: DisclosureError? = await withCheckedContinuation { done in
                DispatchQueue.global().async {
                    do throws(DisclosureError) {
                        try mail.send(message)
                        done.resume(returning: nil)
                    } catch {
                        done.resume(returning: error)
                    }
                }
            }
            if let sent {
                run.failures.append((digest.account.name, sent))
                continue
            }
            try await connections.write { c throws(DisclosureError) in try record(c, digest, message, sender) }
            run.sent.append((digest.account.name, message.to, digest.cases.count))
        }
        return run
    }

    /// One run of the server's own reminders, into the server's log.
    func remindNow(log: Logger) async {
        guard let mail = settings.mail else {
            log.notice("reminders: no mail command is set (disclosure serve --sendmail); none sent")
            return
        }
        let (clock, settings) = (self.clock, self.settings)
        do {
            let run = try await remind(
                within: settings.remindWithin, mail: mail, lang: .zh,
                plan: { c throws(DisclosureError) in
                    let (run, due) = try c.serviceDesk(clock: clock).planReminders(
                        within: settings.remindWithin, sender: .server, from: settings.mailFrom, lang: .zh)
                    return (run, due, ReminderSender.server)
                },
                record: { c, digest, message, who throws(DisclosureError) in
                    try c.serviceDesk(clock: clock).recordReminder(digest, message, sender: who)
                })
            log.notice("reminders: \(ReminderText.run(run, .en).replacingOccurrences(of: "\n", with: "; "))")
        } catch {
            log.error("reminders: \(error)")
        }
    }
}
