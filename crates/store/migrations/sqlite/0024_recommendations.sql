-- The innstilling (R12): the ranked, written recommendation of whom to appoint, one per
-- posting, written by the posting's managers and HR after the deadline and signed off by the
-- appointing authority the trust has configured.

-- status: 'draft' (also after being returned), 'submitted' (waiting for sign-off, no longer
-- edited), 'signed' (final). return_note is the authority's reason when it was last returned.
CREATE TABLE recommendations (
    posting_id    INTEGER PRIMARY KEY REFERENCES postings(id) ON DELETE CASCADE,
    status        TEXT NOT NULL CHECK (status IN ('draft','submitted','signed')),
    summary       TEXT NOT NULL DEFAULT '',
    -- The ad's version whose requirement profile the assessments are against.
    ad_version    INTEGER NOT NULL,
    submitted_by  INTEGER REFERENCES users(id),
    submitted_at  INTEGER,
    signed_by     INTEGER REFERENCES users(id),
    signed_at     INTEGER,
    sign_note     TEXT NOT NULL DEFAULT '',
    return_note   TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX recommendations_status ON recommendations(status, submitted_at);

-- One candidate's assessment: the rank (NULL: not ranked), a preferential right the candidate
-- holds, the requirement items met ("1,3", numbered in the ad's order) and the written reasons.
-- An erased candidate leaves the innstilling (CASCADE).
CREATE TABLE recommendation_entries (
    posting_id      INTEGER NOT NULL REFERENCES recommendations(posting_id) ON DELETE CASCADE,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    rank            INTEGER,
    preferential    TEXT CHECK (preferential IN ('aml_14_2','aml_14_3')),
    meets           TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (posting_id, application_id)
);
CREATE INDEX recommendation_entries_application ON recommendation_entries(application_id);

-- Every step in writing: who, when, what and why.
CREATE TABLE recommendation_events (
    id          INTEGER PRIMARY KEY,
    posting_id  INTEGER NOT NULL REFERENCES recommendations(posting_id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    action      TEXT NOT NULL CHECK (action IN ('save','submit','return','sign','comment')),
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recommendation_events_posting ON recommendation_events(posting_id, id);

-- The union representatives' statements, one per representative, until it is signed.
CREATE TABLE recommendation_comments (
    posting_id  INTEGER NOT NULL REFERENCES recommendations(posting_id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    body        TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (posting_id, user_id)
);
