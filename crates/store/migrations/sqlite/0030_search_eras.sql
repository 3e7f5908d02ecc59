-- PostgreSQL's 0030 adds each application's era to its search row, so that a search for one
-- word reads the newest matches from the GIN index without visiting every older one. SQLite's
-- FTS5 yields its matches newest first already (see app_search), so nothing changes here; this
-- migration keeps the two numberings alike.
SELECT 1;
