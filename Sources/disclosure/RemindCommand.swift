import ArgumentParser
import DisclosureApp
import DisclosureCore
import Foundation

/// `disclosure remind`: each handler's and head's digest of cases due soon, overdue or waiting on a
/// consultation, by e-mail through the system's sendmail interface; for cron, once a day.
struct Remind: ParsableCommand, ThroughServer {
    static let configuration = CommandConfiguration(
        abstract: "向承办人和负责人发送答复期限提醒邮件（供 cron 每日运行）/ e-mail each handler and head their deadline digest")
    @OptionGroup var global: GlobalOptions
    @Option(help: "提醒几个工作日内到期的案件（默认5）/ remind of cases due within N working days (default 5)")
    var within: Int = Reminders.defaultWithin
    @Option(help: "邮件命令（默认 /usr/sbin/sendmail -t -oi；也读 $DISCLOSURE_SENDMAIL）/ the mail command")
    var sendmail: String?
    @Option(name: .customLong("mail-from"), help: "发件地址（也读 $DISCLOSURE_MAIL_FROM）/ the sender address")
    var mailFrom: String?
    @Flag(name: .customLong("dry-run"), help: "只显示将发送的邮件，不发送 / show the messages, send nothing") var dryRun = false
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let lang = global.language
        if let remote = try global.remote() {
            guard sendmail == nil, mailFrom == nil else {
                throw DisclosureError(
                    .invalidValue, field: sendmail != nil ? "--sendmail" : "--mail-from",
                    zh: "经服务器发送时使用服务器设置的邮件命令和发件地址（disclosure serve --sendmail、--mail-from）",
                    en: "through the server, the server's own mail command and sender are used "
                        + "(serve --sendmail, --mail-from)"
                )
            }
            let body = JSON.object([("within", .int(within)), ("dry_run", .bool(dryRun))])
            return try remote.show(APICall(method: "POST", path: "/api/v1/reminders", body: body, text: !json))
        }
        let env = Environment.variables
        let from = mailFrom ?? env["DISCLOSURE_MAIL_FROM"] ?? MailDefaults.from()
        let desk = try global.openDesk()
        // Without a sign-in, the OS account that may write the database file is the one cron runs as.
        let sender: ReminderSender = desk.account.map { .account($0.name) } ?? .cron
        if dryRun {
            let list = try desk.reminderMessages(within: within, sender: sender, from: from, lang: lang)
            print(ReminderText.preview(list, lang))
            return
        }
        let mail = try MailCommand(
            sendmail ?? env["DISCLOSURE_SENDMAIL"] ?? MailCommand.defaultCommand, field: "--sendmail")
        let run = try desk.sendReminders(within: within, sender: sender, mail: mail, from: from, lang: lang)
        if json { print(String(decoding: ReminderText.json(run, lang).encoded(), as: UTF8.self)) }
        if let failure = ReminderText.failure(run) { throw failure }
        if !json { print(ReminderText.run(run, lang)) }
    }
}
