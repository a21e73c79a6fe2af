-- Aggregates for the dashboard and the briefing, kept by triggers, so that
-- every write path (the use cases, the importers, the bulk generator, a manual
-- fix in the database) keeps them right, and the figures cost the same at a
-- zone's size and at a province's (100,000 enterprises, 3,000,000 status
-- reports, 1,000,000 work orders): they no longer read the history.
--
-- Concurrent writers: a tally row every writer updates (this hour's filed
-- orders, today's zone figures) would serialise them, each holding its row
-- lock until commit. Those rows carry a `shard`, 0–15, taken from the writing
-- transaction's id: concurrent transactions mostly land on different rows,
-- and one transaction stays on one shard (fewer rows to lock). Within a
-- change, rows are locked in key order (day, then grain, then totals; an
-- order's buckets sorted), so that writers meeting on a row wait, not deadlock.
-- Reads sum over the shards; a single shard may hold a negative count (an
-- order counted on one shard and uncounted on another), the sum never.
--
-- Text keys that are compared by range (days, buckets, deadlines) use the "C"
-- collation, so that they sort as the dates they are on any server.

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
    township_id BIGINT NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    known BIGINT NOT NULL DEFAULT 0,
    resumed BIGINT NOT NULL DEFAULT 0,
    full_production BIGINT NOT NULL DEFAULT 0,
    workers_back BIGINT NOT NULL DEFAULT 0,
    workers_total BIGINT NOT NULL DEFAULT 0,
    reports BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (township_id, day)
);
-- every township's deltas after a day (the township chart)
CREATE INDEX resumption_township_tally_day ON resumption_township_tally (day, township_id);

CREATE TABLE resumption_industry_tally (
    industry TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT COLLATE "C" NOT NULL,
    known BIGINT NOT NULL DEFAULT 0,
    resumed BIGINT NOT NULL DEFAULT 0,
    full_production BIGINT NOT NULL DEFAULT 0,
    workers_back BIGINT NOT NULL DEFAULT 0,
    workers_total BIGINT NOT NULL DEFAULT 0,
    reports BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (industry, kind, day)
);

CREATE TABLE resumption_zone_tally (
    day TEXT COLLATE "C" NOT NULL,
    shard BIGINT NOT NULL DEFAULT 0,
    known BIGINT NOT NULL DEFAULT 0,
    resumed BIGINT NOT NULL DEFAULT 0,
    full_production BIGINT NOT NULL DEFAULT 0,
    workers_back BIGINT NOT NULL DEFAULT 0,
    workers_total BIGINT NOT NULL DEFAULT 0,
    reports BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, shard)
);

CREATE TABLE resumption_township_totals (
    township_id BIGINT NOT NULL PRIMARY KEY,
    enterprises BIGINT NOT NULL DEFAULT 0,
    known BIGINT NOT NULL DEFAULT 0,
    resumed BIGINT NOT NULL DEFAULT 0,
    full_production BIGINT NOT NULL DEFAULT 0,
    workers_back BIGINT NOT NULL DEFAULT 0,
    workers_total BIGINT NOT NULL DEFAULT 0
);

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

-- One delta, for one group and day, applied at every grain of day tallies.
CREATE FUNCTION resumption_apply(p_township BIGINT, p_industry TEXT, p_kind TEXT, p_day TEXT, d_known BIGINT, d_resumed BIGINT,
    d_full BIGINT, d_back BIGINT, d_total BIGINT, d_reports BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF d_known = 0 AND d_resumed = 0 AND d_full = 0 AND d_back = 0 AND d_total = 0 AND d_reports = 0 THEN
        RETURN;
    END IF;
    INSERT INTO resumption_township_tally AS t (township_id, day, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (p_township, p_day, d_known, d_resumed, d_full, d_back, d_total, d_reports)
    ON CONFLICT (township_id, day) DO UPDATE SET known = t.known + excluded.known, resumed = t.resumed + excluded.resumed,
        full_production = t.full_production + excluded.full_production, workers_back = t.workers_back + excluded.workers_back,
        workers_total = t.workers_total + excluded.workers_total, reports = t.reports + excluded.reports;
    INSERT INTO resumption_industry_tally AS t (industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (p_industry, p_kind, p_day, d_known, d_resumed, d_full, d_back, d_total, d_reports)
    ON CONFLICT (industry, kind, day) DO UPDATE SET known = t.known + excluded.known, resumed = t.resumed + excluded.resumed,
        full_production = t.full_production + excluded.full_production, workers_back = t.workers_back + excluded.workers_back,
        workers_total = t.workers_total + excluded.workers_total, reports = t.reports + excluded.reports;
    INSERT INTO resumption_zone_tally AS t (day, shard, known, resumed, full_production, workers_back, workers_total, reports)
    VALUES (p_day, txid_current() % 16, d_known, d_resumed, d_full, d_back, d_total, d_reports)
    ON CONFLICT (day, shard) DO UPDATE SET known = t.known + excluded.known, resumed = t.resumed + excluded.resumed,
        full_production = t.full_production + excluded.full_production, workers_back = t.workers_back + excluded.workers_back,
        workers_total = t.workers_total + excluded.workers_total, reports = t.reports + excluded.reports;
END;
$$;

-- A township's totals (the sum of its deltas over all days) change by this.
-- Applied once per change, after the day tallies: rows are locked in the order
-- day, grain, totals by every writer, so concurrent reports wait for each
-- other but never deadlock.
CREATE FUNCTION resumption_totals_apply(p_township BIGINT, d_known BIGINT, d_resumed BIGINT, d_full BIGINT, d_back BIGINT, d_total BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF d_known <> 0 OR d_resumed <> 0 OR d_full <> 0 OR d_back <> 0 OR d_total <> 0 THEN
        INSERT INTO resumption_township_totals AS t (township_id, known, resumed, full_production, workers_back, workers_total)
        VALUES (p_township, d_known, d_resumed, d_full, d_back, d_total)
        ON CONFLICT (township_id) DO UPDATE SET known = t.known + excluded.known, resumed = t.resumed + excluded.resumed,
            full_production = t.full_production + excluded.full_production, workers_back = t.workers_back + excluded.workers_back,
            workers_total = t.workers_total + excluded.workers_total;
    END IF;
END;
$$;

-- A report enters (p_sign 1) or leaves (-1) the set of the other reports of its
-- enterprise (those whose id is neither the report's nor p_skip): entering at
-- day d between previous p and next n adds (r − p) at d and (p − r) at n;
-- leaving subtracts the same.
CREATE FUNCTION resumption_account(r status_reports, p_sign BIGINT, p_skip BIGINT) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_township BIGINT;
    v_industry TEXT;
    v_kind TEXT;
    p status_reports;
    v_next TEXT;
    d_known BIGINT;
    d_resumed BIGINT;
    d_full BIGINT;
    d_back BIGINT;
    d_total BIGINT;
BEGIN
    -- One writer per enterprise at a time: two reports of an enterprise written
    -- at once would each miss the other as a neighbour. The lock is taken
    -- before any tally row; the queries below, each with a fresh snapshot,
    -- see what the writer before committed.
    SELECT e.township_id, e.industry, e.kind INTO v_township, v_industry, v_kind FROM enterprises e WHERE e.id = r.enterprise_id
    FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT q.* INTO p FROM status_reports q
    WHERE q.enterprise_id = r.enterprise_id AND q.report_date < r.report_date AND q.id <> r.id AND q.id <> p_skip
    ORDER BY q.report_date DESC LIMIT 1;
    d_known := CASE WHEN p.id IS NULL THEN 1 ELSE 0 END;
    d_resumed := (CASE WHEN r.status <> 'not_resumed' THEN 1 ELSE 0 END) - (CASE WHEN p.status <> 'not_resumed' THEN 1 ELSE 0 END);
    d_full := (CASE WHEN r.status = 'full_production' THEN 1 ELSE 0 END) - (CASE WHEN p.status = 'full_production' THEN 1 ELSE 0 END);
    d_back := r.workers_back - COALESCE(p.workers_back, 0);
    d_total := r.workers_total - COALESCE(p.workers_total, 0);
    PERFORM resumption_apply(v_township, v_industry, v_kind, r.report_date, p_sign * d_known, p_sign * d_resumed, p_sign * d_full,
        p_sign * d_back, p_sign * d_total, p_sign);
    SELECT q.report_date INTO v_next FROM status_reports q
    WHERE q.enterprise_id = r.enterprise_id AND q.report_date > r.report_date AND q.id <> r.id AND q.id <> p_skip
    ORDER BY q.report_date LIMIT 1;
    IF v_next IS NOT NULL THEN
        -- the two deltas cancel over all days: the totals stay
        PERFORM resumption_apply(v_township, v_industry, v_kind, v_next, -p_sign * d_known, -p_sign * d_resumed, -p_sign * d_full,
            -p_sign * d_back, -p_sign * d_total, 0);
    ELSE
        PERFORM resumption_totals_apply(v_township, p_sign * d_known, p_sign * d_resumed, p_sign * d_full, p_sign * d_back, p_sign * d_total);
    END IF;
END;
$$;

-- BEFORE, not AFTER: PostgreSQL fires AFTER row triggers at the end of the
-- statement, when every row of a multi-row INSERT (the generator writes 500 at
-- a time) is already in the table, so a report's neighbours would include
-- rows not yet counted. BEFORE row triggers see the rows processed before
-- theirs, which is what "the other reports" must be. An INSERT that will not
-- insert (its day or id is taken: an error, or ON CONFLICT, whose DO UPDATE
-- fires the UPDATE trigger instead) counts nothing.
CREATE FUNCTION status_reports_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NOT EXISTS (SELECT 1 FROM status_reports q WHERE (q.enterprise_id = NEW.enterprise_id AND q.report_date = NEW.report_date) OR q.id = NEW.id) THEN
            PERFORM resumption_account(NEW, 1, NEW.id);
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM resumption_account(OLD, -1, OLD.id);
        RETURN OLD;
    END IF;
    PERFORM resumption_account(OLD, -1, NEW.id);
    PERFORM resumption_account(NEW, 1, OLD.id);
    RETURN NEW;
END;
$$;
CREATE TRIGGER status_reports_tally_insert_delete BEFORE INSERT OR DELETE ON status_reports
FOR EACH ROW EXECUTE FUNCTION status_reports_tally();
CREATE TRIGGER status_reports_tally_update BEFORE UPDATE OF enterprise_id, report_date, status, workers_back, workers_total, id ON status_reports
FOR EACH ROW WHEN (OLD.enterprise_id IS DISTINCT FROM NEW.enterprise_id OR OLD.report_date IS DISTINCT FROM NEW.report_date
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.workers_back IS DISTINCT FROM NEW.workers_back
    OR OLD.workers_total IS DISTINCT FROM NEW.workers_total OR OLD.id IS DISTINCT FROM NEW.id)
EXECUTE FUNCTION status_reports_tally();

-- The number of enterprises per township; and an enterprise that changes its
-- township, industry or kind takes its deltas (and count) along (rare: costs
-- one pass over its own reports).
CREATE FUNCTION enterprises_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d RECORD;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        FOR d IN SELECT * FROM status_report_deltas WHERE enterprise_id = NEW.id ORDER BY day LOOP
            PERFORM resumption_apply(OLD.township_id, OLD.industry, OLD.kind, d.day, -d.known, -d.resumed, -d.full_production,
                -d.workers_back, -d.workers_total, -1);
            PERFORM resumption_apply(NEW.township_id, NEW.industry, NEW.kind, d.day, d.known, d.resumed, d.full_production,
                d.workers_back, d.workers_total, 1);
            PERFORM resumption_totals_apply(OLD.township_id, -d.known, -d.resumed, -d.full_production, -d.workers_back, -d.workers_total);
            PERFORM resumption_totals_apply(NEW.township_id, d.known, d.resumed, d.full_production, d.workers_back, d.workers_total);
        END LOOP;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE resumption_township_totals SET enterprises = enterprises - 1 WHERE township_id = OLD.township_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO resumption_township_totals AS t (township_id, enterprises) VALUES (NEW.township_id, 1)
        ON CONFLICT (township_id) DO UPDATE SET enterprises = t.enterprises + 1;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER enterprises_tally_insert_delete AFTER INSERT OR DELETE ON enterprises
FOR EACH ROW EXECUTE FUNCTION enterprises_tally();
CREATE TRIGGER enterprises_tally_move AFTER UPDATE OF township_id, industry, kind ON enterprises
FOR EACH ROW WHEN (OLD.township_id IS DISTINCT FROM NEW.township_id OR OLD.industry IS DISTINCT FROM NEW.industry OR OLD.kind IS DISTINCT FROM NEW.kind)
EXECUTE FUNCTION enterprises_tally();

-- TRUNCATE fires no row trigger: emptying a table empties what is counted of it.
CREATE FUNCTION resumption_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM resumption_township_tally;
    DELETE FROM resumption_industry_tally;
    DELETE FROM resumption_zone_tally;
    UPDATE resumption_township_totals SET known = 0, resumed = 0, full_production = 0, workers_back = 0, workers_total = 0;
    IF TG_TABLE_NAME = 'enterprises' THEN
        DELETE FROM resumption_township_totals;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER status_reports_tally_truncate AFTER TRUNCATE ON status_reports FOR EACH STATEMENT EXECUTE FUNCTION resumption_tally_truncated();
CREATE TRIGGER enterprises_tally_truncate AFTER TRUNCATE ON enterprises FOR EACH STATEMENT EXECUTE FUNCTION resumption_tally_truncated();

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
-- of its day before its hour (at most ~80 rows per metric and shard, however
-- long the history), plus an indexed COUNT over the orders of t's own hour.
CREATE TABLE order_tally (
    metric TEXT NOT NULL CHECK (metric IN ('filed', 'assigned', 'resolved', 'rated', 'escalated')),
    grain TEXT NOT NULL CHECK (grain IN ('month', 'day', 'hour')),
    bucket TEXT COLLATE "C" NOT NULL,
    shard BIGINT NOT NULL DEFAULT 0,
    n BIGINT NOT NULL,
    PRIMARY KEY (grain, bucket, metric, shard)
);

-- Orders by their current state, whether escalated (督办) and whether merged:
-- the dashboard's bars (not merged) and its count of supervised orders
-- (escalated and not closed, merged or not, as the supervision list counts them).
CREATE TABLE order_state_tally (
    state TEXT NOT NULL,
    escalated BIGINT NOT NULL CHECK (escalated IN (0, 1)),
    merged BIGINT NOT NULL CHECK (merged IN (0, 1)),
    shard BIGINT NOT NULL DEFAULT 0,
    n BIGINT NOT NULL,
    PRIMARY KEY (state, escalated, merged, shard)
);

-- 三率 per (local day of first assignment, department; 0 = none now), over the
-- orders not merged: what rates.rs counts that does not depend on today.
CREATE TABLE order_rate_tally (
    day TEXT COLLATE "C" NOT NULL,
    department_id BIGINT NOT NULL,
    assigned BIGINT NOT NULL DEFAULT 0,
    signed BIGINT NOT NULL DEFAULT 0,
    signed_in_time BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department_id)
);

-- What does depend on today: the assigned orders not yet signed for (not yet
-- resolved) by their sign (resolve) deadline; "due" on a day counts those whose
-- deadline is before it. Rows that fall to zero are deleted, so the table holds
-- about the open orders, not the history.
CREATE TABLE order_due_tally (
    day TEXT COLLATE "C" NOT NULL,
    department_id BIGINT NOT NULL,
    limit_kind TEXT NOT NULL CHECK (limit_kind IN ('sign', 'resolve')),
    deadline TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (day, department_id, limit_kind, deadline)
);

-- the partial hour of counts_until, for the two timestamps without an index
CREATE INDEX work_orders_resolved ON work_orders (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX work_orders_rated ON work_orders (rated_at) WHERE rated_at IS NOT NULL;

-- The local (UTC+8) day of a UTC timestamp text.
CREATE FUNCTION local_day(ts TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT to_char(left(ts, 19)::timestamp + interval '8 hours', 'YYYY-MM-DD')
$$;

-- An order's contribution to each tally, as rows: its old row's with −1 and its
-- new row's with +1, summed per key, so an UPDATE touches only what changed.
-- AFTER triggers are right here: an order's contribution depends on its own row only.
CREATE FUNCTION work_orders_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o work_orders;
    w work_orders;
    v_shard BIGINT := txid_current() % 16;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        o := OLD;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        w := NEW;
    END IF;
    INSERT INTO order_tally AS t (metric, grain, bucket, shard, n)
    SELECT c.metric, g.grain, left(c.ts, g.len), v_shard, SUM(c.n)
    FROM (VALUES ('filed', CASE WHEN o.merged_into IS NULL THEN o.created_at END, -1),
                 ('assigned', CASE WHEN o.merged_into IS NULL THEN o.first_assigned_at END, -1),
                 ('resolved', CASE WHEN o.merged_into IS NULL THEN o.resolved_at END, -1),
                 ('rated', CASE WHEN o.merged_into IS NULL THEN o.rated_at END, -1),
                 ('escalated', CASE WHEN o.merged_into IS NULL THEN o.escalated_at END, -1),
                 ('filed', CASE WHEN w.merged_into IS NULL THEN w.created_at END, 1),
                 ('assigned', CASE WHEN w.merged_into IS NULL THEN w.first_assigned_at END, 1),
                 ('resolved', CASE WHEN w.merged_into IS NULL THEN w.resolved_at END, 1),
                 ('rated', CASE WHEN w.merged_into IS NULL THEN w.rated_at END, 1),
                 ('escalated', CASE WHEN w.merged_into IS NULL THEN w.escalated_at END, 1)) AS c (metric, ts, n)
    CROSS JOIN (VALUES ('month', 7), ('day', 10), ('hour', 13)) AS g (grain, len)
    WHERE c.ts IS NOT NULL
    GROUP BY c.metric, g.grain, left(c.ts, g.len)
    HAVING SUM(c.n) <> 0
    ORDER BY g.grain, left(c.ts, g.len), c.metric
    ON CONFLICT (metric, grain, bucket, shard) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO order_state_tally AS t (state, escalated, merged, shard, n)
    SELECT c.state, c.escalated, c.merged, v_shard, SUM(c.n)
    FROM (VALUES (o.state, CASE WHEN o.escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN o.merged_into IS NULL THEN 0 ELSE 1 END, -1),
                 (w.state, CASE WHEN w.escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN w.merged_into IS NULL THEN 0 ELSE 1 END, 1))
         AS c (state, escalated, merged, n)
    WHERE c.state IS NOT NULL
    GROUP BY c.state, c.escalated, c.merged
    HAVING SUM(c.n) <> 0
    ORDER BY c.state, c.escalated, c.merged
    ON CONFLICT (state, escalated, merged, shard) DO UPDATE SET n = t.n + excluded.n;

    INSERT INTO order_rate_tally AS t (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
    SELECT c.day, c.department_id, SUM(c.assigned), SUM(c.signed), SUM(c.signed_in_time), SUM(c.resolved), SUM(c.rated), SUM(c.satisfied)
    FROM (SELECT local_day(o.first_assigned_at) AS day, COALESCE(o.department_id, 0) AS department_id, -1 AS assigned,
                 CASE WHEN o.signed_at IS NOT NULL THEN -1 ELSE 0 END AS signed,
                 CASE WHEN o.signed_in_time = 1 THEN -1 ELSE 0 END AS signed_in_time,
                 CASE WHEN o.resolved_at IS NOT NULL THEN -1 ELSE 0 END AS resolved,
                 CASE WHEN o.rating IS NOT NULL THEN -1 ELSE 0 END AS rated,
                 CASE WHEN o.rating IN ('satisfied', 'basically_satisfied') THEN -1 ELSE 0 END AS satisfied
          WHERE o.first_assigned_at IS NOT NULL AND o.merged_into IS NULL
          UNION ALL
          SELECT local_day(w.first_assigned_at), COALESCE(w.department_id, 0), 1,
                 CASE WHEN w.signed_at IS NOT NULL THEN 1 ELSE 0 END,
                 CASE WHEN w.signed_in_time = 1 THEN 1 ELSE 0 END,
                 CASE WHEN w.resolved_at IS NOT NULL THEN 1 ELSE 0 END,
                 CASE WHEN w.rating IS NOT NULL THEN 1 ELSE 0 END,
                 CASE WHEN w.rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END
          WHERE w.first_assigned_at IS NOT NULL AND w.merged_into IS NULL) c
    GROUP BY c.day, c.department_id
    HAVING SUM(c.assigned) <> 0 OR SUM(c.signed) <> 0 OR SUM(c.signed_in_time) <> 0 OR SUM(c.resolved) <> 0 OR SUM(c.rated) <> 0 OR SUM(c.satisfied) <> 0
    ORDER BY c.day, c.department_id
    ON CONFLICT (day, department_id) DO UPDATE SET assigned = t.assigned + excluded.assigned, signed = t.signed + excluded.signed,
        signed_in_time = t.signed_in_time + excluded.signed_in_time, resolved = t.resolved + excluded.resolved, rated = t.rated + excluded.rated,
        satisfied = t.satisfied + excluded.satisfied;

    INSERT INTO order_due_tally AS t (day, department_id, limit_kind, deadline, n)
    SELECT c.day, c.department_id, c.limit_kind, c.deadline, SUM(c.n)
    FROM (SELECT local_day(o.first_assigned_at) AS day, COALESCE(o.department_id, 0) AS department_id, 'sign' AS limit_kind,
                 o.sign_deadline AS deadline, -1 AS n
          WHERE o.signed_at IS NULL AND o.first_assigned_at IS NOT NULL AND o.merged_into IS NULL
          UNION ALL SELECT local_day(o.first_assigned_at), COALESCE(o.department_id, 0), 'resolve', o.resolve_deadline, -1
          WHERE o.resolved_at IS NULL AND o.first_assigned_at IS NOT NULL AND o.merged_into IS NULL
          UNION ALL SELECT local_day(w.first_assigned_at), COALESCE(w.department_id, 0), 'sign', w.sign_deadline, 1
          WHERE w.signed_at IS NULL AND w.first_assigned_at IS NOT NULL AND w.merged_into IS NULL
          UNION ALL SELECT local_day(w.first_assigned_at), COALESCE(w.department_id, 0), 'resolve', w.resolve_deadline, 1
          WHERE w.resolved_at IS NULL AND w.first_assigned_at IS NOT NULL AND w.merged_into IS NULL) c
    WHERE c.deadline IS NOT NULL
    GROUP BY c.day, c.department_id, c.limit_kind, c.deadline
    HAVING SUM(c.n) <> 0
    ORDER BY c.day, c.department_id, c.limit_kind, c.deadline
    ON CONFLICT (day, department_id, limit_kind, deadline) DO UPDATE SET n = t.n + excluded.n;
    IF o.first_assigned_at IS NOT NULL THEN
        DELETE FROM order_due_tally WHERE n = 0 AND day = local_day(o.first_assigned_at) AND department_id = COALESCE(o.department_id, 0);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER work_orders_tally_insert_delete AFTER INSERT OR DELETE ON work_orders
FOR EACH ROW EXECUTE FUNCTION work_orders_tally();
CREATE TRIGGER work_orders_tally_update AFTER UPDATE ON work_orders
FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.first_assigned_at IS DISTINCT FROM NEW.first_assigned_at
    OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at OR OLD.rated_at IS DISTINCT FROM NEW.rated_at
    OR OLD.escalated_at IS DISTINCT FROM NEW.escalated_at OR OLD.merged_into IS DISTINCT FROM NEW.merged_into
    OR OLD.state IS DISTINCT FROM NEW.state OR OLD.department_id IS DISTINCT FROM NEW.department_id
    OR OLD.signed_at IS DISTINCT FROM NEW.signed_at OR OLD.signed_in_time IS DISTINCT FROM NEW.signed_in_time
    OR OLD.rating IS DISTINCT FROM NEW.rating OR OLD.sign_deadline IS DISTINCT FROM NEW.sign_deadline
    OR OLD.resolve_deadline IS DISTINCT FROM NEW.resolve_deadline)
EXECUTE FUNCTION work_orders_tally();

-- TRUNCATE fires no row trigger: emptying the orders empties their counts.
CREATE FUNCTION work_orders_tally_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM order_tally;
    DELETE FROM order_state_tally;
    DELETE FROM order_rate_tally;
    DELETE FROM order_due_tally;
    RETURN NULL;
END;
$$;
CREATE TRIGGER work_orders_tally_truncate AFTER TRUNCATE ON work_orders FOR EACH STATEMENT EXECUTE FUNCTION work_orders_tally_truncated();

-- the existing orders
INSERT INTO order_tally (metric, grain, bucket, shard, n)
SELECT c.metric, g.grain, left(c.ts, g.len), 0, COUNT(*)
FROM (SELECT 'filed' AS metric, created_at AS ts FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'assigned', first_assigned_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'resolved', resolved_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'rated', rated_at FROM work_orders WHERE merged_into IS NULL
      UNION ALL SELECT 'escalated', escalated_at FROM work_orders WHERE merged_into IS NULL) c
CROSS JOIN (VALUES ('month', 7), ('day', 10), ('hour', 13)) AS g (grain, len)
WHERE c.ts IS NOT NULL
GROUP BY c.metric, g.grain, left(c.ts, g.len);
INSERT INTO order_state_tally (state, escalated, merged, shard, n)
SELECT state, CASE WHEN escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN merged_into IS NULL THEN 0 ELSE 1 END, 0, COUNT(*) FROM work_orders
GROUP BY state, CASE WHEN escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN merged_into IS NULL THEN 0 ELSE 1 END;
INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied)
SELECT local_day(first_assigned_at), COALESCE(department_id, 0), COUNT(*), SUM(CASE WHEN signed_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN signed_in_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END)
FROM work_orders WHERE first_assigned_at IS NOT NULL AND merged_into IS NULL
GROUP BY local_day(first_assigned_at), COALESCE(department_id, 0);
INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n)
SELECT day, department_id, limit_kind, deadline, COUNT(*)
FROM (SELECT local_day(first_assigned_at) AS day, COALESCE(department_id, 0) AS department_id, 'sign' AS limit_kind,
             sign_deadline AS deadline FROM work_orders
      WHERE signed_at IS NULL AND sign_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL
      UNION ALL
      SELECT local_day(first_assigned_at), COALESCE(department_id, 0), 'resolve', resolve_deadline FROM work_orders
      WHERE resolved_at IS NULL AND resolve_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL) c
GROUP BY day, department_id, limit_kind, deadline;
