//! The [`Repo`] over SQLite or PostgreSQL, written once.
//!
//! sqlx's Any driver gives one pool type for both, and the SQL below keeps to what both
//! dialects read (`$1` placeholders, `TRUE`, `IS NOT DISTINCT FROM`, `CAST(.. AS
//! BIGINT)`, `RETURNING`, `ON CONFLICT`). What differs — opening, the schema, the
//! migration lock, a claim's row lock — is the [`Dialect`]'s.

use std::path::Path;
use std::str::FromStr;

use async_trait::async_trait;
use sqlx::postgres::PgConnectOptions;
use sqlx::AnyPool;
use sqlx::AssertSqlSafe;

use super::dialect::{self, Dialect};
use super::rows::{
    album_from, bind_image, db_err, fingerprint_from, image_from, key_from, user_from, ALBUM_COLS,
    IMAGE_COLS, KEY_COLS, USER_COLS,
};
use super::{
    Album, ApiKey, FingerprintRecord, ImageRecord, Repo, RepoError, StoredFingerprint, Usage, User,
};
use imago_core::dates::unix_now;

/// The SQLite database's file name inside the data folder.
const DB_FILE_NAME: &str = "imago.db";

/// How long a reaper holds expired images it claimed before another node may take them
/// (the node that claimed them died before deleting them).
const EXPIRY_CLAIM_SECS: i64 = 300;

/// Metadata in SQLite (the embedded default: `imago.db` in the data folder) or in
/// PostgreSQL (for several nodes; rustls for TLS, no native TLS library).
#[derive(Clone, Debug)]
pub struct SqlRepo {
    pool: AnyPool,
    dialect: Dialect,
}

impl SqlRepo {
    /// Opens (creating it and the folder when missing) `data_dir/imago.db`. Call
    /// [`Repo::migrate`] next.
    pub async fn open_in(data_dir: &Path) -> Result<SqlRepo, RepoError> {
        tokio::fs::create_dir_all(data_dir)
            .await
            .map_err(|e| RepoError::Backend(format!("create {}: {e}", data_dir.display())))?;
        let pool = dialect::open_sqlite(&data_dir.join(DB_FILE_NAME))
            .await
            .map_err(|e| db_err("open sqlite database", e))?;
        Ok(SqlRepo {
            pool,
            dialect: Dialect::Sqlite,
        })
    }

    /// Connects to a `postgres://` URL. Call [`Repo::migrate`] next.
    pub async fn connect(url: &str) -> Result<SqlRepo, RepoError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| RepoError::Backend(format!("database URL: {e}")))?;
        SqlRepo::connect_with(options, 10).await
    }

    /// Connects to PostgreSQL with explicit options (for example a `search_path` per
    /// tenant or test).
    pub async fn connect_with(
        options: PgConnectOptions,
        max_connections: u32,
    ) -> Result<SqlRepo, RepoError> {
        let pool = dialect::connect_postgres(&options, max_connections)
            .await
            .map_err(|e| db_err("connect to postgres", e))?;
        Ok(SqlRepo {
            pool,
            dialect: Dialect::Postgres,
        })
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[async_trait]
impl Repo for SqlRepo {
    async fn migrate(&self) -> Result<(), RepoError> {
        let err = |e| db_err("migrate", e);
        let mut tx = self
            .dialect
            .begin_migration(&self.pool)
            .await
            .map_err(err)?;
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS imago_schema \
             (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)",
        )
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let current: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM imago_schema",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(err)?;
        let migrations = dialect::MIGRATIONS;
        // A database beyond what this binary knows was written by a newer imago and is
        // left alone.
        let newest = migrations.iter().map(|m| m.version).max().unwrap_or(0);
        if current > newest {
            return Err(RepoError::Backend(format!(
                "database schema version {current} is newer than this imago knows ({newest})"
            )));
        }
        for m in migrations.iter().filter(|m| m.version > current) {
            sqlx::raw_sql(sqlx::AssertSqlSafe(m.sql(self.dialect)))
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            sqlx::query("INSERT INTO imago_schema (version, applied_at) VALUES ($1, $2)")
                .bind(m.version)
                .bind(unix_now())
                .execute(&mut *tx)
                .await
                .map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    async fn create_user(&self, name: &str, is_admin: bool) -> Result<User, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO users (name, is_admin, strip_metadata, created_at) \
             VALUES ($1, $2, TRUE, $3) RETURNING {USER_COLS}"
        )))
        .bind(name)
        .bind(is_admin)
        .bind(unix_now())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_err(&format!("user {name}"), e))?;
        user_from(&row)
    }

    async fn user(&self, id: i64) -> Result<Option<User>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLS} FROM users WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("user", e))?;
        row.as_ref().map(user_from).transpose()
    }

    async fn user_by_name(&self, name: &str) -> Result<Option<User>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {USER_COLS} FROM users WHERE name = $1"
        )))
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("user", e))?;
        row.as_ref().map(user_from).transpose()
    }

    async fn update_user(&self, user: &User) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE users SET name = $2, is_admin = $3, strip_metadata = $4, password_hash = $5 \
             WHERE id = $1",
        )
        .bind(user.id)
        .bind(user.name.as_str())
        .bind(user.is_admin)
        .bind(user.strip_metadata)
        .bind(user.password_hash.as_deref())
        .execute(&self.pool)
        .await
        .map_err(|e| db_err(&format!("user {}", user.name), e))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("user {}", user.id)));
        }
        Ok(())
    }

    async fn add_key(
        &self,
        user_id: i64,
        prefix: &str,
        secret_sha256: &str,
        label: Option<&str>,
    ) -> Result<ApiKey, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO api_keys (user_id, prefix, secret_sha256, label, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {KEY_COLS}"
        )))
        .bind(user_id)
        .bind(prefix)
        .bind(secret_sha256)
        .bind(label)
        .bind(unix_now())
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_err(&format!("key {prefix}"), e))?;
        key_from(&row)
    }

    async fn add_session(
        &self,
        user_id: i64,
        prefix: &str,
        secret_sha256: &str,
        expires_at: i64,
    ) -> Result<ApiKey, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO api_keys \
             (user_id, prefix, secret_sha256, label, created_at, kind, expires_at) \
             VALUES ($1, $2, $3, 'web session', $4, 'session', $5) RETURNING {KEY_COLS}"
        )))
        .bind(user_id)
        .bind(prefix)
        .bind(secret_sha256)
        .bind(unix_now())
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_err(&format!("session {prefix}"), e))?;
        key_from(&row)
    }

    async fn drop_expired_sessions(&self, now: i64) -> Result<u64, RepoError> {
        let done = sqlx::query("DELETE FROM api_keys WHERE kind = 'session' AND expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(|e| db_err("drop expired sessions", e))?;
        Ok(done.rows_affected())
    }

    async fn key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {KEY_COLS} FROM api_keys WHERE prefix = $1"
        )))
        .bind(prefix)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("key", e))?;
        row.as_ref().map(key_from).transpose()
    }

    async fn list_keys(&self, user_id: i64) -> Result<Vec<ApiKey>, RepoError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {KEY_COLS} FROM api_keys WHERE user_id = $1 AND kind = 'api' ORDER BY id"
        )))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("keys", e))?;
        rows.iter().map(key_from).collect()
    }

    async fn revoke_key(&self, prefix: &str, now: i64) -> Result<bool, RepoError> {
        let done = sqlx::query(
            "UPDATE api_keys SET revoked_at = $2 WHERE prefix = $1 AND revoked_at IS NULL",
        )
        .bind(prefix)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| db_err("revoke key", e))?;
        Ok(done.rows_affected() > 0)
    }

    async fn server_secret(&self, candidate: &str) -> Result<String, RepoError> {
        // Insert-if-absent then read, in one transaction: two nodes starting at once both
        // read the one value that won.
        let err = |e| db_err("server secret", e);
        let mut tx = self.pool.begin().await.map_err(err)?;
        sqlx::query(
            "INSERT INTO settings (name, value) VALUES ('server_secret', $1) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(candidate)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let value: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE name = 'server_secret'")
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(value)
    }

    async fn insert_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
        let query = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO images ({IMAGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
             $11, $12, $13, $14, $15, $16, $17, $18, $19)"
        )));
        bind_image(query, image)?
            .execute(&self.pool)
            .await
            .map_err(|e| db_err(&format!("image {}", image.id), e))?;
        Ok(())
    }

    async fn image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {IMAGE_COLS} FROM images WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("image", e))?;
        row.as_ref().map(image_from).transpose()
    }

    async fn image_by_sha256(
        &self,
        user_id: Option<i64>,
        sha256: &str,
        now: i64,
    ) -> Result<Option<ImageRecord>, RepoError> {
        // NULL is not distinct from NULL: guest uploads match guest uploads.
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {IMAGE_COLS} FROM images \
             WHERE user_id IS NOT DISTINCT FROM $1 AND sha256 = $2 \
             AND (expires_at IS NULL OR expires_at > $3) \
             ORDER BY created_at DESC, seq DESC LIMIT 1"
        )))
        .bind(user_id)
        .bind(sha256)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("image by sha256", e))?;
        row.as_ref().map(image_from).transpose()
    }

    async fn list_images(
        &self,
        user_id: i64,
        album_id: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        // An unknown cursor compares as NULL and yields an empty page, never the first
        // page again.
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {IMAGE_COLS} FROM images WHERE user_id = $1 \
             AND ($2 IS NULL OR album_id = $2) \
             AND ($3 IS NULL OR (created_at, seq) < \
                  (SELECT created_at, seq FROM images WHERE id = $3)) \
             ORDER BY created_at DESC, seq DESC LIMIT $4"
        )))
        .bind(user_id)
        .bind(album_id)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("list images", e))?;
        rows.iter().map(image_from).collect()
    }

    async fn update_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
        let query = sqlx::query(
            "UPDATE images SET user_id = $2, album_id = $3, sha256 = $4, ext = $5, mime = $6, \
             size = $7, width = $8, height = $9, frames = $10, title = $11, description = $12, \
             nsfw = $13, original_key = $14, thumb_key = $15, medium_key = $16, \
             delete_token_sha256 = $17, created_at = $18, expires_at = $19 WHERE id = $1",
        );
        let done = bind_image(query, image)?
            .execute(&self.pool)
            .await
            .map_err(|e| db_err(&format!("image {}", image.id), e))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("image {}", image.id)));
        }
        Ok(())
    }

    async fn delete_image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM images WHERE id = $1 RETURNING {IMAGE_COLS}"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("delete image", e))?;
        row.as_ref().map(image_from).transpose()
    }

    async fn blob_refs(&self, key: &str) -> Result<u64, RepoError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM images \
             WHERE original_key = $1 OR thumb_key = $1 OR medium_key = $1",
        )
        .bind(key)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_err("blob refs", e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn claim_expired(&self, now: i64, limit: u32) -> Result<Vec<ImageRecord>, RepoError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "UPDATE images SET reap_claimed_until = $1 + $3 WHERE seq IN \
             (SELECT seq FROM images WHERE expires_at <= $1 \
              AND (reap_claimed_until IS NULL OR reap_claimed_until <= $1) \
              ORDER BY expires_at, seq LIMIT $2{}) RETURNING {IMAGE_COLS}",
            self.dialect.skip_locked()
        )))
        .bind(now)
        .bind(i64::from(limit))
        .bind(EXPIRY_CLAIM_SECS)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("claim expired", e))?;
        let mut images = rows.iter().map(image_from).collect::<Result<Vec<_>, _>>()?;
        // RETURNING gives no order.
        images.sort_by(|a, b| a.expires_at.cmp(&b.expires_at).then(a.id.cmp(&b.id)));
        Ok(images)
    }

    async fn create_album(&self, album: &Album) -> Result<(), RepoError> {
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO albums ({ALBUM_COLS}) VALUES ($1, $2, $3, $4, $5, $6)"
        )))
        .bind(album.id.as_str())
        .bind(album.user_id)
        .bind(album.name.as_str())
        .bind(album.visibility.as_str())
        .bind(album.default_expiry_secs)
        .bind(album.created_at)
        .execute(&self.pool)
        .await
        .map_err(|e| db_err(&format!("album {}", album.id), e))?;
        Ok(())
    }

    async fn album(&self, id: &str) -> Result<Option<Album>, RepoError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ALBUM_COLS} FROM albums WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| db_err("album", e))?;
        row.as_ref().map(album_from).transpose()
    }

    async fn list_albums(&self, user_id: i64) -> Result<Vec<Album>, RepoError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {ALBUM_COLS} FROM albums WHERE user_id = $1 ORDER BY created_at, id"
        )))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("albums", e))?;
        rows.iter().map(album_from).collect()
    }

    async fn update_album(&self, album: &Album) -> Result<(), RepoError> {
        let done = sqlx::query(
            "UPDATE albums SET name = $2, visibility = $3, default_expiry_secs = $4 WHERE id = $1",
        )
        .bind(album.id.as_str())
        .bind(album.name.as_str())
        .bind(album.visibility.as_str())
        .bind(album.default_expiry_secs)
        .execute(&self.pool)
        .await
        .map_err(|e| db_err(&format!("album {}", album.id), e))?;
        if done.rows_affected() == 0 {
            return Err(RepoError::NotFound(format!("album {}", album.id)));
        }
        Ok(())
    }

    async fn delete_album(&self, id: &str) -> Result<bool, RepoError> {
        // The foreign key (ON DELETE SET NULL) detaches the album's images.
        let done = sqlx::query("DELETE FROM albums WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(|e| db_err("delete album", e))?;
        Ok(done.rows_affected() > 0)
    }

    async fn usage(&self, user_id: i64) -> Result<Usage, RepoError> {
        let (images, bytes, albums): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM images WHERE user_id = $1), \
                    (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM images WHERE user_id = $1), \
                    (SELECT COUNT(*) FROM albums WHERE user_id = $1)",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| db_err("usage", e))?;
        Ok(Usage {
            images: u64::try_from(images).unwrap_or(0),
            bytes: u64::try_from(bytes).unwrap_or(0),
            albums: u64::try_from(albums).unwrap_or(0),
        })
    }

    async fn put_fingerprint(&self, f: &FingerprintRecord) -> Result<(), RepoError> {
        let err = |e| db_err(&format!("fingerprint of image {}", f.image_id), e);
        let mut tx = self.pool.begin().await.map_err(err)?;
        sqlx::query("DELETE FROM fingerprints WHERE image_id = $1")
            .bind(f.image_id.as_str())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        sqlx::query(
            "INSERT INTO fingerprints (image_id, version, codes, vector, model, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(f.image_id.as_str())
        .bind(f.version.as_str())
        .bind(f.codes.as_slice())
        .bind(f.vector.as_deref())
        .bind(f.model.as_deref())
        .bind(unix_now())
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)
    }

    async fn fingerprints_after(
        &self,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<StoredFingerprint>, RepoError> {
        let rows = sqlx::query(
            "SELECT f.seq, i.sha256, f.image_id, f.version, f.codes, f.vector, f.model \
             FROM fingerprints f JOIN images i ON i.id = f.image_id \
             WHERE f.seq > $1 ORDER BY f.seq LIMIT $2",
        )
        .bind(seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("fingerprints", e))?;
        rows.iter().map(fingerprint_from).collect()
    }

    async fn images_to_fingerprint(
        &self,
        version: &str,
        model: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ImageRecord>, RepoError> {
        // A cursor image deleted meanwhile compares as NULL: the page is empty and the
        // caller stops (the next start goes on).
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {IMAGE_COLS} FROM images WHERE mime LIKE 'image/%' \
             AND ($3 IS NULL OR seq > (SELECT seq FROM images WHERE id = $3)) \
             AND NOT EXISTS (SELECT 1 FROM fingerprints f WHERE f.image_id = images.id \
                             AND f.version = $1 AND ($2 IS NULL OR f.model = $2)) \
             ORDER BY seq LIMIT $4"
        )))
        .bind(version)
        .bind(model)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| db_err("images to fingerprint", e))?;
        rows.iter().map(image_from).collect()
    }
}
