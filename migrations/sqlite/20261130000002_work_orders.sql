-- The work-order engine (工单 / 交办事项): categories with their time limits in
-- working days (data, not code), chief service officers' visits, the orders,
-- each order's timeline, in-app notifications and response templates.

CREATE TABLE work_order_categories (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT work_order_categories_code_key UNIQUE,
    name TEXT NOT NULL,
    -- working days to sign for an assigned order (签收时限)
    sign_days INTEGER NOT NULL DEFAULT 1 CHECK (sign_days BETWEEN 0 AND 30),
    -- working days to resolve it (办结时限)
    resolve_days INTEGER NOT NULL CHECK (resolve_days BETWEEN 1 AND 365),
    -- 1: orders of this category may be read anonymously through Open311
    -- (problems found at public sites), without personal or enterprise details
    public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    sort INTEGER NOT NULL DEFAULT 0
);

INSERT INTO work_order_categories (code, name, sign_days, resolve_days, public, sort) VALUES
    ('permits', '手续审批', 1, 10, 0, 1),
    ('logistics', '交通物流', 1, 3, 0, 2),
    ('labour', '用工', 1, 5, 0, 3),
    ('materials', '原材料', 1, 5, 0, 4),
    ('finance', '资金融资', 1, 10, 0, 5),
    ('epidemic_supplies', '防疫物资', 1, 2, 0, 6),
    ('policy', '政策咨询', 1, 3, 0, 7),
    ('sanitation', '环境卫生', 1, 3, 1, 8),
    ('other', '其他', 1, 5, 0, 9);

-- 走访记录: a chief service officer's visit to an enterprise
CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES cadres (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    visited_on TEXT NOT NULL,
    findings TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX visits_enterprise ON visits (enterprise_id, visited_on);
CREATE INDEX visits_cadre ON visits (cadre_id, visited_on);

CREATE TABLE work_orders (
    id INTEGER PRIMARY KEY,
    -- where it came from; source_ref is the id of the visit, inspection,
    -- project or policy it came from, when there is one
    source TEXT NOT NULL CHECK (source IN ('enterprise', 'officer_visit', 'hotline', 'inspection', 'project', 'policy_supervision')),
    source_ref INTEGER,
    enterprise_id INTEGER REFERENCES enterprises (id),
    -- the township an order belongs to: the enterprise's, or the site's
    township_id INTEGER REFERENCES townships (id),
    category_id INTEGER NOT NULL REFERENCES work_order_categories (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'urgent')),
    latitude REAL,
    longitude REAL,
    address TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('submitted', 'assigned', 'in_progress', 'resolved', 'closed')),
    department_id INTEGER REFERENCES departments (id),
    -- the first assignment decides the period an order counts in (三率)
    first_assigned_at TEXT,
    assigned_at TEXT,
    -- limits are local dates (Asia/Shanghai); due at the end of that day
    sign_deadline TEXT,
    signed_at TEXT,
    -- 1 when the first sign-for was within its limit, 0 when late
    signed_in_time INTEGER,
    resolve_deadline TEXT,
    resolved_at TEXT,
    resolution TEXT,
    rating TEXT CHECK (rating IN ('satisfied', 'basically_satisfied', 'unsatisfied')),
    rated_at TEXT,
    rating_comment TEXT,
    -- 督办: set when a limit passes or a leader supervises
    escalated_at TEXT,
    escalation TEXT CHECK (escalation IN ('sign', 'resolve', 'leader')),
    -- a pending 延期申请 (working days asked for, and why)
    extension_days INTEGER,
    extension_reason TEXT,
    merged_into INTEGER REFERENCES work_orders (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX work_orders_state_department ON work_orders (state, department_id, id);
CREATE INDEX work_orders_department ON work_orders (department_id, id);
CREATE INDEX work_orders_enterprise ON work_orders (enterprise_id, id);
CREATE INDEX work_orders_township ON work_orders (township_id, id);
CREATE INDEX work_orders_first_assigned ON work_orders (first_assigned_at);
CREATE INDEX work_orders_escalated ON work_orders (escalated_at, state);
CREATE INDEX work_orders_resolve_deadline ON work_orders (state, resolve_deadline);
CREATE INDEX work_orders_created ON work_orders (created_at);

-- the timeline: every transition and note, with who and when
CREATE TABLE work_order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES work_orders (id),
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    department_id INTEGER REFERENCES departments (id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_order_events_order ON work_order_events (order_id, id);

-- in-app notifications to the people an order concerns
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    order_id INTEGER REFERENCES work_orders (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, id);
-- one reminder of each kind per order and user (the sweep may run often)
CREATE UNIQUE INDEX notifications_once ON notifications (user_id, order_id, kind) WHERE kind IN ('nearing_sign', 'nearing_resolve', 'escalated');

-- 答复模板: wording a department can start from, per category and state
CREATE TABLE response_templates (
    id INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES work_order_categories (id),
    state TEXT NOT NULL,
    text TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0
);

INSERT INTO response_templates (category_id, state, text, sort) VALUES
    (NULL, 'in_progress', '已签收，正在与企业联系核实情况，将在时限内办结。', 1),
    (NULL, 'resolved', '经协调，问题已解决，请企业确认并评价。', 1),
    ((SELECT id FROM work_order_categories WHERE code = 'labour'), 'resolved', '已组织专场招聘会并对接人社部门，用工缺口已补齐。', 2),
    ((SELECT id FROM work_order_categories WHERE code = 'logistics'), 'resolved', '已为企业办理车辆通行证，运输渠道已打通。', 2),
    ((SELECT id FROM work_order_categories WHERE code = 'finance'), 'resolved', '已协调合作银行完成授信审批，资金已到位。', 2),
    ((SELECT id FROM work_order_categories WHERE code = 'permits'), 'resolved', '相关手续已办理完毕，证照已送达企业。', 2),
    ((SELECT id FROM work_order_categories WHERE code = 'epidemic_supplies'), 'resolved', '已调配口罩、消毒液等防疫物资送达企业。', 2);
