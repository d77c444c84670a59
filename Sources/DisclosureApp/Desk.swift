import DisclosureCore
import DisclosureStore

/// The application layer: every use case, for whoever is signed in, on the office's clock. Front
/// ends translate input, call one method, and render its result; every rule is here or in Core.
public final class Desk {
    /// The office's database, behind the use cases.
    let store: Store
    public let clock: any OfficeClock
    /// The signed-in account, if the session is valid.
    public let account: Account?
    /// Why there is no signed-in account, for the refusal of a write.
    let sessionProblem: Text
    /// Set when the server opened the desk for a request: its session and the caller's address.
    var server: ServerContext?

    public var calendar: WorkCalendar { store.calendar }
    public var office: Office { store.office }

    init(store: Store, clock: any OfficeClock, account: Account?, sessionProblem: Text) {
        self.store = store
        self.clock = clock
        self.account = account
        self.sessionProblem = sessionProblem
    }

    /// Opens the office's database, signed in by the session `ticket` gives for the database's
    /// identity, when that session is valid now.
    public static func open(
        path: String, clock: any OfficeClock = SystemClock(), readOnly: Bool = false,
        ticket: (_ instanceID: String) -> SessionTicket? = { _ in nil }
    ) throws(DisclosureError) -> Desk {
        let store = try Store.open(path: path, readOnly: readOnly)
        guard let session = ticket(try store.instanceID()) else {
            return Desk(
                store: store, clock: clock, account: nil,
                sessionProblem: Text(zh: "尚未登录", en: "nobody is signed in"))
        }
        let (account, problem) = try Sessions.resolve(session, store: store, now: clock.now())
        return Desk(store: store, clock: clock, account: account, sessionProblem: problem ?? Text(zh: "", en: ""))
    }

    /// The database file and its companions: no output may ever replace one of them.
    public var databaseFiles: [String] { [store.path, store.path + "-wal", store.path + "-shm", store.path + "-journal"] }

    /// Today in the office (China time), from the clock: no option can move it.
    public var today: CivilDate { clock.now().day }

    /// While a server serves the database, nothing is changed through the file itself.
    func refuseLocalChangeIfServed() throws(DisclosureError) {
        guard server == nil, let url = try store.serverURL() else { return }
        throw DisclosureError(
            .servedByServer, field: "database",
            zh: "本数据库由服务器 \(url) 管理，不能在本地直接修改；请登录该服务器办理",
            en: "this database is served by \(url) and is not changed locally; sign in to that server")
    }

    /// The signed-in account, if it may run `useCase`; a change (not `reading`) made locally is refused
    /// while a server serves the database.
    func signedIn(_ useCase: UseCase, reading: Bool = false) throws(DisclosureError) -> Account {
        if !reading { try refuseLocalChangeIfServed() }
        guard let account else {
            throw DisclosureError(
                .unauthenticated, field: "session",
                zh: "\(sessionProblem.zh)，不能\(useCase.label.zh)；请先以本人账号登录",
                en: "\(sessionProblem.en); signing in with your own account is needed to \(useCase.label.en)")
        }
        try useCase.authorise(account)
        try requireSecondFactorIfDue(account)
        return account
    }

    func ref(_ a: Account) -> ActorRef { ActorRef(name: a.name, accountID: a.id) }

    /// Another agency's case, imported for reference, is that agency's to work: read-only here.
    func requireOwn(_ number: CaseNumber) throws(DisclosureError) {
        if let agency = number.agency, agency != store.office.code {
            throw DisclosureError(
                .forbidden, field: "CASE",
                zh: "案件\(number)是从其他机关（\(agency)）导入的，在本机关只读，不能办理或添加附件",
                en: "case \(number) was imported from another agency (\(agency)); it is read-only here")
        }
    }

    // MARK: - Registration and steps

    /// Registers an application received on its art. 31 date; warns of a likely repeat application.
    public func register(
        _ application: Application, lateEntry: String? = nil
    ) throws(DisclosureError)
        -> (record: CaseRecord, warnings: [Text])
    {
        try application.validate()
        let account = try signedIn(.register)
        let now = clock.now()
        let today = now.day
        if application.received > today {
            throw DisclosureError(
                .ruleViolation, field: "received",
                zh: "收到日期\(application.received)晚于今天（\(today)），不能登记尚未收到的申请",
                en: "the receipt date \(application.received) is after today (\(today)); "
                    + "an application cannot be registered before it arrives")
        }
        try Rules.checkLateEntry(on: application.received, reason: lateEntry, today: today, calendar: calendar)
        let record = try store.register(
            application, actor: ref(account), lateEntry: lateEntry, today: today, now: now.stamp)
        return (
            record,
            Rules.registrationWarnings(record.state, today: today, calendar: calendar) + (try repeatWarnings(record))
        )
    }

    /// Art. 36(6): the same applicant asking again for what was already answered.
    func repeatWarnings(_ record: CaseRecord) throws(DisclosureError) -> [Text] {
        let a = record.application
        return try store.repliedRequests(
            applicant: a.applicant.name, idNumber: a.applicant.idNumber, except: record.number
        )
        .filter { Similarity.similar($0.request, a.request) }
        .map { p in
            Text(
                zh: "该申请人曾于\(p.received)提出相似申请（\(p.number)，已答复，结果\(p.outcome?.rawValue ?? "—")）；"
                    + "如属重复申请，可按5.2“重复申请”答复（条例第三十六条第六项）",
                en: "this applicant made a similar request on \(p.received) (\(p.number), replied, outcome "
                    + "\(p.outcome?.rawValue ?? "—")); if it is a repeat, reply with 5.2 (art. 36(6))")
        }
    }

    /// Records one step on a case, dated `on` (default today); returns the case and any warnings.
    public func record(
        _ step: Step, on number: CaseNumber, date: CivilDate? = nil,
        lateEntry: String? = nil
    ) throws(DisclosureError) -> (record: CaseRecord, warnings: [Text]) {
        let account = try signedIn(UseCase.of(step))
        try requireOwn(number)
        let now = clock.now()
        let on = date ?? now.day
        var assignee: Account?
        if case .assign(let name) = step {
            assignee = try handlerAccount(name)
        }
        if case .review(let approve, let comment) = step, !approve,
            comment.map({ $0.allSatisfy(\.isWhitespace) }) ?? true
        {
            throw DisclosureError(
                .missingField, field: "comment", zh: "退回须写明意见", en: "returning a draft needs a comment saying why")
        }
        let store = self.store
        return try store.record(on: number, asOf: now.day, now: now.stamp, assignee: assignee?.id) {
            (r: CaseRecord) throws(DisclosureError) in
            let event = CaseEvent(
                on: on, action: try action(for: step, case: r, by: account, store: store, assignee: assignee),
                actor: account.name, accountID: account.id, lateEntry: lateEntry)
            try Rules.checkRecording(event, on: r.state, today: now.day, calendar: store.calendar)
            return event
        }
    }

    /// History numbers every entry, documents and notes too; an amendment names the registration (0)
    /// or the nth procedural step, which is what case files exchange and Core replays.
    static func stepOrdinal(_ seq: Int, in r: CaseRecord) throws(DisclosureError) -> Int {
        if let step = r.historyNumbers.first(where: { $0.value == seq })?.key { return step }
        guard r.events.contains(where: { $0.seq == seq }) else {
            throw DisclosureError(.invalidValue, field: "event", zh: "本案没有第\(seq)项记录",
                en: "the case has no entry \(seq)")
        }
        throw DisclosureError(
            .invalidValue, field: "event", zh: "第\(seq)项是附件或系统记录，不是办理步骤，不能更正",
            en: "entry \(seq) is a document or a system note, not a step; it cannot be amended")
    }

    /// The one item still waiting when the officer named none; else an error asking which (or saying
    /// there is none).
    static func theOne<T>(_ pending: [T], field: String, none: Text, many: Text) throws(DisclosureError) -> T {
        guard pending.count == 1, let one = pending.first else {
            let said = pending.isEmpty ? none : many
            throw DisclosureError(.missingField, field: field, zh: said.zh, en: said.en)
        }
        return one
    }

    /// The action a step records, worked out from the case as it stands inside the write transaction.
    func action(
        for step: Step, case r: CaseRecord, by account: Account, store: Store,
        assignee: Account?
    ) throws(DisclosureError) -> Action {
        switch step {
        case .correctionRequest(let items, let period, let served):
            return .correctionRequested(items: items, periodDays: period, served: served)
        case .correctionReceive: return .correctionReceived
        case .consultSend(let party, let to, let served):
            return .consultationSent(id: r.state.consultations.count + 1, party: party, to: to, served: served)
        case .consultAnswer(let id, let opinion):
            if let id { return .consultationAnswered(id: id, opinion: opinion) }
            let waiting = r.state.consultations.filter { $0.answered == nil }
            let ids = waiting.map { "#\($0.id)" }
            let one = try Self.theOne(
                waiting, field: "consultation",
                none: Text(zh: "本案没有未答复的征求意见", en: "the case has no unanswered consultation"),
                many: Text(
                    zh: "有\(waiting.count)项征求意见未答复，请指明编号（\(ids.joined(separator: "、"))）",
                    en: "\(waiting.count) consultations are unanswered; name one (\(ids.joined(separator: ", ")))"))
            return .consultationAnswered(id: one.id, opinion: opinion)
        case .extend(let days, let reason):
            // The days are bounded by Core's rules (at least 1, at most what the case has left).
            return .extended(days: days, approvedBy: account.name, reason: reason)
        case .deferral(let until, let reason): return .deferred(until: until, reason: reason)
        case .feeNotice(let basis, let quantity, let served):
            let q: FeeQuote
            if basis == .items {
                let a = r.application
                let prior = try store.applicationsInMonth(
                    applicant: a.applicant.name, idNumber: a.applicant.idNumber,
                    year: a.received.year, month: a.received.month, before: r.number)
                q = FeeSchedule.perItem(items: quantity, priorItems: prior)
            } else {
                q = FeeSchedule.perPage(pages: quantity)
            }
            return .feeNoticed(basis: basis, quantity: quantity, amount: q.amount, served: served)
        case .feePaid: return .feePaid
        case .draft(let outcome, let basis, let referTo):
            return .replyDrafted(outcome: outcome, basis: basis, referTo: referTo)
        case .review(let approve, let comment): return .replyReviewed(approved: approve, comment: comment)
        case .issue: return .replyIssued
        case .deliver(let method): return .delivered(method: method)
        case .archive: return .archived
        case .reopen(let reason): return .reopened(reason: reason)
        case .withdraw: return .withdrawn
        case .close(let reason): return .abandoned(reason: reason)
        case .remedyFile(let kind, let body):
            return .remedyFiled(id: r.state.remedies.count + 1, kind: kind, body: body)
        case .remedyDecide(let id, let result):
            if let id { return .remedyDecided(id: id, result: result) }
            let pending = r.state.remedies.filter { $0.result == nil }
            let one = try Self.theOne(
                pending, field: "remedy", none: Text(zh: "本案没有未决的复议或诉讼", en: "the case has no undecided remedy"),
                many: Text(
                    zh: "有\(pending.count)项未决，请指明编号", en: "\(pending.count) remedies are undecided; name one"))
            return .remedyDecided(id: one.id, result: result)
        case .assign(let name):
            if let assignee { return .assigned(handler: assignee.name) }
            return .assigned(handler: try handlerAccount(name).name)
        case .amend(let event, let field, let value, let reason):
            // An application is not received after the day it was registered.
            if event == 0, field == .received, let d = CivilDate(iso: value), d > r.registeredOn {
                let registered = r.registeredOn
                throw DisclosureError(
                    .ruleViolation, field: "value", zh: "收到日期不能晚于登记之日（\(registered)）",
                    en: "the receipt date cannot be after the day it was registered (\(registered))")
            }
            return .amendmentProposed(
                id: r.state.amendments.count + 1, step: try Self.stepOrdinal(event, in: r), field: field.rawValue,
                value: value, reason: reason)
        case .decideAmendment(let id, let approve):
            if let id { return .amendmentDecided(id: id, approved: approve) }
            let pending = r.state.amendments.filter { $0.approved == nil }
            let one = try Self.theOne(
                pending, field: "amendment",
                none: Text(zh: "本案没有待批准的更正", en: "the case has no amendment awaiting a decision"),
                many: Text(
                    zh: "有\(pending.count)项更正待批准，请指明编号",
                    en: "\(pending.count) amendments await a decision; name one"))
            return .amendmentDecided(id: one.id, approved: approve)
        }
    }

    /// A live, enabled account with the handler role.
    func handlerAccount(_ name: String) throws(DisclosureError) -> Account {
        guard let a = try store.account(named: name), !a.disabled else {
            throw DisclosureError(
                .invalidValue, field: "account", zh: "没有可用的账号“\(name)”", en: "there is no active account “\(name)”")
        }
        guard a.has(.handler) else {
            throw DisclosureError(
                .ruleViolation, field: "account", zh: "账号“\(a.name)”不是承办人（handler）",
                en: "the account “\(a.name)” is not a handler")
        }
        return a
    }

    // MARK: - Fees, documents, reports

    /// What a fee would come to; per item, counted with the applicant's other applications that month.
    public func feeQuote(
        applicant: String, idNumber: String?, year: Int, month: Int,
        quantity: FeeQuantity
    ) throws(DisclosureError) -> FeeQuote {
        if quantity.basis == .pages { return FeeSchedule.perPage(pages: quantity.quantity) }
        let prior = try store.applicationsInMonth(applicant: applicant, idNumber: idNumber, year: year, month: month)
        return FeeSchedule.perItem(items: quantity.quantity, priorItems: prior)
    }

    /// The largest document `attach` accepts: its base64 must fit libxml2's limit on one text node
    /// (10 MB), which untrusted input must never lift.
    public static let attachmentLimit = 7_000_000

    /// Refuses a document too large to file, before a front end reads it all.
    public static func checkAttachmentSize(_ size: Int) throws(DisclosureError) {
        guard size <= attachmentLimit else {
            throw DisclosureError(
                .invalidValue, field: "FILE", zh: "附件最大 7 MB（本文件 \(size) 字节）",
                en: "an attachment may be at most 7 MB (this file: \(size) bytes)")
        }
    }

    /// Files a document with a case.
    public func attach(
        _ content: [UInt8], name: String, kind: AttachmentKind,
        to number: CaseNumber
    ) throws(DisclosureError) -> AttachmentInfo {
        let account = try signedIn(.attach)
        try requireOwn(number)
        try Desk.checkAttachmentSize(content.count)
        let now = clock.now()
        return try store.attach(
            content, name: name, kind: kind, to: number, actor: ref(account), today: now.day, now: now.stamp)
    }

    /// Locks a published year: only when its table balances.
    /// `inputs`, when given, are kept with the lock together with the year's facts as counted now, so that
    /// the year's document renders the same for as long as it stays locked.
    public func lockReport(year: Int, inputs: AnnualReportInputs? = nil) throws(DisclosureError) {
        let account = try signedIn(.reportLock)
        // A year still running has no final report: locking it would refuse every registration.
        let today = clock.now().day
        guard year < today.year else {
            throw DisclosureError(
                .ruleViolation, field: "year", zh: "\(year)年尚未结束，其年度报表不能锁定（最早\(year + 1)年1月1日）",
                en: "the year \(year) has not ended; its report can be locked from \(year + 1)-01-01")
        }
        try store.lockReport(year: year, inputs: inputs?.source, actor: ref(account), now: clock.now().stamp) {
            () throws(DisclosureError) -> AnnualFacts? in
            let report = try store.annualReport(year: year)
            guard report.imbalances.isEmpty else {
                throw DisclosureError(
                    .ruleViolation, field: "year", zh: "\(year)年度报表不平衡，不能锁定",
                    en: "the \(year) report does not balance; it cannot be locked")
            }
            return try inputs.map { _ throws(DisclosureError) in try yearFacts(year) }
        }
    }

    /// Unlocks a year, with the reason on record.
    public func unlockReport(year: Int, reason: String) throws(DisclosureError) {
        let account = try signedIn(.reportLock)
        try store.unlockReport(year: year, reason: reason, actor: ref(account), now: clock.now().stamp)
    }

    /// Loads an official schedule and recomputes the cases it moves. `file` is the bytes it was read
    /// from (their SHA-256 goes on record); a shipped official year is replaced only when asked, with a reason.
    public func importCalendar(
        _ schedule: HolidaySchedule, origin: String, file: [UInt8], replaceOfficial: Bool = false,
        reason: String? = nil
    ) throws(DisclosureError) -> CalendarImportResult {
        let account = try signedIn(.calendar)
        try schedule.checkPlausible(field: origin)
        if let reason { try TextField.requireLine(reason, field: "reason", max: 2_000) }
        if try store.calendarOrigin(year: schedule.year) == "shipped" {
            guard replaceOfficial else {
                throw DisclosureError(
                    .ruleViolation, field: "replace-official",
                    zh: "\(schedule.year)年已有随程序发布的官方放假安排；确需替换须明确要求替换官方安排并说明理由",
                    en: "\(schedule.year) has the official schedule shipped with the program; replacing it must be "
                        + "asked for explicitly, with a reason")
            }
            guard let reason, !reason.isEmpty else {
                throw DisclosureError(
                    .missingField, field: "reason", zh: "替换官方放假安排须说明理由",
                    en: "replacing an official schedule needs a reason")
            }
        }
        let now = clock.now()
        return try store.importCalendar(
            schedule, origin: origin, file: SHA256.hex(file), reason: reason, actor: ref(account), today: now.day,
            now: now.stamp)
    }
}
