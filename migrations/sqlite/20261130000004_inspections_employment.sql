-- Inspections and rectification (督导检查 / 整改) and employment (稳就业).
--
-- A campaign (专项行动, e.g. the "四全" patriotic-health campaign) inspects
-- sites (点位: 小区, 村庄, 商超, 企业, 河道坑塘, 道路 …); every problem found is a
-- finding that is filed as a work order (source 'inspection', source_ref = the
-- finding) and assigned to the responsible department; a re-inspection
-- (复查) verifies its rectification. The campaign's tallies (组织志愿者, 倡议书,
-- 宣传资料, 整治小区/村庄/商超, 清除垃圾, 消杀) are dated entries summed to any day.
--
-- Employment: job postings of enterprises (线上用工信息发布), poor households
-- (贫困户) and their members, public-welfare posts (公益性岗位), placements
-- (a member into a posting, an enterprise or a welfare post), and
-- point-to-point transport batches (点对点运输) with their passengers' checks.

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT campaigns_name_key UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    started_on TEXT NOT NULL,
    ended_on TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);

-- 点位: a place that is inspected; one name per township
CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('residential', 'village', 'supermarket', 'enterprise', 'river_pond', 'road', 'other')),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    -- for a site that is an enterprise's premises
    enterprise_id INTEGER REFERENCES enterprises (id),
    created_at TEXT NOT NULL,
    CONSTRAINT sites_township_name_key UNIQUE (township_id, name)
);
CREATE INDEX sites_kind ON sites (kind, township_id);

CREATE TABLE inspections (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    -- the site's township, kept here so that every township-scoped list and
    -- count needs no join
    township_id INTEGER NOT NULL REFERENCES townships (id),
    inspected_on TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('passed', 'problems')),
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
-- "至3月19日 … 督导检查 … 2000余个": counts by campaign up to a day
CREATE INDEX inspections_campaign_day ON inspections (campaign_id, inspected_on);
CREATE INDEX inspections_township_day ON inspections (township_id, inspected_on);
CREATE INDEX inspections_site ON inspections (site_id);

-- 问题: one problem an inspection found; it becomes one work order
CREATE TABLE inspection_findings (
    id INTEGER PRIMARY KEY,
    inspection_id INTEGER NOT NULL REFERENCES inspections (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category_id INTEGER NOT NULL REFERENCES work_order_categories (id),
    -- the department it was first handed to (the order may be transferred since)
    department_id INTEGER NOT NULL REFERENCES departments (id),
    -- the work order filed for it, in the same transaction as the inspection
    order_id INTEGER REFERENCES work_orders (id),
    -- open: rectification not yet verified; verified / not_verified: the latest re-inspection's verdict
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'verified', 'not_verified')),
    checked_on TEXT,
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX inspection_findings_order ON inspection_findings (order_id);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);

-- 复查: the re-inspections of a finding, each with its verdict
CREATE TABLE finding_rechecks (
    id INTEGER PRIMARY KEY,
    finding_id INTEGER NOT NULL REFERENCES inspection_findings (id),
    checked_on TEXT NOT NULL,
    inspectors TEXT NOT NULL,
    verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX finding_rechecks_finding ON finding_rechecks (finding_id, id);

-- the campaign's figures as dated entries, so that any day's totals are a sum
CREATE TABLE campaign_tallies (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    -- the township that reported it, if one did
    township_id INTEGER REFERENCES townships (id),
    entry_on TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('volunteers', 'proposal_letters', 'materials', 'rectified_residential', 'rectified_village',
        'rectified_supermarket', 'refuse_m3', 'disinfection')),
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    -- a wrong entry is voided, not erased: a briefing already sent with it stays explainable
    voided_at TEXT,
    voided_by INTEGER REFERENCES users (id),
    void_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaign_tallies_campaign ON campaign_tallies (campaign_id, entry_on);

-- 线上用工信息发布. `filled` counts current placements; the CHECK makes
-- over-filling impossible even for two placements at once
CREATE TABLE job_postings (
    id INTEGER PRIMARY KEY,
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    post TEXT NOT NULL,
    headcount INTEGER NOT NULL CHECK (headcount BETWEEN 1 AND 10000),
    filled INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= headcount),
    pay TEXT NOT NULL,
    requirements TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('open', 'filled', 'closed')),
    posted_on TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX job_postings_status ON job_postings (status, township_id);
CREATE INDEX job_postings_enterprise ON job_postings (enterprise_id);

-- 贫困户
CREATE TABLE poor_households (
    id INTEGER PRIMARY KEY,
    head_name TEXT NOT NULL,
    township_id INTEGER NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX poor_households_township ON poor_households (township_id, village);

CREATE TABLE household_members (
    id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES poor_households (id),
    name TEXT NOT NULL,
    relation TEXT NOT NULL DEFAULT '',
    labour_capable INTEGER NOT NULL CHECK (labour_capable IN (0, 1)),
    employment TEXT NOT NULL CHECK (employment IN ('unemployed', 'employed')),
    -- where the member works (set by a placement, or entered for work found otherwise)
    employment_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX household_members_household ON household_members (household_id);

-- 公益性岗位
CREATE TABLE welfare_posts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    township_id INTEGER NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL DEFAULT '',
    slots INTEGER NOT NULL CHECK (slots BETWEEN 1 AND 1000),
    filled INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= slots),
    pay TEXT NOT NULL DEFAULT '',
    duties TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX welfare_posts_township ON welfare_posts (township_id);

-- a member's job: into a posting (and its enterprise), directly with an
-- enterprise, or into a welfare post — exactly one employer
CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES household_members (id),
    posting_id INTEGER REFERENCES job_postings (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    welfare_post_id INTEGER REFERENCES welfare_posts (id),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    end_reason TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    CHECK ((enterprise_id IS NULL AND welfare_post_id IS NOT NULL) OR (enterprise_id IS NOT NULL AND welfare_post_id IS NULL)),
    CHECK (posting_id IS NULL OR enterprise_id IS NOT NULL)
);
-- a member holds at most one current placement
CREATE UNIQUE INDEX placements_current ON placements (member_id) WHERE ended_on IS NULL;
CREATE INDEX placements_posting ON placements (posting_id);
CREATE INDEX placements_enterprise ON placements (enterprise_id);

-- 点对点运输: a chartered trip of workers
CREATE TABLE transport_batches (
    id INTEGER PRIMARY KEY,
    township_id INTEGER NOT NULL REFERENCES townships (id),
    route TEXT NOT NULL,
    vehicle TEXT NOT NULL,
    departs_on TEXT NOT NULL,
    escort TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX transport_batches_township ON transport_batches (township_id, departs_on);

-- a passenger and the health check before boarding (temperature in tenths of
-- a degree, to keep one exact integer type on both backends)
CREATE TABLE transport_passengers (
    id INTEGER PRIMARY KEY,
    batch_id INTEGER NOT NULL REFERENCES transport_batches (id),
    member_id INTEGER REFERENCES household_members (id),
    name TEXT NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    temperature_tenths INTEGER NOT NULL CHECK (temperature_tenths BETWEEN 340 AND 430),
    health_code TEXT NOT NULL CHECK (health_code IN ('green', 'yellow', 'red')),
    passed INTEGER NOT NULL CHECK (passed IN (0, 1))
);
CREATE INDEX transport_passengers_batch ON transport_passengers (batch_id, id);
