import DisclosureCore
import Testing

@Suite("Free text: what may hide or forge content is refused")
struct TextFieldTests {
    @Test(
        "single-line fields",
        arguments: [
            ("张三", true), ("“某公司”——某部门…", true), ("Li Ming", true), ("a\nb", false), ("a\rb", false),
            ("a\u{2028}b", false), ("a\u{0007}b", false), ("a\u{0085}b", false), ("a\u{200B}b", false),
            ("a\u{202E}b", false),
            ("a\u{2066}b", false), ("a\u{FEFF}b", false), ("a\u{061C}b", false), ("a\u{7F}b", false), ("é", true),
        ])
    func line(_ text: String, _ accepted: Bool) {
        #expect(
            ((try? TextField.optionalLine(text, field: "f", max: 100)) != nil) == accepted,
            "\(text.unicodeScalars.map(\.value))")
    }

    @Test(
        "multi-line fields keep line breaks and tabs",
        arguments: [
            ("第一段\n第二段", true), ("列\t表", true), ("“引号”", true), ("a\u{0000}b", false), ("a\u{202D}b", false),
            ("a\u{2028}b", true),
        ])
    func text(_ text: String, _ accepted: Bool) {
        #expect(
            ((try? TextField.optionalText(text, field: "f", max: 100)) != nil) == accepted,
            "\(text.unicodeScalars.map(\.value))")
    }

    @Test("account names compare folded, are stored trimmed, and refuse disguises")
    func accountNames() throws {
        #expect(try AccountName.normalise("  王科员 ") == "王科员")
        #expect(AccountName.key("ＷＡＮＧ") == AccountName.key("wang"))
        for bad in ["王  科员", "王\u{3000}科员", "王\u{00AD}科员", "王\u{FE0F}科员", ""] {
            #expect(throws: DisclosureError.self) { try AccountName.normalise(bad) }
        }
    }
}
