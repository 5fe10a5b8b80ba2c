//! The crate's one error type.

use thiserror::Error;

/// Why an image could not be fingerprinted or the index could not answer.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The bytes are not an image imago reads, or break its limits.
    #[error(transparent)]
    Media(#[from] imago_media::MediaError),
    /// Smaller than PDQ can hash (5 px a side), or nothing left after trimming.
    #[error("the image is {width}x{height}, too small to fingerprint")]
    TooSmall { width: u32, height: u32 },
    /// The index file could not be opened, read or written.
    #[error("the index {path}: {source}")]
    Db {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    /// The file is another program's database.
    #[error("{path} is not an imago index (it has a table {table:?}): give --db a new file or an index `imago index` made")]
    NotAnIndex { path: String, table: String },
    /// The embedding's network could not be loaded.
    #[error("the search model {path}: {reason}")]
    Model { path: String, reason: String },
    /// The network failed on a picture.
    #[error("the embedding failed: {reason}")]
    Embed { reason: String },
    /// The index file was written by another version of imago's fingerprints.
    #[error("the index {path} holds fingerprints of version {found}, this imago writes {wanted}: rebuild it with `imago index --rebuild`")]
    Version {
        path: String,
        found: String,
        wanted: String,
    },
}
