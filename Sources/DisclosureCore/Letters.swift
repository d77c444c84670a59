/// The letters an office sends (告知书), one template each in forms/notices.
public enum NoticeKind: String, Vocabulary {
    case receipt, correction, consultation, `extension`, deferral, fee, reply, closing
    public var label: Text {
        switch self {
        case .receipt: Text(zh: "登记回执", en: "acknowledgement of receipt")
        case .correction: Text(zh: "补正告知书", en: "correction notice")
        case .consultation: Text(zh: "征求意见书", en: "consultation letter")
        case .extension: Text(zh: "延期答复告知书", en: "extension notice")
        case .deferral: Text(zh: "延迟答复告知书", en: "deferral notice")
        case .fee: Text(zh: "收费通知书", en: "fee notice")
        case .reply: Text(zh: "答复书", en: "reply")
        case .closing: Text(zh: "终止办理告知书", en: "closing letter")
        }
    }

    /// The character a document number (文号) of this kind carries after the office's prefix.
    public var mark: String {
        switch self {
        case .receipt: "收"
        case .correction: "补"
        case .consultation: "征"
        case .extension: "延"
        case .deferral: "迟"
        case .fee: "费"
        case .reply: "答"
        case .closing: "终"
        }
    }

    /// The letter a step sends, if any: each letter is numbered and dated by the step that sends it
    /// (a reply at 签发, so that a draft returned by the reviewer uses no number).
    public static func issued(by action: Action) -> NoticeKind? { issued(byKind: action.kind) }

    /// The same, by the step's stored kind (`Action.kind`), for readers of stored rows.
    public static func issued(byKind kind: String) -> NoticeKind? {
        switch kind {
        case "correction-requested": .correction
        case "consultation-sent": .consultation
        case "extended": .extension
        case "deferred": .deferral
        case "fee-noticed": .fee
        case "reply-issued": .reply
        case "withdrawn", "abandoned": .closing
        default: nil
        }
    }
}

/// Document numbers (文号): per office, kind and year, e.g. `示范府信公答〔2026〕第12号`.
public enum LetterNumber {
    /// The prefix an office has until its admin sets its own (`office set --letter-prefix`).
    public static let defaultPrefix = "政府信息公开"

    /// The number as printed on the letter.
    public static func format(prefix: String, kind: NoticeKind, year: Int, serial: Int) -> String {
        "\(prefix)\(kind.mark)〔\(year)〕第\(serial)号"
    }

    /// The year and serial of a number this program formatted; nil for any other text.
    public static func parse(_ text: String) -> (year: Int, serial: Int)? {
        guard let open = text.lastIndex(of: "〔"), let close = text[open...].firstIndex(of: "〕"),
            let year = Int(text[text.index(after: open)..<close]),
            text[close...].dropFirst().hasPrefix("第"), text.hasSuffix("号"),
            let serial = Int(text[close...].dropFirst(2).dropLast())
        else { return nil }
        return (year, serial)
    }

    /// Checks an office's prefix: a short line of its own characters, without the brackets of the number.
    public static func validatePrefix(_ prefix: String, field: String) throws(DisclosureError) {
        try TextField.requireLine(prefix, field: field, max: 20)
        if prefix.contains(where: { "〔〕[]第号".contains($0) || $0.isWhitespace }) {
            throw DisclosureError(
                .invalidValue, field: field, zh: "不能含空格、括号或“第”“号”（程序自动加上“〔年份〕第N号”）",
                en: "may not contain spaces, brackets or 第/号 (the program adds 〔year〕第N号 itself)")
        }
    }
}

/// The articles each letter cites (STATUTE.md §10 for the 2019 Regulation, §9 for the 2008 one).
public enum Citation {
    /// The Regulation as a letter names it.
    public static func law(_ r: Regulation) -> String {
        r == .of2008
            ? "《中华人民共和国政府信息公开条例》（2007年国务院令第492号公布）"
            : "《中华人民共和国政府信息公开条例》"
    }

    /// The articles a reply of `outcome` cites; `referred` when a 4.1 reply names the responsible agency.
    public static func reply(
        _ outcome: Outcome, regulation: Regulation, referred: Bool = false,
        thirdPartyConsulted: Bool = false
    ) -> [String] {
        if regulation == .of2008 {
            switch outcome {
            case .disclosed: return ["第二十一条第一项"]
            case .partlyDisclosed: return ["第二十二条"]
            case .stateSecret, .thirdPartyRights:
                return ["第十四条第四款"] + (thirdPartyConsulted ? ["第二十三条"] : []) + ["第二十一条第二项"]
            case .threeSecurities: return ["第八条", "第二十一条第二项"]
            case .otherLawForbids: return ["第十四条第三款", "第二十一条第二项"]
            case .internalAffairs, .processInformation, .enforcementFile: return ["第二十一条第二项"]
            case .notHeld: return ["第二十一条第三项"]
            case .unclearAfterCorrection, .abandonedCorrection: return ["第二十一条第四项"]
            default: return []
            }
        }
        switch outcome {
        case .disclosed: return ["第三十六条第一项", "第三十六条第二项"]
        case .partlyDisclosed: return ["第三十七条"]
        case .stateSecret, .otherLawForbids, .threeSecurities: return ["第十四条", "第三十六条第三项"]
        case .thirdPartyRights:
            return ["第十五条"] + (thirdPartyConsulted ? ["第三十二条"] : []) + ["第三十六条第三项"]
        case .internalAffairs: return ["第十六条第一款", "第三十六条第三项"]
        case .processInformation, .enforcementFile: return ["第十六条第二款", "第三十六条第三项"]
        case .queryMatter: return ["第三十六条第七项"]
        case .notHeld: return [referred ? "第三十六条第五项" : "第三十六条第四项"]
        case .needsCreation: return ["第三十八条"]
        case .unclearAfterCorrection, .abandonedCorrection: return ["第三十条"]
        case .petition: return ["第三十九条第一款"]
        case .repeated: return ["第三十六条第六项"]
        case .publication, .confirmation: return ["第三十九条第二款"]
        case .unreasonableVolume: return ["第三十五条"]
        case .abandonedFee, .otherHandling: return []
        }
    }

    /// The articles a letter other than the reply cites.
    public static func letter(_ kind: NoticeKind, regulation: Regulation, party: ConsultParty? = nil) -> [String] {
        switch (kind, regulation) {
        case (.receipt, .of2008): ["第二十四条"]
        case (.receipt, .of2019): ["第三十三条"]
        case (.correction, .of2008): ["第二十一条第四项"]
        case (.correction, .of2019): ["第三十条"]
        case (.consultation, .of2008): ["第二十三条"]
        case (.consultation, .of2019): [party == .agency ? "第三十四条" : "第三十二条"]
        case (.extension, .of2008): ["第二十四条第二款"]
        case (.extension, .of2019): ["第三十三条第二款"]
        case (.deferral, _): ["第三十五条"]
        case (.fee, _): ["第四十二条"]
        case (.reply, _), (.closing, _): []
        }
    }

    /// "《条例》第十四条、第三十六条第三项", leaving out the articles `typed` (the officer's own words)
    /// already names, so that no article is cited twice; empty when nothing is left to cite.
    public static func text(_ articles: [String], regulation: Regulation, besides typed: String = "") -> String {
        let left = articles.filter { article in
            // "第三十六条第三项" is named when the officer wrote it, or its article with that item.
            // Only an article named as the Regulation's: "《保守国家秘密法》第十四条" is another law's.
            guard let cut = article.firstIndex(of: "条") else { return true }
            let head = String(article[...cut])
            let tail = String(article[article.index(after: cut)...])
            func names(_ a: String) -> Bool { typed.contains("条例" + a) || typed.contains("条例》" + a) }
            return !(names(article) || (tail.isEmpty && names(head)))
        }
        guard !left.isEmpty else { return "" }
        // Items of one article are joined as the Chinese drafting style has it: 第三十六条第一项、第二项.
        var parts: [String] = []
        var lastHead = ""
        for a in left {
            let cut = a.firstIndex(of: "条").map { a.index(after: $0) } ?? a.endIndex
            let head = String(a[..<cut])
            parts.append(head == lastHead && cut < a.endIndex ? String(a[cut...]) : a)
            lastHead = head
        }
        return law(regulation) + parts.joined(separator: "、")
    }
}

extension Citation {
    /// Whether `text` names an article of some law ("第三十九条", "第39条").
    public static func namesAnArticle(_ text: String) -> Bool {
        let numerals = Set("零〇一二三四五六七八九十百0123456789")
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "第" {
                var j = i + 1
                while j < chars.count, numerals.contains(chars[j]), j - i <= 6 { j += 1 }
                if j > i + 1, j < chars.count, chars[j] == "条" { return true }
            }
            i += 1
        }
        return false
    }
}

/// Sentences the officer types end as a sentence does in a letter.
public enum Sentence {
    /// `text` with a full stop added unless it already ends a sentence; empty stays empty.
    public static func closed(_ text: String) -> String {
        let t = text.trimmingWhitespace()
        guard let last = t.last else { return "" }
        if "。！？；…!?".contains(last) { return t }
        // A closing quote or bracket after the sentence's own stop leaves it ended.
        if "”’）)」』".contains(last), let before = t.dropLast().last, "。！？!?".contains(before) { return t }
        if "，,、：:;.".contains(last) { return String(t.dropLast()) + "。" }
        return t + "。"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

extension Sentence {
    /// `text` without the stop at its end, to stand inside a sentence of the letter ("因……，").
    public static func open(_ text: String) -> String {
        var t = Substring(text.trimmingWhitespace())
        while let l = t.last, "。．.，,；;".contains(l) { t = t.dropLast() }
        return String(t)
    }
}
