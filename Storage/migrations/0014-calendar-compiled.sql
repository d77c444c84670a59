-- 0014: the working-day calendar in the form deadline walks read it (one byte a day over the loaded
-- years), made by the program whenever the schedules change, so that a command need not parse every
-- year's notice at every start. Derived data: any change to calendar_year, by this program or by
-- anyone with the file, removes it (the triggers), the next writer makes it afresh, and audit verify
-- compares it with the schedules.
CREATE TABLE calendar_compiled (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    format       INTEGER NOT NULL,
    loaded_years TEXT NOT NULL,    -- the years with an official schedule, ascending, comma-separated
    first_day    INTEGER NOT NULL, -- day number (days since 1970-01-01) of the first byte of days
    days         BLOB NOT NULL
);
CREATE TRIGGER calendar_year_inserted AFTER INSERT ON calendar_year
BEGIN DELETE FROM calendar_compiled; END;
CREATE TRIGGER calendar_year_updated AFTER UPDATE ON calendar_year
BEGIN DELETE FROM calendar_compiled; END;
CREATE TRIGGER calendar_year_deleted AFTER DELETE ON calendar_year
BEGIN DELETE FROM calendar_compiled; END;
