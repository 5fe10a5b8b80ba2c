//! What differs between SQLite and PostgreSQL: how a pool is opened, the schema's types,
//! the lock migrations take and the row lock of a claim. Everything else is
//! [`SqlRepo`](super::SqlRepo), written once over sqlx's Any driver.

use std::path::Path;
use std::time::Duration;

use sqlx::any::{Any, AnyConnectOptions, AnyPoolOptions};
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::AnyPool;
use sqlx::{ConnectOptions, Connection, Transaction};

/// Which database a [`SqlRepo`](super::SqlRepo) talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// The embedded default: one file, one writer at a time.
    Sqlite,
    /// Several `imago serve` nodes on one database.
    Postgres,
}

/// One schema step, written once for both dialects (`schema/<file>`), with the few types
/// that differ as `{id}`, `{int}`, `{bool}`, `{true}`, `{false}` and `{blob}`. Versions only grow;
/// a database newer than the binary is refused.
pub(crate) struct Migration {
    pub version: i64,
    sql: &'static str,
}

impl Migration {
    /// The step's DDL for `dialect`.
    pub(crate) fn sql(&self, dialect: Dialect) -> String {
        dialect
            .types()
            .iter()
            .fold(self.sql.to_string(), |sql, (name, ty)| {
                sql.replace(name, ty)
            })
    }
}

pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("schema/0001_init.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("schema/0002_sessions_settings.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("schema/0003_search.sql"),
    },
];

/// Any node may run migrations at start; this advisory lock makes them take turns.
const POSTGRES_MIGRATION_LOCK: i64 = 0x696d_6167_6f00_0001;

/// SQLite's connection settings; the Any driver opens a file from a URL only, so they are
/// set on each new connection. WAL lets readers run beside the writer; `synchronous =
/// FULL` makes a committed upload survive a power cut, not only a crash; writers queue
/// on SQLite's lock, and the busy timeout is how long one waits before failing.
const SQLITE_SETTINGS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

impl Dialect {
    /// The schema's placeholders and what they are here. SQLite has one integer type (a
    /// 64-bit value whatever the name) and no boolean; `AUTOINCREMENT` keeps ids of
    /// deleted rows from coming back, as PostgreSQL's identity columns do.
    fn types(self) -> [(&'static str, &'static str); 6] {
        match self {
            Dialect::Sqlite => [
                ("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
                ("{int}", "INTEGER"),
                ("{bool}", "INTEGER"),
                ("{true}", "1"),
                ("{false}", "0"),
                ("{blob}", "BLOB"),
            ],
            Dialect::Postgres => [
                ("{id}", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
                ("{int}", "BIGINT"),
                ("{bool}", "BOOLEAN"),
                ("{true}", "TRUE"),
                ("{false}", "FALSE"),
                ("{blob}", "BYTEA"),
            ],
        }
    }

    /// Ends a claim's inner `SELECT`. PostgreSQL: concurrent claimers on any node skip
    /// the rows another has locked instead of waiting for them or taking them twice.
    /// SQLite runs one writer at a time, so its `UPDATE ... RETURNING` is a claim as is.
    pub(crate) fn skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// Opens the migration's transaction, holding the lock that makes two processes
    /// starting at once take turns instead of both applying a step.
    pub(crate) async fn begin_migration(
        self,
        pool: &AnyPool,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        match self {
            // IMMEDIATE takes the write lock first.
            Dialect::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
            Dialect::Postgres => {
                let mut tx = pool.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(POSTGRES_MIGRATION_LOCK)
                    .execute(&mut *tx)
                    .await?;
                Ok(tx)
            }
        }
    }
}

/// A pool on the SQLite file at `path` (created when missing; its folder must exist).
pub(crate) async fn open_sqlite(path: &Path) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    // Absolute, so that the URL's first path segment is not read as a host name.
    let path = std::path::absolute(path)?;
    let url = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .to_url_lossy();
    AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::raw_sql(SQLITE_SETTINGS).execute(conn).await?;
                Ok(())
            })
        })
        .connect_with(AnyConnectOptions::from_url(&url)?)
        .await
}

/// A pool of at most `max_connections` on the PostgreSQL server `options` name.
pub(crate) async fn connect_postgres(
    options: &PgConnectOptions,
    max_connections: u32,
) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    // The Any driver connects from a URL, and the URL form of the options leaves out
    // their `options` (such as a `search_path`): add them back.
    let mut url = options.to_url_lossy();
    if let Some(server_options) = options.get_options() {
        url.query_pairs_mut().append_pair("options", server_options);
    }
    let options = AnyConnectOptions::from_url(&url)?;
    // One connection first, on its own: a pool retries a refused or unresolvable server
    // until its acquire timeout (30 s) and then says only "pool timed out"; at start-up
    // the server should stop at once with the reason.
    options.connect().await?.close().await?;
    AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_in_for_both_dialects() {
        for m in MIGRATIONS {
            for d in [Dialect::Sqlite, Dialect::Postgres] {
                let sql = m.sql(d);
                assert!(!sql.contains('{'), "step {} for {d:?}: {sql}", m.version);
            }
        }
        let pg = MIGRATIONS[0].sql(Dialect::Postgres);
        assert!(
            pg.contains("is_admin       BOOLEAN NOT NULL DEFAULT FALSE"),
            "{pg}"
        );
        let lite = MIGRATIONS[0].sql(Dialect::Sqlite);
        assert!(
            lite.contains("id             INTEGER PRIMARY KEY AUTOINCREMENT"),
            "{lite}"
        );
    }
}
