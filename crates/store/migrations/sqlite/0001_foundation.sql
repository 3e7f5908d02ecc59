-- Foundation schema. Timestamps are Unix seconds (INTEGER), dates 'YYYY-MM-DD' (TEXT), flags 0/1:
-- the types both SQLite and PostgreSQL carry through one code path (see ARCHITECTURE.md).

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   INTEGER REFERENCES org_units(id),
    kind        TEXT NOT NULL CHECK (kind IN ('trust','clinic','department','section')),
    code        TEXT NOT NULL UNIQUE,
    name_nb     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    path        TEXT NOT NULL DEFAULT '',
    site        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE positions (
    id            INTEGER PRIMARY KEY,
    unit_id       INTEGER NOT NULL REFERENCES org_units(id),
    number        TEXT NOT NULL UNIQUE,
    fte_percent   INTEGER NOT NULL CHECK (fte_percent BETWEEN 1 AND 100),
    profession    TEXT NOT NULL
);
CREATE INDEX positions_unit ON positions(unit_id);

CREATE TABLE employees (
    id               INTEGER PRIMARY KEY,
    employee_number  TEXT NOT NULL UNIQUE,
    given_name       TEXT NOT NULL,
    family_name      TEXT NOT NULL,
    birth_year       INTEGER NOT NULL,
    gender           TEXT NOT NULL,
    unit_id          INTEGER NOT NULL REFERENCES org_units(id),
    position_id      INTEGER REFERENCES positions(id),
    profession       TEXT NOT NULL,
    fte_percent      INTEGER NOT NULL,
    permanent        INTEGER NOT NULL DEFAULT 1,
    hired_on         TEXT NOT NULL
);
CREATE INDEX employees_unit ON employees(unit_id);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    email          TEXT NOT NULL,
    display_name   TEXT NOT NULL,
    password_hash  TEXT,
    oidc_subject   TEXT UNIQUE,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL
);
CREATE INDEX users_email ON users(email);

CREATE TABLE postings (
    id              INTEGER PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    unit_id         INTEGER NOT NULL REFERENCES org_units(id),
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    profession      TEXT NOT NULL,
    engagement      TEXT NOT NULL CHECK (engagement IN ('permanent','temporary')),
    extent_percent  INTEGER NOT NULL,
    positions       INTEGER NOT NULL,
    deadline        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft','published','closed')),
    published_at    INTEGER,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    -- title and text lowercased by the application (Unicode-aware, the same on both databases)
    search_text     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX postings_public ON postings(status, deadline);
CREATE INDEX postings_unit ON postings(unit_id);

CREATE TABLE posting_positions (
    posting_id   INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    position_id  INTEGER NOT NULL REFERENCES positions(id),
    PRIMARY KEY (posting_id, position_id)
);

CREATE TABLE role_grants (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role         TEXT NOT NULL,
    unit_id      INTEGER REFERENCES org_units(id),
    posting_id   INTEGER REFERENCES postings(id) ON DELETE CASCADE,
    CHECK ((unit_id IS NULL) <> (posting_id IS NULL))
);
CREATE INDEX role_grants_user ON role_grants(user_id);

CREATE TABLE candidates (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    given_name    TEXT NOT NULL,
    family_name   TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX candidates_email ON candidates(email);

CREATE TABLE applications (
    id             INTEGER PRIMARY KEY,
    posting_id     INTEGER NOT NULL REFERENCES postings(id),
    candidate_id   INTEGER NOT NULL REFERENCES candidates(id),
    phase          TEXT NOT NULL,
    source         TEXT NOT NULL,
    submitted_at   INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX applications_posting ON applications(posting_id, submitted_at);
CREATE INDEX applications_candidate ON applications(candidate_id);

CREATE TABLE documents (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX documents_application ON documents(application_id);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expires_at);

CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL,
    ip          TEXT NOT NULL,
    succeeded   INTEGER NOT NULL,
    at          INTEGER NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_ip ON login_attempts(ip, at);

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('queued','running','done','failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    run_at        INTEGER NOT NULL,
    locked_until  INTEGER,
    locked_by     TEXT,
    last_error    TEXT,
    created_at    INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE INDEX jobs_ready ON jobs(status, run_at);

CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    to_addr      TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body_text    TEXT NOT NULL,
    body_html    TEXT NOT NULL,
    template     TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER
);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    at            INTEGER NOT NULL,
    actor_kind    TEXT NOT NULL,
    actor_id      INTEGER,
    action        TEXT NOT NULL,
    subject_kind  TEXT NOT NULL,
    subject_id    INTEGER NOT NULL,
    ip            TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_subject ON audit_log(subject_kind, subject_id);

-- The audit trail is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
