-- 0012: the deadline reminders sent to staff (STATUTE.md §3: a missed deadline is unlawful). One row per
-- account and day: a reminder sent by cron and the server's daily job on the same day goes out once, and
-- the office can show whom it warned, and when.
CREATE TABLE reminders (
    id          INTEGER PRIMARY KEY,
    day         TEXT NOT NULL,              -- the office's date the digest was for
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    address     TEXT NOT NULL,              -- the e-mail address it went to
    cases       INTEGER NOT NULL,           -- how many cases it listed
    sent_at     TEXT NOT NULL,
    sent_by     TEXT NOT NULL,              -- 'server', 'cron', or the account that asked
    UNIQUE (day, account_id)
);
