//! The image tools: `info`, `strip`, `convert`, `resize`, `stitch`. Thin: the files are
//! found, spread over a pool of workers, named and written here; the work on each is
//! `imago_media`'s.
//!
//! Every tool: a folder stands for the image files directly in it; a file that fails is
//! reported and the others go on (exit 1); what would overwrite a file is refused
//! unless `--force`; results are written to a temporary file beside the target and
//! renamed, so a result that is there is whole.

mod convert;
mod files;
mod info;
mod report;
mod step;
mod stitch;
mod strip;

pub use convert::{convert, resize};
pub use files::{is_image_name, pool, write_atomic};
pub use info::info;
pub use step::ImageStep;
pub use stitch::stitch;
pub use strip::strip;

use imago_media::Limits;

/// What one file may be: the host's bounds on sides, area and frames, and files up to
/// 512 MB (a tool's user chose them; a 100-megapixel TIFF is larger than the host's 5 MB).
pub fn limits() -> Limits {
    Limits {
        max_bytes: 512 << 20,
        ..Limits::default()
    }
}
