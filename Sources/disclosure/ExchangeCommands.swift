import ArgumentParser
import DisclosureApp
import DisclosureCore
import DisclosureExchange
import DisclosureFiles
import DisclosureStore
import Foundation

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "导出案卷（XML，forms/case-file.xsd）/ export case files as XML")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号（可多个）/ case numbers") var numbers: [String] = []
    @Option(help: "输出文件 / output file") var out: String
    @Flag(help: "全部案件 / every case") var all = false
    @Option(help: "收到年份 / year received") var year: Int?
    @Option(help: "状态 / status") var status: String?
    @Option(name: .customLong("closed-between"), help: "结案日期范围 FROM..TO / closed between, inclusive") var closedBetween:
        String?
    @Flag(help: "隐去个人信息：证件号码、联系方式，各文字字段中的身份证号、电话和邮箱，并略去附件 / mask personal data")
    var redact = false
    @Flag(help: "隐去个人信息时仍带附件 / keep attachments in a redacted export") var withAttachments = false
    @Flag(help: "覆盖已有的输出文件 / replace an existing output file") var force = false

    func run() throws {
        var filter = ExportFilter()
        filter.numbers = try numbers.map { s throws(DisclosureError) in try CaseNumber.parse(s) }
        filter.all = all
        filter.year = year
        filter.status = try status.map { s throws(DisclosureError) in try CaseStatus.parse(s, field: "--status") }
        if let range = closedBetween {
            let parts = range.components(separatedBy: "..")
            guard parts.count == 2 else {
                throw DisclosureError(
                    .invalidValue, field: "--closed-between", zh: "格式为 起始日期..结束日期", en: "expected FROM..TO")
            }
            filter.closedFrom = try CivilDate.parse(parts[0], field: "--closed-between")
            filter.closedThrough = try CivilDate.parse(parts[1], field: "--closed-between")
        }
        guard !filter.numbers.isEmpty || all || year != nil || status != nil || closedBetween != nil else {
            throw DisclosureError(
                .missingField, field: "CASE/--all", zh: "请指明要导出的案件：案件编号，或 --all、--year、--status、--closed-between",
                en: "say which cases: case numbers, or --all, --year, --status, --closed-between")
        }
        let count: Int
        if let remote = try global.remote() {
            let items: [(String, String?)] = [
                ("cases", filter.numbers.isEmpty ? nil : filter.numbers.map(\.description).joined(separator: ",")),
                ("all", all ? "true" : nil), ("year", year.map(String.init)), ("status", filter.status?.rawValue),
                ("closed_from", filter.closedFrom?.description), ("closed_through", filter.closedThrough?.description),
                ("redact", redact ? "true" : nil), ("with_attachments", withAttachments ? "true" : nil),
            ]
            // Refused before anything is fetched, as locally: an existing file stays unless --force.
            let file = try OutputFile(path: out, force: force)
            let answer = try remote.perform(APICall(path: "/api/v1/export", query: queryItems(items)))
            try file.write(answer.body)
            try file.commit()
            count = answer.caseCount ?? 0
        } else {
            count = try global.openDesk(readOnly: true).exportCases(
                filter, to: out, redact: redact, withAttachments: withAttachments, force: force)
        }
        let zh = global.language == .zh
        printError(
            zh
                ? "已导出 \(count) 件案卷到 \(out)\(redact ? "（已隐去个人信息）" : "")"
                : "exported \(count) cases to \(out)\(redact ? " (personal data masked)" : "")")
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "导入案卷（整个文件为一个事务）/ import case files (the whole file or nothing)")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案卷文件 / case file") var file: String
    @Flag(help: "编号相同而内容不同时以文件为准（原案件保留为已替代；须说明理由）/ take the file's version of conflicting cases")
    var replace = false
    @Flag(help: "恢复本机关自己导出的案件（管理员；须说明理由）/ take back this office's own exported cases (admin)")
    var restore = false
    @Option(help: "替换或恢复的理由，记入每件案件的办理记录 / reason for --replace or --restore") var reason: String?
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let zh = global.language == .zh
        if let remote = try global.remote() {
            guard access(file, R_OK) == 0 else {
                throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(file)", en: "cannot read \(file)")
            }
            var query: [(String, String)] = []
            if replace { query.append(("replace", "true")) }
            if restore { query.append(("restore", "true")) }
            if let reason { query.append(("reason", reason)) }
            let call = APICall(
                method: "POST", path: "/api/v1/import", query: query, bodyFile: (path: file, type: "application/xml"),
                text: !json)
            return try remote.show(call)
        }
        let showProgress = isatty(2) == 1
        var read = 0
        let report = try global.openDesk().importCases(path: file, replace: replace, restore: restore, reason: reason) {
            count in
            read = count
            if showProgress, count % 1000 == 0 {
                writeStandardError(zh ? "\r已读取 \(count) 件…" : "\r\(count) cases read…")
            }
        }
        if showProgress, read >= 1000 { writeStandardError("\n") }
        emit(json, CaseViews.importReport(report), ImportText.report(report, global.language))
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "校验文件：案卷、放假安排（XML 或文本格式）、年度报告 XML，列出全部错误 / validate a case file, "
            + "calendar (XML or text) or annual report")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "文件 / file") var file: String

    func run() throws {
        let head = FileHandle(forReadingAtPath: file).map { h in
            defer { try? h.close() }
            return String(decoding: h.readData(ofLength: 65_536), as: UTF8.self)
        }
        guard let head else {
            throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(file)", en: "cannot read \(file)")
        }
        let name = (file as NSString).lastPathComponent
        let zh = global.language == .zh
        // Not XML: the calendar's text format (Storage/calendar/README.md), read as `calendar import` reads it.
        if !head.drop(while: { $0.isWhitespace || $0 == "\u{FEFF}" }).hasPrefix("<") {
            let text = try SmallTextFile.read(file, field: "FILE", code: .calendarFormat).text
            let schedule = try HolidaySchedule.parse(text, origin: name)
            print(
                zh
                    ? "\(name)：有效（\(schedule.year)年放假安排，文本格式，\(schedule.holidays.count)天假日）"
                    : "\(name): valid (the \(schedule.year) holiday schedule, text format, "
                        + "\(schedule.holidays.count) holidays)")
            return
        }
        let problems =
            head.contains("<holidaySchedule")
            ? try CalendarFileReader.validate(path: file)
            : head.contains("<annualReport")
                ? try AnnualReportXML.validate(path: file) : try CaseFileReader.validate(path: file)
        if problems.isEmpty {
            print(zh ? "\(name)：有效" : "\(name): valid")
            return
        }
        for p in problems { printError("\(name):\(p.line):\(p.column): \(p.text(global.language))") }
        printError(zh ? "\(name)：无效（\(problems.count) 处错误）" : "\(name): invalid (\(problems.count) problems)")
        throw ExitCode(1)
    }
}

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "把文件作为附件存入案件（记录大小和 SHA-256）/ file a document with a case")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Argument(help: "文件 / file") var file: String
    @Option(help: "application|correction|reply|delivery-proof|other") var kind: String = "other"
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        let k = try AttachmentKind.parse(kind, field: "--kind")
        let attributes = try? FileManager.default.attributesOfItem(atPath: file)
        guard let size = attributes?[.size] as? Int, attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(file)", en: "cannot read \(file)")
        }
        // Refused before reading: a huge file must not be read into memory only to be turned away.
        try Desk.checkAttachmentSize(size)
        if let remote = try global.remote() {
            let call = APICall(
                method: "POST", path: "/api/v1/cases/\(segment(n.description))/attachments",
                query: [("name", (file as NSString).lastPathComponent), ("kind", k.rawValue)],
                bodyFile: (path: file, type: "application/octet-stream"), text: !json)
            return try remote.show(call)
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DisclosureError(.io, field: "FILE", zh: "无法读取文件 \(file)", en: "cannot read \(file)")
        }
        let info = try global.openDesk().attach(
            [UInt8](data), name: (file as NSString).lastPathComponent, kind: k, to: n)
        emit(json, CaseViews.attachment(info), AttachmentText.stored(n, info, global.language))
    }
}

struct Attachments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "列出案件的附件 / list a case's documents")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Flag(help: "以 JSON 输出 / JSON output") var json = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        if let remote = try global.remote() {
            return try remote.show(APICall(path: "/api/v1/cases/\(segment(n.description))/attachments", text: !json))
        }
        let list = try global.openDesk(readOnly: true).attachments(of: n)
        emit(json, .array(list.map(CaseViews.attachment)), AttachmentText.list(n, list, global.language))
    }
}

struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "取出一个附件（先核对 SHA-256）/ write one document out, checked against its SHA-256")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "案件编号 / case number") var number: String
    @Option(help: "附件序号 / attachment number") var seq: Int
    @Option(help: "输出文件 / output file") var out: String
    @Flag(help: "覆盖已有的输出文件 / replace an existing output file") var force = false

    func run() throws {
        let n = try CaseNumber.parse(number)
        let name: String
        let size: Int
        if let remote = try global.remote() {
            // Checked here too: the digest the server listed, against the bytes that arrived.
            let folder = "/api/v1/cases/\(segment(n.description))/attachments"
            let listed = JSON.parse(try remote.perform(APICall(path: folder)).body)
            guard case .array(let items)? = listed,
                let info = items.first(where: { if case .int(seq)? = $0["seq"] { true } else { false } })
            else {
                throw DisclosureError(
                    .unknownCase, field: "--seq", zh: "\(n) 没有第\(seq)号附件", en: "\(n) has no attachment \(seq)")
            }
            let content = try remote.perform(APICall(path: "\(folder)/\(seq)")).body
            guard SHA256.hex(content) == info["sha256"]?.text else {
                throw DisclosureError(
                    .io, field: "--seq", zh: "收到的附件与其 SHA-256 不符，未写出",
                    en: "the document received does not match its SHA-256; nothing written")
            }
            try writeOutputFile(content, to: out, force: force, protecting: [])
            (name, size) = (info["name"]?.text ?? "", content.count)
        } else {
            let desk = try global.openDesk(readOnly: true)
            let a = try desk.attachment(seq, of: n)
            try writeOutput(a.content, to: out, force: force, desk: desk)
            (name, size) = (a.name, a.size)
        }
        printError(
            global.language == .zh
                ? "已取出 \(name)（\(size) 字节，SHA-256 核对无误）到 \(out)"
                : "wrote \(name) (\(size) bytes, SHA-256 checked) to \(out)")
    }
}
