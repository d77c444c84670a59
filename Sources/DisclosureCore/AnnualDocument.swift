/// What an office keeps for the parts of the annual report this program does not hold: the figures of
/// section 二 (主动公开), its own text for sections 一, 五 and 六, and for a government's report the
/// results of 工作考核、社会评议和责任追究 (art. 50(4)). The format is `forms/annual-report-inputs.md`.
public struct AnnualReportInputs: Sendable, Hashable {
    /// Whose report it is: a department's, or a people's government's (which art. 50(4) asks more of).
    public enum Reporter: String, Sendable, Hashable, CaseIterable {
        case department = "部门"
        case government = "政府"
    }

    /// One row of table 二 and the columns the national format gives it.
    public struct ProactiveRow: Sendable, Hashable {
        /// The item of art. 20 it reports on, as the table heads it.
        public let article: String
        public let name: String
        public let columns: [String]
    }

    /// The rows of table 二 in the national format (国办公开办函〔2021〕30号), in order.
    public static let proactiveRows: [ProactiveRow] = [
        ProactiveRow(article: "第二十条第（一）项", name: "规章", columns: issued),
        ProactiveRow(article: "第二十条第（一）项", name: "行政规范性文件", columns: issued),
        ProactiveRow(article: "第二十条第（五）项", name: "行政许可", columns: [decisions]),
        ProactiveRow(article: "第二十条第（六）项", name: "行政处罚", columns: [decisions]),
        ProactiveRow(article: "第二十条第（六）项", name: "行政强制", columns: [decisions]),
        ProactiveRow(article: "第二十条第（八）项", name: "行政事业性收费", columns: [feeAmount]),
    ]
    static let issued = ["本年制发件数", "本年废止件数", "现行有效件数"]
    static let decisions = "本年处理决定数量"
    /// The one column in 万元, with decimals; every other figure is a count.
    public static let feeAmount = "本年收费金额（单位：万元）"

    /// The sections of free text, by the heading the file gives them.
    public enum Section: String, Sendable, Hashable, CaseIterable {
        case overview = "总体情况"
        case problems = "存在的主要问题及改进情况"
        case assessment = "工作考核、社会评议和责任追究结果"
        case other = "其他需要报告的事项"

        /// The section's name in JSON and XML.
        public var key: String {
            switch self {
            case .overview: "overview"
            case .problems: "problems"
            case .assessment: "assessment"
            case .other: "other"
            }
        }
    }

    public let reporter: Reporter
    /// Table 二's figures by "row.column" (e.g. `规章.本年制发件数`), as written (counts, or 万元).
    public let proactive: [String: String]
    /// The office's paragraphs for each text section (possibly none).
    public let texts: [Section: [String]]
    /// The file as read: what a lock keeps, so that a locked year renders from it forever.
    public let source: String

    /// How the file names the figure of `row` and `column`: `规章.本年制发件数`.
    static func key(_ row: ProactiveRow, _ column: String) -> String { "\(row.name).\(column)" }
    /// Every figure of table 二, in the table's order.
    static let keys = proactiveRows.flatMap { r in r.columns.map { key(r, $0) } }

    /// The table 二 figure of `row` and `column`.
    public func figure(_ row: ProactiveRow, _ column: String) -> String { proactive[Self.key(row, column)] ?? "" }

    /// The office's paragraphs of `section`.
    public func paragraphs(_ section: Section) -> [String] { texts[section] ?? [] }

    /// Reads the inputs file; `origin` names it in errors, which give the line and what is wrong.
    public static func parse(_ text: String, origin: String) throws(DisclosureError) -> AnnualReportInputs {
        /// Where a line stands: before the first section, in table 二's, or in a text section.
        enum Place: Equatable {
            case head, proactive
            case text(Section)
        }
        var reporter: Reporter?
        var proactive: [String: String] = [:]
        var texts: [Section: [String]] = [:]
        var place = Place.head
        var paragraph: [String] = []
        func fail(_ line: Int, zh: String, en: String) -> DisclosureError {
            DisclosureError(.invalidValue, field: "\(origin):\(line)", zh: zh, en: en)
        }
        func flush() {
            if case .text(let section) = place, !paragraph.isEmpty {
                texts[section, default: []].append(paragraph.joined())
            }
            paragraph = []
        }
        let keys = Set(Self.keys)
        var seenSections: Set<String> = []
        // By any line break: "\r\n" (a file saved on Windows) is one Character, never equal to "\n".
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let line = String(raw).trimmingWhitespace()
            let inText = if case .text = place { true } else { false }
            if line.hasPrefix("#") && !inText { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                flush()
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
                guard name == "主动公开" || Section(rawValue: name) != nil else {
                    throw fail(
                        number, zh: "没有“\(name)”这一节；可用：[主动公开]、"
                            + Section.allCases.map { "[\($0.rawValue)]" }.joined(separator: "、"),
                        en: "there is no section “\(name)”; the sections are [主动公开] and "
                            + Section.allCases.map { "[\($0.rawValue)]" }.joined(separator: ", "))
                }
                guard seenSections.insert(name).inserted else {
                    throw fail(number, zh: "“\(name)”一节出现了两次", en: "section “\(name)” appears twice")
                }
                place = Section(rawValue: name).map(Place.text) ?? .proactive
                continue
            }
            if inText {
                // Text sections: a blank line ends a paragraph; lines of one paragraph join without a space.
                if line.isEmpty { flush() } else { paragraph.append(line) }
                continue
            }
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw fail(number, zh: "应为“名称 = 值”", en: "expected “name = value”")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            let value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            if place == .head {
                guard key == "机关类别" else {
                    throw fail(
                        number, zh: "第一节之前只能写“机关类别 = 部门”或“机关类别 = 政府”",
                        en: "before the first section only “机关类别 = 部门” or “机关类别 = 政府” may stand")
                }
                guard let r = Reporter(rawValue: value) else {
                    throw fail(number, zh: "机关类别只能是“部门”或“政府”", en: "机关类别 must be 部门 or 政府")
                }
                reporter = r
                continue
            }
            guard keys.contains(key) else {
                throw fail(
                    number, zh: "主动公开表没有“\(key)”这一项；各项见 forms/annual-report-inputs.md",
                    en: "table 二 has no item “\(key)”; forms/annual-report-inputs.md lists them")
            }
            guard proactive[key] == nil else {
                throw fail(number, zh: "“\(key)”写了两次", en: "“\(key)” is given twice")
            }
            try checkFigure(value, money: key.hasSuffix(feeAmount)) { (zh: String, en: String) in
                fail(number, zh: "“\(key)”\(zh)", en: "“\(key)” \(en)")
            }
            proactive[key] = value
        }
        flush()
        let missing = Self.keys.filter { proactive[$0] == nil }
        if !missing.isEmpty {
            throw DisclosureError(
                .missingField, field: origin,
                zh: "主动公开表缺少：\(missing.joined(separator: "、"))（不掌握的写 0）",
                en: "table 二 lacks \(missing.joined(separator: ", ")) (write 0 where there were none)")
        }
        let who = reporter ?? .department
        if who == .government && (texts[.assessment] ?? []).isEmpty {
            throw DisclosureError(
                .missingField, field: origin,
                zh: "政府的年度报告须写明工作考核、社会评议和责任追究结果（条例第五十条第四项）：请在"
                    + "[工作考核、社会评议和责任追究结果]一节填写",
                en: "a government's report must state the results of assessment, public evaluation and "
                    + "accountability (art. 50(4)): fill in the section [工作考核、社会评议和责任追究结果]")
        }
        return AnnualReportInputs(reporter: who, proactive: proactive, texts: texts, source: text)
    }

    /// A count is a whole number; an amount in 万元 has at most four decimals (one yuan).
    static func checkFigure(
        _ value: String, money: Bool, _ fail: (String, String) -> DisclosureError
    ) throws(DisclosureError) {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        let digits = { (s: Substring) in !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        if money {
            guard parts.count <= 2, digits(parts[0]), parts.count == 1 || (digits(parts[1]) && parts[1].count <= 4)
            else {
                throw fail(
                    "须为以万元计的金额，最多四位小数，如 12.5", "must be an amount in 万元 with at most four decimals, e.g. 12.5")
            }
        } else {
            guard parts.count == 1, digits(parts[0]), parts[0].count <= 12 else {
                throw fail("须为非负整数", "must be a whole number, 0 or more")
            }
        }
    }
}

/// The figures of the year that the document states beside tables 三 and 四, counted from the cases
/// themselves (with their approved amendments) by the day each step took place.
public struct AnnualFacts: Sendable, Hashable, Codable {
    public var year: Int
    /// Replies issued in the year (in every round of a case), and those issued after their round's due date.
    public var replies = 0
    public var repliedLate = 0
    /// The day the open cases were judged on: 31 December, or today while the year runs.
    public var asOf: CivilDate
    /// Open on `asOf` and already past the due date by then.
    public var overdueAtYearEnd = 0
    /// Correction notices, consultation letters and extensions of the year.
    public var corrections = 0
    public var consultations = 0
    public var extensions = 0
    /// Fee notices sent in the year and the yuan they asked for, by scale; those paid in the year.
    public var feeNotices: [String: Int] = [:]
    public var feeCharged: [String: Int] = [:]
    public var feesPaid = 0
    public var feePaidAmount = 0
    /// Steps of the year (registrations included) entered late, with the reason on record.
    public var lateEntries = 0
    /// Applicants with at least `repeatThreshold` applications received in the year, and their applications.
    public var repeatApplicants = 0
    public var repeatApplications = 0
    /// Leads for proactive disclosure (art. 44): groups of applications for the same information from at
    /// least three applicants in the year, and those where some of it was already disclosed on request.
    public var leads = 0
    public var leadsDisclosed = 0
    /// Decisions of the year to publish such information proactively (art. 44), withdrawn ones left out;
    /// nil in facts kept by a lock made before they were recorded.
    public var leadsActed: [ProactiveLead]?

    /// How many applications make an applicant a repeat applicant in the weak points of section 五.
    public static let repeatThreshold = 3
    /// How many different applicants make a group of like applications a lead (as `report clusters`).
    public static let leadApplicants = 3

    /// The facts of `year`, judged on `today` while it runs.
    public init(year: Int, today: CivilDate) {
        self.year = year
        asOf = min(DateSpan(year: year)?.last ?? today, today)
    }

    /// Whether the year was still running when the facts were counted: its figures are not yet final.
    public var provisional: Bool { asOf < (DateSpan(year: year)?.last ?? asOf) }

    /// Fee notices of both scales.
    public var feeNoticeTotal: Int { feeNotices.values.reduce(0, +) }
    public var feeChargedTotal: Int { feeCharged.values.reduce(0, +) }
    public var onTimeReplies: Int { replies - repliedLate }

    /// Adds what one case did in the year.
    public mutating func add(_ state: CaseState, registeredLate: Bool) {
        guard let span = DateSpan(year: year) else { return }
        let inYear = span.contains
        // Every round's reply counts: a case reopened after 复议 may be answered twice in one year.
        for r in state.repliesIssued where inYear(r.issued) {
            replies += 1
            if r.late { repliedLate += 1 }
        }
        let openAtEnd = state.application.received <= asOf && state.closedOn.map { $0 > asOf } ?? true
        if openAtEnd, let due = state.clock.due, due < asOf, state.reply?.issued.map({ $0 > asOf }) ?? true {
            overdueAtYearEnd += 1
        }
        if registeredLate && inYear(state.application.received) { lateEntries += 1 }
        for e in state.effectiveSteps where inYear(e.on) {
            if e.lateEntry != nil { lateEntries += 1 }
            switch e.action {
            case .correctionRequested: corrections += 1
            case .consultationSent: consultations += 1
            case .extended: extensions += 1
            default: break
            }
        }
        for f in state.fees {
            if inYear(f.noticed) {
                feeNotices[f.basis.rawValue, default: 0] += 1
                feeCharged[f.basis.rawValue, default: 0] += f.amount
            }
            if let paid = f.paid, inYear(paid) {
                feesPaid += 1
                feePaidAmount += f.amount
            }
        }
    }

    /// Counts the repeat applicants among the year's applications, each named by name and ID number.
    public mutating func countRepeats(_ applicants: [String: Int]) {
        for (_, n) in applicants where n >= Self.repeatThreshold {
            repeatApplicants += 1
            repeatApplications += n
        }
    }
}

/// The whole annual report of one office and year: every format renders this one value.
public struct AnnualReportDocument: Sendable, Hashable {
    public let agency: String
    public let tables: AnnualReport
    public let facts: AnnualFacts
    public let inputs: AnnualReportInputs
    /// When the year is locked: the lock's time, and that the inputs are the ones it kept.
    public let lockedAt: String?

    public init(agency: String, tables: AnnualReport, facts: AnnualFacts, inputs: AnnualReportInputs,
                lockedAt: String?) {
        self.agency = agency
        self.tables = tables
        self.facts = facts
        self.inputs = inputs
        self.lockedAt = lockedAt
    }

    public var year: Int { tables.year }
    public var title: String { "\(agency)\(year)年政府信息公开工作年度报告" }

    /// Closed in the year with outcome 6.2 (逾期未缴费): the applications abandoned for non-payment.
    public var abandonedForFees: Int { AnnualReport.total(tables.closed[.abandonedFee] ?? [:]) }
    /// 复议 and 诉讼 of the year whose result was 纠正.
    public var corrected: Int {
        RemedyKind.allCases.reduce(0) { $0 + tables.remedyCount($1, .corrected) }
    }
}
