import DisclosureCore
import Foundation

/// The package root, found from this file's location.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shipped official schedules, read from Storage/calendar as a user would edit them.
let shippedSchedules: [HolidaySchedule] = {
    let dir = packageRoot.appendingPathComponent("Storage/calendar")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".txt") }.sorted()
    return names.compactMap { name in
        guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { return nil }
        return try? HolidaySchedule.parse(text, origin: name)
    }
}()

/// The working-day calendar on the shipped schedules.
let officialCalendar = WorkCalendar(schedules: shippedSchedules)

/// Shorthand for a date literal in tables; a typo in a test table should crash the test loudly.
func d(_ s: String) -> CivilDate {
    guard let date = CivilDate(iso: s) else { fatalError("bad date literal in test: \(s)") }
    return date
}
