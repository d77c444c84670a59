import DisclosureCore
import DisclosureDocuments
import DisclosureExchange

extension CaseViews {
    /// The annual report document (`report annual --document --format json`): its figures by section, the
    /// office's own inputs, and the blocks every other format renders, all from one computation.
    public static func annualDocument(_ d: AnnualReportDocument) -> JSON {
        let f = d.facts
        let proactive: [JSON] = AnnualReportInputs.proactiveRows.flatMap { r in
            r.columns.map { c in
                JSON.object([
                    ("article", .string(r.article)), ("item", .string(r.name)), ("column", .string(c)),
                    ("value", .string(d.inputs.figure(r, c))),
                ])
            }
        }
        let facts = JSON.object([
            ("replies", .int(f.replies)), ("replied_on_time", .int(f.onTimeReplies)),
            ("replied_late", .int(f.repliedLate)), ("overdue_at_year_end", .int(f.overdueAtYearEnd)),
            ("corrections", .int(f.corrections)), ("consultations", .int(f.consultations)),
            ("extensions", .int(f.extensions)), ("late_entries", .int(f.lateEntries)),
            ("repeat_applicants", .int(f.repeatApplicants)), ("repeat_applications", .int(f.repeatApplications)),
            ("remedies_corrected", .int(d.corrected)),
            (
                "fees",
                .object([
                    ("notices", .int(f.feeNoticeTotal)),
                    ("notices_per_item", .int(f.feeNotices[FeeBasis.items.rawValue] ?? 0)),
                    ("notices_per_page", .int(f.feeNotices[FeeBasis.pages.rawValue] ?? 0)),
                    ("charged_yuan", .int(f.feeChargedTotal)),
                    ("charged_per_item_yuan", .int(f.feeCharged[FeeBasis.items.rawValue] ?? 0)),
                    ("charged_per_page_yuan", .int(f.feeCharged[FeeBasis.pages.rawValue] ?? 0)),
                    ("paid", .int(f.feesPaid)), ("paid_yuan", .int(f.feePaidAmount)),
                    ("abandoned_unpaid", .int(d.abandonedForFees)),
                ])
            ),
            ("proactive_leads", .int(f.leads)), ("proactive_leads_disclosed", .int(f.leadsDisclosed)),
            // As the report states them: no case numbers, no staff names.
            (
                "proactive_leads_acted",
                .array(
                    (f.leadsActed ?? []).map { l in
                        .object([
                            ("decided", .string(l.decided.description)), ("subject", .string(l.subject)),
                            ("published", .string(l.published)), ("applications", .int(l.cases.count)),
                        ])
                    })
            ),
        ])
        let texts = JSON.object(
            AnnualReportInputs.Section.allCases.map { s in
                (s.key, .array(d.inputs.paragraphs(s).map(JSON.string)))
            })
        let blocks: [JSON] = AnnualReportBlocks.blocks(d).map { b in
            switch b {
            case .title(let s): .object([("kind", .string("title")), ("text", .string(s))])
            case .subtitle(let s): .object([("kind", .string("subtitle")), ("text", .string(s))])
            case .heading(let s): .object([("kind", .string("heading")), ("text", .string(s))])
            case .paragraph(let s): .object([("kind", .string("paragraph")), ("text", .string(s))])
            case .table(let t):
                .object([
                    ("kind", .string("table")),
                    (
                        "rows",
                        .array(
                            t.rows.map { row in
                                .array(
                                    row.map { c in
                                        .object([
                                            ("text", .string(c.text)), ("span", .int(c.columnSpan)),
                                            ("header", .bool(c.header)),
                                        ])
                                    })
                            })
                    ),
                ])
            }
        }
        return .object([
            ("year", .int(d.year)), ("agency", .string(d.agency)), ("title", .string(d.title)),
            ("reporter", .string(d.inputs.reporter == .government ? "government" : "department")),
            ("locked_at", .str(d.lockedAt)),
            ("proactive", .array(proactive)), ("tables", annualReport(d.tables)), ("facts", facts),
            ("texts", texts), ("blocks", .array(blocks)),
        ])
    }
}

/// The forms the whole annual report is published in; each renders the same blocks of one computation.
public enum AnnualDocumentFormat: String, Sendable, CaseIterable {
    case text, html, docx, json, xml

    /// The format named `name`, or an error on `field` listing the formats.
    public static func named(_ name: String, field: String) throws(DisclosureError) -> AnnualDocumentFormat {
        guard let f = AnnualDocumentFormat(rawValue: name) else {
            throw DisclosureError(
                .invalidValue, field: field, zh: "完整年度报告的格式只能是 text、html、docx、json 或 xml",
                en: "the whole report's format must be text, html, docx, json or xml")
        }
        return f
    }

    /// The media type of the rendering, for a download.
    public var mediaType: String {
        switch self {
        case .text: "text/plain; charset=utf-8"
        case .html: "text/html; charset=utf-8"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .json: "application/json"
        case .xml: "application/xml; charset=utf-8"
        }
    }

    /// Whether the rendering is text (ends in a line break) rather than a binary package.
    public var isText: Bool { self != .docx }

    /// The bytes of `d` in this format.
    public func render(_ d: AnnualReportDocument) -> [UInt8] {
        let blocks = AnnualReportBlocks.blocks(d)
        switch self {
        case .json: return CaseViews.annualDocument(d).encoded()
        case .xml: return Array(AnnualReportXML.render(d, blocks: blocks).utf8)
        case .html: return Array(AnnualReportBlocks.html(blocks, title: d.title).utf8)
        // Dated by the year's end, not by today: a locked year's package is the same bytes forever.
        case .docx: return OOXMLDocument.docx(blocks, title: d.title, created: "\(d.year)-12-31T00:00:00Z")
        case .text: return Array(AnnualReportBlocks.text(blocks).utf8)
        }
    }
}
