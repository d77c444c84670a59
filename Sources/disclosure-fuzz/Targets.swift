import DisclosureCore
import DisclosureExchange
import Foundation

/// One fuzz target: takes any bytes, must never crash, and checks what it parses.
typealias FuzzTarget = @Sendable ([UInt8]) -> Void

/// The parsers of user input, by the name `make fuzz` and the corpus folders use.
let fuzzTargets: [String: FuzzTarget] = [
    "import": fuzzImport,
    "calendar": fuzzCalendar,
    "fields": fuzzFields,
]

/// A scratch file for parsers that read files; one per process, rewritten for every input.
let scratchPath = NSTemporaryDirectory() + "disclosure-fuzz-\(getpid()).xml"

func writeScratch(_ bytes: [UInt8]) {
    guard let f = fopen(scratchPath, "wb") else { fatalError("cannot write \(scratchPath)") }
    _ = bytes.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
}

/// Fails the run: libFuzzer records the input that led here.
func violated(_ what: String) -> Never {
    fatalError("property violated: \(what)")
}

let fuzzCalendar2026: WorkCalendar = {
    let schedules = (try? HolidaySchedule.parse("""
        year 2026
        holiday 2026-01-01..2026-01-03 元旦
        workday 2026-01-04 元旦
        holiday 2026-10-01..2026-10-07 国庆节
        """)).map { [$0] } ?? []
    return WorkCalendar(schedules: schedules)
}()

/// XML case-file import: the streaming reader with schema validation, then every case replayed
/// through the rules, as `disclosure import` does before storing.
func fuzzImport(_ bytes: [UInt8]) {
    writeScratch(bytes)
    let today = CivilDate(year: 2026, month: 11, day: 20)!
    do throws(DisclosureError) {
        try CaseFileReader.read(path: scratchPath) { (d: CaseDossier) throws(DisclosureError) in
            let v = try d.validated(calendar: fuzzCalendar2026, today: today)
            if v.dossier.number != d.number { violated("validation changed the case number") }
        }
    } catch {
        // Refusal is the expected answer to most inputs; it must come with a message.
        if error.render(.en).isEmpty { violated("an import error without a message") }
    }
    _ = try? CaseFileReader.validate(path: scratchPath)
}

/// Calendar files: the text format (and, when the input looks like XML, the XML format). A schedule
/// that parses must print back to text that parses to the same schedule, and must build a calendar.
func fuzzCalendar(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    if let schedule = try? HolidaySchedule.parse(text) {
        guard let again = try? HolidaySchedule.parse(schedule.serialized()) else { violated("serialized schedule does not parse") }
        if again != schedule { violated("serialized schedule parses differently") }
        let calendar = WorkCalendar(schedules: [schedule])
        if let jan1 = CivilDate(year: schedule.year, month: 1, day: 1) {
            let due = calendar.addingWorkdays(20, after: jan1).date
            if calendar.workdays(after: jan1, through: due) != 20 { violated("adding and counting working days disagree") }
        }
    }
    if bytes.first == UInt8(ascii: "<") {
        writeScratch(bytes)
        _ = try? CalendarFileReader.read(path: scratchPath)
    }
}

/// The fields users type: dates, case numbers and the coded values (channel, outcome, status…),
/// chosen by the first byte. What parses must print back as it was typed.
func fuzzFields(_ bytes: [UInt8]) {
    guard let selector = bytes.first else { return }
    let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
    switch selector % 4 {
    case 0:
        if let d = try? CivilDate.parse(text, field: "--on") {
            if d.description != text { violated("date \(text) prints as \(d)") }
            if CivilDate(dayNumber: d.dayNumber) != d { violated("day number round trip of \(d)") }
        }
    case 1:
        if let n = try? CaseNumber.parse(text) {
            guard let again = try? CaseNumber.parse(n.description) else { violated("case number \(n) does not parse back") }
            if again != n { violated("case number \(text) parses back differently") }
        }
    case 2:
        check(Channel.self, text)
        check(ApplicantType.self, text)
        check(InfoForm.self, text)
        check(Outcome.self, text)
        check(CaseStatus.self, text)
    default:
        // Fee quantities as `quote` takes them: "QUANTITY,EARLIER"; the bands must cover the quantity exactly.
        let parts = text.split(separator: ",").map { Int($0) }
        guard parts.count == 2, let n = parts[0], let prior = parts[1],
              (1...FeeSchedule.maxQuantity).contains(n), (0...FeeSchedule.maxQuantity).contains(prior) else { return }
        for q in [FeeSchedule.perItem(items: n, priorItems: prior), FeeSchedule.perPage(pages: n)] {
            if q.bands.reduce(0, { $0 + $1.count }) != n { violated("bands of \(q.basis) do not add up to \(n)") }
            if q.amount < 0 { violated("negative fee for \(n)") }
        }
    }
}

func check<V: Vocabulary>(_ type: V.Type, _ text: String) {
    if let v = try? V.parse(text, field: "--x"), v.rawValue != text { violated("\(V.self) \(text) reads as \(v.rawValue)") }
}
