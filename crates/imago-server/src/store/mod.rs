//! The bytes seam: originals and their variants under content-addressed keys.
//!
//! CONTRACT: the HTTP layer codes against this trait; the local-folder and
//! S3-compatible (`object_store`) implementations live beside it (`local.rs`, `s3.rs`)
//! and pass the same conformance suite (`tests/store_conformance.rs`).

mod key;
pub mod local;
pub mod s3;

pub use local::LocalStore;
pub use s3::{S3Config, S3Store};

use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;

/// What can go wrong in the bytes seam.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A key that is not of our shape (`..`, absolute, NUL, backslash, empty part).
    #[error("invalid store key {0:?}")]
    BadKey(String),
    /// The backend said no; the detail is for the log, not for clients.
    #[error("store error: {0}")]
    Backend(String),
}

/// The bytes seam. Keys are `/`-separated, made by the server (e.g.
/// `o/ab/cd/<sha256>.jpg`), never by clients.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores `bytes` under `key`, durably: when this returns, a crash loses nothing
    /// (local: temp file, fsync, rename, fsync of the folder). Replaces what was there.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError>;
    /// A byte range (for HTTP Range requests); `None` when the key does not exist.
    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Option<Bytes>, StoreError>;
    /// The size of the object, if it exists.
    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError>;
    /// Deletes; deleting a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Keys under a prefix (for repair and tests).
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;
}
