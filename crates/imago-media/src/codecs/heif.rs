//! HEIC and AVIF through libheif: HEVC decoded by libde265, AV1 by dav1d. libheif applies
//! the container's `irot`/`imir`/`clap` itself, which is how these formats are oriented
//! (an EXIF orientation inside repeats it and is not applied again). An AVIF sequence
//! (`avis`) is read by its primary image.

use std::time::Duration;

use image::{DynamicImage, RgbImage, RgbaImage};
use imago_core::Format;
use libheif_rs::{
    ColorSpace, DecodingOptions, HeifContext, HeifError, ImageHandle, LibHeif, RgbChroma,
};

use super::{Frame, Picture};
use crate::{Limits, MediaError};

pub(super) fn read(bytes: &[u8], format: Format, limits: &Limits) -> Result<Picture, MediaError> {
    let ctx = context(bytes, limits)?;
    let handle = ctx.primary_image_handle().map_err(damaged)?;
    // `inspect` checked the `ispe` sides; the handle's are the decoded ones (after `clap`
    // and a turn), which a grid or a crop can make differ.
    crate::inspect::check_area(handle.width(), handle.height(), limits)?;
    let bit_depth = handle.luma_bits_per_pixel();
    let image = decode(&handle)?;
    Ok(Picture {
        format,
        frames: vec![Frame {
            image,
            delay: Duration::ZERO,
        }],
        frames_in_file: 1,
        icc: handle.color_profile_raw().map(|p| p.data),
        bit_depth,
    })
}

/// A libheif context over `bytes` with our pixel limit as libheif's own.
pub(crate) fn context<'a>(bytes: &'a [u8], limits: &Limits) -> Result<HeifContext<'a>, MediaError> {
    let mut ctx = HeifContext::new().map_err(|e| MediaError::Encode(e.message))?;
    let mut bounds = ctx.security_limits();
    bounds.set_max_image_size_pixels(limits.max_pixels);
    ctx.set_security_limits(&bounds)
        .map_err(|e| MediaError::Encode(e.message))?;
    ctx.read_bytes(bytes).map_err(damaged)?;
    Ok(ctx)
}

fn damaged(e: HeifError) -> MediaError {
    MediaError::Corrupt(e.message)
}

/// The pixels as 8-bit RGB, or RGBA when the image has an alpha plane (10- and 12-bit
/// images are scaled down to 8 bits by libheif).
fn decode(handle: &ImageHandle) -> Result<DynamicImage, MediaError> {
    let alpha = handle.has_alpha_channel();
    let chroma = if alpha {
        RgbChroma::Rgba
    } else {
        RgbChroma::Rgb
    };
    let mut opts = DecodingOptions::new()
        .ok_or_else(|| MediaError::Encode("libheif has no decoding options".into()))?;
    opts.set_convert_hdr_to_8bit(true);
    let lib = LibHeif::new();
    let decoded = lib
        .decode(handle, ColorSpace::Rgb(chroma), Some(opts))
        .map_err(damaged)?;
    let planes = decoded.planes();
    let plane = planes
        .interleaved
        .ok_or_else(|| MediaError::Corrupt("libheif gave no interleaved plane".into()))?;
    let channels = if alpha { 4 } else { 3 };
    let (width, height) = (plane.width, plane.height);
    let row = width as usize * channels;
    let mut pixels = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        let start = y * plane.stride;
        let line = plane.data.get(start..start + row).ok_or_else(|| {
            MediaError::Corrupt("libheif's plane is shorter than its size".into())
        })?;
        pixels.extend_from_slice(line);
    }
    let short = || MediaError::Corrupt("libheif's plane does not match its size".into());
    Ok(if alpha {
        DynamicImage::ImageRgba8(RgbaImage::from_raw(width, height, pixels).ok_or_else(short)?)
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_raw(width, height, pixels).ok_or_else(short)?)
    })
}
