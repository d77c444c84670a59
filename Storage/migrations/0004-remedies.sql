-- 0004: 行政复议 and 行政诉讼 about cases, materialised from the events for table 四 of the annual report.
CREATE TABLE remedies (
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    remedy_id   INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    filed       TEXT NOT NULL,
    decided     TEXT,
    result      TEXT,
    PRIMARY KEY (case_id, remedy_id)
);
CREATE INDEX remedies_filed ON remedies (filed);
