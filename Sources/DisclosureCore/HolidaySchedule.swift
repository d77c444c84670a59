/// One year's official holiday schedule (国务院办公厅关于YYYY年部分节假日安排的通知).
public struct HolidaySchedule: Sendable, Hashable {
    public let year: Int
    /// The notice it was taken from (document number or title).
    public let source: String
    /// Days off named by the notice, with the festival's name (weekend days inside a range included).
    public let holidays: [CivilDate: String]
    /// Weekend days declared working days (调休上班日), with the festival they belong to.
    public let workdays: [CivilDate: String]

    public init(year: Int, source: String, holidays: [CivilDate: String], workdays: [CivilDate: String]) {
        self.year = year
        self.source = source
        self.holidays = holidays
        self.workdays = workdays
    }

    /// Parses the text format documented in `Storage/calendar/README.md`.
    public static func parse(_ text: String, origin: String = "calendar") throws(DisclosureError) -> HolidaySchedule {
        var year: Int?
        var source: String?
        var holidays: [CivilDate: String] = [:]
        var workdays: [CivilDate: String] = [:]

        func fail(_ line: Int, zh: String, en: String) -> DisclosureError {
            DisclosureError(.calendarFormat, field: "\(origin):\(line)", zh: zh, en: en)
        }

        // Split on bytes: "\r\n" is one Character, and a file saved on Windows must read the same.
        for (index, raw) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let lineNo = index + 1
            let line = trimmed(Substring(raw))
            if line.isEmpty || line.utf8.first == UInt8(ascii: "#") { continue }
            let parts = line.utf8.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: true)
                .map { String(Substring($0)) }
            let keyword = parts[0]
            if year == nil && keyword != "year" {
                throw fail(lineNo, zh: "第一行有效内容必须是“year YYYY”", en: "the first non-comment line must be “year YYYY”")
            }
            switch keyword {
            case "year":
                guard year == nil else { throw fail(lineNo, zh: "“year”只能出现一次", en: "“year” may appear only once") }
                guard parts.count == 2, parts[1].utf8.count == 4, let y = Int(parts[1]), (1949...9998).contains(y) else {
                    throw fail(lineNo, zh: "年份须为四位数字，如“year 2027”", en: "the year must be four digits, e.g. “year 2027”")
                }
                year = y
            case "source":
                guard parts.count >= 2 else { throw fail(lineNo, zh: "“source”后须写通知文号或标题", en: "“source” needs the notice's number or title") }
                source = parts.dropFirst().joined(separator: " ")
            case "holiday", "workday":
                guard parts.count == 3 else {
                    throw fail(lineNo, zh: "格式应为“\(keyword) 日期[..日期] 节日名称”", en: "expected “\(keyword) DATE[..DATE] NAME”")
                }
                let span: DateSpan
                let dates = splitRange(parts[1])
                guard dates.count <= 2, let first = CivilDate(iso: dates[0]),
                      let last = dates.count == 2 ? CivilDate(iso: dates[1]) : first else {
                    throw fail(lineNo, zh: "日期“\(parts[1])”无效，须为 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD",
                               en: "date “\(parts[1])” is invalid; use YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")
                }
                guard first <= last, first.days(to: last) <= 15 else {
                    throw fail(lineNo, zh: "日期范围须从前到后且不超过16天", en: "a range must run forwards and cover at most 16 days")
                }
                span = DateSpan(first, last)
                guard let y = year, abs(first.year - y) <= 1, abs(last.year - y) <= 1 else {
                    throw fail(lineNo, zh: "日期须在\(year ?? 0)年或相邻年份内", en: "dates must lie in \(year ?? 0) or an adjacent year")
                }
                let name = parts[2]
                for d in span.days {
                    if keyword == "holiday" {
                        guard workdays[d] == nil, holidays[d] == nil else {
                            throw fail(lineNo, zh: "\(d)重复出现", en: "\(d) is listed twice")
                        }
                        holidays[d] = name
                    } else {
                        guard d.isWeekend else {
                            throw fail(lineNo, zh: "调休上班日\(d)不是周六或周日", en: "make-up working day \(d) is not a Saturday or Sunday")
                        }
                        guard workdays[d] == nil, holidays[d] == nil else {
                            throw fail(lineNo, zh: "\(d)重复出现", en: "\(d) is listed twice")
                        }
                        workdays[d] = name
                    }
                }
            default:
                throw fail(lineNo, zh: "无法识别的关键字“\(keyword)”（可用：year、source、holiday、workday）",
                           en: "unknown keyword “\(keyword)” (expected year, source, holiday or workday)")
            }
        }
        guard let year else {
            throw DisclosureError(.calendarFormat, field: origin, zh: "文件中没有“year YYYY”行", en: "the file has no “year YYYY” line")
        }
        guard !holidays.isEmpty else {
            throw DisclosureError(.calendarFormat, field: origin, zh: "文件中没有任何放假日期", en: "the file lists no holidays")
        }
        return HolidaySchedule(year: year, source: source ?? "", holidays: holidays, workdays: workdays)
    }

    /// The line without the spaces, tabs and carriage return around it. ASCII is trimmed byte by byte
    /// (the parser runs at every start of the program); other white space, such as U+3000, by Character.
    static func trimmed(_ line: Substring) -> Substring {
        let u = line.utf8
        let blankByte: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        guard let first = u.firstIndex(where: { !blankByte($0) }), let last = u.lastIndex(where: { !blankByte($0) }) else { return "" }
        let inner = Substring(u[first...last])
        guard (inner.utf8.first ?? 0) >= 0x80 || (inner.utf8.last ?? 0) >= 0x80 else { return inner }
        let blank: (Character) -> Bool = { $0.isWhitespace && !$0.isNewline }
        guard let a = inner.firstIndex(where: { !blank($0) }), let b = inner.lastIndex(where: { !blank($0) }) else { return "" }
        return inner[a...b]
    }

    /// The text split at every "..", as Foundation's `components(separatedBy: "..")` does.
    static func splitRange(_ text: String) -> [String] {
        let u = Array(text.utf8)
        var parts: [String] = []
        var start = 0, i = 0
        while i + 1 < u.count {
            if u[i] == UInt8(ascii: "."), u[i + 1] == UInt8(ascii: ".") {
                parts.append(String(decoding: u[start..<i], as: UTF8.self))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: u[start...], as: UTF8.self))
        return parts
    }

    /// The schedule in the same text format `parse` reads (dates in order, ranges folded).
    public func serialized() -> String {
        var out = "year \(year)\n"
        if !source.isEmpty { out += "source \(source)\n" }
        var entries: [(CivilDate, CivilDate, String, String)] = []
        let all = holidays.map { ($0.key, "holiday", $0.value) } + workdays.map { ($0.key, "workday", $0.value) }
        for (d, kind, name) in all.sorted(by: { $0.0 < $1.0 }) {
            if let lastEntry = entries.last, lastEntry.2 == kind, lastEntry.3 == name, kind == "holiday",
               lastEntry.1.next == d {
                entries[entries.count - 1].1 = d
            } else {
                entries.append((d, d, kind, name))
            }
        }
        for (a, b, kind, name) in entries {
            out += a == b ? "\(kind) \(a) \(name)\n" : "\(kind) \(a)..\(b) \(name)\n"
        }
        return out
    }
}


extension HolidaySchedule {
    /// The most days off one festival has had (春节 2020: 10) with room to spare, and for a whole year
    /// (2026: 33); an official notice has never come near either, a doctored file easily does.
    public static let maxDaysPerFestival = 12
    public static let maxDaysPerYear = 40
    public static let maxWorkdaysPerYear = 12

    /// Refuses a schedule no official notice could be: too many days off for one festival or in all.
    public func checkPlausible(field: String) throws(DisclosureError) {
        var perFestival: [String: Int] = [:]
        for (day, name) in holidays where day.year == year { perFestival[name, default: 0] += 1 }
        if let (name, days) = perFestival.max(by: { $0.value < $1.value }), days > Self.maxDaysPerFestival {
            throw DisclosureError(.calendarFormat, field: field,
                                  zh: "“\(name)”共放假\(days)天，超过任何一年官方安排的上限（\(Self.maxDaysPerFestival)天）；请核对文件",
                                  en: "“\(name)” has \(days) days off, more than any official notice allows "
                                      + "(\(Self.maxDaysPerFestival)); check the file")
        }
        let total = perFestival.values.reduce(0, +)
        if total > Self.maxDaysPerYear {
            throw DisclosureError(.calendarFormat, field: field,
                                  zh: "\(year)年共放假\(total)天，超过任何一年官方安排的上限（\(Self.maxDaysPerYear)天）；请核对文件",
                                  en: "\(year) has \(total) days off in all, more than any official notice "
                                      + "(\(Self.maxDaysPerYear)); check the file")
        }
        let made = workdays.keys.filter { $0.year == year }.count
        if made > Self.maxWorkdaysPerYear {
            throw DisclosureError(.calendarFormat, field: field,
                                  zh: "\(year)年共有\(made)个调休上班日，超过上限（\(Self.maxWorkdaysPerYear)天）；请核对文件",
                                  en: "\(year) has \(made) make-up working days, more than the limit "
                                      + "(\(Self.maxWorkdaysPerYear)); check the file")
        }
    }
}
