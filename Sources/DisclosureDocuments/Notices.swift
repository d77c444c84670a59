import DisclosureCore
import Foundation

/// The letters an office sends (告知书), one template each in forms/notices.
public enum NoticeKind: String, Vocabulary {
    case receipt, correction, consultation, `extension`, deferral, fee, reply
    public var label: Text {
        switch self {
        case .receipt: Text(zh: "登记回执", en: "acknowledgement of receipt")
        case .correction: Text(zh: "补正告知书", en: "correction notice")
        case .consultation: Text(zh: "征求意见书", en: "consultation letter")
        case .extension: Text(zh: "延期答复告知书", en: "extension notice")
        case .deferral: Text(zh: "延迟答复告知书", en: "deferral notice")
        case .fee: Text(zh: "收费通知书", en: "fee notice")
        case .reply: Text(zh: "答复书", en: "reply")
        }
    }
}

/// The notice templates: the shipped ones, or a folder of the office's own.
public struct NoticeTemplates: Sendable {
    public let files: [String: String]
    public init(files: [String: String]) { self.files = files }

    /// The templates built into the program from forms/notices.
    public static var shipped: NoticeTemplates { NoticeTemplates(files: EmbeddedTemplates.files) }

    /// The office's own templates from `dir` where it has them (`*.txt`), the shipped ones for the rest;
    /// `field` names the option or setting that gave the folder.
    public static func load(directory dir: String, field: String) throws(DisclosureError) -> NoticeTemplates {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw DisclosureError(
                .io, field: field, zh: "无法读取模板目录 \(dir)", en: "cannot read the template folder \(dir)")
        }
        var files = shipped.files
        for name in names where name.hasSuffix(".txt") {
            guard let text = FileManager.default.contents(atPath: (dir as NSString).appendingPathComponent(name))
                .flatMap({ String(data: $0, encoding: .utf8) })
            else {
                throw DisclosureError(
                    .io, field: field, zh: "模板 \(name) 不是 UTF-8 文本", en: "the template \(name) is not UTF-8 text")
            }
            files[name] = text
        }
        return NoticeTemplates(files: files)
    }

    func file(_ name: String) throws(DisclosureError) -> String {
        guard let f = files[name] else {
            throw DisclosureError(.io, field: "templates", zh: "缺少模板文件 \(name)", en: "the template \(name) is missing")
        }
        return f
    }

    /// A `## name` section of a file.
    func section(_ name: String, of fileName: String) throws(DisclosureError) -> String? {
        var current: String?
        var lines: [String] = []
        var found: [String: String] = [:]
        for line in try file(fileName).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                if let c = current { found[c] = lines.joined(separator: "\n") }
                current = String(line.dropFirst(3)).trimmingCharacters(in: " ")
                lines = []
            } else if current != nil {
                lines.append(String(line))
            }
        }
        if let c = current { found[c] = lines.joined(separator: "\n") }
        return found[name].map { $0.trimmingCharacters(in: "\n ") }
    }
}

/// A rendered notice: a title and paragraphs, some set to the right (signature and date).
public struct Notice: Sendable, Hashable {
    public let title: String
    public let paragraphs: [(text: String, right: Bool)]

    public static func == (a: Notice, b: Notice) -> Bool {
        a.title == b.title && a.paragraphs.map(\.text) == b.paragraphs.map(\.text) && a.paragraphs.map(\.right) == b.paragraphs.map(\.right)
    }
    public func hash(into h: inout Hasher) {
        h.combine(title)
        for p in paragraphs { h.combine(p.text); h.combine(p.right) }
    }

    /// Plain text, paragraphs separated by blank lines.
    public func text() -> String {
        var out = title
        var previousRight = false
        for p in paragraphs {
            // Signature lines follow each other; other paragraphs are set apart by a blank line.
            out += p.right && previousRight ? "\n" : "\n\n"
            out += p.right ? String(repeating: "　", count: 16) + p.text : p.text
            previousRight = p.right
        }
        return out + "\n"
    }

    /// A print-ready HTML page: A4 with the margins and type of Chinese official documents, no external resources.
    public func html() -> String {
        func esc(_ s: String) -> String {
            var o = ""
            for c in s {
                switch c {
                case "&": o += "&amp;"
                case "<": o += "&lt;"
                case ">": o += "&gt;"
                case "\"": o += "&quot;"
                case "\n": o += "<br>"
                default: o.append(c)
                }
            }
            return o
        }
        var body = ""
        for (i, p) in paragraphs.enumerated() {
            let cls = p.right ? "right" : (i == 0 && p.text.hasSuffix("：") ? "salutation" : "")
            body += cls.isEmpty ? "<p>\(esc(p.text))</p>\n" : "<p class=\"\(cls)\">\(esc(p.text))</p>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <title>\(esc(title))</title>
            <style>
            @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
            html, body { margin: 0; padding: 0; }
            body { font-family: "FangSong_GB2312", "FangSong", "STFangsong", "仿宋", "Noto Serif CJK SC", serif;
                   font-size: 16pt; line-height: 28pt; color: #000; background: #fff; }
            h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "Noto Serif CJK SC", serif;
                 font-size: 22pt; line-height: 36pt; font-weight: normal; text-align: center; margin: 0 0 28pt; }
            p { margin: 0; text-indent: 2em; text-align: justify; }
            p.salutation { text-indent: 0; }
            p.right { text-indent: 0; text-align: right; padding-right: 4em; }
            p.right + p.right { margin-top: 0; }
            p:not(.right) + p.right { margin-top: 28pt; }
            @media screen { body { width: 156mm; margin: 20mm auto; } }
            </style>
            </head>
            <body>
            <h1>\(esc(title))</h1>
            \(body)</body>
            </html>

            """
    }
}

/// Facts the case does not hold that some notices need, supplied by the office.
public struct NoticeSettings: Sendable {
    /// The notice's date (default: today).
    public var date: CivilDate
    /// The 行政复议 organ named in replies.
    public var reconsiderationBody: String?
    /// How to pay a fee (account, place).
    public var howToPay: String?
    /// Which consultation a consultation letter is for (default: the latest).
    public var consultation: Int?
    public init(date: CivilDate, reconsiderationBody: String? = nil, howToPay: String? = nil, consultation: Int? = nil) {
        self.date = date
        self.reconsiderationBody = reconsiderationBody
        self.howToPay = howToPay
        self.consultation = consultation
    }
}

/// Fills the templates from a case's facts.
public enum NoticeRenderer {
    /// Renders `kind` for the case; every `{{field}}` must be known, or the error names it.
    public static func render(_ kind: NoticeKind, agency: String, number: CaseNumber, state s: CaseState,
                              settings: NoticeSettings, calendar: WorkCalendar,
                              templates: NoticeTemplates) throws(DisclosureError) -> Notice {
        let a = s.application
        func cn(_ d: CivilDate) -> String { "\(d.year)年\(d.month)月\(d.day)日" }
        var fields: [String: String] = [
            "agency": agency, "number": number.description, "applicant": a.applicant.name, "received": cn(a.received),
            "request": a.request, "date": cn(settings.date), "channel": a.channel.label.zh, "receipt_rule": a.channel.receiptRule.zh,
        ]
        if let due = s.clock.due { fields["due"] = cn(due) }
        if let b = settings.reconsiderationBody { fields["reconsideration_body"] = b }
        if let h = settings.howToPay { fields["how_to_pay"] = h }
        func missing(_ what: String, zh: String, en: String) -> DisclosureError {
            DisclosureError(.missingField, field: what, zh: zh, en: en)
        }

        switch kind {
        case .receipt:
            break
        case .correction:
            guard let c = s.correction else {
                throw missing("correction", zh: "本案没有补正告知，无法生成补正告知书", en: "the case has no correction; there is nothing to notify")
            }
            fields["items"] = c.items
            fields["period"] = String(c.periodDays)
            fields["period_ends"] = cn(c.periodEnds)
        case .consultation:
            let chosen = settings.consultation.flatMap { id in s.consultations.first { $0.id == id } } ?? s.consultations.last
            guard let c = chosen else {
                throw missing("consultation", zh: "本案没有征求意见，无法生成征求意见书", en: "the case has no consultation")
            }
            fields["to"] = c.to
            fields["limit"] = cn(c.limit)
            if c.party == .thirdParty {
                fields["consultation_reason"] = "公开可能损害第三方合法权益"
                fields["article"] = "第三十二条"
                fields["silence"] = "逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
            } else {
                fields["consultation_reason"] = "由本机关与你单位共同制作"
                fields["article"] = "第三十四条"
                fields["silence"] = "逾期未提出意见的，视为同意公开。"
            }
        case .extension:
            guard s.clock.extensionDays > 0 else {
                throw missing("extension", zh: "本轮答复没有延期，无法生成延期答复告知书", en: "the current reply round has no extension")
            }
            fields["days"] = String(s.clock.extensionDays)
            fields["reason"] = s.lastExtensionReason
        case .deferral:
            guard let until = s.clock.deferredTo else {
                throw missing("deferral", zh: "本案没有确定延迟答复期限", en: "the case has no deferral")
            }
            fields["due"] = cn(until)
            fields["reason"] = s.lastDeferralReason
        case .fee:
            guard let f = s.fees.last else {
                throw missing("fee", zh: "本案没有收费通知", en: "the case has no fee notice")
            }
            fields["scale"] = f.basis.label.zh
            fields["amount"] = String(f.amount)
            fields["pay_by"] = cn(f.payBy)
            let unit = f.basis == .items ? "件" : "页"
            let quote = f.basis == .pages ? FeeSchedule.perPage(pages: f.quantity) : nil
            fields["calculation"] = quote.map { q in
                q.bands.map { "第\($0.from)至\($0.through)\(unit)，\($0.count)\(unit)×\($0.unitPrice)元＝\($0.subtotal)元" }.joined(separator: "\n")
            } ?? "共\(f.quantity)\(unit)，按申请人当月申请件数累进计算，合计\(f.amount)元。"
        case .reply:
            guard let r = s.reply, let outcome = s.outcome ?? (r.approved ? r.outcome : nil) else {
                throw missing("reply", zh: "本案答复尚未审核通过或签发，无法生成答复书", en: "the reply has not been approved or issued")
            }
            fields["basis"] = r.basis
            if outcome.group == 3 { fields["refusal"] = String(outcome.label.zh.split(separator: "：").last ?? "") }
            if let refer = r.referTo {
                fields["refer_agency"] = refer
                fields["refer_to"] = try fill(try templates.section("refer_to", of: "reply-outcomes.txt") ?? "", fields)
            } else {
                fields["refer_to"] = ""
            }
            // A section for the exact code, else one for its group (## 3 serves every 3.x).
            let exact = try templates.section(outcome.rawValue, of: "reply-outcomes.txt")
            let group = try templates.section(String(outcome.group), of: "reply-outcomes.txt")
            guard let wording = exact ?? group else {
                throw missing("outcome", zh: "reply-outcomes.txt 中没有结果 \(outcome.rawValue) 的答复措辞",
                              en: "reply-outcomes.txt has no wording for outcome \(outcome.rawValue)")
            }
            // Optional explanations may be absent for these; where the law requires a reason (1, 2, 3.x) it must be there.
            if fields["basis"] == nil, ![1, 2, 3].contains(outcome.group), outcome != .otherHandling { fields["basis"] = "" }
            fields["outcome_text"] = try fill(wording, fields)
            // 行政复议 comes first against a refusal (行政复议法 2023 art. 23).
            let remedies = outcome.requiresReconsiderationFirst ? "remedies-reconsideration-first" : "remedies"
            fields["remedies"] = try fill(try templates.section(remedies, of: "reply-outcomes.txt") ?? "", fields)
        }
        // The template is split into its title, paragraphs and signature lines before any value is put
        // in, and a value's own line breaks stay inside its paragraph: nothing an applicant or officer
        // typed can open a paragraph or a right-aligned signature of its own.
        let blocks = try templates.file("\(kind.rawValue).txt").split(separator: "\n\n")
            .map { $0.trimmingCharacters(in: "\n ") }.filter { !$0.isEmpty }
        guard let titleBlock = blocks.first else {
            throw DisclosureError(.io, field: "templates", zh: "模板 \(kind.rawValue).txt 是空的", en: "the template \(kind.rawValue).txt is empty")
        }
        let title = inlineValue(try fill(titleBlock, fields)).replacingLineBreaks(with: " ")
        var paragraphs: [(String, Bool)] = []
        for b in blocks.dropFirst() {
            let lines = b.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let right = lines.allSatisfy { $0.hasPrefix(">") }
            for l in lines {
                let line = right ? l.dropFirst().trimmingCharacters(in: " ") : l
                // A line may carry the program's own list (fee bands, one per line): each is a paragraph.
                for piece in try fill(line, fields).split(separator: "\n", omittingEmptySubsequences: false)
                where !piece.trimmingCharacters(in: " ").isEmpty {
                    paragraphs.append((String(piece).replacingLineBreaks(with: "\n"), right))
                }
            }
        }
        return Notice(title: title, paragraphs: paragraphs)
    }

    /// A line break inside a value, kept apart from the template's own until the paragraphs are made.
    static let valueBreak: Character = "\u{E000}"

    /// A value as it may stand inside a paragraph: every run of line breaks (of any kind, blank lines
    /// included) becomes one kept break, and no line of it starts with spaces that would indent it.
    static func inlineValue(_ value: String) -> String {
        var out = ""
        var atLineStart = true
        var pendingBreak = false
        for c in value {
            if c.isNewline || c == "\u{2028}" || c == "\u{2029}" {
                pendingBreak = !out.isEmpty
                atLineStart = true
                continue
            }
            if atLineStart && (c.isWhitespace || c == "\u{3000}") { continue }
            if pendingBreak { out.append(valueBreak); pendingBreak = false }
            out.append(c)
            atLineStart = false
        }
        return out
    }

    /// Fields the program composes from the templates and its own wording (already filled, or lists
    /// laid out one item per line); every other field is a value and stays within its paragraph.
    static let fragments: Set<String> = ["outcome_text", "remedies", "refer_to", "calculation"]

    /// Replaces every `{{field}}`; an unknown or absent field is an error naming it.
    static func fill(_ template: String, _ fields: [String: String]) throws(DisclosureError) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw DisclosureError(.invalidValue, field: "templates", zh: "模板中“{{”没有配对的“}}”", en: "a template has “{{” without “}}”")
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: " ")
            guard let value = fields[name] else {
                throw DisclosureError(.missingField, field: name,
                                      zh: "通知书需要“\(name)”，但本案没有这项信息\(hint(name).zh)",
                                      en: "the notice needs “\(name)”, which the case does not have\(hint(name).en)")
            }
            out += fragments.contains(name) ? value : inlineValue(value)
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    /// Where a missing field comes from.
    static func hint(_ name: String) -> Text {
        switch name {
        case "reconsideration_body": Text(zh: "：请用 --reconsideration-body 写明行政复议机关", en: ": name the reconsideration body with --reconsideration-body")
        case "how_to_pay": Text(zh: "：请用 --how-to-pay 写明缴费方式", en: ": say how to pay with --how-to-pay")
        case "basis": Text(zh: "：请在拟稿时用 --basis 写明理由、依据或获取途径", en: ": give it with --basis when drafting the reply")
        case "due": Text(zh: "：案件正在等待申请人，答复期限尚未确定", en: ": the case waits for the applicant, so no reply date is set")
        default: Text(zh: "", en: "")
        }
    }
}

extension String {
    /// The value breaks of `NoticeRenderer.inlineValue` as `separator`.
    func replacingLineBreaks(with separator: String) -> String {
        split(separator: NoticeRenderer.valueBreak, omittingEmptySubsequences: false).joined(separator: separator)
    }

    /// Trims the given characters from both ends (without Foundation).
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
