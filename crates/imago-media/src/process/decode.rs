//! Decoding the first frame with the decoder's own limits set from ours.

use crate::{Limits, MediaError};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use imago_core::Format;
use std::io::Cursor;

/// The first frame, its EXIF orientation and ICC profile.
pub(crate) struct Decoded {
    pub image: DynamicImage,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
}

pub(crate) fn image_format(format: Format) -> Option<ImageFormat> {
    Some(match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        Format::Bmp => ImageFormat::Bmp,
        _ => return None,
    })
}

/// Decodes the first frame. A panic inside a codec (a bug that hostile bytes found) is
/// caught and answered as a damaged file, so one upload cannot take a server thread down.
pub(crate) fn decode(
    format: ImageFormat,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Decoded, MediaError> {
    std::panic::catch_unwind(|| decode_inner(format, bytes, limits)).unwrap_or_else(|_| {
        Err(MediaError::Corrupt(format!(
            "the {format:?} decoder failed on this file"
        )))
    })
}

fn decode_inner(format: ImageFormat, bytes: &[u8], limits: &Limits) -> Result<Decoded, MediaError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The decoder sees stored sides, ours are displayed ones: a quarter turn swaps them.
    let side = limits.max_width.max(limits.max_height);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(side);
    bounds.max_image_height = Some(side);
    bounds.max_alloc = Some(limits.decode_budget());
    reader.limits(bounds);
    let mut decoder = reader.into_decoder().map_err(from_image)?;
    // Damaged metadata is not a damaged picture: read it as "none".
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();
    let image = DynamicImage::from_decoder(decoder).map_err(from_image)?;
    Ok(Decoded {
        image,
        orientation,
        icc,
    })
}

pub(super) fn from_image(e: ImageError) -> MediaError {
    match e {
        ImageError::Limits(l) => MediaError::DecodeLimit(l.to_string()),
        ImageError::Unsupported(u) => MediaError::Unsupported(u.to_string()),
        other => MediaError::Corrupt(other.to_string()),
    }
}

/// A JPEG decoded at the smallest IDCT scale (1/8, 1/4, 1/2 or full) whose longer side
/// still covers `side`: shrink-on-load, as libvips does for thumbnails. The full-size
/// pixels are never held, which matters more for memory than for time.
///
/// The decode runs on one thread of its own. Left to itself, jpeg-decoder starts a
/// thread per colour component for every image and hands each one every MCU row through
/// a channel: a fifth of a thumbnail's CPU time went to those hand-offs (futex wake-ups),
/// and a server that runs one decode per core had three times as many threads busy. With
/// its `rayon` feature the rows are rayon jobs instead, and inside a pool of one thread
/// they run on that thread, one after another.
///
/// `None` when this decoder does not do it (CMYK, 16-bit, arithmetic coding, or an
/// error): the caller then decodes in full, and that decoder's error is the one a user
/// reads.
pub(super) fn jpeg_shrunk(bytes: &[u8], limits: &Limits, side: u32) -> Option<Decoded> {
    use jpeg_decoder::{Decoder, PixelFormat};
    let side = u16::try_from(side).unwrap_or(u16::MAX);
    let mut decoder = Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(
        usize::try_from(limits.decode_budget()).unwrap_or(usize::MAX),
    );
    let (width, height) = decoder.scale(side, side).ok()?;
    // No pool (no thread to be had): decoding outside one would start rayon's global
    // pool, so the full decoder takes this file instead.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "imago-jpeg".into())
        .build()
        .ok()?;
    let pixels = pool
        .install(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decoder.decode())))
        .ok()?
        .ok()?;
    let (width, height) = (u32::from(width), u32::from(height));
    let image = match decoder.info()?.pixel_format {
        PixelFormat::L8 => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(width, height, pixels)?)
        }
        PixelFormat::RGB24 => {
            DynamicImage::ImageRgb8(image::RgbImage::from_raw(width, height, pixels)?)
        }
        PixelFormat::L16 | PixelFormat::CMYK32 => return None,
    };
    Some(Decoded {
        image,
        orientation: Orientation::NoTransforms,
        icc: decoder.icc_profile(),
    })
}
