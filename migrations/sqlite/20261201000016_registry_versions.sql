-- Townships, departments and cadres can now be changed, not only created and
-- deleted. Like enterprises they carry an optimistic-locking version: an
-- update names the version it read, and a stale one is refused (409) instead
-- of silently overwriting what someone else saved in between.
ALTER TABLE townships ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE departments ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cadres ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
