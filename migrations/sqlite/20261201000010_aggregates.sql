-- Aggregates for the dashboard and the briefing, kept by triggers, so that
-- every write path (the use cases, the importers, the bulk generator, a manual
-- fix in the database) keeps them right, and the figures cost the same at a
-- zone's size and at a province's (100,000 enterprises, 3,000,000 status
-- reports, 1,000,000 work orders): they no longer read the history.
--
-- Writers must not use INSERT OR REPLACE on status_reports or work_orders:
-- SQLite deletes the replaced row without firing its DELETE trigger (unless
-- recursive_triggers is on). ON CONFLICT … DO UPDATE is fine (it fires UPDATE).
--
-- SQLite has one writer, so the tallies have no hot-row problem here; the
-- `shard` columns exist to keep the schema the same as on PostgreSQL (where
-- concurrent writers spread over 16 rows) and are always 0 on SQLite.

-- ---- 复工复产: the resumption figures ------------------------------------------
--
-- The rule (domain/resumption.rs `series`): on day D each enterprise counts by
-- its report of D or its latest earlier one; one never heard from counts as
-- not resumed; workers only over enterprises that reported. So a report on day
-- d sets the enterprise's contribution on [d, its next report's day), and the
-- figures of day D are the running sum, over the days up to D, of DELTAS:
-- at each report day, (this report's values) − (the previous report's values),
-- where "values" are known = 1, resumed, full_production (0/1), workers_back
-- and workers_total, and "no report" is all zeros. `reports` is not a delta but
-- the number of reports filed on that very day (reported_today).
--
-- The deltas are kept at three grains, one for each way the figures are read:
--   resumption_zone_tally       (day, shard): the zone's series
--   resumption_township_tally   (township, day): a township's series
--   resumption_industry_tally   (industry, kind, day): an industry or a kind, zone-wide
-- and resumption_township_totals holds, per township, the sum over all days
-- (each enterprise's latest report) and the number of enterprises: the figures
-- of every township on day D are these totals minus the township deltas after
-- D, which for today are none (the dashboard's township chart, one query).
-- The group columns are the enterprise's as they are now (as the filters read
-- them): moving an enterprise moves its contributions. A township's industry
-- or kind is left to the reports themselves: at a province's size that grain
-- holds about one enterprise per group, a row per report, which would double
-- the cost of writing a report and save nothing.

CREATE TABLE resumption_township_tally (
    township_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    known INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    full_production INTEGER NOT NULL DEFAULT 0,
    workers_back INTEGER NOT NULL DEFAULT 0,
    workers_total INTEGER NOT NULL DEFAULT 0,
    reports INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (township_id, day)
) WITHOUT ROWID;
-- every township's deltas after a day (the township chart)
CREATE INDEX resumption_township_tally_day ON resumption_township_tally (day, township_id);

CREATE TABLE resumption_industry_tally (
    industry TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT NOT NULL,
    known INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    full_production INTEGER NOT NULL DEFAULT 0,
    workers_back INTEGER NOT NULL DEFAULT 0,
    workers_total INTEGER NOT NULL DEFAULT 0,
    reports INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (industry, kind, day)
) WITHOUT ROWID;

CREATE TABLE resumption_zone_tally (
    day TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    known INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    full_production INTEGER NOT NULL DEFAULT 0,
    workers_back INTEGER NOT NULL DEFAULT 0,
    workers_total INTEGER NOT NULL DEFAULT 0,
    reports INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, shard)
) WITHOUT ROWID;

CREATE TABLE resumption_township_totals (
    township_id INTEGER NOT NULL PRIMARY KEY,
    enterprises INTEGER NOT NULL DEFAULT 0,
    known INTEGER NOT NULL DEFAULT 0,
    resumed INTEGER NOT NULL DEFAULT 0,
    full_production INTEGER NOT NULL DEFAULT 0,
    workers_back INTEGER NOT NULL DEFAULT 0,
    workers_total INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Each report's delta, recomputed from the reports themselves: the backfill
-- below, an enterprise that moves, and the tests that check the tallies.
CREATE VIEW status_report_deltas AS
SELECT r.id, r.enterprise_id, r.report_date AS day,
    CASE WHEN LAG(r.id) OVER w IS NULL THEN 1 ELSE 0 END AS known,
    CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END
        - COALESCE(LAG(CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END) OVER w, 0) AS resumed,
    CASE WHEN r.status = 'full_production' THEN 1 ELSE 0 END
        - COALESCE(LAG(CASE WHEN r.status = 'full_production' THEN 1 ELSE 0 END) OVER w, 0) AS full_production,
    r.workers_back - COALESCE(LAG(r.workers_back) OVER w, 0) AS workers_back,
    r.workers_total - COALESCE(LAG(r.workers_total) OVER w, 0) AS workers_total
FROM status_reports r
WINDOW w AS (PARTITION BY r.enterprise_id ORDER BY r.report_date);

-- One delta, for one group and day, applied at every grain: inserting a row
-- into this view is the one way the triggers below change the tallies.
CREATE VIEW resumption_delta AS
SELECT t.township_id, i.industry, i.kind, t.day, t.known, t.resumed, t.full_production, t.workers_back, t.workers_total, t.reports
FROM resumption_township_tally t, resumption_industry_tally i WHERE 0;

CREATE TRIGGER resumption_delta_apply INSTEAD OF INSERT ON resumption_delta
WHEN NEW.known <> 0 OR NEW.resumed <> 0 OR NEW.full_production <> 0 OR NEW.workers_back <> 0 OR NEW.workers_total <> 0 OR NEW.reports <> 0
BEGIN
    INSERT INTO resumption_township_tally (township_id, day, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (NEW.township_id, NEW.day, NEW.known, NEW.resumed, NEW.full_production, NEW.workers_back, NEW.workers_total, NEW.reports)
    ON CONFLICT (township_id, day) DO UPDATE SET known = known + excluded.known, resumed = resumed + excluded.resumed,
        full_production = full_production + excluded.full_production, workers_back = workers_back + excluded.workers_back,
        workers_total = workers_total + excluded.workers_total, reports = reports + excluded.reports;
    INSERT INTO resumption_industry_tally (industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (NEW.industry, NEW.kind, NEW.day, NEW.known, NEW.resumed, NEW.full_production, NEW.workers_back, NEW.workers_total, NEW.reports)
    ON CONFLICT (industry, kind, day) DO UPDATE SET known = known + excluded.known, resumed = resumed + excluded.resumed,
        full_production = full_production + excluded.full_production, workers_back = workers_back + excluded.workers_back,
        workers_total = workers_total + excluded.workers_total, reports = reports + excluded.reports;
    INSERT INTO resumption_zone_tally (day, shard, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (NEW.day, 0, NEW.known, NEW.resumed, NEW.full_production, NEW.workers_back, NEW.workers_total, NEW.reports)
    ON CONFLICT (day, shard) DO UPDATE SET known = known + excluded.known, resumed = resumed + excluded.resumed,
        full_production = full_production + excluded.full_production, workers_back = workers_back + excluded.workers_back,
        workers_total = workers_total + excluded.workers_total, reports = reports + excluded.reports;
    INSERT INTO resumption_township_totals (township_id, known, resumed, full_production, workers_back, workers_total)
    SELECT NEW.township_id, NEW.known, NEW.resumed, NEW.full_production, NEW.workers_back, NEW.workers_total
    WHERE NEW.known <> 0 OR NEW.resumed <> 0 OR NEW.full_production <> 0 OR NEW.workers_back <> 0 OR NEW.workers_total <> 0
    ON CONFLICT (township_id) DO UPDATE SET known = known + excluded.known, resumed = resumed + excluded.resumed,
        full_production = full_production + excluded.full_production, workers_back = workers_back + excluded.workers_back,
        workers_total = workers_total + excluded.workers_total;
END;

-- A report enters (INSERT, or the new side of an UPDATE) or leaves (DELETE, the
-- old side of an UPDATE) the set of "other" reports of its enterprise. Entering
-- at day d between previous p and next n adds (r − p) at d and (p − r) at n;
-- leaving subtracts the same. put_report replaces a day's report by DELETE and
-- INSERT, so a same-day correction is a leave and an enter.

CREATE TRIGGER status_reports_tally_insert AFTER INSERT ON status_reports
BEGIN
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, NEW.report_date,
        CASE WHEN p.id IS NULL THEN 1 ELSE 0 END,
        (NEW.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0),
        (NEW.status = 'full_production') - COALESCE(p.status = 'full_production', 0),
        NEW.workers_back - COALESCE(p.workers_back, 0),
        NEW.workers_total - COALESCE(p.workers_total, 0),
        1
    FROM enterprises e
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date < NEW.report_date AND q.id <> NEW.id ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = NEW.enterprise_id;
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, n.report_date,
        -(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END),
        -((NEW.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0)),
        -((NEW.status = 'full_production') - COALESCE(p.status = 'full_production', 0)),
        -(NEW.workers_back - COALESCE(p.workers_back, 0)),
        -(NEW.workers_total - COALESCE(p.workers_total, 0)),
        0
    FROM enterprises e
    JOIN status_reports n ON n.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date > NEW.report_date AND q.id <> NEW.id ORDER BY q.report_date LIMIT 1)
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date < NEW.report_date AND q.id <> NEW.id ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = NEW.enterprise_id;
END;

CREATE TRIGGER status_reports_tally_delete AFTER DELETE ON status_reports
BEGIN
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, OLD.report_date,
        -(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END),
        -((OLD.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0)),
        -((OLD.status = 'full_production') - COALESCE(p.status = 'full_production', 0)),
        -(OLD.workers_back - COALESCE(p.workers_back, 0)),
        -(OLD.workers_total - COALESCE(p.workers_total, 0)),
        -1
    FROM enterprises e
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date < OLD.report_date AND q.id <> OLD.id ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = OLD.enterprise_id;
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, n.report_date,
        CASE WHEN p.id IS NULL THEN 1 ELSE 0 END,
        (OLD.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0),
        (OLD.status = 'full_production') - COALESCE(p.status = 'full_production', 0),
        OLD.workers_back - COALESCE(p.workers_back, 0),
        OLD.workers_total - COALESCE(p.workers_total, 0),
        0
    FROM enterprises e
    JOIN status_reports n ON n.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date > OLD.report_date AND q.id <> OLD.id ORDER BY q.report_date LIMIT 1)
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date < OLD.report_date AND q.id <> OLD.id ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = OLD.enterprise_id;
END;

-- An UPDATE is the old row leaving and the new one entering, both against the
-- reports other than this one (the row is already the new one in the table).
CREATE TRIGGER status_reports_tally_update AFTER UPDATE OF enterprise_id, report_date, status, workers_back, workers_total ON status_reports
WHEN OLD.enterprise_id <> NEW.enterprise_id OR OLD.report_date <> NEW.report_date OR OLD.status <> NEW.status
    OR OLD.workers_back <> NEW.workers_back OR OLD.workers_total <> NEW.workers_total OR OLD.id <> NEW.id
BEGIN
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, OLD.report_date,
        -(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END),
        -((OLD.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0)),
        -((OLD.status = 'full_production') - COALESCE(p.status = 'full_production', 0)),
        -(OLD.workers_back - COALESCE(p.workers_back, 0)),
        -(OLD.workers_total - COALESCE(p.workers_total, 0)),
        -1
    FROM enterprises e
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date < OLD.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = OLD.enterprise_id;
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, n.report_date,
        CASE WHEN p.id IS NULL THEN 1 ELSE 0 END,
        (OLD.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0),
        (OLD.status = 'full_production') - COALESCE(p.status = 'full_production', 0),
        OLD.workers_back - COALESCE(p.workers_back, 0),
        OLD.workers_total - COALESCE(p.workers_total, 0),
        0
    FROM enterprises e
    JOIN status_reports n ON n.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date > OLD.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date LIMIT 1)
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = OLD.enterprise_id AND q.report_date < OLD.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = OLD.enterprise_id;
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, NEW.report_date,
        CASE WHEN p.id IS NULL THEN 1 ELSE 0 END,
        (NEW.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0),
        (NEW.status = 'full_production') - COALESCE(p.status = 'full_production', 0),
        NEW.workers_back - COALESCE(p.workers_back, 0),
        NEW.workers_total - COALESCE(p.workers_total, 0),
        1
    FROM enterprises e
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date < NEW.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = NEW.enterprise_id;
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT e.township_id, e.industry, e.kind, n.report_date,
        -(CASE WHEN p.id IS NULL THEN 1 ELSE 0 END),
        -((NEW.status <> 'not_resumed') - COALESCE(p.status <> 'not_resumed', 0)),
        -((NEW.status = 'full_production') - COALESCE(p.status = 'full_production', 0)),
        -(NEW.workers_back - COALESCE(p.workers_back, 0)),
        -(NEW.workers_total - COALESCE(p.workers_total, 0)),
        0
    FROM enterprises e
    JOIN status_reports n ON n.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date > NEW.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date LIMIT 1)
    LEFT JOIN status_reports p ON p.id = (SELECT q.id FROM status_reports q
        WHERE q.enterprise_id = NEW.enterprise_id AND q.report_date < NEW.report_date AND q.id <> OLD.id AND q.id <> NEW.id
        ORDER BY q.report_date DESC LIMIT 1)
    WHERE e.id = NEW.enterprise_id;
END;

-- The number of enterprises per township; and an enterprise that changes its
-- township, industry or kind takes its deltas (and count) along (rare: costs
-- one pass over its own reports).
CREATE TRIGGER enterprises_tally_insert AFTER INSERT ON enterprises
BEGIN
    INSERT INTO resumption_township_totals (township_id, enterprises) VALUES (NEW.township_id, 1)
    ON CONFLICT (township_id) DO UPDATE SET enterprises = enterprises + 1;
END;

CREATE TRIGGER enterprises_tally_delete AFTER DELETE ON enterprises
BEGIN
    UPDATE resumption_township_totals SET enterprises = enterprises - 1 WHERE township_id = OLD.township_id;
END;

CREATE TRIGGER enterprises_tally_move AFTER UPDATE OF township_id, industry, kind ON enterprises
WHEN OLD.township_id <> NEW.township_id OR OLD.industry <> NEW.industry OR OLD.kind <> NEW.kind
BEGIN
    INSERT INTO resumption_delta (township_id, industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    SELECT g.township_id, g.industry, g.kind, d.day, g.sign * d.known, g.sign * d.resumed, g.sign * d.full_production,
        g.sign * d.workers_back, g.sign * d.workers_total, g.sign
    FROM (SELECT OLD.township_id AS township_id, OLD.industry AS industry, OLD.kind AS kind, -1 AS sign
          UNION ALL SELECT NEW.township_id, NEW.industry, NEW.kind, 1) g
    CROSS JOIN (SELECT r.report_date AS day,
            CASE WHEN LAG(r.id) OVER w IS NULL THEN 1 ELSE 0 END AS known,
            CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END
                - COALESCE(LAG(CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END) OVER w, 0) AS resumed,
            CASE WHEN r.status = 'full_production' THEN 1 ELSE 0 END
                - COALESCE(LAG(CASE WHEN r.status = 'full_production' THEN 1 ELSE 0 END) OVER w, 0) AS full_production,
            r.workers_back - COALESCE(LAG(r.workers_back) OVER w, 0) AS workers_back,
            r.workers_total - COALESCE(LAG(r.workers_total) OVER w, 0) AS workers_total
        FROM status_reports r WHERE r.enterprise_id = NEW.id
        WINDOW w AS (ORDER BY r.report_date)) d
    WHERE true;
    UPDATE resumption_township_totals SET enterprises = enterprises - 1 WHERE township_id = OLD.township_id;
    INSERT INTO resumption_township_totals (township_id, enterprises) VALUES (NEW.township_id, 1)
    ON CONFLICT (township_id) DO UPDATE SET enterprises = enterprises + 1;
END;

-- the existing reports and enterprises
INSERT INTO resumption_township_tally (township_id, day, known, resumed, full_production, workers_back, workers_total, reports)
SELECT e.township_id, d.day, SUM(d.known), SUM(d.resumed), SUM(d.full_production), SUM(d.workers_back), SUM(d.workers_total), COUNT(*)
FROM status_report_deltas d JOIN enterprises e ON e.id = d.enterprise_id
GROUP BY e.township_id, d.day;
INSERT INTO resumption_industry_tally (industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
SELECT e.industry, e.kind, d.day, SUM(d.known), SUM(d.resumed), SUM(d.full_production), SUM(d.workers_back), SUM(d.workers_total), COUNT(*)
FROM status_report_deltas d JOIN enterprises e ON e.id = d.enterprise_id
GROUP BY e.industry, e.kind, d.day;
INSERT INTO resumption_zone_tally (day, shard, known, resumed, full_production, workers_back, workers_total, reports)
SELECT day, 0, SUM(known), SUM(resumed), SUM(full_production), SUM(workers_back), SUM(workers_total), SUM(reports)
FROM resumption_township_tally GROUP BY day;
INSERT INTO resumption_township_totals (township_id, enterprises, known, resumed, full_production, workers_back, workers_total)
SELECT e.township_id, COUNT(*), COALESCE(SUM(t.known), 0), COALESCE(SUM(t.resumed), 0), COALESCE(SUM(t.full_production), 0),
    COALESCE(SUM(t.workers_back), 0), COALESCE(SUM(t.workers_total), 0)
FROM enterprises e LEFT JOIN (SELECT enterprise_id, SUM(known) AS known, SUM(resumed) AS resumed, SUM(full_production) AS full_production,
    SUM(workers_back) AS workers_back, SUM(workers_total) AS workers_total FROM status_report_deltas GROUP BY enterprise_id) t ON t.enterprise_id = e.id
GROUP BY e.township_id;

-- ---- 工单: the order counts and the three rates ---------------------------------
--
-- order_tally counts, per metric, the orders (not merged into another) whose
-- timestamp falls in a bucket: filed (created_at), assigned (first_assigned_at),
-- resolved (resolved_at), rated (rated_at), escalated (escalated_at). Each
-- timestamp counts in three buckets, its UTC month ('YYYY-MM'), day
-- ('YYYY-MM-DD') and hour ('YYYY-MM-DDTHH'), so that "how many before t" reads
-- the months before t's month, the days of its month before its day, the hours
-- of its day before its hour (at most ~80 rows per metric, however long the
-- history), plus an indexed COUNT over the orders of t's own hour.
CREATE TABLE order_tally (
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'assigned', 'resolved', 'rated', 'escalated')),
    grain TEXT NOT NULL CHECK (grain IN ('month', 'day', 'hour')),
    bucket TEXT NOT NULL,
    shard INTEGER NOT NULL DEFAULT 0,
    n INTEGER NOT NULL,
    PRIMARY KEY (grain, bucket, metric, shard)
) WITHOUT ROWID;

-- Orders by their current state, whether escalated (督办) and whether merged:
-- the dashboard's bars (not merged) and its count of supervised orders
-- (escalated and not closed, merged or not, as the supervision list counts them).
CREATE TABLE order_state_tally (
    state TEXT NOT NULL,
    escalated INTEGER NOT NULL CHECK (escalated IN (0, 1)),
    merged INTEGER NOT NULL CHECK (merged IN (0, 1)),
    shard INTEGER NOT NULL DEFAULT 0,
    n INTEGER NOT NULL,
    PRIMARY KEY (state, escalated, merged, shard)
) WITHOUT ROWID;

-- 三率 per (local day of first assignment, department; 0 = none now), over the
-- orders not merged: what rates.rs counts that does not depend on today.
CREATE TABLE order_rate_tally (
    day TEXT NOT NULL,
    department_id INTEGER NOT NULL,
    assigned INTEGER NOT NULL DEFAULT 0,
    signed INTEGER NOT NULL DEFAULT 0,
    signed_in_time INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0,
    satisfied INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department_id)
) WITHOUT ROWID;

-- What does depend on today: the assigned orders not yet signed for (not yet
-- resolved) by their sign (resolve) deadline; "due" on a day counts those whose
-- deadline is before it. Rows that fall to zero are deleted, so the table holds
-- about the open orders, not the history.
CREATE TABLE order_due_tally (
    day TEXT NOT NULL,
    department_id INTEGER NOT NULL,
    limit_kind TEXT NOT NULL CHECK (limit_kind IN ('sign', 'resolve')),
    deadline TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, department_id, limit_kind, deadline)
) WITHOUT ROWID;

-- the partial hour of counts_until, for the two timestamps without an index
CREATE INDEX work_orders_resolved ON work_orders (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX work_orders_rated ON work_orders (rated_at) WHERE rated_at IS NOT NULL;

-- An order's contribution to each tally, as rows: its old row's with −1 and its
-- new row's with +1, summed per key, so an UPDATE touches only what changed.
-- (The local day of a UTC timestamp: its seconds, not SQLite's millisecond
-- rounding, which would carry 15:59:59.9995 into the next day.)

CREATE TRIGGER work_orders_tally_insert AFTER INSERT ON work_orders
BEGIN
    INSERT INTO order_tally (metric, grain, bucket, shard, n)
    SELECT c.metric, g.grain, substr(c.ts, 1, g.len), 0, 1
    FROM (SELECT 'filed' AS metric, NEW.created_at AS ts UNION ALL SELECT 'assigned', NEW.first_assigned_at
          UNION ALL SELECT 'resolved', NEW.resolved_at UNION ALL SELECT 'rated', NEW.rated_at UNION ALL SELECT 'escalated', NEW.escalated_at) c,
         (SELECT 'month' AS grain, 7 AS len UNION ALL SELECT 'day', 10 UNION ALL SELECT 'hour', 13) g
    WHERE c.ts IS NOT NULL AND NEW.merged_into IS NULL
    ON CONFLICT (metric, grain, bucket, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO order_state_tally (state, escalated, merged, shard, n)
    VALUES (NEW.state, NEW.escalated_at IS NOT NULL, NEW.merged_into IS NOT NULL, 0, 1)
    ON CONFLICT (state, escalated, merged, shard) DO UPDATE SET n = n + 1;
    INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
    SELECT date(substr(NEW.first_assigned_at, 1, 19), '+8 hours'), COALESCE(NEW.department_id, 0), 1, NEW.signed_at IS NOT NULL,
        COALESCE(NEW.signed_in_time = 1, 0), NEW.resolved_at IS NOT NULL, NEW.rating IS NOT NULL,
        COALESCE(NEW.rating IN ('satisfied', 'basically_satisfied'), 0)
    WHERE NEW.first_assigned_at IS NOT NULL AND NEW.merged_into IS NULL
    ON CONFLICT (day, department_id) DO UPDATE SET assigned = assigned + excluded.assigned, signed = signed + excluded.signed,
        signed_in_time = signed_in_time + excluded.signed_in_time, resolved = resolved + excluded.resolved, rated = rated + excluded.rated,
        satisfied = satisfied + excluded.satisfied;
    INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n)
    SELECT date(substr(NEW.first_assigned_at, 1, 19), '+8 hours'), COALESCE(NEW.department_id, 0), c.limit_kind, c.deadline, 1
    FROM (SELECT 'sign' AS limit_kind, NEW.sign_deadline AS deadline WHERE NEW.signed_at IS NULL
          UNION ALL SELECT 'resolve', NEW.resolve_deadline WHERE NEW.resolved_at IS NULL) c
    WHERE c.deadline IS NOT NULL AND NEW.first_assigned_at IS NOT NULL AND NEW.merged_into IS NULL
    ON CONFLICT (day, department_id, limit_kind, deadline) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER work_orders_tally_delete AFTER DELETE ON work_orders
BEGIN
    INSERT INTO order_tally (metric, grain, bucket, shard, n)
    SELECT c.metric, g.grain, substr(c.ts, 1, g.len), 0, -1
    FROM (SELECT 'filed' AS metric, OLD.created_at AS ts UNION ALL SELECT 'assigned', OLD.first_assigned_at
          UNION ALL SELECT 'resolved', OLD.resolved_at UNION ALL SELECT 'rated', OLD.rated_at UNION ALL SELECT 'escalated', OLD.escalated_at) c,
         (SELECT 'month' AS grain, 7 AS len UNION ALL SELECT 'day', 10 UNION ALL SELECT 'hour', 13) g
    WHERE c.ts IS NOT NULL AND OLD.merged_into IS NULL
    ON CONFLICT (metric, grain, bucket, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO order_state_tally (state, escalated, merged, shard, n)
    VALUES (OLD.state, OLD.escalated_at IS NOT NULL, OLD.merged_into IS NOT NULL, 0, -1)
    ON CONFLICT (state, escalated, merged, shard) DO UPDATE SET n = n - 1;
    INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
    SELECT date(substr(OLD.first_assigned_at, 1, 19), '+8 hours'), COALESCE(OLD.department_id, 0), -1, -(OLD.signed_at IS NOT NULL),
        -COALESCE(OLD.signed_in_time = 1, 0), -(OLD.resolved_at IS NOT NULL), -(OLD.rating IS NOT NULL),
        -COALESCE(OLD.rating IN ('satisfied', 'basically_satisfied'), 0)
    WHERE OLD.first_assigned_at IS NOT NULL AND OLD.merged_into IS NULL
    ON CONFLICT (day, department_id) DO UPDATE SET assigned = assigned + excluded.assigned, signed = signed + excluded.signed,
        signed_in_time = signed_in_time + excluded.signed_in_time, resolved = resolved + excluded.resolved, rated = rated + excluded.rated,
        satisfied = satisfied + excluded.satisfied;
    INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n)
    SELECT date(substr(OLD.first_assigned_at, 1, 19), '+8 hours'), COALESCE(OLD.department_id, 0), c.limit_kind, c.deadline, -1
    FROM (SELECT 'sign' AS limit_kind, OLD.sign_deadline AS deadline WHERE OLD.signed_at IS NULL
          UNION ALL SELECT 'resolve', OLD.resolve_deadline WHERE OLD.resolved_at IS NULL) c
    WHERE c.deadline IS NOT NULL AND OLD.first_assigned_at IS NOT NULL AND OLD.merged_into IS NULL
    ON CONFLICT (day, department_id, limit_kind, deadline) DO UPDATE SET n = n + excluded.n;
    DELETE FROM order_due_tally WHERE n = 0 AND day = date(substr(OLD.first_assigned_at, 1, 19), '+8 hours') AND department_id = COALESCE(OLD.department_id, 0);
END;

CREATE TRIGGER work_orders_tally_update AFTER UPDATE ON work_orders
WHEN OLD.created_at IS NOT NEW.created_at OR OLD.first_assigned_at IS NOT NEW.first_assigned_at OR OLD.resolved_at IS NOT NEW.resolved_at
    OR OLD.rated_at IS NOT NEW.rated_at OR OLD.escalated_at IS NOT NEW.escalated_at OR OLD.merged_into IS NOT NEW.merged_into
    OR OLD.state IS NOT NEW.state OR OLD.department_id IS NOT NEW.department_id OR OLD.signed_at IS NOT NEW.signed_at
    OR OLD.signed_in_time IS NOT NEW.signed_in_time OR OLD.rating IS NOT NEW.rating OR OLD.sign_deadline IS NOT NEW.sign_deadline
    OR OLD.resolve_deadline IS NOT NEW.resolve_deadline
BEGIN
    INSERT INTO order_tally (metric, grain, bucket, shard, n)
    SELECT c.metric, g.grain, substr(c.ts, 1, g.len), 0, SUM(c.n)
    FROM (SELECT 'filed' AS metric, OLD.created_at AS ts, -1 AS n WHERE OLD.merged_into IS NULL
          UNION ALL SELECT 'assigned', OLD.first_assigned_at, -1 WHERE OLD.merged_into IS NULL
          UNION ALL SELECT 'resolved', OLD.resolved_at, -1 WHERE OLD.merged_into IS NULL
          UNION ALL SELECT 'rated', OLD.rated_at, -1 WHERE OLD.merged_into IS NULL
          UNION ALL SELECT 'escalated', OLD.escalated_at, -1 WHERE OLD.merged_into IS NULL
          UNION ALL SELECT 'filed', NEW.created_at, 1 WHERE NEW.merged_into IS NULL
          UNION ALL SELECT 'assigned', NEW.first_assigned_at, 1 WHERE NEW.merged_into IS NULL
          UNION ALL SELECT 'resolved', NEW.resolved_at, 1 WHERE NEW.merged_into IS NULL
          UNION ALL SELECT 'rated', NEW.rated_at, 1 WHERE NEW.merged_into IS NULL
          UNION ALL SELECT 'escalated', NEW.escalated_at, 1 WHERE NEW.merged_into IS NULL) c,
         (SELECT 'month' AS grain, 7 AS len UNION ALL SELECT 'day', 10 UNION ALL SELECT 'hour', 13) g
    WHERE c.ts IS NOT NULL
    GROUP BY c.metric, g.grain, substr(c.ts, 1, g.len)
    HAVING SUM(c.n) <> 0
    ON CONFLICT (metric, grain, bucket, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO order_state_tally (state, escalated, merged, shard, n)
    SELECT c.state, c.escalated, c.merged, 0, SUM(c.n)
    FROM (SELECT OLD.state AS state, OLD.escalated_at IS NOT NULL AS escalated, OLD.merged_into IS NOT NULL AS merged, -1 AS n
          UNION ALL SELECT NEW.state, NEW.escalated_at IS NOT NULL, NEW.merged_into IS NOT NULL, 1) c
    WHERE true
    GROUP BY c.state, c.escalated, c.merged
    HAVING SUM(c.n) <> 0
    ON CONFLICT (state, escalated, merged, shard) DO UPDATE SET n = n + excluded.n;
    INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
    SELECT c.day, c.department_id, SUM(c.assigned), SUM(c.signed), SUM(c.signed_in_time), SUM(c.resolved), SUM(c.rated), SUM(c.satisfied)
    FROM (SELECT date(substr(OLD.first_assigned_at, 1, 19), '+8 hours') AS day, COALESCE(OLD.department_id, 0) AS department_id, -1 AS assigned,
                 -(OLD.signed_at IS NOT NULL) AS signed, -COALESCE(OLD.signed_in_time = 1, 0) AS signed_in_time,
                 -(OLD.resolved_at IS NOT NULL) AS resolved, -(OLD.rating IS NOT NULL) AS rated,
                 -COALESCE(OLD.rating IN ('satisfied', 'basically_satisfied'), 0) AS satisfied
          WHERE OLD.first_assigned_at IS NOT NULL AND OLD.merged_into IS NULL
          UNION ALL
          SELECT date(substr(NEW.first_assigned_at, 1, 19), '+8 hours'), COALESCE(NEW.department_id, 0), 1, NEW.signed_at IS NOT NULL,
                 COALESCE(NEW.signed_in_time = 1, 0), NEW.resolved_at IS NOT NULL, NEW.rating IS NOT NULL,
                 COALESCE(NEW.rating IN ('satisfied', 'basically_satisfied'), 0)
          WHERE NEW.first_assigned_at IS NOT NULL AND NEW.merged_into IS NULL) c
    WHERE true
    GROUP BY c.day, c.department_id
    HAVING SUM(c.assigned) <> 0 OR SUM(c.signed) <> 0 OR SUM(c.signed_in_time) <> 0 OR SUM(c.resolved) <> 0 OR SUM(c.rated) <> 0 OR SUM(c.satisfied) <> 0
    ON CONFLICT (day, department_id) DO UPDATE SET assigned = assigned + excluded.assigned, signed = signed + excluded.signed,
        signed_in_time = signed_in_time + excluded.signed_in_time, resolved = resolved + excluded.resolved, rated = rated + excluded.rated,
        satisfied = satisfied + excluded.satisfied;
    INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n)
    SELECT c.day, c.department_id, c.limit_kind, c.deadline, SUM(c.n)
    FROM (SELECT date(substr(OLD.first_assigned_at, 1, 19), '+8 hours') AS day, COALESCE(OLD.department_id, 0) AS department_id,
                 'sign' AS limit_kind, OLD.sign_deadline AS deadline, -1 AS n
          WHERE OLD.signed_at IS NULL AND OLD.first_assigned_at IS NOT NULL AND OLD.merged_into IS NULL
          UNION ALL SELECT date(substr(OLD.first_assigned_at, 1, 19), '+8 hours'), COALESCE(OLD.department_id, 0), 'resolve', OLD.resolve_deadline, -1
          WHERE OLD.resolved_at IS NULL AND OLD.first_assigned_at IS NOT NULL AND OLD.merged_into IS NULL
          UNION ALL SELECT date(substr(NEW.first_assigned_at, 1, 19), '+8 hours'), COALESCE(NEW.department_id, 0), 'sign', NEW.sign_deadline, 1
          WHERE NEW.signed_at IS NULL AND NEW.first_assigned_at IS NOT NULL AND NEW.merged_into IS NULL
          UNION ALL SELECT date(substr(NEW.first_assigned_at, 1, 19), '+8 hours'), COALESCE(NEW.department_id, 0), 'resolve', NEW.resolve_deadline, 1
          WHERE NEW.resolved_at IS NULL AND NEW.first_assigned_at IS NOT NULL AND NEW.merged_into IS NULL) c
    WHERE c.deadline IS NOT NULL
    GROUP BY c.day, c.department_id, c.limit_kind, c.deadline
    HAVING SUM(c.n) <> 0
    ON CONFLICT (day, department_id, limit_kind, deadline) DO UPDATE SET n = n + excluded.n;
    DELETE FROM order_due_tally WHERE n = 0 AND day = date(substr(OLD.first_assigned_at, 1, 19), '+8 hours') AND department_id = COALESCE(OLD.department_id, 0);
END;

-- the existing orders
INSERT INTO order_tally (metric, grain, bucket, shard, n)
SELECT c.metric, g.grain, substr(c.ts, 1, g.len), 0, COUNT(*)
FROM (SELECT 'filed' AS metric, created_at AS ts FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'assigned', first_assigned_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'resolved', resolved_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'rated', rated_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'escalated', escalated_at FROM work_orders WHERE merged_into IS NULL) c,
     (SELECT 'month' AS grain, 7 AS len UNION ALL SELECT 'day', 10 UNION ALL SELECT 'hour', 13) g
WHERE c.ts IS NOT NULL
GROUP BY c.metric, g.grain, substr(c.ts, 1, g.len);
INSERT INTO order_state_tally (state, escalated, merged, shard, n)
SELECT state, escalated_at IS NOT NULL, merged_into IS NOT NULL, 0, COUNT(*) FROM work_orders
GROUP BY state, escalated_at IS NOT NULL, merged_into IS NOT NULL;
INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
SELECT date(substr(first_assigned_at, 1, 19), '+8 hours'), COALESCE(department_id, 0), COUNT(*), SUM(signed_at IS NOT NULL),
    SUM(COALESCE(signed_in_time = 1, 0)), SUM(resolved_at IS NOT NULL), SUM(rating IS NOT NULL),
    SUM(COALESCE(rating IN ('satisfied', 'basically_satisfied'), 0))
FROM work_orders WHERE first_assigned_at IS NOT NULL AND merged_into IS NULL
GROUP BY date(substr(first_assigned_at, 1, 19), '+8 hours'), COALESCE(department_id, 0);
INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n)
SELECT day, department_id, limit_kind, deadline, COUNT(*)
FROM (SELECT date(substr(first_assigned_at, 1, 19), '+8 hours') AS day, COALESCE(department_id, 0) AS department_id, 'sign' AS limit_kind,
             sign_deadline AS deadline FROM work_orders
      WHERE signed_at IS NULL AND sign_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL
      UNION ALL
      SELECT date(substr(first_assigned_at, 1, 19), '+8 hours'), COALESCE(department_id, 0), 'resolve', resolve_deadline FROM work_orders
      WHERE resolved_at IS NULL AND resolve_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL) c
GROUP BY day, department_id, limit_kind, deadline;
