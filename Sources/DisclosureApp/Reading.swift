import DisclosureCore
import DisclosureStore

/// Reading: every role may read the office's cases and reports, so these need no sign-in (the CLI's
/// reader has the file anyway; the web system will check the session before calling them).
extension Desk {
    /// One case with its events and the state Core derives from them.
    public func load(_ number: CaseNumber) throws(DisclosureError) -> CaseRecord { try store.load(number) }

    /// Cases matching `filter`, newest first.
    public func list(_ filter: CaseFilter) throws(DisclosureError) -> [CaseSummary] { try store.list(filter) }

    /// The last day the board reaches for "due within N working days" of `day`; nil: every open case.
    public func boardThrough(within days: Int?, of day: CivilDate) throws(DisclosureError) -> CivilDate? {
        guard let days else { return nil }
        guard (0...1000).contains(days) else {
            throw DisclosureError(
                .invalidValue, field: "within", zh: "须为0至1000个工作日", en: "must be 0 to 1000 working days")
        }
        return calendar.addingWorkdays(days, after: day).date
    }

    /// The deadline board, soonest first.
    public func board(through: CivilDate?, imported: Bool = false) throws(DisclosureError) -> [CaseSummary] {
        try store.board(through: through, imported: imported)
    }

    /// The board one case at a time, in flat memory; `imported`: other agencies' cases kept here, apart.
    public func board(
        through: CivilDate?, imported: Bool = false, _ body: (CaseSummary) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        try store.board(through: through, imported: imported, body)
    }

    public func annualReport(year: Int) throws(DisclosureError) -> AnnualReport { try store.annualReport(year: year) }

    /// Every lock of an annual report, with who locked it and who lifted it and why.
    public func reportLocks() throws(DisclosureError) -> [ReportLockRow] { try store.reportLocks() }

    public func statistics(from: CivilDate, to: CivilDate, asOf: CivilDate) throws(DisclosureError) -> [MonthStats] {
        try store.statistics(from: from, to: to, asOf: asOf)
    }

    /// This office's applications since `since`, oldest first (for clusters of the same request).
    public func forEachRequest(
        since: CivilDate?, _ body: (Store.RequestRow) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        try store.forEachRequest(since: since, body)
    }

    public func lateEntries(recordedIn year: Int?) throws(DisclosureError) -> [LateEntryRow] {
        try store.lateEntries(recordedIn: year)
    }

    public func calendarYears() throws(DisclosureError) -> [CalendarYearInfo] { try store.calendarYears() }

    public func attachments(of number: CaseNumber) throws(DisclosureError) -> [AttachmentInfo] {
        try store.attachments(of: number)
    }

    /// One document, its digest checked.
    public func attachment(_ seq: Int, of number: CaseNumber) throws(DisclosureError) -> Attachment {
        try store.attachment(seq, of: number)
    }

    /// Recomputes the whole hash chain and checks the stored state against it.
    public func verifyAudit() throws(DisclosureError) -> AuditReport { try store.verifyAudit() }

    /// The office journal, oldest first.
    public func journal() throws(DisclosureError) -> [JournalEntry] { try store.journal() }

    /// Refuses unless the signed-in account may run `useCase` (for steps outside the database, such as
    /// making the checkpoint key, which must still be the head's).
    public func requireRole(_ useCase: UseCase) throws(DisclosureError) { _ = try signedIn(useCase) }

    /// The database's identity, which a front end's session is bound to.
    public func instanceID() throws(DisclosureError) -> String { try store.instanceID() }
}
