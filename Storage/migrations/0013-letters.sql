-- 0013: document numbers (文号) of the letters an office sends. Each letter is numbered per office,
-- kind and year when the step that sends it is recorded (a reply at 签发), in the same transaction,
-- and the number is part of that event and of its hash. letter_serials only ever counts up, so a
-- number is never given twice, even when the case that had it is replaced by an import.
ALTER TABLE events ADD COLUMN letter TEXT;
ALTER TABLE office ADD COLUMN letter_prefix TEXT;
CREATE TABLE letter_serials (
    agency_code TEXT NOT NULL,
    kind        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last        INTEGER NOT NULL,
    PRIMARY KEY (agency_code, kind, year)
) WITHOUT ROWID;
