-- imago serve, schema version 1. Times are unix seconds (UTC). Written once for both
-- databases: the placeholders in braces are the types that differ, filled in by
-- repo/dialect.rs (`Dialect::types`).

CREATE TABLE users (
    id             {id},
    name           TEXT    NOT NULL UNIQUE,
    is_admin       {bool} NOT NULL DEFAULT {false},
    strip_metadata {bool} NOT NULL DEFAULT {true},
    password_hash  TEXT,
    created_at     {int}  NOT NULL
);

CREATE TABLE api_keys (
    id            {id},
    user_id       {int}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    prefix        TEXT    NOT NULL UNIQUE,
    secret_sha256 TEXT    NOT NULL,
    label         TEXT,
    created_at    {int}  NOT NULL,
    revoked_at    {int}
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE albums (
    id                  TEXT    PRIMARY KEY,
    user_id             {int}  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT    NOT NULL,
    visibility          TEXT    NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private')),
    default_expiry_secs {int},
    created_at          {int}  NOT NULL
);
CREATE INDEX albums_user ON albums (user_id, created_at);

-- `seq` orders images of the same second and makes the paging cursor stable.
-- `reap_claimed_until` is the lease a reaper holds on an expired image.
CREATE TABLE images (
    seq                 {id},
    id                  TEXT    NOT NULL UNIQUE,
    user_id             {int}  REFERENCES users (id) ON DELETE CASCADE,
    album_id            TEXT    REFERENCES albums (id) ON DELETE SET NULL,
    sha256              TEXT    NOT NULL,
    ext                 TEXT    NOT NULL,
    mime                TEXT    NOT NULL,
    size                {int}  NOT NULL,
    width               {int}  NOT NULL,
    height              {int}  NOT NULL,
    frames              {int}  NOT NULL,
    title               TEXT,
    description         TEXT,
    nsfw                {bool} NOT NULL DEFAULT {false},
    original_key        TEXT    NOT NULL,
    thumb_key           TEXT,
    medium_key          TEXT,
    delete_token_sha256 TEXT    NOT NULL,
    created_at          {int}  NOT NULL,
    expires_at          {int},
    reap_claimed_until  {int}
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
    id           {id},
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    run_at       {int}  NOT NULL,
    attempts     {int}  NOT NULL DEFAULT 0,
    leased_until {int}
);
CREATE INDEX jobs_due ON jobs (kind, run_at);
