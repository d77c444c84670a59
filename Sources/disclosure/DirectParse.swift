import DisclosureCore

/// The everyday commands read without the argument parser: its reflection (a mirror of every property,
/// casts of each to its protocols, generic metadata built from mangled names, the option wrappers
/// themselves) cost more at every start than a registration's own work. Only a plain command line is
/// read here; anything else (help, an unknown or repeated name, a value that looks like an option, a
/// missing required option) gives nil, and the argument parser then reads it as always, so that its
/// refusals and help read the same. What is read goes to the same request the parsed command makes.
enum DirectParse {
    /// The work a command line asks for, if it is a command read here. Each is a `ThroughServer`
    /// command (`refuseWhenServed` has nothing to refuse), which the caller relies on.
    static func request(_ args: [String]) -> (() throws -> Void)? {
        let rest = Array(args.dropFirst())
        switch args.first {
        case "register": return RegisterRequest.direct(rest).map { r in { try r.run() } }
        case "due": return BoardRequest.direct(rest).map { r in { try r.run() } }
        default: return nil
        }
    }
}

/// `--name value`, `--name=value` and `--flag` words, each name at most once. Kept in arrays: a Set or a
/// Dictionary of strings would have the runtime look up their generic conformances at start.
struct DirectArguments {
    private var names: [String] = []
    private var values: [String] = []
    private var flags: [String] = []

    /// nil unless every word is one of `options` with its value or one of `flags`, each at most once.
    init?(_ words: [String], options: [String], flags flagNames: [String]) {
        var i = 0
        while i < words.count {
            let word = words[i]
            guard word.hasPrefix("--"), word.utf8.count > 2 else { return nil }
            var name = String(word.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if flagNames.contains(name) {
                guard inline == nil, !flags.contains(name) else { return nil }
                flags.append(name)
                i += 1
                continue
            }
            guard options.contains(name), !names.contains(name) else { return nil }
            if let inline {
                values.append(inline)
            } else {
                // The argument parser reads a following word that starts with "-" as an option, not a value.
                guard i + 1 < words.count, !words[i + 1].hasPrefix("-") else { return nil }
                values.append(words[i + 1])
                i += 1
            }
            names.append(name)
            i += 1
        }
    }

    subscript(_ name: String) -> String? { names.firstIndex(of: name).map { values[$0] } }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

extension Globals {
    static let names = ["db", "lang"]

    /// The global options from directly read words (`Main` has refused a `--lang` that names no
    /// language before any command is read).
    init(_ a: DirectArguments) {
        db = a["db"]
        lang = a["lang"]
    }
}

extension RegisterRequest {
    static func direct(_ words: [String]) -> RegisterRequest? {
        let options =
            Globals.names + [
                "received", "channel", "applicant", "applicant-type", "request", "id-number", "contact", "form", "note",
                "late-entry",
            ]
        guard let a = DirectArguments(words, options: options, flags: ["json"]), let received = a["received"],
            let channel = a["channel"], let applicant = a["applicant"], let applicantType = a["applicant-type"],
            let request = a["request"]
        else { return nil }
        return RegisterRequest(
            global: Globals(a), received: received, channel: channel, applicant: applicant,
            applicantType: applicantType, request: request, idNumber: a["id-number"], contact: a["contact"],
            form: a["form"], note: a["note"], lateEntry: a["late-entry"], json: a.flag("json"))
    }
}

extension BoardRequest {
    static func direct(_ words: [String]) -> BoardRequest? {
        guard let a = DirectArguments(words, options: Globals.names + ["within", "as-of"], flags: ["imported", "json"])
        else { return nil }
        var within: Int?
        if let given = a["within"] {
            // As the argument parser reads an Int; anything else is its refusal to give.
            guard let n = Int(given) else { return nil }
            within = n
        }
        return BoardRequest(
            global: Globals(a), within: within, asOf: a["as-of"], imported: a.flag("imported"), json: a.flag("json"))
    }
}
