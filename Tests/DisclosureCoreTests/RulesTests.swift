import DisclosureCore
import Testing

/// A case received 2026-03-02 (Mon) in person; due 2026-03-30 on the plain clock.
let sampleApplication = Application(received: d("2026-03-02"), channel: .inPerson,
                                    applicant: Applicant(name: "张三", type: .person), request: "某项目环评批复")

func ev(_ on: String, _ action: Action, by actor: String = "王科员") -> CaseEvent {
    CaseEvent(on: d(on), action: action, actor: actor)
}

/// Applies events one by one through the rules, as the store does; fails the test if one is refused.
func replay(_ events: [CaseEvent], asOf: String = "2026-12-31") throws -> CaseState {
    var done: [CaseEvent] = []
    for e in events {
        let state = CaseState(application: sampleApplication, events: done, calendar: officialCalendar)
        _ = try Rules.check(e, on: state, calendar: officialCalendar, asOf: d(asOf))
        done.append(e)
    }
    return CaseState(application: sampleApplication, events: done, calendar: officialCalendar)
}

let draft1 = Action.replyDrafted(outcome: .disclosed, basis: "见本机关门户网站", referTo: nil)
let issuedReply: [CaseEvent] = [ev("2026-03-10", draft1), ev("2026-03-11", .replyReviewed(approved: true, comment: nil), by: "李主任"),
                                ev("2026-03-12", .replyIssued, by: "李主任")]

struct Refusal: CustomTestStringConvertible, Sendable {
    let name: String
    let before: [CaseEvent]
    let event: CaseEvent
    var asOf = "2026-12-31"
    var field: String?
    var testDescription: String { name }
}

@Suite("Rules refuse what the law does not allow")
struct RulesTests {
    static let refusals: [Refusal] = [
        Refusal(name: "step dated before receipt", before: [], event: ev("2026-03-01", .consultationSent(id: 1, party: .thirdParty, to: "甲公司", served: nil))),
        Refusal(name: "step dated in the future", before: [], event: ev("2026-03-20", .withdrawn), asOf: "2026-03-19"),
        Refusal(name: "second correction request", before: [ev("2026-03-03", .correctionRequested(items: "写明文号", periodDays: 10, served: nil)), ev("2026-03-05", .correctionReceived)],
                event: ev("2026-03-06", .correctionRequested(items: "再写明", periodDays: 10, served: nil)), field: "CASE"),
        Refusal(name: "correction received without request", before: [], event: ev("2026-03-05", .correctionReceived), field: "CASE"),
        Refusal(name: "correction received before it was requested", before: [ev("2026-03-05", .correctionRequested(items: "写明文号", periodDays: 10, served: nil))],
                event: ev("2026-03-04", .correctionReceived)),
        Refusal(name: "correction period of 0 days", before: [], event: ev("2026-03-03", .correctionRequested(items: "x", periodDays: 0, served: nil)), field: "period"),
        Refusal(name: "correction with empty items", before: [], event: ev("2026-03-03", .correctionRequested(items: "  ", periodDays: 5, served: nil)), field: "items"),
        Refusal(name: "answer to a consultation never sent", before: [], event: ev("2026-03-05", .consultationAnswered(id: 1, opinion: .agree)), field: "consultation"),
        Refusal(name: "answer dated before the letter", before: [ev("2026-03-05", .consultationSent(id: 1, party: .agency, to: "财政局", served: nil))],
                event: ev("2026-03-04", .consultationAnswered(id: 1, opinion: .agree))),
        Refusal(name: "second answer to one consultation", before: [ev("2026-03-05", .consultationSent(id: 1, party: .agency, to: "财政局", served: nil)), ev("2026-03-06", .consultationAnswered(id: 1, opinion: .agree))],
                event: ev("2026-03-07", .consultationAnswered(id: 1, opinion: .object)), field: "consultation"),
        Refusal(name: "consultation while awaiting correction", before: [ev("2026-03-03", .correctionRequested(items: "x", periodDays: 10, served: nil))],
                event: ev("2026-03-04", .consultationSent(id: 1, party: .thirdParty, to: "甲", served: nil)), field: "CASE"),
        Refusal(name: "extension above 20 working days at once", before: [], event: ev("2026-03-10", .extended(days: 21, approvedBy: "李主任", reason: "复杂")), field: "days"),
        Refusal(name: "extensions above 20 working days in total", before: [ev("2026-03-10", .extended(days: 15, approvedBy: "李主任", reason: "复杂"))],
                event: ev("2026-03-11", .extended(days: 6, approvedBy: "李主任", reason: "更复杂")), field: "days"),
        Refusal(name: "extension after the due date", before: [], event: ev("2026-03-31", .extended(days: 5, approvedBy: "李主任", reason: "复杂"))),
        Refusal(name: "extension without approver", before: [], event: ev("2026-03-10", .extended(days: 5, approvedBy: "", reason: "复杂")), field: "actor"),
        Refusal(name: "extension after a deferral", before: [ev("2026-03-10", .deferred(until: d("2026-05-29"), reason: "数量大"))],
                event: ev("2026-03-11", .extended(days: 5, approvedBy: "李主任", reason: "复杂")), field: "CASE"),
        Refusal(name: "deferral to a date before the due date", before: [], event: ev("2026-03-10", .deferred(until: d("2026-03-20"), reason: "数量大")), field: "until"),
        Refusal(name: "deferral after the due date", before: [], event: ev("2026-04-01", .deferred(until: d("2026-05-20"), reason: "数量大"))),
        Refusal(name: "extension while awaiting the fee", before: [ev("2026-03-05", .feeNoticed(basis: .pages, quantity: 100, amount: 700, served: nil))],
                event: ev("2026-03-06", .extended(days: 5, approvedBy: "李主任", reason: "x")), field: "CASE"),
        Refusal(name: "fee notice for a free quantity", before: [], event: ev("2026-03-05", .feeNoticed(basis: .pages, quantity: 20, amount: 0, served: nil)), field: "items/pages"),
        Refusal(name: "fee paid with no notice", before: [], event: ev("2026-03-05", .feePaid), field: "CASE"),
        Refusal(name: "review of no draft", before: [], event: ev("2026-03-05", .replyReviewed(approved: true, comment: nil), by: "李主任"), field: "CASE"),
        Refusal(name: "drafter approves own draft", before: [ev("2026-03-10", draft1)], event: ev("2026-03-11", .replyReviewed(approved: true, comment: nil)), field: "actor"),
        Refusal(name: "issue without approval", before: [ev("2026-03-10", draft1)], event: ev("2026-03-11", .replyIssued, by: "李主任"), field: "CASE"),
        Refusal(name: "issue after a returned draft", before: [ev("2026-03-10", draft1), ev("2026-03-11", .replyReviewed(approved: false, comment: "改"), by: "李主任")],
                event: ev("2026-03-12", .replyIssued, by: "李主任"), field: "CASE"),
        Refusal(name: "issue while a consultation is within its 15 days",
                before: [ev("2026-03-03", .consultationSent(id: 1, party: .thirdParty, to: "甲公司", served: nil)), ev("2026-03-10", draft1), ev("2026-03-11", .replyReviewed(approved: true, comment: nil), by: "李主任")],
                event: ev("2026-03-12", .replyIssued, by: "李主任"), field: "CASE"),
        Refusal(name: "refusal without a reason", before: [], event: ev("2026-03-10", .replyDrafted(outcome: .stateSecret, basis: nil, referTo: nil)), field: "basis"),
        Refusal(name: "4.3 without a correction", before: [], event: ev("2026-03-10", .replyDrafted(outcome: .unclearAfterCorrection, basis: "仍不明确", referTo: nil)), field: "outcome"),
        Refusal(name: "6.1 drafted as a reply", before: [], event: ev("2026-03-10", .replyDrafted(outcome: .abandonedCorrection, basis: nil, referTo: nil)), field: "outcome"),
        Refusal(name: "draft while awaiting correction", before: [ev("2026-03-03", .correctionRequested(items: "x", periodDays: 10, served: nil))],
                event: ev("2026-03-04", draft1), field: "CASE"),
        Refusal(name: "second draft while one awaits review", before: [ev("2026-03-10", draft1)], event: ev("2026-03-11", draft1), field: "CASE"),
        Refusal(name: "delivery before the reply is issued", before: [ev("2026-03-10", draft1)], event: ev("2026-03-11", .delivered(method: .post)), field: "CASE"),
        Refusal(name: "delivery dated before issue", before: issuedReply, event: ev("2026-03-11", .delivered(method: .post))),
        Refusal(name: "archive before delivery", before: issuedReply, event: ev("2026-03-13", .archived), field: "CASE"),
        Refusal(name: "archive of an open case", before: [], event: ev("2026-03-13", .archived), field: "CASE"),
        Refusal(name: "change after archive", before: issuedReply + [ev("2026-03-13", .delivered(method: .post)), ev("2026-03-14", .archived)],
                event: ev("2026-03-15", .consultationSent(id: 1, party: .agency, to: "财政局", served: nil)), field: "CASE"),
        Refusal(name: "reopen of an open case", before: [], event: ev("2026-03-15", .reopened(reason: "复议决定")), field: "CASE"),
        Refusal(name: "reopen without reason", before: issuedReply, event: ev("2026-03-15", .reopened(reason: "")), field: "reason"),
        Refusal(name: "withdrawal after the reply", before: issuedReply, event: ev("2026-03-15", .withdrawn), field: "CASE"),
        Refusal(name: "abandon for correction before the period ends", before: [ev("2026-03-03", .correctionRequested(items: "x", periodDays: 10, served: nil))],
                event: ev("2026-03-17", .abandoned(reason: .correction))),
        Refusal(name: "abandon for correction with none asked", before: [], event: ev("2026-03-17", .abandoned(reason: .correction)), field: "abandoned"),
        Refusal(name: "abandon for fee before the payment period ends", before: [ev("2026-03-05", .feeNoticed(basis: .pages, quantity: 100, amount: 700, served: nil))],
                event: ev("2026-04-02", .abandoned(reason: .fee))),
        Refusal(name: "blank actor", before: [], event: ev("2026-03-05", .withdrawn, by: " "), field: "actor"),
    ]

    @Test("refused, with the rule named and nothing derived from it", arguments: refusals)
    func refused(_ r: Refusal) throws {
        let state = try replay(r.before)
        do {
            _ = try Rules.check(r.event, on: state, calendar: officialCalendar, asOf: d(r.asOf))
            Issue.record("accepted: \(r.name)")
        } catch {
            #expect(error.code == .ruleViolation || error.code == .missingField || error.code == .invalidValue)
            #expect(error.field == (r.field ?? "on"), "\(r.name): field \(error.field ?? "nil")")
            #expect(!error.message.zh.isEmpty && !error.message.en.isEmpty)
        }
    }

    @Test("periods end exactly: abandonment is allowed the day after")
    func abandonmentBoundaries() throws {
        // Correction served 2026-03-03 (Tue) with 10 working days: the period ends 2026-03-17 (Tue).
        let state = try replay([ev("2026-03-03", .correctionRequested(items: "x", periodDays: 10, served: nil))])
        #expect(state.correction?.periodEnds == d("2026-03-17"))
        #expect(throws: DisclosureError.self) { try Rules.check(ev("2026-03-17", .abandoned(reason: .correction)), on: state, calendar: officialCalendar, asOf: d("2026-12-31")) }
        _ = try Rules.check(ev("2026-03-18", .abandoned(reason: .correction)), on: state, calendar: officialCalendar, asOf: d("2026-12-31"))
        // An extension on the due date itself is still in time.
        let plain = try replay([])
        #expect(plain.clock.due == d("2026-03-30"))
        _ = try Rules.check(ev("2026-03-30", .extended(days: 20, approvedBy: "李主任", reason: "复杂")), on: plain, calendar: officialCalendar, asOf: d("2026-12-31"))
    }

    @Test("late steps are allowed with a warning")
    func warnings() throws {
        // Correction notice due by the 7th working day after 2026-03-02: 2026-03-11.
        let plain = try replay([])
        #expect(plain.correctionNoticeDue == d("2026-03-11"))
        let onTime = try Rules.check(ev("2026-03-11", .correctionRequested(items: "x", periodDays: 10, served: nil)), on: plain, calendar: officialCalendar, asOf: d("2026-12-31"))
        #expect(onTime.isEmpty)
        let late = try Rules.check(ev("2026-03-12", .correctionRequested(items: "x", periodDays: 10, served: nil)), on: plain, calendar: officialCalendar, asOf: d("2026-12-31"))
        #expect(late.count == 1)
        let lateReply = try replay([ev("2026-04-01", draft1), ev("2026-04-01", .replyReviewed(approved: true, comment: nil), by: "李主任")])
        #expect(try Rules.check(ev("2026-04-02", .replyIssued, by: "李主任"), on: lateReply, calendar: officialCalendar, asOf: d("2026-12-31")).count == 1)
    }

    @Test("a reply on the day of receipt is allowed (当场答复)")
    func sameDay() throws {
        let s = try replay([ev("2026-03-02", draft1), ev("2026-03-02", .replyReviewed(approved: true, comment: nil), by: "李主任"), ev("2026-03-02", .replyIssued, by: "李主任")])
        #expect(s.status == .replied)
        #expect(s.outcome == .disclosed)
        #expect(!s.repliedLate)
    }

    @Test("a returned draft can be redrafted and then approved")
    func returnedDraft() throws {
        let s = try replay([ev("2026-03-10", draft1), ev("2026-03-11", .replyReviewed(approved: false, comment: "补充获取途径"), by: "李主任"),
                            ev("2026-03-12", .replyDrafted(outcome: .disclosed, basis: "见门户网站政府信息公开专栏", referTo: nil)),
                            ev("2026-03-13", .replyReviewed(approved: true, comment: nil), by: "李主任"), ev("2026-03-13", .replyIssued, by: "李主任")])
        #expect(s.status == .replied)
    }
}

@Suite("Registration warnings")
struct RegistrationWarningTests {
    @Test(
        "a reply already late when registered, and a counter or post receipt on a closed day, are pointed out",
        arguments: [
            ("2026-11-20", Channel.inPerson, "2026-11-20", [String]()),  // Friday, registered the same day
            ("2026-11-21", .post, "2026-11-23", ["不是工作日"]),  // Saturday
            ("2026-10-01", .inPerson, "2026-10-09", ["不是工作日"]),  // National Day
            ("2026-11-21", .online, "2026-11-23", []),  // online: the system's date, any day
            ("2026-09-01", .post, "2026-11-20", ["已过"]),  // due 2026-09-29, registered in November
        ])
    func warnings(_ received: String, _ channel: Channel, _ today: String, _ expected: [String]) {
        let a = Application(received: d(received), channel: channel, applicant: Applicant(name: "张三", type: .person),
                            request: "某项目环评批复")
        let state = CaseState(application: a, events: [], calendar: officialCalendar)
        let got = Rules.registrationWarnings(state, today: d(today), calendar: officialCalendar).map(\.zh)
        #expect(got.count == expected.count, "\(got)")
        for (g, e) in zip(got, expected) { #expect(g.contains(e), "\(g)") }
    }
}
