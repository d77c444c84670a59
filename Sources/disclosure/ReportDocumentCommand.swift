import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureDocuments
import Foundation

/// Reads the report inputs file named by `--inputs` (forms/annual-report-inputs.md).
func readReportInputs(_ path: String?) throws -> AnnualReportInputs? {
    guard let path else { return nil }
    let text = try SmallTextFile.read(path, field: "--inputs", code: .invalidValue).text
    return try AnnualReportInputs.parse(text, origin: path)
}

extension ReportAnnual {
    /// `--document`: the whole report in the national format, from one computation in every format.
    func runDocument() throws {
        let format = json ? "json" : self.format
        guard ["text", "html", "docx", "json"].contains(format) else {
            throw DisclosureError(
                .invalidValue, field: "--format", zh: "与 --document 同用时只能是 text、html、docx 或 json",
                en: "must be text, html, docx or json with --document")
        }
        if format == "docx" && out == nil {
            throw DisclosureError(
                .missingField, field: "--out", zh: "docx 文件须用 --out 指定写入的文件", en: "a .docx needs --out FILE")
        }
        if try global.remote() != nil {
            throw DisclosureError(
                .invalidValue, field: "--document", zh: "暂不能通过服务器生成完整年度报告，请在服务器上运行",
                en: "not through the server yet: run it on the server's machine")
        }
        let inputs = try readReportInputs(self.inputs)
        let desk = try global.openDesk(readOnly: true)
        let document = try desk.annualDocument(year: year, inputs: inputs)
        if let lockedAt = document.lockedAt, let inputs, inputs.source != document.inputs.source {
            printError(
                global.language == .zh
                    ? "注意：\(year)年度已于\(lockedAt)锁定，报告按锁定时存档的素材生成，未采用 --inputs 指定的文件"
                    : "note: \(year) was locked at \(lockedAt); the report uses the inputs kept with the lock, "
                        + "not --inputs")
        }
        let blocks = AnnualReportBlocks.blocks(document)
        let bytes: [UInt8]
        switch format {
        case "json": bytes = CaseViews.annualDocument(document).encoded()
        case "html": bytes = Array(AnnualReportBlocks.html(blocks, title: document.title).utf8)
        case "docx":
            bytes = OOXMLDocument.docx(blocks, title: document.title, created: "\(document.year)-12-31T00:00:00Z")
        default: bytes = Array(AnnualReportBlocks.text(blocks).utf8)
        }
        try emit(bytes, desk: desk, text: format != "docx")
        try ReportAnnual.checkBalance(document.tables)
    }
}
