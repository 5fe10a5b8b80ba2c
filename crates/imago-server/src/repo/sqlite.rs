//! The embedded default: one SQLite file under the data folder, in WAL mode.
//!
//! Claims (`claim_expired`, `claim_jobs`) are single `UPDATE ... RETURNING` statements:
//! SQLite runs one writer at a time, so two claimers (two pools on one file, or two
//! processes) never get the same row.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::schema::{self, db_err};
use super::shared::impl_repo;
use super::RepoError;

/// The database file's name inside the data folder.
pub const DB_FILE_NAME: &str = "imago.db";

/// Metadata in a SQLite file (sqlx, WAL, `synchronous = FULL` so a committed upload
/// survives a power cut, not only a crash).
#[derive(Clone, Debug)]
pub struct SqliteRepo {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqliteRepo {
    /// Opens (creating when missing) `data_dir/imago.db`. Call [`Repo::migrate`] next.
    pub async fn open_in(data_dir: &Path) -> Result<SqliteRepo, RepoError> {
        SqliteRepo::open(&data_dir.join(DB_FILE_NAME)).await
    }

    /// Opens (creating it and its folder when missing) the database file at `path`.
    pub async fn open(path: &Path) -> Result<SqliteRepo, RepoError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| RepoError::Backend(format!("create {}: {e}", dir.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            // Writers queue on SQLite's lock; this is how long one waits before failing.
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(|e| db_err("open sqlite database", e))?;
        Ok(SqliteRepo {
            pool,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl SqliteRepo {
    /// Creates or upgrades the schema: [`Repo::migrate`] of this backend.
    async fn migrate_schema(&self) -> Result<(), RepoError> {
        // IMMEDIATE takes the write lock first, so two processes starting at once do
        // not both apply a step.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|e| db_err("migrate", e))?;
        schema::apply_migrations::<sqlx::Sqlite>(
            &mut tx,
            "CREATE TABLE IF NOT EXISTS imago_schema \
             (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)",
            "SELECT COALESCE(MAX(version), 0) FROM imago_schema",
            schema::SQLITE_MIGRATIONS,
        )
        .await?;
        tx.commit().await.map_err(|e| db_err("migrate", e))
    }
}

impl_repo!(SqliteRepo, skip_locked = "");
