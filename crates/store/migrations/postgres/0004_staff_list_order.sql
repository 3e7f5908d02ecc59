-- The back-office list pages through postings newest first.
CREATE INDEX postings_created ON postings(created_at, id);
