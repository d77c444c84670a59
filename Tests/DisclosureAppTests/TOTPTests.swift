import DisclosureApp
import Testing

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1, the last six of its eight digits.
    @Test(
        "the RFC's test vectors",
        arguments: [
            (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
            (2_000_000_000, "279037"), (20_000_000_000, "353130"),
        ])
    func vectors(_ time: Int, _ expected: String) {
        #expect(TOTP.code(secret: Array("12345678901234567890".utf8), step: time / TOTP.period) == expected)
    }

    @Test("base32 round trip, and the RFC 4648 examples")
    func base32() {
        #expect(TOTP.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(TOTP.decodeBase32("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect(TOTP.decodeBase32("not base32!") == nil)
        let bytes: [UInt8] = (0..<20).map { UInt8($0 * 13 % 256) }
        #expect(TOTP.decodeBase32(TOTP.base32(bytes)) == bytes)
    }
}
