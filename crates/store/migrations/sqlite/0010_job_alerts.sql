-- Job alerts (the talent pool): a person's wish to hear of new ads of some professions, clinics,
-- places and target groups. It is pending until the person confirms it through the link sent
-- to the address (double opt-in), and consent runs until `consent_until`; a renewal e-mail goes
-- out before then, and an alert whose consent has run out is deleted. The token in every link
-- is the person's only key to their alert.
CREATE TABLE alert_subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
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
    created_at      INTEGER NOT NULL,
    confirmed_at    INTEGER,
    consent_until   TEXT,
    renewal_sent_at INTEGER,
    last_sent_at    INTEGER
);
CREATE INDEX alert_subscriptions_email ON alert_subscriptions(email, created_at);
CREATE INDEX alert_subscriptions_status ON alert_subscriptions(status, consent_until);

-- Which ads each alert has told of, so that none is sent twice.
CREATE TABLE alert_sent (
    subscription_id INTEGER NOT NULL REFERENCES alert_subscriptions(id) ON DELETE CASCADE,
    posting_id      INTEGER NOT NULL REFERENCES postings(id),
    sent_at         INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, posting_id)
);

-- An e-mail may offer one-click unsubscribe (RFC 8058): the address its List-Unsubscribe
-- header names.
ALTER TABLE outbox ADD COLUMN list_unsubscribe TEXT;
