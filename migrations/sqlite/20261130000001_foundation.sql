-- The foundation: registry (townships, departments, enterprises, cadres), chief
-- service officer assignments, users, sessions and the append-only audit log.
-- Timestamps are ISO-8601 UTC text and dates YYYY-MM-DD text, identical on both
-- backends, so the same SQL and the same decoding serve SQLite and PostgreSQL.

CREATE TABLE townships (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT townships_name_key UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('xiang', 'zhen', 'ban')),
    created_at TEXT NOT NULL
);

CREATE TABLE departments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT departments_name_key UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL CONSTRAINT enterprises_credit_code_key UNIQUE,
    industry TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('industrial', 'foreign_trade', 'commerce_service', 'construction_real_estate', 'agriculture')),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    address TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    headcount INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- optimistic locking: every update must name the version it read
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX enterprises_township ON enterprises (township_id, name);
CREATE INDEX enterprises_kind ON enterprises (kind, name);
CREATE INDEX enterprises_name ON enterprises (name);

-- 干部: officials who may serve as chief service officers
CREATE TABLE cadres (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    rank TEXT NOT NULL DEFAULT '',
    department_id INTEGER REFERENCES departments (id),
    phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX cadres_department ON cadres (department_id);

-- 首席服务员派驻: history is kept, so an assignment ends rather than disappears
CREATE TABLE officer_assignments (
    id INTEGER PRIMARY KEY,
    cadre_id INTEGER NOT NULL REFERENCES cadres (id),
    enterprise_id INTEGER NOT NULL REFERENCES enterprises (id),
    started_on TEXT NOT NULL,
    ended_on TEXT
);
CREATE INDEX officer_assignments_cadre ON officer_assignments (cadre_id, ended_on);
-- an enterprise has at most one current officer
CREATE UNIQUE INDEX officer_assignments_current ON officer_assignments (enterprise_id) WHERE ended_on IS NULL;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leader', 'township', 'department', 'officer', 'enterprise', 'volunteer', 'isolation')),
    township_id INTEGER REFERENCES townships (id),
    department_id INTEGER REFERENCES departments (id),
    enterprise_id INTEGER REFERENCES enterprises (id),
    cadre_id INTEGER REFERENCES cadres (id),
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

-- browser sessions and API bearer tokens; only a hash of the secret is stored
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cookie', 'bearer')),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- every write: who, when, what, before/after. Append-only: the triggers refuse
-- any change to a written entry.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id INTEGER,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
