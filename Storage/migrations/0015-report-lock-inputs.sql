-- 0015: a lock keeps the office's own inputs of the annual report document (table 二 and the texts of
-- sections 一, 五 and 六, forms/annual-report-inputs.md) and the year's facts as then counted (JSON),
-- so that a locked year renders from them forever, whatever becomes of the file. The journal holds
-- their digests; audit verify compares.
ALTER TABLE report_locks ADD COLUMN inputs TEXT;
ALTER TABLE report_locks ADD COLUMN facts TEXT;
