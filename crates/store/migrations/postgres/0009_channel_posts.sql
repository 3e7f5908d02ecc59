-- What each outside channel (NAV arbeidsplassen first) was last told about an ad, and its
-- answer, for HR to see. The sync job compares this with the ad as it is now: an open ad that
-- has changed since it was sent is sent again, an ad that is no longer open is stopped.
CREATE TABLE channel_posts (
    posting_id   BIGINT NOT NULL REFERENCES postings(id),
    channel      TEXT NOT NULL,
    -- 'active' or 'stopped': what we last asked the channel to show.
    sent_state   TEXT NOT NULL,
    -- SHA-256 of the ad as sent: a change of any field sends it again.
    sent_digest  TEXT NOT NULL,
    -- 1 when the channel accepted it, 0 when it refused or could not be reached.
    accepted     INTEGER NOT NULL,
    answer       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (posting_id, channel)
);
CREATE INDEX channel_posts_state ON channel_posts(channel, sent_state);
