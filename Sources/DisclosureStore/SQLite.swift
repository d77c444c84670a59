import CSQLite
#if canImport(Glibc)
import Glibc
#endif
import DisclosureCore

// SQLITE_TRANSIENT is a macro casting -1 to a function pointer; it does not import into Swift.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A value bound to or read from a statement.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
    case blob([UInt8])
}

protocol SQLBindable {
    var sqlValue: SQLValue { get }
}
extension Int: SQLBindable { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLBindable { var sqlValue: SQLValue { .int(self) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .int(self ? 1 : 0) } }
extension CivilDate: SQLBindable { var sqlValue: SQLValue { .text(description) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One SQLite connection; not shared between threads (the CLI is one process, one thread).
final class Connection {
    private(set) var handle: OpaquePointer?
    private var cache: [String: OpaquePointer] = [:]
    let path: String
    /// The hash at the end of the event chain, known only inside the current write transaction.
    var chainEnd: String?
    /// How deep in `writeTransaction` this connection is: a nested write is a savepoint of the outer one.
    private var writeDepth = 0
    let readOnly: Bool

    /// Process-wide settings, made once before the first connection.
    private static let configured: Bool = disclosure_sqlite_skip_memory_statistics() == SQLITE_OK

    /// `immutable` opens read-only without locks or the WAL index, for a file in a folder this
    /// user cannot write (where SQLite could not create the `-shm` it otherwise needs).
    init(path: String, readOnly: Bool = false, create: Bool = false, immutable: Bool = false) throws(DisclosureError) {
        self.path = path
        self.readOnly = readOnly || immutable
        var flags = readOnly || immutable ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_URI
            let escaped = path.utf8.map { b -> String in
                b == UInt8(ascii: "%") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") || b >= 0x80
                    ? "%" + String(b, radix: 16, uppercase: true) : String(UnicodeScalar(b))
            }.joined()
            name = "file:" + escaped + "?immutable=1"
        }
        _ = Connection.configured
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(name, &db, flags, nil)
        handle = db
        if rc != SQLITE_OK {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            handle = nil
            throw DisclosureError(.storage, field: "database",
                                  zh: "无法打开数据库 \(path)：\(msg)", en: "cannot open the database \(path): \(msg)")
        }
        // Writers queue behind each other instead of failing with "database is locked", asking again
        // every few milliseconds: SQLite's own timeout backs off to 100 ms between tries and so misses
        // the short gaps a long import leaves between its parts.
        sqlite3_busy_handler(db, Connection.busyHandler, nil)
        sqlite3_extended_result_codes(db, 1)
        if Connection.traceFile >= 0 {
            sqlite3_trace_v2(db, UInt32(SQLITE_TRACE_STMT), Connection.traceStatement, nil)
        }
    }

    /// Where `DISCLOSURE_SQL_TRACE` names a file, every statement is appended to it as it starts, with its
    /// values filled in: to see what a command asks of SQLite, or replay it in the sqlite3 shell.
    private static let traceFile: Int32 = {
        guard let path = getenv("DISCLOSURE_SQL_TRACE"), path.pointee != 0 else { return -1 }
        return Glibc.open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
    }()

    /// Writes a top-level statement to the trace; statements run by triggers arrive as "--" comments
    /// naming the trigger and are left out, since replaying their statement would run them twice.
    static let traceStatement: @convention(c) (UInt32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?,
                                               UnsafeMutableRawPointer?) -> Int32 = { _, _, statement, text in
        guard let statement, let text, text.assumingMemoryBound(to: CChar.self).pointee != 0x2D,
              let expanded = sqlite3_expanded_sql(OpaquePointer(statement)) else { return 0 }
        let line = String(cString: expanded) + ";\n"
        sqlite3_free(expanded)
        _ = line.withCString { Glibc.write(traceFile, $0, strlen($0)) }
        return 0
    }

    /// Waits 2 ms a try for the first 200 ms, then 5 ms, and gives up after about a minute.
    static let busyHandler: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Int32 = { _, tries in
        if tries < 100 {
            usleep(2_000)
            return 1
        }
        if tries < 100 + 12_000 {
            usleep(5_000)
            return 1
        }
        return 0
    }

    deinit {
        for (_, stmt) in cache { sqlite3_finalize(stmt) }
        sqlite3_close_v2(handle)
    }

    func error(_ what: String, _ rc: Int32) -> DisclosureError {
        let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(rc)"
        let primary = rc & 0xff
        if primary == SQLITE_READONLY {
            return DisclosureError(.storage, field: "database", zh: "数据库 \(path) 是只读的，无法写入（\(msg)）",
                                   en: "the database \(path) is read-only; nothing was written (\(msg))")
        }
        // In WAL mode a full disk often surfaces as an I/O error on the log or its index; the
        // operating system's own error tells the two apart.
        let osError = handle.map { sqlite3_system_errno($0) } ?? 0
        if primary == SQLITE_FULL || primary == SQLITE_IOERR && (osError == ENOSPC || osError == EDQUOT) {
            return DisclosureError(.storage, field: "database", zh: "磁盘已满，写入未完成，数据未改变（\(msg)）",
                                   en: "the disk is full; the write was rolled back and nothing changed (\(msg))")
        }
        if primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB {
            return DisclosureError(.storage, field: "database", zh: "数据库 \(path) 已损坏或不是本程序的数据库（\(msg)），请从备份恢复",
                                   en: "the database \(path) is corrupt or not a Disclosure database (\(msg)); restore it from a backup")
        }
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return DisclosureError(.storage, field: "database", zh: "数据库正被其他程序长时间占用，请稍后重试（\(msg)）",
                                   en: "the database has been busy for too long in another process; try again (\(msg))")
        }
        if primary == SQLITE_IOERR {
            let reason = osError != 0 ? String(cString: strerror(osError)) : msg
            return DisclosureError(.storage, field: "database", zh: "读写数据库文件 \(path) 时出错（\(reason)），操作已撤销，数据未改变；请检查磁盘",
                                   en: "reading or writing \(path) failed (\(reason)); the operation was rolled back and nothing changed; check the disk")
        }
        return DisclosureError(.storage, zh: "数据库错误（\(what)）：\(msg)", en: "database error (\(what)): \(msg)")
    }

    /// Runs SQL text with no parameters (schema scripts, pragmas).
    func exec(_ sql: String) throws(DisclosureError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            sqlite3_free(err)
            throw error("exec", rc)
        }
    }

    private func statement(_ sql: String) throws(DisclosureError) -> OpaquePointer {
        if let s = cache[sql] {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error("prepare", rc) }
        cache[sql] = stmt
        return stmt
    }

    private func bind(_ stmt: OpaquePointer, _ params: [SQLValue]) throws(DisclosureError) {
        for (i, v) in params.enumerated() {
            let idx = Int32(i + 1)
            let rc: Int32
            switch v {
            case .null: rc = sqlite3_bind_null(stmt, idx)
            case let .int(n): rc = sqlite3_bind_int64(stmt, idx, n)
            case let .text(s): rc = sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT)
            case let .blob(b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob64(stmt, idx, $0.baseAddress, sqlite3_uint64($0.count), SQLITE_TRANSIENT) }
            }
            if rc != SQLITE_OK { throw error("bind", rc) }
        }
    }

    /// Executes a statement that returns no rows; returns the number of changed rows.
    @discardableResult
    func run(_ sql: String, _ params: SQLBindable...) throws(DisclosureError) -> Int {
        let stmt = try statement(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, params.map(\.sqlValue))
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error("step", rc) }
        return Int(sqlite3_changes(handle))
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs a query and calls `row` for each result row.
    func query(_ sql: String, _ params: [SQLBindable], row: (Row) throws(DisclosureError) -> Void) throws(DisclosureError) {
        let stmt = try statement(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, params.map(\.sqlValue))
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else { throw error("step", rc) }
            try row(Row(stmt: stmt))
        }
    }

    /// The rows of a query mapped by `map`.
    func all<T>(_ sql: String, _ params: SQLBindable..., map: (Row) throws(DisclosureError) -> T) throws(DisclosureError) -> [T] {
        var out: [T] = []
        try query(sql, params) { (r: Row) throws(DisclosureError) in out.append(try map(r)) }
        return out
    }

    /// The first row of a query mapped by `map`, or nil.
    func first<T>(_ sql: String, _ params: SQLBindable..., map: (Row) throws(DisclosureError) -> T) throws(DisclosureError) -> T? {
        var out: T?
        let stmt = try statement(sql)
        defer { sqlite3_reset(stmt) }
        try bind(stmt, params.map(\.sqlValue))
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { out = try map(Row(stmt: stmt)) } else if rc != SQLITE_DONE { throw error("step", rc) }
        return out
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction; any error rolls everything back. Inside another
    /// write it is a savepoint of that one: its error undoes its own writes, and the outer one decides.
    func writeTransaction<T>(_ body: () throws(DisclosureError) -> T) throws(DisclosureError) -> T {
        // Only inside our own write: in a read transaction BEGIN IMMEDIATE fails loudly, as it should.
        if writeDepth > 0 {
            try exec("SAVEPOINT nested_write")
            writeDepth += 1
            defer { writeDepth -= 1 }
            do {
                let result = try body()
                try exec("RELEASE nested_write")
                return result
            } catch {
                try? exec("ROLLBACK TO nested_write")
                try? exec("RELEASE nested_write")
                // The chain's end may have been an event just rolled back: read it again.
                chainEnd = nil
                throw error
            }
        }
        try exec("BEGIN IMMEDIATE")
        writeDepth = 1
        defer { writeDepth = 0 }
        // Another process may have appended since this connection last wrote.
        chainEnd = nil
        defer { chainEnd = nil }
        do {
            let result = try body()
            try exec("COMMIT")
            return result
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a read transaction, so that several queries see one snapshot.
    /// Inside a write transaction it simply runs `body`, which then sees that transaction's snapshot.
    func readTransaction<T>(_ body: () throws(DisclosureError) -> T) throws(DisclosureError) -> T {
        if sqlite3_get_autocommit(handle) == 0 { return try body() }
        try exec("BEGIN DEFERRED")
        do {
            let result = try body()
            try exec("COMMIT")
            return result
        } catch {
            try? exec("ROLLBACK")
            throw error
        }
    }
}

/// A result row; columns by index.
struct Row {
    let stmt: OpaquePointer
    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    func int(_ i: Int32) -> Int { Int(sqlite3_column_int64(stmt, i)) }
    func text(_ i: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, i) else { return "" }
        return String(cString: p)
    }
    func optionalText(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }
    func optionalInt(_ i: Int32) -> Int? { isNull(i) ? nil : int(i) }
    func blob(_ i: Int32) -> [UInt8] {
        let n = Int(sqlite3_column_bytes(stmt, i))
        guard n > 0, let p = sqlite3_column_blob(stmt, i) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
    /// A stored ISO date; a malformed one means the file was edited outside the program.
    func date(_ i: Int32) throws(DisclosureError) -> CivilDate {
        if let p = sqlite3_column_text(stmt, i),
           let d = CivilDate(isoBytes: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(stmt, i)))) {
            return d
        }
        let s = text(i)
        throw DisclosureError(.storage, zh: "数据库中的日期“\(s)”已损坏", en: "a stored date “\(s)” is corrupt")
    }
    func optionalDate(_ i: Int32) throws(DisclosureError) -> CivilDate? { isNull(i) ? nil : try date(i) }
}
