-- 0007: indexes for an office with years of history. Every query about this office's current cases
-- names agency_code and superseded_by IS NULL, and SQLite then prefers the partial identity index,
-- which walks every case of the office; these partial indexes lead with the same columns instead.
-- The annual report and statistics read a year's cases (and those open across its ends) from
-- covering indexes; the repeat warning and the monthly fee count read one applicant's cases.
CREATE INDEX cases_report_received ON cases (agency_code, received, applicant_type) WHERE superseded_by IS NULL;
CREATE INDEX cases_report_closed ON cases (agency_code, closed_on, received, outcome, applicant_type) WHERE superseded_by IS NULL;
DROP INDEX cases_applicant;
CREATE INDEX cases_applicant ON cases (agency_code, applicant_name, received) WHERE superseded_by IS NULL;
