//! TIFF (classic and BigTIFF) and the TIFF structure inside a JPEG's EXIF segment: the
//! first image directory's ImageWidth (256), ImageLength (257) and Orientation (274).

use super::bytes::{bad, end_of, slice, to_usize, Endian, Parse, Stop};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};

const IMAGE_WIDTH: u16 = 256;
const IMAGE_LENGTH: u16 = 257;
const ORIENTATION: u16 = 274;

const SHORT: u16 = 3;
const LONG: u16 = 4;
const LONG8: u16 = 16;

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let ifd = read_ifd0(b)?;
    let (Some(width), Some(height)) = (ifd.width, ifd.height) else {
        return bad("TIFF first directory has no ImageWidth or ImageLength");
    };
    nonzero(Format::Tiff, width, height)?;
    Ok(info(Format::Tiff, width, height, ifd.orientation))
}

/// The orientation of the TIFF block of an EXIF segment. The block is complete (the
/// segment was read whole), so anything it lacks means "no orientation".
pub(super) fn orientation_in(tiff: &[u8]) -> Option<u8> {
    read_ifd0(tiff).ok()?.orientation
}

#[derive(Default)]
struct Ifd0 {
    width: Option<u32>,
    height: Option<u32>,
    orientation: Option<u8>,
}

/// Layout of a directory: classic TIFF has 2-byte counts and 12-byte entries with a
/// 4-byte value; BigTIFF 8-byte counts and 20-byte entries with an 8-byte value.
struct Layout {
    endian: Endian,
    big: bool,
    header_len: usize,
}

impl Layout {
    fn count_len(&self) -> usize {
        if self.big {
            8
        } else {
            2
        }
    }
    fn entry_len(&self) -> usize {
        if self.big {
            20
        } else {
            12
        }
    }
    fn value_at(&self) -> usize {
        if self.big {
            12
        } else {
            8
        }
    }
}

fn header(b: &[u8]) -> Parse<(Layout, usize)> {
    let endian = match slice(b, 0, 2)? {
        b"II" => Endian::Little,
        b"MM" => Endian::Big,
        _ => return bad("not a TIFF (no II or MM byte order)"),
    };
    match endian.u16(b, 2)? {
        42 => {
            let layout = Layout {
                endian,
                big: false,
                header_len: 8,
            };
            Ok((layout, to_usize(u64::from(endian.u32(b, 4)?))?))
        }
        43 => {
            if endian.u16(b, 4)? != 8 || endian.u16(b, 6)? != 0 {
                return bad("BigTIFF header with an unknown offset size");
            }
            let layout = Layout {
                endian,
                big: true,
                header_len: 16,
            };
            Ok((layout, to_usize(endian.u64(b, 8)?)?))
        }
        other => bad(format!("TIFF magic number {other}, expected 42 or 43")),
    }
}

fn read_ifd0(b: &[u8]) -> Parse<Ifd0> {
    let (layout, offset) = header(b)?;
    if offset < layout.header_len {
        // Zero, or pointing back into the header: nothing valid lives there.
        return bad(format!("TIFF first directory at offset {offset}"));
    }
    let e = layout.endian;
    let count = if layout.big {
        to_usize(e.u64(b, offset)?)?
    } else {
        usize::from(e.u16(b, offset)?)
    };
    // A classic count is at most 65535 entries (786 KB); a BigTIFF one is not bounded by
    // its width, so bound it by what a real first directory holds.
    if count > 65_535 {
        return bad(format!("TIFF directory claims {count} entries"));
    }
    let entries_at = end_of(offset, layout.count_len())?;
    let size = count
        .checked_mul(layout.entry_len())
        .ok_or_else(|| Stop::Bad("TIFF directory size overflows".into()))?;
    let entries = slice(b, entries_at, size)?;
    let mut ifd = Ifd0::default();
    for entry in entries.chunks_exact(layout.entry_len()) {
        let tag = e.u16(entry, 0)?;
        if !matches!(tag, IMAGE_WIDTH | IMAGE_LENGTH | ORIENTATION) {
            continue;
        }
        let Some(value) = value(&layout, entry)? else {
            continue;
        };
        match tag {
            IMAGE_WIDTH => ifd.width = Some(value),
            IMAGE_LENGTH => ifd.height = Some(value),
            _ => ifd.orientation = u8::try_from(value).ok().filter(|o| (1..=8).contains(o)),
        }
    }
    Ok(ifd)
}

/// The first value of a SHORT, LONG or LONG8 entry (the three types these tags use);
/// `None` for another type or an empty entry.
fn value(layout: &Layout, entry: &[u8]) -> Parse<Option<u32>> {
    let e = layout.endian;
    let ty = e.u16(entry, 2)?;
    let count = if layout.big {
        e.u64(entry, 4)?
    } else {
        u64::from(e.u32(entry, 4)?)
    };
    if count == 0 {
        return Ok(None);
    }
    let at = layout.value_at();
    Ok(match ty {
        SHORT => Some(u32::from(e.u16(entry, at)?)),
        LONG => Some(e.u32(entry, at)?),
        LONG8 => Some(
            u32::try_from(e.u64(entry, at)?)
                .map_err(|_| Stop::Bad("TIFF dimension does not fit 32 bits".into()))?,
        ),
        _ => None,
    })
}
