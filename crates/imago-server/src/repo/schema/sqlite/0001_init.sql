-- imago serve, schema version 1 (SQLite). Times are unix seconds (UTC).

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL UNIQUE,
    is_admin       INTEGER NOT NULL DEFAULT 0,
    strip_metadata INTEGER NOT NULL DEFAULT 1,
    password_hash  TEXT,
    created_at     INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix        TEXT    NOT NULL UNIQUE,
    secret_sha256 TEXT    NOT NULL,
    label         TEXT,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE albums (
    id                  TEXT    PRIMARY KEY,
    user_id             INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT    NOT NULL,
    visibility          TEXT    NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
    default_expiry_secs INTEGER,
    created_at          INTEGER NOT NULL
);
CREATE INDEX albums_user ON albums (user_id, created_at);

-- `seq` orders images of the same second and makes the paging cursor stable.
-- `reap_claimed_until` is the lease a reaper holds on an expired image.
CREATE TABLE images (
    seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
    id                  TEXT    NOT NULL UNIQUE,
    user_id             INTEGER REFERENCES users (id) ON DELETE CASCADE,
    album_id            TEXT    REFERENCES albums (id) ON DELETE SET NULL,
    sha256              TEXT    NOT NULL,
    ext                 TEXT    NOT NULL,
    mime                TEXT    NOT NULL,
    size                INTEGER NOT NULL,
    width               INTEGER NOT NULL,
    height              INTEGER NOT NULL,
    frames              INTEGER NOT NULL,
    title               TEXT,
    description         TEXT,
    nsfw                INTEGER NOT NULL DEFAULT 0,
    original_key        TEXT    NOT NULL,
    thumb_key           TEXT,
    medium_key          TEXT,
    delete_token_sha256 TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER,
    reap_claimed_until  INTEGER
);
CREATE INDEX images_user_sha256 ON images (user_id, sha256);
CREATE INDEX images_user_created ON images (user_id, created_at, seq);
CREATE INDEX images_album_created ON images (album_id, created_at, seq);
CREATE INDEX images_expires ON images (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX images_original_key ON images (original_key);
CREATE INDEX images_thumb_key ON images (thumb_key);
CREATE INDEX images_medium_key ON images (medium_key);

-- `leased_until` is set by the node that claimed the job; past it the job is due again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    leased_until INTEGER
);
CREATE INDEX jobs_due ON jobs (kind, run_at);
