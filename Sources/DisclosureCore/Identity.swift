import Foundation

/// A staff role (STATUTE.md §11). One person may hold several business roles; the admin holds none.
public enum Role: String, Vocabulary, Comparable {
    case registrar, handler, reviewer, head, admin
    public var label: Text {
        switch self {
        case .registrar: Text(zh: "登记员", en: "registrar")
        case .handler: Text(zh: "承办人", en: "handler")
        case .reviewer: Text(zh: "审核人", en: "reviewer")
        case .head: Text(zh: "负责人", en: "head of office")
        case .admin: Text(zh: "管理员", en: "administrator")
        }
    }
    /// Whether the role does case work (三员分立: the admin manages accounts and settings only).
    public var isBusiness: Bool { self != .admin }

    /// The order of STATUTE.md §11's table.
    var rank: Int {
        switch self {
        case .registrar: 0
        case .handler: 1
        case .reviewer: 2
        case .head: 3
        case .admin: 4
        }
    }

    public static func < (a: Role, b: Role) -> Bool { a.rank < b.rank }

    /// Parses `ROLE[,ROLE...]`, refusing duplicates and an admin mixed with business roles.
    public static func parseList(_ text: String, field: String) throws(DisclosureError) -> Set<Role> {
        var roles: Set<Role> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            let role = try Role.parse(name, field: field)
            roles.insert(role)
        }
        try requireSeparation(roles, field: field)
        return roles
    }

    /// 三员分立: an account is either the admin or a business account, never both.
    public static func requireSeparation(_ roles: Set<Role>, field: String) throws(DisclosureError) {
        if roles.contains(.admin) && roles.count > 1 {
            throw DisclosureError(
                .ruleViolation, field: field,
                zh: "管理员不得兼任业务角色（三员分立）",
                en: "the admin role cannot be combined with business roles (separation of duties)")
        }
    }
}

/// A staff account as the rules see it: who did a step is an account, never a typed name.
public struct Account: Sendable, Hashable {
    public let id: Int
    /// The name as typed at creation (NFC); unique among live accounts by `AccountName.key`.
    public let name: String
    public let roles: Set<Role>
    public let email: String?
    public let disabled: Bool
    /// Made on migration from a name typed before accounts existed; never signs in.
    public let legacy: Bool
    public let createdAt: String

    public init(
        id: Int, name: String, roles: Set<Role>, email: String?, disabled: Bool, legacy: Bool, createdAt: String
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.email = email
        self.disabled = disabled
        self.legacy = legacy
        self.createdAt = createdAt
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// Roles in table order, comma-separated, as typed on the command line.
    public var roleList: String { roles.sorted().map(\.rawValue).joined(separator: ",") }
}

/// Who recorded an event: the account when there is one (events of this office since accounts
/// exist), else only the name a file or an older version recorded.
public struct ActorRef: Sendable, Hashable, Codable {
    public let name: String
    public let accountID: Int?
    public init(name: String, accountID: Int?) {
        self.name = name
        self.accountID = accountID
    }

    /// The same person: the same account where both have one, else names equal under `AccountName.key`.
    public func isSame(as other: ActorRef) -> Bool {
        if let a = accountID, let b = other.accountID { return a == b }
        return AccountName.key(name) == AccountName.key(other.name)
    }
}

/// Rules for staff account names (issue 10): trimmed, stored as typed in NFC, compared in NFKC.
public enum AccountName {
    /// The form two names are compared by: NFKC, case-folded. Two accounts may not share it.
    public static func key(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping.lowercased()
    }

    /// The name to store: trimmed and in NFC; refuses what would make two people look alike.
    public static func normalise(_ typed: String, field: String = "name") throws(DisclosureError) -> String {
        let name = typed.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        try TextField.requireLine(name, field: field, max: 64)
        var previousSpace = false
        for scalar in name.unicodeScalars {
            // Soft hyphens, variation selectors, fillers, tags: drawn as nothing, so two accounts would
            // look alike. (Applicants' names may need variation selectors; staff names never do.)
            if scalar.properties.isDefaultIgnorableCodePoint {
                throw DisclosureError(
                    .invalidValue, field: field,
                    zh: "姓名中含有不显示的字符（U+\(String(scalar.value, radix: 16, uppercase: true))）",
                    en: "a name may not contain characters drawn as nothing "
                        + "(U+\(String(scalar.value, radix: 16, uppercase: true)))")
            }
            let isSpace = scalar.properties.isWhitespace
            // One ASCII space between words is a name ("Li Ming"); runs and other spaces only disguise one.
            if isSpace && (scalar != " " || previousSpace) {
                throw DisclosureError(
                    .invalidValue, field: field,
                    zh: "姓名中不得有连续空格或全角空格",
                    en: "a name may not contain runs of spaces or full-width spaces")
            }
            previousSpace = isSpace
        }
        return name
    }
}

/// Checks on free text typed by staff or read from a file (issue 10): what may hide or forge content.
public enum TextField {
    /// Characters that reorder or hide text: bidi overrides and isolates, zero-width characters.
    static func isInvisible(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x202A...0x202E, 0x2066...0x2069, 0x200B...0x200F, 0x2060...0x2064, 0xFEFF, 0x061C: true
        default: false
        }
    }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (0x7F...0x9F).contains(s.value)
    }

    /// A single-line field (names, ID number, contact, party, body, agency): no line breaks, control,
    /// bidi-override or zero-width characters.
    public static func requireLine(_ s: String, field: String, max: Int) throws(DisclosureError) {
        if s.allSatisfy(\.isWhitespace) {
            throw DisclosureError(.missingField, field: field, zh: "不能为空", en: "must not be empty")
        }
        try optionalLine(s, field: field, max: max)
    }

    /// As `requireLine`, for a field that may be empty.
    public static func optionalLine(_ s: String, field: String, max: Int) throws(DisclosureError) {
        try limit(s, field: field, max: max)
        try scan(s, field: field, multiline: false)
    }

    /// A multi-line field (request, correction items, basis, notes): line breaks and tabs are kept,
    /// other control characters and bidi overrides are refused.
    public static func optionalText(_ s: String, field: String, max: Int) throws(DisclosureError) {
        try limit(s, field: field, max: max)
        try scan(s, field: field, multiline: true)
    }

    /// Looks at the UTF-8 bytes first: every character refused is a byte below 0x20 or 0x7F, or a
    /// sequence starting C2 (C1 controls), D8 9C, E2 80/81 (line separators, zero-width, bidi) or
    /// EF BB BF, and ordinary text (“”…— included) has none, so a request of 20,000 characters is
    /// checked at byte speed. Only text that has one is decoded, for the message.
    private static func scan(_ s: String, field: String, multiline: Bool) throws(DisclosureError) {
        let clean =
            s.utf8.withContiguousStorageIfAvailable { b -> Bool in
                var i = 0
                while i < b.count {
                    let c = b[i]
                    if c < 0x20 {
                        if !(multiline && (c == 0x0A || c == 0x09)) { return false }
                    } else if c == 0x7F {
                        return false
                    } else if c == 0xC2, i + 1 < b.count, (0x80...0x9F).contains(b[i + 1]) {
                        return false
                    } else if c == 0xD8, i + 1 < b.count, b[i + 1] == 0x9C {
                        return false
                    } else if c == 0xE2, i + 2 < b.count {
                        let (x, y) = (b[i + 1], b[i + 2])
                        if x == 0x80 && ((0x8B...0x8F).contains(y) || (0xA8...0xAE).contains(y)) { return false }
                        if x == 0x81 && ((0xA0...0xA4).contains(y) || (0xA6...0xA9).contains(y)) { return false }
                    } else if c == 0xEF, i + 2 < b.count, b[i + 1] == 0xBB, b[i + 2] == 0xBF {
                        return false
                    }
                    i += 1
                }
                return true
            } ?? false
        if clean { return }
        for scalar in s.unicodeScalars {
            if multiline && (scalar == "\n" || scalar == "\t") { continue }
            if !multiline && (scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}") {
                throw DisclosureError(.invalidValue, field: field, zh: "只能是一行，不得换行", en: "must be a single line")
            }
            try refuseHidden(scalar, field: field)
        }
    }

    private static func refuseHidden(_ scalar: Unicode.Scalar, field: String) throws(DisclosureError) {
        if isControl(scalar) {
            throw DisclosureError(.invalidValue, field: field, zh: "含有不可见的控制字符", en: "contains control characters")
        }
        if isInvisible(scalar) {
            throw DisclosureError(
                .invalidValue, field: field,
                zh: "含有改变文字方向或零宽的不可见字符（U+\(String(scalar.value, radix: 16, uppercase: true))）",
                en: "contains an invisible direction or zero-width character "
                    + "(U+\(String(scalar.value, radix: 16, uppercase: true)))")
        }
    }

    private static func limit(_ s: String, field: String, max: Int) throws(DisclosureError) {
        // UTF-8 bytes never undercount characters, so the costly grapheme count is needed only past it.
        if s.utf8.count > max && s.count > max {
            throw DisclosureError(
                .invalidValue, field: field, zh: "过长：最多\(max)个字符", en: "too long: at most \(max) characters")
        }
    }
}

/// A password as the rules accept it (bcrypt reads at most 72 bytes, so longer ones are refused
/// rather than silently cut).
public enum PasswordRule {
    public static let minLength = 8
    public static let maxBytes = 72

    public static func check(_ password: String, field: String = "password") throws(DisclosureError) {
        if password.count < minLength {
            throw DisclosureError(
                .invalidValue, field: field, zh: "密码至少\(minLength)个字符",
                en: "a password needs at least \(minLength) characters")
        }
        if password.utf8.count > maxBytes {
            throw DisclosureError(
                .invalidValue, field: field, zh: "密码最多\(maxBytes)字节",
                en: "a password may have at most \(maxBytes) bytes")
        }
        if password.unicodeScalars.contains(where: TextField.isControl) {
            throw DisclosureError(
                .invalidValue, field: field, zh: "密码含有控制字符", en: "the password contains control characters")
        }
    }
}
