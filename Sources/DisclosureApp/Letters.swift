import DisclosureCore
import DisclosureDocuments
import DisclosureStore

extension CaseRecord {
    /// The office's day of the registration: the stamp is its local time, so its first ten characters.
    public var registeredOn: CivilDate { CivilDate(iso: String(registeredAt.prefix(10))) ?? application.received }

    /// The history number of each procedural step (0: the registration): amendments name steps by
    /// their place among the steps, which is what case files exchange; people read history numbers.
    public var historyNumbers: [Int: Int] {
        var seqOfStep: [Int: Int] = [0: 0]
        var n = 0
        for e in events where e.seq > 0 && e.event != nil {
            n += 1
            seqOfStep[n] = e.seq
        }
        return seqOfStep
    }

    /// The case as the letters need it: state, steps, and the registration's day and document number.
    public var noticeCase: NoticeCase {
        // The steps as amended: a letter carries the corrected date and facts, and its own number.
        NoticeCase(
            number: number, state: state, events: Amendments.applied(recordedApplication, caseEvents).1,
            registered: registeredOn, receiptLetter: events.first?.letter)
    }
}

extension Desk {
    /// Renders a letter of the case, dated and numbered by the step that sent it.
    public func notice(
        _ kind: NoticeKind, of record: CaseRecord, settings: NoticeSettings, templates: NoticeTemplates
    ) throws(DisclosureError) -> Notice {
        try NoticeRenderer.render(
            kind, agency: office.name, case: record.noticeCase, settings: settings, templates: templates)
    }
}

extension Desk {
    /// The prefix of the office's document numbers (文号).
    public func letterPrefix() throws(DisclosureError) -> String { try store.letterPrefix() }

    /// Sets the prefix of the document numbers given from now on; numbers already given stay: the admin's.
    public func setLetterPrefix(_ prefix: String) throws(DisclosureError) {
        let admin = try signedIn(.staff)
        try store.setLetterPrefix(prefix, by: ref(admin), now: clock.now().stamp)
    }
}
