/// Where a case stands in the workflow of art. 45 (登记、审核、办理、答复、归档).
public enum CaseStatus: String, Sendable, Codable, CaseIterable, Vocabulary {
    case handling
    case awaitingCorrection = "awaiting-correction"
    case awaitingFee = "awaiting-fee"
    case consulting
    case drafted
    case approved
    case replied
    case delivered
    case closed
    case archived

    /// A reply is still owed (the clock matters).
    public var isOpen: Bool {
        switch self {
        case .handling, .awaitingCorrection, .awaitingFee, .consulting, .drafted, .approved: true
        case .replied, .delivered, .closed, .archived: false
        }
    }

    public var label: Text {
        switch self {
        case .handling: Text(zh: "办理中", en: "handling")
        case .awaitingCorrection: Text(zh: "待补正", en: "awaiting correction")
        case .awaitingFee: Text(zh: "待缴费", en: "awaiting fee")
        case .consulting: Text(zh: "征求意见中", en: "consulting")
        case .drafted: Text(zh: "待审核", en: "draft awaiting review")
        case .approved: Text(zh: "待签发", en: "approved, awaiting issue")
        case .replied: Text(zh: "已答复", en: "replied")
        case .delivered: Text(zh: "已送达", en: "delivered")
        case .closed: Text(zh: "已终止", en: "closed")
        case .archived: Text(zh: "已归档", en: "archived")
        }
    }
}

/// Statutory periods in working days, kept in one place (STATUTE.md §3).
public enum StatutoryPeriod {
    /// Reply period (art. 33).
    public static let reply = 20
    /// Deadline for the single correction notice (art. 30).
    public static let correctionNotice = 7
    /// A consulted party's time to answer (arts. 32, 34).
    public static let consultation = 15
    /// Most working days of extension in one reply round (art. 33).
    public static let maxExtension = 20
    /// The applicant's time to pay a fee after receiving the notice (国办函〔2020〕109号).
    public static let feePayment = 20
}

/// Which Regulation governs a case (STATUTE.md §9): the revised one took effect on 2019-05-15; an
/// application received before that day is handled under the 2008 Regulation (国务院令第492号).
public enum Regulation: String, Sendable, Codable, Hashable {
    case of2008 = "2008"
    case of2019 = "2019"

    public static let revisionEffective = CivilDate(year: 2019, month: 5, day: 15)!

    public static func governing(received: CivilDate) -> Regulation {
        received < revisionEffective ? .of2008 : .of2019
    }

    /// The reply period in working days (2008 art. 24: 15; 2019 art. 33: 20).
    public var replyDays: Int { self == .of2008 ? 15 : StatutoryPeriod.reply }
    /// The most working days of extension for the case (2008: 15; 2019: 20).
    public var maxExtension: Int { self == .of2008 ? 15 : StatutoryPeriod.maxExtension }
    /// The article that sets the period and the extension.
    public var periodArticle: Text {
        self == .of2008 ? Text(zh: "2008年条例第二十四条", en: "art. 24 of the 2008 Regulation")
                        : Text(zh: "条例第三十三条", en: "art. 33")
    }
    public var label: Text {
        self == .of2008 ? Text(zh: "2008年《政府信息公开条例》（国务院令第492号）", en: "the 2008 Regulation (State Council Decree 492)")
                        : Text(zh: "2019年修订的《政府信息公开条例》", en: "the 2019 revised Regulation")
    }
}

/// One consultation and its statutory limit.
public struct Consultation: Sendable, Hashable, Codable {
    public let id: Int
    public let party: ConsultParty
    public let to: String
    public let sent: CivilDate
    public let served: CivilDate
    /// The 15th working day after service (under the 2008 Regulation only a reminder: no limit was set).
    public let limit: CivilDate
    /// A third party consulted under the 2008 Regulation: the clock stands still until the office
    /// records the answer or that it proceeds without one, however long that takes.
    public var openEnded = false
    public var answered: CivilDate?
    public var opinion: Opinion?
    /// Open on `date`: sent, not answered by then, and within its limit.
    public func isOpen(on date: CivilDate) -> Bool {
        if let a = answered, a <= date { return false }
        return openEnded || date <= limit
    }
    /// The last day the clock stands still for this consultation (art. 33, see STATUTE.md §3).
    public var stopsThrough: CivilDate {
        guard let a = answered else { return limit }
        return openEnded ? a : min(a, limit)
    }
}

/// A 行政复议 or 行政诉讼 about the case.
public struct Remedy: Sendable, Hashable, Codable {
    public let id: Int
    public let kind: RemedyKind
    public let body: String
    public let filed: CivilDate
    public var decided: CivilDate?
    public var result: RemedyResult?
}

/// A period during which the reply clock does not run.
public struct ClockStop: Sendable, Hashable, Codable {
    public enum Reason: String, Sendable, Codable { case consultation, fee }
    public let reason: Reason
    /// The consultation's number, for consultation stops.
    public let consultation: Int?
    public let span: DateSpan
    /// Working days inside the span that do not also lie in an earlier stop.
    public let workdays: Int
}

/// Why the current reply round started when it did.
public enum RoundStart: String, Sendable, Codable {
    case received
    case correctionReceived = "correction-received"
    case reopened
}

/// The clock is waiting for the applicant, so no due date runs.
public enum Suspension: Sendable, Hashable, Codable {
    /// Waiting for the corrected application until the end of the correction period.
    case correction(until: CivilDate)
    /// Waiting for the fee until the end of the payment period.
    case fee(until: CivilDate)
    /// Waiting for a third party consulted under the 2008 Regulation, which set it no limit; `until`
    /// is the day to chase it (15 working days after service).
    case thirdParty(id: Int, until: CivilDate)
    public var until: CivilDate {
        switch self {
        case let .correction(d), let .fee(d), let .thirdParty(_, d): d
        }
    }
}

/// How the due date was computed: the inputs, so an officer can check it by hand.
public struct Clock: Sendable, Hashable, Codable {
    public let roundStart: CivilDate
    public let startReason: RoundStart
    public let baseDays: Int
    public let extensionDays: Int
    public let stops: [ClockStop]
    public let deferredTo: CivilDate?
    /// nil while suspended.
    public let due: CivilDate?
    public let suspension: Suspension?
    /// Some day the computation relied on lies in a year with no official schedule loaded.
    public let provisional: Bool
}

/// The correction (补正) of a case, if one was requested.
public struct Correction: Sendable, Hashable, Codable {
    public let requested: CivilDate
    public let items: String
    public let periodDays: Int
    public let served: CivilDate
    /// The last day the applicant may correct.
    public let periodEnds: CivilDate
    public var received: CivilDate?
}

/// A fee notice and whether it was paid.
public struct FeeNotice: Sendable, Hashable, Codable {
    public let noticed: CivilDate
    public let basis: FeeBasis
    public let quantity: Int
    public let amount: Int
    public let served: CivilDate
    /// The last day to pay: the 20th working day after service.
    public let payBy: CivilDate
    public var paid: CivilDate?
}

/// A reply in preparation or issued.
public struct Reply: Sendable, Hashable, Codable {
    public var outcome: Outcome
    public var basis: String?
    public var referTo: String?
    public var drafted: CivilDate
    public var drafter: String
    public var drafterID: Int?
    public var reviewed: CivilDate?
    public var approved: Bool
    public var reviewer: String?
    public var reviewerID: Int?
    public var issued: CivilDate?
    public var delivered: CivilDate?
    public var deliveryMethod: DeliveryMethod?
}

/// Everything Core derives from a case's registration and events.
/// A reply as issued: the day, and whether that was after its round's due date.
public struct IssuedReply: Sendable, Hashable {
    public let issued: CivilDate
    public let late: Bool
}

public struct CaseState: Sendable, Hashable {
    public let application: Application
    /// The Regulation the case is handled under, by its receipt date.
    public let regulation: Regulation
    public private(set) var status: CaseStatus = .handling
    /// 1 for the first reply round, +1 for each reopening.
    public private(set) var round = 1
    public private(set) var roundStart: CivilDate
    public private(set) var startReason: RoundStart = .received
    public private(set) var correction: Correction?
    public private(set) var consultations: [Consultation] = []
    public private(set) var fees: [FeeNotice] = []
    public private(set) var reply: Reply?
    /// The final outcome while the case is closed; nil while a reply is owed.
    public private(set) var outcome: Outcome?
    /// The day the case was closed (reply issued, withdrawn, abandoned).
    public private(set) var closedOn: CivilDate?
    public private(set) var archived: CivilDate?
    /// Outcomes of earlier rounds, oldest first.
    public private(set) var earlierOutcomes: [Outcome] = []
    /// Replies issued in earlier rounds, oldest first, each judged against its own round's due date.
    public private(set) var earlierReplies: [IssuedReply] = []
    /// 行政复议 and 行政诉讼 about the case, in the order filed.
    public private(set) var remedies: [Remedy] = []
    /// The reasons given for the current round's latest extension and deferral (for the notices).
    public private(set) var lastExtensionReason = ""
    public private(set) var lastDeferralReason = ""
    public private(set) var lastEventDate: CivilDate
    /// The handler the case was last assigned to, by account name.
    public private(set) var handler: String?
    private var roundExtensions: Int = 0
    /// Extensions granted over all rounds: the statutory cap is for the case (STATUTE.md §3).
    private var caseExtensions: Int = 0
    private var roundDeferral: CivilDate?
    private var roundFirstConsultation: Int = 0
    private var roundFirstFee: Int = 0
    public private(set) var clock: Clock
    /// The last day to send the single correction notice (7 working days after receipt).
    public let correctionNoticeDue: CivilDate

    /// The case's amendments (`amend`), proposed and decided.
    public private(set) var amendments: [Amendment] = []
    /// The registration and steps as recorded, before any amendment: a later approval replays them.
    private let recordedApplication: Application
    public private(set) var steps: [CaseEvent]

    /// Derives the state by replaying `events` in order on `calendar`; events are assumed valid.
    /// Approved amendments are applied first: the case is what it would be had the facts been right.
    public init(application recorded: Application, events recordedEvents: [CaseEvent], calendar: WorkCalendar) {
        self.recordedApplication = recorded
        self.steps = recordedEvents
        let (application, events) =
            Amendments.anyApproved(recordedEvents)
            ? Amendments.applied(recorded, recordedEvents) : (recorded, recordedEvents)
        self.application = application
        self.regulation = Regulation.governing(received: application.received)
        self.roundStart = application.received
        self.lastEventDate = application.received
        self.correctionNoticeDue = calendar.addingWorkdays(StatutoryPeriod.correctionNotice, after: application.received).date
        self.clock = Clock(roundStart: application.received, startReason: .received, baseDays: regulation.replyDays,
                           extensionDays: 0, stops: [], deferredTo: nil, due: nil, suspension: nil, provisional: false)
        for e in events { apply(e, calendar: calendar) }
        self.clock = computeClock(calendar: calendar)
        self.status = deriveStatus(asOf: lastEventDate)
    }

    /// Adds one more event, as replaying all of them again would, at the cost of one.
    public mutating func append(_ event: CaseEvent, calendar: WorkCalendar) {
        // An approved amendment changes earlier facts: the case is replayed from the start.
        if case .amendmentDecided(_, true) = event.action {
            self = CaseState(application: recordedApplication, events: steps + [event], calendar: calendar)
            return
        }
        steps.append(event)
        apply(event, calendar: calendar)
        clock = computeClock(calendar: calendar)
        status = deriveStatus(asOf: lastEventDate)
    }

    /// The steps as every view takes them: with the approved amendments applied.
    public var effectiveSteps: [CaseEvent] {
        Amendments.anyApproved(steps) ? Amendments.applied(recordedApplication, steps).1 : steps
    }

    /// The extension working days granted on the case so far, in every round (the cap is 20).
    public var extensionDaysUsed: Int { caseExtensions }

    /// The consultations of the current round still waiting on `date`.
    public func openConsultations(on date: CivilDate) -> [Consultation] {
        consultations[roundFirstConsultation...].filter { $0.sent <= date && $0.isOpen(on: date) }
    }

    /// The unpaid fee notice of the current round, if any.
    public var pendingFee: FeeNotice? {
        fees[roundFirstFee...].last(where: { $0.paid == nil })
    }

    public var awaitingCorrection: Bool { correctionPending && closedOn == nil }

    /// A correction was asked for and never came: the clock never started, whether or not the case
    /// was closed since. Judged from the events alone (not from `status`, which lags one event behind
    /// while an event is applied), so that one more event gives what replaying them all gives.
    var correctionPending: Bool { round == 1 && correction != nil && correction?.received == nil }

    /// The day that matters next on the deadline board: the due date, or the applicant's limit while suspended.
    public var nextDeadline: CivilDate? {
        guard status.isOpen else { return nil }
        return clock.due ?? clock.suspension?.until
    }

    /// Status as seen on `date`: consultations whose limit has passed no longer hold a case in `consulting`.
    public func status(asOf date: CivilDate) -> CaseStatus { deriveStatus(asOf: date) }

    /// True when the reply is owed and `date` is after the due date.
    public func isOverdue(asOf date: CivilDate) -> Bool {
        guard status.isOpen, let due = clock.due else { return false }
        return date > due
    }

    /// Working days the reply took: from the round's start to the reply, stopped days not counted.
    public func replyWorkdays(calendar: WorkCalendar) -> Int? {
        guard let issued = reply?.issued else { return nil }
        let stopped = clock.stops.map { $0.span.first.dayNumber...$0.span.last.dayNumber }
        return calendar.workdays(after: clock.roundStart, through: issued, stopped: { d in
            let n = d.dayNumber
            return stopped.contains { $0.contains(n) }
        })
    }

    /// Every reply issued on the case, of earlier rounds and the current one, oldest first.
    public var repliesIssued: [IssuedReply] {
        guard let issued = reply?.issued else { return earlierReplies }
        return earlierReplies + [IssuedReply(issued: issued, late: repliedLate)]
    }

    /// Whether the case's reply was issued after its due date.
    public var repliedLate: Bool {
        guard let issued = reply?.issued, let due = clock.due else { return false }
        return issued > due
    }

    // MARK: - Replay

    private mutating func apply(_ e: CaseEvent, calendar: WorkCalendar) {
        // An amendment is no procedural step: it moves no date the case's status is judged on.
        switch e.action {
        case let .amendmentProposed(id, step, field, value, reason):
            if let f = AmendableField(rawValue: field) {
                amendments.append(
                    Amendment(id: id, step: step, field: f, value: value, reason: reason, proposed: e.on,
                              proposer: e.recorder))
            }
            return
        case let .amendmentDecided(id, approved):
            if let i = amendments.firstIndex(where: { $0.id == id }) {
                amendments[i].approved = approved
                amendments[i].decided = e.on
            }
            return
        default: break
        }
        lastEventDate = max(lastEventDate, e.on)
        switch e.action {
        case .amendmentProposed, .amendmentDecided: break
        case let .correctionRequested(items, period, served):
            let s = served ?? e.on
            correction = Correction(requested: e.on, items: items, periodDays: period, served: s,
                                    periodEnds: calendar.addingWorkdays(period, after: s).date, received: nil)
        case .correctionReceived:
            correction?.received = e.on
            roundStart = e.on
            startReason = .correctionReceived
        case let .consultationSent(id, party, to, served):
            let s = served ?? e.on
            var c = Consultation(id: id, party: party, to: to, sent: e.on, served: s,
                                 limit: calendar.addingWorkdays(StatutoryPeriod.consultation, after: s).date)
            c.openEnded = regulation == .of2008 && party == .thirdParty
            consultations.append(c)
        case let .consultationAnswered(id, opinion):
            if let i = consultations.firstIndex(where: { $0.id == id }) {
                consultations[i].answered = e.on
                consultations[i].opinion = opinion
            }
        case let .extended(days, _, reason):
            roundExtensions += days
            caseExtensions += days
            lastExtensionReason = reason
        case let .deferred(until, reason):
            roundDeferral = until
            lastDeferralReason = reason
        case let .feeNoticed(basis, quantity, amount, served):
            let s = served ?? e.on
            fees.append(FeeNotice(noticed: e.on, basis: basis, quantity: quantity, amount: amount, served: s,
                                  payBy: calendar.addingWorkdays(StatutoryPeriod.feePayment, after: s).date))
        case .feePaid:
            if let i = fees.lastIndex(where: { $0.paid == nil }) { fees[i].paid = e.on }
        case let .replyDrafted(outcome, basis, referTo):
            reply = Reply(outcome: outcome, basis: basis, referTo: referTo, drafted: e.on, drafter: e.actor,
                          drafterID: e.accountID, reviewed: nil, approved: false, reviewer: nil, reviewerID: nil, issued: nil, delivered: nil, deliveryMethod: nil)
        case let .replyReviewed(approved, _):
            reply?.reviewed = e.on
            reply?.approved = approved
            reply?.reviewer = e.actor
            reply?.reviewerID = e.accountID
        case .replyIssued:
            reply?.issued = e.on
            outcome = reply?.outcome
            closedOn = e.on
        case let .delivered(method):
            reply?.delivered = e.on
            reply?.deliveryMethod = method
        case .archived:
            archived = e.on
        case .reopened:
            startNewRound(on: e.on, calendar: calendar)
        case let .remedyFiled(id, kind, body):
            remedies.append(Remedy(id: id, kind: kind, body: body, filed: e.on))
        case let .remedyDecided(id, result):
            if let i = remedies.firstIndex(where: { $0.id == id }) {
                remedies[i].decided = e.on
                remedies[i].result = result
            }
            // A decision that corrects the office sends a closed case back for a new reply.
            if result == .corrected, closedOn != nil { startNewRound(on: e.on, calendar: calendar) }
        case .withdrawn:
            outcome = .otherHandling
            closedOn = e.on
        case let .abandoned(reason):
            outcome = reason.outcome
            closedOn = e.on
        case let .assigned(handler):
            self.handler = handler
        }
    }

    private mutating func startNewRound(on day: CivilDate, calendar: WorkCalendar) {
        if let o = outcome { earlierOutcomes.append(o) }
        // The round's due date is known only from its own steps: judged now, before they are left behind.
        if let issued = reply?.issued {
            let due = computeClock(calendar: calendar).due
            earlierReplies.append(IssuedReply(issued: issued, late: due.map { issued > $0 } ?? false))
        }
        outcome = nil
        closedOn = nil
        archived = nil
        reply = nil
        round += 1
        roundStart = day
        startReason = .reopened
        roundExtensions = 0
        roundDeferral = nil
        roundFirstConsultation = consultations.count
        roundFirstFee = fees.count
    }

    private func deriveStatus(asOf date: CivilDate) -> CaseStatus {
        if archived != nil { return .archived }
        if closedOn != nil {
            guard let r = reply, r.issued != nil else { return .closed }
            return r.delivered != nil ? .delivered : .replied
        }
        if awaitingCorrection { return .awaitingCorrection }
        if pendingFee != nil { return .awaitingFee }
        if let r = reply {
            if r.approved { return .approved }
            if r.reviewed == nil { return .drafted }
        }
        if !openConsultations(on: date).isEmpty { return .consulting }
        return .handling
    }

    private func computeClock(calendar: WorkCalendar) -> Clock {
        var stops: [ClockStop] = []
        // Stopped days as day-number ranges: few, so a scan is cheaper than hashing each day.
        var stopped: [ClosedRange<Int>] = []
        var suspension: Suspension?
        var provisional = calendar.isProvisional(roundStart)
        let startDay = roundStart.dayNumber

        func isStopped(_ n: Int) -> Bool {
            for r in stopped where r.contains(n) { return true }
            return false
        }
        func addStop(_ reason: ClockStop.Reason, _ id: Int?, _ span: DateSpan) {
            // Only days after the round's start can stop a clock that starts then.
            let first = max(span.first.dayNumber, startDay + 1)
            let last = span.last.dayNumber
            guard first <= last else { return }
            var fresh = 0
            for n in first...last where !isStopped(n) {
                if calendar.isWorkday(dayNumber: n) { fresh += 1 }
                provisional = provisional || calendar.isProvisional(dayNumber: n)
            }
            stopped.append(first...last)
            stops.append(ClockStop(reason: reason, consultation: id, span: DateSpan(CivilDate(dayNumber: first), span.last), workdays: fresh))
        }

        for c in consultations[roundFirstConsultation...] {
            // 2008 art. 24 para 3: only the time for consulting a third party is not counted.
            if regulation == .of2008 && c.party != .thirdParty { continue }
            if c.openEnded && c.answered == nil {
                suspension = .thirdParty(id: c.id, until: c.limit)
                continue
            }
            addStop(.consultation, c.id, DateSpan(c.sent.next, c.stopsThrough))
        }
        for f in fees[roundFirstFee...] {
            if let paid = f.paid {
                addStop(.fee, nil, DateSpan(f.noticed.next, paid))
            } else {
                suspension = .fee(until: f.payBy)
            }
        }
        if correctionPending, let c = correction {
            suspension = .correction(until: c.periodEnds)
        }

        var due: CivilDate?
        if suspension == nil {
            if let deferral = roundDeferral {
                due = deferral
                provisional = provisional || calendar.isProvisional(deferral)
            } else {
                let r = calendar.addingWorkdays(regulation.replyDays + roundExtensions, afterDay: startDay, stopped: isStopped)
                due = r.date
                provisional = provisional || r.provisional
            }
        }
        return Clock(roundStart: roundStart, startReason: startReason, baseDays: regulation.replyDays,
                     extensionDays: roundExtensions, stops: stops, deferredTo: roundDeferral,
                     due: due, suspension: suspension, provisional: provisional)
    }

    /// Working days of running clock left from `date` to the due date; negative when overdue.
    public func workdaysLeft(asOf date: CivilDate, calendar: WorkCalendar) -> Int? {
        guard let due = clock.due else { return nil }
        return Deadline.workdaysLeft(due: due, asOf: date,
                                     stoppedThrough: openConsultations(on: date).map(\.limit).max(), calendar: calendar)
    }
}

/// Counting what is left of a period, shared by the case view and the deadline board.
public enum Deadline {
    /// Working days of running clock in (asOf, due]; negative (working days past due) when overdue.
    ///
    /// Consultations still waiting on `asOf` were all sent on or before it, so from tomorrow on
    /// they stop the clock as one block through the latest limit, `stoppedThrough`.
    public static func workdaysLeft(due: CivilDate, asOf: CivilDate, stoppedThrough: CivilDate?,
                                    calendar: WorkCalendar) -> Int {
        if asOf <= due {
            return calendar.workdays(after: asOf, through: due, stopped: { d in stoppedThrough.map { d <= $0 } ?? false })
        }
        return -calendar.workdays(after: due, through: asOf)
    }
}
