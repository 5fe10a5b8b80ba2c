//! What the SQLite and PostgreSQL repos share besides their methods (`shared.rs`): the
//! versioned migrations (their DDL differs per backend), the row mapping and the error
//! mapping.

use sqlx::{ColumnIndex, Decode, Row, Type};

use super::{Album, ApiKey, ImageRecord, KeyKind, RepoError, User, Visibility};

/// One schema step. Versions only grow; a database newer than the binary is refused.
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

pub(crate) const SQLITE_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("schema/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("schema/sqlite/0002_sessions_settings.sql"),
    },
];

pub(crate) const POSTGRES_MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: include_str!("schema/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        sql: include_str!("schema/postgres/0002_sessions_settings.sql"),
    },
];

/// The newest version this binary knows; a database beyond it was written by a newer
/// imago and is left alone.
pub(crate) fn check_not_newer(current: i64, known: &[Migration]) -> Result<(), RepoError> {
    let newest = known.iter().map(|m| m.version).max().unwrap_or(0);
    if current > newest {
        return Err(RepoError::Backend(format!(
            "database schema version {current} is newer than this imago knows ({newest})"
        )));
    }
    Ok(())
}

/// How long a reaper holds expired images it claimed before another node may take them
/// (the node that claimed them died before deleting them).
pub(crate) const EXPIRY_CLAIM_SECS: i64 = 300;

/// The columns every image query returns, in one place for both backends.
macro_rules! image_cols {
    () => {
        "id, user_id, album_id, sha256, ext, mime, size, width, height, frames, title, \
         description, nsfw, original_key, thumb_key, medium_key, delete_token_sha256, \
         created_at, expires_at"
    };
}
pub(crate) use image_cols;

/// Binds an [`ImageRecord`](super::ImageRecord)'s fields in `image_cols!` order, for the
/// INSERT and the UPDATE (`$1..$19`). The caller has `to_i64` in scope and returns
/// `RepoError`.
macro_rules! bind_image {
    ($query:expr, $image:expr) => {{
        let image = $image;
        $query
            .bind(&image.id)
            .bind(image.user_id)
            .bind(&image.album_id)
            .bind(&image.sha256)
            .bind(&image.ext)
            .bind(&image.mime)
            .bind(to_i64(image.size, "size")?)
            .bind(i64::from(image.width))
            .bind(i64::from(image.height))
            .bind(i64::from(image.frames))
            .bind(&image.title)
            .bind(&image.description)
            .bind(image.nsfw)
            .bind(&image.original_key)
            .bind(&image.thumb_key)
            .bind(&image.medium_key)
            .bind(&image.delete_token_sha256)
            .bind(image.created_at)
            .bind(image.expires_at)
    }};
}
pub(crate) use bind_image;

macro_rules! user_cols {
    () => {
        "id, name, is_admin, strip_metadata, password_hash, created_at"
    };
}
pub(crate) use user_cols;

macro_rules! key_cols {
    () => {
        "id, user_id, prefix, secret_sha256, label, created_at, revoked_at, kind, expires_at"
    };
}
pub(crate) use key_cols;

macro_rules! album_cols {
    () => {
        "id, user_id, name, visibility, default_expiry_secs, created_at"
    };
}
pub(crate) use album_cols;

/// Maps a database error; unique and foreign-key violations become the typed errors the
/// HTTP layer answers with.
pub(crate) fn db_err(what: &str, e: sqlx::Error) -> RepoError {
    if let sqlx::Error::Database(d) = &e {
        match d.kind() {
            sqlx::error::ErrorKind::UniqueViolation => return RepoError::Conflict(what.into()),
            sqlx::error::ErrorKind::ForeignKeyViolation => {
                return RepoError::NotFound(format!("{what}: a referenced user or album"))
            }
            _ => {}
        }
    }
    RepoError::Backend(format!("{what}: {e}"))
}

/// Unix seconds now, for the records whose method takes no `now`.
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Numbers are stored as signed 64-bit (both backends have no unsigned type).
pub(crate) fn to_i64(v: u64, what: &str) -> Result<i64, RepoError> {
    i64::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

fn to_u64(v: i64, what: &str) -> Result<u64, RepoError> {
    u64::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

fn to_u32(v: i64, what: &str) -> Result<u32, RepoError> {
    u32::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

/// The decoding both backends support for the column types of the schema.
pub(crate) trait RepoRow: Row
where
    for<'a> &'a str: ColumnIndex<Self>,
{
    fn col<'r, T>(&'r self, name: &str) -> Result<T, RepoError>
    where
        T: Decode<'r, Self::Database> + Type<Self::Database>,
    {
        self.try_get(name)
            .map_err(|e| RepoError::Backend(format!("column {name}: {e}")))
    }
}

impl<R: Row> RepoRow for R where for<'a> &'a str: ColumnIndex<R> {}

pub(crate) fn user_from<'r, R>(row: &'r R) -> Result<User, RepoError>
where
    R: RepoRow,
    for<'a> &'a str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(User {
        id: row.col("id")?,
        name: row.col("name")?,
        is_admin: row.col("is_admin")?,
        strip_metadata: row.col("strip_metadata")?,
        password_hash: row.col("password_hash")?,
        created_at: row.col("created_at")?,
    })
}

pub(crate) fn key_from<'r, R>(row: &'r R) -> Result<ApiKey, RepoError>
where
    R: RepoRow,
    for<'a> &'a str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let kind: String = row.col("kind")?;
    Ok(ApiKey {
        id: row.col("id")?,
        user_id: row.col("user_id")?,
        prefix: row.col("prefix")?,
        secret_sha256: row.col("secret_sha256")?,
        label: row.col("label")?,
        created_at: row.col("created_at")?,
        revoked_at: row.col("revoked_at")?,
        kind: KeyKind::parse(&kind)
            .ok_or_else(|| RepoError::Backend(format!("unknown key kind {kind:?}")))?,
        expires_at: row.col("expires_at")?,
    })
}

pub(crate) fn album_from<'r, R>(row: &'r R) -> Result<Album, RepoError>
where
    R: RepoRow,
    for<'a> &'a str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    let visibility: String = row.col("visibility")?;
    Ok(Album {
        id: row.col("id")?,
        user_id: row.col("user_id")?,
        name: row.col("name")?,
        visibility: Visibility::parse(&visibility)
            .ok_or_else(|| RepoError::Backend(format!("unknown visibility {visibility:?}")))?,
        default_expiry_secs: row.col("default_expiry_secs")?,
        created_at: row.col("created_at")?,
    })
}

pub(crate) fn image_from<'r, R>(row: &'r R) -> Result<ImageRecord, RepoError>
where
    R: RepoRow,
    for<'a> &'a str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    bool: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(ImageRecord {
        id: row.col("id")?,
        user_id: row.col("user_id")?,
        album_id: row.col("album_id")?,
        sha256: row.col("sha256")?,
        ext: row.col("ext")?,
        mime: row.col("mime")?,
        size: to_u64(row.col("size")?, "size")?,
        width: to_u32(row.col("width")?, "width")?,
        height: to_u32(row.col("height")?, "height")?,
        frames: to_u32(row.col("frames")?, "frames")?,
        title: row.col("title")?,
        description: row.col("description")?,
        nsfw: row.col("nsfw")?,
        original_key: row.col("original_key")?,
        thumb_key: row.col("thumb_key")?,
        medium_key: row.col("medium_key")?,
        delete_token_sha256: row.col("delete_token_sha256")?,
        created_at: row.col("created_at")?,
        expires_at: row.col("expires_at")?,
    })
}

pub(crate) fn job_from<'r, R>(row: &'r R) -> Result<super::Job, RepoError>
where
    R: RepoRow,
    for<'a> &'a str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
{
    Ok(super::Job {
        id: row.col("id")?,
        kind: row.col("kind")?,
        payload: row.col("payload")?,
        run_at: row.col("run_at")?,
        attempts: to_u32(row.col("attempts")?, "attempts")?,
    })
}

/// Applies, in `conn` (a transaction the backend opened and locked so that two nodes
/// starting at once do not both apply a step), every step of `migrations` newer than what
/// the `imago_schema` table records. `create_table` and `current_version` are the two
/// statements whose SQL differs between the dialects; the rest is shared.
pub(crate) async fn apply_migrations<DB>(
    conn: &mut DB::Connection,
    create_table: &'static str,
    current_version: &'static str,
    migrations: &[Migration],
) -> Result<(), RepoError>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    sqlx::raw_sql(create_table)
        .execute(&mut *conn)
        .await
        .map_err(|e| db_err("migrate", e))?;
    let current: i64 = sqlx::query_scalar(current_version)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| db_err("migrate", e))?;
    check_not_newer(current, migrations)?;
    for m in migrations.iter().filter(|m| m.version > current) {
        sqlx::raw_sql(m.sql)
            .execute(&mut *conn)
            .await
            .map_err(|e| db_err("migrate", e))?;
        // sqlx binds `$N` by number on SQLite too.
        sqlx::query("INSERT INTO imago_schema (version, applied_at) VALUES ($1, $2)")
            .bind(m.version)
            .bind(now_secs())
            .execute(&mut *conn)
            .await
            .map_err(|e| db_err("migrate", e))?;
    }
    Ok(())
}
