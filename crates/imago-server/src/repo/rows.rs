//! The records as the tables hold them: each table's column list (what every query of it
//! selects or returns), the mapping of a row back into a record, and the error mapping.

use sqlx::any::{Any, AnyArguments, AnyRow, AnyTypeInfoKind};
use sqlx::query::Query;
use sqlx::{Decode, Row, Type, ValueRef};

use super::{
    Album, ApiKey, FingerprintRecord, ImageRecord, KeyKind, RepoError, StoredFingerprint, User,
    Visibility,
};

pub(crate) const USER_COLS: &str = "id, name, is_admin, strip_metadata, password_hash, created_at";

pub(crate) const KEY_COLS: &str =
    "id, user_id, prefix, secret_sha256, label, created_at, revoked_at, kind, expires_at";

pub(crate) const ALBUM_COLS: &str =
    "id, user_id, name, visibility, default_expiry_secs, created_at";

/// In the order [`bind_image`] binds them (`$1..$19`).
pub(crate) const IMAGE_COLS: &str =
    "id, user_id, album_id, sha256, ext, mime, size, width, height, frames, title, \
     description, nsfw, original_key, thumb_key, medium_key, delete_token_sha256, \
     created_at, expires_at";

/// Binds an image's fields in [`IMAGE_COLS`] order, for the INSERT and the UPDATE.
pub(crate) fn bind_image<'q>(
    query: Query<'q, Any, AnyArguments>,
    image: &ImageRecord,
) -> Result<Query<'q, Any, AnyArguments>, RepoError> {
    Ok(query
        .bind(image.id.as_str())
        .bind(image.user_id)
        .bind(image.album_id.as_deref())
        .bind(image.sha256.as_str())
        .bind(image.ext.as_str())
        .bind(image.mime.as_str())
        .bind(to_i64(image.size, "size")?)
        .bind(i64::from(image.width))
        .bind(i64::from(image.height))
        .bind(i64::from(image.frames))
        .bind(image.title.as_deref())
        .bind(image.description.as_deref())
        .bind(image.nsfw)
        .bind(image.original_key.as_str())
        .bind(image.thumb_key.as_deref())
        .bind(image.medium_key.as_deref())
        .bind(image.delete_token_sha256.as_str())
        .bind(image.created_at)
        .bind(image.expires_at))
}

/// A text column holding one of an enum's names; another value is a damaged row.
fn named<T>(row: &AnyRow, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, RepoError> {
    let text: String = col(row, name)?;
    parse(&text).ok_or_else(|| RepoError::Backend(format!("unknown {name} {text:?}")))
}

pub(crate) fn user_from(row: &AnyRow) -> Result<User, RepoError> {
    Ok(User {
        id: col(row, "id")?,
        name: col(row, "name")?,
        is_admin: flag(row, "is_admin")?,
        strip_metadata: flag(row, "strip_metadata")?,
        password_hash: col(row, "password_hash")?,
        created_at: col(row, "created_at")?,
    })
}

pub(crate) fn key_from(row: &AnyRow) -> Result<ApiKey, RepoError> {
    Ok(ApiKey {
        id: col(row, "id")?,
        user_id: col(row, "user_id")?,
        prefix: col(row, "prefix")?,
        secret_sha256: col(row, "secret_sha256")?,
        label: col(row, "label")?,
        created_at: col(row, "created_at")?,
        revoked_at: col(row, "revoked_at")?,
        kind: named(row, "kind", KeyKind::parse)?,
        expires_at: col(row, "expires_at")?,
    })
}

pub(crate) fn album_from(row: &AnyRow) -> Result<Album, RepoError> {
    Ok(Album {
        id: col(row, "id")?,
        user_id: col(row, "user_id")?,
        name: col(row, "name")?,
        visibility: named(row, "visibility", Visibility::parse)?,
        default_expiry_secs: col(row, "default_expiry_secs")?,
        created_at: col(row, "created_at")?,
    })
}

pub(crate) fn image_from(row: &AnyRow) -> Result<ImageRecord, RepoError> {
    Ok(ImageRecord {
        id: col(row, "id")?,
        user_id: col(row, "user_id")?,
        album_id: col(row, "album_id")?,
        sha256: col(row, "sha256")?,
        ext: col(row, "ext")?,
        mime: col(row, "mime")?,
        size: to_u64(col(row, "size")?, "size")?,
        width: to_u32(col(row, "width")?, "width")?,
        height: to_u32(col(row, "height")?, "height")?,
        frames: to_u32(col(row, "frames")?, "frames")?,
        title: col(row, "title")?,
        description: col(row, "description")?,
        nsfw: flag(row, "nsfw")?,
        original_key: col(row, "original_key")?,
        thumb_key: col(row, "thumb_key")?,
        medium_key: col(row, "medium_key")?,
        delete_token_sha256: col(row, "delete_token_sha256")?,
        created_at: col(row, "created_at")?,
        expires_at: col(row, "expires_at")?,
    })
}

pub(crate) fn fingerprint_from(row: &AnyRow) -> Result<StoredFingerprint, RepoError> {
    Ok(StoredFingerprint {
        seq: col(row, "seq")?,
        sha256: col(row, "sha256")?,
        fingerprint: FingerprintRecord {
            image_id: col(row, "image_id")?,
            version: col(row, "version")?,
            codes: col(row, "codes")?,
            vector: col(row, "vector")?,
            model: col(row, "model")?,
        },
    })
}

fn col<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, RepoError>
where
    T: Decode<'r, Any> + Type<Any>,
{
    row.try_get(name)
        .map_err(|e| RepoError::Backend(format!("column {name}: {e}")))
}

/// A yes/no column. PostgreSQL's are `BOOLEAN`; SQLite has no boolean type and stores
/// 0 or 1 in an `INTEGER`, which the Any driver hands over as an integer and refuses to
/// decode as `bool`.
fn flag(row: &AnyRow, name: &str) -> Result<bool, RepoError> {
    let raw = row
        .try_get_raw(name)
        .map_err(|e| RepoError::Backend(format!("column {name}: {e}")))?;
    if raw.type_info().kind() == AnyTypeInfoKind::Bool {
        col(row, name)
    } else {
        Ok(col::<i64>(row, name)? != 0)
    }
}

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

/// Numbers are stored as signed 64-bit (neither database has an unsigned type).
fn to_i64(v: u64, what: &str) -> Result<i64, RepoError> {
    i64::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

fn to_u64(v: i64, what: &str) -> Result<u64, RepoError> {
    u64::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}

fn to_u32(v: i64, what: &str) -> Result<u32, RepoError> {
    u32::try_from(v).map_err(|_| RepoError::Backend(format!("{what} out of range: {v}")))
}
