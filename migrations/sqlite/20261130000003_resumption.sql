-- Work resumption (复工复产): enterprises' daily status reports, the green list
-- (绿名单) of export-oriented enterprises with their service teams (服务专班),
-- and reopening by commitment (承诺制) with its random spot checks (抽查).

-- one report per enterprise and day; a second one that day replaces the first
-- (the audit log keeps what it said before)
CREATE TABLE status_reports (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    report_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('not_resumed', 'resumed', 'full_production')),
    workers_back INTEGER NOT NULL CHECK (workers_back >= 0),
    workers_total INTEGER NOT NULL CHECK (workers_total >= workers_back),
    capacity_pct INTEGER NOT NULL CHECK (capacity_pct BETWEEN 0 AND 100),
    note TEXT NOT NULL DEFAULT '',
    reported_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    CONSTRAINT status_reports_enterprise_day UNIQUE (enterprise_id, report_date)
);
CREATE INDEX status_reports_day ON status_reports (report_date, enterprise_id);

-- 绿名单: membership with history; an enterprise is listed at most once at a time
CREATE TABLE green_list (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    added_on TEXT NOT NULL,
    add_reason TEXT NOT NULL,
    removed_on TEXT,
    remove_reason TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX green_list_current ON green_list (enterprise_id) WHERE removed_on IS NULL;

-- 服务专班: the cadres serving a listed enterprise, one of them the lead
CREATE TABLE service_team_members (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    cadre_id INTEGER NOT NULL REFERENCES cadres (id),
    is_lead INTEGER NOT NULL DEFAULT 0 CHECK (is_lead IN (0, 1)),
    CONSTRAINT service_team_members_once UNIQUE (enterprise_id, cadre_id)
);
CREATE UNIQUE INDEX service_team_one_lead ON service_team_members (enterprise_id) WHERE is_lead = 1;

-- settings an administrator may change (key → value)
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- green-list orders run on this share of their category's resolve limit
INSERT INTO settings (key, value) VALUES ('green_list_resolve_percent', '50');

-- the epidemic-prevention checklist a commitment ticks (configurable)
CREATE TABLE checklist_items (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT checklist_items_code_key UNIQUE,
    text TEXT NOT NULL,
    sort INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO checklist_items (code, text, sort) VALUES
    ('temperature', '对员工和顾客进行体温检测，体温异常者不得进入', 1),
    ('masks', '员工全程佩戴口罩，并提醒顾客佩戴', 2),
    ('disinfection', '每日对经营场所消毒不少于两次并登记消毒记录', 3),
    ('register', '建立员工健康登记台账，掌握员工行程和健康状况', 4),
    ('distance', '控制店内人数，保持一米以上距离，避免聚集', 5),
    ('supplies', '备足口罩、消毒液、体温计等防疫物资', 6);

-- 承诺书: signed and complete, it reopens the business at once
CREATE TABLE commitments (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    signer TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'suspended')),
    -- the items ticked, by code, as they read when signed
    items_json TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    suspended_at TEXT,
    suspension_reason TEXT,
    created_by INTEGER REFERENCES users (id)
);
-- one commitment in force per business
CREATE UNIQUE INDEX commitments_active ON commitments (enterprise_id) WHERE state = 'active';

-- 抽查: each draw records its seed, so the same draw can be made again
CREATE TABLE spot_check_draws (
    id INTEGER PRIMARY KEY,
    drawn_at TEXT NOT NULL,
    seed TEXT NOT NULL,
    share_pct INTEGER NOT NULL CHECK (share_pct BETWEEN 1 AND 100),
    population INTEGER NOT NULL,
    drawn INTEGER NOT NULL,
    drawn_by INTEGER REFERENCES users (id)
);

CREATE TABLE spot_checks (
    id INTEGER PRIMARY KEY,
    draw_id INTEGER NOT NULL REFERENCES spot_check_draws (id),
    commitment_id INTEGER NOT NULL REFERENCES commitments (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'passed', 'failed')),
    checked_on TEXT,
    inspector TEXT,
    note TEXT,
    work_order_id INTEGER REFERENCES work_orders (id)
);
CREATE INDEX spot_checks_commitment ON spot_checks (commitment_id);
