import DisclosureCore

extension Store {
    /// The office's prefix of document numbers, or the default until its admin sets one.
    public func letterPrefix() throws(DisclosureError) -> String {
        let stored: String?? = try db.first("SELECT letter_prefix FROM office WHERE id = 1") { $0.optionalText(0) }
        return (stored ?? nil) ?? LetterNumber.defaultPrefix
    }

    /// Sets the prefix of the letters numbered from now on, in the journal as an office setting.
    public func setLetterPrefix(_ prefix: String, by actor: ActorRef, now: String) throws(DisclosureError) {
        try LetterNumber.validatePrefix(prefix, field: "--letter-prefix")
        try db.writeTransaction { () throws(DisclosureError) in
            _ = try db.run("UPDATE office SET letter_prefix = ? WHERE id = 1", prefix)
            guard let snapshot = try Store.snapshotOffice(db) else { return }
            try appendJournal(kind: "office", actor: actor, now: now, payload: snapshot)
        }
    }

    /// The next document number of `kind` in `year`; call inside the write transaction that records the
    /// step, so that the number and the step are kept or lost together.
    func allocateLetter(_ kind: NoticeKind, year: Int) throws(DisclosureError) -> String {
        // One statement counts and reads back (SQLite makes a RETURNING statement's change on its first
        // step), with the prefix beside it: a registration's every statement is part of its start-up.
        let allocated = try db.first(
            """
            INSERT INTO letter_serials (agency_code, kind, year, last) VALUES (?, ?, ?, 1)
            ON CONFLICT (agency_code, kind, year) DO UPDATE SET last = last + 1
            RETURNING last, (SELECT letter_prefix FROM office WHERE id = 1)
            """, office.code, kind.rawValue, year
        ) { (serial: $0.int(0), prefix: $0.optionalText(1)) }
        guard let allocated else {
            throw DisclosureError(.storage, zh: "未能分配文号（\(kind.rawValue)）",
                                  en: "no document number was allocated (\(kind.rawValue))")
        }
        return LetterNumber.format(prefix: allocated.prefix ?? LetterNumber.defaultPrefix, kind: kind, year: year,
                                   serial: allocated.serial)
    }

    /// The office's counters of document numbers: a restore carries them over from the database it
    /// replaces, so that numbers given after the backup are not given again.
    public func letterCounters() throws(DisclosureError) -> [LetterCounter] {
        try db.all("SELECT kind, year, last FROM letter_serials WHERE agency_code = ?", office.code) {
            LetterCounter(kind: $0.text(0), year: $0.int(1), last: $0.int(2))
        }
    }

    /// Raises the counters to at least `counters` (inside the caller's write transaction).
    func raiseLetterCounters(_ counters: [LetterCounter]) throws(DisclosureError) {
        for c in counters where NoticeKind(rawValue: c.kind) != nil {
            try db.run(
                """
                INSERT INTO letter_serials (agency_code, kind, year, last) VALUES (?, ?, ?, ?)
                ON CONFLICT (agency_code, kind, year) DO UPDATE SET last = MAX(last, excluded.last)
                """, office.code, c.kind, c.year, c.last)
        }
    }

    /// The kind, year and serial of every letter of this office's own case `d` (a restored case).
    func ownLetters(of d: CaseDossier) -> [LetterKey: Int] {
        guard d.agencyCode == office.code else { return [:] }
        var letters: [(NoticeKind, String)] = d.registrationLetter.map { [(.receipt, $0)] } ?? []
        for e in d.events {
            if let l = e.event.letter, let k = NoticeKind.issued(by: e.event.action) { letters.append((k, l)) }
        }
        var out: [LetterKey: Int] = [:]
        for (kind, text) in letters {
            guard let (year, serial) = LetterNumber.parse(text) else { continue }
            out[LetterKey(kind: kind, year: year), default: 0] = max(
                out[LetterKey(kind: kind, year: year)] ?? 0, serial)
        }
        return out
    }

    /// Keeps the numbering past `letters`, so that no number of a restored case is given again.
    func noteLetters(_ letters: [LetterKey: Int]) throws(DisclosureError) {
        for (key, serial) in letters {
            try db.run(
                """
                INSERT INTO letter_serials (agency_code, kind, year, last) VALUES (?, ?, ?, ?)
                ON CONFLICT (agency_code, kind, year) DO UPDATE SET last = MAX(last, excluded.last)
                """, office.code, key.kind.rawValue, key.year, serial)
        }
    }
}

/// How far one series of document numbers has counted.
public struct LetterCounter: Sendable, Hashable {
    public let kind: String
    public let year: Int
    public let last: Int
}

/// A series of document numbers within an office.
struct LetterKey: Hashable {
    let kind: NoticeKind
    let year: Int
}
