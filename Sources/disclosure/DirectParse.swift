import ArgumentParser

/// The everyday commands read without the argument parser: its reflection (a mirror of every property,
/// casts of each to its protocols, generic metadata built from mangled names) cost more at every start
/// than a registration's own work. Only a plain command line is read here; anything else (help, an
/// unknown or repeated name, a value that looks like an option, a missing required option) gives nil,
/// and the argument parser then reads it as always, so its refusals and help read the same.
enum DirectParse {
    /// The command a command line names, if it is one read here. Each is a `ThroughServer` command
    /// (`refuseWhenServed` has nothing to refuse), which the caller relies on to skip that check's casts.
    static func command(_ args: [String]) -> ParsableCommand? {
        let rest = Array(args.dropFirst())
        switch args.first {
        case "register": return Register.direct(rest)
        case "due": return Due.direct(rest)
        default: return nil
        }
    }
}

/// `--name value`, `--name=value` and `--flag` words, each name at most once.
struct DirectArguments {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// nil unless every word is one of `options` with its value or one of `flags`, each at most once.
    init?(_ words: [String], options: Set<String>, flags flagNames: Set<String>) {
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
                flags.insert(name)
                i += 1
                continue
            }
            guard options.contains(name), values[name] == nil else { return nil }
            if let inline {
                values[name] = inline
            } else {
                // The argument parser reads a following word that starts with "-" as an option, not a value.
                guard i + 1 < words.count, !words[i + 1].hasPrefix("-") else { return nil }
                values[name] = words[i + 1]
                i += 1
            }
            i += 1
        }
    }

    subscript(_ name: String) -> String? { values[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

extension GlobalOptions {
    static let directNames: Set<String> = ["db", "lang"]

    /// The global options from directly read words; nil when `validate` would refuse them.
    static func direct(_ a: DirectArguments) -> GlobalOptions? {
        var g = GlobalOptions()
        g.db = a["db"]
        g.lang = a["lang"]
        guard (try? g.validate()) != nil else { return nil }
        return g
    }
}

extension Register {
    static func direct(_ words: [String]) -> Register? {
        let options: Set<String> = GlobalOptions.directNames.union([
            "received", "channel", "applicant", "applicant-type", "request", "id-number", "contact", "form", "note",
            "late-entry",
        ])
        guard let a = DirectArguments(words, options: options, flags: ["json"]), let global = GlobalOptions.direct(a),
            let received = a["received"], let channel = a["channel"], let applicant = a["applicant"],
            let applicantType = a["applicant-type"], let request = a["request"]
        else { return nil }
        var c = Register()
        c.global = global
        c.received = received
        c.channel = channel
        c.applicant = applicant
        c.applicantType = applicantType
        c.request = request
        c.idNumber = a["id-number"]
        c.contact = a["contact"]
        c.form = a["form"]
        c.note = a["note"]
        c.lateEntry = a["late-entry"]
        c.json = a.flag("json")
        return c
    }
}

extension Due {
    static func direct(_ words: [String]) -> Due? {
        let options = GlobalOptions.directNames.union(["within", "as-of"])
        guard let a = DirectArguments(words, options: options, flags: ["imported", "json"]),
            let global = GlobalOptions.direct(a)
        else { return nil }
        var c = Due()
        c.global = global
        if let within = a["within"] {
            // As the argument parser reads an Int; anything else is its refusal to give.
            guard let n = Int(within) else { return nil }
            c.within = n
        } else {
            c.within = nil
        }
        c.asOf = a["as-of"]
        c.imported = a.flag("imported")
        c.json = a.flag("json")
        return c
    }
}
