import DisclosureCore
import Glibc

/// How a session was opened: the CLI's own file, a browser's cookie, or a personal API token.
public enum SessionKind: String, Sendable, Hashable, CaseIterable {
    case cli, web, token
}

/// A session of the server as stored, with what its timeouts need.
public struct ServerSession: Sendable {
    public let tokenHash: String
    public let kind: SessionKind
    public let account: Account
    public let created: Int
    public let expires: Int
    public let ended: Int?
    public let lastSeen: Int?
    public let label: String?
}

/// One line of the security log: a sign-in, a failure, a sign-out, a token made, used or revoked.
public struct SecurityLogEntry: Sendable, Hashable {
    public let id: Int
    public let at: Int
    public let kind: String
    public let account: String?
    /// The name typed when no account has it.
    public let name: String?
    public let address: String?
    public let detail: String?
}

/// One view or download of a case's personal data.
public struct DataAccessEntry: Sendable, Hashable {
    public let at: Int
    public let account: String
    public let caseNumber: String
    public let what: String
    public let address: String?
}

extension Store {
    /// Stores a new session of `kind` and clears the account's failed sign-ins, logging it in the same
    /// transaction.
    public func createSession(
        tokenHash: String, account: Int, kind: SessionKind, created: Int, expires: Int, label: String?,
        address: String?, log: String
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            if kind != .token {
                try db.run("UPDATE accounts SET failed_signins = 0, locked_until = NULL WHERE id = ?", account)
            }
            try db.run(
                """
                INSERT INTO sessions (token_hash, account_id, created, expires, kind, last_seen, label, address)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, tokenHash, account, created, expires, kind.rawValue, created, label, address)
            try insertSecurityLog(at: created, kind: log, account: account, name: nil, address: address, detail: label)
        }
    }

    /// The server session with this token hash, whatever its state.
    public func serverSession(tokenHash: String) throws(DisclosureError) -> ServerSession? {
        try db.first(
            """
            SELECT a.id, a.name, a.roles, a.email, a.disabled, a.legacy, a.created_at,
                   s.created, s.expires, s.ended, s.kind, s.last_seen, s.label, s.token_hash
            FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?
            """, tokenHash
        ) { (r: Row) throws(DisclosureError) in
            ServerSession(
                tokenHash: r.text(13), kind: SessionKind(rawValue: r.text(10)) ?? .cli, account: try Store.account(r),
                created: r.int(7), expires: r.int(8), ended: r.isNull(9) ? nil : r.int(9),
                lastSeen: r.isNull(11) ? nil : r.int(11), label: r.optionalText(12))
        }
    }

    /// Notes that a session was used at `epoch`.
    public func touchSession(tokenHash: String, at epoch: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE sessions SET last_seen = ? WHERE token_hash = ? AND ended IS NULL", epoch, tokenHash)
        }
    }

    /// Ends one session, logging why; true if it was still open.
    @discardableResult
    public func endSession(
        tokenHash: String, at epoch: Int, log: String, address: String?
    ) throws(DisclosureError) -> Bool {
        try db.writeTransaction { () throws(DisclosureError) in
            guard
                let account = try db.first(
                    "SELECT account_id FROM sessions WHERE token_hash = ? AND ended IS NULL", tokenHash,
                    map: { $0.int(0) })
            else { return false }
            _ = try db.run("UPDATE sessions SET ended = ? WHERE token_hash = ?", epoch, tokenHash)
            try insertSecurityLog(at: epoch, kind: log, account: account, name: nil, address: address, detail: nil)
            return true
        }
    }

    /// Ends every session of `kinds` the account has open (sign-out everywhere); returns how many.
    public func endSessions(
        of account: Int, kinds: [SessionKind], at epoch: Int, log: String, address: String?
    ) throws(DisclosureError) -> Int {
        try db.writeTransaction { () throws(DisclosureError) in
            var ended = 0
            for kind in kinds {
                ended += try db.run(
                    "UPDATE sessions SET ended = ? WHERE account_id = ? AND kind = ? AND ended IS NULL",
                    epoch, account, kind.rawValue)
            }
            try insertSecurityLog(
                at: epoch, kind: log, account: account, name: nil, address: address, detail: "\(ended)")
            return ended
        }
    }

    /// The account's personal API tokens still open, newest first.
    public func openTokens(of account: Int) throws(DisclosureError) -> [ServerSession] {
        try db.all(
            """
            SELECT a.id, a.name, a.roles, a.email, a.disabled, a.legacy, a.created_at,
                   s.created, s.expires, s.ended, s.kind, s.last_seen, s.label, s.token_hash
            FROM sessions s JOIN accounts a ON a.id = s.account_id
            WHERE s.account_id = ? AND s.kind = 'token' AND s.ended IS NULL ORDER BY s.created DESC
            """, account
        ) { (r: Row) throws(DisclosureError) in
            ServerSession(
                tokenHash: r.text(13), kind: .token, account: try Store.account(r), created: r.int(7),
                expires: r.int(8), ended: nil, lastSeen: r.isNull(11) ? nil : r.int(11), label: r.optionalText(12))
        }
    }

    /// Appends to the security log, and drops lines older than `keepSeconds` now and then.
    public func logSecurity(
        at epoch: Int, kind: String, account: Int?, name: String?, address: String?, detail: String?
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            try insertSecurityLog(at: epoch, kind: kind, account: account, name: name, address: address, detail: detail)
        }
    }

    private func insertSecurityLog(
        at epoch: Int, kind: String, account: Int?, name: String?, address: String?, detail: String?
    ) throws(DisclosureError) {
        _ = try db.run(
            "INSERT INTO security_log (at, kind, account_id, name, address, detail) VALUES (?, ?, ?, ?, ?, ?)",
            epoch, kind, account, name.map { String($0.prefix(200)) }, address, detail)
        // One line in a thousand sweeps what is past keeping, so the log neither grows forever nor
        // costs a delete on every sign-in.
        if Int.random(in: 0..<1000) == 0 {
            _ = try db.run("DELETE FROM security_log WHERE at < ?", epoch - Store.securityLogKeepSeconds)
        }
    }

    /// Thirteen months: the law asks for six at least; a year and a month lets a yearly review see all.
    public static let securityLogKeepSeconds = 396 * 86_400

    /// The security log, newest first; `account` limits it to one account's lines.
    public func securityLog(account: Int?, limit: Int) throws(DisclosureError) -> [SecurityLogEntry] {
        try db.all(
            """
            SELECT l.id, l.at, l.kind, a.name, l.name, l.address, l.detail FROM security_log l
            LEFT JOIN accounts a ON a.id = l.account_id
            WHERE ? IS NULL OR l.account_id = ? ORDER BY l.id DESC LIMIT ?
            """, account, account, limit
        ) { r in
            SecurityLogEntry(
                id: r.int(0), at: r.int(1), kind: r.text(2), account: r.optionalText(3), name: r.optionalText(4),
                address: r.optionalText(5), detail: r.optionalText(6))
        }
    }

    /// Records that `account` saw `what` of a case's personal data.
    public func logDataAccess(
        account: Int, caseNumber: String, what: String, address: String?, at epoch: Int
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run(
                "INSERT INTO data_access (at, account_id, case_number, what, address) VALUES (?, ?, ?, ?, ?)",
                epoch, account, caseNumber, what, address)
        }
    }

    /// Records that `account` received the personal data of each of `caseNumbers` (an export).
    public func logDataAccess(
        account: Int, caseNumbers: [String], what: String, address: String?, at epoch: Int
    ) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            for n in caseNumbers {
                _ = try db.run(
                    "INSERT INTO data_access (at, account_id, case_number, what, address) VALUES (?, ?, ?, ?, ?)",
                    epoch, account, n, what, address)
            }
        }
    }

    /// Who saw a case's personal data, oldest first.
    public func dataAccess(caseNumber: String) throws(DisclosureError) -> [DataAccessEntry] {
        try db.all(
            """
            SELECT d.at, a.name, d.case_number, d.what, d.address FROM data_access d
            JOIN accounts a ON a.id = d.account_id WHERE d.case_number = ? ORDER BY d.id
            """, caseNumber
        ) { r in
            DataAccessEntry(
                at: r.int(0), account: r.text(1), caseNumber: r.text(2), what: r.text(3), address: r.optionalText(4))
        }
    }

    /// The URL of the server that serves this database, if one does.
    public func serverURL() throws(DisclosureError) -> String? {
        try db.first("SELECT server_url FROM office WHERE id = 1") { $0.optionalText(0) } ?? nil
    }

    /// Records (or with nil clears) the server that serves this database.
    public func setServerURL(_ url: String?, at epoch: Int) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE office SET server_url = ? WHERE id = 1", url)
            try insertSecurityLog(
                at: epoch, kind: url == nil ? "server-released" : "server-started", account: nil, name: nil,
                address: nil, detail: url)
        }
    }

    // MARK: - TOTP

    /// An account's TOTP secret (base32), one being set up, and the last time step used.
    public func totpState(of id: Int) throws(DisclosureError) -> (secret: String?, pending: String?, lastStep: Int?) {
        try db.first("SELECT totp_secret, totp_pending, totp_last_step FROM accounts WHERE id = ?", id) {
            ($0.optionalText(0), $0.optionalText(1), $0.isNull(2) ? nil : $0.int(2))
        } ?? (nil, nil, nil)
    }

    /// Keeps a secret being set up until its first code confirms it.
    public func setPendingTOTP(_ id: Int, secret: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE accounts SET totp_pending = ? WHERE id = ?", secret, id)
        }
    }

    /// Makes the secret being set up the account's own, with `step` as its last used time step.
    public func confirmTOTP(_ id: Int, step: Int, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run(
                """
                UPDATE accounts SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?
                WHERE id = ? AND totp_pending IS NOT NULL
                """, step, id)
            try appendStaffEvent(account: id, kind: "totp", detail: "enabled", by: id, now: now)
        }
    }

    /// Removes an account's second factor (`by` itself, or an admin resetting it).
    public func removeTOTP(_ id: Int, by: Int, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run(
                "UPDATE accounts SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL WHERE id = ?", id)
            try appendStaffEvent(
                account: id, kind: "totp", detail: by == id ? "removed by the account" : "reset", by: by, now: now)
        }
    }

    /// Uses time step `step` of the account's codes, unless it or a later one was used already.
    public func claimTOTPStep(_ id: Int, step: Int) throws(DisclosureError) -> Bool {
        try db.writeTransaction { () throws(DisclosureError) in
            try db.run(
                """
                UPDATE accounts SET totp_last_step = ?
                WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)
                """,
                step, id, step) == 1
        }
    }

    /// Whether the office requires a second factor of heads and admins.
    public func totpRequired() throws(DisclosureError) -> Bool {
        try db.first("SELECT totp_required FROM office WHERE id = 1") { $0.int(0) != 0 } ?? false
    }

    /// Turns the requirement on or off, in the journal as an office setting.
    public func setTOTPRequired(_ on: Bool, by actor: ActorRef, now: String) throws(DisclosureError) {
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE office SET totp_required = ? WHERE id = 1", on)
            guard let snapshot = try Store.snapshotOffice(db) else { return }
            try appendJournal(kind: "office", actor: actor, now: now, payload: snapshot)
        }
    }

    // MARK: - The server lease

    /// Takes the server lease: an advisory lock on a file beside the database, held for as long as a
    /// server serves it and let go by the system when that process ends. A second server is refused.
    public func takeServerLease() throws(DisclosureError) -> Int32 {
        let fd = Glibc.open(path + "-server", O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_CREAT, 0o600)
        guard fd >= 0 else {
            throw DisclosureError(
                .io, field: "database", zh: "无法建立 \(path)-server", en: "cannot make \(path)-server")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw DisclosureError(
                .servedByServer, field: "database", zh: "另一个服务器正在管理数据库 \(path)",
                en: "another server is serving the database \(path)")
        }
        return fd
    }

    /// Whether a server holds the lease now.
    public func serverIsRunning() -> Bool {
        let fd = Glibc.open(path + "-server", O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }
}
