//! Format, width and height from the first bytes of an image file.
//!
//! CONTRACT (the engine codes against this; the body is being written):

use crate::model::ImageInfo;

/// The outcome of looking at a prefix of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The header is known.
    Known(ImageInfo),
    /// The header goes on past the prefix: call again with at least this many bytes in
    /// total (never returned when `complete` is true).
    NeedMore(usize),
    /// Not an image this probe knows (HTML error page, truncated file, unknown format):
    /// the reason in words.
    NotImage(String),
}

/// Looks at `prefix`, the first bytes of a file; `complete` says it is the whole file.
pub fn probe(prefix: &[u8], complete: bool) -> Probe {
    let _ = (prefix, complete);
    todo!("probe is being written")
}
