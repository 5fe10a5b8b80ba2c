//! The image tools of `imago` (and the desktop helper): strip, convert and resize take
//! one file's bytes and give bytes back, stitch takes decoded pictures and gives the
//! joined parts; the command line finds the files, names and writes the results.

mod convert;
mod resize;
mod stitch;
mod strip;

pub use convert::{convert_image, convert_inspected, ConvertOptions, Converted};
pub use resize::{resample, target_size, Fit, ResizeOptions, Size};
pub use stitch::{stitch, Layout, StitchOptions, MAX_HEIGHT};
pub use strip::{strip_inspected, strip_metadata, StripOptions, Stripped};
