/// A closed set of values the user types by name, each with a label in every language.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Sendable, Hashable, Codable {
    var label: Text { get }
}

extension Vocabulary {
    /// Parses `text` or throws an error naming `field` and every allowed value.
    public static func parse(_ text: String, field: String) throws(DisclosureError) -> Self {
        if let v = Self(rawValue: text) { return v }
        // The Chinese name the program prints (已终止, 当面) is taken as well as the code.
        if let v = allCases.first(where: { $0.label.zh == text }) { return v }
        let allowed = allCases.map { "\($0.rawValue)（\($0.label.zh)）" }.joined(separator: "、")
        let allowedEn = allCases.map(\.rawValue).joined(separator: ", ")
        throw DisclosureError(.invalidValue, field: field,
                              zh: "“\(text)”不是可用的取值，可用：\(allowed)",
                              en: "“\(text)” is not allowed; use one of: \(allowedEn)")
    }
}

/// How the application reached the office (art. 31 fixes the receipt date by channel).
public enum Channel: String, Vocabulary {
    case inPerson = "in-person", post, letter, online, fax, oral
    public var label: Text {
        switch self {
        case .inPerson: Text(zh: "当面提交", en: "in person")
        case .post: Text(zh: "邮寄（签收）", en: "post, signed for")
        case .letter: Text(zh: "平常信函", en: "ordinary letter")
        case .online: Text(zh: "互联网", en: "internet")
        case .fax: Text(zh: "传真", en: "fax")
        case .oral: Text(zh: "口头（代为填写）", en: "oral, written down by the office")
        }
    }
    /// Which day counts as the receipt date on this channel (art. 31, art. 29).
    public var receiptRule: Text {
        switch self {
        case .inPerson: Text(zh: "提交之日", en: "the day it is handed in")
        case .post: Text(zh: "本机关签收之日", en: "the day the office signs for it")
        case .letter: Text(zh: "与申请人确认之日（应于收到当日确认）", en: "the day the office confirms with the applicant (to be tried the day it arrives)")
        case .online, .fax: Text(zh: "双方确认之日", en: "the day both sides confirm")
        case .oral: Text(zh: "代为填写并经申请人确认之日", en: "the day it is written down and confirmed")
        }
    }
}

/// The annual report's applicant columns (table 三).
public enum ApplicantType: String, Vocabulary {
    case person, company, research, nonprofit, legal
    case otherOrg = "other-org"
    public var label: Text {
        switch self {
        case .person: Text(zh: "自然人", en: "natural person")
        case .company: Text(zh: "商业企业", en: "commercial enterprise")
        case .research: Text(zh: "科研机构", en: "research institution")
        case .nonprofit: Text(zh: "社会公益组织", en: "public-interest organisation")
        case .legal: Text(zh: "法律服务机构", en: "legal services organisation")
        case .otherOrg: Text(zh: "其他", en: "other organisation")
        }
    }
}

/// The form in which the applicant asks to receive the information (art. 29(3), art. 40).
public enum InfoForm: String, Vocabulary {
    case paper, electronic, inspection
    public var label: Text {
        switch self {
        case .paper: Text(zh: "纸质", en: "paper")
        case .electronic: Text(zh: "电子", en: "electronic")
        case .inspection: Text(zh: "查阅", en: "inspection")
        }
    }
}

/// How a reply was served (送达).
public enum DeliveryMethod: String, Vocabulary {
    case inPerson = "in-person", post, email, online
    public var label: Text {
        switch self {
        case .inPerson: Text(zh: "当面送达", en: "in person")
        case .post: Text(zh: "邮寄送达", en: "by post")
        case .email: Text(zh: "电子邮件", en: "by e-mail")
        case .online: Text(zh: "网上送达", en: "online")
        }
    }
}

/// Who is consulted (art. 32 third party; art. 34 co-producing agency).
public enum ConsultParty: String, Vocabulary {
    case thirdParty = "third-party", agency
    public var label: Text {
        switch self {
        case .thirdParty: Text(zh: "第三方", en: "third party")
        case .agency: Text(zh: "共同制作机关", en: "co-producing agency")
        }
    }
}

/// A consulted party's answer.
public enum Opinion: String, Vocabulary {
    case agree, object, none
    public var label: Text {
        switch self {
        case .agree: Text(zh: "同意公开", en: "agrees to disclosure")
        case .object: Text(zh: "不同意公开", en: "objects to disclosure")
        case .none: Text(zh: "未提出意见", en: "no opinion given")
        }
    }
}

/// Why a case was closed as abandoned (outcomes 6.1, 6.2).
public enum AbandonReason: String, Vocabulary {
    case correction, fee
    public var label: Text {
        switch self {
        case .correction: Text(zh: "逾期不补正", en: "no correction within the period")
        case .fee: Text(zh: "逾期未缴纳信息处理费", en: "fee not paid within the period")
        }
    }
    public var outcome: Outcome { self == .correction ? .abandonedCorrection : .abandonedFee }
}
