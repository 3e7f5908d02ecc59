-- Job alerts (the talent pool): a person's wish to hear of new ads of some professions, clinics,
-- places and target groups. It is pending until the person confirms it through the link sent
-- to the address (double opt-in), and consent runs until `consent_until`; a renewal e-mail goes
-- out before then, and an alert whose consent has run out is deleted. The token in every link
-- is the person's only key to their alert.
CREATE TABLE alert_subscriptions (
    id              BIGSERIAL PRIMARY KEY,
    token           TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL,
    lang            TEXT NOT NULL,
    -- 'instant' or 'daily'.
    frequency       TEXT NOT NULL,
    -- Comma-separated codes; empty means any.
    professions     TEXT NOT NULL,
    clinics         TEXT NOT NULL,
    places          TEXT NOT NULL,
    target_groups   TEXT NOT NULL,
    -- 'pending' or 'active'.
    status          TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    confirmed_at    BIGINT,
    consent_until   TEXT,
    renewal_sent_at BIGINT,
    last_sent_at    BIGINT
);
CREATE INDEX alert_subscriptions_email ON alert_subscriptions(email, created_at);
CREATE INDEX alert_subscriptions_status ON alert_subscriptions(status, consent_until);

-- Which ads each alert has told of, so that none is sent twice.
CREATE TABLE alert_sent (
    subscription_id BIGINT NOT NULL REFERENCES alert_subscriptions(id) ON DELETE CASCADE,
    posting_id      BIGINT NOT NULL REFERENCES postings(id),
    sent_at         BIGINT NOT NULL,
    PRIMARY KEY (subscription_id, posting_id)
);

-- An e-mail may offer one-click unsubscribe (RFC 8058): the address its List-Unsubscribe
-- header names.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
