import DisclosureCore
import DisclosureStore
import HummingbirdBcrypt

/// What a front end keeps of a sign-in: the token (the only secret) and the database it is for.
public struct SessionTicket: Sendable, Hashable, Codable {
    public let token: String
    /// The database's own identity: a ticket for another database is never accepted.
    public let instanceID: String
    public let account: String
    /// Seconds since 1970.
    public let expires: Int
    public init(token: String, instanceID: String, account: String, expires: Int) {
        self.token = token
        self.instanceID = instanceID
        self.account = account
        self.expires = expires
    }
}

/// Sign-in rules: how long a session lasts, and how failures are throttled.
public enum SessionPolicy {
    /// A working day: a session started in the morning ends in the evening.
    public static let lifetimeSeconds = 10 * 3600
    /// Failures allowed before sign-in is refused for a while.
    public static let freeFailures = 5
    /// The wait after the `freeFailures`-th failure; it doubles with each further one, up to `maxWait`.
    public static let firstWaitSeconds = 60
    public static let maxWaitSeconds = 3600

    /// Seconds to refuse sign-in after `failures` consecutive failures (0: none), `free` of them allowed.
    public static func wait(afterFailures failures: Int, free: Int = freeFailures) -> Int {
        guard failures >= free else { return 0 }
        let doublings = min(failures - free, 6)
        return min(firstWaitSeconds << doublings, maxWaitSeconds)
    }
}

/// Password hashing: bcrypt with its cost and salt in the stored string (shared with the web system).
public enum Passwords {
    /// The accepted range of bcrypt costs for new passwords.
    public static let costs = 10...16

    public static func hash(_ password: String, cost: Int) -> String {
        Bcrypt.hash(password, cost: UInt8(clamping: min(max(cost, costs.lowerBound), costs.upperBound)))
    }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// Hashes of nothing anyone knows, one per cost, checked when the account does not exist or has
    /// no password, so that a wrong name takes as long as a wrong password (made once, not per run).
    static let decoys: [Int: String] = [
        10: "$2b$10$WqjKDhPLVwrFGUYZLvFyZuq/b2zJt7y3OqKGLkWHcZJY7NAHExspe",
        11: "$2b$11$b4XJ5aRCCoLk.uUxfOHgsu04ze0ZoyFKhR.cX5svkhbrLAAjOo1AW",
        12: "$2b$12$AWCCn8DbJUPykoNTSxs13ed7FtSwuoFiCWSP32nITsMsA8JtXSALO",
        13: "$2b$13$clWQuY6PFjWMWwqks1N.VO5Jmi2u/R11QksohiWO8tjJPz038TskK",
        14: "$2b$14$imMaEZ84ADWCcl0hZ.X/seKMMqakbsUfgt9XxK.k0DpVR3P1IhaUq",
        15: "$2b$15$orhsVDA2iZJUS/ituwJSU.N0KyN0vQfJvhLqiAIfAXi79sJ4E26L2",
        16: "$2b$16$qJd8NV/2ZuJvf0CyhbOB9.NV3CrgxF66t2tfFh7xMGk.oq6Rn10Km",
    ]

    /// Spends the time of checking a password of `cost`, for a name that has none.
    static func decoyCheck(_ password: String, cost: Int) {
        _ = verify(password, hash: decoys[cost] ?? decoys[12] ?? "")
    }
}

enum Sessions {
    /// A new random token: 256 bits, hex.
    static func newToken() -> String {
        var rng = SystemRandomNumberGenerator()
        var out = ""
        for _ in 0..<4 {
            let word = rng.next() as UInt64
            let hex = String(word, radix: 16)
            out += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return out
    }

    static func tokenHash(_ token: String) -> String { SHA256.hex(Array(token.utf8)) }

    /// The account a ticket signs in, or why it does not.
    static func resolve(_ ticket: SessionTicket, store: Store, now: Moment) throws(DisclosureError) -> (Account?, Text?)
    {
        guard ticket.instanceID == (try store.instanceID()) else {
            return (nil, Text(zh: "登录凭据属于另一个数据库", en: "the sign-in belongs to another database"))
        }
        guard let s = try store.session(tokenHash: tokenHash(ticket.token)) else { return (nil, invalid) }
        if let problem = problem(
            account: s.account, created: s.created, expires: s.expires, ended: s.ended, now: now.epoch)
        {
            return (nil, problem)
        }
        return (s.account, nil)
    }

    static let invalid = Text(zh: "登录凭据无效", en: "the sign-in is not valid")

    /// Why a stored session no longer signs its account in, if it does not: the CLI's and the server's.
    static func problem(account: Account, created: Int, expires: Int, ended: Int?, now: Int) -> Text? {
        if ended != nil { return Text(zh: "已退出登录", en: "the session was signed out") }
        // A session that starts in the future means the clock was set back: not to be trusted.
        if now >= expires || now < created - 300 { return Text(zh: "登录已过期", en: "the session has expired") }
        if account.disabled || account.legacy {
            return Text(zh: "账号“\(account.name)”已停用", en: "the account “\(account.name)” is disabled")
        }
        return nil
    }
}

extension Desk {
    /// Signs `name` in with `password` (and the one-time `totp` code, when the account has a second
    /// factor); refuses after repeated failures for a growing while.
    public func signIn(name: String, password: String, totp: String? = nil) throws(DisclosureError) -> SessionTicket {
        let now = clock.now()
        let account = try checkPassword(password, of: store.account(named: name), at: now)
        try checkSecondFactor(account, code: totp, at: now)
        if account.disabled || account.legacy {
            throw DisclosureError(
                .unauthenticated, field: "name", zh: "账号“\(account.name)”已停用",
                en: "the account “\(account.name)” is disabled")
        }
        return try openSession(for: account, at: now)
    }

    /// The account if `password` is its password. The attempt is counted, and the throttle checked,
    /// in one write before the slow check, so that parallel guesses cannot share one allowance.
    func checkPassword(_ password: String, of account: Account?, at now: Moment) throws(DisclosureError) -> Account {
        let refused = DisclosureError(
            .unauthenticated, field: "password", zh: "账号或密码不正确", en: "wrong account name or password")
        let cost = try store.passwordCost()
        guard let account else {
            Passwords.decoyCheck(password, cost: cost)
            throw refused
        }
        let state = try claimAttempt(of: account, at: now, field: "password")
        guard let hash = state.passwordHash else {
            Passwords.decoyCheck(password, cost: cost)
            throw refused
        }
        guard Passwords.verify(password, hash: hash) else { throw refused }
        return account
    }

    /// Counts one try at the account's secrets as failed until it succeeds, after its throttle: a
    /// password at sign-in, or a one-time code to remove the second factor.
    func claimAttempt(of account: Account, at now: Moment, field: String) throws(DisclosureError) -> SigninState {
        let state = try store.claimSigninAttempt(account.id, now: now.epoch) { SessionPolicy.wait(afterFailures: $0) }
        if let until = state.lockedUntil, until > now.epoch {
            var e = DisclosureError(
                .throttled, field: field,
                zh: "失败次数过多，请\(until - now.epoch)秒后再试",
                en: "too many failed sign-ins; try again in \(until - now.epoch) seconds")
            e.retryAfter = until - now.epoch
            throw e
        }
        return state
    }

    func openSession(for account: Account, at now: Moment) throws(DisclosureError) -> SessionTicket {
        let token = Sessions.newToken()
        let expires = now.epoch + SessionPolicy.lifetimeSeconds
        try store.createSession(
            tokenHash: Sessions.tokenHash(token), account: account.id, created: now.epoch, expires: expires)
        return SessionTicket(token: token, instanceID: try store.instanceID(), account: account.name, expires: expires)
    }

    /// Ends the session of `ticket` in the database.
    public func signOut(_ ticket: SessionTicket) throws(DisclosureError) {
        try store.endSession(tokenHash: Sessions.tokenHash(ticket.token), at: clock.now().epoch)
    }
}
