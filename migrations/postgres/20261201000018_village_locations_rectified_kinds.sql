-- Where the villages lie, so that the tutoring pairing can grade "anywhere
-- else" by distance: a volunteer and a child of different townships cost more
-- the farther their villages are apart. Kept per village (township and name,
-- as volunteers and children name it), not per person: a village's place on
-- the map is public, a person's home is not. Both coordinates or neither.
CREATE TABLE village_locations (
    township_id BIGINT NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    updated_by BIGINT REFERENCES users (id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (township_id, village)
);

-- Every kind of site can now be tallied as rectified (整治): enterprises,
-- rivers and ponds, roads and other sites as well as communities, villages and
-- supermarkets.
ALTER TABLE campaign_tallies DROP CONSTRAINT campaign_tallies_kind_check;
ALTER TABLE campaign_tallies ADD CONSTRAINT campaign_tallies_kind_check CHECK (kind IN ('volunteers', 'proposal_letters', 'materials',
    'rectified_residential', 'rectified_village', 'rectified_supermarket', 'rectified_enterprise', 'rectified_river_pond', 'rectified_road',
    'rectified_other', 'refuse_m3', 'disinfection'));
