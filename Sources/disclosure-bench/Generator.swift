import DisclosureCore

/// A small deterministic PRNG (SplitMix64), so the same seed always gives the same office.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &self) }
    mutating func pick<T>(_ items: [(T, Int)]) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var n = int(0...(total - 1))
        for (item, weight) in items {
            if n < weight { return item }
            n -= weight
        }
        return items[items.count - 1].0
    }
}

/// Generates realistic case files: the applicant mix of an annual report, every channel, corrections,
/// consultations, extensions, fees and every outcome, over the real calendar, each step legal.
struct OfficeGenerator {
    let calendar: WorkCalendar
    let agencyCode: String
    let agencyName: String
    let first: CivilDate
    let last: CivilDate
    var rng: SplitMix

    static let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"]
    // One or two characters from these: tens of thousands of distinct people, as in a city, so that
    // per-applicant queries (repeat warnings, monthly fee counts) see realistic numbers of rows.
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "兰", "霞", "平",
                             "建", "国", "英", "华", "玉", "文", "志", "红", "宇", "佳", "晓", "海", "春", "秀", "金", "林", "云", "飞", "鹏", "婷"]
    static let organisations: [(ApplicantType, [String])] = [
        (.company, ["华信建设工程有限公司", "恒达物流有限公司", "星河科技股份有限公司", "某置业有限公司", "南方实业集团"]),
        (.research, ["南方环境研究院", "城市规划研究中心", "某大学公共管理学院"]),
        (.nonprofit, ["绿源公益服务中心", "蓝天环保志愿者协会"]),
        (.legal, ["明德律师事务所", "公正律师事务所", "中正律师事务所"]),
        (.otherOrg, ["某小区业主委员会", "某村民委员会"]),
    ]
    static let subjects = ["集体土地征收补偿款发放明细", "老旧小区改造工程招标文件及中标结果", "政府采购项目预算及采购意向",
                           "控制性详细规划调整的论证材料", "社会保险费征缴稽核结论", "房屋征收决定所依据的社会稳定风险评估报告",
                           "重点排污单位自行监测数据", "福利彩票公益金使用情况", "宅基地使用权登记审批材料", "中小学学位供给测算依据",
                           "货车限行措施的决策依据及听证记录", "养老机构运营补贴发放名单", "道路拓宽工程立项批复", "行政复议案件办理情况统计",
                           "低保审批名单及评议记录", "城市体检评估报告", "财政资金拨付凭证", "政府投资项目计划及调整情况",
                           "专项资金分配结果", "食品安全抽检不合格产品处置情况"]
    static let officers = ["王科员", "李科员", "赵科员", "孙科员"]
    static let reviewers = ["李主任", "周副主任"]

    /// The `serial`-th case, received on a working day between `first` and `last`.
    mutating func dossier(serial: Int, year: Int, received: CivilDate) -> CaseDossier {
        let type = rng.pick([(ApplicantType.person, 70), (.company, 12), (.research, 5), (.nonprofit, 3), (.legal, 7), (.otherOrg, 3)])
        let name: String
        if type == .person {
            name = Self.surnames[rng.int(0...(Self.surnames.count - 1))] + Self.givenNames[rng.int(0...(Self.givenNames.count - 1))]
                + (rng.chance(0.7) ? Self.givenNames[rng.int(0...(Self.givenNames.count - 1))] : "")
        } else {
            let names = Self.organisations.first { $0.0 == type }?.1 ?? ["某单位"]
            name = names[rng.int(0...(names.count - 1))]
        }
        let subject = Self.subjects[rng.int(0...(Self.subjects.count - 1))]
        let request = "\(received.year - rng.int(0...3))年度\(subject)"
        let channel = rng.pick([(Channel.online, 55), (.post, 15), (.inPerson, 15), (.letter, 8), (.fax, 2), (.oral, 5)])
        let application = Application(received: received, channel: channel,
                                      applicant: Applicant(name: name, type: type,
                                                           idNumber: type == .person && rng.chance(0.6) ? String(format6(rng.int(110_000...659_999))) + "19800101" + String(rng.int(1000...9999)) : nil,
                                                           contact: rng.chance(0.8) ? "1\(rng.int(3...9))\(rng.int(100_000_000...999_999_999))" : nil),
                                      request: request, form: rng.pick([(InfoForm.electronic, 50), (.paper, 45), (.inspection, 5)]), note: nil)
        let officer = Self.officers[rng.int(0...(Self.officers.count - 1))]
        var events: [CaseEvent] = []
        func state() -> CaseState { CaseState(application: application, events: events, calendar: calendar) }
        func add(_ on: CivilDate, _ a: Action, _ who: String = officer) { events.append(CaseEvent(on: on, action: a, actor: who)) }
        func after(_ d: CivilDate, _ n: Int) -> CivilDate { calendar.addingWorkdays(n, after: d).date }

        let open = received.days(to: last) < 45
        // Cases received before 2019-05-15 follow the 2008 Regulation: no fees, 15 days of extension at
        // most, and a third party's silence is recorded before the office goes on.
        let under2008 = Regulation.governing(received: received) == .of2008
        var day = received
        var correctionReceived = false
        var closed = false

        if rng.chance(0.08) {
            let sent = after(received, rng.int(1...6))
            add(sent, .correctionRequested(items: "请写明所需信息的名称、文号或其他特征描述", periodDays: 10, served: nil))
            let ends = after(sent, 10)
            if rng.chance(0.8) {
                day = after(sent, rng.int(1...9))
                add(day, .correctionReceived)
                correctionReceived = true
            } else {
                day = ends.next
                if day <= last { add(day, .abandoned(reason: .correction)); closed = true } else { return finish() }
            }
        }
        if !closed, rng.chance(0.12) {
            let sent = after(day, rng.int(1...4))
            add(sent, .consultationSent(id: 1, party: rng.chance(0.7) ? .thirdParty : .agency, to: "某相关单位", served: nil))
            day = after(sent, rng.int(3...16))
            if day <= last, rng.chance(0.75) || under2008 {
                add(day, .consultationAnswered(id: 1, opinion: rng.pick([(Opinion.agree, 5), (.object, 4), (.none, 1)])))
            }
            day = max(day, after(sent, 16))
        }
        if !closed, !under2008, rng.chance(0.02), after(day, 1) >= FeeSchedule.effective {
            let sent = after(day, 1)
            add(sent, .feeNoticed(basis: .pages, quantity: 120, amount: 1100, served: nil))
            if rng.chance(0.85) {
                day = after(sent, rng.int(1...10))
                add(day, .feePaid)
            } else {
                day = after(sent, 21)
                if day <= last { add(day, .abandoned(reason: .fee)); closed = true } else { return finish() }
            }
        }
        if !closed, rng.chance(0.08), let due = state().clock.due, day <= due, day <= last {
            add(day, .extended(days: rng.int(5...(under2008 ? 15 : 20)), approvedBy: "李主任", reason: "需调取档案、会商相关部门"))
        }
        if !closed, rng.chance(0.02) {
            day = after(day, 2)
            if day <= last { add(day, .withdrawn); closed = true }
        }
        if !closed {
            // A recent case may still be open at any stage.
            if open && rng.chance(0.7) { return finish() }
            let due = state().clock.due ?? after(day, 20)
            var draft = max(day, calendar.addingWorkdays(rng.int(8...18), after: state().clock.roundStart).date)
            // About one reply in thirty is late, as in real offices.
            if draft > due && rng.chance(0.97) { draft = max(due, day) }
            var outcome = rng.pick([(Outcome.disclosed, 38), (.partlyDisclosed, 14), (.stateSecret, 1), (.otherLawForbids, 1),
                                    (.threeSecurities, 1), (.thirdPartyRights, 3), (.internalAffairs, 2), (.processInformation, 3),
                                    (.enforcementFile, 2), (.queryMatter, 2), (.notHeld, 18), (.needsCreation, 4),
                                    (.unclearAfterCorrection, 1), (.petition, 3), (.repeated, 3), (.publication, 1),
                                    (.unreasonableVolume, 1), (.confirmation, 1), (.otherHandling, 1)])
            if outcome == .unclearAfterCorrection && !correctionReceived { outcome = .notHeld }
            guard draft <= last else { return finish() }
            add(draft, .replyDrafted(outcome: outcome, basis: outcome.group == 3 ? "依据《政府信息公开条例》第十四条至第十六条" : "依据《政府信息公开条例》第三十六条",
                                     referTo: outcome == .notHeld ? "区自然资源局，电话 020-12345678" : nil))
            let reviewer = Self.reviewers[rng.int(0...1)]
            let issued = rng.chance(0.5) && after(draft, 1) <= last ? after(draft, 1) : draft
            add(issued, .replyReviewed(approved: true, comment: nil), reviewer)
            add(issued, .replyIssued, "李主任")
            let delivered = after(issued, rng.int(1...3))
            if delivered <= last {
                add(delivered, .delivered(method: rng.pick([(DeliveryMethod.post, 40), (.online, 35), (.email, 15), (.inPerson, 10)])))
                let archive = after(delivered, rng.int(5...40))
                if archive <= last { add(archive, .archived) }
            }
        } else if let c = events.last, c.on.next <= last, rng.chance(0.8) {
            add(after(c.on, 3) <= last ? after(c.on, 3) : c.on, .archived)
        }
        return finish()

        func finish() -> CaseDossier {
            // Only what has happened by the office's "today": the history up to the first later step.
            if let cut = events.firstIndex(where: { $0.on > last }) { events.removeSubrange(cut...) }
            let s = state()
            return CaseDossier(agencyCode: agencyCode, agencyName: agencyName, number: CaseNumber(year: year, serial: serial),
                               application: application, registeredAt: "\(received)T09:\(String(format2(serial % 60))):00+08:00",
                               registeredBy: officer,
                               events: events.map { RecordedEvent(event: $0, recordedAt: "\($0.on)T16:00:00+08:00") },
                               attachments: [], due: s.clock.due, provisional: s.clock.provisional,
                               outcome: s.outcome, closedOn: s.closedOn)
        }
    }
}

func format2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
func format6(_ n: Int) -> String { let s = String(n); return String(repeating: "0", count: max(0, 6 - s.count)) + s }
