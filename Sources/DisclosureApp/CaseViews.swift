import DisclosureCore
import DisclosureStore

/// The JSON views of cases, defined once for every front end (the CLI's `--json`, the server's API):
/// the field names and shapes are the contract the README documents. Dates are `YYYY-MM-DD`, absent
/// values `null`; `asOf` is the day counted from.
public struct CaseViews: Sendable {
    public let lang: Language
    public let calendar: WorkCalendar
    public let asOf: CivilDate

    public init(lang: Language, calendar: WorkCalendar, asOf: CivilDate) {
        self.lang = lang
        self.calendar = calendar
        self.asOf = asOf
    }

    /// The status an officer would see today: a consultation past its limit no longer holds the case.
    public func status(_ s: CaseSummary) -> CaseStatus {
        if s.status == .consulting, let until = s.consultUntil, until < asOf { return .handling }
        return s.status
    }

    /// The consultations still within their limit today.
    public func waiting(_ s: CaseSummary) -> [WaitingConsultation] {
        s.waitingConsultations.filter { $0.limit >= asOf }
    }

    /// Working days of running clock left today; negative when overdue.
    public func workdaysLeft(_ s: CaseSummary) -> Int? {
        guard s.status.isOpen, let due = s.due else { return nil }
        let stopped = status(s) == .consulting ? s.consultUntil : nil
        return Deadline.workdaysLeft(due: due, asOf: asOf, stoppedThrough: stopped, calendar: calendar)
    }

    /// A board or list row (`due --json`, `list --json`).
    public func summary(_ s: CaseSummary) -> JSON {
        let left = workdaysLeft(s)
        var fields: [(String, JSON)] = [
            ("number", .string(s.number.description)),
            ("received", .date(s.received)),
            ("due", .date(s.due)),
            ("status", .string(status(s).rawValue)),
            ("provisional", .bool(s.provisional)),
            ("next_deadline", .date(s.nextDeadline)),
            ("workdays_left", left.map(JSON.int) ?? .null),
            ("overdue", .bool(s.status.isOpen && s.due.map { asOf > $0 } == true)),
            ("channel", .string(s.channel.rawValue)),
            ("applicant", .object([("name", .string(s.applicantName)), ("type", .string(s.applicantType.rawValue))])),
            ("request", .string(s.request)),
        ]
        if s.status.isOpen, s.due == nil, let until = s.nextDeadline {
            fields.append(
                (
                    "waiting",
                    .object([
                        ("for", .string(s.status == .awaitingFee ? "fee" : "correction")),
                        ("until", .date(until)),
                    ])
                ))
        }
        if status(s) == .consulting {
            fields.append(("consultations_until", .date(s.consultUntil)))
            fields.append(
                (
                    "consultations_waiting",
                    .array(
                        waiting(s).map { c in
                            .object([("id", .int(c.id)), ("to", .string(c.to)), ("limit", .date(c.limit))])
                        })
                ))
        }
        fields.append(("outcome", .str(s.outcome?.rawValue)))
        fields.append(("closed_on", .date(s.closedOn)))
        return .object(fields)
    }

    /// How the due date was computed.
    public func clock(_ c: Clock) -> JSON {
        var fields: [(String, JSON)] = [
            ("start", .date(c.roundStart)),
            ("start_reason", .string(c.startReason.rawValue)),
            ("base_workdays", .int(c.baseDays)),
            ("extension_workdays", .int(c.extensionDays)),
            (
                "stops",
                .array(
                    c.stops.map { st in
                        .object([
                            ("reason", .string(st.reason.rawValue)),
                            ("consultation", st.consultation.map(JSON.int) ?? .null),
                            ("from", .date(st.span.first)), ("through", .date(st.span.last)),
                            ("workdays", .int(st.workdays)),
                        ])
                    })
            ),
            ("deferred_to", .date(c.deferredTo)),
            ("due", .date(c.due)),
            ("provisional", .bool(c.provisional)),
        ]
        if let s = c.suspension {
            let kind: String
            switch s {
            case .correction: kind = "correction"
            case .fee: kind = "fee"
            case .thirdParty: kind = "third-party"
            }
            fields.append(("waiting", .object([("for", .string(kind)), ("until", .date(s.until))])))
        }
        return .object(fields)
    }

    /// One case with everything about it (`show --json` and every step's `--json`).
    public func `case`(_ r: CaseRecord, warnings: [Text] = []) -> JSON {
        let s = r.state
        let a = r.application
        let left = s.status.isOpen ? s.workdaysLeft(asOf: asOf, calendar: calendar) : nil
        var fields: [(String, JSON)] = [
            ("number", .string(r.number.description)),
            ("received", .date(a.received)),
            ("due", .date(s.clock.due)),
            ("status", .string(s.status(asOf: max(asOf, s.lastEventDate)).rawValue)),
            ("provisional", .bool(s.clock.provisional)),
            ("regulation", .string(s.regulation.rawValue)),
            ("workdays_left", left.map(JSON.int) ?? .null),
            ("overdue", .bool(s.isOverdue(asOf: asOf))),
            ("channel", .string(a.channel.rawValue)),
            (
                "applicant",
                .object([
                    ("name", .string(a.applicant.name)), ("type", .string(a.applicant.type.rawValue)),
                    ("id_number", .str(a.applicant.idNumber)), ("contact", .str(a.applicant.contact)),
                ])
            ),
            ("request", .string(a.request)),
            ("form", .str(a.form?.rawValue)),
            ("handler", .str(s.handler)),
            ("note", .str(a.note)),
            ("registered_at", .string(r.registeredAt)),
            ("registered_by", .string(r.registeredBy)),
            ("round", .int(s.round)),
            ("correction_notice_due", .date(s.correctionNoticeDue)),
            ("clock", clock(s.clock)),
        ]
        if let c = s.correction {
            fields.append(
                (
                    "correction",
                    .object([
                        ("requested", .date(c.requested)), ("items", .string(c.items)),
                        ("period_workdays", .int(c.periodDays)), ("served", .date(c.served)),
                        ("period_ends", .date(c.periodEnds)), ("received", .date(c.received)),
                    ])
                ))
        }
        fields.append(
            (
                "consultations",
                .array(
                    s.consultations.map { c in
                        .object([
                            ("id", .int(c.id)), ("party", .string(c.party.rawValue)), ("to", .string(c.to)),
                            ("sent", .date(c.sent)),
                            ("served", .date(c.served)), ("limit", .date(c.limit)), ("answered", .date(c.answered)),
                            ("opinion", .str(c.opinion?.rawValue)), ("open", .bool(c.isOpen(on: asOf))),
                        ])
                    })
            ))
        fields.append(
            (
                "fees",
                .array(
                    s.fees.map { f in
                        .object([
                            ("noticed", .date(f.noticed)), ("basis", .string(f.basis.rawValue)),
                            ("quantity", .int(f.quantity)),
                            ("amount", .int(f.amount)), ("served", .date(f.served)), ("pay_by", .date(f.payBy)),
                            ("paid", .date(f.paid)),
                        ])
                    })
            ))
        if let rp = s.reply {
            fields.append(
                (
                    "reply",
                    .object([
                        ("outcome", .string(rp.outcome.rawValue)), ("basis", .str(rp.basis)),
                        ("refer_to", .str(rp.referTo)),
                        ("drafted", .date(rp.drafted)), ("drafter", .string(rp.drafter)),
                        ("reviewed", .date(rp.reviewed)),
                        ("approved", .bool(rp.approved)), ("reviewer", .str(rp.reviewer)), ("issued", .date(rp.issued)),
                        ("delivered", .date(rp.delivered)), ("delivery_method", .str(rp.deliveryMethod?.rawValue)),
                    ])
                ))
        }
        fields.append(("outcome", .str(s.outcome?.rawValue)))
        fields.append(("closed_on", .date(s.closedOn)))
        fields.append(("archived", .date(s.archived)))
        fields.append(
            (
                "remedies",
                .array(
                    s.remedies.map { m in
                        .object([
                            ("id", .int(m.id)), ("kind", .string(m.kind.rawValue)), ("body", .string(m.body)),
                            ("filed", .date(m.filed)),
                            ("decided", .date(m.decided)), ("result", .str(m.result?.rawValue)),
                        ])
                    })
            ))
        fields.append(("events", .array(r.events.map(event))))
        if !warnings.isEmpty { fields.append(("warnings", .array(warnings.map { .string($0(lang)) }))) }
        return .object(fields)
    }

    /// A report lock as `report locks --json` lists it.
    public static func reportLock(_ l: ReportLockRow) -> JSON {
        .object([
            ("year", .int(l.year)), ("locked", .bool(l.unlockedAt == nil)), ("locked_at", .string(l.lockedAt)),
            ("locked_by", .string(l.lockedBy)), ("unlocked_at", .str(l.unlockedAt)), ("unlocked_by",
                .str(l.unlockedBy)),
            ("reason", .str(l.reason)),
        ])
    }

    /// One event as `history --json` lists it.
    public func event(_ e: StoredEvent) -> JSON {
        .object([
            ("seq", .int(e.seq)), ("kind", .string(e.kind)), ("on", .date(e.on)), ("actor", .string(e.actor)),
            ("account_id", e.accountID.map(JSON.int) ?? .null), ("late_entry", .str(e.lateEntry)),
            ("letter", .str(e.letter)), ("recorded_at", .string(e.recordedAt)), ("summary", .string(eventSummary(e))),
            ("due_before", .date(e.dueBefore)), ("due_after", .date(e.dueAfter)),
        ])
    }

    /// The step in words.
    public func eventSummary(_ e: StoredEvent) -> String {
        let what =
            e.event?.action.summary(lang) ?? e.note?.summary(lang)
            ?? (lang == .zh ? "登记申请" : "application registered")
        return what + (e.letter.map { lang == .zh ? "（文号：\($0)）" : " (document number \($0))" } ?? "")
    }

    /// A fee worked out band by band (`fee quote --json`).
    public static func quote(_ q: FeeQuote) -> JSON {
        .object([
            ("basis", .string(q.basis.rawValue)), ("quantity", .int(q.quantity)), ("prior_items", .int(q.priorItems)),
            (
                "bands",
                .array(
                    q.bands.map {
                        .object([
                            ("from", .int($0.from)), ("through", .int($0.through)),
                            ("unit_price", .int($0.unitPrice)), ("subtotal", .int($0.subtotal)),
                        ])
                    })
            ),
            ("amount", .int(q.amount)),
        ])
    }

    /// A document filed with a case (`attach --json`, `attachments --json`).
    public static func attachment(_ a: AttachmentInfo) -> JSON {
        .object([
            ("seq", .int(a.seq)), ("kind", .string(a.kind.rawValue)), ("name", .string(a.name)), ("size", .int(a.size)),
            ("sha256", .string(a.sha256)), ("added_at", .string(a.addedAt)), ("added_by", .string(a.addedBy)),
        ])
    }

    /// A staff account (`staff list --json`, `whoami --json`); never its password hash.
    public static func account(_ a: Account) -> JSON {
        .object([
            ("id", .int(a.id)), ("name", .string(a.name)),
            ("roles", .array(a.roles.sorted().map { .string($0.rawValue) })),
            ("email", .str(a.email)), ("disabled", .bool(a.disabled)), ("legacy", .bool(a.legacy)),
            ("created_at", .string(a.createdAt)),
        ])
    }

    /// The account a view shows (`account(_:)` read back, by a client of the server).
    public static func account(from v: JSON) -> Account? {
        guard case .int(let id)? = v["id"], let name = v["name"]?.text, case .array(let roles)? = v["roles"],
            let created = v["created_at"]?.text
        else { return nil }
        let disabled: Bool = if case .bool(true)? = v["disabled"] { true } else { false }
        let legacy: Bool = if case .bool(true)? = v["legacy"] { true } else { false }
        return Account(
            id: id, name: name, roles: Set(roles.compactMap { $0.text.flatMap(Role.init(rawValue:)) }),
            email: v["email"]?.text, disabled: disabled, legacy: legacy, createdAt: created)
    }

    /// One change to a staff account (`staff history --json`).
    public static func staffEvent(_ e: StaffEvent) -> JSON {
        .object([
            ("id", .int(e.id)), ("account", .string(e.account)), ("kind", .string(e.kind)),
            ("detail", .string(e.detail)), ("by", .str(e.by)), ("recorded_at", .string(e.recordedAt)),
        ])
    }

    /// The annual report's tables 三 and 四 (`report annual --format json`): each row by applicant
    /// column, then `organisations` (the 法人或其他组织 subtotal) and `total`.
    public static func annualReport(_ r: AnnualReport) -> JSON {
        func counts(_ row: [ApplicantType: Int]) -> JSON {
            let organisations = AnnualReport.columns.dropFirst().reduce(0) { $0 + row[$1, default: 0] }
            return .object(
                AnnualReport.columns.map { ($0.rawValue, .int(row[$0, default: 0])) }
                    + [("organisations", .int(organisations)), ("total", .int(AnnualReport.total(row)))])
        }
        return .object([
            ("year", .int(r.year)),
            ("received", counts(r.received)),
            ("carried_in", counts(r.carriedIn)),
            ("results", .object(Outcome.allCases.map { ($0.rawValue, counts(r.closed[$0] ?? [:])) })),
            ("results_total", counts(r.closedTotal)),
            ("carried_out", counts(r.carriedOut)),
            ("balanced", .bool(r.imbalances.isEmpty)),
            (
                "remedies",
                .object(
                    RemedyKind.allCases.map { k in
                        (
                            k.rawValue,
                            .object([
                                ("upheld", .int(r.remedyCount(k, .upheld))),
                                ("corrected", .int(r.remedyCount(k, .corrected))),
                                ("other", .int(r.remedyCount(k, .other))), ("pending", .int(r.remedyCount(k, nil))),
                                ("total", .int(r.remedyTotal(k))),
                            ])
                        )
                    })
            ),
        ])
    }

    /// What an import did (`import --json`): exact counts, and the first cases of each kind.
    public static func importReport(_ report: ImportReport) -> JSON {
        .object([
            ("imported_count", .int(report.importedCount)), ("identical_count", .int(report.identicalCount)),
            ("replaced_count", .int(report.replacedCount)), ("updated_count", .int(report.updatedCount)),
            ("due_difference_count", .int(report.dueDifferenceCount)),
            ("imported", .array(report.imported.map(JSON.string))),
            ("identical", .array(report.identical.map(JSON.string))),
            ("replaced", .array(report.replaced.map(JSON.string))),
            ("updated", .array(report.updated.map(JSON.string))),
            (
                "due_differences",
                .array(
                    report.dueDifferences.map {
                        .object([
                            ("case", .string($0.identifier)), ("exported", .date($0.exported)),
                            ("here", .date($0.here)),
                        ])
                    })
            ),
        ])
    }
}
