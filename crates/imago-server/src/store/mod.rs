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
use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

/// Bytes as they come, chunk by chunk: what [`Store::put_stream`] stores and what
/// [`Store::get_stream`] gives, so that neither side holds a whole object.
pub type ByteStream = BoxStream<'static, Result<Bytes, StoreError>>;

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
    /// The stream handed to [`Store::put_stream`] failed; nothing was stored.
    #[error("reading what was to be stored failed: {0}")]
    Source(String),
}

/// The bytes seam. Keys are `/`-separated, made by the server (e.g.
/// `o/ab/<sha256>.jpg`), never by clients.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores what `body` yields under `key`, durably: when this returns, a crash loses
    /// nothing (local: temp file, fsync, rename, fsync of the folder; S3: one PUT, or a
    /// multipart upload for large objects, completed). Replaces what was there. Memory
    /// stays bounded whatever the size; a stream that fails stores nothing. Returns the
    /// number of bytes stored.
    async fn put_stream(&self, key: &str, body: ByteStream) -> Result<u64, StoreError>;
    /// The bytes of `range` (clamped to the object; `None`: all of it) as a stream of
    /// chunks; `None` when the key does not exist.
    async fn get_stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<Option<ByteStream>, StoreError>;
    /// The size of the object, if it exists.
    async fn size(&self, key: &str) -> Result<Option<u64>, StoreError>;
    /// Deletes; deleting a missing key is not an error.
    async fn delete(&self, key: &str) -> Result<(), StoreError>;
    /// Keys under a prefix (for repair and tests).
    async fn list(&self, prefix: &str) -> Result<Vec<String>, StoreError>;

    /// [`Store::put_stream`] of bytes already in memory (thumbnails, small files).
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.put_stream(key, stream::once(async { Ok(bytes) }).boxed())
            .await
            .map(drop)
    }

    /// The whole object in memory: only for what is known to be small.
    async fn get(&self, key: &str) -> Result<Option<Bytes>, StoreError> {
        match self.get_stream(key, None).await? {
            Some(s) => collect(s).await.map(Some),
            None => Ok(None),
        }
    }

    /// A byte range in memory; `None` when the key does not exist.
    async fn get_range(&self, key: &str, range: Range<u64>) -> Result<Option<Bytes>, StoreError> {
        match self.get_stream(key, Some(range)).await? {
            Some(s) => collect(s).await.map(Some),
            None => Ok(None),
        }
    }
}

async fn collect(s: ByteStream) -> Result<Bytes, StoreError> {
    s.try_fold(BytesMut::new(), |mut acc, chunk| async move {
        acc.extend_from_slice(&chunk);
        Ok(acc)
    })
    .await
    .map(BytesMut::freeze)
}
