import DisclosureCore
import Testing

@Suite("Redaction: what export --redact masks in free text")
struct RedactionTests {
    @Test(
        "ID numbers, phone numbers and e-mail addresses are masked; other numbers stay",
        arguments: [
            ("申请人身份证号110101199003071234，请回复", "申请人身份证号〔身份证号已隐去〕，请回复"),
            ("证件 11010119900307123X 附后", "证件 〔身份证号已隐去〕 附后"),
            ("旧证 110101900307123", "旧证 〔身份证号已隐去〕"),
            ("手机13812345678或010-87654321", "手机〔电话已隐去〕或〔电话已隐去〕"),
            ("座机0571 88886666", "座机〔电话已隐去〕"),
            ("手机138-1234-5678、138 1234 5678、+8613812345678", "手机〔电话已隐去〕、〔电话已隐去〕、+〔电话已隐去〕"),
            ("全角１３８１２３４５６７８", "全角〔电话已隐去〕"),
            ("共 120 页 30 元", "共 120 页 30 元"),
            ("手机13812345678 2026年", "手机〔电话已隐去〕 2026年"),
            ("邮箱 zhang.san+gov@example.com.cn 联系", "邮箱 〔邮箱已隐去〕 联系"),
            ("2026年第12号文件，编号2026-000001", "2026年第12号文件，编号2026-000001"),
            ("金额1100元，共120页", "金额1100元，共120页"),
            ("user@localhost 不是地址", "user@localhost 不是地址"),
            ("23812345678 不是手机", "23812345678 不是手机"),
        ])
    func masks(_ input: String, _ expected: String) {
        #expect(Redaction.mask(input) == expected)
    }
}
