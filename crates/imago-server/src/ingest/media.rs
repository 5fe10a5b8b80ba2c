//! The pixel step. PLACEHOLDER until `imago_media::{inspect, process}` lands: the
//! original is stored as uploaded (no orientation, no metadata stripping, no variants;
//! the thumbnail URL serves the original), with the header's dimensions.

use bytes::Bytes;
use imago_core::probe::{probe, Probe};
use imago_core::Format;

use crate::error::ApiError;

/// What is stored: the original and its variants, each with its format.
pub struct Processed {
    pub original: Bytes,
    pub width: u32,
    pub height: u32,
    pub frames: u32,
    pub thumb: Option<(Bytes, Format)>,
    pub medium: Option<(Bytes, Format)>,
}

pub fn process(bytes: Bytes, _format: Format, _strip: bool) -> Result<Processed, ApiError> {
    let (width, height) = match probe(&bytes, true) {
        Probe::Known(info) => (info.width, info.height),
        _ => {
            return Err(ApiError::unprocessable(
                "invalid_image",
                "the image cannot be read",
            ))
        }
    };
    Ok(Processed {
        original: bytes,
        width,
        height,
        frames: 1,
        thumb: None,
        medium: None,
    })
}
