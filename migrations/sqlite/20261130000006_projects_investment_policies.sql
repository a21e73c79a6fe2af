-- Key projects (重点项目调度), investment leads (招商) and enterprise policies
-- (惠企政策). Amounts are whole 元 in integer columns (the pages and the API speak
-- 万元): sums stay exact, and no float is ever bound (sqlx's Any driver binds a
-- NULL float with the wrong PostgreSQL type).

-- 重点项目: a construction, real-estate, shantytown (棚改) or industrial project
CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT projects_name_key UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('construction', 'real_estate', 'shantytown', 'industrial')),
    -- the enterprise that owns (builds) it: it sees the project and reports on it
    owner_enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    investment_yuan INTEGER NOT NULL CHECK (investment_yuan >= 0),
    start_on TEXT NOT NULL,
    planned_end_on TEXT NOT NULL CHECK (planned_end_on >= start_on),
    progress_pct INTEGER NOT NULL DEFAULT 0 CHECK (progress_pct BETWEEN 0 AND 100),
    location TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX projects_township ON projects (township_id, id);
CREATE INDEX projects_owner ON projects (owner_enterprise_id, id);

-- 节点: planned and actual dates; a node is late when its planned day has passed without it
CREATE TABLE project_milestones (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    name TEXT NOT NULL,
    planned_on TEXT NOT NULL,
    actual_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, planned_on);
-- the slippage view looks for open nodes whose day has passed
CREATE INDEX project_milestones_open ON project_milestones (actual_on, planned_on);

-- 手续: a permit the project needs, the authority that grants it, where it stands
CREATE TABLE project_permits (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    name TEXT NOT NULL,
    authority TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'in_progress', 'approved', 'rejected')),
    due_on TEXT NOT NULL,
    -- the day it was approved (or rejected)
    decided_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX project_permits_project ON project_permits (project_id, due_on);
CREATE INDEX project_permits_open ON project_permits (status, due_on);

-- 调度记录: what the task force noted on the project (a field visit, a meeting)
CREATE TABLE project_notes (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects (id),
    noted_on TEXT NOT NULL,
    text TEXT NOT NULL,
    author_name TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX project_notes_project ON project_notes (project_id, noted_on);
-- factor needs (要素保障) are work orders: source = 'project', source_ref = the project id
CREATE INDEX work_orders_source_ref ON work_orders (source, source_ref);

-- 招商项目: a prospective investment, moved forward only: 洽谈 → 签约 → 落地
CREATE TABLE investment_leads (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    investor TEXT NOT NULL,
    -- 不见面招商 remote, 电话招商 phone, 网络招商 online
    channel TEXT NOT NULL CHECK (channel IN ('remote', 'phone', 'online')),
    stage TEXT NOT NULL CHECK (stage IN ('negotiating', 'signed', 'landed')),
    amount_yuan INTEGER NOT NULL CHECK (amount_yuan >= 0),
    -- the chain it strengthens, e.g. 口罩生产全产业链
    industry_chain TEXT NOT NULL DEFAULT '',
    township_id INTEGER REFERENCES townships (id),
    negotiating_on TEXT NOT NULL,
    signed_on TEXT,
    landed_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    -- the dates follow the stage: a stage's date is set exactly when it is reached
    CHECK ((stage = 'negotiating' AND signed_on IS NULL AND landed_on IS NULL)
        OR (stage = 'signed' AND signed_on IS NOT NULL AND landed_on IS NULL)
        OR (stage = 'landed' AND signed_on IS NOT NULL AND landed_on IS NOT NULL))
);
CREATE INDEX investment_leads_signed ON investment_leads (signed_on);
CREATE INDEX investment_leads_landed ON investment_leads (landed_on);
CREATE INDEX investment_leads_township ON investment_leads (township_id, id);

-- the zone's quarterly target ("确保一季度有一批项目签约、有招商项目签约落地")
CREATE TABLE investment_targets (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    signed_count INTEGER NOT NULL CHECK (signed_count >= 0),
    landed_count INTEGER NOT NULL CHECK (landed_count >= 0),
    signed_amount_yuan INTEGER NOT NULL CHECK (signed_amount_yuan >= 0),
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    CONSTRAINT investment_targets_quarter_key UNIQUE (year, quarter)
);

-- 惠企政策: the catalogue, with its eligibility rules as data
CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT policies_code_key UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('subsidy', 'reward', 'interest_subsidy', 'fund_pool', 'bank_scheme')),
    summary TEXT NOT NULL DEFAULT '',
    -- enterprise kinds that may apply, comma-separated codes ('' = every kind)
    eligible_kinds TEXT NOT NULL DEFAULT '',
    -- 1: only enterprises on the green list (绿名单) may apply
    green_list_only INTEGER NOT NULL DEFAULT 0 CHECK (green_list_only IN (0, 1)),
    -- the most one application may be granted (NULL: no cap)
    max_amount_yuan INTEGER CHECK (max_amount_yuan > 0),
    -- the documents an application must include, one per line
    documents TEXT NOT NULL DEFAULT '',
    -- working days from approval within which the money must be paid (督查)
    payment_days INTEGER NOT NULL CHECK (payment_days BETWEEN 1 AND 120),
    -- the department that reviews applications and pays
    department_id INTEGER REFERENCES departments (id),
    published_on TEXT NOT NULL,
    ends_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- 申报: an enterprise's application; reviewed (批准/驳回), then paid (兑现)
CREATE TABLE policy_applications (
    id INTEGER PRIMARY KEY,
    policy_id INTEGER NOT NULL REFERENCES policies (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    amount_yuan INTEGER NOT NULL CHECK (amount_yuan > 0),
    -- the documents included, one per line
    documents TEXT NOT NULL DEFAULT '',
    statement TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('submitted', 'approved', 'rejected', 'paid')),
    submitted_on TEXT NOT NULL,
    reviewed_by_name TEXT,
    reviewed_on TEXT,
    review_note TEXT,
    approved_amount_yuan INTEGER CHECK (approved_amount_yuan > 0),
    -- the last day the approved money may be paid (approval + the policy's payment_days)
    pay_deadline TEXT,
    paid_amount_yuan INTEGER NOT NULL DEFAULT 0 CHECK (paid_amount_yuan >= 0),
    paid_on TEXT,
    -- the escalated work order of an overdue payment: at most one per application
    escalated_order_id INTEGER CONSTRAINT policy_applications_escalated_key UNIQUE REFERENCES work_orders (id),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (approved_amount_yuan IS NULL OR paid_amount_yuan <= approved_amount_yuan)
);
-- one open application (submitted or approved) per enterprise and policy
CREATE UNIQUE INDEX policy_applications_open ON policy_applications (policy_id, enterprise_id) WHERE state IN ('submitted', 'approved');
CREATE INDEX policy_applications_enterprise ON policy_applications (enterprise_id, id);
-- the supervision sweep looks for approved applications past their deadline
CREATE INDEX policy_applications_due ON policy_applications (state, pay_deadline);

-- 兑现: each payment of an approved application
CREATE TABLE policy_disbursements (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES policy_applications (id),
    amount_yuan INTEGER NOT NULL CHECK (amount_yuan > 0),
    paid_on TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX policy_disbursements_application ON policy_disbursements (application_id, id);
