-- One row per run of a scheduled job (the escalation sweep): the unique key
-- lets exactly one of several instances on the database claim each slot.
CREATE TABLE scheduled_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    runner TEXT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (job, slot)
);
