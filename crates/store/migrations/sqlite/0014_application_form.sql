-- The full application (R4) and the candidate portal (R5).

-- One candidate per e-mail address, compared in lower case (the application lowercases; this
-- migration lowercases the ASCII letters the older rows can hold) and merged where an address
-- applied more than once.
ALTER TABLE candidates ADD COLUMN email_key TEXT NOT NULL DEFAULT '';
-- When the candidate first signed in to the portal through a link sent to the address.
ALTER TABLE candidates ADD COLUMN verified_at INTEGER;
-- The separate, optional consent to be contacted about later vacancies: the last day it holds.
ALTER TABLE candidates ADD COLUMN talent_pool_until TEXT;
UPDATE candidates SET email_key = lower(email);
CREATE INDEX candidates_email_key_merge ON candidates(email_key);
UPDATE applications SET candidate_id = (
    SELECT MIN(c2.id) FROM candidates c1 JOIN candidates c2 ON c2.email_key = c1.email_key
    WHERE c1.id = applications.candidate_id);
DELETE FROM candidates WHERE id NOT IN (SELECT MIN(id) FROM candidates GROUP BY email_key);
DROP INDEX candidates_email_key_merge;
CREATE UNIQUE INDEX candidates_email_key ON candidates(email_key);

-- The language the candidate applied in: every e-mail about the application is in it.
ALTER TABLE applications ADD COLUMN lang TEXT NOT NULL DEFAULT 'nb';
-- The request not to be named on the public applicant list (offentleglova §25), HR's decision
-- ('granted' or 'refused'), and the candidate's answer to a refusal ('accept_listed').
ALTER TABLE applications ADD COLUMN exemption_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN exemption_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN exemption_decision TEXT;
ALTER TABLE applications ADD COLUMN exemption_answer TEXT;
ALTER TABLE applications ADD COLUMN withdrawn_at INTEGER;

-- What the candidate told about themselves in this application.
CREATE TABLE application_details (
    application_id   INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    phone            TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    municipality     TEXT NOT NULL,
    current_title    TEXT NOT NULL DEFAULT '',
    current_employer TEXT NOT NULL DEFAULT '',
    -- JSON arrays of the repeatable parts of the form.
    education        TEXT NOT NULL DEFAULT '[]',
    work             TEXT NOT NULL DEFAULT '[]',
    referees         TEXT NOT NULL DEFAULT '[]',
    hpr_number       TEXT NOT NULL DEFAULT '',
    norwegian_level  TEXT NOT NULL,
    cover_letter     TEXT NOT NULL DEFAULT ''
);

-- Screening questions per posting. Options are a JSON array of {nb, en, knockout}.
CREATE TABLE posting_questions (
    id              INTEGER PRIMARY KEY,
    posting_id      INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('yes_no','single','multiple','number','text')),
    text_nb         TEXT NOT NULL,
    text_en         TEXT NOT NULL DEFAULT '',
    options         TEXT NOT NULL DEFAULT '[]',
    required        INTEGER NOT NULL DEFAULT 1,
    -- yes/no: the answer that flags ('yes' or 'no'); number: the lowest answer that does not.
    knockout        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX posting_questions_posting ON posting_questions(posting_id, position);

-- The answers, with the question's text as it was asked, in both languages.
CREATE TABLE application_answers (
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    question_id     INTEGER REFERENCES posting_questions(id) ON DELETE SET NULL,
    question_nb     TEXT NOT NULL,
    question_en     TEXT NOT NULL,
    answer_nb       TEXT NOT NULL,
    answer_en       TEXT NOT NULL,
    knocked_out     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (application_id, position)
);

-- The voluntary equality self-declaration, apart from the application: read only as counts
-- (store::equality), never with a name.
CREATE TABLE equality_declarations (
    application_id  INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    posting_id      INTEGER NOT NULL REFERENCES postings(id),
    gender          TEXT NOT NULL DEFAULT '',
    disability      TEXT NOT NULL DEFAULT '',
    cv_gap          TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL
);
CREATE INDEX equality_declarations_posting ON equality_declarations(posting_id);

-- A form not yet sent: saved by the candidate, or kept when a submission had errors so the
-- files need not be chosen again. The key is the form's submission key, known only to the
-- browser and the e-mailed link.
CREATE TABLE application_drafts (
    id          INTEGER PRIMARY KEY,
    draft_key   TEXT NOT NULL UNIQUE,
    posting_id  INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    form        TEXT NOT NULL,
    lang        TEXT NOT NULL DEFAULT 'nb',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX application_drafts_updated ON application_drafts(updated_at);

CREATE TABLE draft_files (
    id            INTEGER PRIMARY KEY,
    draft_id      INTEGER NOT NULL REFERENCES application_drafts(id) ON DELETE CASCADE,
    slot          TEXT NOT NULL CHECK (slot IN ('cv','attachment')),
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       BLOB NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX draft_files_draft ON draft_files(draft_id);

-- Portal sign-in links: single use, short-lived, and bound to the browser that asked (the hash
-- of a random cookie set on the asking browser).
CREATE TABLE portal_links (
    token_hash    TEXT PRIMARY KEY,
    candidate_id  INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
    browser_hash  TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX portal_links_candidate ON portal_links(candidate_id, created_at);

-- Messages to and from the candidate about an application, shown in the portal.
CREATE TABLE application_messages (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    from_candidate  INTEGER NOT NULL DEFAULT 0,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX application_messages_application ON application_messages(application_id, created_at);
