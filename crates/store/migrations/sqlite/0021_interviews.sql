-- Interviews (R9). A posting offers times (slots); each slot holds at most one application and
-- an application at most one slot (UNIQUE), so booking is one guarded UPDATE of a free slot.
-- starts_at is Oslo wall-clock time, 'YYYY-MM-DD HH:MM', sortable as text.
CREATE TABLE interview_slots (
    id              INTEGER PRIMARY KEY,
    posting_id      INTEGER NOT NULL REFERENCES postings(id) ON DELETE CASCADE,
    starts_at       TEXT NOT NULL,
    minutes         INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 480),
    location        TEXT NOT NULL,
    application_id  INTEGER UNIQUE REFERENCES applications(id) ON DELETE SET NULL,
    booked_at       INTEGER,
    booked_by       TEXT CHECK (booked_by IN ('staff','candidate')),
    reminded_at     INTEGER,
    created_by      INTEGER REFERENCES users(id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX interview_slots_posting ON interview_slots(posting_id, starts_at);
CREATE INDEX interview_slots_due ON interview_slots(starts_at) WHERE application_id IS NOT NULL AND reminded_at IS NULL;

-- Per application called to interview: whether the candidate was asked to choose a time in the
-- portal, and its calendar event as last sent. The event's UID is made of the application and
-- `round` (a new round after a cancellation was sent); `sequence` goes up at each change after
-- a version was sent (RFC 5546 §2.1.4). A job compares sent_sequence and sent_booked with the
-- booking as it stands and sends the invitation, the change or the cancellation; the time and
-- place last sent are kept, for the cancellation to name them after the slot is freed.
CREATE TABLE interviews (
    application_id  INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
    self_booking    INTEGER NOT NULL DEFAULT 0,
    invited_at      INTEGER,
    round           INTEGER NOT NULL DEFAULT 0,
    sequence        INTEGER NOT NULL DEFAULT 0,
    sent_sequence   INTEGER NOT NULL DEFAULT -1,
    sent_booked     INTEGER NOT NULL DEFAULT 0,
    sent_starts_at  TEXT,
    sent_minutes    INTEGER,
    sent_location   TEXT,
    updated_at      INTEGER NOT NULL
);
