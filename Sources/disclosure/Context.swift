import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "数据库文件 / database file (default: $DISCLOSURE_DB, else ~/.local/share/disclosure/disclosure.db)")
    var db: String?

    @Option(
        name: .long,
        help: "界面语言 zh|en / language (default: $DISCLOSURE_LANG or the locale; Chinese unless it is English)")
    var lang: String?

    /// The same options as plain values, which is what the commands' work uses.
    var values: Globals { Globals(db: db, lang: lang) }

    /// The database path by the documented precedence.
    var databasePath: String { values.databasePath }

    var language: Language { values.language }

    static var environmentLanguage: Language { Globals.environmentLanguage }

    func validate() throws { try Globals.checkLanguage(lang) }

    /// The office, signed in by this user's session file; `readOnly` for commands that only read.
    func openDesk(readOnly: Bool = false) throws -> Desk { try values.openDesk(readOnly: readOnly) }

    /// The office's server, when commands go to one (see `Globals.remote`).
    func remote() throws -> RemoteOffice? { try values.remote() }
}

/// `--db` and `--lang` as plain values: a command read by `DirectParse` has no option wrappers.
struct Globals {
    var db: String?
    var lang: String?

    /// The database path by the documented precedence.
    var databasePath: String { DatabaseLocation.resolve(db, environment: Environment.variables) }

    var language: Language {
        if let lang, let l = Language(rawValue: lang) { return l }
        return Globals.environmentLanguage
    }

    static var environmentLanguage: Language { Language.fromEnvironment(Environment.variables) }

    /// Refuses a `--lang` that names no language.
    static func checkLanguage(_ lang: String?) throws(DisclosureError) {
        if let lang, Language(rawValue: lang) == nil {
            throw DisclosureError(.invalidValue, field: "--lang", zh: "只能是 zh 或 en", en: "must be zh or en")
        }
    }

    /// Opens the database through the application layer, signed in by this OS user's session file.
    func openDesk(readOnly: Bool = false) throws -> Desk {
        try Desk.open(path: databasePath, clock: SystemClock(), readOnly: readOnly, ticket: SessionFiles.load)
    }

    /// The office's server, when this user signed in to one and the command names no local office of
    /// its own: without `--db` or `$DISCLOSURE_DB` always; with one, when that file is served by a
    /// server or cannot be opened here (it belongs to the server's account once an office moves).
    func remote() throws -> RemoteOffice? {
        try GlobalOptions.serverLogin(db: db).map { RemoteOffice(login: $0, lang: language) }
    }
}

/// Today's date in the office's time zone (read commands' default for `--as-of`).
func today() -> CivilDate { SystemClock().now().day }

/// The sign-in sessions of this OS user, one file per database, under
/// `$XDG_CONFIG_HOME/disclosure/sessions/` (default `~/.config`), readable by the user alone.
enum SessionFiles {
    static var folder: String { joinPath(configFolder(), "sessions") }

    /// A database identity is hex; anything else must never become part of a file name.
    static func isInstanceID(_ id: String) -> Bool { !id.isEmpty && id.allSatisfy(\.isHexDigit) }

    static func path(_ name: String) -> String { joinPath(folder, name) }

    /// Whether the sessions folder is this user's alone (no symlink, not writable by others): a
    /// folder others can write lets them plant or swap a token.
    static func folderIsPrivate() -> Bool {
        var st = stat()
        return lstat(folder, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR && st.st_uid == geteuid()
            && st.st_mode & 0o077 == 0
    }

    /// The ticket saved for the database `instanceID`, if this user has one.
    static func load(_ instanceID: String) -> SessionTicket? {
        guard isInstanceID(instanceID) else { return nil }
        return readPrivate(instanceID).flatMap(parse)
    }

    /// The text of the file `name` in the sessions folder. A file that others can read, or one
    /// behind a symlink, is ignored: a token anyone could copy proves nothing about who is at the
    /// keyboard.
    static func readPrivate(_ name: String) -> String? {
        guard folderIsPrivate() else { return nil }
        let fd = open(path(name), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG, st.st_mode & 0o077 == 0, st.st_uid == geteuid(),
            st.st_size < 4096
        else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        guard read(fd, &bytes, bytes.count) == bytes.count else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The file's text: one `key value` per line. Read by hand: Foundation's JSON coder costs every
    /// command a few milliseconds and megabytes at start-up.
    static func format(_ t: SessionTicket) -> String {
        "token \(t.token)\ninstance \(t.instanceID)\naccount \(t.account)\nexpires \(t.expires)\n"
    }

    static func parse(_ text: String) -> SessionTicket? {
        // Keyed by String, not Substring: the runtime's first lookup of a key type's Hashable scans
        // every conformance in the binary, and String's is looked up anyway.
        var fields: [String: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { return nil }
            fields[String(line[..<space])] = line[line.index(after: space)...]
        }
        guard let token = fields["token"], let instance = fields["instance"], let account = fields["account"],
            let expires = fields["expires"].flatMap({ Int($0) })
        else { return nil }
        return SessionTicket(
            token: String(token), instanceID: String(instance), account: String(account), expires: expires)
    }

    /// Saves a ticket, mode 0600 from its first byte, replacing any earlier one atomically.
    static func save(_ ticket: SessionTicket) throws {
        guard isInstanceID(ticket.instanceID) else {
            throw DisclosureError(
                .storage, field: "database", zh: "数据库没有标识，无法保存登录", en: "the database has no identity to sign in to")
        }
        try writePrivate(ticket.instanceID, format(ticket))
    }

    /// Writes the file `name` in the sessions folder, mode 0600 from its first byte, atomically.
    static func writePrivate(_ name: String, _ text: String) throws {
        let dir = folder
        do {
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw DisclosureError(
                .io, field: "session", zh: "无法创建目录 \(dir)：\(error.localizedDescription)",
                en: "cannot create the folder \(dir): \(error.localizedDescription)")
        }
        guard folderIsPrivate() else {
            throw DisclosureError(
                .io, field: "session",
                zh: "登录凭据目录 \(dir) 须为本用户所有且他人不可访问（chmod 700）",
                en: "the sign-in folder \(dir) must be yours alone (chmod 700)")
        }
        let data = Array(text.utf8)
        let final = path(name)
        let temp = final + ".tmp\(getpid())"
        unlink(temp)
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DisclosureError(
                .io, field: "session", zh: "无法写入登录凭据 \(final)", en: "cannot write the sign-in file \(final)")
        }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temp, final) == 0 else {
            unlink(temp)
            throw DisclosureError(
                .io, field: "session", zh: "无法写入登录凭据 \(final)", en: "cannot write the sign-in file \(final)")
        }
    }

    static func remove(_ instanceID: String) {
        guard isInstanceID(instanceID) else { return }
        unlink(path(instanceID))
    }

    static func removePrivate(_ name: String) { unlink(path(name)) }
}

/// Reads a password: one line from standard input with `--password-stdin`, else typed at the
/// terminal without echo.
func readPassword(fromStdin: Bool, prompt: String) throws -> String {
    if fromStdin { return readLine(strippingNewline: true) ?? "" }
    guard isatty(0) == 1 else {
        throw DisclosureError(
            .missingField, field: "password",
            zh: "标准输入不是终端：请用 --password-stdin 从标准输入提供密码",
            en: "standard input is not a terminal: give the password on it with --password-stdin")
    }
    writeStandardError(prompt)
    var old = termios()
    tcgetattr(0, &old)
    var quiet = old
    quiet.c_lflag &= ~tcflag_t(ECHO)
    tcsetattr(0, TCSAFLUSH, &quiet)
    defer {
        tcsetattr(0, TCSAFLUSH, &old)
        writeStandardError("\n")
    }
    return readLine(strippingNewline: true) ?? ""
}

/// Parses `--as-of` (default today).
func asOfDate(_ text: String?) throws -> CivilDate {
    guard let text else { return today() }
    return try ViewDay.check(try CivilDate.parse(text, field: "--as-of"), today: today(), field: "--as-of")
}

/// Parses an optional date option.
func optionalDate(_ text: String?, field: String) throws -> CivilDate? {
    guard let text else { return nil }
    return try CivilDate.parse(text, field: field)
}

/// Treats an empty option value as absent.
func nonEmpty(_ s: String?) -> String? {
    guard let s, !s.allSatisfy(\.isWhitespace) else { return nil }
    return s
}

/// The process's environment, read once: a command reads it several times while it starts, and the
/// program never changes its own environment. Read from `environ` itself: Foundation's reading builds a
/// dictionary of substrings first, whose conformance lookup alone costs a tenth of a registration.
enum Environment {
    static let variables: [String: String] = {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            // As getenv(3) answers: the first of two entries with one name is the one that counts.
            if let equals = text.firstIndex(of: "="), variables[String(text[..<equals])] == nil {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }()
}
