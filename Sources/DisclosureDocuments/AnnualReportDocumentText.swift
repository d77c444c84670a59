import DisclosureCore

/// The annual report document in the national order and headings (国办公开办函〔2021〕30号), as blocks
/// that the text, HTML and .docx renderings share: every figure comes from the one document value.
public enum AnnualReportBlocks {
    /// The six section headings, in order.
    public static let headings = [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    ]

    /// The document's blocks.
    public static func blocks(_ d: AnnualReportDocument) -> [ReportBlock] {
        var b: [ReportBlock] = [.title(d.title)]
        b.append(
            .paragraph(
                "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第四十九条、第五十条和国务院办公厅政府信息与政务公开办公室"
                    + "印发的年度报告格式编制。报告所列数据的统计期限为\(d.year)年1月1日至\(d.year)年12月31日；申请、答复等数据"
                    + "由本机关政府信息公开申请办理系统按办理记录统计。"))
        b.append(.heading(headings[0]))
        b.append(contentsOf: overview(d).map(ReportBlock.paragraph))
        b.append(contentsOf: d.inputs.paragraphs(.overview).map(ReportBlock.paragraph))
        b.append(.heading(headings[1]))
        b.append(.table(proactiveTable(d.inputs)))
        b.append(.heading(headings[2]))
        b.append(.table(applicationsTable(d.tables)))
        b.append(.heading(headings[3]))
        b.append(.table(remediesTable(d.tables)))
        b.append(.heading(headings[4]))
        b.append(contentsOf: d.inputs.paragraphs(.problems).map(ReportBlock.paragraph))
        b.append(.paragraph(weakPoints(d)))
        if d.inputs.reporter == .government {
            b.append(.paragraph("（工作考核、社会评议和责任追究结果）"))
            b.append(contentsOf: d.inputs.paragraphs(.assessment).map(ReportBlock.paragraph))
        }
        b.append(.heading(headings[5]))
        b.append(.paragraph(fees(d)))
        b.append(.paragraph(leads(d.facts)))
        b.append(contentsOf: d.inputs.paragraphs(.other).map(ReportBlock.paragraph))
        return b
    }

    /// 一's generated sentences: what the office received and did, from the record.
    static func overview(_ d: AnnualReportDocument) -> [String] {
        let t = d.tables, f = d.facts
        let received = AnnualReport.total(t.received), carriedIn = AnnualReport.total(t.carriedIn)
        let closed = AnnualReport.total(t.closedTotal), carriedOut = AnnualReport.total(t.carriedOut)
        var first = "\(d.year)年，本机关共收到政府信息公开申请\(received)件，上年结转\(carriedIn)件；"
            + "本年度办结\(closed)件，结转下年度继续办理\(carriedOut)件。"
        if f.replies > 0 {
            // Replies, not cases: a case reopened after 复议 and answered again counts each reply. The wording
            // stays as it was, so that a year locked earlier renders word for word as published.
            first += "全年作出答复\(f.replies)件，其中在法定期限内答复\(f.onTimeReplies)件，按期答复率"
                + "\(percent(f.onTimeReplies, of: f.replies))；逾期答复\(f.repliedLate)件。"
        } else {
            first += "全年未作出答复。"
        }
        if f.overdueAtYearEnd > 0 {
            first += "截至\(f.asOf.month)月\(f.asOf.day)日，已超过答复期限尚未答复的\(f.overdueAtYearEnd)件。"
        }
        let second = "办理中向申请人发出补正告知\(f.corrections)件，征求第三方或其他机关意见\(f.consultations)件，"
            + "延长答复期限\(f.extensions)件。"
        let reconsideration = t.remedyTotal(.reconsideration)
        let litigation = t.remedyTotal(.litigation) + t.remedyTotal(.litigationAfterReconsideration)
        let third = "因政府信息公开工作被申请行政复议\(reconsideration)件、被提起行政诉讼\(litigation)件，"
            + "其中结果维持\(RemedyKind.allCases.reduce(0) { $0 + t.remedyCount($1, .upheld) })件、"
            + "结果纠正\(d.corrected)件、其他结果\(RemedyKind.allCases.reduce(0) { $0 + t.remedyCount($1, .other) })件、"
            + "尚未审结\(RemedyKind.allCases.reduce(0) { $0 + t.remedyCount($1, nil) })件。"
        return [first, second, third]
    }

    /// 五's list of the weak points the record shows (figures only: the report is published).
    static func weakPoints(_ d: AnnualReportDocument) -> String {
        let f = d.facts
        var points: [String] = []
        if f.repliedLate > 0 { points.append("逾期答复\(f.repliedLate)件") }
        if f.overdueAtYearEnd > 0 {
            points.append("截至\(f.asOf.month)月\(f.asOf.day)日已超过答复期限尚未答复\(f.overdueAtYearEnd)件")
        }
        if f.lateEntries > 0 { points.append("事后补录的办理步骤\(f.lateEntries)项") }
        if d.corrected > 0 { points.append("行政复议、行政诉讼结果被纠正\(d.corrected)件") }
        if f.repeatApplicants > 0 {
            points.append(
                "同一申请人一年内提出\(AnnualFacts.repeatThreshold)件以上申请的\(f.repeatApplicants)人、"
                    + "共\(f.repeatApplications)件")
        }
        guard !points.isEmpty else { return "据办理记录，本年度未发现逾期答复、事后补录或被纠正的情况。" }
        return "据办理记录，本年度的薄弱环节有：" + points.joined(separator: "；") + "。"
    }

    /// 六's fees (国办函〔2020〕109号), by scale.
    static func fees(_ d: AnnualReportDocument) -> String {
        let f = d.facts
        guard f.feeNoticeTotal > 0 else {
            return "（一）信息处理费收取情况。本年度未发出信息处理费收费通知，未收取信息处理费。"
        }
        let items = f.feeNotices[FeeBasis.items.rawValue] ?? 0, pages = f.feeNotices[FeeBasis.pages.rawValue] ?? 0
        var s = "（一）信息处理费收取情况。本年度依据《政府信息公开信息处理费管理办法》发出收费通知\(f.feeNoticeTotal)件"
            + "（按件计收\(items)件、\(f.feeCharged[FeeBasis.items.rawValue] ?? 0)元，按量计收\(pages)件、"
            + "\(f.feeCharged[FeeBasis.pages.rawValue] ?? 0)元），通知金额合计\(f.feeChargedTotal)元；"
            + "实际收取\(f.feesPaid)件、\(f.feePaidAmount)元。"
        s += "因申请人逾期未缴纳信息处理费而不再处理的申请\(d.abandonedForFees)件。"
        return s
    }

    /// 六's leads for proactive disclosure (art. 44): those the records point to, and those acted on.
    static func leads(_ f: AnnualFacts) -> String {
        var s = "（二）依申请公开转主动公开情况。"
        let many = "\(AnnualFacts.leadApplicants)名以上申请人申请公开"
        // Facts a lock kept before decisions were recorded render as they did then, word for word.
        guard let acted = f.leadsActed else {
            guard f.leads > 0 else { return s + "本年度未发现\(many)相同政府信息的情形。" }
            return s + "本年度有\(f.leads)组申请系\(many)相同或相近的政府信息，其中\(f.leadsDisclosed)组已依申请公开，"
                + "可依《条例》第四十四条纳入主动公开范围。"
        }
        if f.leads > 0 {
            s += "本年度有\(f.leads)组申请系\(many)相同或相近的政府信息，其中\(f.leadsDisclosed)组已依申请公开。"
        } else {
            s += "本年度未发现\(many)相同政府信息的情形。"
        }
        guard !acted.isEmpty else {
            return s + "本年度未依《条例》第四十四条将依申请公开的政府信息纳入主动公开范围。"
        }
        s += "依《条例》第四十四条，本年度将\(acted.count)项依申请公开的政府信息纳入主动公开范围："
        s += acted.enumerated().map { i, l in
            "\(i + 1). \(l.subject)（\(l.cases.count)件申请，\(l.decided.chinese)决定，在\(l.published)公开）"
        }.joined(separator: "；")
        return s + "。"
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "—" }
        // One decimal, rounded half up, in integers: no locale, no binary fraction.
        let tenths = (part * 1000 + whole / 2) / whole
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Table 二 in the national layout: each item of art. 20 with its own header row.
    static func proactiveTable(_ inputs: AnnualReportInputs) -> ReportTable {
        var rows: [[ReportCell]] = []
        var article = ""
        for r in AnnualReportInputs.proactiveRows {
            if r.article != article {
                article = r.article
                rows.append([ReportCell(article, columnSpan: 4, header: true)])
                if r.columns.count == 3 {
                    rows.append([ReportCell("信息内容", header: true)] + r.columns.map { ReportCell($0, header: true) })
                } else {
                    rows.append(
                        [ReportCell("信息内容", header: true), ReportCell(r.columns[0], columnSpan: 3, header: true)])
                }
            }
            if r.columns.count == 3 {
                rows.append([ReportCell(r.name)] + r.columns.map { ReportCell(inputs.figure(r, $0)) })
            } else {
                rows.append([ReportCell(r.name), ReportCell(inputs.figure(r, r.columns[0]), columnSpan: 3)])
            }
        }
        return ReportTable(rows: rows)
    }

    /// Table 三: applications received and handled, by applicant type.
    static func applicationsTable(_ t: AnnualReport) -> ReportTable {
        var rows: [[ReportCell]] = [
            [
                ReportCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", header: true),
                ReportCell("申请人情况", columnSpan: 7, header: true),
            ],
            [
                ReportCell("", header: true), ReportCell("自然人", header: true),
                ReportCell("法人或其他组织", columnSpan: 5, header: true), ReportCell("总计", header: true),
            ],
            [ReportCell("", header: true), ReportCell("", header: true)]
                + AnnualReport.columns.dropFirst().map { ReportCell($0.label.zh, header: true) }
                + [ReportCell("", header: true)],
        ]
        for row in t.rows {
            let indent = String(repeating: "\u{3000}", count: row.level)
            let cells: [ReportCell]
            if row.id == "results" {
                cells = [ReportCell(row.label, columnSpan: 8)]
            } else {
                cells = [ReportCell(indent + row.label)]
                    + AnnualReport.columns.map { ReportCell(String(row.counts[$0, default: 0])) }
                    + [ReportCell(String(AnnualReport.total(row.counts)))]
            }
            rows.append(cells)
        }
        return ReportTable(rows: rows)
    }

    /// Table 四: 行政复议 and 行政诉讼 by result.
    static func remediesTable(_ t: AnnualReport) -> ReportTable {
        let results: [(String, RemedyResult?)] = [
            ("结果维持", .upheld), ("结果纠正", .corrected), ("其他结果", .other), ("尚未审结", nil),
        ]
        let labels = results.map { ReportCell($0.0, header: true) } + [ReportCell("总计", header: true)]
        func counts(_ kind: RemedyKind) -> [ReportCell] {
            results.map { ReportCell(String(t.remedyCount(kind, $0.1))) } + [ReportCell(String(t.remedyTotal(kind)))]
        }
        return ReportTable(rows: [
            [ReportCell("行政复议", columnSpan: 5, header: true), ReportCell("行政诉讼", columnSpan: 10, header: true)],
            Array(repeating: ReportCell("", header: true), count: 5)
                + [
                    ReportCell("未经复议直接起诉", columnSpan: 5, header: true),
                    ReportCell("复议后起诉", columnSpan: 5, header: true),
                ],
            labels + labels + labels,
            counts(.reconsideration) + counts(.litigation) + counts(.litigationAfterReconsideration),
        ], labelled: false)
    }

    /// The document as plain text: headings, paragraphs, and each table row's cells separated by " | ".
    public static func text(_ blocks: [ReportBlock]) -> String {
        var lines: [String] = []
        for block in blocks {
            switch block {
            case .title(let s), .subtitle(let s): lines.append(s)
            case .heading(let s): lines.append(""); lines.append(s)
            case .paragraph(let s): lines.append("\u{3000}\u{3000}" + s)
            case .table(let t):
                for row in t.rows {
                    lines.append(row.map { $0.text.isEmpty ? "—" : $0.text }.joined(separator: " | "))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The document as one printable A4 HTML page, with no resource from elsewhere.
    public static func html(_ blocks: [ReportBlock], title: String) -> String {
        var body = ""
        for block in blocks {
            switch block {
            case .title(let s): body += "<h1>\(htmlEscaped(s))</h1>\n"
            case .subtitle(let s): body += "<p class=\"subtitle\">\(htmlEscaped(s))</p>\n"
            case .heading(let s): body += "<h2>\(htmlEscaped(s))</h2>\n"
            case .paragraph(let s): body += "<p>\(htmlEscaped(s))</p>\n"
            case .table(let t):
                body += "<table>\n"
                for row in t.rows {
                    body += "<tr>"
                    for c in row {
                        let tag = c.header ? "th" : "td"
                        let span = c.columnSpan > 1 ? " colspan=\"\(c.columnSpan)\"" : ""
                        body += "<\(tag)\(span)>\(htmlEscaped(c.text))</\(tag)>"
                    }
                    body += "</tr>\n"
                }
                body += "</table>\n"
            }
        }
        return officialPage(
            title: title,
            css: """
                h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal;
                  margin: 12pt 0 6pt; text-indent: 2em; }
                p.subtitle { text-align: center; text-indent: 0; }
                table { border-collapse: collapse; width: 100%; margin: 6pt 0 12pt; font-size: 10.5pt; line-height: 1.4;
                  page-break-inside: auto; }
                th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; }
                th { font-weight: bold; background: #f2f2f2; }
                td:first-child { text-align: left; }
                tr { page-break-inside: avoid; }
                """,
            body: body)
    }
}
