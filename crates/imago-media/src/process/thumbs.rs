//! Thumbnail and medium variants: fit inside a square box, aspect kept, never enlarged,
//! resized with `fast_image_resize` (Lanczos3), written as JPEG (quality 85, 4:2:0
//! chroma, as libjpeg writes by default) when the picture is opaque and PNG when it has
//! transparency (JPEG has no alpha; PNG is read by every client of the host, older ones
//! included, where a lossy WebP would not be).
//!
//! The JPEGs come from libjpeg-turbo (`codecs/jpeg.rs`, the library that decodes JPEG
//! uploads) rather than the `image` crate's encoder: that one writes full-resolution chroma and
//! has no SIMD, and it took a fifth of the time of a server upload's pixel work.
//! libjpeg-turbo's SIMD DCT and Huffman coder with averaged 4:2:0 chroma make files a
//! quarter smaller than it, and took 1.5-2 ms less per image than `jpeg-encoder` (AVX2
//! DCT) for the same bytes to within a few (the `thumbs` example; the server's figures
//! are in bench/results.md (4f)).

use super::{buffers, Variant};
use crate::MediaError;
use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions};
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};
use imago_core::Format;
use std::borrow::Cow;

/// Quality of thumbnails and media: small, and softer artefacts than the default 75.
const THUMB_QUALITY: u8 = 85;

/// Pixels ready to resize: 8-bit RGB, or RGBA when some pixel is not opaque.
#[derive(Clone)]
pub(super) struct Source {
    pixels: Vec<u8>,
    width: u32,
    height: u32,
    alpha: bool,
}

impl Source {
    /// Takes the decoded picture over (an 8-bit RGB or RGBA image is not copied).
    pub(super) fn new(image: DynamicImage) -> Source {
        let (width, height) = (image.width(), image.height());
        let opaque = |image: DynamicImage| Source {
            pixels: image.into_rgb8().into_raw(),
            width,
            height,
            alpha: false,
        };
        if !image.color().has_alpha() {
            return opaque(image);
        }
        let rgba = image.into_rgba8();
        if rgba.pixels().all(|p| p.0[3] == u8::MAX) {
            return opaque(DynamicImage::ImageRgba8(rgba));
        }
        Source {
            pixels: rgba.into_raw(),
            width,
            height,
            alpha: true,
        }
    }

    /// A copy resized to `(width, height)`, or `None` when this one has that size.
    fn resized(&self, (width, height): (u32, u32)) -> Result<Option<Source>, MediaError> {
        if (width, height) == (self.width, self.height) {
            return Ok(None);
        }
        let pixel_type = if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        };
        let fail = |e: &dyn std::fmt::Display| MediaError::Encode(e.to_string());
        let from = ImageRef::new(self.width, self.height, &self.pixels, pixel_type)
            .map_err(|e| fail(&e))?;
        let len = usize::try_from(u64::from(width) * u64::from(height))
            .ok()
            .and_then(|n| n.checked_mul(pixel_type.size()))
            .ok_or_else(|| {
                MediaError::Encode(format!("a {width}x{height} variant is too large"))
            })?;
        let mut to = Image::from_vec_u8(width, height, buffers::zeroed(len), pixel_type)
            .map_err(|e| fail(&e))?;
        let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
        let mut resizer = buffers::resizer();
        let resized = resizer.resize(&from, &mut to, &options);
        buffers::give_resizer(resizer);
        resized.map_err(|e| fail(&e))?;
        Ok(Some(Source {
            pixels: to.into_vec(),
            width,
            height,
            alpha: self.alpha,
        }))
    }

    /// Encodes these pixels: PNG with transparency, JPEG otherwise.
    pub(super) fn write(&self, icc: Option<&[u8]>) -> Result<Variant, MediaError> {
        let fail = |e: image::ImageError| MediaError::Encode(e.to_string());
        let (width, height) = (self.width, self.height);
        let mut bytes = Vec::new();
        let format = if self.alpha {
            let mut enc = PngEncoder::new(&mut bytes);
            if let Some(icc) = icc {
                // A profile the encoder refuses only costs colour accuracy.
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            enc.write_image(&self.pixels, width, height, ExtendedColorType::Rgba8)
                .map_err(fail)?;
            Format::Png
        } else {
            bytes = crate::codecs::jpeg::encode(&self.pixels, (width, height), THUMB_QUALITY, icc)?;
            Format::Jpeg
        };
        Ok(Variant {
            bytes,
            format,
            width,
            height,
        })
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

/// The thumbnail and the medium variant (none when the picture fits `medium_side`) of a
/// picture of `full` size, from `src`: those pixels, or fewer when the decoder shrank
/// them on load (never fewer than the variants need).
///
/// The thumbnail is resized from the medium pixels when there are some: a Lanczos kernel
/// over the full picture costs in proportion to the shrink factor, and the medium is
/// still four times the thumbnail's side, so the result is the same to the eye.
pub(super) fn variants(
    src: Source,
    full: (u32, u32),
    (thumb_side, medium_side): (u32, u32),
    icc: Option<&[u8]>,
) -> Result<(Variant, Option<Variant>), MediaError> {
    // Both sizes from the full size, so that neither a shrunk source nor the medium's
    // rounding moves the thumbnail's.
    let (width, height) = full;
    let medium = if width.max(height) <= medium_side {
        None
    } else {
        match src.resized(fit_inside(width, height, medium_side))? {
            Some(m) => Some(Cow::Owned(m)),
            // Shrunk on load to the medium's size exactly.
            None => Some(Cow::Borrowed(&src)),
        }
    };
    let base = match &medium {
        Some(m) if medium_side >= thumb_side => m.as_ref(),
        _ => &src,
    };
    let thumb = match base.resized(fit_inside(width, height, thumb_side))? {
        Some(t) => t.write(icc)?,
        None => base.write(icc)?,
    };
    let written = medium.as_deref().map(|m| m.write(icc)).transpose()?;
    // The pixel buffers go back for the next image (see `buffers`).
    if let Some(Cow::Owned(m)) = medium {
        buffers::give(m.pixels);
    }
    buffers::give(src.pixels);
    Ok((thumb, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sampling factors of each component, from the baseline frame header (SOF0).
    fn sampling(jpeg: &[u8]) -> Vec<(u8, u8)> {
        let at = jpeg
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("a baseline frame header");
        // FFC0, length (2), precision, height (2), width (2), count, then 3 bytes each.
        let count = usize::from(jpeg[at + 9]);
        (0..count)
            .map(|i| {
                let hv = jpeg[at + 10 + 3 * i + 1];
                (hv >> 4, hv & 0x0F)
            })
            .collect()
    }

    #[test]
    fn opaque_variant_is_a_420_jpeg_that_keeps_its_colours() {
        // Left half red, right half blue: 4:2:0 averaging must not smear one into the
        // other away from the edge.
        let (w, h) = (64u32, 48u32);
        let mut pixels = Vec::new();
        for _ in 0..h {
            for x in 0..w {
                pixels.extend_from_slice(if x < w / 2 {
                    &[220, 20, 20]
                } else {
                    &[20, 20, 220]
                });
            }
        }
        let src = Source {
            pixels,
            width: w,
            height: h,
            alpha: false,
        };
        let v = src.write(None).unwrap();
        assert_eq!((v.format, v.width, v.height), (Format::Jpeg, w, h));
        // Luma 2x2, both chroma components 1x1: 4:2:0, as libjpeg and libvips write.
        assert_eq!(sampling(&v.bytes), vec![(2, 2), (1, 1), (1, 1)]);
        let back = image::load_from_memory(&v.bytes).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (w, h));
        let near = |p: &image::Rgb<u8>, want: [u8; 3]| {
            p.0.iter().zip(want).all(|(a, b)| a.abs_diff(b) < 24)
        };
        assert!(
            near(back.get_pixel(8, 24), [220, 20, 20]),
            "{:?}",
            back.get_pixel(8, 24)
        );
        assert!(
            near(back.get_pixel(56, 24), [20, 20, 220]),
            "{:?}",
            back.get_pixel(56, 24)
        );
    }
}
