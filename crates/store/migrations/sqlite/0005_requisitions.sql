-- Requisitions (bemanningsbehov): a manager's request for positions, and its way through the
-- approval chain (aml §14-9 ground for temporary posts, §14-1 b justification for part time).
CREATE TABLE requisitions (
    id                       INTEGER PRIMARY KEY,
    unit_id                  INTEGER NOT NULL REFERENCES org_units(id),
    requested_by             INTEGER NOT NULL REFERENCES users(id),
    profession               TEXT NOT NULL,
    positions                INTEGER NOT NULL CHECK (positions BETWEEN 1 AND 50),
    extent_percent           INTEGER NOT NULL CHECK (extent_percent BETWEEN 1 AND 100),
    engagement               TEXT NOT NULL CHECK (engagement IN ('permanent','temporary')),
    -- aml §14-9 (2) a–e, exactly when temporary
    temporary_ground         TEXT CHECK (temporary_ground IN ('a','b','c','d','e')),
    substitute_for           TEXT,
    substitute_until         TEXT,
    start_date               TEXT NOT NULL,
    cost_centre              TEXT NOT NULL,
    -- aml §14-1 b, exactly when part time
    part_time_justification  TEXT,
    union_discussed_on       TEXT,
    status                   TEXT NOT NULL CHECK (status IN ('submitted','returned','approved','rejected')),
    -- approvals given so far in the current round of the chain
    approvals                INTEGER NOT NULL DEFAULT 0,
    created_at               INTEGER NOT NULL,
    updated_at               INTEGER NOT NULL,
    CHECK ((engagement = 'temporary') = (temporary_ground IS NOT NULL)),
    CHECK ((extent_percent < 100) = (part_time_justification IS NOT NULL AND union_discussed_on IS NOT NULL))
);
CREATE INDEX requisitions_unit ON requisitions(unit_id, created_at);
CREATE INDEX requisitions_status ON requisitions(status, created_at);

-- Every step with who, when and why.
CREATE TABLE requisition_events (
    id              INTEGER PRIMARY KEY,
    requisition_id  INTEGER NOT NULL REFERENCES requisitions(id),
    at              INTEGER NOT NULL,
    user_id         INTEGER NOT NULL REFERENCES users(id),
    action          TEXT NOT NULL CHECK (action IN ('submit','approve','return','reject','resubmit')),
    comment         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX requisition_events_requisition ON requisition_events(requisition_id, id);

-- The register of preferential rights (aml §14-2, §14-3).
CREATE TABLE preference_rights (
    id           INTEGER PRIMARY KEY,
    employee_id  INTEGER NOT NULL REFERENCES employees(id),
    kind         TEXT NOT NULL CHECK (kind IN ('aml_14_2','aml_14_3')),
    profession   TEXT NOT NULL,
    unit_id      INTEGER NOT NULL REFERENCES org_units(id),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    CHECK (valid_to >= valid_from)
);
CREATE INDEX preference_rights_profession ON preference_rights(profession, valid_to);

-- What HR recorded for each holder a requisition had to consider.
CREATE TABLE preference_outcomes (
    requisition_id  INTEGER NOT NULL REFERENCES requisitions(id),
    employee_id     INTEGER NOT NULL REFERENCES employees(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('accepted','declined','not_qualified')),
    offered_on      TEXT,
    recorded_by     INTEGER NOT NULL REFERENCES users(id),
    recorded_at     INTEGER NOT NULL,
    PRIMARY KEY (requisition_id, employee_id)
);
