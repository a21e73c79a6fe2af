//! The aggregate tallies of a bulk load on PostgreSQL, counted once at the end.
//!
//! The tally triggers (migration `…_aggregates.sql`) keep the dashboard's
//! figures right for every write, one row at a time: on PostgreSQL each
//! generated order costs four upserts in PL/pgSQL and each status report a look
//! for its neighbours, which made a city-scale load take longer than 14 minutes.
//! For the load they are switched off, and the tallies are then counted from the
//! loaded rows by the same statements the migration used for the rows that were
//! there before it (the aggregates tests check those against the triggers).
//!
//! `ALTER TABLE … DISABLE TRIGGER` is part of the catalogue, not of the
//! session: a load stopped half-way leaves them off, in a data set that
//! `zonedesk gen` refuses to extend and that is to be made again. SQLite keeps
//! its triggers on: there they cost little (2 min 41 s for a province).

use sqlx::AnyConnection;

/// (table, trigger) of every per-row tally trigger the load would fire.
const ROW_TRIGGERS: [(&str, &str); 3] = [
    ("enterprises", "enterprises_tally_insert_delete"),
    ("status_reports", "status_reports_tally_insert_delete"),
    ("work_orders", "work_orders_tally_insert_delete"),
];

const TALLY_TABLES: [&str; 8] = [
    "resumption_township_tally",
    "resumption_industry_tally",
    "resumption_zone_tally",
    "resumption_township_totals",
    "order_tally",
    "order_state_tally",
    "order_rate_tally",
    "order_due_tally",
];

/// The counts, as migration `20261201000010_aggregates.sql` makes them from the
/// rows already present (shard 0 for the sharded tallies).
const COUNT_FROM_ROWS: [&str; 8] = [
    "INSERT INTO resumption_township_tally (township_id, day, known, resumed, full_production, workers_back, workers_total, reports) \
     SELECT e.township_id, d.day, SUM(d.known), SUM(d.resumed), SUM(d.full_production), SUM(d.workers_back), SUM(d.workers_total), COUNT(*) \
     FROM status_report_deltas d JOIN enterprises e ON e.id = d.enterprise_id GROUP BY e.township_id, d.day",
    "INSERT INTO resumption_industry_tally (industry, kind, day, known, resumed, full_production, workers_back, workers_total, reports) \
     SELECT e.industry, e.kind, d.day, SUM(d.known), SUM(d.resumed), SUM(d.full_production), SUM(d.workers_back), SUM(d.workers_total), COUNT(*) \
     FROM status_report_deltas d JOIN enterprises e ON e.id = d.enterprise_id GROUP BY e.industry, e.kind, d.day",
    "INSERT INTO resumption_zone_tally (day, shard, known, resumed, full_production, workers_back, workers_total, reports) \
     SELECT day, 0, SUM(known), SUM(resumed), SUM(full_production), SUM(workers_back), SUM(workers_total), SUM(reports) \
     FROM resumption_township_tally GROUP BY day",
    "INSERT INTO resumption_township_totals (township_id, enterprises, known, resumed, full_production, workers_back, workers_total) \
     SELECT e.township_id, COUNT(*), COALESCE(SUM(t.known), 0), COALESCE(SUM(t.resumed), 0), COALESCE(SUM(t.full_production), 0), \
         COALESCE(SUM(t.workers_back), 0), COALESCE(SUM(t.workers_total), 0) \
     FROM enterprises e LEFT JOIN (SELECT enterprise_id, SUM(known) AS known, SUM(resumed) AS resumed, SUM(full_production) AS full_production, \
         SUM(workers_back) AS workers_back, SUM(workers_total) AS workers_total FROM status_report_deltas GROUP BY enterprise_id) t ON t.enterprise_id = e.id \
     GROUP BY e.township_id",
    "INSERT INTO order_tally (metric, grain, bucket, shard, n) \
     SELECT c.metric, g.grain, left(c.ts, g.len), 0, COUNT(*) \
     FROM (SELECT 'filed' AS metric, created_at AS ts FROM work_orders WHERE merged_into IS NULL \
           UNION ALL SELECT 'assigned', first_assigned_at FROM work_orders WHERE merged_into IS NULL \
           UNION ALL SELECT 'resolved', resolved_at FROM work_orders WHERE merged_into IS NULL \
           UNION ALL SELECT 'rated', rated_at FROM work_orders WHERE merged_into IS NULL \
           UNION ALL SELECT 'escalated', escalated_at FROM work_orders WHERE merged_into IS NULL) c \
     CROSS JOIN (VALUES ('month', 7), ('day', 10), ('hour', 13)) AS g (grain, len) \
     WHERE c.ts IS NOT NULL GROUP BY c.metric, g.grain, left(c.ts, g.len)",
    "INSERT INTO order_state_tally (state, escalated, merged, shard, n) \
     SELECT state, CASE WHEN escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN merged_into IS NULL THEN 0 ELSE 1 END, 0, COUNT(*) FROM work_orders \
     GROUP BY state, CASE WHEN escalated_at IS NULL THEN 0 ELSE 1 END, CASE WHEN merged_into IS NULL THEN 0 ELSE 1 END",
    "INSERT INTO order_rate_tally (day, department_id, assigned, signed, signed_in_time, resolved, rated, satisfied) \
     SELECT local_day(first_assigned_at), COALESCE(department_id, 0), COUNT(*), SUM(CASE WHEN signed_at IS NOT NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN signed_in_time = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN resolved_at IS NOT NULL THEN 1 ELSE 0 END), \
         SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN rating IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END) \
     FROM work_orders WHERE first_assigned_at IS NOT NULL AND merged_into IS NULL \
     GROUP BY local_day(first_assigned_at), COALESCE(department_id, 0)",
    "INSERT INTO order_due_tally (day, department_id, limit_kind, deadline, n) \
     SELECT day, department_id, limit_kind, deadline, COUNT(*) \
     FROM (SELECT local_day(first_assigned_at) AS day, COALESCE(department_id, 0) AS department_id, 'sign' AS limit_kind, \
                  sign_deadline AS deadline FROM work_orders \
           WHERE signed_at IS NULL AND sign_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL \
           UNION ALL \
           SELECT local_day(first_assigned_at), COALESCE(department_id, 0), 'resolve', resolve_deadline FROM work_orders \
           WHERE resolved_at IS NULL AND resolve_deadline IS NOT NULL AND first_assigned_at IS NOT NULL AND merged_into IS NULL) c \
     GROUP BY day, department_id, limit_kind, deadline",
];

/// Switches the per-row tally triggers off (`false`) or on (`true`).
pub async fn set_row_triggers(conn: &mut AnyConnection, enabled: bool) -> Result<(), sqlx::Error> {
    let verb = if enabled { "ENABLE" } else { "DISABLE" };
    for (table, trigger) in ROW_TRIGGERS {
        sqlx::query(&format!("ALTER TABLE {table} {verb} TRIGGER {trigger}")).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Empties the tallies and counts them again from the rows, in one transaction.
pub async fn count_from_rows(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    for table in TALLY_TABLES {
        sqlx::query(&format!("DELETE FROM {table}")).execute(&mut *tx).await?;
    }
    for sql in COUNT_FROM_ROWS {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    tx.commit().await
}
