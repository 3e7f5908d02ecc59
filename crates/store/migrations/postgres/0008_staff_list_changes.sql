-- The back-office list is served from memory (store/src/staff_list.rs). Every change to a
-- posting or an org unit moves one counter, and each changed posting is noted with the counter's
-- value, so an instance learns what changed since it last looked with one small query, and
-- reloads only those postings. Triggers keep it, so no write path can forget. The counter row
-- stays locked until the writing transaction commits, so changes become visible in the order of
-- their numbers and a reader that has seen number N has seen every change up to N.
CREATE TABLE staff_list_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);
INSERT INTO staff_list_version (id, seq) VALUES (1, 0);
CREATE TABLE posting_changes (
    posting_id BIGINT PRIMARY KEY,
    seq        BIGINT NOT NULL
);
CREATE INDEX posting_changes_seq ON posting_changes(seq);

CREATE FUNCTION note_posting_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    changed BIGINT;
BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1 RETURNING seq INTO n;
    IF TG_OP = 'DELETE' THEN
        changed := OLD.id;
    ELSE
        changed := NEW.id;
    END IF;
    INSERT INTO posting_changes (posting_id, seq) VALUES (changed, n)
        ON CONFLICT (posting_id) DO UPDATE SET seq = excluded.seq;
    RETURN NULL;
END $$;
CREATE TRIGGER postings_listed AFTER INSERT OR UPDATE OR DELETE ON postings
    FOR EACH ROW EXECUTE FUNCTION note_posting_change();

CREATE FUNCTION note_org_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE staff_list_version SET seq = seq + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER org_units_listed AFTER INSERT OR UPDATE OR DELETE ON org_units
    FOR EACH STATEMENT EXECUTE FUNCTION note_org_change();

-- The list's covering indexes of 0007 are no longer read.
DROP INDEX postings_list;
DROP INDEX postings_deadline_list;
DROP INDEX postings_profession_created;
