import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation

@main
struct Main {
    static func main() {
        // Parse and run by hand so that every refusal exits 1 with our message, whatever produced it.
        var command: ParsableCommand?
        do {
            let args = hoistGlobalOptions(Array(CommandLine.arguments.dropFirst()))
            // Refused here rather than in GlobalOptions.validate, whose error the argument parser would
            // print as English text behind our Chinese prefix.
            try Globals.checkLanguage(givenLanguage(args))
            // Before anything reads the command tree: its configuration names every command type.
            if let work = DirectParse.request(args) {
                try work()
                return
            }
            if let name = args.first, !name.hasPrefix("-"), name != "help",
                !Disclosure.configuration.subcommands.contains(where: {
                    ($0.configuration.commandName ?? kebabName($0)) == name
                })
            {
                throw DisclosureError(
                    .invalidValue, zh: "没有“\(name)”这个命令；全部命令见 disclosure --help",
                    en: "there is no command “\(name)”; disclosure --help lists them all")
            }
            if let (type, rest) = directCommand(args), let parsed = try? type.parseAsRoot(rest) {
                command = parsed
            } else {
                // Help, and every refusal, come from the whole tree so that they read the same as always.
                command = try Disclosure.parseAsRoot(args)
            }
            if let command { try refuseWhenServed(command, args: args) }
            try command?.run()
        } catch let error as DisclosureError {
            let names = command.flatMap { type(of: $0) as? NamesItsFields.Type }?.fieldNames ?? [:]
            printError(prefix() + render(error, currentLanguage(), names: names))
            exit(1)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = Disclosure.exitCode(for: error)
            let message = Disclosure.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            printError(prefix() + translate(message))
            exit(1)
        }
    }

    /// The leaf command the arguments name and the arguments after its name, found by walking the
    /// names alone: building the whole command tree first costs more than a registration itself.
    /// nil when unsure (help, an unknown name), so that the caller parses the usual way.
    static func directCommand(_ args: [String]) -> (ParsableCommand.Type, [String])? {
        var type: ParsableCommand.Type = Disclosure.self
        var rest = args[...]
        while !type.configuration.subcommands.isEmpty {
            guard let name = rest.first,
                let sub = type.configuration.subcommands.first(where: {
                    ($0.configuration.commandName ?? kebabName($0)) == name
                })
            else { return nil }
            type = sub
            rest = rest.dropFirst()
        }
        guard type != Disclosure.self, !rest.contains(where: helpWords.contains) else { return nil }
        return (type, Array(rest))
    }

    static let helpWords: Set<String> = [
        "-h", "--help", "-help", "--version", "--experimental-dump-help", "--generate-completion-script",
    ]

    /// Whether the whole command line asks for help or the version rather than for a command to run.
    static func asksForHelp(_ args: [String]) -> Bool {
        args.isEmpty || args.first == "help" || args.contains(where: helpWords.contains)
    }

    /// The names of the command the arguments call (`audit key`), without its arguments.
    static func commandPath(_ args: [String]) -> String {
        var type: ParsableCommand.Type = Disclosure.self
        var names: [String] = []
        for name in args {
            guard
                let sub = type.configuration.subcommands.first(where: {
                    ($0.configuration.commandName ?? kebabName($0)) == name
                })
            else { break }
            names.append(name)
            type = sub
        }
        return names.joined(separator: " ")
    }

    /// The name the argument parser derives from a command's type (`ListCases` → `list-cases`), without
    /// the reflection it uses for it. A mismatch only means the slower usual parse.
    static func kebabName(_ type: ParsableCommand.Type) -> String {
        var out = ""
        for (i, c) in _typeName(type, qualified: false).enumerated() {
            if c.isUppercase {
                if i > 0 { out.append("-") }
                out += c.lowercased()
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// Global options may be written before the subcommand (`disclosure --lang en due`); every
    /// subcommand declares them, so move them after it.
    static func hoistGlobalOptions(_ args: [String]) -> [String] {
        var leading: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--lang" || a == "--db", i + 1 < args.count {
                leading += [a, args[i + 1]]
                i += 2
            } else if a.hasPrefix("--lang=") || a.hasPrefix("--db=") {
                leading.append(a)
                i += 1
            } else {
                break
            }
        }
        let rest = Array(args[i...])
        guard !leading.isEmpty, !rest.isEmpty else { return args }
        if let dashes = rest.firstIndex(of: "--") { return Array(rest[..<dashes]) + leading + Array(rest[dashes...]) }
        return rest + leading
    }

    /// The argument parser speaks English: under `--lang zh` its message is said in Chinese alone, with
    /// the usage line (the command's syntax, which has no language) and where to find the help.
    static func translate(_ message: String, arguments: [String] = CommandLine.arguments) -> String {
        var m = message
        if m.hasPrefix("Error: ") { m.removeFirst(7) }
        guard currentLanguage() == .zh else {
            // `--days -3` reads as an option named -3: the value was a negative number.
            if let r = m.range(of: "Missing value for '"), let o = m[r.upperBound...].split(separator: " ").first,
                let i = arguments.firstIndex(of: String(o)), i + 1 < arguments.count,
                arguments[i + 1].hasPrefix("-"), Int(arguments[i + 1]) != nil
            {
                return "\(o): must be a positive whole number"
            }
            return m
        }
        let lines = m.split(separator: "\n").map(String.init)
        let firstLine = lines.first ?? m
        func option(after marker: String) -> String? {
            guard let r = firstLine.range(of: marker) else { return nil }
            let tail = firstLine[r.upperBound...]
            return tail.split(whereSeparator: { $0 == " " || $0 == "'" }).first.map(String.init)
        }
        var gist: String
        if let o = option(after: "Missing expected argument '") {
            gist = "\(o)：缺少必填项"
        } else if let o = option(after: "Unknown option '") {
            gist = "\(o)：无法识别的选项"
        } else if let r = firstLine.range(of: "is invalid for '"),
            let o = firstLine[r.upperBound...].split(separator: " ").first
        {
            gist = "\(o.trimmingCharacters(in: CharacterSet(charactersIn: "'"))) ：取值格式不对"
                .replacingOccurrences(of: " ：", with: "：")
        } else if let o = option(after: "Missing value for '") {
            // `--days -3` reads as an option named -3: the value was a negative number.
            let i = arguments.firstIndex(of: o)
            let next = i.flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            gist = next.map { $0.hasPrefix("-") && Int($0) != nil } == true ? "\(o)：须为正整数" : "\(o)：缺少取值"
        } else if firstLine.hasPrefix("Unexpected argument") {
            let extra = option(after: "Unexpected argument '").map { "“\($0)”" } ?? ""
            gist = "多余的参数\(extra)"
        } else if let o = option(after: "Unknown subcommand '") {
            gist = "\(o)：没有这个命令"
        } else {
            // A message of ours or one not known here: kept whole rather than lost.
            return m
        }
        for line in lines.dropFirst() {
            if line.hasPrefix("Usage: ") {
                gist += "\n用法：" + line.dropFirst(7)
            } else if let r = line.range(of: "See '"), let end = line[r.upperBound...].firstIndex(of: "'") {
                gist += "\n详见：" + line[r.upperBound..<end]
            }
        }
        return gist
    }

    /// A domain error in the CLI's words: its field as the option that sets it, and how to sign in.
    static func render(_ error: DisclosureError, _ lang: Language, names: [String: String] = [:]) -> String {
        var text = error.message(lang)
        // The session and the signed-in account are no option to name.
        if let field = error.field, !["session", "actor", "password", "server"].contains(field) {
            let name = names[field] ?? optionName(field)
            text = lang == .zh ? "\(name)：\(text)" : "\(name): \(text)"
        }
        // What to type next, in the CLI's words (the application layer knows no commands).
        switch error.code {
        case .unauthenticated where error.field == "session":
            let server = serverHint()
            text +=
                lang == .zh ? "（登录：disclosure login 账号名\(server)）" : " (sign in with: disclosure login NAME\(server))"
        case .forbidden where error.field == "actor":
            let server = serverHint()
            text +=
                lang == .zh
                ? "（请有此角色的人员本人登录：disclosure login 账号名\(server)）"
                : " (the person with that role signs in: disclosure login NAME\(server))"
        case .notInitialised:
            text +=
                lang == .zh
                ? "；请先运行 disclosure init --agency 机关名称，或用 --db 指定已有的数据库"
                : "; run `disclosure init --agency NAME` first, or name an existing one with --db"
        case .locked:
            text += lang == .zh ? "（report unlock --year 年度 --reason 理由）" : " (report unlock --year YEAR --reason TEXT)"
        case .conflict:
            text += lang == .zh ? "（以文件为准：import --replace）" : " (to take the file's version: import --replace)"
        case .servedByServer where error.field == "database" && !text.contains("--release"):
            text +=
                lang == .zh
                ? "（服务器已停用时，可用 disclosure serve --release 恢复本地办理）"
                : " (once the server is stopped for good, disclosure serve --release gives it back)"
        default: break
        }
        return text
    }

    /// The option of a domain field; fields that are no option (CASE, FILE, a case identifier) stay.
    static func optionName(_ field: String) -> String {
        switch field {
        case "database": "--db"
        case "items/pages": "--items/--pages"
        case "password-cost", "late-entry", "id-number", "applicant-type", "refer-to", "as-of":
            "--" + field
        default:
            field.first?.isLowercase == true && field.allSatisfy({ $0.isLetter || $0 == "-" }) ? "--" + field : field
        }
    }

    static func prefix() -> String { currentLanguage() == .zh ? "错误：" : "error: " }

    /// `--lang` as typed, before parsing succeeded, so that even parse errors speak the user's language.
    /// The value of `--lang` as written (`--lang en` or `--lang=en`), whether valid or not.
    static func givenLanguage(_ args: [String]) -> String? {
        if let i = args.firstIndex(of: "--lang"), i + 1 < args.count { return args[i + 1] }
        return args.first(where: { $0.hasPrefix("--lang=") }).map { String($0.dropFirst(7)) }
    }

    static func currentLanguage() -> Language {
        let args = CommandLine.arguments
        if let i = args.firstIndex(of: "--lang"), i + 1 < args.count, let l = Language(rawValue: args[i + 1]) {
            return l
        }
        if let a = args.first(where: { $0.hasPrefix("--lang=") }), let l = Language(rawValue: String(a.dropFirst(7))) {
            return l
        }
        return GlobalOptions.environmentLanguage
    }
}

/// Prints JSON or text.
func emit(_ json: Bool, _ value: @autoclosure () -> JSON, _ text: @autoclosure () -> String) {
    if json { value().printOut() } else { print(text()) }
}

struct Disclosure: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disclosure",
        abstract: "政府信息公开申请办理系统 / case manager for government information disclosure applications",
        discussion: "Chinese output by default; --lang en or an English locale for English.",
        version: "disclosure \(ProgramVersion.number) (schema \(Store.schemaVersion))",
        subcommands: [
            Init.self, Login.self, Logout.self, Whoami.self, StaffCommand.self, Register.self, SubmissionCommand.self,
                Assign.self, Show.self,
            ListCases.self, Due.self, Remind.self, History.self,
            CorrectionCommand.self, ConsultCommand.self, Extend.self, Defer.self, FeeCommand.self,
            ReplyCommand.self, Deliver.self, Archive.self, Reopen.self, Amend.self, Withdraw.self, Close.self,
                RemedyCommand.self,
            ReportCommand.self, NoticeCommand.self,
            Attach.self, Attachments.self, Extract.self, Export.self, Import.self, Validate.self,
            CalendarCommand.self, Audit.self, Backup.self, Restore.self, Serve.self, TOTPCommand.self,
                OfficeCommand.self,
        ]
    )
}

/// A command whose arguments name some domain fields otherwise than `--field` (a positional NAME or
/// FILE, one option for several kinds): errors then name the argument the user typed.
protocol NamesItsFields {
    static var fieldNames: [String: String] { get }
}

extension StaffAdd: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension StaffDisable: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension StaffEnable: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension StaffGrant: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension StaffRevoke: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension StaffPassword: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME"] } }
extension TOTPRemove: NamesItsFields { static var fieldNames: [String: String] { ["name": "NAME", "code": "--code"] } }
extension TOTPConfirm: NamesItsFields { static var fieldNames: [String: String] { ["code": "CODE"] } }
extension TOTPRequire: NamesItsFields { static var fieldNames: [String: String] { ["setting": "on|off"] } }
extension Backup: NamesItsFields { static var fieldNames: [String: String] { ["out": "FILE"] } }
extension Restore: NamesItsFields { static var fieldNames: [String: String] { ["out": "FILE"] } }
extension NoticeCommand: NamesItsFields {
    static var fieldNames: [String: String] {
        let kinds = ["receipt", "correction", "consultation", "extension", "deferral", "fee", "reply"]
        return Dictionary(uniqueKeysWithValues: kinds.map { ($0, "--kind \($0)") })
    }
}

/// `disclosure serve`: hands over to `disclosure-server` beside this program (or `$DISCLOSURE_SERVER`),
/// which has the HTTP stack the CLI itself does without.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "启动本机关的服务器（工作人员登录、JSON API）/ run the office's server (staff sign-in, JSON API)",
        discussion: "disclosure serve --db FILE [--listen 127.0.0.1:8080] [--tls-cert PEM --tls-key PEM]; "
            + "disclosure serve --help lists every option.")
    @Argument(parsing: .captureForPassthrough, help: "服务器选项 / the server's options") var options: [String] = []

    func run() throws {
        let env = Environment.variables
        let server = env["DISCLOSURE_SERVER"].flatMap { $0.isEmpty ? nil : $0 } ?? Serve.besideThisProgram()
        guard access(server, X_OK) == 0 else {
            throw DisclosureError(
                .notInitialised, field: "DISCLOSURE_SERVER",
                zh: "找不到服务器程序 \(server)：请用 make install 安装，或以 DISCLOSURE_SERVER 指明其位置",
                en: "the server program \(server) is missing: install it with make install, or set DISCLOSURE_SERVER")
        }
        let argv = [server] + options
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(server, &cArgs)
        throw DisclosureError(
            .io, field: "DISCLOSURE_SERVER", zh: "无法启动 \(server)：\(String(cString: strerror(errno)))",
            en: "cannot start \(server): \(String(cString: strerror(errno)))")
    }

    static func besideThisProgram() -> String {
        let me =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return ((me as NSString).deletingLastPathComponent as NSString).appendingPathComponent("disclosure-server")
    }
}
