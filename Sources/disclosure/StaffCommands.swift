import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

// MARK: - Signing in

struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "以本人账号登录（一个工作日内有效）/ sign in with your own account (valid for a working day)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String
    @Flag(name: .customLong("password-stdin"), help: "从标准输入读取密码 / read the password from standard input")
    var passwordStdin = false
    @Option(help: "登录本机关的服务器，如 https://xxgk.example.gov.cn / sign in to the office's server at this URL")
    var server: String?
    @Option(help: "信任此 CA 证书（服务器使用本机关自签证书时）/ a CA certificate to trust for the server")
    var cacert: String?

    func run() throws {
        if let server { return try signInToServer(server) }
        let desk = try global.openDesk()
        let zh = global.language == .zh
        let password = try readPassword(
            fromStdin: passwordStdin, prompt: zh ? "“\(name)”的密码：" : "password for “\(name)”: ")
        // Whoever was signed in here is signed out first: on a shared PC a failed sign-in must not leave
        // the previous person's session for the next step to be recorded under.
        let instance = try desk.instanceID()
        if let previous = SessionFiles.load(instance) {
            try desk.signOut(previous)
            SessionFiles.remove(instance)
        }
        // The one-time code, when the account has a second factor: the next line with --password-stdin.
        let code =
            try desk.signInNeedsCode(name)
            ? try readCode(fromStdin: passwordStdin, prompt: zh ? "动态口令（六位数字）：" : "one-time code (six digits): ")
            : nil
        let ticket = try desk.signIn(name: name, password: password, totp: code)
        try SessionFiles.save(ticket)
        if let server = try? ServerLogin.load() {
            // Commands without --db still go there: say so, lest the next one land on the wrong office.
            printError(
                zh ? "注意：仍登录服务器 \(server.url)（\(server.account)），不指定 --db 的命令仍经该服务器办理；退出服务器：disclosure logout"
                    : "note: still signed in to \(server.url) (\(server.account)); commands without --db go there; "
                        + "sign out of it with disclosure logout")
        }
        let until = Moment(epoch: ticket.expires).stamp
        print(zh ? "已登录：\(ticket.account)（至 \(until)）" : "signed in as \(ticket.account) (until \(until))")
    }

    /// Signs in to the server and keeps its session token for every later command.
    func signInToServer(_ server: String) throws {
        let url = try ServerLogin.checkURL(server)
        let lang = global.language
        let zh = lang == .zh
        let ca = try cacert.map { path throws(DisclosureError) -> String in
            let full = (path as NSString).isAbsolutePath
                ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
            guard access(full, R_OK) == 0 else {
                throw DisclosureError(.io, field: "--cacert", zh: "无法读取 \(full)", en: "cannot read \(full)")
            }
            return full
        }
        let password = try readPassword(
            fromStdin: passwordStdin, prompt: zh ? "“\(name)”的密码：" : "password for “\(name)”: ")
        // Whoever was signed in to a server here is signed out first, as for a local sign-in.
        if let previous = try? ServerLogin.load() {
            let end = APICall(method: "DELETE", path: "/api/v1/session")
            _ = try? RemoteOffice(login: previous, lang: lang).perform(end)
            ServerLogin.remove()
        }
        let office = RemoteOffice(
            login: ServerLogin(url: url, token: "", account: name, expires: "", caCert: ca), lang: lang)
        var fields: [(String, JSON)] = [
            ("name", .string(name)), ("password", .string(password)), ("bearer", .bool(true)),
        ]
        var answer: APIAnswer
        do {
            answer = try office.perform(APICall(method: "POST", path: "/api/v1/session", body: .object(fields)),
                signedIn: false)
        } catch let e as DisclosureError where e.code == .unauthenticated && e.field == "totp" {
            // The server asks for the code only after the password proved right.
            let code = try readCode(
                fromStdin: passwordStdin, prompt: zh ? "动态口令（六位数字）：" : "one-time code (six digits): ")
            fields.append(("totp", .string(code)))
            answer = try office.perform(APICall(method: "POST", path: "/api/v1/session", body: .object(fields)),
                signedIn: false)
        }
        // Checked before either is kept or sent again: a line break would add lines to the file or headers.
        let tokenOK: (String) -> Bool = { t in
            !t.isEmpty && t.count <= 256 && t.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic
                || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        }
        guard let reply = JSON.parse(answer.body), let token = reply["token"]?.text, tokenOK(token),
            let account = reply["account"]?["name"]?.text, !account.contains(where: { $0.isNewline }),
            account.unicodeScalars.allSatisfy({ $0.value >= 0x20 })
        else {
            throw DisclosureError(
                .io, field: "server", zh: "服务器的答复无法识别：\(url) 是否为本系统的服务器？",
                en: "the server's answer is not understood: is \(url) this system's server?")
        }
        let expires = (reply["expires"]?.text ?? "").filter { $0.isASCII && !$0.isNewline }
        var login = ServerLogin(url: url, token: token, account: account, expires: expires, caCert: ca)
        // The database the server serves: a local file is sent there only if it is that one.
        let served = try RemoteOffice(login: login, lang: lang).perform(APICall(path: "/api/v1/office"))
        login.instance = JSON.parse(served.body)?["instance"]?.text.flatMap { SessionFiles.isInstanceID($0) ? $0 : nil }
        try login.save()
        print(
            zh ? "已登录服务器 \(url)：\(account)（至 \(expires)）；此后的命令均经服务器办理"
                : "signed in to \(url) as \(account) (until \(expires)); commands now go through the server")
    }
}

/// A one-time code, typed at a prompt or read as the next line of standard input.
func readCode(fromStdin: Bool, prompt: String) throws -> String {
    if !fromStdin {
        guard isatty(0) == 1 else {
            throw DisclosureError(
                .missingField, field: "totp", zh: "标准输入不是终端：请用 --password-stdin，动态口令在密码的下一行",
                en: "standard input is not a terminal: use --password-stdin, "
                    + "with the code on the line after the password")
        }
        writeStandardError(prompt)
    }
    return readLine(strippingNewline: true) ?? ""
}

// MARK: - The second factor

struct TOTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totp", abstract: "动态口令（第二重验证，RFC 6238）/ the one-time code second factor",
        subcommands: [TOTPSetup.self, TOTPConfirm.self, TOTPRemove.self, TOTPRequire.self])
}

struct TOTPSetup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup", abstract: "为本人账号设置动态口令：显示密钥 / set up your one-time codes: shows the secret")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let s: (secret: String, uri: String)
        if let remote = try global.remote() {
            let answer = try remote.perform(APICall(method: "POST", path: "/api/v1/totp"))
            let view = JSON.parse(answer.body)
            guard let secret = view?["secret"]?.text, let uri = view?["uri"]?.text else {
                throw RemoteOffice.error(answer, lang: remote.lang)
            }
            s = (secret, uri)
        } else {
            let begun = try global.openDesk().beginSecondFactor()
            s = (begun.secret, begun.uri)
        }
        let zh = global.language == .zh
        emit(
            json, .object([("secret", .string(s.secret)), ("uri", .string(s.uri))]),
            zh
                ? "在验证器中添加密钥 \(s.secret)（或扫描 \(s.uri)），再用 disclosure totp confirm 六位数字 确认"
                : "add the secret \(s.secret) to an authenticator (or \(s.uri)), "
                    + "then confirm: disclosure totp confirm CODE")
    }
}

struct TOTPConfirm: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "以当前动态口令确认设置 / confirm with the current code")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "验证器当前显示的六位数字 / the six digits shown now") var code: String

    func run() throws {
        if let remote = try global.remote() {
            let body = JSON.object([("code", .string(code))])
            _ = try remote.perform(APICall(method: "POST", path: "/api/v1/totp/confirm", body: body))
        } else {
            try global.openDesk().confirmSecondFactor(code: code)
        }
        print(global.language == .zh ? "已启用动态口令：此后登录须输入" : "one-time codes are on: sign-in asks for one from now on")
    }
}

struct TOTPRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "取消本人动态口令（须当前口令），或由管理员为他人重置 / remove yours, or reset another's (admin)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名（省略为本人）/ account name (default: yourself)") var name: String?
    @Option(help: "当前动态口令（本人取消时）/ your current code") var code: String?

    func run() throws {
        if let remote = try global.remote() {
            var fields: [(String, JSON)] = []
            if let code { fields.append(("code", .string(code))) }
            if let name { fields.append(("name", .string(name))) }
            _ = try remote.perform(APICall(method: "DELETE", path: "/api/v1/totp", body: .object(fields)))
        } else {
            try global.openDesk().removeSecondFactor(of: name, code: code)
        }
        print(global.language == .zh ? "已取消动态口令" : "one-time codes removed")
    }
}

struct TOTPRequire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "require", abstract: "要求负责人和管理员使用动态口令（管理员）/ require codes of heads and admins (admin)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "on|off") var setting: String

    func run() throws {
        guard setting == "on" || setting == "off" else {
            throw DisclosureError(.invalidValue, field: "setting", zh: "只能是 on 或 off", en: "must be on or off")
        }
        if let remote = try global.remote() {
            let body = JSON.object([("required", .bool(setting == "on"))])
            _ = try remote.perform(APICall(method: "POST", path: "/api/v1/office/totp", body: body))
        } else {
            try global.openDesk().requireSecondFactor(setting == "on")
        }
        let zh = global.language == .zh
        print(
            setting == "on"
                ? (zh ? "已要求负责人和管理员使用动态口令" : "heads and admins now need one-time codes")
                : (zh ? "不再要求动态口令" : "one-time codes are no longer required"))
    }
}

struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "退出登录 / sign out")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let zh = global.language == .zh
        if let remote = try global.remote() {
            // The token is worthless once the server ends its session; the file goes either way.
            defer { ServerLogin.remove() }
            _ = try remote.perform(APICall(method: "DELETE", path: "/api/v1/session"))
            let (url, account) = (remote.login.url, remote.login.account)
            print(zh ? "已退出服务器 \(url)：\(account)" : "signed out of \(url): \(account)")
            return
        }
        let desk = try global.openDesk()
        let instance = try desk.instanceID()
        guard let ticket = SessionFiles.load(instance) else {
            print(zh ? "本机当前没有登录" : "nobody is signed in here")
            return
        }
        try desk.signOut(ticket)
        SessionFiles.remove(instance)
        print(zh ? "已退出登录：\(ticket.account)" : "signed out: \(ticket.account)")
    }
}

struct Whoami: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "当前登录的账号 / who is signed in")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        if let remote = try global.remote() {
            let answer = try remote.perform(APICall(path: "/api/v1/session"))
            guard let view = JSON.parse(answer.body)?["account"], let a = CaseViews.account(from: view) else {
                throw RemoteOffice.error(answer, lang: remote.lang)
            }
            return show(a)
        }
        show(try global.openDesk().whoami())
    }

    func show(_ a: Account) {
        let lang = global.language
        emit(
            json, CaseViews.account(a),
            lang == .zh ? "\(a.name)（\(roleLabels(a, lang))）" : "\(a.name) (\(roleLabels(a, lang)))")
    }
}

func roleLabels(_ a: Account, _ lang: Language) -> String {
    a.roles.isEmpty ? "—" : a.roles.sorted().map { $0.label(lang) }.joined(separator: lang == .zh ? "、" : ", ")
}

// MARK: - Staff administration

struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "工作人员账号（管理员）/ staff accounts (admin only)",
        subcommands: [
            StaffAdd.self, StaffList.self, StaffShow.self, StaffDisable.self, StaffEnable.self, StaffGrant.self,
            StaffRevoke.self, StaffPassword.self, StaffHistory.self, StaffBootstrap.self,
        ])
}

struct StaffAdd: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "新增账号 / add an account")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名（姓名）/ account name") var name: String
    @Option(help: "registrar|handler|reviewer|head|admin，可用逗号分隔多个 / roles, comma-separated") var role: String
    @Option(help: "工作邮箱（用于提醒）/ staff e-mail for reminders") var email: String?
    @Flag(name: .customLong("password-stdin"), help: "从标准输入读取初始密码 / read the first password from standard input")
    var passwordStdin = false
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let roles = try Role.parseList(role, field: "--role")
        let zh = global.language == .zh
        let a: Account
        if let remote = try global.remote() {
            let password = try readPassword(
                fromStdin: passwordStdin, prompt: zh ? "“\(name)”的初始密码：" : "first password for “\(name)”: ")
            var fields: [(String, JSON)] = [
                ("name", .string(name)), ("role", .string(roles.sorted().map(\.rawValue).joined(separator: ","))),
            ]
            if let e = nonEmpty(email) { fields.append(("email", .string(e))) }
            fields.append(("password", .string(password)))
            a = try remote.account(APICall(method: "POST", path: "/api/v1/staff", body: .object(fields)))
        } else {
            let desk = try global.openDesk()
            try desk.require(.staff)
            let password = try readPassword(
                fromStdin: passwordStdin, prompt: zh ? "“\(name)”的初始密码：" : "first password for “\(name)”: ")
            a = try desk.addStaff(NewAccount(name: name, roles: roles, email: nonEmpty(email), password: password))
        }
        emit(
            json, CaseViews.account(a),
            zh ? "已新增账号“\(a.name)”（\(roleLabels(a, .zh))）" : "added “\(a.name)” (\(roleLabels(a, .en)))")
    }
}

struct StaffList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "列出账号 / list accounts")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let list = try global.remote().map { try $0.accounts(APICall(path: "/api/v1/staff")) }
            ?? global.openDesk(readOnly: true).staffList()
        let lang = global.language
        let zh = lang == .zh
        func state(_ a: Account) -> String {
            a.legacy
                ? (zh ? "旧记录姓名（不能登录）" : "legacy name (cannot sign in)")
                : a.disabled ? (zh ? "已停用" : "disabled") : (zh ? "可用" : "active")
        }
        emit(
            json, .array(list.map(CaseViews.account)),
            table(
                zh ? ["编号", "账号", "角色", "邮箱", "状态"] : ["ID", "Account", "Roles", "E-mail", "State"],
                list.map { [String($0.id), $0.name, roleLabels($0, lang), $0.email ?? "—", state($0)] }))
    }
}

struct StaffShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "查看账号 / show an account")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let a = try global.remote().map { try $0.account(APICall(path: "/api/v1/staff/\(segment(name))")) }
            ?? global.openDesk(readOnly: true).staffMember(name)
        let lang = global.language
        let zh = lang == .zh
        let lines = [
            (zh ? "账号" : "Account", a.name), (zh ? "角色" : "Roles", roleLabels(a, lang)),
            (zh ? "邮箱" : "E-mail", a.email ?? "—"),
            (zh ? "状态" : "State", a.disabled ? (zh ? "已停用" : "disabled") : (zh ? "可用" : "active")),
            (zh ? "设立" : "Created", a.createdAt),
        ]
        emit(
            json, CaseViews.account(a),
            lines.map { zh ? "\($0.0)：\($0.1)" : "\($0.0): \($0.1)" }.joined(separator: "\n"))
    }
}

struct StaffDisable: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable", abstract: "停用账号（立即退出其登录）/ disable an account")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String

    func run() throws {
        let call = APICall(method: "POST", path: "/api/v1/staff/\(segment(name))/disable")
        let a = try global.remote().map { try $0.account(call) }
            ?? global.openDesk().setDisabled(name, true)
        print(global.language == .zh ? "已停用账号“\(a.name)”" : "disabled “\(a.name)”")
    }
}

struct StaffEnable: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "恢复账号 / enable an account again")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String

    func run() throws {
        let call = APICall(method: "POST", path: "/api/v1/staff/\(segment(name))/enable")
        let a = try global.remote().map { try $0.account(call) }
            ?? global.openDesk().setDisabled(name, false)
        print(global.language == .zh ? "已恢复账号“\(a.name)”" : "enabled “\(a.name)”")
    }
}

/// The roles an account has after a change.
func printRoles(_ a: Account, _ lang: Language) {
    print(lang == .zh ? "“\(a.name)”现有角色：\(roleLabels(a, .zh))" : "“\(a.name)” now has: \(roleLabels(a, .en))")
}

struct StaffGrant: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "授予角色 / grant roles")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String
    @Option(help: "角色，可用逗号分隔多个 / roles, comma-separated") var role: String

    func run() throws {
        let roles = try Role.parseList(role, field: "--role")
        let a = try global.remote().map { try $0.roleChange("grant", name, roles) }
            ?? global.openDesk().grant(roles, to: name)
        printRoles(a, global.language)
    }
}

struct StaffRevoke: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "取消角色 / revoke roles")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名 / account name") var name: String
    @Option(help: "角色，可用逗号分隔多个 / roles, comma-separated") var role: String

    func run() throws {
        let roles = try Role.parseList(role, field: "--role")
        let a = try global.remote().map { try $0.roleChange("revoke", name, roles) }
            ?? global.openDesk().revoke(roles, from: name)
        printRoles(a, global.language)
    }
}

struct StaffPassword: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "password", abstract: "修改本人密码，或由管理员重设他人密码 / change your password, or reset another's (admin)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名（省略为本人）/ account name (default: yourself)") var name: String?
    @Flag(name: .customLong("password-stdin"), help: "从标准输入读取新密码 / read the new password from standard input")
    var passwordStdin = false

    func run() throws {
        let zh = global.language == .zh
        let remote = try global.remote()
        let desk = remote == nil ? try global.openDesk() : nil
        // With --password-stdin: the current password on the first line when it is needed, the new one after it.
        let own = try desk?.needsCurrentPassword(for: name) ?? (name == nil || name == remote?.login.account)
        let current =
            own ? try readPassword(fromStdin: passwordStdin, prompt: zh ? "当前密码：" : "current password: ") : nil
        let password = try readPassword(fromStdin: passwordStdin, prompt: zh ? "新密码：" : "new password: ")
        if let remote {
            var fields: [(String, JSON)] = [("password", .string(password))]
            if let current { fields.append(("current", .string(current))) }
            let whose = name ?? remote.login.account
            let path = "/api/v1/staff/\(segment(whose))/password"
            _ = try remote.perform(APICall(method: "POST", path: path, body: .object(fields)))
        } else {
            try desk?.setPassword(of: name, to: password, current: current)
        }
        print(zh ? "已设置新密码；该账号的登录已全部退出" : "password set; every session of the account was signed out")
    }
}

struct StaffHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "账号变更记录 / every change to staff accounts")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "账号名（省略为全部）/ account name (default: all)") var name: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let zh = global.language == .zh
        let views: [JSON]
        if let remote = try global.remote() {
            let answer = try remote.perform(APICall(path: "/api/v1/staff/history", query: queryItems([("name", name)])))
            guard case .array(let items)? = JSON.parse(answer.body) else {
                throw RemoteOffice.error(answer, lang: remote.lang)
            }
            views = items
        } else {
            views = try global.openDesk(readOnly: true).staffHistory(of: name).map(CaseViews.staffEvent)
        }
        func text(_ v: JSON, _ k: String) -> String { v[k]?.text ?? "" }
        func id(_ v: JSON) -> String { if case .int(let n)? = v["id"] { String(n) } else { "" } }
        emit(
            json,
            .array(views),
            table(
                zh ? ["序号", "时间", "账号", "变更", "内容", "操作人"] : ["#", "Recorded", "Account", "Change", "Detail", "By"],
                views.map {
                    [
                        id($0), text($0, "recorded_at"), text($0, "account"), staffChangeLabel(text($0, "kind"), zh),
                        zh ? staffDetailZh(text($0, "detail")) : text($0, "detail"),
                        $0["by"]?.text ?? (zh ? "（程序）" : "(program)"),
                    ]
                }))
    }
}

struct StaffBootstrap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "为尚无账号的旧数据库设立首个管理员（须为文件所有者）/ first admin for an older database (file owner only)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "管理员账号名（默认本机登录名）/ the admin's account name (default: the OS login)") var name: String?
    @Flag(name: .customLong("password-stdin"), help: "从标准输入读取密码 / read the password from standard input")
    var passwordStdin = false

    func run() throws {
        let admin = name ?? osLogin()
        let zh = global.language == .zh
        let password = try readPassword(
            fromStdin: passwordStdin, prompt: zh ? "为管理员“\(admin)”设置密码：" : "password for the admin “\(admin)”: ")
        let (_, ticket) = try Desk.bootstrap(path: global.databasePath, admin: admin, password: password)
        try SessionFiles.save(ticket)
        print(
            zh
                ? "已设立管理员“\(ticket.account)”并登录；请用 staff add 为每位工作人员设立账号"
                : "set up the admin “\(ticket.account)” and signed in; "
                    + "add an account for each member of staff with staff add"
        )
    }
}

// MARK: - Assignment and late entries

struct Assign: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "分配承办人 / assign a case to a handler")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Argument(help: "承办人账号名 / the handler's account name") var account: String

    func run() throws {
        try performStep(o, number: number, on: nil, .assign(account: account))
    }
}

struct ReportLateEntries: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "late-entries",
        abstract: "补录清单：事后登记的事项及理由 / steps entered late, with their reasons")
    @OptionGroup var global: GlobalOptions
    @Option(help: "登记年份（默认全部）/ year recorded (default: all)") var year: Int?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let query = queryItems([("year", year.map(String.init))])
        let rows = try views(global, APICall(path: "/api/v1/reports/late-entries", query: query)) {
            try global.openDesk(readOnly: true).lateEntries(recordedIn: year).map(CaseViews.lateEntry)
        }
        let zh = global.language == .zh
        emit(
            json,
            .array(rows),
            rows.isEmpty
                ? (zh ? "没有补录的事项" : "no late entries")
                : table(
                    zh
                        ? ["案件", "序号", "事项", "日期", "登记时间", "经办人", "补录理由"]
                        : ["Case", "#", "Step", "Date", "Recorded", "By", "Reason"],
                    rows.map { r in
                        ["case", "seq", "kind", "on", "recorded_at", "actor", "reason"].map { r.cell($0) ?? "" }
                    }))
    }
}

struct ReportLocks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "locks", abstract: "年度报告的锁定与解除记录：何人何时、理由 / every lock of a year's report, who and why")
    @OptionGroup var global: GlobalOptions
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let rows = try views(global, APICall(path: "/api/v1/reports/locks")) {
            try global.openDesk(readOnly: true).reportLocks().map(CaseViews.reportLock)
        }
        let zh = global.language == .zh
        emit(
            json,
            .array(rows),
            rows.isEmpty
                ? (zh ? "没有锁定过的年度" : "no year has been locked")
                : table(
                    zh
                        ? ["年度", "状态", "锁定时间", "锁定人", "解除时间", "解除人", "解除理由"]
                        : ["Year", "State", "Locked at", "Locked by", "Unlocked at", "Unlocked by", "Reason"],
                    rows.map { r in
                        let locked: Bool
                        if case .bool(true)? = r["locked"] { locked = true } else { locked = false }
                        let state = locked ? (zh ? "已锁定" : "locked") : (zh ? "已解除" : "unlocked")
                        return [r.cell("year") ?? "", state]
                            + ["locked_at", "locked_by", "unlocked_at", "unlocked_by",
                                "reason"].map { r.cell($0) ?? "" }
                    }))
    }
}

/// A staff change as the office reads it.
func staffChangeLabel(_ kind: String, _ zh: Bool) -> String {
    guard zh else { return kind }
    let labels = [
        "added": "新增", "granted": "授予角色", "revoked": "撤销角色", "disabled": "停用", "enabled": "启用",
        "password": "密码", "bootstrap": "设立管理员", "legacy": "旧库账号",
    ]
    return labels[kind] ?? kind
}

/// The detail of a staff change in Chinese: role codes as their names, the stock phrases translated.
func staffDetailZh(_ detail: String) -> String {
    func roles(_ list: Substring) -> String {
        list.split(separator: ",").map { Role(rawValue: String($0))?.label(.zh) ?? String($0) }.joined(separator: "、")
    }
    switch detail {
    case "changed by the account": return "本人修改"
    case "reset": return "由管理员重设"
    default: break
    }
    return detail.split(separator: " ").map { part -> String in
        if part.hasPrefix("roles=") { return "角色：" + roles(part.dropFirst(6)) }
        if part.hasPrefix("email=") { return "邮箱：" + part.dropFirst(6) }
        if !part.contains("="), part.split(separator: ",").allSatisfy({ Role(rawValue: String($0)) != nil }) {
            return roles(part)
        }
        return String(part)
    }.joined(separator: " ")
}
