-- 0011: the repeat-application check at every registration looks for the applicant's replied cases only: an
-- index of those alone, so that an applicant with thousands of open or closed cases costs nothing.
CREATE INDEX cases_replied_applicant ON cases (agency_code, applicant_name, received)
    WHERE reply_workdays IS NOT NULL AND superseded_by IS NULL;
