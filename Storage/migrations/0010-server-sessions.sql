-- 0010: the server's sign-ins beside the CLI's, personal API tokens, a security log kept apart from
-- the case chain (so that failed sign-ins cannot flood the record), and who looked at whose data.

-- cli: the local session file; web: a browser's cookie; token: a personal API token for scripts.
ALTER TABLE sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'cli';
-- Seconds since 1970 of the last use, kept to the minute: a web session idle too long ends.
ALTER TABLE sessions ADD COLUMN last_seen INTEGER;
-- A token's name as its owner gave it; the address a web session signed in from.
ALTER TABLE sessions ADD COLUMN label TEXT;
ALTER TABLE sessions ADD COLUMN address TEXT;

CREATE TABLE security_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,               -- seconds since 1970
    kind        TEXT NOT NULL,                  -- signin, signin-failed, signin-throttled, signout, ...
    account_id  INTEGER REFERENCES accounts (id),
    name        TEXT,                           -- the name typed, when no account has it
    address     TEXT,
    detail      TEXT
);
CREATE INDEX security_log_at ON security_log (at);
CREATE INDEX security_log_account ON security_log (account_id, at);

-- Every view or download of a case's personal data (ID number, contact, attachments) by an account.
CREATE TABLE data_access (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    case_number TEXT NOT NULL,                  -- as printed (AGENCY/YYYY-NNNNNN for another agency's):
                                                -- a restore that renumbers nothing keeps it meaningful
    what        TEXT NOT NULL,                  -- case, attachment N, notice KIND
    address     TEXT
);
CREATE INDEX data_access_case ON data_access (case_number, at);

-- Where the office's server is, once one serves this database: local writes are then refused and
-- pointed there, so that nobody works the file beside the server. NULL: no server.
ALTER TABLE office ADD COLUMN server_url TEXT;

-- The TOTP second factor (RFC 6238): the secret once confirmed, one being set up, and the last time
-- step used, so that a code cannot be used twice. The office may require it of heads and admins.
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_pending TEXT;
ALTER TABLE accounts ADD COLUMN totp_last_step INTEGER;
ALTER TABLE office ADD COLUMN totp_required INTEGER NOT NULL DEFAULT 0;
