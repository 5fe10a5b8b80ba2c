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
        Format::Tiff => ImageFormat::Tiff,
        Format::Ico => ImageFormat::Ico,
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

pub(crate) fn from_image(e: ImageError) -> MediaError {
    match e {
        ImageError::Limits(l) => MediaError::DecodeLimit(l.to_string()),
        ImageError::Unsupported(u) => MediaError::Unsupported(u.to_string()),
        other => MediaError::Corrupt(other.to_string()),
    }
}

/// Most progressive scans a shrunk decode reads. Each scan is a pass over the whole
/// coefficient buffer, so a small hostile file with thousands of tiny scans costs as much
/// as thousands of images; cameras and encoders write at most a dozen or so. Past it the
/// full decoder takes the file (see [`jpeg_shrunk`]).
const MAX_SCANS: u32 = 100;

/// A JPEG decoded by libjpeg-turbo at the smallest IDCT scale (1/8, 1/4, 1/2 or 1/1)
/// whose longer side still covers `side`: shrink-on-load, as libvips does for thumbnails.
/// The full-size pixels are never held, which matters more for memory than for time.
///
/// The header's sides are checked against `limits` before anything is allocated (libjpeg
/// sizes its buffers from them): one over is left to the full decoder, whose bounds give
/// the error a user reads.
///
/// `None` when this path does not take the file (CMYK or YCCK, 12- or 16-bit samples,
/// too many scans, or any error or warning, such as truncated data): the caller then
/// decodes in full, and that decoder's error is the one a user reads. A panic in the
/// bindings (none is known: libjpeg's own errors return through `setjmp`) is read as
/// `None` too.
pub(crate) fn jpeg_shrunk(bytes: &[u8], limits: &Limits, side: u32) -> Option<Decoded> {
    std::panic::catch_unwind(|| shrunk(bytes, limits, side))
        .ok()
        .flatten()
}

fn shrunk(bytes: &[u8], limits: &Limits, side: u32) -> Option<Decoded> {
    use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat, ScalingFactor};
    let mut decompressor = Decompressor::new().ok()?;
    let header = decompressor.read_header(bytes).ok()?;
    let (width, height) = (header.width, header.height);
    // Stored sides against the longer displayed one: a quarter turn swaps them.
    let longest = u64::from(limits.max_width.max(limits.max_height));
    let (w, h) = (u64::try_from(width).ok()?, u64::try_from(height).ok()?);
    if w == 0 || h == 0 || w > longest || h > longest || w * h > limits.max_pixels {
        return None;
    }
    let (format, channels) = match header.colorspace {
        Colorspace::Gray => (PixelFormat::GRAY, 1),
        Colorspace::RGB | Colorspace::YCbCr => (PixelFormat::RGB, 3),
        Colorspace::CMYK | Colorspace::YCCK => return None,
    };
    // Lossless JPEG has no DCT to scale in.
    let scale = if header.is_lossless {
        ScalingFactor::ONE
    } else {
        scale_for(width.max(height), usize::try_from(side).ok()?)
    };
    decompressor.set_scaling_factor(scale).ok()?;
    decompressor.set_scan_limit(MAX_SCANS).ok()?;
    let (width, height) = (scale.scale(width), scale.scale(height));
    let pitch = width.checked_mul(channels)?;
    let mut pixels = super::buffers::zeroed(pitch.checked_mul(height)?);
    let image = Image {
        pixels: &mut pixels[..],
        width,
        pitch,
        height,
        format,
    };
    // Warnings (corrupt data the library would paint over in grey) are errors here too.
    decompressor.decompress(bytes, image).ok()?;
    let (width, height) = (u32::try_from(width).ok()?, u32::try_from(height).ok()?);
    let image = match format {
        PixelFormat::GRAY => {
            DynamicImage::ImageLuma8(image::GrayImage::from_raw(width, height, pixels)?)
        }
        _ => DynamicImage::ImageRgb8(image::RgbImage::from_raw(width, height, pixels)?),
    };
    Some(Decoded {
        image,
        orientation: Orientation::NoTransforms,
        icc: crate::strip::jpeg_icc_profile(bytes),
    })
}

/// The smallest of 1/8, 1/4 and 1/2 that keeps `longer` at least `side`, or 1/1.
/// libjpeg-turbo also scales by 3/8, 5/8, 6/8 and 7/8, but through plain C inverse DCTs:
/// over the 200 bench photos (2000 x 1500 for a 640 medium) 1/2 took 4% less CPU than
/// 3/8, resizing included, and gives the resizer more pixels.
fn scale_for(longer: usize, side: usize) -> turbojpeg::ScalingFactor {
    [1, 2, 4]
        .into_iter()
        .map(|eighths| turbojpeg::ScalingFactor::new(eighths, 8))
        .find(|s| s.scale(longer) >= side)
        .unwrap_or(turbojpeg::ScalingFactor::ONE)
}

#[cfg(test)]
mod tests {
    use super::scale_for;

    #[test]
    fn scale_is_the_smallest_that_covers_the_side() {
        let eighths = |longer, side| {
            let s = scale_for(longer, side);
            s.num() * 8 / s.denom()
        };
        // A 12 MP photo for a 640 px medium: 1/4 gives 1000 px, 1/8 only 500.
        assert_eq!(eighths(4000, 640), 2);
        // 1/4 of 1920 is 480, short of 640: 1/2 (960), not the slower 3/8 (720).
        assert_eq!(eighths(1920, 640), 4);
        // Exactly covered.
        assert_eq!(eighths(5120, 640), 1);
        // Smaller than the side: decoded whole, never enlarged.
        assert_eq!(eighths(600, 640), 8);
        // Half of 1278 is 639: one short.
        assert_eq!(eighths(1278, 640), 8);
    }
}
