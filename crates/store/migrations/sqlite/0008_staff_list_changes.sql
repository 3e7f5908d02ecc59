-- The back-office list is served from memory (store/src/staff_list.rs). Every change to a
-- posting or an org unit moves one counter, and each changed posting is noted with the counter's
-- value, so an instance learns what changed since it last looked with one small query, and
-- reloads only those postings. Triggers keep it, so no write path can forget.
CREATE TABLE staff_list_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
);
INSERT INTO staff_list_version (id, seq) VALUES (1, 0);
CREATE TABLE posting_changes (
    posting_id INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL
);
CREATE INDEX posting_changes_seq ON posting_changes(seq);

CREATE TRIGGER postings_listed_insert AFTER INSERT ON postings BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
    INSERT OR REPLACE INTO posting_changes (posting_id, seq)
        SELECT NEW.id, seq FROM staff_list_version WHERE id = 1;
END;
CREATE TRIGGER postings_listed_update AFTER UPDATE ON postings BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
    INSERT OR REPLACE INTO posting_changes (posting_id, seq)
        SELECT NEW.id, seq FROM staff_list_version WHERE id = 1;
END;
CREATE TRIGGER postings_listed_delete AFTER DELETE ON postings BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
    INSERT OR REPLACE INTO posting_changes (posting_id, seq)
        SELECT OLD.id, seq FROM staff_list_version WHERE id = 1;
END;
CREATE TRIGGER org_units_listed_insert AFTER INSERT ON org_units BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
END;
CREATE TRIGGER org_units_listed_update AFTER UPDATE ON org_units BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
END;
CREATE TRIGGER org_units_listed_delete AFTER DELETE ON org_units BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
END;

-- The list's covering indexes of 0007 are no longer read.
DROP INDEX postings_list;
DROP INDEX postings_deadline_list;
DROP INDEX postings_profession_created;
