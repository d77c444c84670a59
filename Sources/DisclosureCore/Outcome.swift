/// The 21 outcomes of a closed case: the rows of table 三 of the national annual report format.
public enum Outcome: String, Vocabulary, Comparable {
    case disclosed = "1"
    case partlyDisclosed = "2"
    case stateSecret = "3.1", otherLawForbids = "3.2", threeSecurities = "3.3", thirdPartyRights = "3.4"
    case internalAffairs = "3.5", processInformation = "3.6", enforcementFile = "3.7", queryMatter = "3.8"
    case notHeld = "4.1", needsCreation = "4.2", unclearAfterCorrection = "4.3"
    case petition = "5.1", repeated = "5.2", publication = "5.3", unreasonableVolume = "5.4", confirmation = "5.5"
    case abandonedCorrection = "6.1", abandonedFee = "6.2", otherHandling = "6.3"

    /// The report's row group: 1 予以公开 … 6 其他处理.
    public var group: Int { Int(rawValue.prefix(1)) ?? 0 }

    /// A refusal to disclose (3.1–3.7): 行政复议 must come first (行政复议法 2023 art. 23(4)) when the reply
    /// is issued from 2024-01-01; 3.8 tells the applicant where to go and is no refusal (STATUTE.md §6).
    public var isRefusal: Bool { group == 3 && self != .queryMatter }

    /// The day the 2023 行政复议法 took effect, and with it 复议前置 for refusals to disclose.
    public static let reconsiderationFirstFrom = CivilDate(year: 2024, month: 1, day: 1)!

    /// Which remedies a reply issued on `issued` states: whether 行政复议 must come first for all of it
    /// (3.1–3.7), for the part withheld (2), or not at all (both routes open).
    public func remedyRoute(issued: CivilDate) -> RemedyRoute {
        guard issued >= Self.reconsiderationFirstFrom else { return .either }
        if isRefusal { return .reconsiderationFirst }
        return self == .partlyDisclosed ? .reconsiderationFirstForWithheld : .either
    }

    /// Outcomes an officer may draft as a reply; 6.1 and 6.2 arise only by closing as abandoned.
    public var isDraftable: Bool { self != .abandonedCorrection && self != .abandonedFee }

    public var label: Text {
        switch self {
        case .disclosed: Text(zh: "予以公开", en: "disclosed")
        case .partlyDisclosed: Text(zh: "部分公开", en: "partly disclosed")
        case .stateSecret: Text(zh: "不予公开：属于国家秘密", en: "not disclosed: state secret")
        case .otherLawForbids: Text(zh: "不予公开：其他法律行政法规禁止公开", en: "not disclosed: forbidden by another law or regulation")
        case .threeSecurities: Text(zh: "不予公开：危及“三安全一稳定”", en: "not disclosed: endangers national, public, economic security or social stability")
        case .thirdPartyRights: Text(zh: "不予公开：保护第三方合法权益", en: "not disclosed: protects a third party's lawful rights")
        case .internalAffairs: Text(zh: "不予公开：属于三类内部事务信息", en: "not disclosed: internal affairs information")
        case .processInformation: Text(zh: "不予公开：属于四类过程性信息", en: "not disclosed: process information")
        case .enforcementFile: Text(zh: "不予公开：属于行政执法案卷", en: "not disclosed: administrative enforcement file")
        case .queryMatter: Text(zh: "不予公开：属于行政查询事项", en: "not disclosed: administrative query matter")
        case .notHeld: Text(zh: "无法提供：本机关不掌握相关政府信息", en: "cannot provide: not held by this agency")
        case .needsCreation: Text(zh: "无法提供：没有现成信息需要另行制作", en: "cannot provide: would need to be created")
        case .unclearAfterCorrection: Text(zh: "无法提供：补正后申请内容仍不明确", en: "cannot provide: still unclear after correction")
        case .petition: Text(zh: "不予处理：信访举报投诉类申请", en: "not processed: petition, report or complaint")
        case .repeated: Text(zh: "不予处理：重复申请", en: "not processed: repeated application")
        case .publication: Text(zh: "不予处理：要求提供公开出版物", en: "not processed: asks for a publication")
        case .unreasonableVolume: Text(zh: "不予处理：无正当理由大量反复申请", en: "not processed: unreasonable volume or frequency")
        case .confirmation: Text(zh: "不予处理：要求行政机关确认或重新出具已获取信息", en: "not processed: asks to confirm or reissue information already obtained")
        case .abandonedCorrection: Text(zh: "其他处理：逾期不补正", en: "other: no correction within the period")
        case .abandonedFee: Text(zh: "其他处理：逾期未缴纳信息处理费", en: "other: fee not paid within the period")
        case .otherHandling: Text(zh: "其他处理：其他", en: "other handling")
        }
    }

    public static func < (a: Outcome, b: Outcome) -> Bool {
        let ai = allCases.firstIndex(of: a) ?? 0
        let bi = allCases.firstIndex(of: b) ?? 0
        return ai < bi
    }
}

/// The remedies a reply states (STATUTE.md §6).
public enum RemedyRoute: String, Sendable, Hashable {
    /// 行政复议 or 行政诉讼, as the applicant chooses.
    case either
    /// 行政复议 first, then 行政诉讼 against the decision.
    case reconsiderationFirst = "reconsideration-first"
    /// Either for what was provided; 行政复议 first for the part withheld.
    case reconsiderationFirstForWithheld = "reconsideration-first-for-withheld"
}
