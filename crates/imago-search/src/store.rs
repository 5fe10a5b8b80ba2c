//! The index file of the command line: one SQLite database (`--db FILE`) with a row per
//! picture, its file's size and modification time (so an unchanged file is not read
//! again), its size and format, and its codes. Searching loads the codes into [`Codes`].

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::codes::{Code, Codes};
use crate::SearchError;

/// The fingerprints' version: a change to how pictures are prepared or hashed changes it,
/// and an index of another version must be rebuilt (its codes would not compare).
pub const FINGERPRINT_VERSION: &str = "1";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pictures (
    key TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    modified INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    format TEXT NOT NULL,
    sha256 BLOB NOT NULL,
    codes BLOB NOT NULL
);
";

/// One indexed picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// What the picture is found by: a file's path.
    pub key: String,
    /// The file's length and modification time (nanoseconds since 1970) when it was read.
    pub size: u64,
    pub modified: i64,
    /// As displayed.
    pub width: u32,
    pub height: u32,
    pub format: String,
    pub code: Code,
}

/// The index file.
pub struct Store {
    conn: Connection,
    path: String,
}

impl Store {
    /// Opens (or creates) the index at `path`. An index of other fingerprints is refused
    /// with [`SearchError::Version`] unless `rebuild`, which empties it.
    pub fn open(path: &Path, rebuild: bool) -> Result<Store, SearchError> {
        let name = path.display().to_string();
        let db = |source| SearchError::Db {
            path: name.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        conn.execute_batch(SCHEMA).map_err(db)?;
        let store = Store { conn, path: name };
        let found: Option<String> = store
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'fingerprints'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| store.db(e))?;
        match found {
            Some(v) if v == FINGERPRINT_VERSION && !rebuild => {}
            Some(v) if !rebuild => {
                return Err(SearchError::Version {
                    path: store.path.clone(),
                    found: v,
                    wanted: FINGERPRINT_VERSION.into(),
                })
            }
            _ => {
                store
                    .conn
                    .execute_batch("DELETE FROM pictures")
                    .map_err(|e| store.db(e))?;
                store
                    .conn
                    .execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES ('fingerprints', ?1)",
                        [FINGERPRINT_VERSION],
                    )
                    .map_err(|e| store.db(e))?;
            }
        }
        Ok(store)
    }

    fn db(&self, source: rusqlite::Error) -> SearchError {
        SearchError::Db {
            path: self.path.clone(),
            source,
        }
    }

    /// The size and modification time `key` was indexed with.
    pub fn stamp(&self, key: &str) -> Result<Option<(u64, i64)>, SearchError> {
        self.conn
            .query_row(
                "SELECT size, modified FROM pictures WHERE key = ?1",
                [key],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.db(e))
    }

    /// Adds or replaces `entries`, all or none.
    pub fn put(&mut self, entries: &[Entry]) -> Result<(), SearchError> {
        let tx = self.conn.transaction().map_err(|e| SearchError::Db {
            path: self.path.clone(),
            source: e,
        })?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO pictures
                     (key, size, modified, width, height, format, sha256, codes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(|e| SearchError::Db {
                    path: self.path.clone(),
                    source: e,
                })?;
            for e in entries {
                insert
                    .execute(params![
                        e.key,
                        e.size as i64,
                        e.modified,
                        e.width,
                        e.height,
                        e.format,
                        &e.code.sha256[..],
                        e.code.hashes_to_bytes(),
                    ])
                    .map_err(|e| SearchError::Db {
                        path: self.path.clone(),
                        source: e,
                    })?;
            }
        }
        tx.commit().map_err(|e| self.db(e))
    }

    /// Removes the pictures of `keys`; answers how many were there.
    pub fn remove(&mut self, keys: &[String]) -> Result<usize, SearchError> {
        let tx = self.conn.transaction().map_err(|e| SearchError::Db {
            path: self.path.clone(),
            source: e,
        })?;
        let mut removed = 0;
        for key in keys {
            removed += tx
                .execute("DELETE FROM pictures WHERE key = ?1", [key])
                .map_err(|e| SearchError::Db {
                    path: self.path.clone(),
                    source: e,
                })?;
        }
        tx.commit().map_err(|e| self.db(e))?;
        Ok(removed)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Result<Vec<String>, SearchError> {
        let mut stmt = self
            .conn
            .prepare("SELECT key FROM pictures ORDER BY key")
            .map_err(|e| self.db(e))?;
        let keys = stmt
            .query_map([], |r| r.get(0))
            .map_err(|e| self.db(e))?
            .collect::<Result<Vec<String>, _>>()
            .map_err(|e| self.db(e))?;
        Ok(keys)
    }

    /// Every picture: the entries, and their codes in the same slots.
    pub fn load(&self) -> Result<(Vec<Entry>, Codes), SearchError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT key, size, modified, width, height, format, sha256, codes
                 FROM pictures ORDER BY key",
            )
            .map_err(|e| self.db(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, Vec<u8>>(6)?,
                    r.get::<_, Vec<u8>>(7)?,
                ))
            })
            .map_err(|e| self.db(e))?;
        let mut entries = Vec::new();
        let mut codes = Codes::default();
        for row in rows {
            let (key, size, modified, width, height, format, sha, bytes) =
                row.map_err(|e| self.db(e))?;
            // Rows this module did not write (a damaged file) are left out, not guessed at.
            let Some(code) = <[u8; 32]>::try_from(sha)
                .ok()
                .and_then(|sha| Code::from_bytes(&bytes, sha))
            else {
                continue;
            };
            codes.push(&code);
            entries.push(Entry {
                key,
                size: size as u64,
                modified,
                width,
                height,
                format,
                code,
            });
        }
        Ok((entries, codes))
    }
}
