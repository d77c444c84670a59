/// One month of an office's work.
public struct MonthStats: Sendable, Hashable {
    /// `YYYY-MM`.
    public let month: String
    public var received = 0
    /// Closed in the month (replied, withdrawn, abandoned).
    public var closed = 0
    /// Replies issued in the month, with their working days (stopped time not counted).
    public var replyWorkdays: [Int] = []
    public var repliedOnTime = 0
    /// Cases received in the month that are overdue now.
    public var overdueNow = 0

    public init(month: String) { self.month = month }

    /// Share of the month's replies issued by their due date; nil with no reply.
    public var onTimeRate: Double? { replyWorkdays.isEmpty ? nil : Double(repliedOnTime) / Double(replyWorkdays.count) }
    public var median: Int? { Statistics.percentile(replyWorkdays, 0.5) }
    public var p90: Int? { Statistics.percentile(replyWorkdays, 0.9) }
}

public enum Statistics {
    /// The nearest-rank percentile: the smallest value with at least `p` of the values at or below it.
    public static func percentile(_ values: [Int], _ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    /// Every `YYYY-MM` from the month of `from` to the month of `to`.
    public static func months(from: CivilDate, to: CivilDate) -> [String] {
        var out: [String] = []
        var y = from.year, m = from.month
        while (y, m) <= (to.year, to.month) {
            out.append(String(CivilDate(year: y, month: m, day: 1)?.description.prefix(7) ?? ""))
            m += 1
            if m > 12 { m = 1; y += 1 }
        }
        return out
    }

    /// A grouped bar chart of received, closed and overdue-now cases per month, as SVG.
    public static func svg(_ months: [MonthStats], title: String) -> String {
        // Wide enough for the bars and for the title (CJK glyphs are about 16 px at this size).
        // Each month takes 64 px: three bars and its label, 2026年9月, at 12 px.
        let width = max(480, 70 + months.count * 64 + 20, title.count * 16 + 40), height = 340
        let left = 56, bottom = 70, top = 48, plotHeight = height - top - bottom
        let maxValue = max(1, months.map { max($0.received, $0.closed, $0.overdueNow) }.max() ?? 1)
        // A round step for the axis (1, 2 or 5 times a power of ten) giving at most five ticks.
        let steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000]
        let step = steps.first { maxValue / $0 <= 5 } ?? max(1, maxValue / 5)
        let axisTop = ((maxValue + step - 1) / step) * step
        func y(_ v: Int) -> Int { top + plotHeight - v * plotHeight / axisTop }
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" font-size="12">
            <rect width="\(width)" height="\(height)" fill="#ffffff"/>
            <text x="\(width / 2)" y="24" text-anchor="middle" font-size="16">\(escape(title))</text>

            """
        var v = 0
        while v <= axisTop {
            s += "<line x1=\"\(left)\" y1=\"\(y(v))\" x2=\"\(width - 16)\" y2=\"\(y(v))\" stroke=\"#dddddd\"/>\n"
            s += "<text x=\"\(left - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\" fill=\"#555555\">\(v)</text>\n"
            v += step
        }
        let colours = [("#3b6fb6", "收到"), ("#3a9a5b", "办结"), ("#c8423b", "当前逾期")]
        for (i, m) in months.enumerated() {
            let x0 = left + 17 + i * 64
            for (j, value) in [m.received, m.closed, m.overdueNow].enumerated() where value > 0 {
                s += "<rect x=\"\(x0 + j * 10)\" y=\"\(y(value))\" width=\"9\" height=\"\(y(0) - y(value))\" fill=\"\(colours[j].0)\"><title>\(m.month) \(colours[j].1) \(value)</title></rect>\n"
            }
            s += "<text x=\"\(x0 + 15)\" y=\"\(y(0) + 16)\" text-anchor=\"middle\" fill=\"#333333\">"
                + "\(label(m.month))</text>\n"
        }
        s += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(width - 16)\" y2=\"\(y(0))\" stroke=\"#333333\"/>\n"
        for (j, c) in colours.enumerated() {
            let lx = left + j * 110
            s += "<rect x=\"\(lx)\" y=\"\(height - 26)\" width=\"12\" height=\"12\" fill=\"\(c.0)\"/><text x=\"\(lx + 18)\" y=\"\(height - 16)\">\(c.1)</text>\n"
        }
        return s + "</svg>\n"
    }

    /// "2026-09" as the chart labels it: 2026年9月.
    static func label(_ month: String) -> String {
        let parts = month.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return month }
        return "\(y)年\(m)月"
    }

    static func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

extension String {
    func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}
