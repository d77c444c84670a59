-- 0007: covering indexes for the annual report and statistics, so that a year's figures are read
-- from the cases of that year (and those still open across its ends), not from every case ever filed.
CREATE INDEX cases_report_received ON cases (agency_code, received, applicant_type) WHERE superseded_by IS NULL;
CREATE INDEX cases_report_closed ON cases (agency_code, closed_on, received, outcome, applicant_type) WHERE superseded_by IS NULL;
