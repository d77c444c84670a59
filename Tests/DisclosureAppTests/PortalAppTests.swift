import DisclosureApp
import DisclosureCore
import DisclosureStore
import Foundation
import Testing

@Suite("Portal: online submissions in the office's work")
struct PortalAppTests {
    /// The office as `name` sees it on `day`.
    func desk(_ s: Scratch, _ name: String, on day: String) throws -> Desk {
        let clock = FixedClock(day: try CivilDate.parse(day, field: "day"))
        let ticket = try Desk.open(path: s.path, clock: clock).signIn(name: name, password: "password-\(name)")
        return try Desk.open(path: s.path, clock: clock) { _ in ticket }
    }

    static let rows: [(day: String, flagged: Bool)] = [
        ("2026-11-23", false), ("2026-11-24", false), ("2026-11-25", true),
    ]

    @Test(
        "a submission unconfirmed more than two working days is flagged, and the head's reminder names it",
        arguments: rows)
    func unconfirmedInTheReminders(_ row: (day: String, flagged: Bool)) throws {
        let s = try Scratch(day: "2026-11-20")
        let form = OnlineApplication(applicant: "赵六", applicantType: .person, phone: "13800000000", request: "某批复")
        let (submitted, _) = try OfficeConnection.open(path: s.path).portal(clock: s.clock).submit(form)
        let head = try desk(s, "head", on: row.day)
        #expect(head.overdueForConfirmation(submitted) == row.flagged, "\(row.day)")
        let digests = try head.reminderMessages(
            within: 5, sender: .account("head"), from: "xxgk@example.cn", lang: .zh)
        let mine = digests.first { $0.0.account.name == "head" }
        #expect((mine?.0.submissions ?? []) == (row.flagged ? [submitted.number] : []), "\(row.day)")
        #expect(!digests.contains { $0.0.account.name == "handler" && !$0.0.submissions.isEmpty }, "the head's alone")
        // Confirmed, it is a case received that day and no longer waits.
        let (_, record) = try desk(s, "registrar", on: row.day).confirmSubmission(submitted.number)
        #expect(record.application.received.description == row.day)
        #expect(try head.submissions(status: .pending).isEmpty)
        let reviewer = try desk(s, "reviewer", on: row.day)
        #expect(throws: DisclosureError.self) { try reviewer.confirmSubmission("W2026-000001") }
    }
}
