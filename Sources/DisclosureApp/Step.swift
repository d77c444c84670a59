import DisclosureCore

/// A procedural step as a front end asks for it: what the officer decided, without what the
/// application layer works out itself (numbering, fee amounts, which consultation is meant).
public enum Step: Sendable, Hashable {
    case correctionRequest(items: String, periodDays: Int, served: CivilDate?)
    case correctionReceive
    case consultSend(party: ConsultParty, to: String, served: CivilDate?)
    /// nil: the one consultation still waiting.
    case consultAnswer(id: Int?, opinion: Opinion)
    /// Recorded by a head of office themselves (art. 33): the approver is the signed-in account.
    case extend(days: Int, reason: String)
    case deferral(until: CivilDate, reason: String)
    case feeNotice(basis: FeeBasis, quantity: Int, served: CivilDate?)
    case feePaid
    case draft(outcome: Outcome, basis: String?, referTo: String?)
    case review(approve: Bool, comment: String?)
    case issue
    case deliver(method: DeliveryMethod)
    case archive
    case reopen(reason: String)
    case withdraw
    case close(reason: AbandonReason)
    case remedyFile(kind: RemedyKind, body: String)
    /// nil: the one remedy still undecided.
    case remedyDecide(id: Int?, result: RemedyResult)
    /// The handler's account name.
    case assign(account: String)
    /// A handler proposes to correct `field` of history entry `event` (0: the registration) to `value`.
    case amend(event: Int, field: AmendableField, value: String, reason: String)
    /// A head approves or refuses amendment `id` (nil: the one awaiting a decision).
    case decideAmendment(id: Int?, approve: Bool)
}

/// A fee quantity on one scale, as typed.
public struct FeeQuantity: Sendable, Hashable {
    public let basis: FeeBasis
    public let quantity: Int
    public init(basis: FeeBasis, quantity: Int) {
        self.basis = basis
        self.quantity = quantity
    }

    /// Exactly one of `items` or `pages`, each 1 to `FeeSchedule.maxQuantity`.
    public static func from(items: Int?, pages: Int?) throws(DisclosureError) -> FeeQuantity {
        func bounded(_ n: Int, _ field: String) throws(DisclosureError) -> Int {
            guard n >= 1 else {
                throw DisclosureError(.invalidValue, field: field, zh: "须为正整数", en: "must be a positive whole number")
            }
            guard n <= FeeSchedule.maxQuantity else {
                throw DisclosureError(
                    .invalidValue, field: field, zh: "最多\(FeeSchedule.maxQuantity)",
                    en: "at most \(FeeSchedule.maxQuantity)")
            }
            return n
        }
        switch (items, pages) {
        case (let i?, nil): return FeeQuantity(basis: .items, quantity: try bounded(i, "items"))
        case (nil, let p?): return FeeQuantity(basis: .pages, quantity: try bounded(p, "pages"))
        default:
            throw DisclosureError(
                .invalidValue, field: "items/pages",
                zh: "须且只能选一种计收方式：按件（件数）或按量（页数）",
                en: "give exactly one scale: per item (a count of items) or per page (a count of pages)")
        }
    }
}
