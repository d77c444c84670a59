/// Tables 三 and 四 of the national annual report format (国办公开办函〔2021〕30号), from counts.
///
/// Interpretation (STATUTE.md §7): a case counts by its receipt date and its latest closing; one
/// reopened and still open counts as open. Table 四 counts the remedies filed in the year, by the
/// result known at the year's end (尚未审结 when none).
public struct AnnualReport: Sendable, Hashable {
    public let year: Int
    /// 一、本年新收
    public let received: [ApplicantType: Int]
    /// 二、上年结转
    public let carriedIn: [ApplicantType: Int]
    /// 三、本年度办理结果, by outcome.
    public let closed: [Outcome: [ApplicantType: Int]]
    /// 四、结转下年度继续办理
    public let carriedOut: [ApplicantType: Int]
    /// Table 四: remedies filed in the year by kind and result (nil = 尚未审结).
    public let remedies: [RemedyKind: [RemedyResult?: Int]]

    public init(year: Int, received: [ApplicantType: Int], carriedIn: [ApplicantType: Int],
                closed: [Outcome: [ApplicantType: Int]], carriedOut: [ApplicantType: Int],
                remedies: [RemedyKind: [RemedyResult?: Int]]) {
        self.year = year
        self.received = received
        self.carriedIn = carriedIn
        self.closed = closed
        self.carriedOut = carriedOut
        self.remedies = remedies
    }

    /// The applicant columns in the order of the official table.
    public static let columns: [ApplicantType] = [.person, .company, .research, .nonprofit, .legal, .otherOrg]

    /// 三（七）总计 per column.
    public var closedTotal: [ApplicantType: Int] {
        var t: [ApplicantType: Int] = [:]
        for (_, row) in closed { for (c, n) in row { t[c, default: 0] += n } }
        return t
    }

    public static func total(_ row: [ApplicantType: Int]) -> Int { row.values.reduce(0, +) }

    /// The columns where 一 + 二 ≠ 三（七） + 四 (empty when the table balances).
    public var imbalances: [(column: ApplicantType, left: Int, right: Int)] {
        let closedTotal = self.closedTotal
        return Self.columns.compactMap { c in
            let left = received[c, default: 0] + carriedIn[c, default: 0]
            let right = closedTotal[c, default: 0] + carriedOut[c, default: 0]
            return left == right ? nil : (c, left, right)
        }
    }

    /// Table 四 cell: remedies of `kind` with `result` (nil = 尚未审结).
    public func remedyCount(_ kind: RemedyKind, _ result: RemedyResult?) -> Int { remedies[kind]?[result] ?? 0 }

    public func remedyTotal(_ kind: RemedyKind) -> Int { remedies[kind]?.values.reduce(0, +) ?? 0 }

    /// The rows of table 三 as labelled in the official format, with a stable id and each row's counts.
    public var rows: [(id: String, label: String, counts: [ApplicantType: Int], level: Int)] {
        func outcomes(_ group: Int) -> [ApplicantType: Int] {
            var t: [ApplicantType: Int] = [:]
            for (o, row) in closed where o.group == group { for (c, n) in row { t[c, default: 0] += n } }
            return t
        }
        func of(_ o: Outcome) -> [ApplicantType: Int] { closed[o] ?? [:] }
        var r: [(String, String, [ApplicantType: Int], Int)] = [
            ("received", "一、本年新收政府信息公开申请数量", received, 0),
            ("carried-in", "二、上年结转政府信息公开申请数量", carriedIn, 0),
            ("results", "三、本年度办理结果", [:], 0),
            ("1", "（一）予以公开", of(.disclosed), 1),
            ("2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", of(.partlyDisclosed), 1),
            ("3", "（三）不予公开", outcomes(3), 1),
        ]
        let refusals = ["1．属于国家秘密", "2．其他法律行政法规禁止公开", "3．危及“三安全一稳定”", "4．保护第三方合法权益",
                        "5．属于三类内部事务信息", "6．属于四类过程性信息", "7．属于行政执法案卷", "8．属于行政查询事项"]
        for (i, o) in Outcome.allCases.filter({ $0.group == 3 }).enumerated() { r.append((o.rawValue, refusals[i], of(o), 2)) }
        r.append(("4", "（四）无法提供", outcomes(4), 1))
        let unable = ["1．本机关不掌握相关政府信息", "2．没有现成信息需要另行制作", "3．补正后申请内容仍不明确"]
        for (i, o) in Outcome.allCases.filter({ $0.group == 4 }).enumerated() { r.append((o.rawValue, unable[i], of(o), 2)) }
        r.append(("5", "（五）不予处理", outcomes(5), 1))
        let notProcessed = ["1．信访举报投诉类申请", "2．重复申请", "3．要求提供公开出版物", "4．无正当理由大量反复申请",
                            "5．要求行政机关确认或重新出具已获取信息"]
        for (i, o) in Outcome.allCases.filter({ $0.group == 5 }).enumerated() { r.append((o.rawValue, notProcessed[i], of(o), 2)) }
        r.append(("6", "（六）其他处理", outcomes(6), 1))
        let other = ["1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                     "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3．其他"]
        for (i, o) in Outcome.allCases.filter({ $0.group == 6 }).enumerated() { r.append((o.rawValue, other[i], of(o), 2)) }
        r.append(("total", "（七）总计", closedTotal, 1))
        r.append(("carried-out", "四、结转下年度继续办理", carriedOut, 0))
        return r.map { (id: $0.0, label: $0.1, counts: $0.2, level: $0.3) }
    }
}

/// What one case adds to a year's tables; two equal contributions leave the published figures alone.
/// The counting is that of `AnnualReport` (and the store's queries).
public struct YearContribution: Sendable, Hashable {
    public let received: Bool
    public let carriedIn: Bool
    public let closed: Outcome?
    public let carriedOut: Bool
    public let type: ApplicantType
    /// Remedies filed in the year with the result known on 31 December.
    public let remedies: [String]

    public var isEmpty: Bool { !received && !carriedIn && closed == nil && !carriedOut && remedies.isEmpty }

    /// The contribution of a case with these facts to `year`.
    public static func of(received: CivilDate, type: ApplicantType, closedOn: CivilDate?, outcome: Outcome?,
                          remedies: [Remedy], year: Int) -> YearContribution {
        let first = CivilDate(year: year, month: 1, day: 1) ?? received
        let last = CivilDate(year: year, month: 12, day: 31) ?? received
        let open = { (day: CivilDate) in closedOn.map { $0 >= day } ?? true }
        return YearContribution(
            received: first <= received && received <= last,
            carriedIn: received < first && open(first),
            closed: closedOn.map { first <= $0 && $0 <= last } == true ? outcome : nil,
            carriedOut: received <= last && closedOn.map { $0 > last } ?? true,
            type: type,
            remedies: remedies.filter { first <= $0.filed && $0.filed <= last }.map {
                "\($0.kind.rawValue):\($0.decided.map { $0 <= last } == true ? ($0.result?.rawValue ?? "") : "pending")"
            })
    }

    /// The contribution of a case state to `year`.
    public static func of(_ s: CaseState, year: Int) -> YearContribution {
        of(received: s.application.received, type: s.application.applicant.type, closedOn: s.closedOn, outcome: s.outcome,
           remedies: s.remedies, year: year)
    }
}
