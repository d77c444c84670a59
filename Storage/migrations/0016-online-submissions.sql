-- 0016: applications made on the public portal (网上受理). Each waits as a pending intake until an
-- officer confirms it: the day of confirmation is its receipt date (art. 31), and the case it became
-- is linked; or declines it, with a reason the applicant sees (spam, a duplicate, not an application). The applicant follows it with a query code, of which only a digest is kept. Every
-- submission and confirmation is also an entry of the office journal, with the form's digest.
CREATE TABLE submissions (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    year           INTEGER NOT NULL,
    serial         INTEGER NOT NULL,
    submitted_at   TEXT NOT NULL,
    submitted_on   TEXT NOT NULL,
    form           TEXT NOT NULL,
    code_digest    TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'declined')),
    decided_on     TEXT,
    decided_by     TEXT,
    reason         TEXT,
    case_id        INTEGER REFERENCES cases (id),
    UNIQUE (year, serial),
    CHECK ((status = 'confirmed') = (case_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_on IS NULL))
);
CREATE INDEX submissions_pending ON submissions (status, id);

CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions BEGIN SELECT RAISE(ABORT, 'submissions are kept'); END;
-- What the applicant sent never changes; the rest moves once, from pending to decided.
CREATE TRIGGER submissions_form_fixed BEFORE UPDATE OF number, year, serial, submitted_at, submitted_on, form, code_digest ON submissions BEGIN SELECT RAISE(ABORT, 'a submission as sent cannot change'); END;
CREATE TRIGGER submissions_decided_once BEFORE UPDATE ON submissions WHEN OLD.status <> 'pending' BEGIN SELECT RAISE(ABORT, 'a submission is decided once'); END;
