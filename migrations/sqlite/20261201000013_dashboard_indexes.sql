-- The township chart seeks each township's deltas through the primary key
-- (township_id, day); this index by day was never used and cost every report a write.
DROP INDEX resumption_township_tally_day;

-- Officers in post on a day (the dashboard and the briefing) without scanning
-- every assignment ever made: the current ones by start, the ended ones by end,
-- and an enterprise's assignments for "does it have an officer on that day"
-- (covering: the day's test reads no row).
CREATE INDEX officer_assignments_current_started ON officer_assignments (started_on) WHERE ended_on IS NULL;
CREATE INDEX officer_assignments_ended ON officer_assignments (ended_on, started_on) WHERE ended_on IS NOT NULL;
CREATE INDEX officer_assignments_enterprise ON officer_assignments (enterprise_id, started_on, ended_on);
-- the same for "is this cadre in post on that day", without reading the rows
CREATE INDEX officer_assignments_cadre_days ON officer_assignments (cadre_id, started_on, ended_on);

-- A township's orders in one state (the township desk's filtered list and its
-- count) without visiting every order of the township.
CREATE INDEX work_orders_township_state ON work_orders (township_id, state, id);
