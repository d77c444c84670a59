/// One price band of a fee computation.
public struct FeeBand: Sendable, Hashable, Codable {
    /// First and last item or page of the band that this computation charges.
    public let from: Int
    public let through: Int
    public let unitPrice: Int
    public var count: Int { through - from + 1 }
    public var subtotal: Int { count * unitPrice }
}

/// A fee worked out on one scale (国办函〔2020〕109号), with the bands it crossed.
public struct FeeQuote: Sendable, Hashable, Codable {
    public let basis: FeeBasis
    /// Items or pages charged by this quote.
    public let quantity: Int
    /// Items the applicant already had in the calendar month (per-item scale only).
    public let priorItems: Int
    public let bands: [FeeBand]
    /// Yuan.
    public var amount: Int { bands.reduce(0) { $0 + $1.subtotal } }
}

/// The two progressive scales of the information-processing fee; a case uses one, never both.
public enum FeeSchedule {
    /// Unit price in yuan of the `n`-th item of an applicant's calendar month (1-based).
    public static func itemPrice(_ n: Int) -> Int {
        switch n {
        case ...10: 0
        case 11...30: 100
        // From item 31 on, bands of 10 items, each 100 yuan per item dearer than the one before.
        default: 100 * (2 + (n - 31) / 10)
        }
    }

    /// Unit price in yuan of the `n`-th page of one application (1-based).
    public static func pagePrice(_ n: Int) -> Int {
        switch n {
        case ...30: 0
        case 31...100: 10
        case 101...200: 20
        default: 40
        }
    }

    /// The per-item fee for `items` items when the applicant already had `priorItems` in the month.
    public static func perItem(items: Int, priorItems: Int) -> FeeQuote {
        FeeQuote(basis: .items, quantity: items, priorItems: priorItems,
                 bands: bands(from: priorItems + 1, count: items, price: itemPrice, bandEnd: itemBandEnd))
    }

    /// The per-page fee for one application of `pages` pages.
    public static func perPage(pages: Int) -> FeeQuote {
        FeeQuote(basis: .pages, quantity: pages, priorItems: 0, bands: bands(from: 1, count: pages, price: pagePrice, bandEnd: pageBandEnd))
    }

    /// Whether `amount` is what the scale charges for `quantity`: exactly, per page; per item, for
    /// some number of the applicant's earlier items that month (the amount grows with it).
    public static func isPossible(amount: Int, basis: FeeBasis, quantity: Int) -> Bool {
        guard (1...maxQuantity).contains(quantity) else { return false }
        if basis == .pages { return perPage(pages: quantity).amount == amount }
        // The amount never falls as the earlier items grow: find the fewest with at least `amount`.
        var low = 0, high = maxQuantity
        while low < high {
            let mid = (low + high) / 2
            if perItem(items: quantity, priorItems: mid).amount < amount { low = mid + 1 } else { high = mid }
        }
        return perItem(items: quantity, priorItems: low).amount == amount
    }

    /// The day the fee rules took effect (国办函〔2020〕109号).
    public static let effective = CivilDate(year: 2021, month: 1, day: 1)!

    /// The largest quantity a fee is worked out for (the exchange format's limit too).
    public static let maxQuantity = 1_000_000

    /// The last item or page of the band that `n` falls in, for each scale.
    static func itemBandEnd(_ n: Int) -> Int { n <= 10 ? 10 : n <= 30 ? 30 : 30 + ((n - 31) / 10 + 1) * 10 }
    static func pageBandEnd(_ n: Int) -> Int { n <= 30 ? 30 : n <= 100 ? 100 : n <= 200 ? 200 : Int.max }

    private static func bands(from first: Int, count: Int, price: (Int) -> Int, bandEnd end: (Int) -> Int) -> [FeeBand] {
        guard count > 0 else { return [] }
        // Band by band, not item by item: the work does not grow with the quantity.
        var result: [FeeBand] = []
        var start = first
        let last = first + count - 1
        while start <= last {
            let through = min(last, end(start))
            result.append(FeeBand(from: start, through: through, unitPrice: price(start)))
            start = through + 1
        }
        return result
    }
}
