//! The download archive: a SQLite file that remembers every image saved, so a re-run
//! skips what it already has and identical content (same SHA-256) is saved once.
//!
//! **Skipping does not look at the disk.** [`Archive::seen_url`] and
//! [`Archive::seen_hash`] answer from the records only, even when the saved file has since
//! been deleted or moved. That is what yt-dlp's and gallery-dl's archives do, and for the
//! same reason: people delete the images they did not want, and a re-run must not bring
//! them back. A caller that wants "re-download if missing" checks `Saved::path` itself.
//!
//! The schema is versioned with SQLite's `user_version`; [`Archive::open`] migrates an
//! older file forward and refuses one written by a newer imago rather than guess.
//!
//! An `Archive` holds one connection: it is `Send` but not `Sync`, so async callers keep
//! it behind a mutex and call it from `spawn_blocking`. Several imago processes may share
//! one archive file (WAL mode, and a busy timeout instead of an immediate "locked" error).

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::disk_error::DiskError;

/// One saved image, as recorded in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The URL the bytes came from (after HD rewrite: the one that answered).
    pub url: String,
    /// The page it was found on.
    pub page: String,
    /// Where it was saved, as the caller wants to report it later (an absolute path is
    /// the least surprising: the archive may be shared by runs with different `-o`).
    pub path: String,
    /// Lowercase hex SHA-256 of the content.
    pub sha256: String,
    pub bytes: u64,
    /// Unix seconds.
    pub saved_at: i64,
}

/// Schema steps: entry `i` takes a file from version `i` to version `i + 1`. Append only;
/// never edit a released step, because files in the wild are at that version already.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: one row per URL (the latest save wins); content looked up by hash.
    "CREATE TABLE saved (
        url      TEXT    NOT NULL PRIMARY KEY,
        page     TEXT    NOT NULL,
        path     TEXT    NOT NULL,
        sha256   TEXT    NOT NULL,
        bytes    INTEGER NOT NULL,
        saved_at INTEGER NOT NULL
    );
    CREATE INDEX saved_by_sha256 ON saved (sha256);",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// A download archive (see the module doc).
pub struct Archive {
    conn: Connection,
    /// For error messages; `:memory:` for an in-memory archive.
    path: PathBuf,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).finish()
    }
}

impl Archive {
    /// Opens the archive at `path`, creating it (and its parent folders) when missing,
    /// and migrating an older schema.
    pub fn open(path: &Path) -> Result<Archive, DiskError> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() && !parent.exists() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DiskError::io("create folder", parent, e))?;
            }
        }
        let conn = Connection::open(path).map_err(|e| db_err(path, e))?;
        Archive::setup(conn, path.to_path_buf())
    }

    /// An archive that lives only as long as the value (tests, `--no-archive` runs that
    /// still want "identical content saved once" within the run).
    pub fn open_in_memory() -> Result<Archive, DiskError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| db_err(&path, e))?;
        Archive::setup(conn, path)
    }

    /// An archive in a private temporary file that SQLite deletes when it is closed: what
    /// a `--no-archive` run saved, for "identical content saved once", held on disk (past
    /// SQLite's page cache of about 2 MB) so a run's memory does not grow with its count.
    pub fn open_temporary() -> Result<Archive, DiskError> {
        let path = PathBuf::from("(temporary)");
        // An empty file name is SQLite's private temporary database.
        let conn = Connection::open("").map_err(|e| db_err(&path, e))?;
        let archive = Archive::setup(conn, path)?;
        // Nothing to recover after a crash (the file is gone with the process), so no
        // journal and no flushes: a record costs microseconds, not a disk round trip.
        let _mode: String = archive
            .conn
            .query_row("PRAGMA journal_mode = OFF", [], |r| r.get(0))
            .map_err(|e| db_err(&archive.path, e))?;
        archive
            .conn
            .execute_batch("PRAGMA synchronous = OFF")
            .map_err(|e| db_err(&archive.path, e))?;
        Ok(archive)
    }

    fn setup(conn: Connection, path: PathBuf) -> Result<Archive, DiskError> {
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(|e| db_err(&path, e))?;
        // journal_mode answers with a row ("wal", or "memory" in memory), so it is a query.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| db_err(&path, e))?;
        // In WAL mode NORMAL loses at most the last records on power loss, never the
        // file: the cost is one re-download, which is cheaper than an fsync per image.
        conn.execute_batch("PRAGMA synchronous = NORMAL")
            .map_err(|e| db_err(&path, e))?;
        let mut archive = Archive { conn, path };
        archive.migrate()?;
        Ok(archive)
    }

    fn migrate(&mut self) -> Result<(), DiskError> {
        let path = self.path.clone();
        // IMMEDIATE takes the write lock before reading the version, so two runs opening
        // a fresh file at once do not both try to create the table.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| db_err(&path, e))?;
        let found: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| db_err(&path, e))?;
        if found > SCHEMA_VERSION {
            return Err(DiskError::ArchiveTooNew {
                path,
                found,
                supported: SCHEMA_VERSION,
            });
        }
        let start = usize::try_from(found.max(0)).unwrap_or(0);
        for step in MIGRATIONS.iter().skip(start) {
            tx.execute_batch(step).map_err(|e| db_err(&path, e))?;
        }
        if found != SCHEMA_VERSION {
            // PRAGMA takes no bound parameters; the value is our own constant.
            tx.execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
                .map_err(|e| db_err(&path, e))?;
        }
        tx.commit().map_err(|e| db_err(&path, e))
    }

    /// The schema version of the open file (after migration: [`SCHEMA_VERSION`]).
    pub fn schema_version(&self) -> Result<i64, DiskError> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| db_err(&self.path, e))
    }

    /// The record for `url`, if it was saved before (whether or not the file is still
    /// there; see the module doc).
    pub fn seen_url(&self, url: &str) -> Result<Option<Saved>, DiskError> {
        self.conn
            .query_row(
                "SELECT url, page, path, sha256, bytes, saved_at FROM saved WHERE url = ?1",
                params![url],
                read_row,
            )
            .optional()
            .map_err(|e| db_err(&self.path, e))?
            .map(|r| r.into_saved(&self.path))
            .transpose()
    }

    /// The first record of this content (lowercase or uppercase hex), if any: the file a
    /// duplicate should point at instead of being saved again.
    pub fn seen_hash(&self, sha256: &str) -> Result<Option<Saved>, DiskError> {
        self.conn
            .query_row(
                "SELECT url, page, path, sha256, bytes, saved_at FROM saved
                 WHERE sha256 = ?1 ORDER BY saved_at, rowid LIMIT 1",
                params![sha256.to_ascii_lowercase()],
                read_row,
            )
            .optional()
            .map_err(|e| db_err(&self.path, e))?
            .map(|r| r.into_saved(&self.path))
            .transpose()
    }

    /// Remembers a save. A URL recorded again replaces its earlier record (the newest
    /// save is where the image is now). Record a skipped duplicate too, with the path of
    /// the file it duplicates, so the next run skips its URL without downloading.
    pub fn record(&self, s: &Saved) -> Result<(), DiskError> {
        let bytes = i64::try_from(s.bytes).map_err(|_| DiskError::ArchiveDamaged {
            path: self.path.clone(),
            what: format!("size {} of {} does not fit", s.bytes, s.url),
        })?;
        self.conn
            .execute(
                "INSERT INTO saved (url, page, path, sha256, bytes, saved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (url) DO UPDATE SET
                    page = excluded.page, path = excluded.path, sha256 = excluded.sha256,
                    bytes = excluded.bytes, saved_at = excluded.saved_at",
                params![
                    s.url,
                    s.page,
                    s.path,
                    s.sha256.to_ascii_lowercase(),
                    bytes,
                    s.saved_at
                ],
            )
            .map(|_| ())
            .map_err(|e| db_err(&self.path, e))
    }

    /// How many URLs are recorded.
    pub fn len(&self) -> Result<u64, DiskError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM saved", [], |r| r.get(0))
            .map_err(|e| db_err(&self.path, e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// True when nothing is recorded.
    pub fn is_empty(&self) -> Result<bool, DiskError> {
        Ok(self.len()? == 0)
    }

    /// The file this archive lives in (`:memory:` for an in-memory one).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A row as SQLite holds it; the size is checked when turned into a [`Saved`].
struct RawRow {
    url: String,
    page: String,
    path: String,
    sha256: String,
    bytes: i64,
    saved_at: i64,
}

impl RawRow {
    fn into_saved(self, db: &Path) -> Result<Saved, DiskError> {
        let bytes = u64::try_from(self.bytes).map_err(|_| DiskError::ArchiveDamaged {
            path: db.to_path_buf(),
            what: format!("negative size {} for {}", self.bytes, self.url),
        })?;
        Ok(Saved {
            url: self.url,
            page: self.page,
            path: self.path,
            sha256: self.sha256,
            bytes,
            saved_at: self.saved_at,
        })
    }
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        url: r.get(0)?,
        page: r.get(1)?,
        path: r.get(2)?,
        sha256: r.get(3)?,
        bytes: r.get(4)?,
        saved_at: r.get(5)?,
    })
}

fn db_err(path: &Path, source: rusqlite::Error) -> DiskError {
    DiskError::Archive {
        path: path.to_path_buf(),
        source,
    }
}
