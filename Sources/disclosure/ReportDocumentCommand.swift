import ArgumentParser
import DisclosureApp
import DisclosureCore
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
        let format = try AnnualDocumentFormat.named(json ? "json" : self.format, field: "--format")
        if format == .docx && out == nil {
            throw DisclosureError(
                .missingField, field: "--out", zh: "docx 文件须用 --out 指定写入的文件", en: "a .docx needs --out FILE")
        }
        let inputs = try readReportInputs(self.inputs)
        if let remote = try global.remote() {
            var fields: [(String, JSON)] = [("format", .string(format.rawValue))]
            if let inputs { fields.append(("inputs", .string(inputs.source))) }
            let answer = try remote.perform(
                APICall(method: "POST", path: "/api/v1/reports/annual/\(year)/document", body: .object(fields)))
            // The server's notes (a locked year, a year still running) come as headers, printed as locally.
            for note in answer.notes { printError(note) }
            try emit(answer.body, text: format.isText)
            return
        }
        let desk = try global.openDesk(readOnly: true)
        let document = try desk.annualDocument(year: year, inputs: inputs)
        for note in document.notes(given: inputs, global.language) { printError(note) }
        try emit(format.render(document), desk: desk, text: format.isText)
        try ReportAnnual.checkBalance(document.tables)
    }
}
