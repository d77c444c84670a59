import DisclosureCore
import Testing

@Suite("Annual report arithmetic")
struct AnnualReportTests {
    @Test("rows, totals and the 一+二=三（七）+四 check")
    func balanced() {
        let r = AnnualReport(year: 2026,
                             received: [.person: 10, .company: 3, .legal: 1],
                             carriedIn: [.person: 2, .research: 1],
                             closed: [.disclosed: [.person: 5], .stateSecret: [.company: 1], .notHeld: [.person: 4, .research: 1],
                                      .otherHandling: [.legal: 1]],
                             carriedOut: [.person: 3, .company: 2],
                             remedies: [.reconsideration: [.upheld: 2, nil: 1], .litigation: [.corrected: 1]])
        #expect(r.imbalances.isEmpty)
        #expect(r.closedTotal == [.person: 9, .company: 1, .research: 1, .legal: 1])
        let rows = Dictionary(r.rows.map { ($0.label, $0.counts) }, uniquingKeysWith: { a, _ in a })
        #expect(rows["（三）不予公开"] == [.company: 1])
        #expect(rows["1．属于国家秘密"] == [.company: 1])
        #expect(rows["（四）无法提供"] == [.person: 4, .research: 1])
        #expect(rows["3．其他"] == [.legal: 1])
        #expect(r.rows.count == 30)
        #expect(r.remedyCount(.reconsideration, nil) == 1)
        #expect(r.remedyTotal(.reconsideration) == 3)
        #expect(r.remedyTotal(.litigationAfterReconsideration) == 0)
    }

    @Test("an imbalance is found and located by column")
    func imbalance() {
        let r = AnnualReport(year: 2026, received: [.person: 3], carriedIn: [:], closed: [.disclosed: [.person: 1]],
                             carriedOut: [.person: 1], remedies: [:])
        #expect(r.imbalances.map(\.column) == [.person])
        #expect(r.imbalances.first?.left == 3 && r.imbalances.first?.right == 2)
    }
}

@Suite("Which changes alter a year's figures")
struct YearContributionTests {
    static func c(_ received: String, closed: String?, outcome: Outcome? = .disclosed, year: Int = 2025) -> YearContribution {
        YearContribution.of(received: d(received), type: .person, closedOn: closed.map(d), outcome: closed == nil ? nil : outcome,
                            remedies: [], year: year)
    }

    @Test("changes that touch 2025 and changes that do not", arguments: [
        // (before, after, alters 2025?)
        ("closed in 2026 → reopened in 2026", c("2025-12-22", closed: "2026-01-15"), c("2025-12-22", closed: nil), false),
        ("closed in 2025 → reopened", c("2025-06-02", closed: "2025-06-20"), c("2025-06-02", closed: nil), true),
        ("reply re-dated into 2025", c("2025-12-22", closed: "2026-01-15"), c("2025-12-22", closed: "2025-12-30"), true),
        ("outcome changed for a 2025 closing", c("2025-06-02", closed: "2025-06-20"), c("2025-06-02", closed: "2025-06-20", outcome: .notHeld), true),
        ("2026 case closed", c("2026-03-02", closed: nil), c("2026-03-02", closed: "2026-03-20"), false),
        ("open case stays open", c("2025-12-22", closed: nil), c("2025-12-22", closed: nil), false),
    ] as [(String, YearContribution, YearContribution, Bool)])
    func alters(_ name: String, before: YearContribution, after: YearContribution, alters: Bool) {
        #expect((before != after) == alters, "\(name)")
    }

    @Test("a 2026 application adds nothing to 2025; a 2025 one does")
    func registration() {
        #expect(Self.c("2026-01-04", closed: nil).isEmpty)
        #expect(!Self.c("2025-12-31", closed: nil).isEmpty)
    }
}

@Suite("Statistics")
struct StatisticsTests {
    @Test("nearest-rank percentiles", arguments: [
        ([Int](), 0.5, nil as Int?), ([7], 0.5, 7), ([7], 0.9, 7), ([1, 2, 3, 4], 0.5, 2), ([1, 2, 3, 4, 5], 0.5, 3),
        (Array(1...10), 0.9, 9), (Array(1...11), 0.9, 10), ([20, 3, 15, 4], 0.9, 20), ([5, 5, 5], 0.9, 5),
    ] as [([Int], Double, Int?)])
    func percentiles(values: [Int], p: Double, expected: Int?) {
        #expect(Statistics.percentile(values, p) == expected)
    }

    @Test("months between two dates, across a year end")
    func months() {
        #expect(Statistics.months(from: d("2025-11-20"), to: d("2026-02-01")) == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(Statistics.months(from: d("2026-03-05"), to: d("2026-03-31")) == ["2026-03"])
    }
}

@Suite("Similar requests")
struct SimilarityTests {
    @Test("same information in other words, and different information", arguments: [
        ("2025年度某区财政预算执行情况", "某区2025年度财政预算执行情况", true),
        ("2025年度某区财政预算执行情况", "请公开：2025年度某区财政预算执行情况。", true),
        ("城南片区控制性详细规划调整的论证材料", "城南片区控制性详细规划调整论证材料", true),
        ("2025年度某区财政预算执行情况", "2024年度某区财政预算执行情况", false),
        ("某路段货车限行措施的决策依据", "养老机构运营补贴发放名单", false),
        ("ABC公司环评批复", "abc公司环评批复", true),
        // Issue 16: the words of asking and 年度 for 年 do not hide a paraphrase.
        ("请公开本街道2025年城市低保的审批名单", "本街道2025年度城市低保审批名单", true),
        ("本村2025年度低保审批名单及评议记录", "本村2025年度集体土地征收补偿款发放明细", false),
        ("2026年第二批政府采购项目预算", "2026年政府采购项目预算执行情况", false),
    ])
    func pairs(a: String, b: String, similar: Bool) {
        #expect(Similarity.similar(a, b) == similar, "\(Similarity.jaccard(a, b))")
    }

    @Test("clusters: identical, near and unrelated requests")
    func clusters() {
        let texts = ["2025年度某区财政预算执行情况", "请公开2025年度某区财政预算执行情况", "某区2025年度财政预算执行情况",
                     "养老机构运营补贴发放名单", "2025年度某区财政预算执行情况", "某路段货车限行措施的决策依据"]
        let groups = Similarity.clusters(texts.map(Similarity.signature))
        #expect(groups == [[0, 1, 2, 4]])
        // Thousands of identical requests are still one cluster, whatever the bucket limit.
        let many = Array(repeating: Similarity.signature("2025年度政府投资项目计划"), count: 5_000)
        #expect(Similarity.clusters(many, bucketLimit: 10).first?.count == 5_000)
    }
}

@Suite("The annual report's facts of a case")
struct AnnualFactsTests {
    /// 2026-000001's first reply on 03-12 (on time: due 03-30); 复议 corrects it on `corrected`; the new round's
    /// reply on `second`, due 20 working days after the decision.
    static let rows: [(name: String, corrected: String, second: String, year: Int, replies: Int, late: Int)] = [
        ("both rounds in the year, the second late", "2026-05-06", "2026-07-30", 2026, 2, 1),
        ("both rounds in the year, both on time", "2026-05-06", "2026-05-20", 2026, 2, 0),
        ("the second round's reply in the next year", "2026-11-02", "2027-01-05", 2026, 1, 0),
        ("the next year counts only its own, late (due 2026-11-30)", "2026-11-02", "2027-01-05", 2027, 1, 1),
    ]

    @Test("every round's reply counts in the year it was issued, late by its own round's due date", arguments: rows)
    func replyRounds(_ row: (name: String, corrected: String, second: String, year: Int, replies: Int, late: Int))
        throws
    {
        let events =
            issuedReply + [
                ev("2026-04-01", .remedyFiled(id: 1, kind: .reconsideration, body: "某市人民政府"), by: "李主任"),
                ev(row.corrected, .remedyDecided(id: 1, result: .corrected), by: "李主任"),
            ]
            + [
                ev(row.second, draft1), ev(row.second, .replyReviewed(approved: true, comment: nil), by: "李主任"),
                ev(row.second, .replyIssued, by: "李主任"),
            ]
        let state = try replay(events, asOf: "2027-01-20")
        #expect(state.round == 2 && state.earlierReplies.count == 1, "\(row.name)")
        var facts = AnnualFacts(year: row.year, today: d("2027-01-20"))
        facts.add(state, registeredLate: false)
        #expect(facts.replies == row.replies && facts.repliedLate == row.late, "\(row.name)")
    }
}

@Suite("Decisions to publish proactively (art. 44)")
struct ProactiveLeadTests {
    /// A case of `name` (with `id`), open, or closed with `outcome`.
    static func state(_ name: String, _ id: String?, _ outcome: Outcome?) throws -> CaseState {
        var app = sampleApplication
        app.applicant = Applicant(name: name, type: .person, idNumber: id)
        var events: [CaseEvent] = []
        if let outcome {
            events = [
                ev("2026-03-10", .replyDrafted(outcome: outcome, basis: "依据", referTo: nil)),
                ev("2026-03-11", .replyReviewed(approved: true, comment: nil), by: "李主任"),
                ev("2026-03-12", .replyIssued, by: "李主任"),
            ]
        }
        return CaseState(application: app, events: events, calendar: officialCalendar)
    }

    static let rows: [(name: String, cases: [(String, String?, Outcome?)], refused: String?)] = [
        ("two applicants, both open", [("张三", nil, nil), ("李四", nil, nil)], nil),
        ("one person, once with an ID and once without", [("张三", "110101199003077777", nil), ("张三", nil, nil)],
         "2位"),
        ("two people of one name, told apart by their IDs",
         [("张三", "110101199003077777", nil), ("张三", "110101198001011234", nil)], nil),
        ("both closed, neither disclosed", [("张三", nil, .stateSecret), ("李四", nil, .notHeld)], "可以公开"),
        ("one disclosed, one refused", [("张三", nil, .disclosed), ("李四", nil, .stateSecret)], nil),
        ("one refused, one still open", [("张三", nil, .stateSecret), ("李四", nil, nil)], nil),
    ]

    @Test("several applicants, and information that can be disclosed", arguments: rows)
    func rule(_ row: (name: String, cases: [(String, String?, Outcome?)], refused: String?)) throws {
        var basis: [(CaseNumber, CaseState)] = []
        for (i, c) in row.cases.enumerated() {
            basis.append((CaseNumber(year: 2026, serial: i + 1), try Self.state(c.0, c.1, c.2)))
        }
        do {
            try ProactiveLead.check(
                decided: d("2026-06-01"), subject: "某项目环评批复", published: "门户网站", cases: basis,
                today: d("2026-06-02"))
            #expect(row.refused == nil, "\(row.name)")
        } catch {
            #expect(row.refused.map { error.render(.zh).contains($0) } ?? false, "\(row.name): \(error.render(.zh))")
        }
    }
}
