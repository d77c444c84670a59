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
