//! Search by image on the command line: `imago index` fingerprints folders into one
//! SQLite file, `imago search` answers the same picture and its edited copies from it,
//! `imago dedupe` groups the duplicates of folders, and `grab --dedupe similar` checks
//! downloads against their folder (`similar.rs`). The work is `imago_search`'s; here
//! files are found, read on a pool of workers and reported.

mod dedupe;
mod find;
mod index;
mod report;
mod similar;
mod walk;

pub use dedupe::dedupe;
pub use find::search;
pub use index::index;
pub use similar::FolderSimilar;

use std::path::Path;

use anyhow::Result;
use imago_search::{Fingerprint, Limits};

/// A file's length and modification time (nanoseconds since 1970), what `index` compares
/// to skip a file it has read before.
fn stamp(meta: &std::fs::Metadata) -> (u64, i64) {
    use std::os::unix::fs::MetadataExt;
    (meta.len(), meta.mtime() * 1_000_000_000 + meta.mtime_nsec())
}

/// The tools' bounds on one file (512 MB, the host's sides and area).
fn limits() -> Limits {
    super::tools::limits()
}

/// Reads and fingerprints one file; the error is a sentence for the user.
fn fingerprint_file(path: &Path) -> Result<(Fingerprint, std::fs::Metadata), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let fp = imago_search::fingerprint(&bytes, &limits()).map_err(|e| e.to_string())?;
    Ok((fp, meta))
}
