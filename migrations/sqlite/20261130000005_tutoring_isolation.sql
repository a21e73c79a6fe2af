-- Volunteers and one-to-one tutoring (结对帮扶), and the medical isolation
-- observation point (医学隔离观察点); plus the two scopes the volunteer and
-- isolation roles are bound to.
-- Dates are YYYY-MM-DD text, timestamps ISO-8601 UTC text, as everywhere.

-- 志愿者: e.g. university students not yet back at school. subjects is a
-- comma-separated list of subject codes (chinese, math, …); grades run 1–12
-- (小学一年级 … 高三). capacity: how many children one volunteer takes on
-- (the newspaper's student tutors two siblings).
CREATE TABLE volunteers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    school TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    subjects TEXT NOT NULL,
    grade_min INTEGER NOT NULL CHECK (grade_min BETWEEN 1 AND 12),
    grade_max INTEGER NOT NULL CHECK (grade_max BETWEEN 1 AND 12),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL,
    availability TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 5),
    -- 0 while the volunteer cannot take on children (back at school, …)
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (grade_min <= grade_max)
);
CREATE INDEX volunteers_township ON volunteers (township_id, village);

-- 帮扶对象: a child to help, with the category that decides who is paired first
CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    subjects TEXT NOT NULL,
    category TEXT NOT NULL CHECK (category IN ('poor_family', 'frontline_child', 'left_behind', 'other')),
    township_id INTEGER NOT NULL REFERENCES townships (id),
    village TEXT NOT NULL,
    guardian TEXT NOT NULL DEFAULT '',
    guardian_phone TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX children_township ON children (township_id, village);

-- 结对: proposed by the optimal assignment (or made by hand), accepted, ended.
-- The fit columns explain the cost: where they live relative to each other and
-- how well subjects and grade match.
CREATE TABLE pairings (
    id INTEGER PRIMARY KEY,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'ended')),
    origin TEXT NOT NULL CHECK (origin IN ('computed', 'pinned', 'manual')),
    cost INTEGER NOT NULL,
    place TEXT NOT NULL CHECK (place IN ('same_village', 'same_township', 'elsewhere')),
    subjects_covered INTEGER NOT NULL,
    subjects_needed INTEGER NOT NULL,
    grade_fits INTEGER NOT NULL CHECK (grade_fits IN (0, 1)),
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    accepted_at TEXT,
    ended_at TEXT,
    end_reason TEXT NOT NULL DEFAULT ''
);
-- a child has at most one live (proposed or accepted) pairing: never paired twice
CREATE UNIQUE INDEX pairings_child_live ON pairings (child_id) WHERE status <> 'ended';
CREATE INDEX pairings_volunteer ON pairings (volunteer_id, status);

-- manual overrides of the assignment: pin a pair into it, or forbid one
CREATE TABLE pairing_rules (
    id INTEGER PRIMARY KEY,
    volunteer_id INTEGER NOT NULL REFERENCES volunteers (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    rule TEXT NOT NULL CHECK (rule IN ('pin', 'forbid')),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    CONSTRAINT pairing_rules_pair_key UNIQUE (volunteer_id, child_id)
);

-- 辅导记录
CREATE TABLE tutoring_sessions (
    id INTEGER PRIMARY KEY,
    pairing_id INTEGER NOT NULL REFERENCES pairings (id),
    held_on TEXT NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
    topic TEXT NOT NULL CHECK (topic IN ('online_class', 'homework', 'companionship', 'counselling', 'epidemic_knowledge')),
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX tutoring_sessions_pairing ON tutoring_sessions (pairing_id, held_on);

-- 医学隔离观察点; observation_days is the default length of an observation
CREATE TABLE isolation_points (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT isolation_points_name_key UNIQUE,
    address TEXT NOT NULL DEFAULT '',
    party_branch TEXT NOT NULL DEFAULT '',
    observation_days INTEGER NOT NULL DEFAULT 14 CHECK (observation_days BETWEEN 1 AND 60),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE isolation_rooms (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    number TEXT NOT NULL,
    beds INTEGER NOT NULL DEFAULT 1 CHECK (beds BETWEEN 1 AND 10),
    note TEXT NOT NULL DEFAULT '',
    CONSTRAINT isolation_rooms_number_key UNIQUE (point_id, number)
);

-- 留观人员: health data; read only by the point's staff and leaders, every
-- read of a record is audited (by the use cases)
CREATE TABLE observed_persons (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    room_id INTEGER REFERENCES isolation_rooms (id),
    name TEXT NOT NULL,
    gender TEXT NOT NULL CHECK (gender IN ('male', 'female')),
    age INTEGER CHECK (age BETWEEN 0 AND 120),
    phone TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL CHECK (source IN ('hubei', 'overseas', 'close_contact', 'key_area', 'other')),
    origin TEXT NOT NULL DEFAULT '',
    checked_in_on TEXT NOT NULL,
    observation_end_on TEXT NOT NULL,
    released_on TEXT,
    release_note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CHECK (observation_end_on >= checked_in_on)
);
CREATE INDEX observed_persons_point ON observed_persons (point_id, released_on, checked_in_on);

-- 体温: twice a day; tenths of a degree Celsius (373 = 37.3 °C), exact on both backends
CREATE TABLE temperature_records (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES observed_persons (id),
    taken_on TEXT NOT NULL,
    slot TEXT NOT NULL CHECK (slot IN ('morning', 'afternoon')),
    tenths INTEGER NOT NULL CHECK (tenths BETWEEN 340 AND 430),
    symptoms TEXT NOT NULL DEFAULT '',
    recorded_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    CONSTRAINT temperature_records_slot_key UNIQUE (person_id, taken_on, slot)
);

-- 发热预警: raised by a reading of 37.3 °C or more; open until handled
CREATE TABLE fever_alerts (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL CONSTRAINT fever_alerts_record_key UNIQUE REFERENCES temperature_records (id),
    person_id INTEGER NOT NULL REFERENCES observed_persons (id),
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    tenths INTEGER NOT NULL,
    raised_at TEXT NOT NULL,
    handled_at TEXT,
    handled_by INTEGER REFERENCES users (id),
    handled_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX fever_alerts_point ON fever_alerts (point_id, handled_at);

-- 工作人员 in four groups; a member who leaves is deactivated, so that past
-- rosters keep their names
CREATE TABLE isolation_staff (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    name TEXT NOT NULL,
    group_code TEXT NOT NULL CHECK (group_code IN ('management', 'medical', 'disinfection', 'logistics')),
    party_member INTEGER NOT NULL DEFAULT 0 CHECK (party_member IN (0, 1)),
    title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE INDEX isolation_staff_point ON isolation_staff (point_id, group_code);

-- 排班: one row per staff member per shift; a day has shifts_per_day shifts,
-- shift_index 0 starting at 08:00
CREATE TABLE duty_shifts (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    shift_on TEXT NOT NULL,
    shift_index INTEGER NOT NULL CHECK (shift_index BETWEEN 0 AND 3),
    shifts_per_day INTEGER NOT NULL CHECK (shifts_per_day IN (2, 3, 4)),
    group_code TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES isolation_staff (id),
    created_at TEXT NOT NULL
);
CREATE INDEX duty_shifts_point ON duty_shifts (point_id, shift_on, shift_index);

-- 制度: the point's rules and regulations, as documents
CREATE TABLE isolation_documents (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES isolation_points (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TEXT NOT NULL,
    CONSTRAINT isolation_documents_title_key UNIQUE (point_id, title)
);

-- the rows the volunteer and isolation roles are bound to
ALTER TABLE users ADD COLUMN volunteer_id INTEGER REFERENCES volunteers (id);
ALTER TABLE users ADD COLUMN isolation_point_id INTEGER REFERENCES isolation_points (id);
