import DisclosureApp
import DisclosureCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Where the server listens: an address and port, or a Unix socket for a proxy on the same machine.
public enum ListenAddress: Sendable, Equatable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case unix(path: String)

    /// Parses `HOST:PORT`, `[V6]:PORT` or `unix:PATH`.
    public static func parse(_ text: String, field: String) throws(DisclosureError) -> ListenAddress {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst(5))
            guard path.hasPrefix("/") else {
                throw DisclosureError(
                    .invalidValue, field: field, zh: "unix: 后须为绝对路径", en: "unix: needs an absolute path")
            }
            return .unix(path: path)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else {
            throw DisclosureError(
                .invalidValue, field: field,
                zh: "“\(text)”应为“地址:端口”（端口0：由系统选定），如 127.0.0.1:8080，或 unix:/run/disclosure.sock",
                en: "“\(text)” must be HOST:PORT, e.g. 127.0.0.1:8080, or unix:/run/disclosure.sock")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else {
            throw DisclosureError(.invalidValue, field: field, zh: "缺少地址", en: "the host is missing")
        }
        return .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }
}

/// How the server runs: its database, where it listens, TLS, and which proxy it believes.
public struct ServerSettings: Sendable {
    public var database: String
    public var listen: ListenAddress
    /// The portal's own listener (网上受理), the one an office exposes to the internet: it serves the
    /// public routes only, never staff pages or the staff API. Nil: no portal.
    public var publicListen: ListenAddress?
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (`unix` for a Unix socket).
    public var trustedProxies: Set<String>
    /// Reading connections; each is one thread.
    public var readers: Int
    /// The office's notice templates (default: the shipped ones).
    public var templates: String?
    /// The 行政复议 organ named in replies.
    public var reconsiderationBody: String?
    /// The address staff reach the server at, recorded in the database so that local writes point there
    /// (default: the listening address).
    public var publicURL: String?
    /// The mail command reminders go through (the system's sendmail interface).
    public var mail: MailCommand?
    /// The reminders' sender address.
    public var mailFrom: String = MailDefaults.from()
    /// When the daily reminders go out, in the office's time (minutes after midnight); nil: never.
    public var remindAt: Int? = 8 * 60
    /// The reminders' window in working days.
    public var remindWithin: Int = Reminders.defaultWithin
    /// Where the use cases read the time (the system's clock; tests pass their own).
    public var clock: any OfficeClock = SystemClock()
    /// Where each access log line goes (standard output; a test keeps its own).
    public var accessLog: @Sendable ([UInt8]) -> Void = { line in line.withUnsafeBytes { writeAll(1, $0) } }

    public init(
        database: String, listen: ListenAddress, tlsCertificate: String? = nil, tlsKey: String? = nil,
        trustedProxies: Set<String> = [], readers: Int = 4, templates: String? = nil,
        reconsiderationBody: String? = nil
    ) {
        self.database = database
        self.listen = listen
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.trustedProxies = trustedProxies
        self.readers = readers
        self.templates = templates
        self.reconsiderationBody = reconsiderationBody
    }

    var tls: Bool { tlsCertificate != nil }

    /// What the database records as its server, once bound to `boundPort`.
    func announcedURL(boundPort: Int?) -> String {
        if let publicURL { return publicURL }
        switch listen {
        case .tcp(let host, let listenPort):
            let port = boundPort ?? listenPort
            return "\(tls ? "https" : "http")://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        case .unix(let path): return "unix:\(path)"
        }
    }

    /// The peer as the socket names it: an IP address, or `unix` for a Unix socket.
    private func peer(_ context: DisclosureContext) -> String? {
        guard let a = context.remoteAddress else { return nil }
        if case .unixDomainSocket = a { return "unix" }
        return a.ipAddress
    }

    /// Whether the request came from a proxy this server believes.
    func fromTrustedProxy(_ context: DisclosureContext) -> Bool {
        guard let p = peer(context) else { return false }
        return trustedProxies.contains(p)
    }

    /// The client's address: the peer, or the address a trusted proxy says it forwarded for.
    func clientAddress(_ request: Request, _ context: DisclosureContext) -> String? {
        if fromTrustedProxy(context), let forwarded = request.headers[.forwardedFor] {
            // The proxy appends the address it saw last: that one is the proxy's own word.
            let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
            if let last, !last.isEmpty, last.count <= 64 { return last }
        }
        return peer(context)
    }

    /// Whether the browser reached us over HTTPS (directly, or through a trusted proxy that says so).
    func isHTTPS(_ request: Request, _ context: DisclosureContext) -> Bool {
        tls || fromTrustedProxy(context) && request.headers[.forwardedProto]?.lowercased() == "https"
    }
}

/// The office's server: builds the application and runs it until SIGTERM or SIGINT, letting requests
/// in flight finish.
public enum DisclosureServer {
    /// Opens the database, binds, and serves; `onListening` hears the bound port (0 asks for any).
    public static func run(
        _ settings: ServerSettings, onPortalListening: @escaping @Sendable (Int?) async -> Void = { _ in },
        onListening: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) async throws {
        let api = try API(settings: settings)
        let app = try makeApplication(settings, api: api, onListening: onListening)
        do {
            if let portal = settings.publicListen {
                let publicApp = try makePortalApplication(
                    settings, api: api, listen: portal, onListening: onPortalListening)
                var logger = Logger(label: "disclosure-server")
                logger.logLevel = .notice
                // One service group: SIGTERM or SIGINT ends both listeners, each finishing its requests.
                let group = ServiceGroup(
                    configuration: .init(
                        services: [app, publicApp], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await group.run()
            } else {
                try await app.runService()
            }
        } catch let e as IOError where e.errnoCode == EADDRINUSE || e.errnoCode == EACCES {
            // The address is the officer's to change: say which and why, not the socket call that failed.
            // An address refused is named by its own option: the one whose listener never came up.
            let portalFailed =
                settings.publicListen != nil && api.listeners.staff.load(ordering: .acquiring)
                && !api.listeners.portal.load(ordering: .acquiring)
            let field = portalFailed ? "--public-listen" : "--listen"
            let address = portalFailed ? settings.publicListen?.description ?? "" : settings.listen.description
            throw e.errnoCode == EADDRINUSE
                ? DisclosureError(
                    .io, field: field, zh: "\(address) 已被占用（另一程序正在此监听），请换一个地址或先停止该程序",
                    en: "\(address) is in use (another program listens there): choose another or stop that program")
                : DisclosureError(
                    .io, field: field, zh: "无权在 \(address) 监听（1024 以下端口须由 nginx 等代理）",
                    en: "may not listen on \(address) (ports below 1024 are for nginx or another proxy)")
        }
    }

    /// The application, for `run` and for tests.
    static func makeApplication(
        _ settings: ServerSettings, onListening: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        try makeApplication(settings, api: try API(settings: settings), onListening: onListening)
    }

    /// The portal's application, sharing `api` (its connections and limits) with the staff's: on `listen`,
    /// the applicants' pages and the public API only.
    static func makePortalApplication(
        _ settings: ServerSettings, api: API, listen: ListenAddress,
        onListening: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: DisclosureContext.self)
        router.add(middleware: FrontMiddleware(settings: settings))
        api.publicRoutes(router.group("api/v1"))
        PortalPages(pages: try Pages(api: api, templates: settings.templates)).routes(on: router)
        return Application(
            router: router, server: try serverBuilder(settings),
            configuration: ApplicationConfiguration(address: bindAddress(listen), serverName: "disclosure"),
            onServerRunning: { channel in
                api.listeners.portal.store(true, ordering: .releasing)
                await onListening(channel.localAddress?.port)
            },
            logger: {
                var l = Logger(label: "disclosure-portal")
                l.logLevel = .notice
                return l
            }())
    }

    static func bindAddress(_ listen: ListenAddress) -> BindAddress {
        switch listen {
        case .tcp(let host, let port): .hostname(host, port: port)
        case .unix(let path): .unixDomainSocket(path: path)
        }
    }

    /// HTTP/1.1, over TLS when the settings give a certificate.
    static func serverBuilder(_ settings: ServerSettings) throws -> HTTPServerBuilder {
        // A connection that sends nothing for a minute is closed: a slow client cannot hold one open.
        let http = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .seconds(60)))
        if let cert = settings.tlsCertificate, let key = settings.tlsKey {
            return try .tls(http, tlsConfiguration: try tlsConfiguration(certificate: cert, key: key))
        }
        return http
    }

    /// The staff's application on `settings.listen`, with `api`.
    static func makeApplication(
        _ settings: ServerSettings, api: API, onListening: @escaping @Sendable (Int?) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        let router = Router(context: DisclosureContext.self)
        router.add(middleware: FrontMiddleware(settings: settings))
        api.routes(on: router)
        try Pages(api: api, templates: settings.templates).routes(on: router)
        var logger = Logger(label: "disclosure-server")
        logger.logLevel = .notice
        let address = bindAddress(settings.listen)
        let server = try serverBuilder(settings)
        let log = logger
        return Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: address, serverName: "disclosure"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port
                api.listeners.staff.store(true, ordering: .releasing)
                // With a portal, the database records the server once both listen; a portal that cannot
                // bind ends the group, and this wait with it, before anything is recorded.
                while settings.publicListen != nil && !api.listeners.portal.load(ordering: .acquiring) {
                    do { try await Task.sleep(for: .milliseconds(10)) } catch { return }
                }
                do {
                    try await api.announce(settings.announcedURL(boundPort: port))
                } catch {
                    log.error("cannot record the server's address in the database: \(error)")
                }
                await onListening(port)
                if let at = settings.remindAt {
                    // The daily reminders run beside the server and end with it.
                    Task { await api.remindDaily(at: at, log: log) }
                }
            },
            logger: logger)
    }

    static func tlsConfiguration(certificate: String, key: String) throws(DisclosureError) -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var config = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain, privateKey: .privateKey(privateKey))
            config.minimumTLSVersion = .tlsv12
            return config
        } catch {
            throw DisclosureError(
                .io, field: "--tls-cert", zh: "无法读取 TLS 证书或私钥（\(certificate)、\(key)）：\(error)",
                en: "cannot read the TLS certificate or key (\(certificate), \(key)): \(error)")
        }
    }
}
