//! The [`Repo`](super::Repo) methods of both backends, written once.
//!
//! sqlx binds `$1, $2, ...` by number on SQLite as on PostgreSQL, and the SQL below
//! keeps to what both dialects read (`TRUE`, `IS NOT DISTINCT FROM`, `CAST(.. AS
//! BIGINT)`, `RETURNING`). What differs is passed in: the pool (each backend's own
//! type, so the methods cannot be one generic function without a wall of sqlx trait
//! bounds), the row lock of the claims (`FOR UPDATE SKIP LOCKED` on PostgreSQL;
//! SQLite has one writer, so a claim's `UPDATE` is atomic without it) and the
//! migration, which each backend implements as `migrate_schema`.

/// `impl Repo for $repo` with every method but the migration, which calls the
/// backend's own `migrate_schema`. `$skip_locked` ends the claims' inner `SELECT`.
macro_rules! impl_repo {
    ($repo:ty, skip_locked = $skip_locked:literal) => {
        // A block of its own, so that the imports below serve the methods and nothing
        // at the call site has to be in scope.
        const _: () = {
            use $crate::repo::schema::{
                album_cols, album_from, bind_image, db_err, image_cols, image_from, job_from,
                key_cols, key_from, now_secs, to_i64, user_cols, user_from, EXPIRY_CLAIM_SECS,
            };
            use $crate::repo::shared::limit;
            use $crate::repo::{Album, ApiKey, ImageRecord, Job, RepoError, Usage, User};

            #[async_trait::async_trait]
            impl $crate::repo::Repo for $repo {
                async fn migrate(&self) -> Result<(), RepoError> {
                    self.migrate_schema().await
                }

                async fn create_user(&self, name: &str, is_admin: bool) -> Result<User, RepoError> {
                    let row = sqlx::query(concat!(
                        "INSERT INTO users (name, is_admin, strip_metadata, created_at) VALUES ($1, $2, TRUE, $3) RETURNING ",
                        user_cols!()
                    ))
                    .bind(name)
                    .bind(is_admin)
                    .bind(now_secs())
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| db_err(&format!("user {name}"), e))?;
                    user_from(&row)
                }

                async fn user(&self, id: i64) -> Result<Option<User>, RepoError> {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        user_cols!(),
                        " FROM users WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| db_err("user", e))?;
                    row.as_ref().map(user_from).transpose()
                }

                async fn user_by_name(&self, name: &str) -> Result<Option<User>, RepoError> {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        user_cols!(),
                        " FROM users WHERE name = $1"
                    ))
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
                    .bind(&user.name)
                    .bind(user.is_admin)
                    .bind(user.strip_metadata)
                    .bind(&user.password_hash)
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
                    let row = sqlx::query(concat!(
                        "INSERT INTO api_keys (user_id, prefix, secret_sha256, label, created_at) \
                         VALUES ($1, $2, $3, $4, $5) RETURNING ",
                        key_cols!()
                    ))
                    .bind(user_id)
                    .bind(prefix)
                    .bind(secret_sha256)
                    .bind(label)
                    .bind(now_secs())
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
                    let row = sqlx::query(concat!(
                        "INSERT INTO api_keys (user_id, prefix, secret_sha256, label, created_at, kind, expires_at) \
                         VALUES ($1, $2, $3, 'web session', $4, 'session', $5) RETURNING ",
                        key_cols!()
                    ))
                    .bind(user_id)
                    .bind(prefix)
                    .bind(secret_sha256)
                    .bind(now_secs())
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
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        key_cols!(),
                        " FROM api_keys WHERE prefix = $1"
                    ))
                    .bind(prefix)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| db_err("key", e))?;
                    row.as_ref().map(key_from).transpose()
                }

                async fn list_keys(&self, user_id: i64) -> Result<Vec<ApiKey>, RepoError> {
                    let rows = sqlx::query(concat!(
                        "SELECT ",
                        key_cols!(),
                        " FROM api_keys WHERE user_id = $1 AND kind = 'api' ORDER BY id"
                    ))
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
                    // Insert-if-absent then read, in one transaction: two nodes starting at once
                    // both read the one value that won.
                    let mut tx = self
                        .pool
                        .begin()
                        .await
                        .map_err(|e| db_err("server secret", e))?;
                    sqlx::query(
                        "INSERT INTO settings (name, value) VALUES ('server_secret', $1) \
                         ON CONFLICT (name) DO NOTHING",
                    )
                    .bind(candidate)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| db_err("server secret", e))?;
                    let value: String =
                        sqlx::query_scalar("SELECT value FROM settings WHERE name = 'server_secret'")
                            .fetch_one(&mut *tx)
                            .await
                            .map_err(|e| db_err("server secret", e))?;
                    tx.commit().await.map_err(|e| db_err("server secret", e))?;
                    Ok(value)
                }

                async fn insert_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
                    bind_image!(
                        sqlx::query(concat!(
                            "INSERT INTO images (",
                            image_cols!(),
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                         $17, $18, $19)"
                        )),
                        image
                    )
                    .execute(&self.pool)
                    .await
                    .map_err(|e| db_err(&format!("image {}", image.id), e))?;
                    Ok(())
                }

                async fn image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        image_cols!(),
                        " FROM images WHERE id = $1"
                    ))
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
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        image_cols!(),
                        " FROM images WHERE user_id IS NOT DISTINCT FROM $1 AND sha256 = $2 \
                         AND (expires_at IS NULL OR expires_at > $3) ORDER BY created_at DESC, seq DESC LIMIT 1"
                    ))
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
                    limit_n: u32,
                ) -> Result<Vec<ImageRecord>, RepoError> {
                    // An unknown cursor compares as NULL and yields an empty page, never the first
                    // page again.
                    let rows = sqlx::query(concat!(
                        "SELECT ",
                        image_cols!(),
                        " FROM images WHERE user_id = $1 AND ($2 IS NULL OR album_id = $2) \
                         AND ($3 IS NULL OR (created_at, seq) < \
                              (SELECT created_at, seq FROM images WHERE id = $3)) \
                         ORDER BY created_at DESC, seq DESC LIMIT $4"
                    ))
                    .bind(user_id)
                    .bind(album_id)
                    .bind(before)
                    .bind(limit(limit_n))
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| db_err("list images", e))?;
                    rows.iter().map(image_from).collect()
                }

                async fn update_image(&self, image: &ImageRecord) -> Result<(), RepoError> {
                    let done = bind_image!(
                        sqlx::query(
                            "UPDATE images SET user_id = $2, album_id = $3, sha256 = $4, ext = $5, mime = $6, \
                         size = $7, width = $8, height = $9, frames = $10, title = $11, description = $12, \
                         nsfw = $13, original_key = $14, thumb_key = $15, medium_key = $16, \
                         delete_token_sha256 = $17, created_at = $18, expires_at = $19 WHERE id = $1",
                        ),
                        image
                    )
                    .execute(&self.pool)
                    .await
                    .map_err(|e| db_err(&format!("image {}", image.id), e))?;
                    if done.rows_affected() == 0 {
                        return Err(RepoError::NotFound(format!("image {}", image.id)));
                    }
                    Ok(())
                }

                async fn delete_image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError> {
                    let row = sqlx::query(concat!(
                        "DELETE FROM images WHERE id = $1 RETURNING ",
                        image_cols!()
                    ))
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

                async fn claim_expired(&self, now: i64, limit_n: u32) -> Result<Vec<ImageRecord>, RepoError> {
                    let rows = sqlx::query(concat!(
                        "UPDATE images SET reap_claimed_until = $1 + $3 WHERE seq IN \
                         (SELECT seq FROM images WHERE expires_at <= $1 \
                          AND (reap_claimed_until IS NULL OR reap_claimed_until <= $1) \
                          ORDER BY expires_at, seq LIMIT $2",
                        $skip_locked,
                        ") RETURNING ",
                        image_cols!()
                    ))
                    .bind(now)
                    .bind(limit(limit_n))
                    .bind(EXPIRY_CLAIM_SECS)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| db_err("claim expired", e))?;
                    let mut images = rows.iter().map(image_from).collect::<Result<Vec<_>, _>>()?;
                    images.sort_by(|a, b| a.expires_at.cmp(&b.expires_at).then(a.id.cmp(&b.id)));
                    Ok(images)
                }

                async fn create_album(&self, album: &Album) -> Result<(), RepoError> {
                    sqlx::query(
                        "INSERT INTO albums (id, user_id, name, visibility, default_expiry_secs, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&album.id)
                    .bind(album.user_id)
                    .bind(&album.name)
                    .bind(album.visibility.as_str())
                    .bind(album.default_expiry_secs)
                    .bind(album.created_at)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| db_err(&format!("album {}", album.id), e))?;
                    Ok(())
                }

                async fn album(&self, id: &str) -> Result<Option<Album>, RepoError> {
                    let row = sqlx::query(concat!(
                        "SELECT ",
                        album_cols!(),
                        " FROM albums WHERE id = $1"
                    ))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| db_err("album", e))?;
                    row.as_ref().map(album_from).transpose()
                }

                async fn list_albums(&self, user_id: i64) -> Result<Vec<Album>, RepoError> {
                    let rows = sqlx::query(concat!(
                        "SELECT ",
                        album_cols!(),
                        " FROM albums WHERE user_id = $1 ORDER BY created_at, id"
                    ))
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
                    .bind(&album.id)
                    .bind(&album.name)
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

                async fn enqueue_job(&self, kind: &str, payload: &str, run_at: i64) -> Result<i64, RepoError> {
                    sqlx::query_scalar(
                        "INSERT INTO jobs (kind, payload, run_at) VALUES ($1, $2, $3) RETURNING id",
                    )
                    .bind(kind)
                    .bind(payload)
                    .bind(run_at)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(|e| db_err("enqueue job", e))
                }

                async fn claim_jobs(
                    &self,
                    kind: &str,
                    now: i64,
                    limit_n: u32,
                    lease_secs: i64,
                ) -> Result<Vec<Job>, RepoError> {
                    let rows = sqlx::query(concat!(
                        "UPDATE jobs SET leased_until = $2 + $4, attempts = attempts + 1 WHERE id IN \
                         (SELECT id FROM jobs WHERE kind = $1 AND run_at <= $2 \
                          AND (leased_until IS NULL OR leased_until <= $2) ORDER BY run_at, id LIMIT $3",
                        $skip_locked,
                        ") RETURNING id, kind, payload, run_at, attempts",
                    ))
                    .bind(kind)
                    .bind(now)
                    .bind(limit(limit_n))
                    .bind(lease_secs)
                    .fetch_all(&self.pool)
                    .await
                    .map_err(|e| db_err("claim jobs", e))?;
                    let mut jobs = rows.iter().map(job_from).collect::<Result<Vec<_>, _>>()?;
                    jobs.sort_by_key(|j| (j.run_at, j.id));
                    Ok(jobs)
                }

                async fn complete_job(&self, id: i64) -> Result<(), RepoError> {
                    // Idempotent: a job whose lease ran out may have been completed by another node.
                    sqlx::query("DELETE FROM jobs WHERE id = $1")
                        .bind(id)
                        .execute(&self.pool)
                        .await
                        .map_err(|e| db_err("complete job", e))?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use impl_repo;

/// A page size as the databases take it.
pub(crate) fn limit(n: u32) -> i64 {
    i64::from(n)
}
