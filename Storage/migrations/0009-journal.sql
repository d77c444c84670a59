-- 0009: the office journal, a second hash chain beside the case events, for every change that is
-- not a step of one case: calendar imports, report locks, imports and restores, staff changes,
-- checkpoints. The program writes a baseline entry right after this migration (SQL cannot hash),
-- recording the office, calendars, locks, accounts and attachments as they stood.
-- Attachments become append-only: each one is also an event of its case from now on.

CREATE TABLE journal (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    account_id  INTEGER REFERENCES accounts (id),
    recorded_at TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX journal_kind ON journal (kind, id);

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
