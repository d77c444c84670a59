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

    public static func render(_ r: AnnualReport, agency: String) -> String {
        var x = XMLFragment()
        x.put("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        x.indent(0)
        x.put("<annualReport xmlns=\"\(namespace)\" year=\"\(r.year)\" agency=\"")
        x.escape(agency, attribute: true)
        x.put("\">")
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
        x.close("annualReport", depth: 0)
        return String(decoding: x.bytes, as: UTF8.self)
    }
}
