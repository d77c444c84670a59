-- 0005: years whose annual report is published; changes that would alter their figures are refused.
-- Unlocking keeps the row (with who, when and why), so that every lock and unlock stays on record.
CREATE TABLE report_locks (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    locked_at   TEXT NOT NULL,
    locked_by   TEXT NOT NULL,
    unlocked_at TEXT,
    unlocked_by TEXT,
    reason      TEXT
);
CREATE UNIQUE INDEX report_locks_current ON report_locks (year) WHERE unlocked_at IS NULL;
