-- Ads: sections in bokmål and English with the requirement profile (content, JSON of
-- domain::ad::AdContent), the structured fields the career site filters on, HR's approval with
-- the day the ad is first shown and an optional internal-only period (aml §14-1), the original
-- deadline kept when it is extended (offentleglova §25), and versions of edits after publishing.
ALTER TABLE postings ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN content TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN work_place TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN start_date TEXT;
ALTER TABLE postings ADD COLUMN salary_text TEXT NOT NULL DEFAULT '';
-- comma-separated codes (domain::ad::TargetGroup, CompetenceArea)
ALTER TABLE postings ADD COLUMN target_groups TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN competence_areas TEXT NOT NULL DEFAULT '';
ALTER TABLE postings ADD COLUMN requisition_id INTEGER REFERENCES requisitions(id);
ALTER TABLE postings ADD COLUMN publish_on TEXT;
ALTER TABLE postings ADD COLUMN internal_until TEXT;
ALTER TABLE postings ADD COLUMN original_deadline TEXT;
ALTER TABLE postings ADD COLUMN review_requested_at INTEGER;
ALTER TABLE postings ADD COLUMN approved_by INTEGER REFERENCES users(id);
ALTER TABLE postings ADD COLUMN approved_at INTEGER;
ALTER TABLE postings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX postings_requisition ON postings(requisition_id);
-- the back-office list filtered by status or profession, newest first
CREATE INDEX postings_status_id ON postings(status, id);
CREATE INDEX postings_profession_id ON postings(profession, id);

-- The ad as it was before each edit made after publishing (JSON of domain::posting::PostingDraft).
CREATE TABLE posting_versions (
    posting_id  INTEGER NOT NULL REFERENCES postings(id),
    version     INTEGER NOT NULL,
    saved_at    INTEGER NOT NULL,
    saved_by    INTEGER REFERENCES users(id),
    draft       TEXT NOT NULL,
    PRIMARY KEY (posting_id, version)
);

-- Every step in an ad's life with who, when and what.
CREATE TABLE posting_events (
    id          INTEGER PRIMARY KEY,
    posting_id  INTEGER NOT NULL REFERENCES postings(id),
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    action      TEXT NOT NULL CHECK (action IN ('create','edit','submit','approve','unpublish','extend','close')),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX posting_events_posting ON posting_events(posting_id, id);

-- HR's ad templates, one per profession (JSON of domain::ad::Template); seeded from the built-in ones.
CREATE TABLE ad_templates (
    profession  TEXT PRIMARY KEY,
    template    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES users(id)
);

-- The organisation's standard texts (the diversity sentence), bokmål and English.
CREATE TABLE org_texts (
    key         TEXT PRIMARY KEY,
    nb          TEXT NOT NULL,
    en          TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES users(id)
);
