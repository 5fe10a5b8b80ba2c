//! Metadata stripping without touching pixels: each format's metadata blocks are dropped
//! and every other block is copied byte for byte, so no generation is lost.
//!
//! The ICC profile (JPEG `APP2`, PNG `iCCP`, WebP `ICCP`, GIF `ICCRGBG1012`) is kept or
//! dropped as the caller asks ([`Icc`]); in AVIF and HEIC it is a property of the image
//! (`colr`), always kept.
//!
//! | format | dropped | kept |
//! |---|---|---|
//! | JPEG | APP0 other than JFIF (a JFXX thumbnail), APP1 (EXIF, XMP), APP2 other than ICC (MPF), APP3-APP13 (APP11: C2PA/JUMBF, APP13: IPTC/Photoshop), APP15, COM, bytes after the end marker (an Ultra HDR gain map, MPF pictures) | APP0 (JFIF), APP2 ICC profile, APP14 (Adobe colour transform), tables, scans |
//! | PNG | `eXIf`, `tEXt`, `iTXt`, `zTXt`, `tIME`, bytes after `IEND` | colour chunks (`iCCP`, `sRGB`, `gAMA`, `cHRM`, `sBIT`), `pHYs`, APNG chunks, image data |
//! | WebP | `EXIF`, `XMP ` (and their `VP8X` flags; the RIFF size is rewritten), bytes past the RIFF size | `ICCP`, animation, alpha, image data |
//! | GIF | comment extensions, application extensions other than looping (`NETSCAPE2.0`, `ANIMEXTS1.0`; XMP lives in one), bytes after the trailer | frames, graphic controls, plain text |
//! | BMP | nothing: it has no metadata block | everything |
//! | AVIF, HEIC | the bytes of `Exif` items and of `mime` items of type `application/rdf+xml` (XMP), overwritten with zeros in place (sizes and offsets unchanged); an item outside `mdat`/`idat` is refused as damage | everything else |

mod avif;
mod gif;
mod jpeg;
mod png;
mod webp;

use crate::MediaError;
use imago_core::Format;

pub(crate) use jpeg::{
    icc_profile as jpeg_icc_profile, icc_segments as jpeg_icc_segments, metadata_segments,
    splice_after_header,
};

/// Whether the colour profile goes with the metadata. The host keeps it (it is how the
/// colours are meant); `imago strip` drops it unless `--keep-icc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Icc {
    Keep,
    Drop,
}

/// `bytes` without its metadata, or `None` when the format has nothing to drop.
pub(crate) fn strip(format: Format, bytes: &[u8], icc: Icc) -> Result<Option<Vec<u8>>, MediaError> {
    let out = match format {
        Format::Jpeg => jpeg::strip(bytes, icc),
        Format::Png => png::strip(bytes, icc),
        Format::Webp => webp::strip(bytes, icc),
        Format::Gif => gif::strip(bytes, icc),
        Format::Avif | Format::Heif => avif::strip(bytes),
        _ => return Ok(None),
    };
    out.map(Some).map_err(MediaError::Corrupt)
}
