import Foundation
import Testing

@Suite("Crash safety")
struct CrashTests {
    @Test("an import killed at any moment leaves the database whole: all of the file or none of it")
    func killedImport() throws {
        let o = Office()
        let bench = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("disclosure-bench").path
        let source = o.dir.appendingPathComponent("source.db").path
        // `make reliability` imports a large file; `make test` a smaller one.
        let cases = fullReliability ? 30_000 : 3_000
        #expect(try sh("'\(bench)' generate --db '\(source)' --cases \(cases)", in: o.dir).contains("generated \(cases)"))
        let file = o.dir.appendingPathComponent("cases.xml").path
        _ = try sh("'\(binary)' --db '\(source)' export --all --redact --out '\(file)'", in: o.dir)
        // How long one whole import takes here, to spread the kills over it.
        let timing = Office()
        try timing.ok("init", "--agency", "计时", "--code", "T")
        let started = Date()
        try timing.ok(["import", file], today: "2026-12-31")
        let duration = Date().timeIntervalSince(started)
        try o.ok("init", "--agency", "审查机关", "--code", "REVIEW")
        _ = try o.register("2026-03-02")
        let before = 1, after = cases + 1
        var sawBefore = false, sawAfter = false
        // Twenty kills sweep the import's measured run; under load it may run longer, so later
        // attempts wait longer still, until one finds the import complete.
        var jitter = Jitter(state: 19)
        var kills = 0
        for attempt in 0..<40 {
            // Moments spread over the run, each moved by a random part of its step.
            let delay = 0.02 + (Double(attempt) + jitter.unit()) * duration * 1.2 / 20
            kills += 1
            try killed(o, ["import", file], as: "李主任", after: delay)
            let integrity = try sh("sqlite3 '\(o.db)' 'PRAGMA integrity_check;'", in: o.dir)
            #expect(integrity == "ok", "attempt \(attempt): \(integrity)")
            // What the office sees: a large file is copied in hidden parts; a part a kill leaves behind
            // stays hidden, as the journal records, and an import killed while its recorded parts were
            // being shown is shown whole by the next command.
            let count = try o.caseCount()
            #expect(count == before || count == after, "attempt \(attempt): \(count) cases")
            if count == before { sawBefore = true }
            if count == after {
                sawAfter = true
                if kills >= 20 { break }
            }
        }
        // The sweep must have caught the import both before and after its commit to mean anything.
        #expect(kills >= 20)
        #expect(sawBefore)
        #expect(sawAfter)
        #expect(try o.ok("audit", "verify").status == 0)
        #expect(try o.caseCount() == after)
    }
}
