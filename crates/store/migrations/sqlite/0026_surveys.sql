-- The candidate experience survey (R14): invited after the final answer, answered anonymously.

-- One invitation per application, by a link whose token only the e-mail holds (stored hashed).
-- `answered` is a flag without a time, and the answer below keeps no reference to the
-- invitation, so an answer cannot be traced back to the candidate.
CREATE TABLE survey_invites (
    token_hash      TEXT PRIMARY KEY,
    application_id  INTEGER UNIQUE REFERENCES applications(id) ON DELETE SET NULL,
    unit_id         INTEGER NOT NULL REFERENCES org_units(id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('hired','rejected')),
    sent_at         INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    answered        INTEGER NOT NULL DEFAULT 0
);

-- The answers: the unit of the posting, whether the candidate was hired, the month (no finer),
-- the score 0–10, three answers 1–5 and an optional comment.
CREATE TABLE survey_responses (
    id        INTEGER PRIMARY KEY,
    unit_id   INTEGER NOT NULL REFERENCES org_units(id),
    outcome   TEXT NOT NULL CHECK (outcome IN ('hired','rejected')),
    month     TEXT NOT NULL,
    nps       INTEGER NOT NULL CHECK (nps BETWEEN 0 AND 10),
    informed  INTEGER NOT NULL CHECK (informed BETWEEN 1 AND 5),
    respect   INTEGER NOT NULL CHECK (respect BETWEEN 1 AND 5),
    speed     INTEGER NOT NULL CHECK (speed BETWEEN 1 AND 5),
    comment   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX survey_responses_unit ON survey_responses(unit_id, month);
