-- 0003: cases keep the agency they belong to, so that case files imported from another agency keep
-- their own numbers (a case is identified by agency code + case number); a case replaced by an
-- import is kept, marked superseded, never deleted; attachments.
-- SQLite cannot change a table's UNIQUE constraint in place, so the cases table is rebuilt
-- (the program runs this with foreign-key enforcement off, and checks the keys afterwards).

CREATE TABLE cases_new (
    id              INTEGER PRIMARY KEY,
    agency_code     TEXT NOT NULL,
    agency_name     TEXT NOT NULL,
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
    status          TEXT NOT NULL,
    is_open         INTEGER NOT NULL,
    due             TEXT,
    next_deadline   TEXT,
    consult_until   TEXT,
    provisional     INTEGER NOT NULL,
    outcome         TEXT,
    closed_on       TEXT,
    waiting_consultations TEXT,
    superseded_by   INTEGER REFERENCES cases_new (id)
);

INSERT INTO cases_new
SELECT c.id, o.code, o.name, c.year, c.serial, c.received, c.channel, c.applicant_name, c.applicant_type,
       c.id_number, c.contact, c.request, c.form, c.note, c.registered_at, c.registered_by, c.status, c.is_open,
       c.due, c.next_deadline, c.consult_until, c.provisional, c.outcome, c.closed_on, c.waiting_consultations, NULL
FROM cases c CROSS JOIN office o;

DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;

CREATE UNIQUE INDEX cases_identity ON cases (agency_code, year, serial) WHERE superseded_by IS NULL;
CREATE INDEX cases_board ON cases (next_deadline) WHERE is_open = 1 AND superseded_by IS NULL;
CREATE INDEX cases_open ON cases (is_open, id);
CREATE INDEX cases_applicant ON cases (applicant_name, received);
CREATE INDEX cases_received ON cases (received);
CREATE INDEX cases_closed ON cases (closed_on);

CREATE TABLE attachments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    TEXT NOT NULL,
    content     BLOB NOT NULL,
    UNIQUE (case_id, seq)
);
