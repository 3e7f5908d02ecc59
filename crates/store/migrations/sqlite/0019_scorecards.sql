-- Structured evaluation (R8): each assessor's card on an application, scored against the ad's
-- requirement profile. One card per assessor and application: a draft until it is sent in
-- ('submitted'), after which it is never changed; 'abstained' is an assessor who chose to see
-- the panel without scoring. Nobody sees another's card before their own is one or the other.
CREATE TABLE scorecards (
    id              INTEGER PRIMARY KEY,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    assessor_id     INTEGER NOT NULL REFERENCES users(id),
    status          TEXT NOT NULL CHECK (status IN ('draft','submitted','abstained')),
    recommendation  TEXT CHECK (recommendation IN ('strong_no','no','yes','strong_yes')),
    note            TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    submitted_at    INTEGER,
    UNIQUE (application_id, assessor_id),
    CHECK (status = 'draft' OR submitted_at IS NOT NULL),
    CHECK (status <> 'submitted' OR recommendation IS NOT NULL)
);
CREATE INDEX scorecards_assessor ON scorecards(assessor_id);

-- One criterion as scored, with the criterion as it read when scored (the ad may be edited
-- later): its item number in the profile, both languages, required or desired, and weight.
-- A NULL score is "not assessed".
CREATE TABLE scorecard_ratings (
    scorecard_id  INTEGER NOT NULL REFERENCES scorecards(id) ON DELETE CASCADE,
    item          INTEGER NOT NULL,
    criterion_nb  TEXT NOT NULL,
    criterion_en  TEXT NOT NULL DEFAULT '',
    required      INTEGER NOT NULL,
    weight        INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 5),
    score         INTEGER CHECK (score BETWEEN 1 AND 5),
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scorecard_id, item)
);
