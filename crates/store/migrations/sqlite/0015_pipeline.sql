-- The pipeline (R6): each posting's own stages, each mapped to a canonical phase; where each
-- application stands and since when; every move with who, when and why; how many days a
-- candidate may wait before the manager and HR are reminded; and the end of the case, which is
-- refused while anyone lacks a final answer.

-- A posting's stages, copied from its profession's template when the posting is made. A
-- posting without rows uses one stage per phase (domain::pipeline::default_stages). `position`
-- names the stage for good (applications point at it); `ord` orders the stages.
CREATE TABLE posting_stages (
    posting_id  INTEGER NOT NULL REFERENCES postings(id),
    position    INTEGER NOT NULL,
    ord         INTEGER NOT NULL,
    name_nb     TEXT NOT NULL,
    name_en     TEXT NOT NULL DEFAULT '',
    phase       TEXT NOT NULL CHECK (phase IN ('applied','screening','interview','references','recommendation','offer','hired')),
    PRIMARY KEY (posting_id, position)
);

ALTER TABLE postings ADD COLUMN answer_days INTEGER NOT NULL DEFAULT 14;
ALTER TABLE postings ADD COLUMN finished_at INTEGER;
ALTER TABLE postings ADD COLUMN finished_by INTEGER REFERENCES users(id);

-- The stage's number within the posting (NULL: the first stage of the application's phase).
ALTER TABLE applications ADD COLUMN stage INTEGER;
ALTER TABLE applications ADD COLUMN stage_since INTEGER NOT NULL DEFAULT 0;
ALTER TABLE applications ADD COLUMN reminded_at INTEGER;
UPDATE applications SET stage_since = updated_at;
-- Those still waiting for an answer, oldest first: the reminder job's walk.
CREATE INDEX applications_waiting ON applications(stage_since) WHERE phase NOT IN ('withdrawn','rejected','hired');

-- Every move of an application: who (a user; NULL with by_candidate = 0 is the system), when,
-- from where to where, why, and the message the candidate was sent with it.
CREATE TABLE application_transitions (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    at              INTEGER NOT NULL,
    user_id         INTEGER REFERENCES users(id),
    by_candidate    INTEGER NOT NULL DEFAULT 0,
    from_phase      TEXT NOT NULL,
    from_stage      INTEGER,
    to_phase        TEXT NOT NULL,
    to_stage        INTEGER,
    reason          TEXT NOT NULL DEFAULT '',
    message_id      INTEGER REFERENCES application_messages(id) ON DELETE SET NULL
);
CREATE INDEX application_transitions_application ON application_transitions(application_id, id);

-- Who on the staff wrote a message to the candidate.
ALTER TABLE application_messages ADD COLUMN user_id INTEGER REFERENCES users(id);

-- A posting's case can now be finished ('finish'); SQLite changes a CHECK by rebuilding.
CREATE TABLE posting_events_new (
    id          INTEGER PRIMARY KEY,
    posting_id  INTEGER NOT NULL REFERENCES postings(id),
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    action      TEXT NOT NULL CHECK (action IN ('create','edit','submit','approve','unpublish','extend','close','finish')),
    note        TEXT NOT NULL DEFAULT ''
);
INSERT INTO posting_events_new (id, posting_id, at, user_id, action, note)
    SELECT id, posting_id, at, user_id, action, note FROM posting_events;
DROP TABLE posting_events;
ALTER TABLE posting_events_new RENAME TO posting_events;
CREATE INDEX posting_events_posting ON posting_events(posting_id, id);
