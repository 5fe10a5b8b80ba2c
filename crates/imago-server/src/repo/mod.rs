//! The metadata seam: users, keys, images and albums.
//!
//! CONTRACT: the HTTP layer codes against this trait. Its one implementation,
//! [`SqlRepo`] (`sql.rs`), runs on SQLite and on PostgreSQL (what differs between them is
//! in `dialect.rs`) and passes the conformance suite (`tests/repo_conformance.rs`) on
//! both. Times are unix seconds (UTC).

mod dialect;
mod rows;
mod sql;

pub use sql::SqlRepo;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// A person with an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
    /// Strip EXIF/XMP/GPS from this user's uploads (the default).
    pub strip_metadata: bool,
    /// Argon2/PHC hash of a web sign-in password, when one is set.
    pub password_hash: Option<String>,
    pub created_at: i64,
}

/// An API key: a public prefix (shown in lists, looked up) and a secret of which only
/// the SHA-256 is stored; the full key is `prefix.secret`, printed once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: i64,
    pub user_id: i64,
    pub prefix: String,
    /// Hex SHA-256 of the secret part.
    pub secret_sha256: String,
    pub label: Option<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    /// An API key (made by the CLI, lives until revoked) or a web session.
    pub kind: KeyKind,
    /// When a session stops working; `None` for API keys.
    pub expires_at: Option<i64>,
}

/// What a key row is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// Made by `imago users add` or `imago keys create`; lives until revoked.
    Api,
    /// Made by a password sign-in on the web page; lives until its expiry.
    Session,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Api => "api",
            KeyKind::Session => "session",
        }
    }
    pub fn parse(s: &str) -> Option<KeyKind> {
        match s {
            "api" => Some(KeyKind::Api),
            "session" => Some(KeyKind::Session),
            _ => None,
        }
    }
}

/// Who may see an album's images.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Unlisted,
    Private,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
        }
    }
    pub fn parse(s: &str) -> Option<Visibility> {
        match s {
            "public" => Some(Visibility::Public),
            "unlisted" => Some(Visibility::Unlisted),
            "private" => Some(Visibility::Private),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Album {
    /// Public id (random, URL-safe).
    pub id: String,
    pub user_id: i64,
    pub name: String,
    pub visibility: Visibility,
    /// Expiry given to new images of the album that carry none of their own.
    pub default_expiry_secs: Option<i64>,
    pub created_at: i64,
}

/// One hosted image (or video). The bytes live in the [`crate::store::Store`] under
/// content-addressed keys, so two records may share them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageRecord {
    /// Public id (random, URL-safe, e.g. 10 base62 characters).
    pub id: String,
    /// `None` for a guest upload.
    pub user_id: Option<i64>,
    pub album_id: Option<String>,
    /// SHA-256 (hex) of the bytes as uploaded: the same bytes from one user map to one
    /// record.
    pub sha256: String,
    /// Extension and media type of what is stored (detected, never the client's word).
    pub ext: String,
    pub mime: String,
    /// Bytes of the stored original.
    pub size: u64,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub title: Option<String>,
    pub description: Option<String>,
    pub nsfw: bool,
    /// Store keys of the original and its variants.
    pub original_key: String,
    pub thumb_key: Option<String>,
    pub medium_key: Option<String>,
    /// Hex SHA-256 of the image's own delete token (the token is in the delete URL).
    pub delete_token_sha256: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
}

/// An image's search fingerprint as the repo keeps it; `imago_search` reads and writes
/// the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FingerprintRecord {
    pub image_id: String,
    /// `imago_search::FINGERPRINT_VERSION` of the code that made it.
    pub version: String,
    /// `imago_search::Code::hashes_to_bytes`.
    pub codes: Vec<u8>,
    /// The embedding (`imago_search::Vector::to_bytes`), when the server had the model.
    pub vector: Option<Vec<u8>>,
    /// Which model made `vector`.
    pub model: Option<String>,
}

/// A stored fingerprint as a node's index reads it: the row's place in the order rows
/// were written, and the image's SHA-256 (an upload of the same bytes is `exact`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFingerprint {
    pub seq: i64,
    pub sha256: String,
    pub fingerprint: FingerprintRecord,
}

/// Totals for an account.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub images: u64,
    pub bytes: u64,
    pub albums: u64,
}

/// What can go wrong in the metadata seam.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RepoError {
    /// A unique name or id is taken (user name, album id, key prefix).
    #[error("already exists: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// The database said no; the detail is for the log, not for clients.
    #[error("database error: {0}")]
    Backend(String),
}

/// The metadata seam. Every method is one transaction.
#[async_trait]
pub trait Repo: Send + Sync + 'static {
    /// Creates or upgrades the schema.
    async fn migrate(&self) -> Result<(), RepoError>;

    async fn create_user(&self, name: &str, is_admin: bool) -> Result<User, RepoError>;
    async fn user(&self, id: i64) -> Result<Option<User>, RepoError>;
    async fn user_by_name(&self, name: &str) -> Result<Option<User>, RepoError>;
    async fn update_user(&self, user: &User) -> Result<(), RepoError>;

    async fn add_key(
        &self,
        user_id: i64,
        prefix: &str,
        secret_sha256: &str,
        label: Option<&str>,
    ) -> Result<ApiKey, RepoError>;
    /// A web session's key, working until `expires_at`.
    async fn add_session(
        &self,
        user_id: i64,
        prefix: &str,
        secret_sha256: &str,
        expires_at: i64,
    ) -> Result<ApiKey, RepoError>;
    /// Removes sessions that expired at or before `now`; how many.
    async fn drop_expired_sessions(&self, now: i64) -> Result<u64, RepoError>;
    async fn key_by_prefix(&self, prefix: &str) -> Result<Option<ApiKey>, RepoError>;
    /// A user's API keys (revoked ones too); sessions are not listed.
    async fn list_keys(&self, user_id: i64) -> Result<Vec<ApiKey>, RepoError>;
    /// Revokes a key; `false` when there was no such live key.
    async fn revoke_key(&self, prefix: &str, now: i64) -> Result<bool, RepoError>;

    /// The deployment's server secret (hex): the stored one, or `candidate`, stored,
    /// when there is none yet. Every node calls it at start, so all of them derive the
    /// same delete tokens.
    async fn server_secret(&self, candidate: &str) -> Result<String, RepoError>;

    async fn insert_image(&self, image: &ImageRecord) -> Result<(), RepoError>;
    async fn image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError>;
    /// The live (not expired at `now`) image of this user with these bytes, if any.
    async fn image_by_sha256(
        &self,
        user_id: Option<i64>,
        sha256: &str,
        now: i64,
    ) -> Result<Option<ImageRecord>, RepoError>;
    /// A user's images, newest first, `limit` after the cursor `before` (an image id).
    async fn list_images(
        &self,
        user_id: i64,
        album_id: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ImageRecord>, RepoError>;
    async fn update_image(&self, image: &ImageRecord) -> Result<(), RepoError>;
    /// Removes the record; returns it so the caller can drop blobs no record uses.
    async fn delete_image(&self, id: &str) -> Result<Option<ImageRecord>, RepoError>;
    /// How many records still use a store key (as original, thumb or medium).
    async fn blob_refs(&self, key: &str) -> Result<u64, RepoError>;
    /// Images whose expiry is at or before `now`, claimed for this caller (PostgreSQL:
    /// `FOR UPDATE SKIP LOCKED`) for a few minutes, at most `limit`.
    async fn claim_expired(&self, now: i64, limit: u32) -> Result<Vec<ImageRecord>, RepoError>;

    async fn create_album(&self, album: &Album) -> Result<(), RepoError>;
    async fn album(&self, id: &str) -> Result<Option<Album>, RepoError>;
    async fn list_albums(&self, user_id: i64) -> Result<Vec<Album>, RepoError>;
    async fn update_album(&self, album: &Album) -> Result<(), RepoError>;
    /// Deletes the album; its images stay, without an album.
    async fn delete_album(&self, id: &str) -> Result<bool, RepoError>;

    async fn usage(&self, user_id: i64) -> Result<Usage, RepoError>;

    /// Stores an image's fingerprint, replacing the one it had (the replacement is a new
    /// row, so nodes that follow [`Repo::fingerprints_after`] see it). `NotFound` when
    /// the image is gone.
    async fn put_fingerprint(&self, fingerprint: &FingerprintRecord) -> Result<(), RepoError>;
    /// Fingerprints written after row `seq`, oldest first, at most `limit`.
    async fn fingerprints_after(
        &self,
        seq: i64,
        limit: u32,
    ) -> Result<Vec<StoredFingerprint>, RepoError>;
    /// Images (not videos) without a fingerprint, or with one of another `version`, or
    /// without a vector when `model` is given, or with another model's: what an index
    /// built by this binary still needs. Oldest first, after the image id `after` (a
    /// cursor), at most `limit`.
    async fn images_to_fingerprint(
        &self,
        version: &str,
        model: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Vec<ImageRecord>, RepoError>;
}
