//! Pixels and containers, for the whole project: the steps of `imago serve`'s ingest
//! pipeline after the body limit, the image tools of the command line ([`info`],
//! [`tools`]: strip, convert, resize, stitch, over [`codecs`], which reads and writes
//! every format with the library made for it), and the desktop helper's conversion.
//!
//! 1. [`inspect`] reads format (magic bytes only), size and frame count from headers and
//!    refuses what is over the [`Limits`], before any decode.
//! 2. [`process`] decodes the first frame with the decoder's memory bounded by the same
//!    limits, applies the EXIF orientation, strips metadata and writes the thumbnail and
//!    medium variants.
//! 3. For a video, [`video::prepare`] reads duration and size (ffprobe, or the container's
//!    header), takes a poster frame and drops the metadata (ffmpeg); see [`video`].
//!
//! ```
//! use imago_media::{inspect, process, Limits, ProcessOptions};
//!
//! // A 2x1 PNG made on the spot.
//! let mut png = Vec::new();
//! image::RgbImage::from_pixel(2, 1, image::Rgb([200, 10, 10]))
//!     .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
//!     .unwrap();
//! let limits = Limits::default();
//! let seen = inspect(&png, &limits).unwrap();
//! let done = process(&png, &seen, &ProcessOptions::default(), &limits).unwrap();
//! assert_eq!((done.thumb.width, done.thumb.height), (2, 1));
//! assert!(done.medium.is_none());
//! ```
//!
//! Decisions a caller should know:
//! - **Accepted**: AVIF, HEIC, JPEG, PNG (APNG too), BMP, GIF and WebP (animated too)
//!   images; MP4, MOV and WebM videos, recognised by magic only (their size is left at
//!   0x0 and [`process`] refuses them: [`video::prepare`] runs ffmpeg). SVG answers 415
//!   (`svg_refused`); TIFF, ICO, JPEG XL and anything else 415 (`unsupported_type`). The
//!   image tools read TIFF, ICO and JPEG XL too ([`inspect_readable`], [`codecs`]).
//! - **AVIF and HEIC** are decoded by libheif (dav1d for AV1, libde265 for HEVC), which
//!   turns them by `irot`/`imir` as MIAF says (not by their EXIF item: the shared
//!   `avif-orientation-6.avif` has no `irot` and its EXIF says 1, the file name
//!   notwithstanding: 3024 wide, 4032 high, as stored). An AVIF is stored as it came
//!   (when stripping, the bytes of its EXIF and XMP items are overwritten with zeros in
//!   place); a HEIC too, or as a JPEG ([`ProcessOptions::heic_as_jpeg`], the default:
//!   browsers other than Safari show no HEIC). Both get real thumbnails and media.
//! - **Orientation** (EXIF, as the decoder reads it: JPEG, PNG `eXIf`, WebP `EXIF`) is
//!   applied to still images: the stored original is written again with its pixels
//!   turned (JPEG at quality 90, keeping the ICC profile and, when not stripping, its
//!   other metadata with the orientation reset to 1; PNG and WebP losslessly, without
//!   metadata). An image with orientation 1 or none is never re-encoded.
//! - **Stripping** drops metadata blocks and copies the rest byte for byte (see the table
//!   in `strip/mod.rs`): lossless for JPEG, PNG, WebP, GIF, AVIF and HEIC; BMP has none.
//!   The host keeps the ICC profile; `imago strip` drops it unless asked
//!   ([`tools::strip_metadata`]).
//! - **Animations** (GIF, animated WebP, APNG) are stored whole, frames not turned;
//!   thumbnail and medium are made from the first frame and are still images.
//! - **Variants** fit inside a square of the asked side, aspect kept, never enlarged;
//!   JPEG (quality 85) when opaque, PNG when some pixel is transparent; the ICC profile
//!   is carried into them (colours are not converted to sRGB). An upright JPEG is shrunk
//!   on load (libjpeg-turbo at 1/8, 1/4 or 1/2 scale, whichever still covers the largest
//!   variant), so its full-size pixels are never held; the thumbnail is
//!   resized from the medium's pixels. Other images, and JPEGs libjpeg-turbo does not
//!   take here (CMYK, 12-bit, turned, damaged), are decoded in full by the `image` crate.
//! - **Bounds**: every side and area, of the canvas and of each animation frame, is
//!   checked from headers; the decoder gets the same sides and a memory budget of 8 bytes
//!   per allowed pixel (16-bit RGBA) plus 16 MB, so a header that understates what it
//!   holds still cannot take more.
//! - **Costs**: all three are synchronous (`process` CPU-bound, `video::prepare` waiting
//!   on ffmpeg); the server runs them on blocking threads and bounds how many `process`
//!   calls run at once ([`Limits::decode_budget`] is the most one may hold). `inspect`
//!   takes milliseconds and no memory in proportion to the file.

pub mod codecs;
mod container;
mod error;
pub mod info;
mod inspect;
mod limits;
mod process;
mod strip;
pub mod tools;
pub mod video;

pub use error::MediaError;

/// The metadata strippers (and through them the container walkers) and the video header
/// reader for the fuzz targets in `fuzz/`: they are crate-private, and `inspect` alone
/// does not reach them all.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// `bytes` without metadata, as the ingest step strips a `format` file.
    pub fn strip(
        format: imago_core::Format,
        bytes: &[u8],
    ) -> Result<Option<Vec<u8>>, crate::MediaError> {
        crate::strip::strip(format, bytes, crate::strip::Icc::Keep)
    }

    /// Duration and size from a video's own header, as read when ffprobe is missing.
    pub fn video_header(
        format: crate::VideoFormat,
        bytes: &[u8],
    ) -> Result<crate::video::VideoFacts, crate::video::VideoError> {
        crate::video::header::read(bytes, format)
    }
}
pub use inspect::{
    inspect, inspect_readable, Inspected, MediaKind, VideoFormat, ACCEPTED_IMAGES, READABLE,
};
pub use limits::Limits;
pub use process::{fit_inside, process, ProcessOptions, Processed, Variant};
