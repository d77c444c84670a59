import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureServer
import Foundation

/// `disclosure-server`, which `disclosure serve` hands over to: its own executable, so that the CLI's
/// start-up does not pay for the HTTP stack.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclosure serve",
        abstract: "本机关的服务器：工作人员登录、JSON API / the office's server: staff sign-in and the JSON API",
        discussion:
            "SIGTERM or SIGINT stops it after the requests in flight. "
            + "The access log is one JSON line per request on standard output."
    )

    @Option(help: "数据库文件 / database file (default: $DISCLOSURE_DB, else ~/.local/share/disclosure/disclosure.db)")
    var db: String?
    @Option(help: "监听地址 / HOST:PORT or unix:PATH") var listen: String = "127.0.0.1:8080"
    @Option(
        name: .customLong("public-listen"),
        help: "网上受理（申请人）的监听地址，只提供公开接口 / the applicants' portal listener: public routes only")
    var publicListen: String?
    @Option(name: .customLong("tls-cert"), help: "TLS 证书链（PEM）/ TLS certificate chain (PEM)") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "TLS 私钥（PEM）/ TLS private key (PEM)") var tlsKey: String?
    @Option(
        name: .customLong("trust-proxy"),
        help: "信任其 X-Forwarded-For 的代理地址（可重复；unix 表示 Unix 套接字）/ a proxy whose X-Forwarded-* is believed")
    var trustProxy: [String] = []
    @Option(help: "读连接数 / reading connections (threads)") var readers: Int = 4
    @Option(help: "自定义告知书模板目录 / the office's notice templates") var templates: String?
    @Option(name: .customLong("reconsideration-body"), help: "答复书中的行政复议机关 / the reconsideration body named in replies")
    var reconsiderationBody: String?
    @Option(help: "工作人员访问本服务器的地址（记入数据库）/ the URL staff reach the server at (recorded in the database)")
    var url: String?
    @Option(help: "提醒邮件命令（默认 /usr/sbin/sendmail -t -oi）/ the mail command reminders go through")
    var sendmail: String?
    @Option(name: .customLong("mail-from"), help: "提醒邮件的发件地址 / the reminders' sender address") var mailFrom: String?
    @Option(
        name: .customLong("remind-at"),
        help: "每日发送提醒的时间（北京时间 HH:MM，默认 08:00；off 为不发送）/ when the daily reminders go out, or off")
    var remindAt: String = "08:00"
    @Option(name: .customLong("remind-within"), help: "提醒几个工作日内到期的案件（默认5）/ the reminders' window")
    var remindWithin: Int = 5
    @Flag(help: "不再由服务器管理此数据库，恢复本地办理，然后退出 / give the database back to local use, then exit")
    var release = false

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        if release {
            let path = DatabaseLocation.resolve(db, environment: env)
            let connection = try OfficeConnection.open(path: path)
            let was = try connection.servedBy()
            try connection.release(clock: SystemClock())
            let lang = Language.fromEnvironment(env)
            let said =
                was.map { lang == .zh ? "原由 \($0) 管理" : "it was served by \($0)" }
                ?? (lang == .zh ? "原无服务器" : "no server had it")
            print(lang == .zh ? "\(path) 已恢复本地办理（\(said)）" : "\(path) is back in local use (\(said))")
            return
        }
        let listenAddress = try ListenAddress.parse(listen, field: "--listen")
        let portalAddress = try publicListen.map { (s: String) throws(DisclosureError) in
            try ListenAddress.parse(s, field: "--public-listen")
        }
        // Port 0 asks the system for any free port: two of those never collide.
        let anyPort = if case .tcp(_, 0) = listenAddress { true } else { false }
        if let portalAddress, portalAddress == listenAddress, !anyPort {
            throw DisclosureError(
                .invalidValue, field: "--public-listen", zh: "须与 --listen 不同：工作人员接口不能对公众开放",
                en: "must differ from --listen: the staff's API is never open to the public")
        }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw DisclosureError(
                .missingField, field: tlsCert == nil ? "--tls-cert" : "--tls-key",
                zh: "--tls-cert 与 --tls-key 须同时给出", en: "--tls-cert and --tls-key go together")
        }
        guard (1...64).contains(readers) else {
            throw DisclosureError(.invalidValue, field: "--readers", zh: "须为1至64", en: "must be 1 to 64")
        }
        var settings = ServerSettings(
            database: DatabaseLocation.resolve(db, environment: env), listen: listenAddress, tlsCertificate: tlsCert,
            tlsKey: tlsKey, trustedProxies: Set(trustProxy), readers: readers,
            templates: templates ?? env["DISCLOSURE_TEMPLATES"].flatMap { $0.isEmpty ? nil : $0 },
            reconsiderationBody: reconsiderationBody
                ?? env["DISCLOSURE_RECONSIDERATION_BODY"].flatMap { $0.isEmpty ? nil : $0 })
        settings.publicURL = url
        settings.publicListen = portalAddress
        settings.mail = try MailCommand(
            sendmail ?? env["DISCLOSURE_SENDMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? MailCommand.defaultCommand,
            field: "--sendmail")
        if let from = mailFrom ?? env["DISCLOSURE_MAIL_FROM"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard MailMessage.isAddress(from) else {
                throw DisclosureError(
                    .invalidValue, field: "--mail-from", zh: "“\(from)”不是可用的发件地址", en: "“\(from)” is not an address")
            }
            settings.mailFrom = from
        }
        settings.remindAt = try Self.minutes(remindAt)
        guard (0...60).contains(remindWithin) else {
            throw DisclosureError(.invalidValue, field: "--remind-within", zh: "须为0至60", en: "must be 0 to 60")
        }
        settings.remindWithin = remindWithin
        let scheme = tlsCert == nil ? "http" : "https"
        let database = settings.database
        try await DisclosureServer.run(settings, onPortalListening: { port in
            guard let portalAddress else { return }
            let shown: String
            switch portalAddress {
            case .tcp(let host, _): shown = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port ?? 0)"
            case .unix: shown = portalAddress.description
            }
            FileHandle.standardError.write(Data("disclosure-server: the portal on \(shown)\n".utf8))
        }) { port in
            let shown: String
            switch listenAddress {
            case .tcp(let host, _): shown = "\(scheme)://\(host.contains(":") ? "[\(host)]" : host):\(port ?? 0)"
            case .unix: shown = listenAddress.description
            }
            FileHandle.standardError.write(Data("disclosure-server: serving \(database) on \(shown)\n".utf8))
        }
    }
}

extension ServeCommand {
    /// `HH:MM` as minutes after midnight; `off` as nil.
    static func minutes(_ text: String) throws(DisclosureError) -> Int? {
        if text == "off" { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]),
            let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else {
            throw DisclosureError(
                .invalidValue, field: "--remind-at", zh: "应为 HH:MM（如 08:00）或 off",
                en: "must be HH:MM (e.g. 08:00) or off")
        }
        return h * 60 + m
    }
}

/// A refusal before the server starts: the field and the rule, in Chinese first, and exit status 2.
@main
enum Main {
    static func main() async {
        do {
            var command = try ServeCommand.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let e as DisclosureError {
            let lang = Language.fromEnvironment(ProcessInfo.processInfo.environment)
            FileHandle.standardError.write(Data("disclosure serve: \(e.render(lang))\n".utf8))
            exit(2)
        } catch {
            ServeCommand.exit(withError: error)
        }
    }
}
