import DisclosureCore
import DisclosureStore

#if canImport(Glibc)
    import Glibc
#endif

/// What a new account is made with.
public struct NewAccount: Sendable {
    public let name: String
    public let roles: Set<Role>
    public let email: String?
    public let password: String?
    public init(name: String, roles: Set<Role>, email: String?, password: String?) {
        self.name = name
        self.roles = roles
        self.email = email
        self.password = password
    }
}

extension Desk {
    /// Creates the office's database with its first admin account, and signs the admin in.
    public static func initialise(
        path: String, agency: String, code: String, admin: String, password: String,
        passwordCost: Int? = nil, clock: any OfficeClock = SystemClock()
    )
        throws(DisclosureError) -> (desk: Desk, ticket: SessionTicket)
    {
        // Everything about the admin is checked before the file exists, so that a refusal leaves nothing.
        let name = try AccountName.normalise(admin)
        try PasswordRule.check(password)
        if let passwordCost, !Passwords.costs.contains(passwordCost) {
            throw DisclosureError(
                .invalidValue, field: "password-cost",
                zh: "须为\(Passwords.costs.lowerBound)至\(Passwords.costs.upperBound)",
                en: "must be \(Passwords.costs.lowerBound) to \(Passwords.costs.upperBound)")
        }
        let now = clock.now()
        let store = try Store.initialise(path: path, agency: agency, code: code, now: now.stamp)
        if let passwordCost { try store.setPasswordCost(passwordCost, now: now.stamp) }
        return try firstAdmin(store: store, name: name, password: password, clock: clock)
    }

    /// Offers the file's owner the first admin of a database that has no accounts yet (one made
    /// before accounts existed), and signs them in.
    public static func bootstrap(
        path: String, admin: String, password: String,
        clock: any OfficeClock = SystemClock()
    ) throws(DisclosureError) -> (desk: Desk, ticket: SessionTicket) {
        let name = try AccountName.normalise(admin)
        try PasswordRule.check(password)
        let store = try Store.open(path: path)
        if try store.hasLiveAccounts() {
            throw DisclosureError(
                .ruleViolation, field: "database",
                zh: "本数据库已有工作人员账号，首个管理员只能在没有账号时设立",
                en: "this database already has staff accounts; the first admin is set up only when there are none")
        }
        var st = stat()
        guard stat(path, &st) == 0, st.st_uid == geteuid() || geteuid() == 0 else {
            throw DisclosureError(
                .forbidden, field: "database",
                zh: "只有数据库文件的所有者才能设立首个管理员",
                en: "only the owner of the database file can set up the first admin")
        }
        return try firstAdmin(store: store, name: name, password: password, clock: clock)
    }

    private static func firstAdmin(
        store: Store, name: String, password: String,
        clock: any OfficeClock
    ) throws(DisclosureError) -> (desk: Desk, ticket: SessionTicket) {
        let now = clock.now()
        let admin = try store.addAccount(
            name: name, roles: [.admin], email: nil,
            passwordHash: Passwords.hash(password, cost: try store.passwordCost()), by: nil,
            now: now.stamp)
        let desk = Desk(store: store, clock: clock, account: admin, sessionProblem: Text(zh: "", en: ""))
        return (desk, try desk.openSession(for: admin, at: now))
    }

    /// The signed-in account (who am I).
    public func whoami() throws(DisclosureError) -> Account {
        guard let account else {
            throw DisclosureError(.unauthenticated, field: "session", zh: sessionProblem.zh, en: sessionProblem.en)
        }
        return account
    }

    // MARK: - Staff administration (admin only; 三员分立)

    /// Refuses at once when the signed-in account may not run `useCase`, before a front end asks for
    /// anything more (a password, a file).
    public func require(_ useCase: UseCase) throws(DisclosureError) {
        _ = try signedIn(useCase)
    }

    /// Adds a staff account; every staff change is an event in `staffHistory`.
    public func addStaff(_ new: NewAccount) throws(DisclosureError) -> Account {
        let admin = try signedIn(.staff)
        let name = try AccountName.normalise(new.name)
        if new.roles.isEmpty {
            throw DisclosureError(.missingField, field: "role", zh: "须至少指定一个角色", en: "at least one role is needed")
        }
        try Role.requireSeparation(new.roles, field: "role")
        if let email = new.email { try Desk.checkEmail(email) }
        if let p = new.password { try PasswordRule.check(p) }
        let hash = try new.password.map { (p: String) throws(DisclosureError) in
            Passwords.hash(p, cost: try store.passwordCost())
        }
        return try store.addAccount(
            name: name, roles: new.roles, email: new.email, passwordHash: hash, by: admin.id,
            now: clock.now().stamp)
    }

    static func checkEmail(_ email: String) throws(DisclosureError) {
        try TextField.requireLine(email, field: "email", max: 254)
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
            throw DisclosureError(
                .invalidValue, field: "email", zh: "电子邮箱“\(email)”格式不对", en: "“\(email)” is not an e-mail address")
        }
    }

    /// Every account, legacy ones last.
    public func staffList() throws(DisclosureError) -> [Account] {
        _ = try signedIn(.staff, reading: true)
        return try store.accounts()
    }

    /// One live account by name (compared as `AccountName.key`).
    public func staffMember(_ name: String) throws(DisclosureError) -> Account {
        _ = try signedIn(.staff, reading: true)
        return try liveAccount(name)
    }

    func liveAccount(_ name: String) throws(DisclosureError) -> Account {
        guard let a = try store.account(named: name) else {
            throw DisclosureError(
                .invalidValue, field: "name", zh: "没有账号“\(name)”", en: "there is no account “\(name)”")
        }
        return a
    }

    /// Adds roles to an account. An admin never grants roles to themselves.
    public func grant(_ roles: Set<Role>, to name: String) throws(DisclosureError) -> Account {
        let admin = try signedIn(.staff)
        let target = try liveAccount(name)
        if target.id == admin.id {
            throw DisclosureError(
                .forbidden, field: "name", zh: "管理员不能给自己授予角色（三员分立）",
                en: "an admin cannot grant roles to themselves (separation of duties)")
        }
        let added = roles.subtracting(target.roles)
        if added.isEmpty {
            throw DisclosureError(
                .ruleViolation, field: "role", zh: "账号“\(target.name)”已有这些角色",
                en: "the account “\(target.name)” already has these roles")
        }
        let all = target.roles.union(roles)
        try Role.requireSeparation(all, field: "role")
        try store.setRoles(
            of: target.id, to: all, kind: "granted", detail: added.sorted().map(\.rawValue).joined(separator: ","),
            by: admin.id, now: clock.now().stamp)
        return try liveAccount(target.name)
    }

    /// Takes roles away; the last enabled admin keeps theirs.
    public func revoke(_ roles: Set<Role>, from name: String) throws(DisclosureError) -> Account {
        let admin = try signedIn(.staff)
        let target = try liveAccount(name)
        let removed = roles.intersection(target.roles)
        if removed.isEmpty {
            throw DisclosureError(
                .ruleViolation, field: "role", zh: "账号“\(target.name)”没有这些角色",
                en: "the account “\(target.name)” has none of these roles")
        }
        try store.setRoles(
            of: target.id, to: target.roles.subtracting(roles), kind: "revoked",
            detail: removed.sorted().map(\.rawValue).joined(separator: ","), by: admin.id, now: clock.now().stamp)
        return try liveAccount(target.name)
    }

    /// Disables (or re-enables) an account; its sessions end at once.
    public func setDisabled(_ name: String, _ disabled: Bool) throws(DisclosureError) -> Account {
        let admin = try signedIn(.staff)
        let target = try liveAccount(name)
        if target.disabled == disabled {
            throw DisclosureError(
                .ruleViolation, field: "name", zh: disabled ? "账号已停用" : "账号未停用",
                en: disabled ? "the account is already disabled" : "the account is not disabled")
        }
        let now = clock.now()
        try store.setDisabled(target.id, disabled, by: admin.id, now: now.stamp, at: now.epoch)
        return try liveAccount(target.name)
    }

    /// Whether changing the password of `name` (nil: one's own) needs the current password: one's
    /// own always does, so that an unattended session cannot take the account over.
    public func needsCurrentPassword(for name: String?) throws(DisclosureError) -> Bool {
        let me = try whoami()
        guard let name else { return true }
        return try liveAccount(name).id == me.id
    }

    /// Sets a password: one's own (with the current one), or any account's by an admin. Ends the
    /// account's sessions.
    public func setPassword(of name: String?, to password: String, current: String? = nil) throws(DisclosureError) {
        let me = try whoami()
        try refuseLocalChangeIfServed()
        let target = try name.map { (n: String) throws(DisclosureError) in try liveAccount(n) } ?? me
        if target.id != me.id {
            try UseCase.staff.authorise(me)
        } else {
            _ = try checkPassword(current ?? "", of: me, at: clock.now())
        }
        try PasswordRule.check(password)
        let now = clock.now()
        try store.setPassword(
            target.id, hash: Passwords.hash(password, cost: try store.passwordCost()), by: me.id,
            now: now.stamp, at: now.epoch)
    }

    /// Staff changes, of one account or all.
    public func staffHistory(of name: String?) throws(DisclosureError) -> [StaffEvent] {
        _ = try signedIn(.staff, reading: true)
        return try store.staffHistory(
            account: try name.map { (n: String) throws(DisclosureError) in try liveAccount(n).id })
    }
}
