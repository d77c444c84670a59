-- 0008: staff accounts with roles, sign-in sessions, and the account behind every new step.
-- Names typed before accounts existed become disabled legacy accounts, one per exact string and
-- never merged, so that the hashed bytes of old events and their history stay verifiable.

CREATE TABLE accounts (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,          -- as typed (NFC)
    name_key        TEXT NOT NULL,          -- NFKC, case-folded: two live accounts never share one
    roles           TEXT NOT NULL DEFAULT '',
    email           TEXT,
    password_hash   TEXT,                   -- bcrypt, with its cost and salt; NULL: cannot sign in
    disabled        INTEGER NOT NULL DEFAULT 0,
    legacy          INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    failed_signins  INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER                 -- seconds since 1970: sign-in refused until then
);
CREATE UNIQUE INDEX accounts_key ON accounts (name_key) WHERE legacy = 0;
CREATE UNIQUE INDEX accounts_legacy_name ON accounts (name) WHERE legacy = 1;

-- Every change to an account, kept for good (三员分立 makes the admin's acts reviewable).
CREATE TABLE staff_events (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL,
    by_account  INTEGER REFERENCES accounts (id),   -- NULL: the program itself (migration, bootstrap)
    recorded_at TEXT NOT NULL
);
CREATE TRIGGER staff_events_no_update BEFORE UPDATE ON staff_events
BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END;
CREATE TRIGGER staff_events_no_delete BEFORE DELETE ON staff_events
BEGIN SELECT RAISE(ABORT, 'staff events are append-only'); END;

-- Sign-in sessions: only a hash of the token is kept; the token lives in the user's own file.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    created     INTEGER NOT NULL,   -- seconds since 1970
    expires     INTEGER NOT NULL,
    ended       INTEGER
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE ended IS NULL;

-- The database's own identity, so that a session file cannot be used against another database.
ALTER TABLE office ADD COLUMN instance_id TEXT NOT NULL DEFAULT '';
UPDATE office SET instance_id = lower(hex(randomblob(16)));
-- bcrypt cost for new passwords (2^cost rounds); 12 takes about a quarter of a second.
ALTER TABLE office ADD COLUMN password_cost INTEGER NOT NULL DEFAULT 12;

ALTER TABLE events ADD COLUMN account_id INTEGER REFERENCES accounts (id);
ALTER TABLE events ADD COLUMN late_entry TEXT;
ALTER TABLE cases ADD COLUMN registered_by_id INTEGER REFERENCES accounts (id);
ALTER TABLE cases ADD COLUMN handler_id INTEGER REFERENCES accounts (id);
ALTER TABLE cases ADD COLUMN late_entries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN added_by_id INTEGER REFERENCES accounts (id);
CREATE INDEX cases_handler ON cases (handler_id, next_deadline) WHERE is_open = 1 AND superseded_by IS NULL;

INSERT INTO accounts (name, name_key, legacy, disabled, created_at)
SELECT name, name, 1, 1, strftime('%Y-%m-%dT%H:%M:%S+08:00', 'now', '+8 hours') FROM (
    SELECT actor AS name FROM events
    UNION SELECT registered_by FROM cases
    UNION SELECT locked_by FROM report_locks
    UNION SELECT unlocked_by FROM report_locks WHERE unlocked_by IS NOT NULL
    UNION SELECT added_by FROM attachments
) ORDER BY name;
INSERT INTO staff_events (account_id, kind, detail, by_account, recorded_at)
SELECT id, 'legacy', 'name recorded before accounts existed', NULL, created_at FROM accounts WHERE legacy = 1;
