import DisclosureCore
import Foundation

/// Where the office's database is when no `--db` names it: `$DISCLOSURE_DB`, else the user's data folder.
public enum DatabaseLocation {
    public static func resolve(_ given: String?, environment env: [String: String]) -> String {
        if let given { return given }
        if let p = env["DISCLOSURE_DB"], !p.isEmpty { return p }
        let base =
            env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("disclosure/disclosure.db")
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
