-- PostgreSQL's 0029 indexes the search rows as words only, letters apart from digits. SQLite's
-- FTS5 tokenizer (unicode61) already splits text into words at every other character, and its
-- prefix queries do not suffer from words of their own per applicant as the GIN index does, so
-- nothing changes here; this migration keeps the two numberings alike.
SELECT 1;
