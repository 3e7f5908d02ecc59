-- Submitting is idempotent: the application form carries a random key, and a second submission
-- with the same key (a double click, a refresh, a retry after a network error) finds the first
-- application instead of making another.
ALTER TABLE applications ADD COLUMN submission_key TEXT;
CREATE UNIQUE INDEX applications_submission_key ON applications(submission_key);
