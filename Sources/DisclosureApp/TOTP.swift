import Crypto
import DisclosureCore
import DisclosureStore
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 30-second steps, six digits,
/// as every authenticator app reads them from an `otpauth://` address.
public enum TOTP {
    public static let period = 30
    public static let digits = 6
    /// Steps either side of now that are still taken: a phone's clock a little off, a code typed slowly.
    static let skew = 1

    /// The time step of `epoch`.
    static func step(_ epoch: Int) -> Int { epoch / period }

    /// The code of `step` for `secret` (RFC 4226 §5.3 dynamic truncation).
    public static func code(secret: [UInt8], step: Int) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        let n = String(value % 1_000_000)
        return String(repeating: "0", count: digits - n.count) + n
    }

    /// The step whose code `code` is, within the skew of `epoch`, if any (compared in constant time).
    static func matchingStep(_ code: String, secret: [UInt8], at epoch: Int) -> Int? {
        let typed = code.filter { !$0.isWhitespace }
        guard typed.count == digits, typed.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var found: Int?
        for s in (step(epoch) - skew)...(step(epoch) + skew) {
            let expected = Array(TOTP.code(secret: secret, step: s).utf8)
            var diff: UInt8 = 0
            for (a, b) in zip(expected, typed.utf8) { diff |= a ^ b }
            if diff == 0 && found == nil { found = s }
        }
        return found
    }

    /// 160 random bits, the size RFC 4226 recommends.
    static func newSecret() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// RFC 4648 base32 without padding, as authenticator apps take it.
    public static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for b in bytes {
            buffer = (buffer << 8) | Int(b)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a base32 secret; nil if it is not one.
    public static func decodeBase32(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for c in text.uppercased().utf8 where c != UInt8(ascii: "=") {
            guard let v = alphabet.firstIndex(of: c) else { return nil }
            buffer = (buffer << 5) | v
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> (bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}

/// A second factor being set up: the secret to type or scan, shown once.
public struct TOTPSetup: Sendable {
    public let secret: String
    public let uri: String
}

extension Desk {
    /// Whether `account` must set up a second factor before doing anything else.
    func mustSetUpSecondFactor(_ account: Account) throws(DisclosureError) -> Bool {
        guard account.has(.head) || account.has(.admin), try store.totpRequired() else { return false }
        return try store.totpState(of: account.id).secret == nil
    }

    /// Refuses an account the office requires a second factor of, until it has one.
    func requireSecondFactorIfDue(_ account: Account) throws(DisclosureError) {
        guard try mustSetUpSecondFactor(account) else { return }
        throw DisclosureError(
            .forbidden, field: "totp",
            zh: "本机关要求负责人和管理员使用动态口令：请先为账号“\(account.name)”设置动态口令",
            en: "this office requires a one-time code of heads and admins: set one up for “\(account.name)” first")
    }

    /// The second factor at sign-in: when the account has one, `code` must be its current code, never
    /// one used before. Called after the password was right.
    func checkSecondFactor(_ account: Account, code: String?, at now: Moment) throws(DisclosureError) {
        guard let encoded = try store.totpState(of: account.id).secret else { return }
        guard let code, !code.isEmpty else {
            throw DisclosureError(
                .unauthenticated, field: "totp", zh: "须填写动态口令（验证器中的六位数字）",
                en: "the one-time code (six digits from the authenticator) is required")
        }
        guard let secret = TOTP.decodeBase32(encoded),
            let step = TOTP.matchingStep(code, secret: secret, at: now.epoch),
            try store.claimTOTPStep(account.id, step: step)
        else {
            throw DisclosureError(
                .unauthenticated, field: "totp", zh: "动态口令不正确或已使用过",
                en: "the one-time code is wrong or was used already")
        }
    }

    /// Whether signing `name` in asks for a one-time code (the CLI asks for it only then).
    public func signInNeedsCode(_ name: String) throws(DisclosureError) -> Bool {
        guard let a = try store.account(named: name) else { return false }
        return try store.totpState(of: a.id).secret != nil
    }

    /// Starts setting up the signed-in account's second factor: a new secret, shown once, that its
    /// first code confirms (`confirmSecondFactor`).
    public func beginSecondFactor() throws(DisclosureError) -> TOTPSetup {
        let me = try whoami()
        try refuseLocalChangeIfServed()
        // Replacing a factor would need no proof of the old one: it is removed first, with its code.
        guard try store.totpState(of: me.id).secret == nil else {
            throw DisclosureError(
                .ruleViolation, field: "totp", zh: "已设有动态口令：须先以当前口令取消，再重新设置",
                en: "one-time codes are already on: remove them with a current code first")
        }
        let secret = TOTP.base32(TOTP.newSecret())
        try store.setPendingTOTP(me.id, secret: secret)
        let issuer = store.office.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "Disclosure"
        let label = "\(issuer):\(me.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
        return TOTPSetup(
            secret: secret,
            uri: "otpauth://totp/\(label)?secret=\(secret)&issuer=\(issuer)&algorithm=SHA1&digits=6&period=30")
    }

    /// Confirms the secret being set up with its current code; from then on sign-in asks for codes.
    public func confirmSecondFactor(code: String) throws(DisclosureError) {
        let me = try whoami()
        try refuseLocalChangeIfServed()
        guard let pending = try store.totpState(of: me.id).pending, let secret = TOTP.decodeBase32(pending) else {
            throw DisclosureError(
                .ruleViolation, field: "totp", zh: "尚未开始设置动态口令", en: "no one-time code is being set up")
        }
        guard let step = TOTP.matchingStep(code, secret: secret, at: clock.now().epoch) else {
            throw DisclosureError(
                .invalidValue, field: "code", zh: "动态口令不正确：请输入验证器当前显示的六位数字",
                en: "the code is wrong: type the six digits the authenticator shows now")
        }
        try store.confirmTOTP(me.id, step: step, now: clock.now().stamp)
    }

    /// Removes a second factor: one's own with a current code, or any account's by an admin (a lost phone).
    public func removeSecondFactor(of name: String?, code: String?) throws(DisclosureError) {
        let me = try whoami()
        try refuseLocalChangeIfServed()
        let target = try name.map { (n: String) throws(DisclosureError) in try liveAccount(n) } ?? me
        if target.id == me.id {
            // Each try counts as a failed sign-in, so that a stolen session cannot guess its way through.
            let now = clock.now()
            _ = try claimAttempt(of: me, at: now, field: "code")
            try checkSecondFactor(me, code: code, at: now)
        } else {
            try UseCase.staff.authorise(me)
        }
        try store.removeTOTP(target.id, by: me.id, now: clock.now().stamp)
    }

    /// Requires (or no longer requires) a second factor of heads and admins: the admin's setting.
    public func requireSecondFactor(_ on: Bool) throws(DisclosureError) {
        let admin = try signedIn(.staff)
        try store.setTOTPRequired(on, by: ref(admin), now: clock.now().stamp)
    }

    /// Whether the signed-in account must set up its second factor before anything else.
    public func mustSetUpSecondFactorNow() throws(DisclosureError) -> Bool {
        guard let account else { return false }
        return try mustSetUpSecondFactor(account)
    }

    /// Whether the office requires a second factor of heads and admins.
    public func secondFactorRequired() throws(DisclosureError) -> Bool { try store.totpRequired() }
}
