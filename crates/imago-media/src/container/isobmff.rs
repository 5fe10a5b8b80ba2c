//! ISO base media (AVIF): the parts of `meta` that say where each item's bytes are
//! (`iinf` for types, `iloc` for extents). The boxes themselves are read by
//! `imago_core::isobmff`, the walker the header probe uses too.

use imago_core::isobmff;

use super::{be32, take};

/// One box: its type and its body's span in the slice it was read from.
pub(crate) type Bx = isobmff::Span;

/// The boxes in `b[start..end]`, read by the one walker in `imago_core::isobmff`.
pub(crate) fn boxes(b: &[u8], start: usize, end: usize) -> Result<Vec<Bx>, String> {
    isobmff::boxes(b, start, end)
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

/// A big-endian unsigned number of `n` bytes (0, 2, 4 or 8) at `*off`, which moves on.
fn uint(b: &[u8], off: &mut usize, n: usize) -> Result<u64, String> {
    let s = take(b, *off, n, "iloc field")?;
    *off += n;
    Ok(s.iter()
        .fold(0u64, |acc, byte| (acc << 8) | u64::from(*byte)))
}

/// Item IDs whose type is one of `types` (`mime` items are matched by content type
/// instead: `application/rdf+xml` is XMP).
pub(crate) fn items_of_type(
    b: &[u8],
    iinf: &Bx,
    types: &[&[u8; 4]],
    mimes: &[&[u8]],
) -> Result<Vec<u32>, String> {
    let version = take(b, iinf.body.start, 1, "iinf")?[0];
    let first = iinf.body.start + 4 + if version == 0 { 2 } else { 4 };
    let mut ids = Vec::new();
    for infe in boxes(b, first, iinf.body.end)? {
        if &infe.typ != b"infe" {
            continue;
        }
        let body = &b[infe.body.clone()];
        let v = take(body, 0, 1, "infe")?[0];
        // Versions 0 and 1 predate item types: nothing to match.
        let (id, rest) = match v {
            2 => {
                let s = take(body, 4, 2, "infe")?;
                (u32::from(u16::from_be_bytes([s[0], s[1]])), 8)
            }
            3 => (be32(body, 4, "infe")?, 10),
            _ => continue,
        };
        let typ = take(body, rest, 4, "infe type")?;
        if types.iter().any(|t| &t[..] == typ) {
            ids.push(id);
        } else if typ == b"mime" {
            // item_name, then content_type, both NUL-terminated.
            let strings = body.get(rest + 4..).unwrap_or_default();
            let mut parts = strings.split(|c| *c == 0);
            let content_type = parts.nth(1).unwrap_or_default();
            if mimes.contains(&content_type) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// Where an item's bytes are: in the file (construction method 0) or in `idat` (1).
pub(crate) enum Base {
    File,
    Idat,
}

/// Where an item's bytes lie: extents of (offset, length) from `base`; a length of 0
/// means "to the end".
pub(crate) struct Location {
    pub base: Base,
    pub extents: Vec<(u64, u64)>,
}

/// The location of `item` from `iloc`, or `None` when it has none or one this reader
/// does not follow (construction method 2, a reference to another item).
pub(crate) fn extents(b: &[u8], iloc: &Bx, item: u32) -> Result<Option<Location>, String> {
    let body = &b[iloc.body.clone()];
    let version = take(body, 0, 1, "iloc")?[0];
    let sizes = take(body, 4, 2, "iloc")?;
    let offset_size = usize::from(sizes[0] >> 4);
    let length_size = usize::from(sizes[0] & 15);
    let base_size = usize::from(sizes[1] >> 4);
    let index_size = if version >= 1 {
        usize::from(sizes[1] & 15)
    } else {
        0
    };
    let mut off = 6;
    let count = uint(body, &mut off, if version < 2 { 2 } else { 4 })?;
    for _ in 0..count {
        let id = uint(body, &mut off, if version < 2 { 2 } else { 4 })?;
        let method = if version >= 1 {
            uint(body, &mut off, 2)? & 15
        } else {
            0
        };
        let _data_reference = uint(body, &mut off, 2)?;
        let base = uint(body, &mut off, base_size)?;
        let n = uint(body, &mut off, 2)?;
        let mut list = Vec::new();
        for _ in 0..n {
            uint(body, &mut off, index_size)?;
            let o = uint(body, &mut off, offset_size)?;
            let l = uint(body, &mut off, length_size)?;
            list.push((base.saturating_add(o), l));
        }
        if id == u64::from(item) {
            let base = match method {
                0 => Base::File,
                1 => Base::Idat,
                _ => return Ok(None),
            };
            return Ok(Some(Location {
                base,
                extents: list,
            }));
        }
    }
    Ok(None)
}
