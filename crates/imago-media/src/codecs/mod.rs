//! Every format people meet, read into frames of pixels with the library made for it, and
//! the five targets written.
//!
//! | format | read | write | library |
//! |---|---|---|---|
//! | JPEG | yes | yes | libjpeg-turbo 3 (`turbojpeg`, bundled), the `image` crate's decoder for what it refuses (CMYK, 12-bit) |
//! | PNG, APNG | yes, frames too | PNG | `image` (`png`) |
//! | GIF | yes, frames too | yes, frames too | `image` (`gif`) |
//! | WebP | yes, frames too | lossy and lossless, frames too | `image-webp` to read, libwebp (`webp`, vendored) to write |
//! | BMP, TIFF, ICO | yes (TIFF: the first page; ICO: the largest entry) | no | `image` |
//! | AVIF | yes (a sequence: its primary image) | yes | libheif (bundled 1.23): dav1d to read, aom to write |
//! | HEIC/HEIF | yes | no | libheif with libde265 |
//! | JPEG XL | yes (an animation: its first frame) | no | `jxl-oxide` |
//!
//! Reading checks every side, area and frame count from headers first
//! ([`crate::inspect_readable`]), hands the decoder the same bounds, and then applies the
//! orientation: EXIF for JPEG, PNG, WebP and TIFF; `irot`/`imir` for HEIC and AVIF,
//! which libheif applies itself (their EXIF orientation, when there is one, repeats it
//! and is not applied twice); the codestream's own for JPEG XL, which jxl-oxide applies.

mod avif;
mod colour;
mod gif;
mod heif;
pub(crate) mod jpeg;
mod jxl;
mod raster;
mod webp;
mod write;

pub(crate) use colour::{flatten, has_transparency};
pub(crate) use heif::context as heif_context;
pub use write::{write, Target, WriteOptions, Written};

use std::time::Duration;

use image::DynamicImage;
use imago_core::Format;

use crate::{inspect_readable, Inspected, Limits, MediaError};

/// One picture of a file, upright.
#[derive(Clone, Debug)]
pub struct Frame {
    pub image: DynamicImage,
    /// How long an animation shows it (zero for a still image).
    pub delay: Duration,
}

/// What [`read`] found: the frames, upright, and what the pixels mean.
#[derive(Clone, Debug)]
pub struct Picture {
    pub format: Format,
    /// At least one; all of an animation's when [`ReadOptions::all_frames`] asked for
    /// them, else the first.
    pub frames: Vec<Frame>,
    /// The frames the file holds (an animation's count even when only one was read).
    pub frames_in_file: u32,
    /// The embedded ICC profile, when there is one.
    pub icc: Option<Vec<u8>>,
    /// Bits per sample as stored (8 for most images, 10 or 12 for some AVIF and HEIC,
    /// 16 for some PNG and TIFF); the pixels here are 8- or 16-bit.
    pub bit_depth: u8,
}

impl Picture {
    /// One still picture made here (a stitched image), with no profile.
    pub fn still(format: Format, image: impl Into<DynamicImage>) -> Picture {
        Picture {
            format,
            frames: vec![Frame {
                image: image.into(),
                delay: Duration::ZERO,
            }],
            frames_in_file: 1,
            icc: None,
            bit_depth: 8,
        }
    }

    /// The first frame, the still image.
    pub fn first(&self) -> &DynamicImage {
        &self.frames[0].image
    }

    /// Whether it is an animation that was read whole.
    pub fn is_animated(&self) -> bool {
        self.frames.len() > 1
    }
}

/// What to read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Every frame of an animation (GIF, WebP, APNG), not only the first.
    pub all_frames: bool,
    /// The longer side the caller will shrink to: a JPEG is then decoded at the smallest
    /// IDCT scale (1/8, 1/4, 1/2) that still covers it, so its full-size pixels are never
    /// held (libvips' shrink-on-load).
    pub shrink_to: Option<u32>,
}

/// Reads `bytes` (any format of the table above) within `limits`.
///
/// ```
/// use imago_media::codecs::{read, ReadOptions};
/// use imago_media::Limits;
///
/// let mut png = Vec::new();
/// image::RgbImage::from_pixel(3, 2, image::Rgb([1, 2, 3]))
///     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
///     .unwrap();
/// let picture = read(&png, &Limits::default(), &ReadOptions::default()).unwrap();
/// assert_eq!((picture.first().width(), picture.first().height()), (3, 2));
/// ```
pub fn read(bytes: &[u8], limits: &Limits, opts: &ReadOptions) -> Result<Picture, MediaError> {
    let seen = inspect_readable(bytes, limits)?;
    read_inspected(bytes, &seen, limits, opts)
}

/// [`read`] when the caller has inspected the bytes already.
pub fn read_inspected(
    bytes: &[u8],
    seen: &Inspected,
    limits: &Limits,
    opts: &ReadOptions,
) -> Result<Picture, MediaError> {
    let format = seen.image_format()?;
    // A codec's panic on hostile bytes is a damaged file, not a dead worker.
    std::panic::catch_unwind(|| match format {
        Format::Avif | Format::Heif => heif::read(bytes, format, limits),
        Format::Jxl => jxl::read(bytes, limits),
        _ => raster::read(bytes, format, seen, limits, opts),
    })
    .unwrap_or_else(|_| {
        Err(MediaError::Corrupt(format!(
            "the {} decoder failed on this file",
            format.as_str().to_uppercase()
        )))
    })
}
