-- A version for the chief-service-officer counts (cadres in post, the
-- enterprises they serve, the foreign-trade ones): every change that can move
-- them moves it. The counts themselves seek once per cadre and per
-- foreign-trade enterprise (tens of milliseconds at a province's 100,000
-- enterprises) and change a few times a day, so the server keeps them for a
-- day and version, and asks the database only for the version: kept in the
-- database, it is right for every server process of one database.
CREATE TABLE data_versions (
    name TEXT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO data_versions (name, version) VALUES ('officers', 0);

CREATE TRIGGER officer_assignments_version_insert AFTER INSERT ON officer_assignments
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
CREATE TRIGGER officer_assignments_version_update AFTER UPDATE ON officer_assignments
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
CREATE TRIGGER officer_assignments_version_delete AFTER DELETE ON officer_assignments
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
-- a cadre's rank (正科级) is counted; a cadre or an enterprise that goes takes its assignments along
CREATE TRIGGER cadres_version_update AFTER UPDATE OF rank, id ON cadres
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
CREATE TRIGGER cadres_version_delete AFTER DELETE ON cadres
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
CREATE TRIGGER enterprises_version_kind AFTER UPDATE OF kind, id ON enterprises
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
CREATE TRIGGER enterprises_version_delete AFTER DELETE ON enterprises
BEGIN UPDATE data_versions SET version = version + 1 WHERE name = 'officers'; END;
