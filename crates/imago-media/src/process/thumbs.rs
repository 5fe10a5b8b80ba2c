//! Thumbnail and medium variants: fit inside a square box, aspect kept, never enlarged,
//! resized with `fast_image_resize` (Lanczos3), written as JPEG (quality 85) when the
//! picture is opaque and PNG when it has transparency (JPEG has no alpha, and the
//! `image` crate's WebP encoder is lossless only, so PNG is as small and more widely
//! read).

use super::Variant;
use crate::MediaError;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};
use imago_core::Format;

/// Quality of thumbnails and media: small, and softer artefacts than the default 75.
const THUMB_QUALITY: u8 = 85;

/// Pixels ready to resize: 8-bit RGB, or RGBA when some pixel is not opaque.
pub(super) struct Source {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    alpha: bool,
}

impl Source {
    pub(super) fn new(image: &DynamicImage) -> Source {
        let (width, height) = (image.width(), image.height());
        if image.color().has_alpha() {
            let rgba = image.to_rgba8();
            if rgba.pixels().any(|p| p.0[3] != u8::MAX) {
                return Source {
                    pixels: rgba.into_raw(),
                    width,
                    height,
                    alpha: true,
                };
            }
        }
        Source {
            pixels: image.to_rgb8().into_raw(),
            width,
            height,
            alpha: false,
        }
    }

    pub(super) fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }
}

/// The size that fits `(width, height)` inside a `side` x `side` box, aspect kept, never
/// larger than the original and never zero.
pub fn fit_inside(width: u32, height: u32, side: u32) -> (u32, u32) {
    let side = side.max(1);
    if width <= side && height <= side {
        return (width.max(1), height.max(1));
    }
    let (long, short) = (width.max(height), width.min(height));
    // Rounded short side: short * side / long, in u64 so it cannot overflow.
    let scaled =
        ((u64::from(short) * u64::from(side) + u64::from(long) / 2) / u64::from(long)).max(1);
    let scaled = u32::try_from(scaled).unwrap_or(side);
    if width >= height {
        (side, scaled)
    } else {
        (scaled, side)
    }
}

/// One variant of `src` fitting a `side` box.
pub(super) fn variant(src: &Source, side: u32, icc: Option<&[u8]>) -> Result<Variant, MediaError> {
    let (width, height) = fit_inside(src.width, src.height, side);
    let pixel_type = if src.alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let resized;
    let pixels: &[u8] = if (width, height) == (src.width, src.height) {
        &src.pixels
    } else {
        let from = ImageRef::new(src.width, src.height, &src.pixels, pixel_type)
            .map_err(|e| MediaError::Encode(e.to_string()))?;
        let mut to = Image::new(width, height, pixel_type);
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        Resizer::new()
            .resize(&from, &mut to, &options)
            .map_err(|e| MediaError::Encode(e.to_string()))?;
        resized = to.into_vec();
        &resized
    };
    let mut bytes = Vec::new();
    let format = if src.alpha {
        let mut enc = PngEncoder::new(&mut bytes);
        if let Some(icc) = icc {
            // A profile the encoder refuses only costs colour accuracy.
            let _ = enc.set_icc_profile(icc.to_vec());
        }
        enc.write_image(pixels, width, height, ExtendedColorType::Rgba8)
            .map_err(|e| MediaError::Encode(e.to_string()))?;
        Format::Png
    } else {
        let mut enc = JpegEncoder::new_with_quality(&mut bytes, THUMB_QUALITY);
        if let Some(icc) = icc {
            let _ = enc.set_icc_profile(icc.to_vec());
        }
        enc.write_image(pixels, width, height, ExtendedColorType::Rgb8)
            .map_err(|e| MediaError::Encode(e.to_string()))?;
        Format::Jpeg
    };
    Ok(Variant {
        bytes,
        format,
        width,
        height,
    })
}
