import DisclosureCore
import DisclosureStore
import Synchronization
import Glibc

/// The server's sign-in rules: how long sessions and tokens last, and how failures are throttled.
public enum ServerSessionPolicy {
    /// A browser left alone this long is signed out.
    public static let idleSeconds = 30 * 60
    /// However busy, a browser session ends after a working day.
    public static let absoluteSeconds = SessionPolicy.lifetimeSeconds
    /// A personal API token lasts a year unless revoked earlier.
    public static let tokenSeconds = 366 * 86_400
    /// The last use is written at most this often, so that reading is not a write each time.
    public static let touchSeconds = 60
    /// Failures from one address allowed before sign-in from it is refused for a while: more than one
    /// account's allowance, since an office's staff may share one address behind the 政务内网's NAT.
    public static let addressFreeFailures = 20
    /// Failures older than this are forgotten.
    public static let addressMemorySeconds = 3600
}

/// What the server hands the signed-in user: the token (shown once) and how long it holds.
public struct ServerTicket: Sendable {
    public let token: String
    public let kind: SessionKind
    public let account: Account
    /// Seconds since 1970.
    public let expires: Int
    /// The office requires a second factor of this account and it has none yet: it must set one up.
    public let mustSetUpSecondFactor: Bool
}

/// Failed sign-ins per network address, in the server's memory: a guesser moving over many accounts
/// is stopped though no one account reaches its own limit.
public final class AddressThrottle: Sendable {
    private struct Record {
        var failures: Int
        var last: Int
        var lockedUntil: Int
    }
    private let records = Mutex<[String: Record]>([:])
    /// Addresses remembered at most; past it, the oldest quiet ones are forgotten first.
    private let capacity: Int

    public init(capacity: Int = 100_000) { self.capacity = capacity }

    /// Seconds the address must still wait, or 0.
    public func wait(for address: String, now: Int) -> Int {
        records.withLock { r in
            guard let rec = r[address] else { return 0 }
            return max(rec.lockedUntil - now, 0)
        }
    }

    /// Counts a failure from `address`; true when it starts a lock-out.
    @discardableResult
    public func fail(_ address: String, now: Int) -> Bool {
        records.withLock { r in
            var rec = r[address] ?? Record(failures: 0, last: now, lockedUntil: 0)
            if now - rec.last > ServerSessionPolicy.addressMemorySeconds { rec.failures = 0 }
            rec.failures += 1
            rec.last = now
            let wait = SessionPolicy.wait(afterFailures: rec.failures, free: ServerSessionPolicy.addressFreeFailures)
            var locks = false
            if wait > 0 {
                locks = rec.lockedUntil <= now
                rec.lockedUntil = now + wait
            }
            r[address] = rec
            if r.count > capacity {
                let quiet = now - ServerSessionPolicy.addressMemorySeconds
                r = r.filter { $0.value.last >= quiet || $0.value.lockedUntil > now }
                // Still full of recent failures: forget those not locked out, never a lock-out itself.
                if r.count > capacity { r = r.filter { $0.value.lockedUntil > now } }
            }
            return locks
        }
    }
}

/// One connection to the office's database, for a server: it opens a `Desk` for each request, signed
/// in by the request's session or token. Not thread-safe: the server keeps each on its own thread.
public final class OfficeConnection {
    let store: Store

    private init(store: Store) { self.store = store }

    /// Opens the database at `path` for reading and writing (migrating it if needed).
    public static func open(path: String) throws(DisclosureError) -> OfficeConnection {
        OfficeConnection(store: try Store.open(path: path))
    }

    /// A desk with no account, for the server's own jobs (the daily reminders): every use case that
    /// needs a person refuses it.
    public func serviceDesk(clock: any OfficeClock) -> Desk {
        Desk(store: store, clock: clock, account: nil, sessionProblem: Text(zh: "服务器任务", en: "a server job"))
    }

    /// The database's identity and the server that serves it, read without changing the file (no
    /// migration): how the CLI decides whether a command on it goes to a server.
    public static func peek(path: String) throws(DisclosureError) -> (instance: String, servedBy: String?) {
        let store = try Store.open(path: path, readOnly: true)
        return (try store.instanceID(), try store.serverURL())
    }

    /// The office this database is.
    public var office: Office { store.office }

    /// Reads the calendar again after a calendar import on another connection.
    public func reloadCalendar() throws(DisclosureError) { try store.reloadCalendar() }

    /// Records that the server at `url` serves this database: local writes are refused from now on.
    public func announce(url: String, clock: any OfficeClock) throws(DisclosureError) {
        try store.setServerURL(url, at: clock.now().epoch)
    }

    /// Gives the database back to local use; refused while a server still runs on it.
    public func release(clock: any OfficeClock) throws(DisclosureError) {
        if store.serverIsRunning() {
            throw DisclosureError(
                .servedByServer, field: "database", zh: "服务器仍在运行：请先停止服务器，再恢复本地办理",
                en: "the server is still running: stop it before giving the database back to local use")
        }
        try store.setServerURL(nil, at: clock.now().epoch)
    }

    /// Holds the server lease for as long as the value lives: one server per database.
    public func takeServerLease() throws(DisclosureError) -> ServerLease {
        ServerLease(descriptor: try store.takeServerLease())
    }

    /// The server recorded as serving this database, if any.
    public func servedBy() throws(DisclosureError) -> String? { try store.serverURL() }

    /// Whether the database answers (for `/healthz`).
    public func check() throws(DisclosureError) { _ = try store.instanceID() }

    /// Signs `name` in with `password` from `address`, after the address's throttle; every outcome
    /// goes to the security log.
    public func signIn(
        name: String, password: String, totp: String?, kind: SessionKind, address: String,
        throttle: AddressThrottle, clock: any OfficeClock
    ) throws(DisclosureError) -> ServerTicket {
        let now = clock.now()
        let wait = throttle.wait(for: address, now: now.epoch)
        if wait > 0 {
            // Not logged one by one: the lock-out was, when it began; a refused guess costs nothing.
            var e = DisclosureError(
                .throttled, field: "name", zh: "此地址登录失败次数过多，请\(wait)秒后再试",
                en: "too many failed sign-ins from this address; try again in \(wait) seconds")
            e.retryAfter = wait
            throw e
        }
        let desk = Desk(
            store: store, clock: clock, account: nil, sessionProblem: Text(zh: "尚未登录", en: "nobody is signed in"))
        let named = try store.account(named: name)
        let account: Account
        do {
            account = try desk.checkPassword(password, of: named, at: now)
            try desk.checkSecondFactor(account, code: totp, at: now)
        } catch {
            // An account already locked out was refused before any password check: not logged again.
            guard error.code != .throttled else { throw error }
            let locks = throttle.fail(address, now: now.epoch)
            try store.logSecurity(
                at: now.epoch, kind: "signin-failed", account: named?.id, name: named == nil ? name : nil,
                address: address, detail: error.field == "totp" ? "one-time code" : nil)
            if locks {
                try store.logSecurity(
                    at: now.epoch, kind: "signin-throttled", account: nil, name: nil, address: address,
                    detail: "address locked out")
            }
            throw error
        }
        if account.disabled || account.legacy {
            try store.logSecurity(
                at: now.epoch, kind: "signin-failed", account: account.id, name: nil, address: address,
                detail: "disabled")
            throw DisclosureError(
                .unauthenticated, field: "name", zh: "账号“\(account.name)”已停用",
                en: "the account “\(account.name)” is disabled")
        }
        return try open(
            kind, for: account, label: nil, address: address, at: now.epoch, log: "signin",
            setup: desk.mustSetUpSecondFactor(account))
    }

    /// Ends a session a request still carried when it signed in again: the old id dies at sign-in.
    public func discard(token: String, address: String?, clock: any OfficeClock) throws(DisclosureError) {
        try store.endSession(
            tokenHash: Sessions.tokenHash(token), at: clock.now().epoch, log: "signout-replaced", address: address)
    }

    private func open(
        _ kind: SessionKind, for account: Account, label: String?, address: String?, at now: Int, log: String,
        setup: Bool = false
    ) throws(DisclosureError) -> ServerTicket {
        let token = Sessions.newToken()
        let expires = now + (kind == .token ? ServerSessionPolicy.tokenSeconds : ServerSessionPolicy.absoluteSeconds)
        try store.createSession(
            tokenHash: Sessions.tokenHash(token), account: account.id, kind: kind, created: now, expires: expires,
            label: label, address: address, log: log)
        return ServerTicket(token: token, kind: kind, account: account, expires: expires, mustSetUpSecondFactor: setup)
    }

    /// A desk signed in by `token`, which must be a session of one of `kinds` still valid now.
    /// `settingUpSecondFactor`: the request sets up the second factor the office requires, the one
    /// thing such an account may do before it has one.
    public func desk(
        token: String, kinds: Set<SessionKind>, address: String?, clock: any OfficeClock,
        settingUpSecondFactor: Bool = false
    ) throws(DisclosureError) -> Desk {
        let now = clock.now().epoch
        let hash = Sessions.tokenHash(token)
        func refused(_ why: Text) -> DisclosureError {
            DisclosureError(.unauthenticated, field: "session", zh: "\(why.zh)，请重新登录", en: "\(why.en); sign in again")
        }
        guard let s = try store.serverSession(tokenHash: hash), kinds.contains(s.kind) else {
            throw refused(Sessions.invalid)
        }
        if let problem = Sessions.problem(
            account: s.account, created: s.created, expires: s.expires, ended: s.ended, now: now)
        {
            throw refused(problem)
        }
        if s.kind == .web, now - (s.lastSeen ?? s.created) > ServerSessionPolicy.idleSeconds {
            try store.endSession(tokenHash: hash, at: now, log: "session-idle", address: address)
            throw refused(Text(zh: "长时间未操作，登录已失效", en: "the session was idle too long"))
        }
        if now - (s.lastSeen ?? s.created) >= ServerSessionPolicy.touchSeconds {
            try store.touchSession(tokenHash: hash, at: now)
            if s.kind == .token {
                try store.logSecurity(
                    at: now, kind: "token-used", account: s.account.id, name: nil, address: address, detail: s.label)
            }
        }
        let desk = Desk(store: store, clock: clock, account: s.account, sessionProblem: Text(zh: "", en: ""))
        desk.server = ServerContext(tokenHash: hash, kind: s.kind, address: address)
        if !settingUpSecondFactor { try desk.requireSecondFactorIfDue(s.account) }
        return desk
    }
}

/// The server lease on a database, let go when the server that holds it goes.
public final class ServerLease: Sendable {
    private let descriptor: Int32
    init(descriptor: Int32) { self.descriptor = descriptor }
    deinit { close(descriptor) }
}

/// What a desk opened by the server knows of its request.
struct ServerContext {
    let tokenHash: String
    let kind: SessionKind
    let address: String?
}

/// A personal API token as its owner sees it (never the token itself after it was made).
public struct TokenInfo: Sendable {
    /// The first 12 hex digits of the token's hash: enough to name it, useless to sign in with.
    public let id: String
    public let label: String?
    public let created: Int
    public let expires: Int
    public let lastUsed: Int?
}

extension Desk {
    /// The session the server opened this desk with.
    private func serverSession() throws(DisclosureError) -> (Account, ServerContext) {
        guard let account, let server else {
            throw DisclosureError(.unauthenticated, field: "session", zh: "尚未登录", en: "nobody is signed in")
        }
        return (account, server)
    }

    /// Ends this request's session (sign-out).
    public func signOutHere() throws(DisclosureError) {
        let (_, s) = try serverSession()
        try store.endSession(tokenHash: s.tokenHash, at: clock.now().epoch, log: "signout", address: s.address)
    }

    /// Ends every browser and CLI session of the signed-in account, this one too (tokens stay: they
    /// are revoked one by one); returns how many ended.
    public func signOutEverywhere() throws(DisclosureError) -> Int {
        let (account, s) = try serverSession()
        return try store.endSessions(
            of: account.id, kinds: [.web, .cli], at: clock.now().epoch, log: "signout-everywhere", address: s.address)
    }

    /// Makes a personal API token with the signed-in account's roles; the token is shown only now.
    public func createToken(label: String) throws(DisclosureError) -> (ServerTicket, TokenInfo) {
        let (account, s) = try serverSession()
        // A leaked token must not renew itself: tokens are made from a signed-in session only.
        guard s.kind != .token else {
            throw DisclosureError(
                .forbidden, field: "session", zh: "API 令牌不能再生成令牌：请登录后生成",
                en: "a token cannot make tokens: sign in to make one")
        }
        try Application.requireText(label, field: "label", max: 100)
        let now = clock.now().epoch
        let token = Sessions.newToken()
        let hash = Sessions.tokenHash(token)
        let expires = now + ServerSessionPolicy.tokenSeconds
        try store.createSession(
            tokenHash: hash, account: account.id, kind: .token, created: now, expires: expires, label: label,
            address: s.address, log: "token-created")
        return (
            ServerTicket(token: token, kind: .token, account: account, expires: expires, mustSetUpSecondFactor: false),
            TokenInfo(id: String(hash.prefix(12)), label: label, created: now, expires: expires, lastUsed: nil)
        )
    }

    /// The signed-in account's open tokens.
    public func tokens() throws(DisclosureError) -> [TokenInfo] {
        let (account, _) = try serverSession()
        return try store.openTokens(of: account.id).map {
            TokenInfo(
                id: String($0.tokenHash.prefix(12)), label: $0.label, created: $0.created, expires: $0.expires,
                lastUsed: $0.lastSeen == $0.created ? nil : $0.lastSeen)
        }
    }

    /// Revokes one of the signed-in account's tokens by its id.
    public func revokeToken(id: String) throws(DisclosureError) {
        let (account, s) = try serverSession()
        guard id.count == 12, let t = try store.openTokens(of: account.id).first(where: { $0.tokenHash.hasPrefix(id) })
        else {
            throw DisclosureError(
                .unknownCase, field: "id", zh: "没有编号为\(id)的有效令牌", en: "no open token has the id \(id)")
        }
        try store.endSession(tokenHash: t.tokenHash, at: clock.now().epoch, log: "token-revoked", address: s.address)
    }

    /// One case, with its view of personal data (ID number, contact) logged for the signed-in account.
    public func view(_ number: CaseNumber) throws(DisclosureError) -> CaseRecord {
        let record = try store.load(number)
        try noteAccess(record, what: "case")
        return record
    }

    /// Logs that an answer showed `record` with its personal data (a registration's or a step's).
    public func shown(_ record: CaseRecord) throws(DisclosureError) { try noteAccess(record, what: "case") }

    /// A case for rendering one of its letters, which name the applicant: logged as a view.
    public func viewNotice(_ number: CaseNumber, kind: String) throws(DisclosureError) -> CaseRecord {
        let record = try store.load(number)
        try noteAccess(record, what: "notice \(kind)", always: true)
        return record
    }

    /// One document of a case, its digest checked; every download is logged.
    public func download(_ seq: Int, of number: CaseNumber) throws(DisclosureError) -> Attachment {
        let a = try store.attachment(seq, of: number)
        try noteAccess(number, what: "attachment \(seq)")
        return a
    }

    /// Logs that the signed-in account saw `what` of `record`'s personal data, when it has any.
    func noteAccess(_ record: CaseRecord, what: String, always: Bool = false) throws(DisclosureError) {
        let a = record.application.applicant
        guard always || a.idNumber != nil || a.contact != nil else { return }
        try noteAccess(record.number, what: what)
    }

    /// Logs that the signed-in account saw `what` of case `number`.
    private func noteAccess(_ number: CaseNumber, what: String) throws(DisclosureError) {
        guard let account else { return }
        try store.logDataAccess(
            account: account.id, caseNumber: number.description, what: what, address: server?.address,
            at: clock.now().epoch)
    }

    /// Who saw the personal data of a case (`audit access CASE`); a head's or admin's question.
    public func dataAccess(_ number: CaseNumber) throws(DisclosureError) -> [DataAccessEntry] {
        _ = try signedIn(.auditAccess, reading: true)
        _ = try store.load(number)
        return try store.dataAccess(caseNumber: number.description)
    }

    /// The security log (sign-ins, failures, tokens), newest first: the admin's to review.
    public func securityLog(limit: Int) throws(DisclosureError) -> [SecurityLogEntry] {
        _ = try signedIn(.staff, reading: true)
        return try store.securityLog(account: nil, limit: limit)
    }
}
