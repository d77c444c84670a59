import ArgumentParser
import DisclosureCore
import DisclosureStore
import Foundation

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "数据库文件 / database file (default: $DISCLOSURE_DB, else ~/.local/share/disclosure/disclosure.db)")
    var db: String?

    @Option(name: .long, help: "界面语言 zh|en / language (default: $DISCLOSURE_LANG or the locale; Chinese unless it is English)")
    var lang: String?

    /// The database path by the documented precedence.
    var databasePath: String {
        if let db { return db }
        let env = ProcessInfo.processInfo.environment
        if let p = env["DISCLOSURE_DB"], !p.isEmpty { return p }
        let base = env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("disclosure/disclosure.db")
    }

    var language: Language {
        if let lang, let l = Language(rawValue: lang) { return l }
        return GlobalOptions.environmentLanguage
    }

    static var environmentLanguage: Language {
        let env = ProcessInfo.processInfo.environment
        if let l = env["DISCLOSURE_LANG"].flatMap(Language.init(rawValue:)) { return l }
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_MESSAGES"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        return locale.hasPrefix("en") ? .en : .zh
    }

    func validate() throws {
        if let lang, Language(rawValue: lang) == nil {
            throw DisclosureError(.invalidValue, field: "--lang", zh: "只能是 zh 或 en", en: "must be zh or en")
        }
    }

    func openStore() throws -> Store { try Store.open(path: databasePath) }
}

/// Options of commands that record a step.
struct ActorOption: ParsableArguments {
    @Option(name: .long, help: "经办人 / who records this (default: $DISCLOSURE_ACTOR, else the login name)")
    var actor: String?

    var name: String {
        if let actor { return actor }
        let env = ProcessInfo.processInfo.environment
        if let a = env["DISCLOSURE_ACTOR"], !a.isEmpty { return a }
        if let u = env["USER"], !u.isEmpty { return u }
        return NSUserName()
    }
}

/// China Standard Time has been UTC+8 all year since 1991, so legal dates and stamps are computed from
/// the system clock directly (ICU's time-zone machinery costs more than a whole registration).
let officeOffsetSeconds = 8 * 3600

/// The office's local time now: days since 1970 and seconds into that day.
private func officeLocalTime() -> (day: Int, second: Int) {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    let s = Int(ts.tv_sec) + officeOffsetSeconds
    let day = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
    return (day, s - day * 86_400)
}

/// Today's date in the office's time zone.
func today() -> CivilDate { CivilDate(dayNumber: officeLocalTime().day) }

/// The current moment as recorded on events: ISO 8601 with the office's offset.
func nowStamp() -> String {
    let (day, t) = officeLocalTime()
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(CivilDate(dayNumber: day))T\(two(t / 3600)):\(two(t / 60 % 60)):\(two(t % 60))+08:00"
}

/// Parses `--as-of` (default today).
func asOfDate(_ text: String?) throws -> CivilDate {
    guard let text else { return today() }
    return try CivilDate.parse(text, field: "--as-of")
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
