-- The audit log becomes a hash chain, and the log-in throttle moves into the
-- database so that every instance of the server counts the same failures.
--
-- Audit chain: every entry stores the hash of the entry before it (prev_hash) and
-- its own hash = SHA-256 over a canonical encoding of prev_hash and its fields
-- (see store/audit.rs, `entry_hash`). Editing an entry breaks its hash; deleting
-- or reordering entries breaks the link of the next one; deleting the newest
-- entries is seen against the chain head below. `zonedesk audit verify` walks it.
--
-- Entries written before this migration keep NULL hashes: SQLite has no SHA-256
-- in SQL, and the triggers of the foundation refuse UPDATE on written entries, so
-- nothing is backfilled. The chain starts at the first entry whose hash is set,
-- whose prev_hash is the genesis value (64 zeros); verify counts the older
-- entries as unchained and checks every entry from the chain start on.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- The hash of the newest entry. Appending updates this one row in the same
-- transaction as the INSERT, so that appends are serialised (on PostgreSQL the
-- row lock is held until commit; SQLite has one writer anyway) and a truncated
-- tail is detected: the last entry's hash must equal last_hash.
CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
BEGIN SELECT RAISE(ABORT, 'the audit chain head cannot be deleted'); END;

-- Failed log-ins per user name (lower-cased) within a window; a success deletes
-- the row. Shared by every server on the database.
CREATE TABLE login_throttle (
    subject TEXT PRIMARY KEY,
    failures INTEGER NOT NULL CHECK (failures >= 0),
    window_start TEXT NOT NULL
);
-- the periodic purge of windows that have passed
CREATE INDEX login_throttle_window ON login_throttle (window_start);
