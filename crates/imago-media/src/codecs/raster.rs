//! The formats the `image` crate reads (with libjpeg-turbo for JPEG): still images through
//! the host's decode path, animations frame by frame.

use std::io::Cursor;
use std::time::Duration;

use image::codecs::gif::GifDecoder;
use image::codecs::png::PngDecoder;
use image::codecs::webp::WebPDecoder;
use image::metadata::Orientation;
use image::{AnimationDecoder, DynamicImage, ImageDecoder};
use imago_core::Format;

use super::{Frame, Picture, ReadOptions};
use crate::process::decode::{decode, from_image, image_format, jpeg_shrunk, Decoded};
use crate::{Inspected, Limits, MediaError};

pub(super) fn read(
    bytes: &[u8],
    format: Format,
    seen: &Inspected,
    limits: &Limits,
    opts: &ReadOptions,
) -> Result<Picture, MediaError> {
    if seen.frames > 1 && opts.all_frames {
        return animation(bytes, format, seen, limits);
    }
    let shrunk = match format {
        Format::Jpeg => jpeg_shrunk(bytes, limits, opts.shrink_to.unwrap_or(u32::MAX)).map(|d| {
            // libjpeg-turbo does not read EXIF: the header walk did.
            let exif = seen.orientation.and_then(Orientation::from_exif);
            Decoded {
                orientation: exif.unwrap_or(Orientation::NoTransforms),
                ..d
            }
        }),
        _ => None,
    };
    let decoded = match shrunk {
        Some(d) => d,
        None => {
            let Some(codec) = image_format(format) else {
                return Err(MediaError::Unsupported(format!(
                    "no decoder for {} here",
                    format.as_str().to_uppercase()
                )));
            };
            decode(codec, bytes, limits)?
        }
    };
    let bit_depth = depth(&decoded.image);
    let mut image = decoded.image;
    image.apply_orientation(decoded.orientation);
    Ok(Picture {
        format,
        frames: vec![Frame {
            image,
            delay: Duration::ZERO,
        }],
        frames_in_file: seen.frames.max(1),
        icc: decoded.icc,
        bit_depth,
    })
}

/// Bits per sample of a decoded image.
fn depth(image: &DynamicImage) -> u8 {
    let color = image.color();
    color.bits_per_pixel() as u8 / color.channel_count().max(1)
}

/// Every frame of a GIF, animated WebP or APNG, composed on the canvas as players show
/// them. The frames together are held to the decode budget: a thousand frames of a large
/// canvas are refused from the header, before the first is decoded.
fn animation(
    bytes: &[u8],
    format: Format,
    seen: &Inspected,
    limits: &Limits,
) -> Result<Picture, MediaError> {
    let need = u64::from(seen.frames) * u64::from(seen.width) * u64::from(seen.height) * 4;
    if need > limits.decode_budget() {
        return Err(MediaError::DecodeLimit(format!(
            "{} frames of {}x{} need {} MB",
            seen.frames,
            seen.width,
            seen.height,
            need >> 20
        )));
    }
    let mut bounds = image::Limits::default();
    let side = limits.max_width.max(limits.max_height);
    bounds.max_image_width = Some(side);
    bounds.max_image_height = Some(side);
    bounds.max_alloc = Some(limits.decode_budget());
    let cursor = Cursor::new(bytes);
    let (icc, frames) = match format {
        Format::Gif => {
            let mut d = GifDecoder::new(cursor).map_err(from_image)?;
            d.set_limits(bounds).map_err(from_image)?;
            (d.icc_profile().ok().flatten(), d.into_frames())
        }
        Format::Webp => {
            let mut d = WebPDecoder::new(cursor).map_err(from_image)?;
            d.set_limits(bounds).map_err(from_image)?;
            (d.icc_profile().ok().flatten(), d.into_frames())
        }
        Format::Png => {
            let mut d = PngDecoder::new(cursor).map_err(from_image)?;
            d.set_limits(bounds).map_err(from_image)?;
            let icc = d.icc_profile().ok().flatten();
            (icc, d.apng().map_err(from_image)?.into_frames())
        }
        other => {
            return Err(MediaError::Unsupported(format!(
                "{} has no animation here",
                other.as_str().to_uppercase()
            )))
        }
    };
    let mut out = Vec::new();
    for frame in frames.take(seen.frames as usize) {
        // Damage after the first frame ends the animation there, as browsers end it.
        let frame = match frame {
            Ok(f) => f,
            Err(_) if !out.is_empty() => break,
            Err(e) => return Err(from_image(e)),
        };
        let (num, den) = frame.delay().numer_denom_ms();
        let delay = Duration::from_micros(u64::from(num) * 1000 / u64::from(den.max(1)));
        out.push(Frame {
            image: DynamicImage::ImageRgba8(frame.into_buffer()),
            delay,
        });
    }
    if out.is_empty() {
        return Err(MediaError::Corrupt("the animation has no frame".into()));
    }
    Ok(Picture {
        format,
        frames_in_file: seen.frames,
        frames: out,
        icc,
        bit_depth: 8,
    })
}
