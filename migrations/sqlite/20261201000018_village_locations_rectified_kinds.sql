-- Where the villages lie, so that the tutoring pairing can grade "anywhere
-- else" by distance: a volunteer and a child of different townships cost more
-- the farther their villages are apart. Kept per village (township and name,
-- as volunteers and children name it), not per person: a village's place on
-- the map is public, a person's home is not. Both coordinates or neither.
CREATE TABLE village_locations (
    township_id INTEGER NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL,
    latitude REAL NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude REAL NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    updated_by INTEGER REFERENCES users (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (township_id, village)
);

-- Every kind of site can now be tallied as rectified (整治): enterprises,
-- rivers and ponds, roads and other sites as well as communities, villages and
-- supermarkets. SQLite cannot change a CHECK in place, so the table is copied
-- (no trigger, view or foreign key refers to it; ids are kept).
CREATE TABLE campaign_tallies_new (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    -- the township that reported it, if one did
    township_id INTEGER REFERENCES townships (id),
    entry_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('volunteers', 'proposal_letters', 'materials', 'rectified_residential', 'rectified_village',
        'rectified_supermarket', 'rectified_enterprise', 'rectified_river_pond', 'rectified_road', 'rectified_other', 'refuse_m3', 'disinfection')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    -- a wrong entry is voided, not erased: a briefing already sent with it stays explainable
    voided_at TEXT,
    voided_by INTEGER REFERENCES users (id),
    void_reason TEXT NOT NULL DEFAULT ''
);
INSERT INTO campaign_tallies_new (id, campaign_id, township_id, entry_on, kind, quantity, note, created_by, created_at, voided_at, voided_by, void_reason)
SELECT id, campaign_id, township_id, entry_on, kind, quantity, note, created_by, created_at, voided_at, voided_by, void_reason FROM campaign_tallies;
DROP TABLE campaign_tallies;
ALTER TABLE campaign_tallies_new RENAME TO campaign_tallies;
CREATE INDEX campaign_tallies_campaign ON campaign_tallies (campaign_id, entry_on);
