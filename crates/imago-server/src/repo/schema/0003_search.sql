-- imago serve, schema version 3: search by image. Each image's fingerprint (pHash and
-- PDQ, of the picture and of its trimmed self: imago_search::Code::hashes_to_bytes) and,
-- when the server had the model, its embedding (512 signed bytes) and the model's name.
-- `seq` grows with every row, so each node follows new rows by it; a deleted image
-- takes its row with it. Types as in 0001_init.sql, {blob} too.
CREATE TABLE fingerprints (
    seq        {id},
    image_id   TEXT    NOT NULL UNIQUE REFERENCES images (id) ON DELETE CASCADE,
    version    TEXT    NOT NULL,
    codes      {blob}  NOT NULL,
    vector     {blob},
    model      TEXT,
    created_at {int}   NOT NULL
);
