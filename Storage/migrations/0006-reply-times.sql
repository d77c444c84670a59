-- 0006: how long each reply took, for statistics: working days from the round's start to the reply,
-- not counting the days the clock stood still, and whether the reply came after its due date.
-- Filled for existing cases the next time they change or the calendar is reloaded.
ALTER TABLE cases ADD COLUMN reply_workdays INTEGER;
ALTER TABLE cases ADD COLUMN replied_late INTEGER;
