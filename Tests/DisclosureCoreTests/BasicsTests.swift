import DisclosureCore
import Testing

@Suite("Civil dates")
struct CivilDateTests {
    @Test("ISO dates parse and print", arguments: ["2026-01-01", "2024-02-29", "2000-02-29", "1999-12-31", "2026-10-10"])
    func valid(text: String) throws {
        let date = try #require(CivilDate(iso: text))
        #expect(date.description == text)
        #expect(CivilDate(dayNumber: date.dayNumber) == date)
    }

    @Test("anything else is refused", arguments: [
        "2026-13-01", "2026-02-29", "2100-02-29", "2026-04-31", "2026-00-10", "2026-01-00", "26-01-01", "2026/01/01",
        "2026-1-1", "20260101", "2026-01-01T00:00", " 2026-01-01", "２０２６-01-01", "", "abcd-ef-gh", "2026-01-1x",
    ])
    func invalid(text: String) {
        #expect(CivilDate(iso: text) == nil)
        #expect(throws: DisclosureError.self) { try CivilDate.parse(text, field: "received") }
    }

    @Test("the error names the field and the rule")
    func errorNamesField() {
        do {
            _ = try CivilDate.parse("2026-02-30", field: "received")
            Issue.record("accepted")
        } catch {
            #expect(error.field == "received")
            #expect(error.render(.zh).contains("YYYY-MM-DD"))
            #expect(error.render(.en).hasPrefix("received: "))
        }
    }

    @Test("weekdays", arguments: [("1970-01-01", 4), ("2026-11-22", 7), ("2026-02-14", 6), ("2000-01-01", 6), ("2024-02-29", 4), ("1949-10-01", 6)])
    func weekdays(text: String, weekday: Int) {
        #expect(d(text).weekday == weekday)
    }

    @Test("day arithmetic is exact over decades")
    func dayNumbers() {
        var date = d("1990-01-01")
        var n = date.dayNumber
        while date < d("2060-01-01") {
            let next = date.next
            #expect(next.dayNumber == n + 1)
            #expect(next > date)
            date = next
            n += 1
        }
    }

    @Test("calendar months clamp to the month's end", arguments: [
        ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-03-15", 6, "2026-09-15"),
        ("2026-08-31", 6, "2027-02-28"), ("2026-12-01", 1, "2027-01-01"),
    ])
    func months(from: String, months: Int, expected: String) {
        #expect(d(from).adding(months: months) == d(expected))
    }
}

@Suite("Case numbers")
struct CaseNumberTests {
    @Test("parse and print", arguments: [("2026-000123", "2026-000123"), ("2026-123", "2026-000123"), ("2026-1", "2026-000001"),
                                           ("2027-1234567", "2027-1234567")])
    func valid(text: String, printed: String) throws {
        #expect(try CaseNumber.parse(text).description == printed)
    }

    @Test("malformed numbers are refused", arguments: ["2026", "2026-", "-12", "26-12", "2026-0", "2026-12a", "2026--1", "2026-1-1", "abcd-12", "2026-1234567890", "２０２６-1"])
    func invalid(text: String) {
        #expect(throws: DisclosureError.self) { try CaseNumber.parse(text) }
    }
}

@Suite("Fees (国办函〔2020〕109号)")
struct FeeTests {
    @Test("per item, counted per applicant per month", arguments: [
        (0, 1, 0), (0, 10, 0), (0, 11, 100), (0, 30, 2000), (0, 31, 2200), (0, 40, 4000), (0, 41, 4300),
        (0, 50, 7000), (0, 51, 7400), (9, 3, 200), (10, 1, 100), (30, 1, 200), (45, 10, 3500), (60, 1, 500),
    ])
    func perItem(prior: Int, items: Int, amount: Int) {
        let q = FeeSchedule.perItem(items: items, priorItems: prior)
        #expect(q.amount == amount)
        #expect(q.bands.reduce(0) { $0 + $1.count } == items)
    }

    @Test("per page, per application", arguments: [
        (1, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700), (1000, 34700),
    ])
    func perPage(pages: Int, amount: Int) {
        #expect(FeeSchedule.perPage(pages: pages).amount == amount)
    }

    @Test("large quantities are worked out band by band, at once")
    func large() {
        // Items 1–10 free, 11–30 at 100, then 100 yuan more each band of 10: item n of band k costs 100·(k+1).
        let q = FeeSchedule.perItem(items: 1_000_000, priorItems: 0)
        #expect(q.bands.count == 2 + (1_000_000 - 30) / 10)
        #expect(q.bands.last?.unitPrice == 100 * (2 + (1_000_000 - 31) / 10))
        #expect(FeeSchedule.perPage(pages: 1_000_000).amount == 700 + 2_000 + (1_000_000 - 200) * 40)
    }

    @Test("the bands say how the amount was reached")
    func bands() {
        let q = FeeSchedule.perItem(items: 25, priorItems: 20)
        #expect(q.bands.map { [$0.from, $0.through, $0.unitPrice] } == [[21, 30, 100], [31, 40, 200], [41, 45, 300]])
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(input: String, digest: String) {
        #expect(SHA256.hex(Array(input.utf8)) == digest)
    }

    @Test("a million 'a's, fed in uneven pieces")
    func million() {
        var h = SHA256()
        var fed = 0
        var step = 1
        while fed < 1_000_000 {
            let n = min(step, 1_000_000 - fed)
            h.update(repeatElement(UInt8(ascii: "a"), count: n))
            fed += n
            step = step * 3 % 997 + 1
        }
        #expect(SHA256.hexString(h.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

@Suite("Outcomes")
struct OutcomeTests {
    @Test(
        "the remedies a reply states depend on its outcome and the day it was issued (STATUTE.md §6)",
        arguments: [
            ("3.1", "2023-12-31", RemedyRoute.either), ("3.1", "2024-01-01", .reconsiderationFirst),
            ("3.7", "2026-03-02", .reconsiderationFirst), ("3.8", "2026-03-02", .either),
            ("2", "2026-03-02", .reconsiderationFirstForWithheld), ("2", "2023-06-01", .either),
            ("1", "2026-03-02", .either), ("4.1", "2026-03-02", .either), ("6.3", "2026-03-02", .either),
        ])
    func remedyRoute(_ code: String, _ issued: String, _ route: RemedyRoute) throws {
        let outcome = try #require(Outcome(rawValue: code))
        #expect(outcome.remedyRoute(issued: try #require(CivilDate(iso: issued))) == route)
    }

    @Test("document numbers: formatted and read back; a prefix with the number's own marks is refused")
    func letterNumbers() throws {
        let n = LetterNumber.format(prefix: "示范府信公", kind: .reply, year: 2026, serial: 12)
        #expect(n == "示范府信公答〔2026〕第12号")
        #expect(LetterNumber.parse(n)?.year == 2026 && LetterNumber.parse(n)?.serial == 12)
        #expect(LetterNumber.parse("某文件") == nil)
        for bad in ["", "示范 府", "示范〔府", "第一"] {
            #expect(throws: DisclosureError.self) { try LetterNumber.validatePrefix(bad, field: "--letter-prefix") }
        }
        #expect(Sentence.closed("请至窗口缴纳") == "请至窗口缴纳。" && Sentence.closed("已公开。") == "已公开。")
        #expect(Sentence.closed("见附件，") == "见附件。" && Sentence.closed("（见“通知。”）") == "（见“通知。”）。")
        #expect(Sentence.open("需调取档案。") == "需调取档案")
    }

    @Test("the 21 rows of table 三")
    func all() {
        #expect(Outcome.allCases.count == 21)
        #expect(Outcome.allCases.filter { $0.group == 3 }.count == 8)
        #expect(Outcome.allCases.filter { $0.group == 4 }.count == 3)
        #expect(Outcome.allCases.filter { $0.group == 5 }.count == 5)
        #expect(Outcome.allCases.filter { $0.group == 6 }.count == 3)
        #expect(Outcome.allCases.filter(\.isRefusal) == Outcome.allCases.filter { $0.group == 3 && $0 != .queryMatter })
        #expect(!Outcome.abandonedCorrection.isDraftable && !Outcome.abandonedFee.isDraftable && Outcome.otherHandling.isDraftable)
    }

    @Test("unknown codes are refused with the list", arguments: ["7", "3.9", "3", "4.0", "", "6"])
    func refused(code: String) {
        do {
            _ = try Outcome.parse(code, field: "outcome")
            Issue.record("accepted \(code)")
        } catch {
            #expect(error.field == "outcome")
            #expect(error.render(.en).contains("3.8"))
        }
    }
}
