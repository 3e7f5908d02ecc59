-- The applicant list is served from a snapshot in memory per posting (store/src/pipeline.rs).
-- Every change to a posting's applications, their screening answers, an applicant's name, the
-- posting's stages, questions, answer time or blind screening moves the posting's counter here, so a reader learns with one small query whether its
-- snapshot still holds. Triggers keep it, so no write path can forget.
CREATE TABLE posting_applicants_seq (
    posting_id INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL
);

CREATE TRIGGER applications_snapshot_insert AFTER INSERT ON applications BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER applications_snapshot_update AFTER UPDATE ON applications BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (OLD.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER applications_snapshot_delete AFTER DELETE ON applications BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (OLD.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER answers_snapshot_insert AFTER INSERT ON application_answers BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq)
        SELECT posting_id, 1 FROM applications WHERE id = NEW.application_id
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER answers_snapshot_update AFTER UPDATE ON application_answers BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq)
        SELECT posting_id, 1 FROM applications WHERE id = NEW.application_id
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER answers_snapshot_delete AFTER DELETE ON application_answers BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq)
        SELECT posting_id, 1 FROM applications WHERE id = OLD.application_id
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER candidates_snapshot_name AFTER UPDATE OF given_name, family_name ON candidates BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq)
        SELECT DISTINCT posting_id, 1 FROM applications WHERE candidate_id = NEW.id
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER stages_snapshot_insert AFTER INSERT ON posting_stages BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER stages_snapshot_update AFTER UPDATE ON posting_stages BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER stages_snapshot_delete AFTER DELETE ON posting_stages BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (OLD.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER questions_snapshot_insert AFTER INSERT ON posting_questions BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER questions_snapshot_update AFTER UPDATE ON posting_questions BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER questions_snapshot_delete AFTER DELETE ON posting_questions BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (OLD.posting_id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
CREATE TRIGGER postings_snapshot_settings AFTER UPDATE OF answer_days ON postings BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
