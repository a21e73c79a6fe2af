-- 回访: the follow-up call (or the enterprise's own online rating) that takes
-- the requester's verdict on a resolution. An order closes only on a verdict
-- taken in a return visit, so every close and every reopening by verdict has
-- one row here: who called, when, how, whom they reached and what was said.
CREATE TABLE work_order_return_visits (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES work_orders (id),
    at TEXT NOT NULL,
    caller_id INTEGER,
    caller_name TEXT NOT NULL,
    -- online (the enterprise rated it itself), phone, onsite
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'onsite')),
    -- the person reached: the requester's contact
    contact TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    -- what the requester said
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_order_return_visits_order ON work_order_return_visits (order_id, id);

-- Reminders and escalation notices are sent once per limit, not once per
-- order: after an extension, a supervisor's new deadline, a transfer or a
-- reopening the new limit gets its own reminder and, when it passes, its own
-- escalation notice. due_key names the limit (e.g. 'resolve:2020-03-05').
ALTER TABLE notifications ADD COLUMN due_key TEXT NOT NULL DEFAULT '';
DROP INDEX notifications_once;
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, order_id, kind, due_key) WHERE kind IN ('nearing_sign', 'nearing_resolve', 'escalated');
