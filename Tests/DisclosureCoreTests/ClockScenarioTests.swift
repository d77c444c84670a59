import Foundation
import Testing
@testable import DisclosureCore

// Table-driven scenarios for the statutory reply clock (STATUTE.md §1–3).
//
// Every expected date below was derived independently of DisclosureCore: by a throwaway oracle on the
// `chinesecalendar` Python package (official schedules 2016–2026) with the statutory-only holidays of
// 《全国年节及纪念日放假办法》 (2024 revision) for unloaded years (2027: 元旦 01-01, 春节 02-05..02-08,
// 清明 04-05, 劳动节 05-01..02, 端午 06-09, 中秋 09-15, 国庆 10-01..03; no make-up days), implementing
// the rules of STATUTE.md §3 and its Interpretations. Rows marked "hand:" were also counted by hand.

// MARK: - Fixtures (names prefixed so they cannot clash with other test files of the target)

/// Package root, three levels above this file.
private let clockPackageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One shared calendar on the shipped official schedules Storage/calendar/2016.txt … 2026.txt.
private let clockCalendar: WorkCalendar = {
    let dir = clockPackageRoot.appendingPathComponent("Storage/calendar")
    let schedules = (2016...2026).map { year -> HolidaySchedule in
        let url = dir.appendingPathComponent("\(year).txt")
        do {
            let text = try String(contentsOf: url, encoding: .utf8)
            return try HolidaySchedule.parse(text, origin: "\(year).txt")
        } catch {
            fatalError("cannot load \(url.path): \(error)")
        }
    }
    return WorkCalendar(schedules: schedules)
}()

private func clockDay(_ s: String) -> CivilDate {
    guard let d = CivilDate(iso: s) else { fatalError("bad date literal in clock scenario: \(s)") }
    return d
}

/// One recorded step, written compactly for the tables.
enum ClockStep: Sendable {
    case correction(String, days: Int, served: String? = nil)
    case corrected(String)
    case consult(String, id: Int, served: String? = nil, party: ConsultParty = .thirdParty)
    case answer(String, id: Int, opinion: Opinion = .agree)
    case extend(String, days: Int)
    case deferTo(String, until: String)
    case fee(String, served: String? = nil)
    case paid(String)
    case draft(String)
    case review(String)
    case issue(String)
    /// Draft, review (by another person), issue and deliver on the same day.
    case reply(String)
    case archive(String)
    case reopen(String)
    case abandon(String, AbandonReason)

    var events: [CaseEvent] {
        func ev(_ on: String, _ a: Action, _ actor: String = "经办人甲") -> CaseEvent {
            CaseEvent(on: clockDay(on), action: a, actor: actor)
        }
        switch self {
        case let .correction(on, days, served):
            return [ev(on, .correctionRequested(items: "请明确所需信息的名称和文号", periodDays: days, served: served.map(clockDay)))]
        case let .corrected(on): return [ev(on, .correctionReceived)]
        case let .consult(on, id, served, party):
            return [ev(on, .consultationSent(id: id, party: party, to: "第\(id)号被征求意见方", served: served.map(clockDay)))]
        case let .answer(on, id, opinion): return [ev(on, .consultationAnswered(id: id, opinion: opinion))]
        case let .extend(on, days): return [ev(on, .extended(days: days, approvedBy: "办公室负责人", reason: "需要调档核实"), "经办人甲")]
        case let .deferTo(on, until): return [ev(on, .deferred(until: clockDay(until), reason: "申请数量明显超过合理范围"))]
        case let .fee(on, served): return [ev(on, .feeNoticed(basis: .pages, quantity: 150, amount: 1_700, served: served.map(clockDay)))]
        case let .paid(on): return [ev(on, .feePaid)]
        case let .draft(on): return [ev(on, .replyDrafted(outcome: .disclosed, basis: "附件提供", referTo: nil))]
        case let .review(on): return [ev(on, .replyReviewed(approved: true, comment: nil), "审核人乙")]
        case let .issue(on): return [ev(on, .replyIssued, "负责人丙")]
        case let .reply(on):
            return ClockStep.draft(on).events + ClockStep.review(on).events + ClockStep.issue(on).events
                + [ev(on, .delivered(method: .post))]
        case let .archive(on): return [ev(on, .archived)]
        case let .reopen(on): return [ev(on, .reopened(reason: "行政复议决定责令重新答复"))]
        case let .abandon(on, reason): return [ev(on, .abandoned(reason: reason))]
        }
    }
}

private func clockState(_ received: String, _ steps: [ClockStep]) -> CaseState {
    let app = Application(received: clockDay(received), channel: .inPerson,
                          applicant: Applicant(name: "王某", type: .person), request: "某路段拓宽工程的征收补偿方案")
    return CaseState(application: app, events: steps.flatMap(\.events), calendar: clockCalendar)
}

/// What the clock is waiting for, when it is suspended.
enum ExpectedSuspension: Sendable, Equatable {
    case correction(until: String)
    case fee(until: String)
    case thirdParty(id: Int, until: String)
}

struct ClockScenario: Sendable, CustomTestStringConvertible {
    var name: String
    var received: String
    var steps: [ClockStep] = []
    /// The due date, or nil when the clock is suspended.
    var due: String? = nil
    var suspended: ExpectedSuspension? = nil
    /// Working days stopped in the current round (consultations and paid fees, overlaps counted once).
    var stopped: Int? = nil
    var provisional = false
    /// The current round's start when it is not the receipt date.
    var roundStart: String? = nil
    var extensionDays: Int? = nil
    /// Each consultation's limit (15th working day after service), in order.
    var limits: [String]? = nil
    /// Each fee notice's last day to pay (20th working day after service), in order.
    var payBy: [String]? = nil
    /// The correction period's last day.
    var periodEnds: String? = nil

    var testDescription: String { "\(name) [received \(received)]" }
}

// MARK: - The scenarios

/// Receipts before 2019-05-15 are under the 2008 Regulation (STATUTE.md §9): their due dates are the
/// 15th working day, the hand counts below stopping at 15 (checked against the shipped schedules).
let clockScenarios: [ClockScenario] = [
    // hand: 2025-03-03 Mon: 4..7=4, 10..14=9, 17..21=14, 24..28=19, 31 Mon=20.
    ClockScenario(name: "plain: Monday in an ordinary March", received: "2025-03-03", due: "2025-03-31"),
    ClockScenario(name: "plain: Friday receipt, ordinary weeks", received: "2023-03-10", due: "2023-04-10"),
    ClockScenario(name: "plain: Wednesday in November", received: "2024-11-06", due: "2024-12-04"),
    // hand: 2026-02-13 Fri: 14 Sat(make-up)=1, [15..23 春节], 24 Tue=2, 25=3, 26=4, 27=5, 28 Sat(make-up)=6,
    // Mar 2..6=11, 9..13=16, 16=17, 17=18, 18=19, 19 Thu=20.
    ClockScenario(name: "SF 2026: Fri before, make-up Sat 02-14 and 02-28 count", received: "2026-02-13",
                  due: "2026-03-19"),
    ClockScenario(name: "SF 2026: received on make-up Sat 02-14", received: "2026-02-14", due: "2026-03-20"),
    ClockScenario(name: "SF 2026: received inside the holiday (02-18)", received: "2026-02-18", due: "2026-03-20"),
    ClockScenario(name: "SF 2025: Fri 01-24, make-up Sun 01-26 and Sat 02-08", received: "2025-01-24",
                  due: "2025-02-27"),
    // hand: 2024-02-04 Sun(make-up, start not counted): 5..9=5, [10..17 春节], 18 Sun(make-up)=6, 19..23=11,
    // 26..29=15, Mar 1=16, 4=17, 5=18, 6=19, 7 Thu=20.
    ClockScenario(name: "SF 2024: received on make-up Sun 02-04", received: "2024-02-04", due: "2024-03-07"),
    ClockScenario(name: "SF 2023: Fri 01-20 before the break, make-ups 01-28/29", received: "2023-01-20",
                  due: "2023-02-22"),
    ClockScenario(name: "SF 2022: Fri 01-28 before, make-ups Sat 01-29 Sun 01-30", received: "2022-01-28",
                  due: "2022-03-02"),
    ClockScenario(name: "SF 2021: Wed 02-10 before, make-up Sat 02-20", received: "2021-02-10", due: "2021-03-16"),
    // hand: 2020-01-23 Thu: [01-24..02-02 off, extended by 国办发明电〔2020〕1号], Feb 3..7=5, 10..14=10,
    // 17..21=15, 24..28=20 → Fri 02-28.
    ClockScenario(name: "SF 2020: extended COVID break 01-24..02-02", received: "2020-01-23", due: "2020-02-28"),
    ClockScenario(name: "SF 2019: Fri 02-01, make-ups Sat 02-02 Sun 02-03", received: "2019-02-01",
                  due: "2019-02-27"),
    ClockScenario(name: "SF 2018: received inside the break 02-19", received: "2018-02-19", due: "2018-03-13"),
    ClockScenario(name: "SF 2017: Thu 01-26, make-ups Sun 01-22 and Sat 02-04", received: "2017-01-26",
                  due: "2017-02-22"),
    ClockScenario(name: "SF 2016: Fri 02-05, make-ups Sat 02-06 Sun 02-14", received: "2016-02-05",
                  due: "2016-03-02"),
    // hand: 2020-09-25 Fri: 27 Sun(make-up)=1, 28=2, 29=3, 30=4, [10-01..08], 9 Fri=5, 10 Sat(make-up)=6,
    // 12..16=11, 19..23=16, 26=17, 27=18, 28=19, 29 Thu=20.
    ClockScenario(name: "ND 2020: merged 中秋国庆 10-01..10-08, make-ups 09-27 10-10", received: "2020-09-25",
                  due: "2020-10-29"),
    // hand: 2023-09-27 Wed: 28=1, [09-29..10-06], 7 Sat=2, 8 Sun=3, 9..13=8, 16..20=13, 23..27=18, 30=19, 31 Tue=20.
    ClockScenario(name: "ND 2023: merged 09-29..10-06, make-ups Sat 10-07 Sun 10-08", received: "2023-09-27",
                  due: "2023-10-31"),
    // hand: 2025-09-26 Fri: 28 Sun(make-up)=1, 29=2, 30=3, [10-01..08], 9=4, 10=5, 11 Sat(make-up)=6,
    // 13..17=11, 20..24=16, 27..30=20 → Thu 10-30.
    ClockScenario(name: "ND 2025: merged 10-01..10-08, make-ups Sun 09-28 Sat 10-11", received: "2025-09-26",
                  due: "2025-10-30"),
    ClockScenario(name: "ND 2025: received inside the break (10-03)", received: "2025-10-03", due: "2025-11-04"),
    ClockScenario(name: "ND 2024: Mon 09-30, make-ups 09-29 and Sat 10-12", received: "2024-09-30",
                  due: "2024-11-01"),
    ClockScenario(name: "ND 2019: Fri 09-27, make-ups Sun 09-29 Sat 10-12", received: "2019-09-27",
                  due: "2019-10-30"),
    ClockScenario(name: "ND 2026: 中秋 09-25..27 and 国庆 10-01..07, make-ups 09-20 10-10", received: "2026-09-18",
                  due: "2026-10-22"),
    ClockScenario(name: "ND 2026: received on the holiday 10-01", received: "2026-10-01", due: "2026-11-03"),
    // hand: 2025-04-28 Mon: 29=1, 30=2, [05-01..05], 6..9=6, 12..16=11, 19..23=16, 26..29=20 → Thu 05-29.
    ClockScenario(name: "May Day 2025: five days, make-up Sun 04-27", received: "2025-04-28", due: "2025-05-29"),
    ClockScenario(name: "May Day 2024: five days, make-ups Sun 04-28 Sat 05-11", received: "2024-04-26",
                  due: "2024-05-27"),
    ClockScenario(name: "May Day 2019: 05-01..05-04, make-up Sun 05-05", received: "2019-04-30", due: "2019-05-23"),
    ClockScenario(name: "May Day 2026: five days, make-up Sat 05-09", received: "2026-04-30", due: "2026-06-01"),
    // hand: 2025-03-01 Sat (start not counted): 3..7=5, 10..14=10, 17..21=15, 24..28=20 → Fri 03-28.
    ClockScenario(name: "weekend: received Saturday", received: "2025-03-01", due: "2025-03-28"),
    ClockScenario(name: "weekend: received Sunday", received: "2026-03-08", due: "2026-04-03"),
    // hand: 2026-12-15 Tue: 16..18=3, 21..25=8, 28..31=12, [Fri 2027-01-01 元旦, no make-up], Jan 4..8=17,
    // 11=18, 12=19, 13 Wed=20.
    ClockScenario(name: "year end 2026 -> provisional 2027 (元旦 only)", received: "2026-12-15",
                  due: "2027-01-13", provisional: true),
    ClockScenario(name: "year end: received 2026-12-31, all counted days in 2027", received: "2026-12-31",
                  due: "2027-01-29", provisional: true),
    // hand: 2027-01-25 Mon: 26..29=4, Feb 1..4=8, [Fri 02-05 除夕 .. Mon 02-08 初三], 9..12=12, 15..19=17,
    // 22=18, 23=19, 24 Wed=20.
    ClockScenario(name: "provisional 2027: statutory 春节 02-05..02-08, no make-ups", received: "2027-01-25",
                  due: "2027-02-24", provisional: true),
    // 2008 Regulation, art. 24: 15 working days for receipts up to 2019-05-14; from 2019-05-15, 20.
    // hand: 2019-05-14 Tue: 15..17=3, 20..24=8, 27..31=13, Jun 3=14, 4 Tue=15.
    ClockScenario(name: "2008: received 2019-05-14, the last day of the old Regulation", received: "2019-05-14",
                  due: "2019-06-04"),
    ClockScenario(name: "2019: received 2019-05-15, the revised Regulation's first day", received: "2019-05-15",
                  due: "2019-06-13"),
    // hand: 2019-03-04 Mon: 5..8=4, 11..15=9, 18..22=14, 25 Mon=15.
    ClockScenario(name: "2008: a co-producing agency's consultation does not stop the clock", received: "2019-03-04",
                  steps: [.consult("2019-03-06", id: 1, party: .agency)], due: "2019-03-25", limits: ["2019-03-27"]),
    ClockScenario(name: "2008: an unanswered third party holds the clock, with no limit", received: "2019-03-04",
                  steps: [.consult("2019-03-06", id: 1)], suspended: .thirdParty(id: 1, until: "2019-03-27"),
                  limits: ["2019-03-27"]),
    // hand: 03-05, 03-06 run (2); 03-07..04-30 stopped (39 working days); [05-01..05-04 劳动节],
    // Sun 05-05 (make-up)=3, 6..10=8, 13..17=13, 20=14, 21 Tue=15.
    ClockScenario(name: "2008: a third party answering after 39 working days stops the clock that long", received: "2019-03-04",
                  steps: [.consult("2019-03-06", id: 1), .answer("2019-04-30", id: 1)], due: "2019-05-21", stopped: 39,
                  limits: ["2019-03-27"]),
    ClockScenario(name: "before 2016: received 2015-12-15, provisional", received: "2015-12-15",
                  due: "2016-01-06", provisional: true),
    // hand: 2018-12-10 Mon: 11..14=4, 17..21=9, 24..28=14, 29 Sat(make-up)=15, [30, 31, Jan 1], Jan 2..4=18,
    // 7=19, 8 Tue=20. (2018-12-29/30/31 are named by the 2019 notice, 国办发明电〔2018〕15号.)
    ClockScenario(name: "2018/2019 元旦: make-up Sat 2018-12-29, holiday Mon 12-31", received: "2018-12-10",
                  due: "2018-12-29"),
    ClockScenario(name: "2018/2019 元旦: received Fri 2018-12-28", received: "2018-12-28", due: "2019-01-21"),
    // hand: 2018-12-29 Sat(make-up): [30 Sun, 31 Mon 元旦 holiday, Jan 1], Jan 2..4=3, 7..11=8, 14..18=13,
    // 21..25=18, 28=19, 29 Tue=20.
    ClockScenario(name: "2018/2019 元旦: received on make-up Sat 2018-12-29, Mon 12-31 is a holiday", received: "2018-12-29",
                  due: "2019-01-22"),
    ClockScenario(name: "2018/2019 元旦: received Sun 2018-12-30", received: "2018-12-30", due: "2019-01-22"),
    // hand: served 2026-03-06 Fri, 15 days: 9..13=5, 16..20=10, 23..27=15 → periodEnds Fri 03-27; no due date.
    ClockScenario(name: "correction pending: suspended until the period ends", received: "2026-03-02",
                  steps: [.correction("2026-03-04", days: 15, served: "2026-03-06")],
                  suspended: .correction(until: "2026-03-27"), periodEnds: "2026-03-27"),
    ClockScenario(name: "correction pending: period (default served) crosses May Day 2025", received: "2025-04-22",
                  steps: [.correction("2025-04-25", days: 10)],
                  suspended: .correction(until: "2025-05-13"), periodEnds: "2025-05-13"),
    ClockScenario(name: "correction restart crossing SF 2026", received: "2026-01-26",
                  steps: [.correction("2026-01-28", days: 10, served: "2026-01-29"), .corrected("2026-02-12")],
                  due: "2026-03-18", roundStart: "2026-02-12", periodEnds: "2026-02-12"),
    ClockScenario(name: "correction restart crossing ND 2024", received: "2024-09-10",
                  steps: [.correction("2024-09-12", days: 15), .corrected("2024-09-27")],
                  due: "2024-10-30", roundStart: "2024-09-27", periodEnds: "2024-10-10"),
    // hand: 2025-03-03: 4=1, 5=2 (sent), [stopped 6, 7, 10, 11, 12 = 5], 13=3, 14=4, 17..21=9, 24..28=14,
    // 31=15, Apr 1..3=18, [Fri 04-04 清明], 7=19, 8 Tue=20. Limit: 6, 7, 10..14, 17..21, 24..26 → Wed 03-26.
    ClockScenario(name: "consultation answered early", received: "2025-03-03",
                  steps: [.consult("2025-03-05", id: 1), .answer("2025-03-12", id: 1)],
                  due: "2025-04-08", stopped: 5, limits: ["2025-03-26"]),
    ClockScenario(name: "consultation answered late: stop only through the limit", received: "2025-03-03",
                  steps: [
                      .consult("2025-03-05", id: 1, served: "2025-03-07"),
                      .answer("2025-04-08", id: 1, opinion: .object),
                  ],
                  due: "2025-04-24", stopped: 17, limits: ["2025-03-28"]),
    ClockScenario(name: "consultation never answered: stop through 15th day after service", received: "2025-06-03",
                  steps: [.consult("2025-06-05", id: 1, served: "2025-06-09", party: .agency)],
                  due: "2025-07-24", stopped: 17, limits: ["2025-06-30"]),
    ClockScenario(name: "two overlapping consultations, different service dates", received: "2025-03-03",
                  steps: [
                      .consult("2025-03-05", id: 1, served: "2025-03-06"),
                      .consult("2025-03-10", id: 2, served: "2025-03-14", party: .agency),
                      .answer("2025-03-20", id: 1),
                  ],
                  due: "2025-04-30", stopped: 22, limits: ["2025-03-27", "2025-04-07"]),
    ClockScenario(name: "consultation crossing SF 2026, unanswered", received: "2026-01-26",
                  steps: [.consult("2026-02-02", id: 1, served: "2026-02-04")],
                  due: "2026-03-24", stopped: 17, limits: ["2026-03-03"]),
    ClockScenario(name: "consultation answered the day it was sent: no stop", received: "2025-11-03",
                  steps: [.consult("2025-11-05", id: 1, party: .agency), .answer("2025-11-05", id: 1, opinion: .none)],
                  due: "2025-12-01", stopped: 0, limits: ["2025-11-26"]),
    ClockScenario(name: "consultation sent on receipt day, answered across ND 2023", received: "2023-09-20",
                  steps: [.consult("2023-09-20", id: 1), .answer("2023-10-10", id: 1)],
                  due: "2023-11-07", stopped: 10, limits: ["2023-10-17"]),
    ClockScenario(name: "extension 5", received: "2025-03-03",
                  steps: [.extend("2025-03-20", days: 5)],
                  due: "2025-04-08", extensionDays: 5),
    ClockScenario(name: "extension 20 (10 + 10)", received: "2025-03-03",
                  steps: [.extend("2025-03-10", days: 10), .extend("2025-03-25", days: 10)],
                  due: "2025-04-28", extensionDays: 20),
    ClockScenario(name: "extension after an answered consultation", received: "2024-04-01",
                  steps: [
                      .consult("2024-04-02", id: 1),
                      .answer("2024-04-12", id: 1),
                      .extend("2024-05-06", days: 10),
                  ],
                  due: "2024-05-24", stopped: 7, extensionDays: 10, limits: ["2024-04-24"]),
    ClockScenario(name: "fee paid: stop from day after notice through payment", received: "2025-05-12",
                  steps: [.fee("2025-05-14", served: "2025-05-15"), .paid("2025-05-23")],
                  due: "2025-06-19", stopped: 7, payBy: ["2025-06-13"]),
    ClockScenario(name: "fee pending: suspended until 20th working day after service", received: "2025-09-15",
                  steps: [.fee("2025-09-17", served: "2025-09-19")],
                  suspended: .fee(until: "2025-10-23"), stopped: 0, payBy: ["2025-10-23"]),
    ClockScenario(name: "fee pending, default service, pay-by across ND 2025", received: "2025-09-22",
                  steps: [.fee("2025-09-24")],
                  suspended: .fee(until: "2025-10-28"), stopped: 0, payBy: ["2025-10-28"]),
    ClockScenario(name: "deferral fixes the due date", received: "2025-03-03",
                  steps: [.deferTo("2025-03-20", until: "2025-05-30")],
                  due: "2025-05-30"),
    ClockScenario(name: "deferral into 2027 is provisional", received: "2026-11-16",
                  steps: [.deferTo("2026-12-01", until: "2027-01-20")],
                  due: "2027-01-20", provisional: true),
    ClockScenario(name: "reopen after reply: new round from the reopen date", received: "2025-03-03",
                  steps: [.reply("2025-03-20"), .reopen("2025-06-03")],
                  due: "2025-07-01", roundStart: "2025-06-03"),
    ClockScenario(name: "reopen after archive, new consultation; old round's consultation and extension ignored", received: "2025-03-03",
                  steps: [
                      .consult("2025-03-04", id: 1),
                      .answer("2025-03-14", id: 1),
                      .extend("2025-03-20", days: 5),
                      .reply("2025-04-15"),
                      .archive("2025-04-18"),
                      .reopen("2025-09-22"),
                      .consult("2025-09-24", id: 2, served: "2025-09-25", party: .agency),
                  ],
                  due: "2025-11-17", stopped: 16, roundStart: "2025-09-22", limits: ["2025-03-25", "2025-10-22"]),
    ClockScenario(name: "reopen after archive, then extension 20 in the new round", received: "2024-01-08",
                  steps: [
                      .extend("2024-01-20", days: 20),
                      .reply("2024-02-28"),
                      .archive("2024-03-01"),
                      .reopen("2024-04-25"),
                      .extend("2024-05-20", days: 20),
                  ],
                  due: "2024-06-24", roundStart: "2024-04-25", extensionDays: 20),
    ClockScenario(name: "correction, then consultation, then extension", received: "2026-03-02",
                  steps: [
                      .correction("2026-03-03", days: 10, served: "2026-03-04"),
                      .corrected("2026-03-13"),
                      .consult("2026-03-17", id: 1, served: "2026-03-18"),
                      .answer("2026-03-31", id: 1),
                      .extend("2026-04-20", days: 15),
                  ],
                  due: "2026-05-20", stopped: 10, roundStart: "2026-03-13", extensionDays: 15, limits: ["2026-04-09"], periodEnds: "2026-03-18"),
    ClockScenario(name: "fee paid during a consultation (overlap counted once)", received: "2025-06-02",
                  steps: [
                      .consult("2025-06-04", id: 1, served: "2025-06-05"),
                      .fee("2025-06-09"),
                      .answer("2025-06-20", id: 1),
                      .paid("2025-06-30"),
                  ],
                  due: "2025-07-24", stopped: 18, limits: ["2025-06-26"], payBy: ["2025-07-07"]),
    ClockScenario(name: "fee pending during a consultation: suspended", received: "2025-06-02",
                  steps: [.consult("2025-06-04", id: 1), .fee("2025-06-09", served: "2025-06-10")],
                  suspended: .fee(until: "2025-07-08"), stopped: 15, limits: ["2025-06-25"], payBy: ["2025-07-08"]),
    ClockScenario(name: "correction restart then fee paid across ND 2025", received: "2025-09-01",
                  steps: [
                      .correction("2025-09-03", days: 5),
                      .corrected("2025-09-08"),
                      .fee("2025-09-24", served: "2025-09-25"),
                      .paid("2025-10-09"),
                  ],
                  due: "2025-10-20", stopped: 6, roundStart: "2025-09-08", payBy: ["2025-10-29"], periodEnds: "2025-09-10"),
]

// MARK: - workdaysLeft (as of a date on or after the last recorded step)

struct LeftCase: Sendable, CustomTestStringConvertible {
    var name: String
    var received: String
    var steps: [ClockStep]
    var asOf: String
    var due: String
    /// Working days of running clock in (asOf, due]; minus the working days in (due, asOf] when overdue.
    var left: Int
    var testDescription: String { "\(name) [as of \(asOf)]" }
}

let leftCases: [LeftCase] = [
    LeftCase(name: "left: on the receipt day", received: "2025-03-03", steps: [],
             asOf: "2025-03-03", due: "2025-03-31", left: 20),
    // hand: 2025-03-24 Mon → due: 25..28=4, 31=5, Apr 1..3=8, [04-04 清明], 7..11=13, 14..18=18, 21=19, 22=20.
    // As of Thu 04-03: 7..11=5, 14..18=10, 21, 22 → 12 left.
    LeftCase(name: "left: mid-period across Qingming 2025", received: "2025-03-24", steps: [],
             asOf: "2025-04-03", due: "2025-04-22", left: 12),
    LeftCase(name: "left: on the due date", received: "2025-03-03", steps: [],
             asOf: "2025-03-31", due: "2025-03-31", left: 0),
    LeftCase(name: "left: overdue by 3 working days", received: "2025-03-03", steps: [],
             asOf: "2025-04-03", due: "2025-03-31", left: -3),
    // hand: due Sun 2025-09-28 (make-up); as of Fri 10-10: 29, 30, [10-01..08], 9, 10 → 4 working days past due.
    LeftCase(name: "left: overdue across ND 2025", received: "2025-09-01", steps: [],
             asOf: "2025-10-10", due: "2025-09-28", left: -4),
    LeftCase(name: "left: on make-up Sat 2018-12-29 (12-31 is a holiday)", received: "2018-12-10", steps: [],
             asOf: "2018-12-29", due: "2018-12-29", left: 0),
    LeftCase(name: "left: consultation still open today", received: "2025-06-03", steps: [.consult("2025-06-05", id: 1, served: "2025-06-09", party: .agency)],
             asOf: "2025-06-16", due: "2025-07-24", left: 18),
]

// MARK: - Correction notice deadline: the 7th working day after receipt (art. 30)

let correctionNoticeCases: [(String, String)] = [
    // hand: 2026-02-13 Fri: 14 Sat(make-up)=1, [15..23], 24..27=5, 28 Sat(make-up)=6, Mar 2 Mon=7.
    ("2018-12-28", "2019-01-09"),
    ("2026-02-13", "2026-03-02"),
    ("2026-02-10", "2026-02-26"),
    ("2025-09-26", "2025-10-13"),
    ("2024-04-29", "2024-05-11"),
    ("2023-01-19", "2023-02-02"),
    ("2026-12-24", "2027-01-05"),
    ("2025-03-03", "2025-03-12"),
]

// MARK: - A few validation rules around the clock

struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var received: String
    var steps: [ClockStep]
    var check: ClockStep
    var today: String
    /// True when the step must be refused with `.ruleViolation`.
    var refused: Bool
    var warnings = 0
    var testDescription: String { name }
}

let ruleCases: [RuleCase] = [
    RuleCase(name: "extension beyond 20 working days in total is refused", received: "2025-03-03",
             steps: [.extend("2025-03-10", days: 15)], check: .extend("2025-03-20", days: 10), today: "2025-03-20", refused: true),
    RuleCase(name: "extension on the due date (2025-03-31) is allowed", received: "2025-03-03",
             steps: [], check: .extend("2025-03-31", days: 20), today: "2025-03-31", refused: false),
    RuleCase(name: "extension the day after the due date is refused", received: "2025-03-03",
             steps: [], check: .extend("2025-04-01", days: 5), today: "2025-04-01", refused: true),
    RuleCase(name: "extension while a fee is unpaid is refused", received: "2025-09-15",
             steps: [.fee("2025-09-17", served: "2025-09-19")], check: .extend("2025-09-22", days: 5), today: "2025-09-22", refused: true),
    RuleCase(name: "deferral to a date not after the current due date is refused", received: "2025-03-03",
             steps: [], check: .deferTo("2025-03-20", until: "2025-03-31"), today: "2025-03-20", refused: true),
    RuleCase(name: "a second correction notice is refused (one single notice)", received: "2025-03-03",
             steps: [.correction("2025-03-04", days: 10)], check: .correction("2025-03-05", days: 10), today: "2025-03-05", refused: true),
    RuleCase(name: "correction notice on the 7th working day (2026-03-02): no warning", received: "2026-02-13",
             steps: [], check: .correction("2026-03-02", days: 10), today: "2026-03-02", refused: false),
    RuleCase(name: "correction notice on the 8th working day (2026-03-03): late, warned", received: "2026-02-13",
             steps: [], check: .correction("2026-03-03", days: 10), today: "2026-03-03", refused: false, warnings: 1),
    RuleCase(name: "consulting while a correction is awaited is refused", received: "2026-03-02",
             steps: [.correction("2026-03-04", days: 15, served: "2026-03-06")], check: .consult("2026-03-09", id: 1),
             today: "2026-03-09", refused: true),
    RuleCase(name: "abandoning for want of correction on the period's last day (2026-03-27) is refused", received: "2026-03-02",
             steps: [.correction("2026-03-04", days: 15, served: "2026-03-06")], check: .abandon("2026-03-27", .correction),
             today: "2026-03-27", refused: true),
    RuleCase(name: "abandoning for want of correction the next working day is allowed", received: "2026-03-02",
             steps: [.correction("2026-03-04", days: 15, served: "2026-03-06")], check: .abandon("2026-03-30", .correction),
             today: "2026-03-30", refused: false),
    RuleCase(name: "abandoning for want of payment on pay-by day (2025-10-23) is refused", received: "2025-09-15",
             steps: [.fee("2025-09-17", served: "2025-09-19")], check: .abandon("2025-10-23", .fee), today: "2025-10-23", refused: true),
    RuleCase(name: "abandoning for want of payment after pay-by day is allowed", received: "2025-09-15",
             steps: [.fee("2025-09-17", served: "2025-09-19")], check: .abandon("2025-10-24", .fee), today: "2025-10-24", refused: false),
    RuleCase(name: "consultation answer after its limit (2025-03-28) is warned", received: "2025-03-03",
             steps: [.consult("2025-03-05", id: 1, served: "2025-03-07")], check: .answer("2025-04-08", id: 1, opinion: .object),
             today: "2025-04-08", refused: false, warnings: 1),
    RuleCase(name: "issuing while a consultation is open within its limit (2025-06-26) is refused", received: "2025-06-03",
             steps: [.consult("2025-06-05", id: 1), .draft("2025-06-10"), .review("2025-06-11")], check: .issue("2025-06-12"),
             today: "2025-06-12", refused: true),
    RuleCase(name: "issuing after the consultation limit passed unanswered is allowed", received: "2025-06-03",
             steps: [.consult("2025-06-05", id: 1), .draft("2025-06-27"), .review("2025-06-27")], check: .issue("2025-06-27"),
             today: "2025-06-27", refused: false),
]

// MARK: - Tests

@Suite("ClockScenario: statutory reply clock against the law")
struct ClockScenarioTests {
    @Test("enough scenarios")
    func tableSize() {
        #expect(clockScenarios.count >= 45)
        #expect(Set(clockScenarios.map(\.name)).count == clockScenarios.count, "scenario names are unique")
    }

    /// The days behind the 2018/2019 rows: the 2019 notice (国办发明电〔2018〕15号) names 2018-12-29 (Sat) a
    /// working day and 2018-12-30..2019-01-01 days off; the 2018 notice says nothing of them.
    @Test("days of 2018 named only by the 2019 notice", arguments: [("2018-12-29", true), ("2018-12-30", false), ("2018-12-31", false)])
    func neighbouringYearDays(_ date: String, _ working: Bool) {
        #expect(clockCalendar.isWorkday(clockDay(date)) == working)
    }

    @Test("reply clock", arguments: clockScenarios)
    func clock(_ s: ClockScenario) {
        let state = clockState(s.received, s.steps)
        let clock = state.clock
        #expect(clock.due?.description == s.due, "due date")
        let suspension: ExpectedSuspension? = clock.suspension.map {
            switch $0 {
            case let .correction(until): .correction(until: until.description)
            case let .fee(until): .fee(until: until.description)
            case let .thirdParty(id, until): .thirdParty(id: id, until: until.description)
            }
        }
        #expect(suspension == s.suspended, "suspension")
        #expect(clock.provisional == s.provisional, "provisional")
        #expect(clock.roundStart.description == (s.roundStart ?? s.received), "round start")
        #expect(clock.extensionDays == (s.extensionDays ?? 0), "extension days")
        if let stopped = s.stopped {
            #expect(clock.stops.reduce(0) { $0 + $1.workdays } == stopped, "stopped working days")
            for stop in clock.stops {
                #expect(stop.span.first > clock.roundStart, "a stop begins after the round start")
            }
        } else {
            #expect(clock.stops.isEmpty, "no stops")
        }
        if let limits = s.limits {
            #expect(state.consultations.map(\.limit.description) == limits, "consultation limits")
        }
        if let payBy = s.payBy {
            #expect(state.fees.map(\.payBy.description) == payBy, "fee pay-by dates")
        }
        #expect(state.correction?.periodEnds.description == s.periodEnds, "correction period end")
    }

    @Test("working days left", arguments: leftCases)
    func workdaysLeft(_ c: LeftCase) {
        let state = clockState(c.received, c.steps)
        #expect(state.clock.due?.description == c.due, "due date")
        #expect(state.workdaysLeft(asOf: clockDay(c.asOf), calendar: clockCalendar) == c.left, "working days left")
        #expect(state.isOverdue(asOf: clockDay(c.asOf)) == (clockDay(c.asOf) > clockDay(c.due)), "overdue")
    }

    @Test("correction notice due: 7th working day after receipt", arguments: correctionNoticeCases)
    func correctionNoticeDue(_ received: String, _ expected: String) {
        #expect(clockState(received, []).correctionNoticeDue.description == expected)
    }

    @Test("validation around the clock", arguments: ruleCases)
    func rules(_ c: RuleCase) {
        let state = clockState(c.received, c.steps)
        let events = c.check.events
        #expect(events.count == 1)
        guard let event = events.first else { return }
        do {
            let warnings = try Rules.check(event, on: state, calendar: clockCalendar, asOf: clockDay(c.today))
            #expect(!c.refused, "expected a rule violation, got \(warnings.count) warning(s)")
            #expect(warnings.count == c.warnings, "warnings: \(warnings.map(\.en))")
        } catch {
            #expect(c.refused, "unexpected refusal: \(error)")
            #expect(error.code == .ruleViolation, "\(error)")
        }
    }
}
