//! AVIF and HEIF (ISO base media file format): `ftyp` names the brand; the `meta` box's
//! `pitm` names the primary item, `iprp/ipma` ties items to properties in `iprp/ipco`,
//! and the primary item's `ispe` gives its size (and `irot` a rotation).
//!
//! Only the primary item counts: the same `ipco` holds the `ispe` of thumbnails, alpha
//! planes and grid tiles, often before the primary's. The EXIF item is not read (see the
//! module doc of `probe`): MIAF leaves display orientation to `irot`/`imir`.

use super::bytes::{bad, be16, be32, end_of, slice, u8_at, Parse, Stop};
use super::{info, nonzero};
use crate::isobmff::{self, BoxError, Header};
use crate::model::{Format, ImageInfo};

/// How far into `ftyp` the brand list is read: the same bytes `sniff` sees, so sniffing
/// and probing agree.
const BRAND_SCAN: usize = super::SNIFF_LEN;

/// The format an `ftyp` box announces: `Ok(None)` when it is not an AVIF/HEIF brand (or
/// not `ftyp` at all), `Err(n)` when `n` bytes would tell.
pub(super) fn brand(b: &[u8]) -> Result<Option<Format>, usize> {
    let typ = b.get(4..b.len().min(8)).unwrap_or_default();
    if !b"ftyp".starts_with(typ) {
        return Ok(None);
    }
    let (Some(size), Some(major)) = (b.get(0..4), b.get(8..12)) else {
        return Err(12);
    };
    let size = u32::from_be_bytes([size[0], size[1], size[2], size[3]]) as usize;
    if size < 16 {
        return Ok(None);
    }
    match classify_brand(major) {
        Some(Brand::Avif) => return Ok(Some(Format::Avif)),
        Some(Brand::Heif) => return Ok(Some(Format::Heif)),
        Some(Brand::Generic) | None => {}
    }
    let limit = size.min(BRAND_SCAN);
    let Some(compatible) = b.get(16..limit) else {
        return Err(limit);
    };
    let brands = || compatible.chunks_exact(4).filter_map(classify_brand);
    if brands().any(|b| b == Brand::Avif) {
        return Ok(Some(Format::Avif));
    }
    if classify_brand(major) == Some(Brand::Generic) || brands().next().is_some() {
        return Ok(Some(Format::Heif));
    }
    Ok(None)
}

/// Whether the bytes start with an `ftyp` box (of any brand).
pub(super) fn is_ftyp(b: &[u8]) -> bool {
    b.get(4..8) == Some(b"ftyp")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Brand {
    Avif,
    Heif,
    /// `mif1`/`msf1`: a HEIF-family still image or sequence of any codec.
    Generic,
}

fn classify_brand(brand: &[u8]) -> Option<Brand> {
    match brand {
        b"avif" | b"avis" => Some(Brand::Avif),
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" => Some(Brand::Heif),
        b"mif1" | b"msf1" => Some(Brand::Generic),
        _ => None,
    }
}

/// Reads the box header at `off` with the shared walker; `parent_end` is where the
/// enclosing box ends (`None` at the top level of a file whose length is unknown).
fn header(b: &[u8], off: usize, parent_end: Option<usize>) -> Parse<Header> {
    isobmff::header(b, off, parent_end).map_err(|e| match e {
        BoxError::Truncated { need, .. } => Stop::Need(need),
        other => Stop::Bad(other.to_string()),
    })
}

/// `complete`: `b` is the whole file, so running out of boxes means there is no `meta`
/// (rather than "read more").
pub(super) fn parse(b: &[u8], format: Format, complete: bool) -> Parse<ImageInfo> {
    let mut off = 0;
    loop {
        if complete && off >= b.len() {
            return bad(format!("{format} file has no meta box"));
        }
        let h = header(b, off, None)?;
        if &h.typ == b"meta" {
            // Whatever part of meta is missing, ask for all of it: one more read, not
            // one per child box.
            let (width, height) = meta(b, &h).map_err(|stop| match (stop, h.end) {
                (Stop::Need(n), Some(end)) => Stop::Need(n.max(end)),
                (stop, _) => stop,
            })?;
            nonzero(format, width, height)?;
            return Ok(info(format, width, height, None));
        }
        match h.end {
            Some(end) => off = end,
            None => return bad(format!("{format} file has no meta box")),
        }
    }
}

/// Walks the children of `meta` (a full box: 4 bytes of version and flags first). Stops
/// as soon as both the primary item and the item properties are known, so the bytes
/// after `iprp` (item references, inline data) are never needed.
fn meta(b: &[u8], h: &Header) -> Parse<(u32, u32)> {
    let mut off = end_of(h.body, 4)?;
    slice(b, h.body, 4)?;
    let mut primary = None;
    let mut iprp: Option<&[u8]> = None;
    loop {
        if h.end.is_some_and(|end| off >= end) {
            break;
        }
        let child = header(b, off, h.end)?;
        let Some(child_end) = child.end else {
            return bad("box of size 0 inside a meta box of unknown size");
        };
        match &child.typ {
            b"pitm" => primary = Some(pitm(b, child.body)?),
            b"iprp" => iprp = Some(slice(b, child.body, child_end - child.body)?),
            _ => {}
        }
        if let (Some(item), Some(iprp)) = (primary, iprp) {
            return whole(properties(iprp, item));
        }
        off = child_end;
    }
    match (primary, iprp) {
        (None, _) => bad("meta box has no primary item (pitm)"),
        (_, None) => bad("meta box has no item properties (iprp)"),
        (Some(item), Some(iprp)) => whole(properties(iprp, item)),
    }
}

fn pitm(b: &[u8], body: usize) -> Parse<u32> {
    match u8_at(b, body)? {
        0 => be16(b, body + 4).map(u32::from),
        _ => be32(b, body + 4),
    }
}

/// Inside a box read whole, running out of bytes means the box lied about its contents.
fn whole<T>(r: Parse<T>) -> Parse<T> {
    r.map_err(|stop| match stop {
        Stop::Need(_) => Stop::Bad("item property box ends inside a record".into()),
        bad => bad,
    })
}

/// The display size of `item` from the bytes of an `iprp` box.
fn properties(iprp: &[u8], item: u32) -> Parse<(u32, u32)> {
    let end = Some(iprp.len());
    let mut ipco = None;
    let mut associated: Vec<u16> = Vec::new();
    let mut off = 0;
    while off < iprp.len() {
        let child = header(iprp, off, end)?;
        let child_end = child.end.unwrap_or(iprp.len());
        let body = iprp.get(child.body..child_end).unwrap_or_default();
        match &child.typ {
            b"ipco" => ipco = Some(body),
            b"ipma" => associations(body, item, &mut associated)?,
            _ => {}
        }
        off = child_end;
    }
    let Some(ipco) = ipco else {
        return bad("item properties without ipco");
    };
    let mut size = None;
    let mut quarter_turns = 0;
    let mut index: u16 = 0;
    let mut off = 0;
    while off < ipco.len() {
        let child = header(ipco, off, Some(ipco.len()))?;
        let child_end = child.end.unwrap_or(ipco.len());
        index = index.saturating_add(1);
        if associated.contains(&index) {
            let body = ipco.get(child.body..child_end).unwrap_or_default();
            match &child.typ {
                // Full box: version and flags, then width and height.
                b"ispe" if size.is_none() => size = Some((be32(body, 4)?, be32(body, 8)?)),
                b"irot" => quarter_turns = u8_at(body, 0)? & 3,
                _ => {}
            }
        }
        off = child_end;
    }
    let Some((width, height)) = size else {
        return bad(format!("primary item {item} has no size property (ispe)"));
    };
    // irot turns anti-clockwise by quarter turns: one or three swap the sides.
    Ok(if quarter_turns % 2 == 1 {
        (height, width)
    } else {
        (width, height)
    })
}

/// Adds the property indices `ipma` associates with `item` (at most 255 per entry, so
/// the list stays small whatever the file says).
fn associations(ipma: &[u8], item: u32, out: &mut Vec<u16>) -> Parse<()> {
    let version = u8_at(ipma, 0)?;
    let wide_index = u8_at(ipma, 3)? & 1 == 1;
    let count = be32(ipma, 4)?;
    let mut off = 8;
    // Each entry takes at least three bytes, so the loop ends with the box.
    for _ in 0..count {
        let id = if version < 1 {
            let id = be16(ipma, off).map(u32::from)?;
            off += 2;
            id
        } else {
            let id = be32(ipma, off)?;
            off += 4;
            id
        };
        let n = usize::from(u8_at(ipma, off)?);
        off += 1;
        let width = if wide_index { 2 } else { 1 };
        let list = slice(ipma, off, n * width)?;
        off += n * width;
        if id != item {
            continue;
        }
        // The top bit of each entry is the "essential" flag, not part of the index.
        for entry in list.chunks_exact(width) {
            out.push(if wide_index {
                u16::from_be_bytes([entry[0], entry[1]]) & 0x7FFF
            } else {
                u16::from(entry[0] & 0x7F)
            });
        }
        return Ok(());
    }
    Ok(())
}

/// For a complete file: every top-level box ends inside it (an `mdat` cut short is the
/// usual truncation).
pub(super) fn boxes_fit(b: &[u8]) -> Parse<()> {
    for found in isobmff::boxes(b, 0, b.len()) {
        found.map_err(|e| match e {
            BoxError::PastContainer { .. } | BoxError::Truncated { .. } => {
                Stop::Bad(format!("truncated file: {e}"))
            }
            other => Stop::Bad(other.to_string()),
        })?;
    }
    Ok(())
}
