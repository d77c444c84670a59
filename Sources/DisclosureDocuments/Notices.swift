import DisclosureCore
import Foundation

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
        func esc(_ s: String) -> String { htmlEscaped(s, lineBreaks: true) }
        var body = ""
        // The document number stands under the title; the salutation is the first paragraph of the letter.
        let salutation = paragraphs.firstIndex { !$0.right }
        for (i, p) in paragraphs.enumerated() {
            let cls =
                p.right
                ? (i == 0 ? "docnumber" : "right") : (i == salutation && p.text.hasSuffix("：") ? "salutation" : "")
            body += cls.isEmpty ? "<p>\(esc(p.text))</p>\n" : "<p class=\"\(cls)\">\(esc(p.text))</p>\n"
        }
        return officialPage(
            title: title,
            css: """
                p.salutation { text-indent: 0; }
                p.docnumber { text-indent: 0; text-align: center; margin: -14pt 0 28pt; }
                p.right { text-indent: 0; text-align: right; padding-right: 4em; }
                p.right + p.right { margin-top: 0; }
                p:not(.right) + p.right { margin-top: 28pt; }
                """,
            body: "<h1>\(esc(title))</h1>\n" + body)
    }
}

/// A page of an official document to print from a browser, with no resource from elsewhere: A4 with the
/// margins of GB/T 9704, 仿宋 三号 on 28-point lines, a 小标宋 title; `css` adds the page's own rules.
func officialPage(title: String, css: String, body: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="zh-CN">
    <head>
    <meta charset="utf-8">
    <title>\(htmlEscaped(title))</title>
    <style>
    @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
    html, body { margin: 0; padding: 0; }
    body { font-family: "FangSong_GB2312", "FangSong", "STFangsong", "仿宋", "Noto Serif CJK SC", serif;
           font-size: 16pt; line-height: 28pt; color: #000; background: #fff; }
    h1 { font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "Noto Serif CJK SC", serif;
         font-size: 22pt; line-height: 36pt; font-weight: normal; text-align: center; margin: 0 0 28pt; }
    p { margin: 0; text-indent: 2em; text-align: justify; }
    \(css)
    @media screen { body { width: 156mm; margin: 20mm auto; } }
    </style>
    </head>
    <body>
    \(body)</body>
    </html>

    """
}

/// Facts the case does not hold that some notices need, supplied by the office.
public struct NoticeSettings: Sendable {
    /// The 行政复议 organ named in replies.
    public var reconsiderationBody: String?
    /// How to pay a fee (account, place).
    public var howToPay: String?
    /// Which consultation a consultation letter is for (default: the latest).
    public var consultation: Int?
    public init(reconsiderationBody: String? = nil, howToPay: String? = nil, consultation: Int? = nil) {
        self.reconsiderationBody = reconsiderationBody
        self.howToPay = howToPay
        self.consultation = consultation
    }
}

/// The case a letter is made from: its state, its steps (which date and number the letters) and
/// its registration (the acknowledgement's).
public struct NoticeCase: Sendable {
    public let number: CaseNumber
    public let state: CaseState
    public let events: [CaseEvent]
    /// The day the application was registered: the acknowledgement's date.
    public let registered: CivilDate
    /// The acknowledgement's document number, for cases registered since letters are numbered.
    public let receiptLetter: String?
    public init(number: CaseNumber, state: CaseState, events: [CaseEvent], registered: CivilDate,
                receiptLetter: String?) {
        self.number = number
        self.state = state
        self.events = events
        self.registered = registered
        self.receiptLetter = receiptLetter
    }
}

/// Fills the templates from a case's facts.
public enum NoticeRenderer {
    /// Renders `kind` for the case, dated and numbered by the step that sent it; every `{{field}}` must
    /// be known, or the error names it.
    public static func render(_ kind: NoticeKind, agency: String, case c: NoticeCase, settings: NoticeSettings,
                              templates: NoticeTemplates) throws(DisclosureError) -> Notice {
        let s = c.state
        let a = s.application
        let regulation = s.regulation
        func cn(_ d: CivilDate) -> String { d.chinese }
        var fields: [String: String] = [
            "agency": agency, "number": c.number.description, "applicant": a.applicant.name,
            "received": cn(a.received), "request": Sentence.open(a.request), "channel": a.channel.label.zh,
            "receipt_rule": a.channel.receiptRule.zh, "law": Citation.law(regulation),
            "reply_days": String(regulation.replyDays),
        ]
        if let due = s.clock.due { fields["due"] = cn(due) }
        if let b = settings.reconsiderationBody { fields["reconsideration_body"] = Sentence.open(b) }
        if let h = settings.howToPay { fields["how_to_pay"] = Sentence.closed(h) }
        func missing(_ what: String, zh: String, en: String) -> DisclosureError {
            DisclosureError(.missingField, field: what, zh: zh, en: en)
        }
        /// The letter's date and number: those of the step that sent it.
        func sentBy(_ e: CaseEvent) {
            fields["date"] = cn(e.on)
            fields["doc_number"] = e.letter ?? ""
        }
        func cite(_ articles: [String], besides typed: String = "") {
            let text = Citation.text(articles, regulation: regulation, besides: typed)
            fields["cite"] = text.isEmpty ? Citation.law(regulation) : text
            fields["citation"] = text.isEmpty ? "" : "（\(text)）"
        }
        // The extensions of the current reply round: an earlier round's were told in that round.
        let round = c.events.lastIndex { if case .reopened = $0.action { true } else { false } }
            .map { Array(c.events[($0 + 1)...]) } ?? c.events
        func last(_ match: (Action) -> Bool) -> CaseEvent? { c.events.last { match($0.action) } }

        switch kind {
        case .receipt:
            fields["date"] = cn(c.registered)
            fields["doc_number"] = c.receiptLetter ?? ""
            cite(Citation.letter(.receipt, regulation: regulation))
            fields["excluded_time"] =
                regulation == .of2008
                ? "征求第三方意见所需时间不计算在答复期限内。"
                : "征求第三方或者其他机关意见、需要补正或者缴纳信息处理费的时间，依法另行计算。"
            fields["received_note"] = regulation == .of2008 ? "" : "（以\(a.channel.receiptRule.zh)为收到申请之日）"
        case .correction:
            guard let corr = s.correction, let e = last({ if case .correctionRequested = $0 { true } else { false } })
            else {
                throw missing("correction", zh: "本案没有补正告知，无法生成补正告知书", en: "the case has no correction; there is nothing to notify")
            }
            sentBy(e)
            cite(Citation.letter(.correction, regulation: regulation))
            fields["items"] = corr.items
            fields["period"] = String(corr.periodDays)
            fields["period_ends"] = cn(corr.periodEnds)
            fields["lapse"] =
                regulation == .of2008 ? "" : "您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"
        case .consultation:
            let chosen = settings.consultation.flatMap { id in s.consultations.first { $0.id == id } } ?? s.consultations.last
            guard let con = chosen,
                let e = c.events.last(where: {
                    if case .consultationSent(let id, _, _, _) = $0.action { id == con.id } else { false }
                })
            else {
                throw missing("consultation", zh: "本案没有征求意见，无法生成征求意见书", en: "the case has no consultation")
            }
            sentBy(e)
            cite(Citation.letter(.consultation, regulation: regulation, party: con.party))
            fields["to"] = con.to
            fields["limit"] = cn(con.limit)
            if regulation == .of2008 {
                fields["consultation_reason"] = "涉及商业秘密、个人隐私，公开后可能损害第三方合法权益"
                fields["answer_by"] = "请于\(cn(con.limit))前书面提出意见。"
                fields["silence"] = "第三方不同意公开的，本机关不予公开；但本机关认为不公开可能对公共利益造成重大影响的，将予以公开，并书面通知你方。"
            } else if con.party == .thirdParty {
                fields["consultation_reason"] = "公开可能损害第三方合法权益"
                fields["answer_by"] = "请于收到本征求意见书之日起15个工作日内（\(cn(con.limit))前）书面提出意见。"
                fields["silence"] = "逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
            } else {
                fields["consultation_reason"] = "由本机关与你单位共同制作"
                fields["answer_by"] = "请于收到本征求意见书之日起15个工作日内（\(cn(con.limit))前）书面提出意见。"
                fields["silence"] = "逾期未提出意见的，视为同意公开。"
            }
            fields["article"] = Citation.letter(.consultation, regulation: regulation, party: con.party).first ?? ""
        case .extension:
            let granted: [(CaseEvent, Int, String)] = round.compactMap { e in
                if case .extended(let days, _, let reason) = e.action { (e, days, reason) } else { nil }
            }
            guard let latest = granted.last, s.clock.extensionDays > 0 else {
                throw missing("extension", zh: "本轮答复没有延期，无法生成延期答复告知书", en: "the current reply round has no extension")
            }
            sentBy(latest.0)
            cite(Citation.letter(.extension, regulation: regulation))
            fields["days"] = String(s.clock.extensionDays)
            fields["reason"] = Sentence.open(latest.2)
            // Every extension of the round with its reason: the applicant learns the whole of the delay.
            fields["extensions"] = granted.enumerated().map { i, g in
                let who = "经本机关政府信息公开工作机构负责人同意"
                return i == 0
                    ? "因\(Sentence.open(g.2))，\(who)，答复期限延长\(g.1)个工作日"
                    : "\(cn(g.0.on))，因\(Sentence.open(g.2))，\(who)，答复期限再延长\(g.1)个工作日"
            }.joined(separator: "；") + "。"
        case .deferral:
            guard let until = s.clock.deferredTo,
                let e = last({ if case .deferred = $0 { true } else { false } }) else {
                throw missing("deferral", zh: "本案没有确定延迟答复期限", en: "the case has no deferral")
            }
            sentBy(e)
            cite(Citation.letter(.deferral, regulation: regulation))
            fields["due"] = cn(until)
            fields["reason"] = Sentence.closed(s.lastDeferralReason)
        case .fee:
            guard let f = s.fees.last,
                let e = c.events.last(where: { if case .feeNoticed = $0.action { true } else { false } })
            else {
                throw missing("fee", zh: "本案没有收费通知", en: "the case has no fee notice")
            }
            sentBy(e)
            cite(Citation.letter(.fee, regulation: regulation))
            fields["scale"] = f.basis.label.zh
            fields["amount"] = String(f.amount)
            fields["pay_by"] = cn(f.payBy)
            let unit = f.basis == .items ? "件" : "页"
            let quote = f.basis == .pages ? FeeSchedule.perPage(pages: f.quantity) : nil
            fields["calculation"] = quote.map { q in
                q.bands.map {
                    "第\($0.from)至\($0.through)\(unit)，\($0.count)\(unit)×\($0.unitPrice)元＝\($0.subtotal)元。"
                }.joined(separator: "\n")
            } ?? "共\(f.quantity)\(unit)，按申请人当月申请件数累进计算，合计\(f.amount)元。"
        case .reply:
            if let o = s.outcome, o.group == 6, s.reply?.issued == nil {
                throw missing("reply", zh: "本案以“\(o.label.zh)”终止，没有答复书；请生成终止办理告知书（closing）",
                              en: "the case was closed as “\(o.label.en)”, without a reply; "
                                  + "render the closing letter instead")
            }
            guard let r = s.reply, let outcome = s.outcome ?? (r.approved ? r.outcome : nil) else {
                throw missing("reply", zh: "本案答复尚未审核通过或签发，无法生成答复书", en: "the reply has not been approved or issued")
            }
            if let e = last({ if case .replyIssued = $0 { true } else { false } }), r.issued != nil {
                sentBy(e)
            } else {
                // An approved draft shown before 签发: its number and date are given when it is issued.
                fields["date"] = "（签发之日）"
                fields["doc_number"] = "（签发时编号）"
            }
            let typed = r.basis ?? ""
            let consulted = s.consultations.filter { $0.party == .thirdParty }
            cite(Citation.reply(outcome, regulation: regulation, referred: r.referTo != nil,
                                thirdPartyConsulted: !consulted.isEmpty), besides: typed)
            if outcome == .confirmation, let text = fields["citation"], !text.isEmpty {
                // 5.5 has no article of its own: 39 para 2 by analogy, unless the office names its basis.
                fields["citation"] = Citation.namesAnArticle(typed) ? "" : "（参照" + text.dropFirst()
            }
            if let b = r.basis { fields["basis"] = Sentence.closed(b) }
            if outcome.group == 3 { fields["refusal"] = String(outcome.label.zh.split(separator: "：").last ?? "") }
            fields["third_party"] = consulted.isEmpty
                ? "本机关未征求第三方意见。"
                : "本机关已书面征求第三方意见" + (consulted.last?.opinion.map { "，第三方\($0.label.zh)。" } ?? "。")
            var section = outcome.rawValue
            if let refer = r.referTo {
                fields["refer_agency"] = refer
                section += "-refer"
            }
            if outcome == .publication, r.basis == nil { section += "-no-basis" }
            // A section for the exact code, else one for its group (## 3 serves every 3.x).
            let variant = try templates.section(section, of: "reply-outcomes.txt")
            let codeWording = try templates.section(outcome.rawValue, of: "reply-outcomes.txt")
            let exact = variant ?? codeWording
            let group = try templates.section(String(outcome.group), of: "reply-outcomes.txt")
            guard let wording = exact ?? group else {
                throw missing("outcome", zh: "reply-outcomes.txt 中没有结果 \(outcome.rawValue) 的答复措辞",
                              en: "reply-outcomes.txt has no wording for outcome \(outcome.rawValue)")
            }
            // Optional explanations may be absent for these; where the law requires a reason (1, 2, 3.x) it must be there.
            if fields["basis"] == nil, ![1, 2, 3].contains(outcome.group), outcome != .otherHandling { fields["basis"] = "" }
            fields["outcome_text"] = try fill(wording, fields)
            try remedies(outcome.remedyRoute(issued: r.issued ?? s.lastEventDate))
        case .closing:
            guard let o = s.outcome, [.abandonedCorrection, .abandonedFee, .otherHandling].contains(o),
                let e = last({
                    switch $0 {
                    case .withdrawn, .abandoned: true
                    default: false
                    }
                })
            else {
                throw missing("closing", zh: "本案没有因逾期不补正、逾期未缴费或申请人撤回而终止，没有终止办理告知书",
                              en: "the case was not closed by a lapsed correction, an unpaid fee or a withdrawal")
            }
            sentBy(e)
            switch o {
            case .abandonedCorrection:
                cite(Citation.reply(o, regulation: regulation))
                if let corr = s.correction {
                    fields["correction_sent"] = cn(corr.requested)
                    fields["period_ends"] = cn(corr.periodEnds)
                }
            case .abandonedFee:
                fields["cite"] = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
                if let f = s.fees.last {
                    fields["fee_sent"] = cn(f.noticed)
                    fields["pay_by"] = cn(f.payBy)
                    fields["amount"] = String(f.amount)
                }
            default:
                fields["withdrawn_on"] = cn(e.on)
            }
            guard let wording = try templates.section("closing-\(o.rawValue)", of: "reply-outcomes.txt") else {
                throw missing("outcome", zh: "reply-outcomes.txt 中没有“closing-\(o.rawValue)”的措辞",
                              en: "reply-outcomes.txt has no wording “closing-\(o.rawValue)”")
            }
            fields["closing_text"] = try fill(wording, fields)
            // A closing letter is no 答复: its remedies speak of itself (an office's older file may lack them).
            let closing = try templates.section("remedies-closing", of: "reply-outcomes.txt")
            if let closing { fields["remedies"] = try fill(closing, fields) } else { try remedies(.either) }
        }

        /// The remedies paragraph: 行政复议 first where the law makes it so on the day of issue.
        func remedies(_ route: RemedyRoute) throws(DisclosureError) {
            let name: String
            switch route {
            case .either: name = "remedies"
            case .reconsiderationFirst: name = "remedies-reconsideration-first"
            case .reconsiderationFirstForWithheld: name = "remedies-reconsideration-first-for-withheld"
            }
            fields["remedies"] = try fill(try templates.section(name, of: "reply-outcomes.txt") ?? "", fields)
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
    static let fragments: Set<String> = ["outcome_text", "remedies", "closing_text", "calculation", "extensions"]

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

/// `s` as HTML text: the markup characters escaped and, with `lineBreaks`, each line break a `<br>`.
func htmlEscaped(_ s: String, lineBreaks: Bool = false) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "\n" where lineBreaks: out += "<br>"
        default: out.append(c)
        }
    }
    return out
}
