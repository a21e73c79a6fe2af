-- Personal information at rest (个人信息保护法): resident ID numbers (居民身份证号)
-- of poor households' members, observed persons and transport passengers.
-- A number is never stored in clear: `*_enc` holds it encrypted with
-- AES-256-GCM under the database's key (`v1:` + hex of nonce, ciphertext, tag),
-- `*_idx` a keyed HMAC-SHA256 of it (a blind index), so that an exact number can
-- be looked up and kept unique without decrypting every row. The key is not in
-- the database (ZONEDESK_PII_KEY, or the `.key` file beside a SQLite database),
-- so a copy of the database alone does not reveal the numbers.
-- No column held ID numbers before, so there is nothing to move: rows gain them
-- as the use cases (and the demo loader, through them) write them.

ALTER TABLE household_members ADD COLUMN id_number_enc TEXT;
ALTER TABLE household_members ADD COLUMN id_number_idx TEXT;
-- a person is a member of one poor household only
CREATE UNIQUE INDEX household_members_id_number ON household_members (id_number_idx) WHERE id_number_idx IS NOT NULL;

ALTER TABLE observed_persons ADD COLUMN id_number_enc TEXT;
ALTER TABLE observed_persons ADD COLUMN id_number_idx TEXT;
-- the same person may be observed again later: looked up, not unique
CREATE INDEX observed_persons_id_number ON observed_persons (id_number_idx) WHERE id_number_idx IS NOT NULL;

ALTER TABLE transport_passengers ADD COLUMN id_number_enc TEXT;
ALTER TABLE transport_passengers ADD COLUMN id_number_idx TEXT;
CREATE INDEX transport_passengers_id_number ON transport_passengers (id_number_idx) WHERE id_number_idx IS NOT NULL;

-- The fingerprint of the key the numbers are encrypted with (a keyed hash that
-- does not reveal the key), so that starting with a wrong key is a clear error
-- instead of undecryptable rows later. One row.
CREATE TABLE pii_key_check (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);
