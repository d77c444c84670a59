import DisclosureCore
import DisclosureStore

extension Desk {
    /// Records the office's decision, on `decided`, to publish proactively the information `cases` asked for
    /// (art. 44), and where it is published. Returns the decision as recorded.
    public func recordLead(
        decided: CivilDate, subject: String, published: String, cases: [CaseNumber]
    ) throws(DisclosureError) -> ProactiveLead {
        let account = try signedIn(.proactiveLead)
        // The office's own code is the same case without it: one case is never counted twice.
        let numbers = cases.map { n in
            n.agency == store.office.code ? CaseNumber(year: n.year, serial: n.serial) : n
        }
        let id = try store.recordLead(
            decided: decided, subject: subject, published: published, cases: numbers, actor: ref(account),
            now: clock.now().stamp
        ) { () throws(DisclosureError) in
            // Inside the write: the cases as they stand when the decision is recorded.
            var basis: [(CaseNumber, CaseState)] = []
            for number in numbers.prefix(ProactiveLead.maxCases + 1) {
                try requireOwn(number)
                basis.append((number, try store.load(number).state))
            }
            try ProactiveLead.check(
                decided: decided, subject: subject, published: published, cases: basis, today: clock.now().day)
        }
        return try lead(id)
    }

    /// Takes back a recorded decision (entered by mistake), with the reason on record.
    public func withdrawLead(id: Int, reason: String) throws(DisclosureError) -> ProactiveLead {
        let account = try signedIn(.proactiveLead)
        try store.withdrawLead(id: id, reason: reason, actor: ref(account), now: clock.now().stamp)
        return try lead(id)
    }

    /// The recorded decisions under art. 44, of one year by the day decided when `year` is given.
    public func leads(year: Int?) throws(DisclosureError) -> [ProactiveLead] { try store.leads(year: year) }

    private func lead(_ id: Int) throws(DisclosureError) -> ProactiveLead {
        guard let lead = try store.leads().first(where: { $0.id == id }) else {
            throw DisclosureError(.storage, zh: "纳入主动公开的记录无法读回", en: "the decision cannot be read back")
        }
        return lead
    }
}

extension CaseViews {
    /// One decision under art. 44, as `report lead` and the API show it.
    public static func lead(_ l: ProactiveLead) -> JSON {
        .object([
            ("id", .int(l.id)), ("decided", .string(l.decided.description)), ("subject", .string(l.subject)),
            ("published", .string(l.published)), ("cases", .array(l.cases.map { .string($0.description) })),
            ("recorded_at", .string(l.recordedAt)), ("recorded_by", .string(l.recordedBy)),
            (
                "withdrawn",
                l.withdrawn.map { w in
                    .object([("at", .string(w.at)), ("by", .string(w.by)), ("reason", .string(w.reason))])
                } ?? .null
            ),
        ])
    }
}

/// The decisions under art. 44 as text for the terminal.
public enum LeadText {
    public static func text(_ leads: [ProactiveLead], _ lang: Language) -> String {
        let zh = lang == .zh
        guard !leads.isEmpty else { return zh ? "没有纳入主动公开的决定" : "no decisions to publish proactively" }
        return leads.map { l in
            let cases = l.cases.map(\.description).joined(separator: zh ? "、" : ", ")
            var s = zh
                ? "第\(l.id)条  \(l.decided)决定  \(l.subject)\n  公开于：\(l.published)\n  依据申请：\(cases)"
                    + "\n  记录：\(l.recordedBy) \(l.recordedAt)"
                : "#\(l.id)  decided \(l.decided)  \(l.subject)\n  published: \(l.published)\n  applications: \(cases)"
                    + "\n  recorded by \(l.recordedBy) at \(l.recordedAt)"
            if let w = l.withdrawn {
                s += zh ? "\n  已撤销：\(w.by) \(w.at)，理由：\(w.reason)" : "\n  withdrawn by \(w.by) at \(w.at): \(w.reason)"
            }
            return s
        }.joined(separator: "\n")
    }
}
