-- The applicant list is served from a snapshot in memory per posting (store/src/pipeline.rs).
-- Every change to a posting's applications, their screening answers, an applicant's name, the
-- posting's stages, questions, answer time or blind screening moves the posting's counter
-- here, so a reader learns with one small query whether its snapshot still holds. Triggers keep
-- it, so no write path can forget: most once per statement, so a bulk change pays once. A new
-- application and its answers move it at commit (deferred row triggers): the counter's row is
-- then locked only for the commit, not for the whole submission with its files, so the
-- submissions of a deadline day to one posting do not wait for each other.
CREATE TABLE posting_applicants_seq (
    posting_id BIGINT PRIMARY KEY,
    seq        BIGINT NOT NULL
);

CREATE FUNCTION bump_applicants_seq(ids BIGINT[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO posting_applicants_seq (posting_id, seq)
        SELECT DISTINCT unnest(ids), 1
        ORDER BY 1
        ON CONFLICT (posting_id) DO UPDATE SET seq = posting_applicants_seq.seq + 1;
$$;

CREATE FUNCTION applications_snapshot_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(SELECT posting_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION applications_snapshot_both() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(
        SELECT posting_id FROM new_rows UNION SELECT posting_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION applications_snapshot_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY[NEW.posting_id]);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER applications_snapshot_insert AFTER INSERT ON applications
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION applications_snapshot_row();
CREATE TRIGGER applications_snapshot_update AFTER UPDATE ON applications
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION applications_snapshot_both();
CREATE TRIGGER applications_snapshot_delete AFTER DELETE ON applications
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION applications_snapshot_old();

CREATE FUNCTION answers_snapshot_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(
        SELECT a.posting_id FROM applications a JOIN new_rows n ON n.application_id = a.id));
    RETURN NULL;
END $$;
CREATE FUNCTION answers_snapshot_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(
        SELECT a.posting_id FROM applications a JOIN old_rows o ON o.application_id = a.id));
    RETURN NULL;
END $$;
CREATE FUNCTION answers_snapshot_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(
        SELECT posting_id FROM applications WHERE id = NEW.application_id));
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER answers_snapshot_insert AFTER INSERT ON application_answers
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION answers_snapshot_row();
CREATE TRIGGER answers_snapshot_update AFTER UPDATE ON application_answers
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION answers_snapshot_new();
CREATE TRIGGER answers_snapshot_delete AFTER DELETE ON application_answers
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION answers_snapshot_old();

CREATE FUNCTION candidates_snapshot_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(
        SELECT a.posting_id FROM applications a JOIN new_rows n ON n.id = a.candidate_id
        JOIN old_rows o ON o.id = n.id
        WHERE n.given_name IS DISTINCT FROM o.given_name
           OR n.family_name IS DISTINCT FROM o.family_name));
    RETURN NULL;
END $$;
CREATE TRIGGER candidates_snapshot_name AFTER UPDATE ON candidates
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION candidates_snapshot_name();

CREATE FUNCTION posting_rows_snapshot_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(SELECT posting_id FROM new_rows));
    RETURN NULL;
END $$;
CREATE FUNCTION posting_rows_snapshot_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY(SELECT posting_id FROM old_rows));
    RETURN NULL;
END $$;
CREATE TRIGGER stages_snapshot_insert AFTER INSERT ON posting_stages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_new();
CREATE TRIGGER stages_snapshot_update AFTER UPDATE ON posting_stages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_new();
CREATE TRIGGER stages_snapshot_delete AFTER DELETE ON posting_stages
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_old();
CREATE TRIGGER questions_snapshot_insert AFTER INSERT ON posting_questions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_new();
CREATE TRIGGER questions_snapshot_update AFTER UPDATE ON posting_questions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_new();
CREATE TRIGGER questions_snapshot_delete AFTER DELETE ON posting_questions
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION posting_rows_snapshot_old();

-- A posting's answer time (one row at a time, so a row trigger).
CREATE FUNCTION postings_snapshot_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_applicants_seq(ARRAY[NEW.id]);
    RETURN NULL;
END $$;
CREATE TRIGGER postings_snapshot_settings AFTER UPDATE OF answer_days ON postings
    FOR EACH ROW EXECUTE FUNCTION postings_snapshot_settings();
