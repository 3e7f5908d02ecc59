-- Sign-in throttling counted atomically: one row per user name or address and window.
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures INTEGER NOT NULL
);

-- Keys that sign CSRF tokens when none are configured; shared by every instance.
CREATE TABLE server_keys (
    id INTEGER PRIMARY KEY,
    purpose TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- A counter that moves whenever something on the public site changes, so every instance
-- can drop its cached pages within a second.
CREATE TABLE site_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    public_version INTEGER NOT NULL
);
INSERT INTO site_changes (id, public_version) VALUES (1, 0);
