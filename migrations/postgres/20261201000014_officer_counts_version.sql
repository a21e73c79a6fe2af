-- A version for the chief-service-officer counts (cadres in post, the
-- enterprises they serve, the foreign-trade ones): every change that can move
-- them moves it. The counts themselves seek once per cadre and per
-- foreign-trade enterprise (tens of milliseconds at a province's 100,000
-- enterprises) and change a few times a day, so the server keeps them for a
-- day and version, and asks the database only for the version: kept in the
-- database, it is right for every server process of one database.
CREATE TABLE data_versions (
    name TEXT NOT NULL PRIMARY KEY,
    version BIGINT NOT NULL DEFAULT 0
);
INSERT INTO data_versions (name, version) VALUES ('officers', 0);

-- once per statement: a bulk load of assignments moves it once
CREATE FUNCTION officers_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE name = 'officers';
    RETURN NULL;
END;
$$;
CREATE TRIGGER officer_assignments_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON officer_assignments
FOR EACH STATEMENT EXECUTE FUNCTION officers_version_bump();
-- a cadre's rank (正科级) is counted; a cadre or an enterprise that goes takes its assignments along
CREATE TRIGGER cadres_version AFTER UPDATE OF rank, id OR DELETE OR TRUNCATE ON cadres
FOR EACH STATEMENT EXECUTE FUNCTION officers_version_bump();
CREATE TRIGGER enterprises_version AFTER UPDATE OF kind, id OR DELETE OR TRUNCATE ON enterprises
FOR EACH STATEMENT EXECUTE FUNCTION officers_version_bump();
