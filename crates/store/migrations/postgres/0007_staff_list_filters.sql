-- The back-office list: filtered by status, profession, unit, deadline window and words in the
-- title and reference, sorted by creation or deadline, each by key. Two covering indexes, one
-- per order, hold every column a filter reads, so a page and its count walk an index of about
-- 100 bytes a posting instead of the table's rows (ad texts of kilobytes). title_search holds
-- both titles and the reference lowercased by the application; rows from before are filled
-- here with the database's lower(), which folds ASCII letters on SQLite and all on PostgreSQL.
DROP INDEX postings_status_id;
DROP INDEX postings_profession_id;
DROP INDEX postings_created;
ALTER TABLE postings ADD COLUMN title_search TEXT NOT NULL DEFAULT '';
UPDATE postings SET title_search = lower(title) || ' ' || lower(reference);
CREATE INDEX postings_status_created ON postings(status, created_at, id, unit_id, deadline, review_requested_at);
CREATE INDEX postings_profession_created ON postings(profession, created_at, id, unit_id, status, deadline);
CREATE INDEX postings_list ON postings(created_at, id, unit_id, status, deadline, profession, review_requested_at, title_search);
CREATE INDEX postings_deadline_list ON postings(deadline, id, unit_id, status, created_at, profession, review_requested_at, title_search);
