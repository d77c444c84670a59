import DisclosureCore
import Foundation

/// `name` inside the folder `dir`: NSString's path methods would wake CoreFoundation's string
/// machinery at the start of every command for what is a join of two POSIX paths.
public func joinPath(_ dir: String, _ name: String) -> String {
    dir.isEmpty ? name : dir.hasSuffix("/") ? dir + name : dir + "/" + name
}

/// The user's home folder: `$HOME`, else the account's (Foundation's lookup costs a fraction of a
/// millisecond at every start, and honours `$HOME` first all the same).
public func homeFolder(_ env: [String: String]) -> String {
    env["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
}

/// Where the office's database is when no `--db` names it: `$DISCLOSURE_DB`, else the user's data folder.
public enum DatabaseLocation {
    public static func resolve(_ given: String?, environment env: [String: String]) -> String {
        if let given { return given }
        if let p = env["DISCLOSURE_DB"], !p.isEmpty { return p }
        let base =
            env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? joinPath(homeFolder(env), ".local/share")
        return joinPath(base, "disclosure/disclosure.db")
    }
}

extension Language {
    /// `$DISCLOSURE_LANG`, else the locale: Chinese unless it is English.
    public static func fromEnvironment(_ env: [String: String]) -> Language {
        if let l = env["DISCLOSURE_LANG"].flatMap(Language.init(rawValue:)) { return l }
        let locale =
            env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_MESSAGES"].flatMap { $0.isEmpty ? nil : $0 }
            ?? env["LANG"] ?? ""
        return locale.hasPrefix("en") ? .en : .zh
    }
}
