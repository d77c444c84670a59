-- 0001: the office, the working-day calendar, cases and their append-only events.
-- Applied in one transaction; PRAGMA user_version records the last migration applied.

CREATE TABLE office (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    code        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- One official schedule per year, kept as the text of the calendar file it came from.
CREATE TABLE calendar_year (
    year        INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    body        TEXT NOT NULL,
    origin      TEXT NOT NULL,      -- 'shipped' or the imported file's name
    loaded_at   TEXT NOT NULL
);

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    serial          INTEGER NOT NULL,
    received        TEXT NOT NULL,
    channel         TEXT NOT NULL,
    applicant_name  TEXT NOT NULL,
    applicant_type  TEXT NOT NULL,
    id_number       TEXT,
    contact         TEXT,
    request         TEXT NOT NULL,
    form            TEXT,
    note            TEXT,
    registered_at   TEXT NOT NULL,
    registered_by   TEXT NOT NULL,
    -- Materialised from the events by Core, in the same transaction as each event.
    status          TEXT NOT NULL,
    is_open         INTEGER NOT NULL,
    due             TEXT,
    next_deadline   TEXT,
    consult_until   TEXT,
    provisional     INTEGER NOT NULL,
    outcome         TEXT,
    closed_on       TEXT,
    UNIQUE (year, serial)
);

-- The deadline board is a range scan of this index.
CREATE INDEX cases_board ON cases (next_deadline) WHERE is_open = 1;
CREATE INDEX cases_open ON cases (is_open, id);
CREATE INDEX cases_applicant ON cases (applicant_name, received);
CREATE INDEX cases_received ON cases (received);
CREATE INDEX cases_closed ON cases (closed_on);

-- Append-only. seq 0 is the registration itself, so that the hash chain covers the intake facts.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    actor        TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    payload      TEXT NOT NULL,
    due_before   TEXT,
    due_after    TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL,
    UNIQUE (case_id, seq)
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
