//! Which metadata blocks a file carries, found by the same walkers `strip` uses, so what
//! `info` reports is what `strip` drops.

use imago_core::Format;

use super::{raster_header, Block};
use crate::container::{gif, jpeg, png, webp};
use crate::{Limits, MediaError};

/// XMP's namespace, which opens its JPEG segment and names its PNG text chunk.
const XMP_JPEG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_PNG: &[u8] = b"XML:com.adobe.xmp\0";
/// A Photoshop image resource block (APP13), where JPEG keeps IPTC.
const PHOTOSHOP: &[u8] = b"Photoshop 3.0\0";

pub(super) struct Found {
    /// The shown size when the header walk cannot tell it: HEIC and AVIF, which libheif
    /// crops (`clap`) and turns (`irot`) as it decodes.
    pub shown: Option<(u32, u32)>,
    pub blocks: Vec<Block>,
    pub icc: Option<Vec<u8>>,
    pub bit_depth: u8,
}

pub(super) fn present(format: Format, b: &[u8], limits: &Limits) -> Result<Found, MediaError> {
    if matches!(format, Format::Avif | Format::Heif) {
        return heif(b, limits);
    }
    let (bit_depth, icc) = raster_header(format, b);
    let mut blocks = Vec::new();
    let mut saw = |block| blocks.push(block);
    let damaged = MediaError::Corrupt;
    match format {
        Format::Jpeg => {
            for piece in jpeg::pieces(b).map_err(damaged)? {
                match piece.map_err(damaged)? {
                    jpeg::Piece::Segment { marker: 0xDA, .. } => break,
                    jpeg::Piece::Segment { marker, data, .. } => match marker {
                        0xE1 if data.starts_with(b"Exif\0") => saw(Block::Exif),
                        0xE1 if data.starts_with(XMP_JPEG) => saw(Block::Xmp),
                        0xED if data.starts_with(PHOTOSHOP) => saw(Block::Iptc),
                        _ => {}
                    },
                    _ => {}
                }
            }
        }
        Format::Png => {
            for chunk in png::chunks(b).map_err(damaged)? {
                let chunk = chunk.map_err(damaged)?;
                match &chunk.kind {
                    b"eXIf" => saw(Block::Exif),
                    b"iTXt" if chunk.data.starts_with(XMP_PNG) => saw(Block::Xmp),
                    // ImageMagick and exiftool keep EXIF and IPTC as hex in text chunks.
                    b"tEXt" | b"zTXt" if chunk.data.starts_with(b"Raw profile type exif\0") => {
                        saw(Block::Exif)
                    }
                    b"tEXt" | b"zTXt" if chunk.data.starts_with(b"Raw profile type iptc\0") => {
                        saw(Block::Iptc)
                    }
                    _ => {}
                }
            }
        }
        Format::Webp => {
            for chunk in webp::chunks(b).map_err(damaged)? {
                match &chunk.map_err(damaged)?.fourcc {
                    b"EXIF" => saw(Block::Exif),
                    b"XMP " => saw(Block::Xmp),
                    _ => {}
                }
            }
        }
        Format::Gif => {
            for block in gif::blocks(b) {
                if let gif::Block::Extension {
                    label: 0xFF, first, ..
                } = block.map_err(damaged)?
                {
                    if first == b"XMP DataXMP" {
                        saw(Block::Xmp);
                    }
                }
            }
        }
        Format::Tiff => {
            // The file is a TIFF directory: XMP and IPTC are tags of it (700, 33723).
            if let Ok(fields) = exif::Reader::new().read_raw(b.to_vec()) {
                for f in fields.fields() {
                    match f.tag.number() {
                        700 => saw(Block::Xmp),
                        33723 => saw(Block::Iptc),
                        _ => {}
                    }
                }
            }
        }
        _ => {}
    }
    Ok(Found {
        shown: None,
        blocks,
        icc,
        bit_depth,
    })
}

/// HEIC and AVIF: the primary image's metadata items, as libheif lists them.
fn heif(b: &[u8], limits: &Limits) -> Result<Found, MediaError> {
    let ctx = crate::codecs::heif_context(b, limits)?;
    let handle = ctx
        .primary_image_handle()
        .map_err(|e| MediaError::Corrupt(e.message))?;
    let mut blocks = Vec::new();
    for m in handle.all_metadata() {
        // A stripped item keeps its place and size, its bytes zeroed: nothing is told.
        if m.raw_data.iter().all(|b| *b == 0) {
            continue;
        }
        match (&m.item_type.0, m.content_type.as_str()) {
            (b"Exif", _) => blocks.push(Block::Exif),
            (b"mime", "application/rdf+xml") => blocks.push(Block::Xmp),
            (b"iptc", _) => blocks.push(Block::Iptc),
            _ => {}
        }
    }
    Ok(Found {
        shown: Some((handle.width(), handle.height())),
        blocks,
        icc: handle.color_profile_raw().map(|p| p.data),
        bit_depth: handle.luma_bits_per_pixel(),
    })
}
