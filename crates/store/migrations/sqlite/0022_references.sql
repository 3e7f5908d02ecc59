-- References (R10). One row per referee of an application that staff want to contact. The
-- candidate consents (or not) per referee in the portal; only then may staff send the referee
-- a link (a random token, kept hashed, valid for a fortnight) to a structured form. Who asked,
-- when, and what was answered are all kept here. 'closed': the application left the process
-- before the reference was taken (its link no longer works).
CREATE TABLE reference_checks (
    id                INTEGER PRIMARY KEY,
    application_id    INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    referee_name      TEXT NOT NULL,
    referee_relation  TEXT NOT NULL DEFAULT '',
    referee_email     TEXT NOT NULL,
    referee_phone     TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('consent_asked','consented','declined','requested','answered','closed')),
    consent_asked_at  INTEGER NOT NULL,
    consent_asked_by  INTEGER REFERENCES users(id),
    consent_at        INTEGER,
    requested_at      INTEGER,
    requested_by      INTEGER REFERENCES users(id),
    token_hash        TEXT UNIQUE,
    expires_at        INTEGER,
    answered_at       INTEGER,
    answers           TEXT,
    UNIQUE (application_id, referee_email)
);
