//! The index file of the command line: one SQLite database (`--db FILE`) with a row per
//! picture, its file's size and modification time (so an unchanged file is not read
//! again), its size and format, and its codes. Searching loads the codes into [`Codes`].

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::codes::{Code, Codes};
use crate::embed::Vector;
use crate::SearchError;

/// The fingerprints' version: a change to how pictures are prepared or hashed changes it,
/// and an index of another version must be rebuilt (its codes would not compare).
/// Version 2 added the embedding (`vector`, [`crate::MODEL_ID`]).
pub const FINGERPRINT_VERSION: &str = "2";

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
    codes BLOB NOT NULL,
    vector BLOB
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
        // Another program's database is not written into.
        let foreign: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('meta', 'pictures')",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?;
        if let Some(table) = foreign {
            return Err(SearchError::NotAnIndex { path: name, table });
        }
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

    /// The size and modification time `key` was indexed with, and whether it has an
    /// embedding.
    pub fn stamp(&self, key: &str) -> Result<Option<(u64, i64, bool)>, SearchError> {
        self.conn
            .query_row(
                "SELECT size, modified, vector IS NOT NULL FROM pictures WHERE key = ?1",
                [key],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?)),
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
                     (key, size, modified, width, height, format, sha256, codes, vector)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
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
                        e.code.vector.map(|v| v.to_bytes()),
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

    /// Whether any picture has an embedding (a query then needs the model to be compared
    /// with them; else loading it is time lost).
    pub fn has_vectors(&self) -> Result<bool, SearchError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pictures WHERE vector IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.db(e))
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
                "SELECT key, size, modified, width, height, format, sha256, codes, vector
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
                    r.get::<_, Option<Vec<u8>>>(8)?,
                ))
            })
            .map_err(|e| self.db(e))?;
        let mut entries = Vec::new();
        let mut codes = Codes::default();
        for row in rows {
            let (key, size, modified, width, height, format, sha, bytes, vector) =
                row.map_err(|e| self.db(e))?;
            // Rows this module did not write (a damaged file) are left out, not guessed at.
            let Some(mut code) = <[u8; 32]>::try_from(sha)
                .ok()
                .and_then(|sha| Code::from_bytes(&bytes, sha))
            else {
                continue;
            };
            code.vector = vector.as_deref().and_then(Vector::from_bytes);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hashes::{Hashes, Pdq};

    fn entry(key: &str, trimmed: bool) -> Entry {
        let h = |seed: u64| Hashes {
            phash: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            pdq: Pdq([seed, !seed, seed << 3, seed ^ 0xffff]),
            quality: 90,
        };
        Entry {
            key: key.into(),
            size: 1234,
            modified: 1_700_000_000_123_456_789,
            width: 800,
            height: 600,
            format: "jpeg".into(),
            code: Code {
                hashes: h(key.len() as u64 + 1),
                trimmed: trimmed.then(|| h(77)),
                sha256: [key.len() as u8; 32],
                vector: trimmed.then_some(Vector([key.len() as i8; crate::DIMENSIONS])),
            },
        }
    }

    #[test]
    fn entries_come_back_as_written_and_a_replaced_one_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.db");
        let mut store = Store::open(&path, false).unwrap();
        let (a, b) = (entry("/p/a.jpg", false), entry("/p/bb.jpg", true));
        store.put(&[a.clone(), b.clone()]).unwrap();
        store.put(std::slice::from_ref(&b)).unwrap();
        drop(store);
        let store = Store::open(&path, false).unwrap();
        let (entries, codes) = store.load().unwrap();
        assert_eq!(entries, vec![a.clone(), b]);
        assert_eq!(codes.len(), 2);
        assert_eq!(
            store.stamp("/p/a.jpg").unwrap(),
            Some((1234, 1_700_000_000_123_456_789, false))
        );
        // b was written with a vector, and it comes back.
        assert_eq!(store.stamp("/p/bb.jpg").unwrap().map(|s| s.2), Some(true));
        assert_eq!(store.stamp("/p/none.jpg").unwrap(), None);
    }

    #[test]
    fn an_index_of_other_fingerprints_is_refused_until_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.db");
        let mut store = Store::open(&path, false).unwrap();
        store.put(&[entry("/p/a.jpg", false)]).unwrap();
        store
            .conn
            .execute("UPDATE meta SET value = '0' WHERE key = 'fingerprints'", [])
            .unwrap();
        drop(store);
        let err = Store::open(&path, false).err().unwrap();
        assert!(err.to_string().contains("imago index --rebuild"), "{err}");
        let store = Store::open(&path, true).unwrap();
        assert!(store.keys().unwrap().is_empty());
        drop(store);
        assert!(Store::open(&path, false).is_ok(), "rebuilt to this version");
    }

    #[test]
    fn another_programs_database_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('mine');")
            .unwrap();
        let err = Store::open(&path, true).err().unwrap();
        assert!(err.to_string().contains("not an imago index"), "{err}");
        let conn = Connection::open(&path).unwrap();
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn a_file_that_is_not_an_index_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.txt");
        std::fs::write(&path, "my notes, not a database").unwrap();
        let err = Store::open(&path, false).err().unwrap();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "my notes, not a database"
        );
    }
}
