-- The public applicant list (offentleglova §25) and the extended list for the parties.

-- The applicant's gender as asked for the list's count (kept apart from the voluntary equality
-- self-declaration, which is never published): 'woman', 'man', 'other' or '' (not stated).
ALTER TABLE application_details ADD COLUMN gender TEXT NOT NULL DEFAULT '';

-- HR's decision on a request not to be named: its written rationale, who and when, and for a
-- refusal the last day the applicant may answer before being named.
ALTER TABLE applications ADD COLUMN exemption_rationale TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN exemption_decided_by INTEGER REFERENCES users(id);
ALTER TABLE applications ADD COLUMN exemption_decided_at INTEGER;
ALTER TABLE applications ADD COLUMN exemption_answer_by TEXT;

-- Each version of a posting's list: produced the day after the deadline as first announced,
-- and again whenever who is named or the counts change (a withdrawal, a decision, a late
-- applicant). Ages are counted on list_date, the day the list was first due, so a birthday
-- does not make a version. Counts cover all applicants, named or not.
CREATE TABLE applicant_lists (
    id           INTEGER PRIMARY KEY,
    posting_id   INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    produced_at  INTEGER NOT NULL,
    list_date    TEXT NOT NULL,
    added        INTEGER NOT NULL DEFAULT 0,
    removed      INTEGER NOT NULL DEFAULT 0,
    -- How many were named when the version was made (an erasure later takes the entry, not
    -- this figure).
    named        INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL,
    women        INTEGER NOT NULL,
    men          INTEGER NOT NULL,
    other        INTEGER NOT NULL,
    unstated     INTEGER NOT NULL,
    UNIQUE (posting_id, version)
);

-- The named applicants of a version. An erased candidate leaves every version (CASCADE).
CREATE TABLE applicant_list_entries (
    list_id         INTEGER NOT NULL REFERENCES applicant_lists(id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    application_id  INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    age             INTEGER,
    title           TEXT NOT NULL,
    municipality    TEXT NOT NULL,
    PRIMARY KEY (list_id, position)
);
CREATE INDEX applicant_list_entries_application ON applicant_list_entries(application_id);

-- Requests for access to a posting's list (innsynskrav): the public list from anyone, the
-- extended list from a party (an applicant: application_id). Recorded by HR, or by the
-- candidate in the portal (recorded_by NULL), and decided by HR. A party given the extended
-- list reads it in the portal.
CREATE TABLE applicant_list_requests (
    id              INTEGER PRIMARY KEY,
    posting_id      INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('public','extended')),
    requester       TEXT NOT NULL,
    contact         TEXT NOT NULL DEFAULT '',
    application_id  INTEGER REFERENCES applications(id) ON DELETE CASCADE,
    received_on     TEXT NOT NULL,
    recorded_at     INTEGER NOT NULL,
    recorded_by     INTEGER REFERENCES users(id),
    status          TEXT NOT NULL CHECK (status IN ('pending','given','refused')),
    decided_at      INTEGER,
    decided_by      INTEGER REFERENCES users(id),
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX applicant_list_requests_posting ON applicant_list_requests(posting_id, id);
CREATE INDEX applicant_list_requests_application ON applicant_list_requests(application_id);

-- Refusals waiting for the applicant's answer, for the hourly job that names those whose day
-- to answer has passed.
CREATE INDEX applications_exemption_waiting ON applications(exemption_answer_by)
    WHERE exemption_decision = 'refused' AND exemption_answer IS NULL;
