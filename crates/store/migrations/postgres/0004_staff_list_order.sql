-- The back-office list pages through postings newest first, by key: (created_at, id) in order,
-- with unit_id so the scope is checked without reading the posting itself.
CREATE INDEX postings_created ON postings(created_at, id, unit_id);
