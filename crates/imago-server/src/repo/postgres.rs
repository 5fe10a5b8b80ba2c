//! Metadata in PostgreSQL, for several `imago serve` nodes on one database.
//!
//! Claims (`claim_expired`, `claim_jobs`) pick their rows with `FOR UPDATE SKIP LOCKED`
//! inside one `UPDATE ... RETURNING`: concurrent claimers on any node skip the rows
//! another has locked instead of waiting for them or taking them twice.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::schema::{self, db_err};
use super::shared::impl_repo;
use super::RepoError;

/// Any node may run migrations at start; this advisory lock makes them take turns.
const MIGRATION_LOCK: i64 = 0x696d_6167_6f00_0001;

/// Metadata in PostgreSQL (sqlx, rustls for TLS; no native TLS library).
#[derive(Clone, Debug)]
pub struct PostgresRepo {
    pool: PgPool,
}

impl PostgresRepo {
    /// Connects to a `postgres://` URL. Call [`Repo::migrate`] next.
    pub async fn connect(url: &str) -> Result<PostgresRepo, RepoError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| RepoError::Backend(format!("database URL: {e}")))?;
        PostgresRepo::connect_with(options, 10).await
    }

    /// Connects with explicit options (for example a `search_path` per tenant or test).
    pub async fn connect_with(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<PostgresRepo, RepoError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| db_err("connect to postgres", e))?;
        Ok(PostgresRepo { pool })
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl PostgresRepo {
    /// Creates or upgrades the schema: [`Repo::migrate`] of this backend.
    async fn migrate_schema(&self) -> Result<(), RepoError> {
        let mut tx = self.pool.begin().await.map_err(|e| db_err("migrate", e))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(MIGRATION_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(|e| db_err("migrate", e))?;
        schema::apply_migrations::<sqlx::Postgres>(
            &mut tx,
            "CREATE TABLE IF NOT EXISTS imago_schema \
             (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM imago_schema",
            schema::POSTGRES_MIGRATIONS,
        )
        .await?;
        tx.commit().await.map_err(|e| db_err("migrate", e))
    }
}

impl_repo!(PostgresRepo, skip_locked = " FOR UPDATE SKIP LOCKED");
