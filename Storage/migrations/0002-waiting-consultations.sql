-- 0002: which consultations a case is waiting for, for the deadline board.
-- A JSON array of {"id", "to", "limit"} for each consultation still open at the case's last event,
-- or NULL. Filled for existing cases the next time they change or the calendar is reloaded;
-- consult_until (the latest limit) stays the column the board filters on.
ALTER TABLE cases ADD COLUMN waiting_consultations TEXT;
