//! Decoding the first frame with the decoder's own limits set from ours.

use crate::{Limits, MediaError};
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use imago_core::Format;
use std::io::Cursor;

/// The first frame, its EXIF orientation and ICC profile.
pub(super) struct Decoded {
    pub image: DynamicImage,
    pub orientation: Orientation,
    pub icc: Option<Vec<u8>>,
}

pub(super) fn image_format(format: Format) -> Option<ImageFormat> {
    Some(match format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        Format::Bmp => ImageFormat::Bmp,
        _ => return None,
    })
}

pub(super) fn decode(
    format: ImageFormat,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Decoded, MediaError> {
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
