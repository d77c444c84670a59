/// A decision to publish proactively what several applicants asked for (art. 44): what information, the
/// applications that led to it, the day it was decided and where it is published. Section 六 of the
/// annual report states the year's decisions; a withdrawn one stays on record but is not counted.
public struct ProactiveLead: Sendable, Hashable, Codable {
    /// Why a lead was taken back, by whom and when.
    public struct Withdrawal: Sendable, Hashable, Codable {
        public var at: String
        public var by: String
        public var reason: String
        public init(at: String, by: String, reason: String) {
            self.at = at
            self.by = by
            self.reason = reason
        }
    }

    /// The number of its journal entry: stable, and the handle `withdraw` takes.
    public var id: Int
    public var decided: CivilDate
    /// The information moved to proactive disclosure, as the applicants asked for it.
    public var subject: String
    /// Where it is published (a website column, a bulletin, a reading room).
    public var published: String
    public var cases: [CaseNumber]
    public var recordedAt: String
    public var recordedBy: String
    public var withdrawn: Withdrawal?

    public init(
        id: Int, decided: CivilDate, subject: String, published: String, cases: [CaseNumber], recordedAt: String,
        recordedBy: String, withdrawn: Withdrawal? = nil
    ) {
        self.id = id
        self.decided = decided
        self.subject = subject
        self.published = published
        self.cases = cases
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.withdrawn = withdrawn
    }

    /// Reads a list of case numbers separated by commas (`,` `，` or `、`), as `--cases` and the API take it.
    public static func caseList(_ text: String, field: String) throws(DisclosureError) -> [CaseNumber] {
        let parts = text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "、" })
            .map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !parts.isEmpty else {
            throw DisclosureError(
                .missingField, field: field, zh: "须列出据以决定的申请的案件编号，以逗号分隔",
                en: "list the case numbers of the applications it rests on, separated by commas")
        }
        return try parts.map { (p: String) throws(DisclosureError) in try CaseNumber.parse(p, field: field) }
    }

    /// How many different applicants make "several" (多个申请人) in art. 44.
    public static let minApplicants = 2

    /// At most this many applications behind one decision: each is loaded and checked.
    public static let maxCases = 200

    /// Checks a decision before it is recorded: one-line texts, a day that has come, applications that were
    /// received by then from at least two different applicants, none named twice, and information that can
    /// be disclosed (art. 44: "属于可以公开的"): not every application answered with something else.
    public static func check(
        decided: CivilDate, subject: String, published: String, cases: [(CaseNumber, CaseState)],
        today: CivilDate
    ) throws(DisclosureError) {
        try TextField.requireLine(subject, field: "subject", max: 500)
        try TextField.requireLine(published, field: "published", max: 500)
        if cases.count > maxCases {
            throw DisclosureError(
                .invalidValue, field: "cases", zh: "一项决定最多列\(maxCases)件申请",
                en: "a decision lists at most \(maxCases) applications")
        }
        if decided > today {
            throw DisclosureError(
                .ruleViolation, field: "on", zh: "决定日期\(decided)晚于今天（\(today)）",
                en: "the decision date \(decided) is after today (\(today))")
        }
        var seen: Set<CaseNumber> = []
        // By name, with the ID numbers given: one person entered once with an ID and once without is one.
        var idsByName: [String: Set<String>] = [:]
        for (number, state) in cases {
            let application = state.application
            guard seen.insert(number).inserted else {
                throw DisclosureError(
                    .invalidValue, field: "cases", zh: "案件\(number)列了两次", en: "case \(number) is listed twice")
            }
            if application.received > decided {
                throw DisclosureError(
                    .ruleViolation, field: "cases",
                    zh: "案件\(number)于\(application.received)收到，晚于决定日期\(decided)，不能作为决定的依据",
                    en: "case \(number) was received on \(application.received), after the decision (\(decided)); "
                        + "it cannot be what led to it")
            }
            let id = application.applicant.idNumber.map { Set([$0]) } ?? []
            idsByName[application.applicant.name, default: []].formUnion(id)
        }
        let applicants = idsByName.values.reduce(0) { $0 + max(1, $1.count) }
        if applicants < minApplicants {
            throw DisclosureError(
                .ruleViolation, field: "cases",
                zh: "条例第四十四条指多个申请人申请相同政府信息：所列案件须来自至少\(minApplicants)位不同的申请人",
                en: "art. 44 is about several applicants asking for the same information: the cases must come from "
                    + "at least \(minApplicants) different applicants")
        }
        let disclosable: Set<Outcome> = [.disclosed, .partlyDisclosed]
        if cases.allSatisfy({ $0.1.closedOn != nil && !($0.1.outcome.map(disclosable.contains) ?? false) }) {
            throw DisclosureError(
                .ruleViolation, field: "cases",
                zh: "所列申请均已办结且未予公开：条例第四十四条只适用于可以公开的政府信息",
                en: "every listed application was closed without disclosure: art. 44 is for information that can "
                    + "be disclosed")
        }
    }
}
