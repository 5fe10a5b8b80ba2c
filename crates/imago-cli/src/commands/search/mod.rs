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

use anyhow::{anyhow, Result};
use imago_search::{Embedder, Fingerprint, Limits};

use crate::cli::ModelArgs;
use crate::BadInput;

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

/// The network `args` ask for: none with `--hashes-only`; the file of `--model`, which
/// must load; else the default one if it is there. Without it, a warning says what is
/// lost and how to get it, and the hashes still answer.
fn embedder(args: &ModelArgs, quiet: bool) -> Result<Option<Embedder>> {
    if args.hashes_only {
        return Ok(None);
    }
    if let Some(path) = &args.model {
        return Embedder::load(path)
            .map(Some)
            .map_err(|e| BadInput(anyhow!("--model: {e}")).into());
    }
    match imago_search::default_model_path() {
        Some(path) if path.is_file() => Embedder::load(&path)
            .map(Some)
            .map_err(|e| anyhow!("{e}; run scripts/fetch-model.sh again, or pass --hashes-only")),
        path => {
            if !quiet {
                eprintln!(
                    "imago: no search model at {}: only identical and resized copies are found, \
                     not crops, watermarks or frames; run scripts/fetch-model.sh, or pass \
                     --hashes-only to say so",
                    path.map(|p| p.display().to_string())
                        .unwrap_or_else(|| "~/.local/share/imago/models".into())
                );
            }
            Ok(None)
        }
    }
}

/// Reads and fingerprints one file (embedded too with `embedder`); the error is a
/// sentence for the user.
fn fingerprint_file(
    path: &Path,
    embedder: Option<&Embedder>,
) -> Result<(Fingerprint, std::fs::Metadata), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let fp = imago_search::fingerprint(&bytes, &limits(), embedder).map_err(|e| e.to_string())?;
    Ok((fp, meta))
}
