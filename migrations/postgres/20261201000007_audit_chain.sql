-- The audit log becomes a hash chain, and the log-in throttle moves into the
-- database so that every instance of the server counts the same failures.
--
-- Audit chain: every entry stores the hash of the entry before it (prev_hash) and
-- its own hash = SHA-256 over a canonical encoding of prev_hash and its fields
-- (see store/audit.rs, `entry_hash`). Editing an entry breaks its hash; deleting
-- or reordering entries breaks the link of the next one; deleting the newest
-- entries is seen against the chain head below. `zonedesk audit verify` walks it.
--
-- Entries written before this migration keep NULL hashes: the hash is computed
-- by the application (the same code for both backends), and the triggers of the
-- foundation refuse UPDATE on written entries, so nothing is backfilled. The
-- chain starts at the first entry whose hash is set, whose prev_hash is the
-- genesis value (64 zeros); verify counts the older entries as unchained and
-- checks every entry from the chain start on. (ADD COLUMN fires no row trigger.)
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;

-- The hash of the newest entry. Appending updates this one row in the same
-- transaction as the INSERT: the row lock, held until commit, serialises
-- concurrent appends (each links to the entry committed before it, and ids are
-- taken in chain order), and a truncated tail is detected: the last entry's hash
-- must equal last_hash.
CREATE TABLE audit_chain_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_hash) VALUES (1, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE FUNCTION audit_chain_head_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit chain head cannot be deleted';
END;
$$;
CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
FOR EACH ROW EXECUTE FUNCTION audit_chain_head_refuse_delete();

-- Failed log-ins per user name (lower-cased) within a window; a success deletes
-- the row. Shared by every server on the database.
CREATE TABLE login_throttle (
    subject TEXT PRIMARY KEY,
    failures BIGINT NOT NULL CHECK (failures >= 0),
    window_start TEXT NOT NULL
);
-- the periodic purge of windows that have passed
CREATE INDEX login_throttle_window ON login_throttle (window_start);
