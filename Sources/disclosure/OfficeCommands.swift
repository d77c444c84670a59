import ArgumentParser
import DisclosureApp
import DisclosureCore

struct OfficeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "office", abstract: "机关设置 / office settings", subcommands: [OfficeLetterPrefix.self])
}

struct OfficeLetterPrefix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter-prefix",
        abstract: "查看或设置文号前缀（设置须管理员）/ show or set the prefix of document numbers (admin to set)",
        discussion: """
            文号为“前缀＋类别字＋〔年份〕第N号”，如 示范府信公答〔2026〕第12号；类别字：收（登记回执）补（补正）征（征求意见）\
            延（延期）迟（延迟）费（收费）答（答复）终（终止办理）。已编的文号不变。
            Numbers are PREFIX + kind mark + 〔year〕第N号; numbers already given keep their prefix.
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "新前缀（省略则显示当前前缀）/ the new prefix (omit to show the current one)") var prefix: String?

    func run() throws {
        let zh = global.language == .zh
        let current: String
        if let remote = try global.remote() {
            let answer =
                try prefix.map {
                    try remote.perform(
                        APICall(
                            method: "POST", path: "/api/v1/office/letter-prefix",
                            body: .object([("letter_prefix", .string($0))])))
                } ?? remote.perform(APICall(path: "/api/v1/office/letter-prefix"))
            guard case .string(let p)? = JSON.parse(answer.body)?["letter_prefix"] else {
                throw DisclosureError(.io, zh: "服务器的回答无法读取", en: "the server's answer cannot be read")
            }
            current = p
        } else if let prefix {
            let desk = try global.openDesk()
            try desk.setLetterPrefix(prefix)
            current = try desk.letterPrefix()
        } else {
            current = try global.openDesk(readOnly: true).letterPrefix()
        }
        let example = LetterNumber.format(prefix: current, kind: .reply, year: 2026, serial: 12)
        if prefix == nil {
            print(zh ? "文号前缀：\(current)（例：\(example)）" : "document number prefix: \(current) (e.g. \(example))")
        } else {
            print(zh ? "文号前缀已设为：\(current)（例：\(example)）" : "the prefix is now \(current) (e.g. \(example))")
        }
    }
}
