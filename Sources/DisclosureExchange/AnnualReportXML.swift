import DisclosureCore
import Foundation

/// The annual report as XML in the format of forms/annual-report.xsd.
public enum AnnualReportXML {
    public static let namespace = "urn:disclosure:annual-report:1"

    /// Every problem of an annual-report file against forms/annual-report.xsd; empty when it is valid.
    public static func validate(path: String) throws(DisclosureError) -> [XMLProblem] {
        try StreamingReader.validate(
            path: path, schema: try LibXML.annualReport(), namespace: namespace,
            origin: (path as NSString).lastPathComponent)
    }

    /// Tables 三 and 四 (`report annual --format xml`).
    public static func render(_ r: AnnualReport, agency: String) -> String {
        var x = XMLFragment()
        root(&x, year: r.year, agency: agency, extra: [])
        tables(&x, r)
        x.close("annualReport", depth: 0)
        return String(decoding: x.bytes, as: UTF8.self)
    }

    /// The whole report (`--document --format xml`): the tables, then table 二, the facts, the office's texts
    /// and `blocks`, the full text as every other format lays it out.
    public static func render(_ d: AnnualReportDocument, blocks: [ReportBlock]) -> String {
        var x = XMLFragment()
        var extra = [("reporter", d.inputs.reporter == .government ? "government" : "department")]
        if let lockedAt = d.lockedAt { extra.append(("locked-at", lockedAt)) }
        root(&x, year: d.year, agency: d.agency, extra: extra)
        tables(&x, d.tables)
        x.open("proactive", depth: 1)
        for r in AnnualReportInputs.proactiveRows {
            for c in r.columns {
                x.empty(
                    "figure", attributes: [("article", r.article), ("item", r.name), ("column", c),
                                           ("value", d.inputs.figure(r, c))], depth: 2)
            }
        }
        x.close("proactive", depth: 1)
        let f = d.facts
        let counts: [(String, Int)] = [
            ("replies", f.replies), ("replied-on-time", f.onTimeReplies), ("replied-late", f.repliedLate),
            ("overdue-at-year-end", f.overdueAtYearEnd), ("corrections", f.corrections),
            ("consultations", f.consultations), ("extensions", f.extensions), ("late-entries", f.lateEntries),
            ("repeat-applicants", f.repeatApplicants), ("repeat-applications", f.repeatApplications),
            ("remedies-corrected", d.corrected), ("proactive-leads", f.leads),
            ("proactive-leads-disclosed", f.leadsDisclosed),
        ]
        x.open("facts", attributes: [("as-of", f.asOf.description)] + counts.map { ($0.0, String($0.1)) }, depth: 1)
        let fees: [(String, Int)] = [
            ("notices", f.feeNoticeTotal), ("notices-per-item", f.feeNotices[FeeBasis.items.rawValue] ?? 0),
            ("notices-per-page", f.feeNotices[FeeBasis.pages.rawValue] ?? 0), ("charged-yuan", f.feeChargedTotal),
            ("charged-per-item-yuan", f.feeCharged[FeeBasis.items.rawValue] ?? 0),
            ("charged-per-page-yuan", f.feeCharged[FeeBasis.pages.rawValue] ?? 0), ("paid", f.feesPaid),
            ("paid-yuan", f.feePaidAmount), ("abandoned-unpaid", d.abandonedForFees),
        ]
        x.empty("fees", attributes: fees.map { ($0.0, String($0.1)) }, depth: 2)
        for l in f.leadsActed ?? [] {
            x.empty(
                "lead",
                // What a published report states: no case numbers, no staff names.
                attributes: [("decided", l.decided.description), ("subject", l.subject), ("published", l.published),
                             ("applications", String(l.cases.count))],
                depth: 2)
        }
        x.close("facts", depth: 1)
        x.open("texts", depth: 1)
        for section in AnnualReportInputs.Section.allCases {
            let name = section.key
            let paragraphs = d.inputs.paragraphs(section)
            if paragraphs.isEmpty {
                x.empty(name, depth: 2)
                continue
            }
            x.open(name, depth: 2)
            for p in paragraphs { x.element("p", p, depth: 3) }
            x.close(name, depth: 2)
        }
        x.close("texts", depth: 1)
        x.open("document", depth: 1)
        for b in blocks {
            switch b {
            case .title(let s): x.element("title", s, depth: 2)
            case .subtitle(let s): x.element("subtitle", s, depth: 2)
            case .heading(let s): x.element("heading", s, depth: 2)
            case .paragraph(let s): x.element("paragraph", s, depth: 2)
            case .table(let t):
                x.open("table", depth: 2)
                for row in t.rows {
                    x.open("tr", depth: 3)
                    for c in row {
                        var attributes: [(String, String)] = []
                        if c.columnSpan > 1 { attributes.append(("span", String(c.columnSpan))) }
                        if c.header { attributes.append(("header", "true")) }
                        x.element("td", c.text, attributes: attributes, depth: 4)
                    }
                    x.close("tr", depth: 3)
                }
                x.close("table", depth: 2)
            }
        }
        x.close("document", depth: 1)
        x.close("annualReport", depth: 0)
        return String(decoding: x.bytes, as: UTF8.self)
    }

    private static func root(_ x: inout XMLFragment, year: Int, agency: String, extra: [(String, String)]) {
        x.put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.open("annualReport", attributes: [("xmlns", namespace), ("year", String(year)), ("agency", agency)] + extra,
               depth: 0)
    }

    private static func tables(_ x: inout XMLFragment, _ r: AnnualReport) {
        x.open("applications", attributes: [("balanced", r.imbalances.isEmpty ? "true" : "false")], depth: 1)
        for row in r.rows {
            var attributes = [("id", row.id), ("label", row.label)]
            if row.id != "results" {
                let organisations = AnnualReport.columns.dropFirst().reduce(0) { $0 + row.counts[$1, default: 0] }
                attributes += AnnualReport.columns.map { ($0.rawValue, String(row.counts[$0, default: 0])) }
                attributes += [("organisations", String(organisations)), ("total", String(AnnualReport.total(row.counts)))]
            }
            x.empty("row", attributes: attributes, depth: 2)
        }
        x.close("applications", depth: 1)
        x.open("remedies", depth: 1)
        for k in RemedyKind.allCases {
            x.empty("remedy", attributes: [("kind", k.rawValue), ("upheld", String(r.remedyCount(k, .upheld))),
                                           ("corrected", String(r.remedyCount(k, .corrected))), ("other", String(r.remedyCount(k, .other))),
                                           ("pending", String(r.remedyCount(k, nil))), ("total", String(r.remedyTotal(k)))], depth: 2)
        }
        x.close("remedies", depth: 1)
    }
}
