import CSQLite
import DisclosureCore

/// One change to a staff account, as `staff history` shows it.
public struct StaffEvent: Sendable, Hashable {
    public let id: Int
    public let account: String
    public let kind: String
    public let detail: String
    /// Who made the change; nil when the program did (migration, bootstrap).
    public let by: String?
    public let recordedAt: String
}

/// A sign-in session as stored: whose it is and when it ends (seconds since 1970).
public struct StoredSession: Sendable {
    public let account: Account
    public let created: Int
    public let expires: Int
    public let ended: Int?
}

/// What the sign-in throttle knows of an account.
public struct SigninState: Sendable {
    public let passwordHash: String?
    public let failedSignins: Int
    public let lockedUntil: Int?
}

extension Store {
    static let accountColumns = "id, name, roles, email, disabled, legacy, created_at"

    static func account(_ r: Row) throws(DisclosureError) -> Account {
        var roles: Set<Role> = []
        for part in r.text(2).split(separator: ",") {
            roles.insert(try vocabulary(String(part)))
        }
        return Account(
            id: r.int(0), name: r.text(1), roles: roles, email: r.optionalText(3), disabled: r.int(4) != 0,
            legacy: r.int(5) != 0, createdAt: r.text(6))
    }

    /// Every account, live ones first, in the order they were made.
    public func accounts() throws(DisclosureError) -> [Account] {
        try db.all("SELECT \(Store.accountColumns) FROM accounts ORDER BY legacy, id") {
            (r: Row) throws(DisclosureError) in
            try Store.account(r)
        }
    }

    /// The live (non-legacy) account whose name compares equal to `name`.
    public func account(named name: String) throws(DisclosureError) -> Account? {
        try db.first(
            "SELECT \(Store.accountColumns) FROM accounts WHERE name_key = ? AND legacy = 0",
            AccountName.key(name)
        ) { (r: Row) throws(DisclosureError) in try Store.account(r) }
    }

    public func account(id: Int) throws(DisclosureError) -> Account? {
        try db.first("SELECT \(Store.accountColumns) FROM accounts WHERE id = ?", id) {
            (r: Row) throws(DisclosureError) in
            try Store.account(r)
        }
    }

    /// Whether any account can sign in (a live, enabled one with a password).
    public func hasLiveAccounts() throws(DisclosureError) -> Bool {
        try db.first("SELECT 1 FROM accounts WHERE legacy = 0 LIMIT 1") { _ in true } ?? false
    }

    /// Adds an account and its first staff event in one transaction.
    public func addAccount(
        name: String, roles: Set<Role>, email: String?, passwordHash: String?, by: Int?,
        now: String
    ) throws(DisclosureError) -> Account {
        try db.writeTransaction { () throws(DisclosureError) in
            if try account(named: name) != nil {
                throw DisclosureError(
                    .ruleViolation, field: "name",
                    zh: "已有账号“\(name)”或与之写法等同的账号（全角、半角、大小写视为相同）",
                    en: "an account “\(name)” or one that compares equal to it (width and case ignored) exists")
            }
            let list = roles.sorted().map(\.rawValue).joined(separator: ",")
            try db.run(
                """
                INSERT INTO accounts (name, name_key, roles, email, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, name, AccountName.key(name), list, email, passwordHash, now)
            let id = Int(db.lastInsertRowID)
            try appendStaffEvent(
                account: id, kind: "added", detail: "roles=\(list)" + (email.map { " email=\($0)" } ?? ""),
                by: by, now: now)
            guard let made = try account(id: id) else {
                throw DisclosureError(.storage, zh: "新账号无法读回", en: "the new account cannot be read back")
            }
            return made
        }
    }

    /// Changes an account's roles, recording `kind` (granted or revoked) with what changed.
    public func setRoles(
        of id: Int, to roles: Set<Role>, kind: String, detail: String, by: Int?,
        now: String
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run(
                "UPDATE accounts SET roles = ? WHERE id = ?", roles.sorted().map(\.rawValue).joined(separator: ","), id)
            try requireActiveAdmin()
            try appendStaffEvent(account: id, kind: kind, detail: detail, by: by, now: now)
        }
    }

    /// The office always keeps an admin who can sign in. Checked inside the write, so that two admins
    /// disabling each other at the same moment cannot both succeed.
    func requireActiveAdmin() throws(DisclosureError) {
        let admins =
            try db.first(
                """
                SELECT COUNT(*) FROM accounts WHERE legacy = 0 AND disabled = 0 AND ',' || roles || ',' LIKE '%,admin,%'
                """
            ) { $0.int(0) } ?? 0
        if admins == 0 {
            throw DisclosureError(
                .ruleViolation, field: "name",
                zh: "须至少保留一名可用的管理员，不能停用最后一名管理员或取消其管理员角色",
                en: "at least one active admin must remain; the last one cannot be disabled or lose the role")
        }
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    public func setDisabled(_ id: Int, _ disabled: Bool, by: Int?, now: String, at epoch: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run("UPDATE accounts SET disabled = ? WHERE id = ?", disabled, id)
            try requireActiveAdmin()
            if disabled {
                try db.run("UPDATE sessions SET ended = ? WHERE account_id = ? AND ended IS NULL", epoch, id)
            }
            try appendStaffEvent(account: id, kind: disabled ? "disabled" : "enabled", detail: "", by: by, now: now)
        }
    }

    /// Sets a new password hash, clears the throttle and ends the account's sessions.
    public func setPassword(_ id: Int, hash: String, by: Int?, now: String, at epoch: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run(
                "UPDATE accounts SET password_hash = ?, failed_signins = 0, locked_until = NULL WHERE id = ?", hash, id)
            try db.run("UPDATE sessions SET ended = ? WHERE account_id = ? AND ended IS NULL", epoch, id)
            try appendStaffEvent(
                account: id, kind: "password", detail: by == id ? "changed by the account" : "reset",
                by: by, now: now)
        }
    }

    /// The staff events of one account, or of all accounts, oldest first.
    public func staffHistory(account: Int?) throws(DisclosureError) -> [StaffEvent] {
        let sql = """
            SELECT e.id, a.name, e.kind, e.detail, b.name, e.recorded_at FROM staff_events e
            JOIN accounts a ON a.id = e.account_id LEFT JOIN accounts b ON b.id = e.by_account
            """
        let map = { (r: Row) -> StaffEvent in
            StaffEvent(
                id: r.int(0), account: r.text(1), kind: r.text(2), detail: r.text(3), by: r.optionalText(4),
                recordedAt: r.text(5))
        }
        if let account { return try db.all(sql + " WHERE e.account_id = ? ORDER BY e.id", account, map: map) }
        return try db.all(sql + " ORDER BY e.id", map: map)
    }

    /// Records a change to an account: in `staff_events` for `staff history`, and with the account as it
    /// now stands in the journal, so that an account edited outside the program is found by `audit verify`.
    func appendStaffEvent(account: Int, kind: String, detail: String, by: Int?, now: String) throws(DisclosureError) {
        try db.run(
            "INSERT INTO staff_events (account_id, kind, detail, by_account, recorded_at) VALUES (?, ?, ?, ?, ?)",
            account, kind, detail, by, now)
        guard let snapshot = try db.first("SELECT \(Store.accountSnapshotColumns) FROM accounts WHERE id = ?", account,
                                          map: { Store.accountSnapshot($0) }) else {
            throw DisclosureError(.storage, zh: "账号无法读回", en: "the account cannot be read back")
        }
        let actor = try by.flatMap { (id: Int) throws(DisclosureError) in
            try db.first("SELECT name FROM accounts WHERE id = ?", id) { ActorRef(name: $0.text(0), accountID: id) }
        }
        try appendJournal(kind: "staff", actor: actor, now: now,
                          payload: StaffPayload(change: kind, detail: detail, account: snapshot))
    }

    // MARK: - Sign-in

    /// The password hash and throttle of an account.
    public func signinState(of id: Int) throws(DisclosureError) -> SigninState? {
        try db.first("SELECT password_hash, failed_signins, locked_until FROM accounts WHERE id = ?", id) {
            SigninState(
                passwordHash: $0.optionalText(0), failedSignins: $0.int(1), lockedUntil: $0.isNull(2) ? nil : $0.int(2))
        }
    }

    /// Counts a sign-in attempt as failed until it succeeds (a success clears the count), unless the
    /// account is locked; returns the state as it was, in one write so that parallel tries queue.
    /// `wait` gives the seconds to lock for after N failures.
    public func claimSigninAttempt(_ id: Int, now: Int, wait: (Int) -> Int) throws(DisclosureError) -> SigninState {
        try db.writeTransaction { () throws(DisclosureError) in
            guard let state = try signinState(of: id) else {
                throw DisclosureError(.storage, zh: "账号不存在", en: "no such account")
            }
            if let until = state.lockedUntil, until > now { return state }
            let seconds = wait(state.failedSignins + 1)
            try db.run(
                "UPDATE accounts SET failed_signins = failed_signins + 1, locked_until = ? WHERE id = ?",
                seconds > 0 ? now + seconds : nil as Int?, id)
            return state
        }
    }

    /// Stores a new session (by the hash of its token) and clears the account's failed sign-ins.
    public func createSession(tokenHash: String, account: Int, created: Int, expires: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run("UPDATE accounts SET failed_signins = 0, locked_until = NULL WHERE id = ?", account)
            try db.run(
                "INSERT INTO sessions (token_hash, account_id, created, expires) VALUES (?, ?, ?, ?)",
                tokenHash, account, created, expires)
        }
    }

    /// The session with this token hash, if one was ever made.
    public func session(tokenHash: String) throws(DisclosureError) -> StoredSession? {
        try db.first(
            """
            SELECT a.id, a.name, a.roles, a.email, a.disabled, a.legacy, a.created_at, s.created, s.expires, s.ended
            FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?
            """, tokenHash
        ) { (r: Row) throws(DisclosureError) in
            StoredSession(
                account: try Store.account(r), created: r.int(7), expires: r.int(8), ended: r.isNull(9) ? nil : r.int(9)
            )
        }
    }

    /// Ends one session (sign-out).
    public func endSession(tokenHash: String, at epoch: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE sessions SET ended = ? WHERE token_hash = ? AND ended IS NULL", epoch, tokenHash)
        }
    }

    /// The database's identity, which a session file names.
    public func instanceID() throws(DisclosureError) -> String { instance }

    /// The bcrypt cost for new passwords.
    public func passwordCost() throws(DisclosureError) -> Int {
        try db.first("SELECT password_cost FROM office WHERE id = 1") { $0.int(0) } ?? 12
    }

    /// Sets the bcrypt cost for passwords set from now on.
    public func setPasswordCost(_ cost: Int, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE office SET password_cost = ? WHERE id = 1", cost)
            guard let snapshot = try Store.snapshotOffice(db) else { return }
            try appendJournal(kind: "office", actor: nil, now: now, payload: snapshot)
        }
    }
}

/// A step entered late (补录), as `report late-entries` lists it.
public struct LateEntryRow: Sendable, Hashable {
    public let number: CaseNumber
    public let seq: Int
    public let kind: String
    public let on: CivilDate
    public let recordedAt: String
    public let actor: String
    public let reason: String
}

extension Store {
    /// This office's late entries recorded in `year` (every year when nil), in the order recorded.
    public func lateEntries(recordedIn year: Int?) throws(DisclosureError) -> [LateEntryRow] {
        var out: [LateEntryRow] = []
        let from = year.map { "\($0)" } ?? "0000"
        let to = year.map { "\($0 + 1)" } ?? "9999"
        try db.query(
            """
            SELECT c.year, c.serial, e.seq, e.kind, e.on_date, e.recorded_at, e.actor, e.late_entry
            FROM events e JOIN cases c ON c.id = e.case_id
            WHERE e.late_entry IS NOT NULL AND c.agency_code = ? AND c.superseded_by IS NULL
              AND e.recorded_at >= ? AND e.recorded_at < ?
            ORDER BY e.id
            """, [office.code, from, to]
        ) { (r: Row) throws(DisclosureError) in
            out.append(
                LateEntryRow(
                    number: CaseNumber(year: r.int(0), serial: r.int(1)), seq: r.int(2), kind: r.text(3),
                    on: try r.date(4), recordedAt: r.text(5), actor: r.text(6), reason: r.text(7)))
        }
        return out
    }
}
