-- The back-office list: filtered by status or profession and sorted by creation or deadline,
-- each by key; searched by title and reference (title_search: both lowercased by the
-- application; rows from before are filled here with the database's lower(), which folds ASCII
-- letters on SQLite and every letter on PostgreSQL).
DROP INDEX postings_status_id;
DROP INDEX postings_profession_id;
CREATE INDEX postings_status_created ON postings(status, created_at, id);
CREATE INDEX postings_profession_created ON postings(profession, created_at, id);
CREATE INDEX postings_deadline_id ON postings(deadline, id);
ALTER TABLE postings ADD COLUMN title_search TEXT NOT NULL DEFAULT '';
UPDATE postings SET title_search = lower(title) || ' ' || lower(reference);
