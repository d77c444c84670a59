import ArgumentParser
import DisclosureApp
import DisclosureCore
import Foundation

/// The server this OS user signed in to with `disclosure login NAME --server URL`: kept beside the
/// local sign-ins, readable by the user alone, as `key value` lines.
struct ServerLogin: Equatable {
    /// `http://HOST:PORT`, `https://HOST[:PORT]` or `unix:/PATH` (the server's socket).
    var url: String
    var token: String
    var account: String
    var expires: String
    /// A CA certificate to trust for this server (an office's own TLS certificate), if any.
    var caCert: String?
    /// The identity of the database the server serves: a local file is sent there only if it is that one.
    var instance: String?

    static let fileName = "server"

    /// The saved login; nil when there is none. A file that is there but not this user's alone (or
    /// not readable) is refused rather than ignored: ignoring it would send commands to some local file.
    static func load() throws(DisclosureError) -> ServerLogin? {
        let path = SessionFiles.path(fileName)
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        guard let text = SessionFiles.readPrivate(fileName), let login = parse(text) else {
            throw DisclosureError(
                .io, field: "server",
                zh: "服务器登录文件 \(path) 须为本用户所有、他人不可读（chmod 600）：请删除后重新 disclosure login --server",
                en: "the server sign-in file \(path) must be yours alone (chmod 600): remove it and sign in again")
        }
        return login
    }

    static func parse(_ text: String) -> ServerLogin? {
        // Keyed by String, as `SessionFiles.parse`: a Substring key costs a conformance scan at start.
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { return nil }
            fields[String(line[..<space])] = String(line[line.index(after: space)...])
        }
        guard let url = fields["url"], let token = fields["token"], let account = fields["account"] else { return nil }
        return ServerLogin(
            url: url, token: token, account: account, expires: fields["expires"] ?? "", caCert: fields["cacert"],
            instance: fields["instance"])
    }

    func save() throws {
        var text = "url \(url)\ntoken \(token)\naccount \(account)\nexpires \(expires)\n"
        if let caCert { text += "cacert \(caCert)\n" }
        if let instance { text += "instance \(instance)\n" }
        try SessionFiles.writePrivate(ServerLogin.fileName, text)
    }

    static func remove() { SessionFiles.removePrivate(fileName) }

    /// Checks a `--server` value: a URL the CLI can reach, nothing that could smuggle options to curl.
    static func checkURL(_ url: String) throws(DisclosureError) -> String {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        let ok =
            (u.hasPrefix("http://") || u.hasPrefix("https://") || u.hasPrefix("unix:/"))
            && !u.contains(where: {
                $0.isWhitespace || $0 == "\"" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } == true
            })
            && !u.contains("?") && !u.contains("#")
        guard ok else {
            throw DisclosureError(
                .invalidValue, field: "--server",
                zh: "须为 https://主机、http://127.0.0.1:端口 或 unix:/套接字路径（不含空格、查询串）",
                en: "must be https://HOST, http://127.0.0.1:PORT or unix:/SOCKET (no spaces, no query)")
        }
        // A user name in the address (`http://localhost:1@elsewhere/`) would hide where curl connects.
        let scheme = u.hasPrefix("unix:") ? 5 : (u.hasPrefix("https://") ? 8 : 7)
        let authority = u.dropFirst(scheme).split(separator: "/", omittingEmptySubsequences: false).first ?? ""
        guard !authority.contains("@") else {
            throw DisclosureError(
                .invalidValue, field: "--server", zh: "地址中不能含用户名（@）", en: "must not carry a user name (@)")
        }
        // A password and a token in clear text may cross this machine's loopback only.
        if u.hasPrefix("http://") {
            let host = String(authority)
            let name =
                host.hasPrefix("[")
                ? String(host.prefix(while: { $0 != "]" }).dropFirst()) : String(host.split(separator: ":").first ?? "")
            guard ["127.0.0.1", "localhost", "::1"].contains(name) else {
                throw DisclosureError(
                    .invalidValue, field: "--server", zh: "明文 http:// 只能用于本机（127.0.0.1）；其他服务器须用 https://",
                    en: "plain http:// is for this machine only (127.0.0.1); use https:// for any other server")
            }
        }
        return u
    }
}

/// One call to the API, built by a command from its parsed options.
struct APICall {
    var method = "GET"
    var path: String
    var query: [(String, String)] = []
    /// A JSON body (`Content-Type: application/json`).
    var body: JSON?
    /// A file sent as the body, with its type (an attachment, a case file, a calendar).
    var bodyFile: (path: String, type: String)?
    /// The CLI's text rather than JSON (`Accept: text/plain`), for the routes that render it.
    var text = false
    /// Extra headers (`X-Filename` for an attachment).
    var headers: [(String, String)] = []
}

/// The server's answer.
struct APIAnswer {
    let status: Int
    let body: [UInt8]
    /// `X-Case-Count` of an export.
    var caseCount: Int? = nil
    /// `X-Notes`: what the command would print on standard error locally, percent-encoded, one per line.
    var notes: [String] = []
}

/// The office through its server: each command's use case as one API call, made with curl (so that
/// the CLI itself links no HTTP or TLS stack and its start-up stays at the SQLite floor).
struct RemoteOffice {
    let login: ServerLogin
    let lang: Language

    /// Performs `call`; an error answer becomes the domain error the server reported, so that the CLI
    /// prints it exactly as it prints its own.
    func perform(_ call: APICall, signedIn: Bool = true) throws -> APIAnswer {
        let answer = try RemoteOffice.curl(
            call, url: login.url, token: signedIn ? login.token : nil,
            caCert: login.caCert, lang: lang)
        guard (200..<300).contains(answer.status) else { throw RemoteOffice.error(answer, lang: lang) }
        return answer
    }

    /// Performs `call` and prints its answer: JSON as the server wrote it, or its text.
    func show(_ call: APICall) throws { RemoteOffice.print(try perform(call), asText: call.text) }

    /// Prints an answer's body: text ends as `print` ends it locally; JSON ends in its own newline.
    static func print(_ answer: APIAnswer, asText: Bool) {
        var body = answer.body
        if asText || body.last != UInt8(ascii: "\n") { body.append(UInt8(ascii: "\n")) }
        body.withUnsafeBytes { writeAll(1, $0) }
    }

    /// The account an answer shows (`staff add`, `show`, `grant`…).
    func account(_ call: APICall) throws -> Account {
        let answer = try perform(call)
        guard let a = JSON.parse(answer.body).flatMap(CaseViews.account(from:)) else {
            throw RemoteOffice.error(answer, lang: lang)
        }
        return a
    }

    /// The accounts an answer lists.
    func accounts(_ call: APICall) throws -> [Account] {
        let answer = try perform(call)
        guard case .array(let items)? = JSON.parse(answer.body) else { throw RemoteOffice.error(answer, lang: lang) }
        return items.compactMap(CaseViews.account(from:))
    }

    /// `staff grant|revoke`.
    func roleChange(_ change: String, _ name: String, _ roles: Set<Role>) throws -> Account {
        let role = roles.sorted().map(\.rawValue).joined(separator: ",")
        return try account(
            APICall(
                method: "POST", path: "/api/v1/staff/\(segment(name))/\(change)",
                body: .object([("role", .string(role))])))
    }

    /// The domain error an error answer carries (`{code, field, message}`), with the body's field
    /// named as the CLI names it (`late_entry` → `late-entry`, which the CLI shows as `--late-entry`).
    static func error(_ answer: APIAnswer, lang: Language) -> DisclosureError {
        struct Body: Decodable {
            let code: String
            let field: String?
            let message: String
        }
        guard let b = try? JSONDecoder().decode(Body.self, from: Data(answer.body)) else {
            let text = String(decoding: answer.body.prefix(300).filter { $0 >= 0x20 || $0 == 0x0A }, as: UTF8.self)
            return DisclosureError(
                .io, field: "server", zh: "服务器答复 HTTP \(answer.status)：\(text)",
                en: "the server answered HTTP \(answer.status): \(text)")
        }
        let code = DisclosureError.Code(rawValue: b.code) ?? .io
        // Printed on the user's terminal: nothing from the server may move the cursor or retitle it.
        func printable(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.filter {
                $0 == "\n" || $0 == "\t" || !($0.value < 0x20 || (0x7F...0x9F).contains($0.value))
            }))
        }
        let field = b.field.map { f in
            f.allSatisfy({ $0.isLowercase || $0 == "_" }) ? f.replacingOccurrences(of: "_", with: "-") : f
        }
        return DisclosureError(code, field: field.map(printable), zh: printable(b.message), en: printable(b.message))
    }

    /// The curl program: `$DISCLOSURE_CURL`, else `curl` on the PATH.
    static func curlProgram() throws -> String {
        let env = Environment.variables
        if let c = env["DISCLOSURE_CURL"], !c.isEmpty { return c }
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/curl"
            if access(p, X_OK) == 0 { return p }
        }
        throw DisclosureError(
            .notInitialised, field: "server", zh: "找不到 curl：请安装（apt-get install curl）",
            en: "curl is missing: install it (apt-get install curl)")
    }

    /// A value in curl's config syntax: quoted, with `\` and `"` escaped and no raw line breaks.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// Runs curl with its whole configuration (URL, token, body) on standard input, so that neither
    /// the token nor an applicant's data ever appears in the process list.
    static func curl(
        _ call: APICall, url: String, token: String?, caCert: String?, lang: Language
    ) throws -> APIAnswer {
        var base = url
        var config: [String] = []
        if url.hasPrefix("unix:") {
            config.append("unix-socket = " + quoted(String(url.dropFirst(5))))
            base = "http://localhost"
        }
        // Clear text stays on this machine: an http_proxy in the environment must not carry the token.
        if base.hasPrefix("http://") { config.append("noproxy = \"*\"") }
        let safe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        var full = base + call.path
        if !call.query.isEmpty {
            full +=
                "?"
                + call.query.map { k, v in
                    k + "=" + (v.addingPercentEncoding(withAllowedCharacters: safe) ?? v)
                }.joined(separator: "&")
        }
        config.append("url = " + quoted(full))
        config.append("request = " + quoted(call.method))
        config.append("header = " + quoted("Accept: " + (call.text ? "text/plain" : "application/json")))
        config.append("header = " + quoted("Accept-Language: " + (lang == .en ? "en" : "zh")))
        if let token { config.append("header = " + quoted("Authorization: Bearer " + token)) }
        for (k, v) in call.headers { config.append("header = " + quoted("\(k): \(v)")) }
        if let caCert { config.append("cacert = " + quoted(caCert)) }
        // A change with nothing to say still sends a JSON body: the server reads one on every write.
        let json = call.body ?? (call.method == "POST" && call.bodyFile == nil ? JSON.object([]) : nil)
        if let body = json {
            config.append("header = " + quoted("Content-Type: application/json"))
            config.append("data-binary = " + quoted(String(decoding: body.compactEncoded(), as: UTF8.self)))
        } else if let file = call.bodyFile {
            config.append("header = " + quoted("Content-Type: " + file.type))
            config.append("data-binary = " + quoted("@" + file.path))
        }
        config += [
            "silent", "show-error", "connect-timeout = 10",
            // The status, a throttled wait and an export's case count, after the body, on standard error.
            "write-out = "
                + quoted("%{stderr}\n%{http_code}\t%header{retry-after}\t%header{x-case-count}\t%header{x-notes}\n"),
        ]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try curlProgram())
        process.arguments = ["--disable", "--config", "-"]
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            throw DisclosureError(
                .io, field: "server", zh: "无法运行 curl：\(error.localizedDescription)",
                en: "cannot run curl: \(error.localizedDescription)")
        }
        input.fileHandleForWriting.write(Data((config.joined(separator: "\n") + "\n").utf8))
        try? input.fileHandleForWriting.close()
        // The error stream is a few lines at most, so reading the body first cannot block curl.
        let body = output.fileHandleForReading.readDataToEndOfFile()
        let diagnostics = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = diagnostics.split(separator: "\n", omittingEmptySubsequences: true)
        let last = lines.last.map { $0.split(separator: "\t", omittingEmptySubsequences: false) } ?? []
        let status = last.first.flatMap { Int($0) } ?? 0
        // A connection cut in mid-answer still reports the status it began with: the body is incomplete.
        guard status > 0, process.terminationStatus == 0 else {
            let why = lines.dropLast().joined(separator: " ").replacingOccurrences(of: "curl: ", with: "")
            throw DisclosureError(
                .io, field: "server", zh: "无法连接服务器 \(url)：\(why)", en: "cannot reach the server \(url): \(why)")
        }
        // Control characters from the server never reach the terminal (no escape sequences).
        let notes = (last.count > 3 ? (String(last[3]).removingPercentEncoding ?? "") : "").filter {
            $0 == "\n" || !($0.unicodeScalars.first.map { $0.properties.generalCategory == .control } ?? false)
        }
        let answer = APIAnswer(
            status: status, body: [UInt8](body), caseCount: last.count > 2 ? Int(last[2]) : nil,
            notes: notes.split(separator: "\n").map(String.init))
        if status == 429, last.count > 1, let wait = Int(last[1]) {
            var e = error(answer, lang: lang)
            e.retryAfter = wait
            throw e
        }
        return answer
    }
}

extension GlobalOptions {
    /// The server login that applies to a command naming `db` (see `remote()`).
    static func serverLogin(db: String?) throws(DisclosureError) -> ServerLogin? {
        guard let login = try ServerLogin.load() else { return nil }
        let env = Environment.variables
        let named = db ?? env["DISCLOSURE_DB"].flatMap { $0.isEmpty ? nil : $0 }
        guard named != nil else { return login }
        let path = DatabaseLocation.resolve(db, environment: env)
        // A mistyped path is refused locally as before; a file this user may not reach or read (the
        // service account's, in a folder of its own) is the server's.
        var st = stat()
        guard stat(path, &st) == 0 else { return errno == EACCES ? login : nil }
        guard access(path, R_OK) == 0 else { return login }
        guard let (instance, served) = try? OfficeConnection.peek(path: path), served != nil else { return nil }
        guard login.instance == nil || login.instance == instance else {
            throw DisclosureError(
                .servedByServer, field: "database",
                zh: "\(path) 由另一台服务器（\(served ?? "")）管理，而不是已登录的 \(login.url)",
                en: "\(path) is served by another server (\(served ?? "")), not the one signed in to (\(login.url))")
        }
        return login
    }
}

/// The server login a command line goes to, by its `--db` (before the command is parsed).
func serverLogin(args: [String]) throws(DisclosureError) -> ServerLogin? {
    var db: String?
    if let i = args.firstIndex(of: "--db"), i + 1 < args.count { db = args[i + 1] }
    if let a = args.first(where: { $0.hasPrefix("--db=") }) { db = String(a.dropFirst(5)) }
    return try GlobalOptions.serverLogin(db: db)
}

/// ` --server URL` when this command line went to a server: for the hint of how to sign in again.
func serverHint() -> String {
    guard let login = try? serverLogin(args: Array(CommandLine.arguments.dropFirst())) else { return "" }
    return " --server \(login.url)"
}

/// A command that goes through the office's server when this user is signed in to one.
protocol ThroughServer {}

/// A command that works on this machine only, signed in to a server or not (it makes a database,
/// checks a file, starts the server, or signs in).
protocol HereOnly {}

/// Refuses a command that has no counterpart in the API while commands go to a server: run on the
/// default database instead, it would act on some other office than the one signed in to.
func refuseWhenServed(_ command: ParsableCommand, args: [String]) throws {
    // Help and the version are this program's own, whatever office one is signed in to.
    guard !(command is ThroughServer), !(command is HereOnly), !Main.asksForHelp(args) else { return }
    guard let login = try serverLogin(args: args) else { return }
    let name = Main.commandPath(args)
    throw DisclosureError(
        .servedByServer, field: "server",
        zh: "已登录服务器 \(login.url)，而 \(name) 须对数据库文件本身运行、不经服务器办理：请在服务器所在机器上以 --db "
            + "对数据库文件运行，或先 disclosure logout",
        en: "signed in to the server \(login.url), and \(name) works on the database file itself, not through the "
            + "server: run it on the server's machine with --db on its file, or disclosure logout first")
}

/// The rows a listing command shows, as their JSON views: from the server when commands go through
/// one, else from the local office. The text is drawn from the views either way, so it reads the same.
func views(_ global: GlobalOptions, _ call: APICall, local: () throws -> [JSON]) throws -> [JSON] {
    guard let remote = try global.remote() else { return try local() }
    let answer = try remote.perform(call)
    guard case .array(let items)? = JSON.parse(answer.body) else { throw RemoteOffice.error(answer, lang: remote.lang) }
    return items
}

extension JSON {
    /// A member's text for a table cell: strings as they are, numbers in digits, null as nil.
    func cell(_ name: String) -> String? {
        switch self[name] {
        case .string(let s)?: s
        case .int(let n)?: String(n)
        case .bool(let b)?: String(b)
        default: nil
        }
    }
}

/// A name as one segment of an API path: everything but the unreserved characters percent-encoded,
/// so that a `/` or `?` in an account's name stays part of the name.
func segment(_ s: String) -> String {
    let safe = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
    return s.addingPercentEncoding(withAllowedCharacters: safe) ?? ""
}

/// The query of a call: options given, by their API names.
func queryItems(_ items: [(String, String?)]) -> [(String, String)] {
    items.compactMap { k, v in v.map { (k, $0) } }
}

extension Login: HereOnly {}
extension Init: HereOnly {}
extension Validate: HereOnly {}
extension Serve: HereOnly {}
extension Logout: ThroughServer {}
extension Whoami: ThroughServer {}
extension Register: ThroughServer {}
extension Show: ThroughServer {}
extension ListCases: ThroughServer {}
extension Due: ThroughServer {}
extension History: ThroughServer {}
extension Assign: ThroughServer {}
extension CorrectionRequest: ThroughServer {}
extension CorrectionReceive: ThroughServer {}
extension ConsultSend: ThroughServer {}
extension ConsultAnswer: ThroughServer {}
extension Extend: ThroughServer {}
extension Defer: ThroughServer {}
extension FeeNoticeCommand: ThroughServer {}
extension FeePaidCommand: ThroughServer {}
extension ReplyDraft: ThroughServer {}
extension ReplyReview: ThroughServer {}
extension ReplyIssue: ThroughServer {}
extension Deliver: ThroughServer {}
extension Archive: ThroughServer {}
extension Reopen: ThroughServer {}
extension Withdraw: ThroughServer {}
extension Close: ThroughServer {}
extension RemedyFile: ThroughServer {}
extension RemedyDecide: ThroughServer {}
extension NoticeCommand: ThroughServer {}
extension Attach: ThroughServer {}
extension Attachments: ThroughServer {}
extension Extract: ThroughServer {}
extension StaffAdd: ThroughServer {}
extension StaffList: ThroughServer {}
extension StaffShow: ThroughServer {}
extension StaffDisable: ThroughServer {}
extension StaffEnable: ThroughServer {}
extension StaffGrant: ThroughServer {}
extension StaffRevoke: ThroughServer {}
extension StaffPassword: ThroughServer {}
extension StaffHistory: ThroughServer {}
extension ReportLateEntries: ThroughServer {}
extension AuditJournal: ThroughServer {}
extension AuditAccess: ThroughServer {}
extension AuditSecurity: ThroughServer {}
extension ReportLock: ThroughServer {}
extension ReportUnlock: ThroughServer {}
extension FeeQuoteCommand: ThroughServer {}
extension CalendarList: ThroughServer {}
extension CalendarShow: ThroughServer {}
extension CalendarDays: ThroughServer {}
extension CalendarImport: ThroughServer {}
extension Export: ThroughServer {}
extension Import: ThroughServer {}
extension TOTPSetup: ThroughServer {}
extension TOTPConfirm: ThroughServer {}
extension TOTPRemove: ThroughServer {}
extension TOTPRequire: ThroughServer {}
extension AuditVerify: ThroughServer {}
extension ReportAnnual: ThroughServer {}
extension ReportStats: ThroughServer {}
extension ReportClusters: ThroughServer {}
extension ReportLeadAdd: ThroughServer {}
extension ReportLeadList: ThroughServer {}
extension ReportLeadWithdraw: ThroughServer {}
extension SubmissionList: ThroughServer {}
extension SubmissionConfirm: ThroughServer {}
extension SubmissionDecline: ThroughServer {}
