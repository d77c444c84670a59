// Writes the man page of `disclosure` from the command tree the program itself describes
// (`disclosure --experimental-dump-help`, the argument parser's ToolInfo JSON), so that the page
// lists exactly the commands and options the binary has. Usage: disclosure-manual BINARY > disclosure.1
import Foundation

struct ToolInfo: Decodable {
    let command: Command
}

struct Command: Decodable {
    let commandName: String
    let abstract: String?
    let discussion: String?
    let shouldDisplay: Bool?
    let arguments: [Argument]?
    let subcommands: [Command]?
}

struct Argument: Decodable {
    struct Name: Decodable {
        let kind: String
        let name: String
    }
    let kind: String
    let names: [Name]?
    let valueName: String?
    let abstract: String?
    let defaultValue: String?
    let isOptional: Bool
    let isRepeating: Bool
    let shouldDisplay: Bool
}

/// Text as roff reads it: backslashes doubled, and no line starting with a control character.
func roff(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\e").split(separator: "\n", omittingEmptySubsequences: false)
        .map { $0.hasPrefix(".") || $0.hasPrefix("'") ? "\\&" + $0 : String($0) }.joined(separator: "\n")
}

func flag(_ a: Argument) -> String {
    let names = (a.names ?? []).map { ($0.kind == "short" ? "-" : "--") + $0.name }.joined(separator: ", ")
    switch a.kind {
    case "positional": return "<\(a.valueName ?? "value")>"
    case "flag": return names
    default: return names + " <\(a.valueName ?? "value")>"
    }
}

/// Options of the page proper: help and the version are every command's and said once above.
func shown(_ a: Argument) -> Bool {
    a.shouldDisplay && !(a.names ?? []).contains { ["help", "version", "h"].contains($0.name) }
}

func synopsis(_ path: String, _ c: Command) -> String {
    let parts = (c.arguments ?? []).filter(shown).map { a -> String in
        let f = flag(a).split(separator: ",").first.map(String.init) ?? flag(a)
        let shown = f + (a.isRepeating ? " ..." : "")
        return a.isOptional ? "[\(shown)]" : shown
    }
    return ([path] + parts).joined(separator: " ")
}

func page(_ root: Command, date: String, version: String) -> String {
    var out = """
        .TH DISCLOSURE 1 "\(date)" "\(roff(version))" "User Commands"
        .SH NAME
        disclosure \\- \(roff(root.abstract ?? ""))
        .SH SYNOPSIS
        .B disclosure
        .I command
        [options]
        .SH DESCRIPTION
        \(roff(root.discussion ?? ""))
        .PP
        Every command takes \\fB\\-\\-db\\fR (default \\fI$DISCLOSURE_DB\\fR) and \\fB\\-\\-lang zh|en\\fR;
        \\fBdisclosure\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR shows the same in the terminal.
        .SH COMMANDS

        """
    func walk(_ c: Command, path: String) {
        for sub in c.subcommands ?? [] where sub.shouldDisplay != false && sub.commandName != "help" {
            let subPath = path + " " + sub.commandName
            if let children = sub.subcommands, !children.filter({ $0.commandName != "help" }).isEmpty {
                out += ".SS \(roff(subPath))\n\(roff(sub.abstract ?? ""))\n"
                walk(sub, path: subPath)
                continue
            }
            out += ".SS \(roff(subPath))\n\(roff(sub.abstract ?? ""))\n.PP\n.nf\n\(roff(synopsis(subPath, sub)))\n.fi\n"
            if let d = sub.discussion, !d.isEmpty { out += ".PP\n\(roff(d))\n" }
            for a in sub.arguments ?? [] where shown(a) {
                if ["--db <db>", "--lang <lang>"].contains(flag(a)) { continue }
                out += ".TP\n\\fB\(roff(flag(a)))\\fR\n\(roff(a.abstract ?? ""))"
                if let d = a.defaultValue, !d.isEmpty { out += " (default: \(roff(d)))" }
                out += "\n"
            }
        }
    }
    walk(root, path: "disclosure")
    out += """
        .SH ENVIRONMENT
        .TP
        .B DISCLOSURE_DB
        The database when \\fB\\-\\-db\\fR is not given.
        .TP
        .B DISCLOSURE_LANG
        zh or en, when \\fB\\-\\-lang\\fR is not given (else the locale).
        .SH SEE ALSO
        The README of the source tree, and \\fBdisclosure\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR.

        """
    return out
}

let args = CommandLine.arguments
guard args.count == 2 else {
    FileHandle.standardError.write(Data("usage: disclosure-manual PATH-TO-DISCLOSURE > disclosure.1\n".utf8))
    exit(2)
}
func run(_ arguments: [String]) -> Data {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: args[1])
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["DISCLOSURE_LANG"] = "zh"
    p.environment = env
    let pipe = Pipe()
    p.standardOutput = pipe
    do { try p.run() } catch {
        FileHandle.standardError.write(Data("disclosure-manual: cannot run \(args[1]): \(error)\n".utf8))
        exit(1)
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return data
}
do {
    let info = try JSONDecoder().decode(ToolInfo.self, from: run(["--experimental-dump-help"]))
    let version = String(decoding: run(["--version"]), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    // The page's date is the build's (SOURCE_DATE_EPOCH), so that the same source gives the same page.
    let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap(Double.init)
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
    let date = formatter.string(from: epoch.map { Date(timeIntervalSince1970: $0) } ?? Date())
    FileHandle.standardOutput.write(Data(page(info.command, date: date, version: version).utf8))
} catch {
    FileHandle.standardError.write(Data("disclosure-manual: the command description cannot be read: \(error)\n".utf8))
    exit(1)
}
