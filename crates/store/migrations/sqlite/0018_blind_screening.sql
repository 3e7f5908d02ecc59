-- Blind screening (R7). A posting that screens blind hides its applicants' identity from those
-- who assess them until the applicant reaches the stage `blind_until` names (a stage's number);
-- NULL: the posting does not screen blind.
ALTER TABLE postings ADD COLUMN blind_until INTEGER;
-- When an applicant's identity was shown, by whom, how and why. A shown identity stays shown.
ALTER TABLE applications ADD COLUMN revealed_at INTEGER;
ALTER TABLE applications ADD COLUMN revealed_by INTEGER REFERENCES users(id);
ALTER TABLE applications ADD COLUMN reveal_reason TEXT NOT NULL DEFAULT '';
-- How: 'hand' (with a reason), 'stage' (moved to the reveal stage or later), 'on' (already
-- there when blind screening was turned on), 'off' (blind screening turned off).
ALTER TABLE applications ADD COLUMN reveal_kind TEXT CHECK (reveal_kind IN ('hand','stage','on','off'));

-- The applicant list's snapshot (0017) holds the setting: a change moves its counter.
CREATE TRIGGER postings_snapshot_blind AFTER UPDATE OF blind_until ON postings BEGIN
    INSERT INTO posting_applicants_seq (posting_id, seq) VALUES (NEW.id, 1)
        ON CONFLICT (posting_id) DO UPDATE SET seq = seq + 1;
END;
