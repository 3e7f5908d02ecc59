-- A page of a posting's applicant list, read by one person: one row naming the applications
-- shown (in the order shown, comma-separated) instead of one audit_log row each. The busiest
-- list writes fifty entries a page; as one row it is a tenth of the bytes and no index entry per
-- application. Store::audit_trail reads them with audit_log, as 'list' entries of each
-- application named.
CREATE TABLE audit_lists (
    id INTEGER PRIMARY KEY,
    at               INTEGER NOT NULL,
    actor_kind       TEXT NOT NULL,
    actor_id         INTEGER,
    ip               TEXT NOT NULL,
    posting_id       INTEGER NOT NULL,
    application_ids  TEXT NOT NULL,
    -- The newest audit_log entry when it was written: where it stands among those entries.
    after_id         INTEGER NOT NULL
);
CREATE INDEX audit_lists_posting ON audit_lists(posting_id);

-- Append-only, as the audit trail.
CREATE TRIGGER audit_lists_no_update BEFORE UPDATE ON audit_lists
BEGIN SELECT RAISE(ABORT, 'audit_lists is append-only'); END;
CREATE TRIGGER audit_lists_no_delete BEFORE DELETE ON audit_lists
BEGIN SELECT RAISE(ABORT, 'audit_lists is append-only'); END;
