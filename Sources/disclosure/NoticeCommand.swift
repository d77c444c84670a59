import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureDocuments
import DisclosureStore
import Foundation

struct NoticeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "生成告知书（登记回执、补正、征求意见、延期、延迟、收费、答复书、终止办理）/ render a notice for a case",
        discussion: "告知书的日期和文号取自发出它的那一步 / each letter carries the date and number of its step")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "receipt|correction|consultation|extension|deferral|fee|reply|closing") var kind: String
    @Option(help: "输出文件（默认标准输出）/ output file (default: standard output)") var out: String?
    @Flag(help: "覆盖已有的输出文件 / replace an existing output file") var force = false
    @Option(help: "html|text") var format: String = "html"
    @Option(name: .customLong("reconsideration-body"),
            help: "行政复议机关（答复书用；默认 $DISCLOSURE_RECONSIDERATION_BODY）/ the reconsideration body named in replies") var reconsiderationBody: String?
    @Option(name: .customLong("how-to-pay"), help: "缴费方式（收费通知用）/ how to pay a fee") var howToPay: String?
    @Option(help: "征求意见编号（默认最近一项）/ which consultation") var consultation: Int?
    @Option(help: "自定义模板目录（默认 $DISCLOSURE_TEMPLATES，否则内置模板）/ your own templates") var templates: String?

    func run() throws {
        let n = try CaseNumber.parse(number)
        let k = try NoticeKind.parse(kind, field: "--kind")
        guard format == "html" || format == "text" else {
            throw DisclosureError(.invalidValue, field: "--format", zh: "只能是 html 或 text", en: "must be html or text")
        }
        let env = Environment.variables
        if let remote = try global.remote() {
            // The letter is the server's: its templates and its reconsideration body.
            if templates != nil || reconsiderationBody != nil {
                throw DisclosureError(
                    .invalidValue, field: templates != nil ? "--templates" : "--reconsideration-body",
                    zh: "经服务器办理时由服务器设定（disclosure serve 的同名选项）",
                    en: "is the server's setting when commands go through it (the option of disclosure serve)")
            }
            let items: [(String, String?)] = [
                ("format", format),
                ("how_to_pay", nonEmpty(howToPay)), ("consultation", consultation.map(String.init)),
            ]
            let body = try remote.perform(
                APICall(
                    path: "/api/v1/cases/\(segment(n.description))/notices/\(k.rawValue)", query: queryItems(items))
            ).body
            return try emitNotice(body, kind: k, desk: nil)
        }
        let desk = try global.openDesk(readOnly: true)
        let record = try desk.load(n)
        let settings = NoticeSettings(
            reconsiderationBody: nonEmpty(reconsiderationBody) ?? nonEmpty(env["DISCLOSURE_RECONSIDERATION_BODY"]),
            howToPay: nonEmpty(howToPay), consultation: consultation)
        let notice = try desk.notice(
            k, of: record, settings: settings,
            templates: try loadTemplates(nonEmpty(templates) ?? nonEmpty(env["DISCLOSURE_TEMPLATES"])))
        let output = format == "html" ? notice.html() : notice.text()
        try emitNotice(Array(output.utf8), kind: k, desk: desk)
    }

    /// Writes the letter to `--out`, or to standard output.
    func emitNotice(_ bytes: [UInt8], kind k: NoticeKind, desk: Desk?) throws {
        let wrote = Text(zh: "已生成\(k.label.zh)：\(out ?? "")", en: "wrote the \(k.label.en) to \(out ?? "")")
        try emitDocument(bytes, to: out, force: force, desk: desk, wrote: wrote, global.language)
    }

    /// The office's own templates where it has them, the shipped ones for the rest.
    func loadTemplates(_ dir: String?) throws -> NoticeTemplates {
        guard let dir else { return .shipped }
        return try NoticeTemplates.load(directory: dir, field: "--templates")
    }
}
