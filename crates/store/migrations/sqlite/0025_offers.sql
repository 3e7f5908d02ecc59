-- The offer (R13) and the hire it makes.

-- An offer to a candidate ranked in the posting's signed innstilling: proposed by its writers,
-- approved by HR (never by the one who proposed it) and so sent, then accepted or declined by
-- the candidate on Min side by answer_by. `terms` is domain::offer::Terms as JSON (position,
-- extent, start, salary, permanent or temporary with its aml § 14-9 ground), the letter is made
-- from it in `lang`, the candidate's. One open offer per application.
CREATE TABLE offers (
    id              INTEGER PRIMARY KEY,
    posting_id      INTEGER NOT NULL REFERENCES postings(id),
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    status          TEXT NOT NULL CHECK (status IN ('proposed','sent','accepted','declined','withdrawn')),
    terms           TEXT NOT NULL,
    answer_by       TEXT NOT NULL,
    lang            TEXT NOT NULL,
    proposed_by     INTEGER REFERENCES users(id),
    proposed_at     INTEGER NOT NULL,
    approved_by     INTEGER REFERENCES users(id),
    approved_at     INTEGER,
    answered_at     INTEGER
);
CREATE INDEX offers_posting ON offers(posting_id, id);
CREATE UNIQUE INDEX offers_open ON offers(application_id) WHERE status IN ('proposed','sent');

-- The hires: an employee record made from the accepted offer, and the hand-off to onboarding
-- (O1 picks up the rows it has not started, onboarding_started_at IS NULL). The row outlives
-- an erasure of the application (the employee is no longer a candidate).
CREATE TABLE hires (
    id                     INTEGER PRIMARY KEY,
    posting_id             INTEGER NOT NULL REFERENCES postings(id),
    application_id         INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    offer_id               INTEGER REFERENCES offers(id) ON DELETE SET NULL,
    employee_id            INTEGER NOT NULL REFERENCES employees(id),
    start_date             TEXT NOT NULL,
    created_at             INTEGER NOT NULL,
    onboarding_started_at  INTEGER
);
CREATE INDEX hires_waiting ON hires(created_at) WHERE onboarding_started_at IS NULL;
CREATE INDEX hires_posting ON hires(posting_id);
