import DisclosureCore
import DisclosureStore

/// Applications from several applicants for the same or nearly the same information: leads for
/// proactive disclosure (art. 44).
public struct RequestCluster: Sendable {
    public let rows: [Store.RequestRow]
    /// The distinct applicants, sorted.
    public let applicants: [String]
    /// Each outcome's code (`open` while undecided) and how many of the cluster have it, by code.
    public let outcomes: [(String, Int)]
    /// Some of it was disclosed on request: a candidate for disclosing it proactively.
    public let suggestProactive: Bool
}

extension Desk {
    /// The clusters of similar requests received on or after `since` with at least `minApplicants`
    /// different applicants, largest first, at most `limit`; `fields` name the limits in the caller's
    /// words.
    public func clusters(
        since: CivilDate?, minApplicants: Int, limit: Int, fields: (min: String, limit: String)
    ) throws(DisclosureError) -> [RequestCluster] {
        guard minApplicants >= 2 else {
            throw DisclosureError(.invalidValue, field: fields.min, zh: "至少为2", en: "must be at least 2")
        }
        guard limit >= 1 else {
            throw DisclosureError(.invalidValue, field: fields.limit, zh: "须为正整数", en: "must be positive")
        }
        var rows: [Store.RequestRow] = []
        var signatures: [[UInt32]] = []
        try forEachRequest(since: since) { (r: Store.RequestRow) throws(DisclosureError) in
            rows.append(r)
            signatures.append(Similarity.signature(r.request))
        }
        return Similarity.clusters(signatures)
            .map { $0.map { rows[$0] } }
            .filter { Set($0.map(\.applicant)).count >= minApplicants }
            .prefix(limit)
            .map { c in
                var counts: [String: Int] = [:]
                for r in c { counts[r.outcome?.rawValue ?? "open", default: 0] += 1 }
                return RequestCluster(
                    rows: c, applicants: Array(Set(c.map(\.applicant))).sorted(),
                    outcomes: counts.sorted { $0.key < $1.key },
                    suggestProactive: c.contains { $0.outcome == .disclosed || $0.outcome == .partlyDisclosed })
            }
    }
}

extension CaseViews {
    /// One cluster of `report clusters --json`.
    public static func cluster(_ c: RequestCluster) -> JSON {
        .object([
            ("request", .string(c.rows.first?.request ?? "")), ("applications", .int(c.rows.count)),
            ("applicants", .array(c.applicants.map(JSON.string))),
            ("cases", .array(c.rows.map { .string($0.number.description) })),
            ("outcomes", .object(c.outcomes.map { ($0.0, .int($0.1)) })),
            ("suggest_proactive", .bool(c.suggestProactive)),
        ])
    }
}

/// What `report clusters` prints.
public enum ClusterText {
    public static func text(_ clusters: [RequestCluster], minApplicants: Int, _ lang: Language) -> String {
        let zh = lang == .zh
        var text =
            zh
            ? "多人申请相同或相近信息的线索（共\(clusters.count)组，每组至少\(minApplicants)位申请人）\n"
            : "\(clusters.count) clusters of similar requests from at least \(minApplicants) applicants\n"
        for (i, cluster) in clusters.enumerated() {
            let c = cluster.rows
            let applicants = cluster.applicants
            text += "\n\(i + 1). \(c.first?.request ?? "")\n"
            text +=
                zh
                ? "   申请\(c.count)件，申请人\(applicants.count)位：\(applicants.prefix(8).joined(separator: "、"))"
                    + "\(applicants.count > 8 ? "等" : "")\n"
                : "   \(c.count) applications from \(applicants.count) applicants: "
                    + "\(applicants.prefix(8).joined(separator: ", "))\n"
            text +=
                (zh ? "   案件：" : "   cases: ") + c.prefix(10).map(\.number.description).joined(separator: " ")
                + (c.count > 10 ? " …" : "") + "\n"
            text +=
                (zh ? "   结果：" : "   outcomes: ")
                    + cluster.outcomes.map { "\($0.0 == "open" ? (zh ? "办理中" : "open") : $0.0)×\($0.1)" }
                    .joined(separator: " ")
                + "\n"
            if cluster.suggestProactive {
                text +=
                    zh
                    ? "   建议：该信息已依申请公开，可考虑纳入主动公开范围（条例第四十四条）\n"
                    : "   suggestion: this information was disclosed on request; "
                        + "consider proactive disclosure (art. 44)\n"
            }
        }
        return text
    }
}
