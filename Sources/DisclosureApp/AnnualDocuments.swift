import DisclosureCore
import DisclosureStore

extension Desk {
    /// The annual report document of `year`. A locked year renders from what its lock kept (the inputs and
    /// the year's facts), whatever `inputs` says; any other year needs `inputs`.
    public func annualDocument(year: Int, inputs given: AnnualReportInputs?) throws(DisclosureError)
        -> AnnualReportDocument
    {
        let tables = try store.annualReport(year: year)
        let lock = try store.currentLock(year: year)
        let inputs: AnnualReportInputs
        if let kept = lock?.inputs {
            inputs = try AnnualReportInputs.parse(kept, origin: "report_locks \(year)")
        } else if let given {
            inputs = given
        } else {
            throw DisclosureError(
                .missingField, field: "--inputs",
                zh: "年度报告第二、五、六部分的素材文件（格式见 forms/annual-report-inputs.md）",
                en: "the file of the report's own figures and texts (format: forms/annual-report-inputs.md)")
        }
        let facts: AnnualFacts
        if let kept = lock?.facts { facts = kept } else { facts = try yearFacts(year) }
        return AnnualReportDocument(
            agency: store.office.name, tables: tables, facts: facts, inputs: inputs, lockedAt: lock?.lockedAt)
    }

    /// The year's facts from the cases as they stand now.
    func yearFacts(_ year: Int) throws(DisclosureError) -> AnnualFacts {
        var facts = AnnualFacts(year: year, today: clock.now().day)
        try store.forEachCaseOfYear(year) { (r: CaseRecord) throws(DisclosureError) in
            facts.add(r.state, registeredLate: r.events.first?.lateEntry != nil)
        }
        facts.countRepeats(try store.applicationsPerApplicant(year: year))
        facts.leadsActed = try store.leads(year: year).filter { $0.withdrawn == nil }
        // Leads of the year alone: applications received in it, from at least three applicants.
        guard let span = DateSpan(year: year) else { return facts }
        let clusters = try clusters(
            since: span.first, minApplicants: AnnualFacts.leadApplicants, limit: Int.max, fields: ("year", "year"))
        for c in clusters {
            let rows = c.rows.filter { $0.received <= span.last }
            guard Set(rows.map(\.applicant)).count >= AnnualFacts.leadApplicants else { continue }
            facts.leads += 1
            if rows.contains(where: { $0.outcome == .disclosed || $0.outcome == .partlyDisclosed }) {
                facts.leadsDisclosed += 1
            }
        }
        return facts
    }
}

extension AnnualReportDocument {
    /// What the office should know before publishing this rendering: that a locked year did not use the
    /// inputs `given`, or that the year is still running.
    public func notes(given: AnnualReportInputs?, _ lang: Language) -> [String] {
        let zh = lang == .zh
        var out: [String] = []
        if let lockedAt, let given, given.source != inputs.source {
            out.append(
                zh
                    ? "注意：\(year)年度已于\(lockedAt)锁定，报告按锁定时存档的素材生成，未采用 --inputs 指定的文件"
                    : "note: \(year) was locked at \(lockedAt); the report uses the inputs kept with the lock, "
                        + "not --inputs")
        }
        if facts.provisional {
            out.append(
                zh
                    ? "注意：\(year)年尚未结束，报告中的数字截至\(facts.asOf.chinese)，并非全年数字；请于年度结束后重新生成再公布"
                    : "note: \(year) has not ended; the figures stand as of \(facts.asOf), not for the whole year; "
                        + "render it again after the year ends before publishing")
        }
        return out
    }
}
