import DisclosureCore

/// The current lock of a year, with the report inputs it kept (nil for a lock from before migration 15).
public struct CurrentLock: Sendable, Hashable {
    public let lockedAt: String
    public let lockedBy: String
    public let inputs: String?
    /// The year's facts as they stood when it was locked.
    public let facts: AnnualFacts?
}

extension Store {
    /// 1 January to 31 December of `year`, which the reports' queries bind.
    static func span(ofYear year: Int) throws(DisclosureError) -> DateSpan {
        guard let span = DateSpan(year: year) else {
            throw DisclosureError(.invalidValue, field: "year", zh: "年份无效", en: "invalid year")
        }
        return span
    }

    /// Each of this office's current cases that was open at some time in `year`, or had a remedy filed
    /// in it: every case a step of that year can belong to.
    public func forEachCaseOfYear(
        _ year: Int, _ body: (CaseRecord) throws(DisclosureError) -> Void
    ) throws(DisclosureError) {
        let span = try Store.span(ofYear: year)
        try db.readTransaction { () throws(DisclosureError) in
            let ids = try db.all(
                """
                SELECT id FROM cases WHERE agency_code = ?1 AND superseded_by IS NULL AND received <= ?3
                  AND (closed_on IS NULL OR closed_on >= ?2)
                UNION
                SELECT c.id FROM remedies r JOIN cases c ON c.id = r.case_id
                WHERE c.agency_code = ?1 AND c.superseded_by IS NULL AND r.filed BETWEEN ?2 AND ?3
                ORDER BY 1
                """, office.code, span.first, span.last
            ) { $0.int(0) }
            for id in ids { try body(try loadRecord(id: id, calendar: calendar)) }
        }
    }

    /// The year's applications per applicant (name and ID number together), for the repeat applicants.
    public func applicationsPerApplicant(year: Int) throws(DisclosureError) -> [String: Int] {
        let span = try Store.span(ofYear: year)
        var out: [String: Int] = [:]
        try db.query(
            """
            SELECT applicant_name || char(31) || COALESCE(id_number, ''), COUNT(*) FROM cases
            WHERE agency_code = ? AND superseded_by IS NULL AND received BETWEEN ? AND ? GROUP BY 1
            """, [office.code, span.first, span.last]
        ) { (r: Row) in out[r.text(0)] = r.int(1) }
        return out
    }

    /// The year's current lock, if it is locked.
    public func currentLock(year: Int) throws(DisclosureError) -> CurrentLock? {
        let row = try db.first(
            "SELECT locked_at, locked_by, inputs, facts FROM report_locks WHERE year = ? AND unlocked_at IS NULL", year
        ) { ($0.text(0), $0.text(1), $0.optionalText(2), $0.optionalText(3)) }
        guard let (lockedAt, lockedBy, inputs, facts) = row else { return nil }
        let kept = try facts.map { (text: String) throws(DisclosureError) -> AnnualFacts in try Store.decodeJSON(text) }
        return CurrentLock(lockedAt: lockedAt, lockedBy: lockedBy, inputs: inputs, facts: kept)
    }
}

/// The journal's record of a decision under art. 44 (`proactive-lead`).
struct LeadPayload: Codable {
    var decided: String
    var subject: String
    var published: String
    var cases: [String]
}

/// The journal's record of a decision taken back (`proactive-lead-withdrawn`).
struct LeadWithdrawalPayload: Codable {
    var lead: Int
    var reason: String
}

extension Store {
    /// Records a decision to publish proactively (art. 44) in the office journal, which is its only
    /// record: append-only and hash-chained, so it cannot be altered unseen. Returns its entry's number.
    /// `check` runs inside the write, before the entry is made.
    public func recordLead(
        decided: CivilDate, subject: String, published: String, cases: [CaseNumber], actor: ActorRef, now: String,
        check: () throws(DisclosureError) -> Void
    ) throws(DisclosureError) -> Int {
        try db.writeTransaction { () throws(DisclosureError) -> Int in
            try refuseLockedLead(decided.year)
            try check()
            let payload = LeadPayload(
                decided: decided.description, subject: subject, published: published,
                cases: cases.map(\.description))
            try appendJournal(kind: "proactive-lead", actor: actor, now: now, payload: payload)
            return Int(db.lastInsertRowID)
        }
    }

    /// Takes back a recorded decision, with the reason on record; the decision itself stays in the journal.
    public func withdrawLead(id: Int, reason: String, actor: ActorRef, now: String) throws(DisclosureError) {
        try Application.requireText(reason, field: "reason", max: 2_000)
        try db.writeTransaction { () throws(DisclosureError) in
            guard let lead = try leads().first(where: { $0.id == id }) else {
                throw DisclosureError(
                    .invalidValue, field: "id", zh: "没有编号为\(id)的纳入主动公开记录（report lead list 列出各条）",
                    en: "there is no proactive-disclosure decision \(id) (report lead list shows them)")
            }
            if lead.withdrawn != nil {
                throw DisclosureError(
                    .ruleViolation, field: "id", zh: "第\(id)条记录已撤销", en: "decision \(id) is already withdrawn")
            }
            try refuseLockedLead(lead.decided.year)
            try appendJournal(
                kind: "proactive-lead-withdrawn", actor: actor, now: now,
                payload: LeadWithdrawalPayload(lead: id, reason: reason))
        }
    }

    private func refuseLockedLead(_ year: Int) throws(DisclosureError) {
        if try lockedYears().contains(year) {
            throw DisclosureError(
                .locked, field: "on",
                zh: "\(year)年度报告已锁定，不能再增减该年度纳入主动公开的记录（须先 report unlock 并说明理由）",
                en: "the \(year) report is locked; its proactive-disclosure decisions cannot change "
                    + "(report unlock first, with a reason)")
        }
    }

    /// The recorded decisions under art. 44, oldest first, each with its withdrawal if any; of one year
    /// (by the day decided) when `year` is given.
    public func leads(year: Int? = nil) throws(DisclosureError) -> [ProactiveLead] {
        let rows = try db.all(
            """
            SELECT id, kind, actor, recorded_at, payload FROM journal
            WHERE kind IN ('proactive-lead', 'proactive-lead-withdrawn') ORDER BY id
            """
        ) { ($0.int(0), $0.text(1), $0.text(2), $0.text(3), $0.text(4)) }
        var out: [ProactiveLead] = []
        var index: [Int: Int] = [:]
        for (id, kind, actor, recordedAt, payload) in rows {
            if kind == "proactive-lead" {
                let p: LeadPayload = try Store.decodeJSON(payload)
                let decided = try CivilDate.parse(p.decided, field: "journal \(id)")
                let cases = try p.cases.map { (s: String) throws(DisclosureError) in try CaseNumber.parse(s) }
                index[id] = out.count
                out.append(
                    ProactiveLead(
                        id: id, decided: decided, subject: p.subject, published: p.published, cases: cases,
                        recordedAt: recordedAt, recordedBy: actor))
            } else {
                let w: LeadWithdrawalPayload = try Store.decodeJSON(payload)
                if let i = index[w.lead] {
                    out[i].withdrawn = ProactiveLead.Withdrawal(at: recordedAt, by: actor, reason: w.reason)
                }
            }
        }
        guard let year else { return out }
        return out.filter { $0.decided.year == year }
    }
}
