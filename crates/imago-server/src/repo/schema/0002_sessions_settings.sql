-- imago serve, schema version 2: web sign-in. A password gives a short-lived key of
-- kind 'session' that the page uses like an API key until `expires_at`. Types as in
-- 0001_init.sql.
ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'session'));
ALTER TABLE api_keys ADD COLUMN expires_at {int};
CREATE INDEX api_keys_expires ON api_keys (expires_at) WHERE expires_at IS NOT NULL;

-- Values every node of a deployment shares, such as the secret delete tokens derive
-- from: the first node to start stores its own, the others adopt it.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
