//! Pixel work for `imago serve`: the steps of the ingest pipeline after the body limit.
//!
//! 1. [`inspect`] reads format (magic bytes only), size and frame count from headers and
//!    refuses what is over the [`Limits`], before any decode.
//! 2. [`process`] decodes the first frame with the decoder's memory bounded by the same
//!    limits, applies the EXIF orientation, strips metadata and writes the thumbnail and
//!    medium variants.
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
//! - **Accepted**: AVIF, JPEG, PNG (APNG too), BMP, GIF and WebP (animated too) images;
//!   MP4, MOV and WebM videos, recognised by magic only (their size is left at 0x0 and
//!   [`process`] refuses them: the server runs ffmpeg). SVG answers 415 (`svg_refused`);
//!   HEIF, TIFF, ICO and anything else 415 (`unsupported_type`).
//! - **AVIF is accepted by its header only.** Decoding AV1 needs dav1d (C; the `image`
//!   crate's `avif-native`), which crates.io cannot build without the system library, and
//!   the pure-Rust port `rav1d` has no safe API yet. So an AVIF is stored as it came (its
//!   EXIF item included, even when stripping is asked: rewriting ISOBMFF items is not
//!   done yet), it is its own thumbnail (browsers scale it), and it has no medium. Its
//!   size is the primary item's `ispe` turned by `irot`, which is how browsers show it:
//!   MIAF orients by `irot`/`imir`, not by the EXIF item, so an AVIF whose EXIF says
//!   orientation 6 but has no `irot` is shown as stored (the shared
//!   `avif-orientation-6.avif`: 3024 wide, 4032 high).
//! - **Orientation** (EXIF, as the decoder reads it: JPEG, PNG `eXIf`, WebP `EXIF`) is
//!   applied to still images: the stored original is written again with its pixels
//!   turned (JPEG at quality 90, keeping the ICC profile and, when not stripping, its
//!   other metadata with the orientation reset to 1; PNG and WebP losslessly, without
//!   metadata). An image with orientation 1 or none is never re-encoded.
//! - **Stripping** drops metadata blocks and copies the rest byte for byte (see the table
//!   in `strip/mod.rs`): lossless for JPEG, PNG, WebP and GIF; BMP has none.
//! - **Animations** (GIF, animated WebP, APNG) are stored whole, frames not turned;
//!   thumbnail and medium are made from the first frame and are still images.
//! - **Variants** fit inside a square of the asked side, aspect kept, never enlarged;
//!   JPEG (quality 85) when opaque, PNG when some pixel is transparent; the ICC profile
//!   is carried into them.
//! - **Bounds**: every side and area, of the canvas and of each animation frame, is
//!   checked from headers; the decoder gets the same sides and a memory budget of 8 bytes
//!   per allowed pixel (16-bit RGBA) plus 16 MB, so a header that understates what it
//!   holds still cannot take more.

mod container;
mod error;
mod inspect;
mod limits;
mod process;
mod strip;

pub use error::MediaError;
pub use inspect::{inspect, Inspected, MediaKind, VideoFormat, ACCEPTED_IMAGES};
pub use limits::Limits;
pub use process::{fit_inside, process, ProcessOptions, Processed, Variant};
