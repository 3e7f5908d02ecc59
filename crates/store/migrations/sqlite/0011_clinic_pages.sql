-- Each clinic's page on the career site: HR's "why work here" text in both languages and a
-- picture with its alternative text.
CREATE TABLE clinic_profiles (
    unit_id      INTEGER PRIMARY KEY REFERENCES org_units(id),
    why_nb       TEXT NOT NULL,
    why_en       TEXT NOT NULL,
    image        BLOB,
    -- 'image/jpeg' or 'image/png', as sniffed from the bytes.
    image_type   TEXT,
    image_alt_nb TEXT NOT NULL DEFAULT '',
    image_alt_en TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL,
    updated_by   INTEGER REFERENCES users(id)
);

-- Employee ambassadors: each employee's own code for share links (?src=amb-<code>), so HR can
-- see applications and hires per ambassador.
CREATE TABLE ambassador_codes (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    code       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
