//! The pixel steps of the ingest pipeline, after [`crate::inspect`]: decode with limits,
//! apply the orientation, strip metadata, make the thumbnail and medium variants.

mod buffers;
pub(crate) mod decode;
mod thumbs;

pub use thumbs::fit_inside;

use crate::strip::{metadata_segments, splice_after_header, strip, Icc};
use crate::{inspect, Inspected, Limits, MediaError};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageEncoder};
use imago_core::Format;

/// Quality of a JPEG original re-encoded to apply its orientation: close to what cameras
/// write, so the one generation lost shows little.
const REENCODE_QUALITY: u8 = 90;

/// What to make of an accepted image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcessOptions {
    /// Drop EXIF (GPS, camera, time), XMP, IPTC and comments from the stored original.
    pub strip_metadata: bool,
    /// The thumbnail fits inside this square, aspect kept.
    pub thumb_size: u32,
    /// The medium variant fits inside this square; there is none when the original
    /// already does.
    pub medium_size: u32,
    /// Store a HEIC as a JPEG (quality 90, its colour profile kept), which every browser
    /// shows; `false` stores it as sent (its metadata items blanked when stripping).
    pub heic_as_jpeg: bool,
}

impl Default for ProcessOptions {
    /// Strip, 160 px thumbnails, 640 px media.
    fn default() -> Self {
        ProcessOptions {
            strip_metadata: true,
            thumb_size: 160,
            medium_size: 640,
            heic_as_jpeg: true,
        }
    }
}

/// One stored file: its bytes and what they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub bytes: Vec<u8>,
    pub format: Format,
    /// As displayed.
    pub width: u32,
    pub height: u32,
}

/// The files to store for one upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Processed {
    /// What is stored as the image: metadata stripped when asked, orientation applied
    /// (see the crate doc for how, per format). An animation stays whole.
    pub original: Variant,
    /// The original's frame count (1 for a still image).
    pub frames: u32,
    /// The first frame fitted in `thumb_size`: JPEG when opaque, PNG with transparency.
    /// For AVIF (no AV1 decoder in this build) it is the original itself at full size.
    pub thumb: Variant,
    /// The first frame fitted in `medium_size`, or `None` when the original fits already
    /// (and for AVIF).
    pub medium: Option<Variant>,
}

/// Decodes an image [`inspect`] accepted and makes the files to store.
///
/// The bytes are inspected again first (a few milliseconds), so a description that does
/// not match them, stale or forged, cannot carry a file past the limits. Videos are
/// refused with [`MediaError::NotAnImage`]: the server hands them to ffmpeg.
pub fn process(
    bytes: &[u8],
    inspected: &Inspected,
    opts: &ProcessOptions,
    limits: &Limits,
) -> Result<Processed, MediaError> {
    let format = inspected.image_format()?;
    let fresh = inspect(bytes, limits)?;
    if fresh != *inspected {
        return Err(MediaError::Mismatch(format!(
            "given {inspected:?}, the bytes say {fresh:?}"
        )));
    }
    let Some(image_format) = decode::image_format(format) else {
        return heif(format, bytes, inspected, opts, limits);
    };
    // A JPEG that needs no turning is only read for its variants: shrink it on load.
    let upright = matches!(inspected.orientation, None | Some(1));
    let shrunk = match format {
        Format::Jpeg if upright => {
            decode::jpeg_shrunk(bytes, limits, opts.medium_size.max(opts.thumb_size))
        }
        _ => None,
    };
    let decoded = match shrunk {
        Some(d) => d,
        None => decode::decode(image_format, bytes, limits)?,
    };
    let mut image = decoded.image;
    // An animation is stored whole, so its frames are not turned; its thumbnails follow.
    let turn = inspected.frames <= 1 && decoded.orientation != Orientation::NoTransforms;
    let original = if turn {
        image.apply_orientation(decoded.orientation);
        let keep = (!opts.strip_metadata).then_some(bytes);
        reencode(format, &image, decoded.icc.as_deref(), keep)?
    } else {
        Variant {
            bytes: lossless(format, bytes, opts)?,
            format,
            width: inspected.width,
            height: inspected.height,
        }
    };
    let icc = decoded.icc.as_deref();
    let (thumb, medium) = thumbs::variants(
        thumbs::Source::new(image),
        (original.width, original.height),
        (opts.thumb_size, opts.medium_size),
        icc,
    )?;
    Ok(Processed {
        original,
        frames: inspected.frames,
        thumb,
        medium,
    })
}

/// The original as it is, or with its metadata blocks dropped.
fn lossless(format: Format, bytes: &[u8], opts: &ProcessOptions) -> Result<Vec<u8>, MediaError> {
    if opts.strip_metadata {
        if let Some(stripped) = strip(format, bytes, Icc::Keep)? {
            return Ok(stripped);
        }
    }
    Ok(bytes.to_vec())
}

/// `image` (already turned upright) written again as `format` (JPEG at quality 90, PNG
/// and WebP losslessly; any other as PNG) with `icc` and no other metadata: the bytes of
/// [`crate::tools::strip_metadata`] for a turned photo.
pub(crate) fn reencode_upright(
    format: Format,
    image: &DynamicImage,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    Ok(reencode(format, image, icc, None)?.bytes)
}

/// A still image whose EXIF orientation is not 1, written again with its pixels turned:
/// JPEG at quality 90, keeping the metadata of `keep_metadata_of` (the original file;
/// orientation reset to 1) when given; PNG and WebP losslessly, without metadata; `icc`
/// carried along.
fn reencode(
    format: Format,
    image: &DynamicImage,
    icc: Option<&[u8]>,
    keep_metadata_of: Option<&[u8]>,
) -> Result<Variant, MediaError> {
    let encode = |e: image::ImageError| MediaError::Encode(e.to_string());
    let (width, height) = (image.width(), image.height());
    let mut out = Vec::new();
    let format = match format {
        Format::Jpeg => {
            let mut enc = JpegEncoder::new_with_quality(&mut out, REENCODE_QUALITY);
            if let Some(icc) = icc {
                // A profile the encoder refuses only costs colour accuracy.
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            match image {
                DynamicImage::ImageLuma8(gray) => {
                    enc.write_image(gray.as_raw(), width, height, ExtendedColorType::L8)
                }
                other => {
                    let rgb = other.to_rgb8();
                    enc.write_image(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)
                }
            }
            .map_err(encode)?;
            if let Some(original) = keep_metadata_of {
                let kept = metadata_segments(original).map_err(MediaError::Corrupt)?;
                out = splice_after_header(&out, &kept);
            }
            Format::Jpeg
        }
        Format::Webp => {
            let enc = WebPEncoder::new_lossless(&mut out);
            if image.color().has_alpha() {
                let rgba = image.to_rgba8();
                enc.write_image(rgba.as_raw(), width, height, ExtendedColorType::Rgba8)
            } else {
                let rgb = image.to_rgb8();
                enc.write_image(rgb.as_raw(), width, height, ExtendedColorType::Rgb8)
            }
            .map_err(encode)?;
            Format::Webp
        }
        // PNG, and any other format whose decoder reported an orientation.
        _ => {
            let mut enc = PngEncoder::new(&mut out);
            if let Some(icc) = icc {
                let _ = enc.set_icc_profile(icc.to_vec());
            }
            image.write_with_encoder(enc).map_err(encode)?;
            Format::Png
        }
    };
    Ok(Variant {
        bytes: out,
        format,
        width,
        height,
    })
}

/// AVIF and HEIC, decoded by libheif (turned by `irot`/`imir` as it decodes): AVIF
/// stored as sent (metadata items blanked in place when stripping), HEIC too or as a JPEG
/// ([`ProcessOptions::heic_as_jpeg`]); thumbnail and medium from the decoded pixels.
fn heif(
    format: Format,
    bytes: &[u8],
    inspected: &Inspected,
    opts: &ProcessOptions,
    limits: &Limits,
) -> Result<Processed, MediaError> {
    let picture = crate::codecs::read_inspected(bytes, inspected, limits, &Default::default())?;
    let icc = picture.icc.as_deref();
    let Some(frame) = picture.frames.into_iter().next() else {
        return Err(MediaError::Corrupt("no picture in the file".into()));
    };
    let image = frame.image;
    let (width, height) = (image.width(), image.height());
    let original = if format == Format::Heif && opts.heic_as_jpeg {
        let rgb = crate::codecs::flatten(&image, [255, 255, 255]);
        Variant {
            bytes: crate::codecs::jpeg::encode(
                rgb.as_raw(),
                (width, height),
                REENCODE_QUALITY,
                icc,
            )?,
            format: Format::Jpeg,
            width,
            height,
        }
    } else {
        Variant {
            bytes: lossless(format, bytes, opts)?,
            format,
            width,
            height,
        }
    };
    let (thumb, medium) = thumbs::variants(
        thumbs::Source::new(image),
        (width, height),
        (opts.thumb_size, opts.medium_size),
        icc,
    )?;
    Ok(Processed {
        original,
        frames: inspected.frames,
        thumb,
        medium,
    })
}
