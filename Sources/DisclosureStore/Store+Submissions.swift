import DisclosureCore

/// An online submission as stored: what the applicant sent, and what became of it.
public struct StoredSubmission: Sendable, Hashable {
    public let id: Int
    /// `W2026-000001`: per office and year, given on submission.
    public let number: String
    public let submittedAt: String
    public let submittedOn: CivilDate
    public let form: OnlineApplication
    public let status: SubmissionStatus
    public let decidedOn: CivilDate?
    public let decidedBy: String?
    /// Why it was declined.
    public let reason: String?
    /// The case it became, once confirmed.
    public let caseNumber: CaseNumber?
    let codeDigest: String
}

/// The journal's record of a submission (`submission`): its number and the digest of the form as sent.
struct SubmissionPayload: Codable {
    var number: String
    var submittedOn: String
    var form: String
}

/// The journal's record of a confirmation (`submission-confirmed`).
struct SubmissionDecisionPayload: Codable {
    var number: String
    var decidedOn: String
    /// The case it became; nil when declined.
    var caseNumber: String?
    var reason: String?
}

extension Store {
    /// The digest kept of a query code: bound to its submission, so that one code opens only that one.
    static func codeDigest(_ code: String, submission: String) -> String {
        SHA256.hex(utf8: "disclosure-query-code\u{1F}\(submission)\u{1F}\(code)")
    }

    /// Stores a submission made on `day` at `now`, with the digest of `code`; returns it as stored.
    public func submit(
        _ form: OnlineApplication, code: String, day: CivilDate, now: String
    ) throws(DisclosureError) -> StoredSubmission {
        try form.validate()
        let text = try encode(form)
        return try db.writeTransaction { () throws(DisclosureError) -> StoredSubmission in
            let serial = try db.first(
                "SELECT COALESCE(MAX(serial), 0) + 1 FROM submissions WHERE year = ?", day.year
            ) { $0.int(0) } ?? 1
            let digits = String(serial)
            let number = "W\(day.year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            try db.run(
                """
                INSERT INTO submissions (number, year, serial, submitted_at, submitted_on, form, code_digest)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, number, day.year, serial, now, day, text, Store.codeDigest(code, submission: number))
            let id = Int(db.lastInsertRowID)
            try appendJournal(
                kind: "submission", actor: nil, now: now,
                payload: SubmissionPayload(number: number, submittedOn: day.description, form: SHA256.hex(utf8: text)))
            guard let stored = try submission(id: id) else {
                throw DisclosureError(.storage, zh: "网上申请无法读回", en: "the submission cannot be read back")
            }
            return stored
        }
    }

    /// The submission `number` when `code` is its query code; nil for a wrong code and an unknown number
    /// alike (the caller cannot tell them apart, nor can anyone who guesses).
    public func submission(number: String, code: String) throws(DisclosureError) -> StoredSubmission? {
        let found = try db.first("SELECT id, code_digest FROM submissions WHERE number = ?", number) {
            ($0.int(0), $0.text(1))
        }
        // An unknown number is compared against a digest too, and the form is read only for the right
        // code: a wrong code and an unknown number take the same time.
        let expected = found?.1 ?? Store.codeDigest("", submission: "")
        guard QueryCode.same(Store.codeDigest(code, submission: number), expected), let id = found?.0 else {
            return nil
        }
        return try submission(id: id)
    }

    /// The submissions with `status` (all when nil), oldest first, at most `limit`.
    public func submissions(
        status: SubmissionStatus?, limit: Int = 1_000
    ) throws(DisclosureError) -> [StoredSubmission] {
        let ids = try db.all(
            "SELECT id FROM submissions WHERE ?1 IS NULL OR status = ?1 ORDER BY id LIMIT ?2", status?.rawValue,
            limit
        ) { $0.int(0) }
        var out: [StoredSubmission] = []
        for id in ids { if let s = try submission(id: id) { out.append(s) } }
        return out
    }

    /// The submission `number`, whatever its code: for staff.
    public func submission(number: String) throws(DisclosureError) -> StoredSubmission? {
        guard let id = try db.first("SELECT id FROM submissions WHERE number = ?", number, map: { $0.int(0) })
        else { return nil }
        return try submission(id: id)
    }

    /// Confirms a pending submission on `day`: the case is registered with that day as its receipt date
    /// (art. 31) in the same transaction that marks the submission confirmed.
    public func confirmSubmission(
        _ number: String, day: CivilDate, actor: ActorRef, now: String
    ) throws(DisclosureError) -> (StoredSubmission, CaseRecord) {
        try db.writeTransaction { () throws(DisclosureError) -> (StoredSubmission, CaseRecord) in
            let s = try pendingSubmission(number)
            let record = try register(
                s.form.application(receivedOn: day, submission: number), actor: actor, today: day, now: now)
            let caseID = try caseID(record.number)
            try db.run(
                """
                UPDATE submissions SET status = 'confirmed', decided_on = ?, decided_by = ?, case_id = ? WHERE id = ?
                """,
                day, actor.name, caseID, s.id)
            try appendJournal(
                kind: "submission-confirmed", actor: actor, now: now,
                payload: SubmissionDecisionPayload(
                    number: number, decidedOn: day.description, caseNumber: record.number.description))
            guard let after = try submission(id: s.id) else {
                throw DisclosureError(.storage, zh: "网上申请无法读回", en: "the submission cannot be read back")
            }
            return (after, record)
        }
    }

    /// Declines a pending submission on `day` with `reason`, which the applicant sees: no case is made.
    public func declineSubmission(
        _ number: String, reason: String, day: CivilDate, actor: ActorRef, now: String
    ) throws(DisclosureError) -> StoredSubmission {
        try TextField.requireLine(reason, field: "reason", max: 500)
        return try db.writeTransaction { () throws(DisclosureError) -> StoredSubmission in
            let s = try pendingSubmission(number)
            try db.run(
                "UPDATE submissions SET status = 'declined', decided_on = ?, decided_by = ?, reason = ? WHERE id = ?",
                day, actor.name, reason, s.id)
            try appendJournal(
                kind: "submission-declined", actor: actor, now: now,
                payload: SubmissionDecisionPayload(number: number, decidedOn: day.description, reason: reason))
            guard let after = try submission(id: s.id) else {
                throw DisclosureError(.storage, zh: "网上申请无法读回", en: "the submission cannot be read back")
            }
            return after
        }
    }

    /// The submission `number`, refused unless it still waits for a decision.
    private func pendingSubmission(_ number: String) throws(DisclosureError) -> StoredSubmission {
        guard let s = try submission(number: number) else {
            throw DisclosureError(
                .unknownCase, field: "submission", zh: "没有编号为\(number)的网上申请",
                en: "there is no online submission \(number)")
        }
        guard s.status == .pending else {
            let when = s.decidedOn?.description ?? ""
            throw DisclosureError(
                .ruleViolation, field: "submission",
                zh: s.caseNumber.map { "网上申请\(number)已于\(when)确认为案件\($0)" } ?? "网上申请\(number)已于\(when)不予登记",
                en: s.caseNumber.map { "submission \(number) was confirmed on \(when) as case \($0)" }
                    ?? "submission \(number) was declined on \(when)")
        }
        return s
    }

    private func submission(id: Int) throws(DisclosureError) -> StoredSubmission? {
        let row = try db.first(
            """
            SELECT s.number, s.submitted_at, s.submitted_on, s.form, s.status, s.decided_on, s.decided_by,
                   c.year, c.serial, s.code_digest, s.reason
            FROM submissions s LEFT JOIN cases c ON c.id = s.case_id WHERE s.id = ?
            """, id
        ) { r throws(DisclosureError) in
            (r.text(0), r.text(1), try r.date(2), r.text(3), r.text(4), try r.optionalDate(5), r.optionalText(6),
             r.optionalInt(7), r.optionalInt(8), r.text(9), r.optionalText(10))
        }
        guard let (number, at, on, formText, statusText, decidedOn, decidedBy, year, serial, digest, reason) = row
        else {
            return nil
        }
        let form: OnlineApplication = try Store.decodeJSON(formText)
        guard let status = SubmissionStatus(rawValue: statusText) else {
            throw DisclosureError(
                .storage, zh: "网上申请\(number)的状态已损坏", en: "the status of submission \(number) is corrupt")
        }
        let caseNumber = year.flatMap { y in serial.map { CaseNumber(year: y, serial: $0) } }
        return StoredSubmission(
            id: id, number: number, submittedAt: at, submittedOn: on, form: form, status: status, decidedOn: decidedOn,
            decidedBy: decidedBy, reason: reason, caseNumber: caseNumber, codeDigest: digest)
    }
}
