import DisclosureCore
import DisclosureStore
import Foundation

/// Why a case is in a reminder.
public enum ReminderReason: String, Sendable, CaseIterable {
    case overdue
    case dueSoon = "due-soon"
    case consulting

    public var label: Text {
        switch self {
        case .overdue: Text(zh: "已逾期", en: "Overdue")
        case .dueSoon: Text(zh: "即将到期", en: "Due soon")
        case .consulting: Text(zh: "等待征求意见答复", en: "Waiting on consultations")
        }
    }
}

/// One staff member's digest: the cases they must act on, by reason.
public struct ReminderDigest: Sendable {
    public let account: Account
    public let cases: [(reason: ReminderReason, summary: CaseSummary)]
    /// For a head: the online submissions left unconfirmed past `Portal.confirmWithin` working days.
    public var submissions: [String] = []
}

/// Who sends reminders: the server's daily job, cron (`disclosure remind` on the file), or an account.
public enum ReminderSender: Sendable {
    case server, cron
    case account(String)
    var name: String {
        switch self {
        case .server: "server"
        case .cron: "cron"
        case .account(let n): n
        }
    }
}

/// What one run of the reminders did, account by account.
public struct ReminderRun: Sendable {
    public var sent: [(account: String, address: String, cases: Int)] = []
    /// Already reminded today (by cron, the server or a head), not sent again.
    public var skipped: [String] = []
    /// No e-mail address, or an address the mail command cannot take.
    public var withoutAddress: [String] = []
    public var failures: [(account: String, error: DisclosureError)] = []
    /// Today is no working day: the daily run sent nothing.
    public var notWorkday = false
}

/// The reminder rules: who hears of which cases (handlers of their own, heads of all), and when a
/// case is worth a line (overdue, due within the window, or waiting on a consultation).
public enum Reminders {
    /// The default window in working days: a week's notice before the reply is due.
    public static let defaultWithin = 5

    /// The digests for `accounts`, from the office's open cases, as seen on `asOf`.
    public static func digests(
        open cases: [CaseSummary], accounts: [Account], asOf: CivilDate, through: CivilDate, views: CaseViews,
        unconfirmed: [String] = []
    ) -> [ReminderDigest] {
        var flagged: [(ReminderReason, CaseSummary)] = []
        for s in cases {
            if let due = s.due, asOf > due {
                flagged.append((.overdue, s))
            } else if let due = s.due, due <= through {
                flagged.append((.dueSoon, s))
            } else if views.status(s) == .consulting {
                flagged.append((.consulting, s))
            }
        }
        var out: [ReminderDigest] = []
        for a in accounts where !a.disabled && !a.legacy {
            let mine: [(ReminderReason, CaseSummary)]
            if a.has(.head) {
                mine = flagged
            } else if a.has(.handler) {
                mine = flagged.filter { $0.1.handlerID == a.id }
            } else {
                continue
            }
            // The head answers for the office's clock: submissions held back unconfirmed delay it unlawfully.
            let held = a.has(.head) ? unconfirmed : []
            if !mine.isEmpty || !held.isEmpty {
                out.append(
                    ReminderDigest(
                        account: a, cases: mine.map { (reason: $0.0, summary: $0.1) }, submissions: held))
            }
        }
        return out
    }

    /// The subject line of a digest.
    public static func subject(_ d: ReminderDigest, asOf: CivilDate, office: String, lang: Language) -> String {
        let counts = ReminderReason.allCases.compactMap { r -> String? in
            let n = d.cases.filter { $0.reason == r }.count
            return n == 0 ? nil : (lang == .zh ? "\(r.label.zh)\(n)件" : "\(r.label.en): \(n)")
        } + (d.submissions.isEmpty ? [] : [
            lang == .zh ? "网上申请待确认\(d.submissions.count)件" : "online submissions to confirm: \(d.submissions.count)"
        ])
        return lang == .zh
            ? "【答复期限提醒】\(office) \(asOf)：" + counts.joined(separator: "，")
            : "[Deadline reminder] \(office) \(asOf): " + counts.joined(separator: ", ")
    }

    /// The body of a digest: each reason's cases as the board shows them, and where the board is.
    public static func body(
        _ d: ReminderDigest, asOf: CivilDate, within: Int, board: String?, renderer r: Renderer
    ) -> String {
        let zh = r.lang == .zh
        var out =
            zh
            ? "\(d.account.name)：\n\n截至 \(asOf)，以下案件需要办理（\(d.account.has(.head) ? "本机关全部案件" : "分配给您的案件")）。\n"
            : "\(d.account.name),\n\nas of \(asOf), these cases need action "
                + "(\(d.account.has(.head) ? "every case of the office" : "the cases assigned to you")).\n"
        for reason in ReminderReason.allCases {
            let list = d.cases.filter { $0.reason == reason }.map(\.summary)
            guard !list.isEmpty else { continue }
            let heading =
                reason == .dueSoon
                ? (zh ? "\(within)个工作日内到期" : "Due within \(within) working days") : reason.label(r.lang)
            out += "\n" + heading + (zh ? "（\(list.count)件）\n" : " (\(list.count))\n")
            // No request text: it may name people or places, and the mail leaves the office's systems.
            let rows = list.map { s -> [String] in
                [
                    s.number.description, r.dueText(s.due, provisional: s.provisional), r.remaining(s),
                    r.views.status(s).label(r.lang),
                ]
            }
            out += table(zh ? ["编号", "答复期限", "剩余", "状态"] : ["Number", "Due", "Left", "Status"], rows)
            out += "\n"
        }
        if !d.submissions.isEmpty {
            out +=
                zh
                ? "\n超过\(Portal.confirmWithin)个工作日未确认的网上申请（\(d.submissions.count)件，确认之日方为收到申请之日）：\n"
                : "\nOnline submissions unconfirmed for more than \(Portal.confirmWithin) working days "
                    + "(\(d.submissions.count); the receipt date is the day of confirmation):\n"
            out += d.submissions.joined(separator: "\n") + "\n"
        }
        if let board {
            out += zh ? "\n看板：\(board)/board\n" : "\nThe board: \(board)/board\n"
        }
        out +=
            zh
            ? "\n此邮件由政府信息公开申请办理系统每日自动发送，只列案件编号和期限，不含申请人信息和申请内容；请登录系统办理。\n"
            : "\nSent daily by the disclosure case system: case numbers and deadlines only, no applicant or request. "
                + "Sign in to act.\n"
        return out
    }
}

extension Desk {
    /// Sends each handler and head their digest through `mail`, once a day per account: for the
    /// server's job, cron, or a head or admin who asks (`sender`). Each sent digest is recorded.
    public func sendReminders(
        within: Int, sender: ReminderSender, mail: MailCommand, from: String, lang: Language
    ) throws(DisclosureError) -> ReminderRun {
        var (run, due) = try planReminders(within: within, sender: sender, from: from, lang: lang)
        for (d, message) in due {
            do throws(DisclosureError) {
                try mail.send(message)
                try recordReminder(d, message, sender: sender)
                run.sent.append((d.account.name, message.to, d.cases.count))
            } catch {
                run.failures.append((d.account.name, error))
            }
        }
        return run
    }

    /// What today's run must send (the digests not yet sent, with an address), and what it will not:
    /// the server plans on a reader, sends with no database connection held, then records.
    public func planReminders(
        within: Int, sender: ReminderSender, from: String, lang: Language
    ) throws(DisclosureError) -> (ReminderRun, [(ReminderDigest, MailMessage)]) {
        var run = ReminderRun()
        // The daily runs keep to working days (a make-up Saturday included): nobody reads them on a
        // holiday, and the first working day's digest says everything that mattered over it.
        if case .account = sender {
        } else if !calendar.isWorkday(today) {
            try refuseUnlessServer(sender)
            run.notWorkday = true
            return (run, [])
        }
        let messages = try reminderMessages(within: within, sender: sender, from: from, lang: lang)
        let done = try store.remindedAccounts(on: today)
        var due: [(ReminderDigest, MailMessage)] = []
        for (d, message) in messages {
            if done.contains(d.account.id) {
                run.skipped.append(d.account.name)
            } else if let message {
                due.append((d, message))
            } else {
                run.withoutAddress.append(d.account.name)
            }
        }
        return (run, due)
    }

    /// Records that `message` went to the digest's account today.
    public func recordReminder(
        _ d: ReminderDigest, _ message: MailMessage, sender: ReminderSender
    ) throws(DisclosureError) {
        try refuseUnlessServer(sender)
        let now = clock.now()
        try store.recordReminder(
            day: now.day, account: d.account.id, address: message.to, cases: d.cases.count, sentAt: now.stamp,
            sentBy: sender.name)
    }

    /// Each digest due today with its message (nil where the account has no usable address),
    /// without sending anything: what `remind --dry-run` shows.
    public func reminderMessages(
        within: Int, sender: ReminderSender, from: String, lang: Language
    ) throws(DisclosureError) -> [(ReminderDigest, MailMessage?)] {
        try refuseUnlessServer(sender)
        guard (0...60).contains(within) else {
            throw DisclosureError(.invalidValue, field: "within", zh: "须为0至60个工作日", en: "must be 0 to 60 working days")
        }
        guard MailMessage.isAddress(from) else {
            throw DisclosureError(
                .invalidValue, field: "mail-from", zh: "“\(from)”不是可用的发件地址",
                en: "“\(from)” is not a usable sender address")
        }
        let now = clock.now()
        let asOf = now.day
        let through = calendar.addingWorkdays(within, after: asOf).date
        let r = Renderer(lang: lang, calendar: calendar, asOf: asOf)
        let unconfirmed = try store.submissions(status: .pending).filter(overdueForConfirmation).map(\.number)
        let digests = Reminders.digests(
            open: try store.board(through: nil), accounts: try store.accounts(), asOf: asOf, through: through,
            views: r.views, unconfirmed: unconfirmed)
        let board = try store.serverURL().flatMap { $0.hasPrefix("unix:") ? nil : $0 }
        return digests.map { d in
            guard let address = d.account.email, MailMessage.isAddress(address) else { return (d, nil) }
            return (
                d,
                MailMessage(
                    from: from, to: address, subject: Reminders.subject(d, asOf: asOf, office: office.name, lang: lang),
                    body: Reminders.body(d, asOf: asOf, within: within, board: board, renderer: r), date: now)
            )
        }
    }

    private func refuseUnlessServer(_ sender: ReminderSender) throws(DisclosureError) {
        switch sender {
        case .account: _ = try signedIn(.remind)
        case .cron: try refuseLocalChangeIfServed()
        // The server's own job: it holds the lease, and no account asks.
        case .server: break
        }
    }

    /// The reminders sent, newest first (head and admin).
    public func reminderLog(limit: Int) throws(DisclosureError) -> [ReminderRecord] {
        _ = try signedIn(.remind, reading: true)
        return try store.reminders(limit: limit)
    }
}

/// An e-mail as the mail command takes it: RFC 5322 headers and a UTF-8 body in base64.
public struct MailMessage: Sendable {
    public let from: String
    public let to: String
    public let subject: String
    public let body: String
    public let date: Moment

    /// A bare address a header can carry: one `@`, no spaces, commas, angle brackets or line breaks.
    public static func isAddress(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), s.utf8.count <= 254 else { return false }
        return !s.unicodeScalars.contains {
            $0.value <= 0x20 || $0.value == 0x7F || ",;<>()\"\\[]".unicodeScalars.contains($0)
        }
    }

    /// The whole message, lines ending in CRLF.
    public func rendered() -> [UInt8] {
        let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        let id = (0..<16).map { _ in String(UInt8.random(in: 0...255), radix: 16) }.joined()
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        var lines = [
            "From: \(from)", "To: \(to)", "Subject: \(encodedSubject)", "Date: \(Self.rfc5322(date))",
            "Message-ID: <\(id)@\(domain)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64", "Auto-Submitted: auto-generated", "",
        ]
        let b64 = Data(body.utf8).base64EncodedString()
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: 76, limitedBy: b64.endIndex) ?? b64.endIndex
            lines.append(String(b64[i..<j]))
            i = j
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// `Tue, 01 Dec 2026 07:30:00 +0800`: the office's time, as its clock gives it.
    static func rfc5322(_ m: Moment) -> String {
        let d = m.day
        let s = (m.epoch + Moment.officeOffsetSeconds) % 86_400
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[d.weekday - 1]), \(two(d.day)) \(months[d.month - 1]) \(d.year) "
            + "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60)) +0800"
    }
}

/// The system's `sendmail` interface: a command (default `/usr/sbin/sendmail -t -oi`) that reads a
/// whole message on standard input and takes the recipients from its headers, as sendmail, Postfix,
/// Exim and msmtp all do.
public struct MailCommand: Sendable {
    public let arguments: [String]
    public static let defaultCommand = "/usr/sbin/sendmail -t -oi"

    /// Splits `text` at spaces (no shell: quotes and `$` mean nothing); `field` names the setting.
    public init(_ text: String, field: String) throws(DisclosureError) {
        arguments = text.split(separator: " ").map(String.init)
        guard let first = arguments.first, first.hasPrefix("/") else {
            throw DisclosureError(
                .invalidValue, field: field, zh: "须为以绝对路径开头的命令，如 \(Self.defaultCommand)",
                en: "must be a command starting with an absolute path, e.g. \(Self.defaultCommand)")
        }
    }

    /// Hands the message to the command; an exit status other than 0 is an error with its own words.
    public func send(_ message: MailMessage, timeout: Int = 60) throws(DisclosureError) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: arguments[0])
        p.arguments = Array(arguments.dropFirst())
        let input = Pipe()
        // Its words go to an unnamed file, not a pipe: a command that writes much to standard error
        // while we still write its standard input cannot then stall both sides.
        let said = tmpfile()
        defer { if let said { fclose(said) } }
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        p.standardError =
            said.map { FileHandle(fileDescriptor: fileno($0), closeOnDealloc: false) } ?? FileHandle.nullDevice
        do {
            try p.run()
        } catch {
            throw DisclosureError(
                .io, field: "sendmail", zh: "无法运行邮件命令 \(arguments[0])：\(error.localizedDescription)",
                en: "cannot run the mail command \(arguments[0]): \(error.localizedDescription)")
        }
        // A command that exits without reading (a wrong path, /bin/false) must not kill us with SIGPIPE:
        // its exit status says what went wrong.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: message.rendered())
        try? input.fileHandleForWriting.close()
        // A mail server that never answers must not hold the reminders, or the office, for ever.
        let deadline = Date().addingTimeInterval(TimeInterval(timeout))
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            throw DisclosureError(
                .io, field: "sendmail", zh: "邮件命令 \(timeout) 秒未结束，已终止",
                en: "the mail command ran over \(timeout) s and was stopped")
        }
        p.waitUntilExit()
        var words = ""
        if let said {
            rewind(said)
            var buffer = [CChar](repeating: 0, count: 501)
            let n = fread(&buffer, 1, 500, said)
            words = String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard p.terminationReason == .exit, p.terminationStatus == 0 else {
            throw DisclosureError(
                .io, field: "sendmail", zh: "邮件命令失败（退出码 \(p.terminationStatus)）：\(words)",
                en: "the mail command failed (exit status \(p.terminationStatus)): \(words)")
        }
    }
}

/// What a reminder run did, for the CLI and the API.
public enum ReminderText {
    public static func run(_ r: ReminderRun, _ lang: Language) -> String {
        let zh = lang == .zh
        var lines: [String] = []
        if r.notWorkday {
            return zh ? "今天不是工作日，不发送提醒" : "today is not a working day: no reminders are sent"
        }
        if r.sent.isEmpty && r.skipped.isEmpty && r.withoutAddress.isEmpty && r.failures.isEmpty {
            return zh ? "今天没有需要提醒的案件" : "nothing to remind anyone of today"
        }
        for s in r.sent {
            lines.append(
                zh
                    ? "已发送：\(s.account) <\(s.address)>（\(s.cases)件）"
                    : "sent: \(s.account) <\(s.address)> (\(s.cases) cases)")
        }
        if !r.skipped.isEmpty {
            let names = r.skipped.joined(separator: zh ? "、" : ", ")
            lines.append(zh ? "今天已提醒过，未重发：\(names)" : "already reminded today, not sent again: \(names)")
        }
        if !r.withoutAddress.isEmpty {
            let names = r.withoutAddress.joined(separator: zh ? "、" : ", ")
            lines.append(
                zh ? "没有可用的工作邮箱（staff add --email）：\(names)" : "no usable staff e-mail (staff add --email): \(names)")
        }
        for f in r.failures {
            lines.append(zh ? "发送失败：\(f.account)：\(f.error.message.zh)" : "failed: \(f.account): \(f.error.message.en)")
        }
        return lines.joined(separator: "\n")
    }

    public static func json(_ r: ReminderRun, _ lang: Language) -> JSON {
        .object([
            (
                "sent",
                .array(
                    r.sent.map {
                        .object([
                            ("account", .string($0.account)), ("address", .string($0.address)),
                            ("cases", .int($0.cases)),
                        ])
                    })
            ),
            ("already_reminded", .array(r.skipped.map(JSON.string))),
            ("without_address", .array(r.withoutAddress.map(JSON.string))),
            (
                "failures",
                .array(
                    r.failures.map {
                        .object([("account", .string($0.account)), ("message", .string($0.error.message(lang)))])
                    })
            ),
        ])
    }

    /// The messages a run would send, as text: `remind --dry-run`.
    public static func preview(_ list: [(ReminderDigest, MailMessage?)], _ lang: Language) -> String {
        if list.isEmpty { return lang == .zh ? "今天没有需要提醒的案件" : "nothing to remind anyone of today" }
        return list.map { d, m in
            guard let m else {
                return lang == .zh
                    ? "【\(d.account.name)：没有可用的工作邮箱，不能发送】" : "[\(d.account.name): no usable e-mail, cannot be sent]"
            }
            return "To: \(m.to)\nSubject: \(m.subject)\n\n\(m.body)"
        }.joined(separator: "\n" + String(repeating: "-", count: 60) + "\n")
    }

    /// The error a run with failures ends in, after what it did send.
    public static func failure(_ r: ReminderRun) -> DisclosureError? {
        guard !r.failures.isEmpty else { return nil }
        return DisclosureError(
            .io, field: "sendmail", zh: "有\(r.failures.count)封提醒未能发送：\n" + run(r, .zh),
            en: "\(r.failures.count) reminders could not be sent:\n" + run(r, .en))
    }
}

/// Where reminders come from when nobody says.
public enum MailDefaults {
    /// `disclosure@HOST`, the machine's own name.
    public static func from() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host =
            gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let clean = host.isEmpty || host.contains(where: { !$0.isASCII || $0 == " " }) ? "localhost" : host
        return "disclosure@" + (clean.contains(".") ? clean : clean + ".localdomain")
    }
}
