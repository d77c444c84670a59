import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureFiles
import DisclosureExchange
import DisclosureStore
import Foundation

// MARK: - 行政复议 and 行政诉讼

struct RemedyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remedy", abstract: "行政复议、行政诉讼 / reconsideration and litigation",
        subcommands: [RemedyFile.self, RemedyDecide.self])
}

struct RemedyFile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file", abstract: "登记申请人提起的复议或诉讼 / record a remedy filed")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "reconsideration|litigation|litigation-after-reconsideration") var kind: String
    @Option(help: "复议机关或法院 / the reviewing body or court") var body: String
    @Option(help: "提起之日（收到通知之日）/ date filed") var on: String?

    func run() throws {
        let k = try RemedyKind.parse(kind, field: "--kind")
        try performStep(o, number: number, on: on, .remedyFile(kind: k, body: body))
    }
}

struct RemedyDecide: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "登记复议决定或判决；“纠正”使案件重新办理 / record the decision; corrected reopens the case")
    @OptionGroup var o: StepOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "复议或诉讼编号（只有一项未决时可省略）/ remedy number") var remedy: Int?
    @Option(help: "upheld|corrected|other") var result: String
    @Option(help: "决定之日 / date decided") var on: String?

    func run() throws {
        let res = try RemedyResult.parse(result, field: "--result")
        try performStep(o, number: number, on: on, .remedyDecide(id: remedy, result: res))
    }
}

// MARK: - Reports

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "报表 / reports",
        subcommands: [
            ReportAnnual.self, ReportStats.self, ReportClusters.self, ReportLead.self, ReportLock.self,
            ReportUnlock.self, ReportLocks.self, ReportLateEntries.self,
        ])
}

struct ReportAnnual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annual",
        abstract: "政府信息公开工作年度报告表三、表四（国办公开办函〔2021〕30号）/ annual report tables 三 and 四")
    @OptionGroup var global: GlobalOptions
    @Option(help: "年度 / year") var year: Int
    @Option(help: "text|csv|json|xml（forms/annual-report.xsd）") var format: String = "text"
    @Flag(help: "以 JSON 输出（同 --format json）/ JSON output (as --format json)") var json = false
    @Option(help: "输出文件（默认标准输出）/ output file (default: standard output)") var out: String?
    @Flag(help: "覆盖已有的输出文件 / replace an existing output file") var force = false
    @Flag(help: "完整年度报告（六部分，国家统一格式）/ the whole report in the national format (text|html|docx|json|xml)")
    var document = false
    @Option(help: "报告素材文件（第二部分表格及各部分文字，格式见 forms/annual-report-inputs.md）/ the report's own figures and texts")
    var inputs: String?

    func run() throws {
        if document { return try runDocument() }
        if inputs != nil {
            throw DisclosureError(
                .invalidValue, field: "--inputs", zh: "只能与 --document 同用", en: "goes with --document only")
        }
        let format = json ? "json" : self.format
        if json && self.format != "text" && self.format != "json" {
            throw DisclosureError(
                .invalidValue, field: "--json", zh: "不能与 --format \(self.format) 同用",
                en: "cannot be used with --format \(self.format)")
        }
        guard (2000...9998).contains(year) else {
            throw DisclosureError(.invalidValue, field: "--year", zh: "须为四位年份", en: "must be a four-digit year")
        }
        guard ["text", "csv", "json", "xml"].contains(format) else {
            throw DisclosureError(
                .invalidValue, field: "--format", zh: "只能是 text、csv、json 或 xml", en: "must be text, csv, json or xml")
        }
        if let remote = try global.remote() {
            // The figures first: a report that does not balance is printed, and refused, as locally.
            let path = "/api/v1/reports/annual"
            let figures = try remote.perform(APICall(path: path, query: [("year", String(year))]))
            let view = JSON.parse(figures.body)
            let body =
                format == "json"
                ? figures.body
                : try remote.perform(APICall(path: path, query: [("year", String(year)), ("format", format)])).body
            try emit(body)
            guard case .bool(false)? = view?["balanced"] else { return }
            throw DisclosureError(
                .ruleViolation, field: "--year", zh: "报表不平衡（一+二 应等于 三（七）+四）",
                en: "the report does not balance (一 + 二 must equal 三（七） + 四)")
        }
        let desk = try global.openDesk(readOnly: true)
        let report = try desk.annualReport(year: year)
        let bytes: [UInt8]
        switch format {
        case "csv": bytes = Array(AnnualReportText.csv(report).utf8)
        case "json": bytes = CaseViews.annualReport(report).encoded()
        case "xml": bytes = Array(AnnualReportXML.render(report, agency: desk.office.name).utf8)
        default: bytes = Array(AnnualReportText.text(report, agency: desk.office.name, lang: global.language).utf8)
        }
        try emit(bytes, desk: desk)
        try ReportAnnual.checkBalance(report)
    }

    /// The statutory identity must hold: a report that does not balance is printed, then refused.
    static func checkBalance(_ report: AnnualReport) throws(DisclosureError) {
        let broken = report.imbalances
        if !broken.isEmpty {
            let detail = broken.map { "\($0.column.label.zh)：\($0.left) ≠ \($0.right)" }.joined(separator: "；")
            throw DisclosureError(
                .ruleViolation, field: "--year",
                zh: "报表不平衡（一+二 应等于 三（七）+四）：\(detail)",
                en:
                    "the report does not balance (一 + 二 must equal 三（七） + 四): \(broken.map { "\($0.column.rawValue): \($0.left) ≠ \($0.right)" }.joined(separator: "; "))"
            )
        }
    }
}

extension ReportAnnual {
    /// Writes the report to `--out`, or to standard output; `text` false for a binary file (a .docx).
    func emit(_ body: [UInt8], desk: Desk? = nil, text: Bool = true) throws {
        // One line break at the end of a text, whichever side made it.
        var bytes = body
        if text {
            while bytes.last == 0x0A { bytes.removeLast() }
            bytes.append(0x0A)
        }
        let wrote = Text(zh: "已写入年度报告：\(out ?? "")", en: "wrote the annual report to \(out ?? "")")
        try emitDocument(bytes, to: out, force: force, desk: desk, wrote: wrote, global.language)
    }
}

struct ReportLock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "锁定已公布年度的统计数字 / lock a published year's figures")
    @OptionGroup var global: GlobalOptions
    @Option(help: "年度 / year") var year: Int
    @Option(help: "随锁定存档的报告素材文件（forms/annual-report-inputs.md）/ report inputs to keep with the lock")
    var inputs: String?

    func run() throws {
        let kept = try readReportInputs(inputs)
        if let remote = try global.remote() {
            let body = JSON.object(kept.map { [("inputs", .string($0.source))] } ?? [])
            _ = try remote.perform(APICall(method: "POST", path: "/api/v1/reports/annual/\(year)/lock", body: body))
        } else {
            try global.openDesk().lockReport(year: year, inputs: kept)
        }
        let zh = global.language == .zh
        print(
            zh
                ? "已锁定\(year)年度统计数字；此后会改变该年度数字的变更将被拒绝，除非先 report unlock 并说明理由"
                : "locked the \(year) figures; changes that would alter them are refused until report unlock with a reason"
        )
        if let inputs {
            print(
                zh
                    ? "报告素材 \(inputs) 已随锁定存档：此后 report annual --document 按存档的素材和数字生成，与今天的报告相同"
                    : "the report inputs \(inputs) are kept with the lock: report annual --document renders from them "
                        + "and the figures as locked, the same as today")
        }
    }
}

struct ReportUnlock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "解除锁定（须说明理由，留有记录）/ unlock a year, with a reason on record")
    @OptionGroup var global: GlobalOptions
    @Option(help: "年度 / year") var year: Int
    @Option(help: "理由 / reason") var reason: String

    func run() throws {
        if let remote = try global.remote() {
            let body = JSON.object([("reason", .string(reason))])
            _ = try remote.perform(APICall(method: "POST", path: "/api/v1/reports/annual/\(year)/unlock", body: body))
        } else {
            try global.openDesk().unlockReport(year: year, reason: reason)
        }
        print(global.language == .zh ? "已解除\(year)年度锁定（理由：\(reason)）" : "unlocked \(year) (reason: \(reason))")
    }
}

struct ReportStats: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "按月统计：收到、办结、按期答复率、答复用时中位数和90%分位（不计中止时间）、当前逾期 / monthly statistics")
    @OptionGroup var global: GlobalOptions
    @Option(help: "起始日期（默认12个月前的月初）/ from") var from: String?
    @Option(help: "结束日期（默认今天）/ to") var to: String?
    @Option(name: .customLong("as-of"), help: "计算当前逾期的日期（默认今天）/ today") var asOf: String?
    @Option(help: "另存为SVG图表 / also draw an SVG chart to this file") var svg: String?
    @Flag(help: "覆盖已有的输出文件 / replace an existing output file") var force = false
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let today = try asOfDate(asOf)
        let (start, end) = (try optionalDate(from, field: "--from"), try optionalDate(to, field: "--to"))
        if let remote = try global.remote() {
            let items = queryItems([("from", start?.description), ("to", end?.description), ("as_of", asOf)])
            if let svg {
                // Refused before anything is fetched, as locally: an existing file stays unless --force.
                let file = try OutputFile(path: svg, force: force)
                let chart = try remote.perform(
                    APICall(path: "/api/v1/reports/stats", query: items + [("format", "svg")]))
                try file.write(chart.body)
                try file.commit()
            }
            return try remote.show(APICall(path: "/api/v1/reports/stats", query: items, text: !json))
        }
        let desk = try global.openDesk(readOnly: true)
        let report = try desk.statistics(from: start, to: end, asOf: today, fields: ("--from", "--to"))
        if let svg {
            let chart = StatisticsText.chart(report, agency: desk.office.name)
            try writeOutput(Array(chart.utf8), to: svg, force: force, desk: desk)
        }
        emit(json, CaseViews.statistics(report), StatisticsText.table(report, asOf: today, global.language))
    }
}

struct ReportClusters: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters",
        abstract: "多人申请相同信息的线索（条例第四十四条）/ several applicants asking for the same information")
    @OptionGroup var global: GlobalOptions
    @Option(help: "只看此日以后收到的申请 / received on or after") var since: String?
    @Option(name: .customLong("min-applicants"), help: "至少几位不同申请人（默认3）/ at least this many applicants")
    var minApplicants: Int = 3
    @Option(help: "最多列出几组（默认50）/ at most this many clusters") var limit: Int = 50
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let start = try optionalDate(since, field: "--since")
        let clusters: [JSON]
        let text: String
        if let remote = try global.remote() {
            let items = queryItems([
                ("since", start?.description), ("min_applicants", String(minApplicants)), ("limit", String(limit)),
            ])
            return try remote.show(APICall(path: "/api/v1/reports/clusters", query: items, text: !json))
        } else {
            let found = try global.openDesk(readOnly: true).clusters(
                since: start, minApplicants: minApplicants, limit: limit, fields: ("--min-applicants", "--limit"))
            clusters = found.map(CaseViews.cluster)
            text = ClusterText.text(found, minApplicants: minApplicants, global.language)
        }
        emit(json, .array(clusters), text)
    }
}
