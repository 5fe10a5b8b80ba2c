//! `imago strip`: metadata removed without re-encoding where the format allows it.

use imago_core::Format;

use crate::codecs::{read_inspected, ReadOptions};
use crate::process::reencode_upright;
use crate::strip::{strip, Icc};
use crate::{inspect_readable, Inspected, Limits, MediaError};

/// What [`strip_metadata`] keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StripOptions {
    /// Keep the ICC colour profile (dropped by default with the rest).
    pub keep_icc: bool,
}

/// A file without its metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stripped {
    pub bytes: Vec<u8>,
    pub format: Format,
    /// As shown.
    pub width: u32,
    pub height: u32,
    /// The pixels were turned by the EXIF orientation and written again (JPEG at quality
    /// 90, PNG and WebP losslessly): dropping the EXIF block alone would have shown the
    /// picture on its side.
    pub reencoded: bool,
}

/// `bytes` without EXIF, XMP, IPTC, comments (and the ICC profile unless kept): blocks
/// dropped and the rest copied byte for byte (see `strip/mod.rs` for what each format
/// drops), except a still image with an EXIF orientation other than 1, which is turned
/// first and re-encoded ([`Stripped::reencoded`]). BMP and ICO carry no metadata and come
/// back as they are; TIFF, whose metadata are tags of the image's own directory, is
/// refused.
pub fn strip_metadata(
    bytes: &[u8],
    limits: &Limits,
    opts: &StripOptions,
) -> Result<Stripped, MediaError> {
    strip_inspected(bytes, &inspect_readable(bytes, limits)?, limits, opts)
}

/// [`strip_metadata`] when the caller has inspected the bytes already.
pub fn strip_inspected(
    bytes: &[u8],
    seen: &Inspected,
    limits: &Limits,
    opts: &StripOptions,
) -> Result<Stripped, MediaError> {
    let format = seen.image_format()?;
    let icc = if opts.keep_icc { Icc::Keep } else { Icc::Drop };
    let turned = seen.frames <= 1
        && matches!(format, Format::Jpeg | Format::Png | Format::Webp)
        && exif_orientation(bytes).is_some_and(|o| o != 1);
    if turned {
        let picture = read_inspected(bytes, seen, limits, &ReadOptions::default())?;
        let profile = picture.icc.as_deref().filter(|_| opts.keep_icc);
        let bytes = reencode_upright(format, picture.first(), profile)?;
        // The encoders write no metadata but the profile asked for.
        let stripped = strip(format, &bytes, icc)?.unwrap_or(bytes);
        return Ok(Stripped {
            bytes: stripped,
            format,
            width: picture.first().width(),
            height: picture.first().height(),
            reencoded: true,
        });
    }
    let stripped = match format {
        Format::Tiff => {
            return Err(MediaError::Unsupported(
                "stripping TIFF is not supported (its metadata are tags of the image itself): convert it".into(),
            ))
        }
        _ => strip(format, bytes, icc)?.unwrap_or_else(|| bytes.to_vec()),
    };
    Ok(Stripped {
        bytes: stripped,
        format,
        width: seen.width,
        height: seen.height,
        reencoded: false,
    })
}

/// The EXIF orientation, from whichever block the format keeps it in.
fn exif_orientation(bytes: &[u8]) -> Option<u32> {
    exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes))
        .ok()?
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)?
        .value
        .get_uint(0)
}
