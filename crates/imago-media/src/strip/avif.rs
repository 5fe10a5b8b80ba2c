//! AVIF: the EXIF and XMP items' bytes are overwritten with zeros where they lie. The
//! file keeps its size and every offset in it, so nothing else needs rewriting; a reader
//! finds an EXIF item whose TIFF header is gone (no data) and an empty XMP packet.
//!
//! Only bytes inside an `mdat` body (or the `idat` of an item stored there) are
//! overwritten: an extent that points anywhere else (at the box headers, or into `meta`
//! itself) would blank the file's structure, so such a file is refused as damaged.

use crate::container::isobmff::{boxes, extents, items_of_type, Base};

pub(super) fn strip(b: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = b.to_vec();
    let top = boxes(b, 0, b.len())?;
    let Some(meta) = top.iter().find(|x| &x.typ == b"meta") else {
        return Err("AVIF without a meta box".into());
    };
    // `meta` is a full box: version and flags first.
    let children = boxes(b, meta.body.start + 4, meta.body.end)?;
    let find = |t: &[u8; 4]| children.iter().find(|x| &x.typ == t);
    let (Some(iinf), Some(iloc)) = (find(b"iinf"), find(b"iloc")) else {
        return Ok(out);
    };
    let idat = find(b"idat").map(|x| x.body.clone());
    let media: Vec<_> = top
        .iter()
        .filter(|x| &x.typ == b"mdat")
        .map(|x| x.body.clone())
        .collect();
    let ids = items_of_type(b, iinf, &[b"Exif"], &[b"application/rdf+xml"])?;
    for id in ids {
        let Some(location) = extents(b, iloc, id)? else {
            continue;
        };
        let origin = match location.base {
            Base::File => 0..b.len(),
            Base::Idat => match &idat {
                Some(r) => r.clone(),
                None => return Err("AVIF item in idat without an idat box".into()),
            },
        };
        for (offset, length) in location.extents {
            let start = usize::try_from(offset)
                .ok()
                .and_then(|o| origin.start.checked_add(o))
                .filter(|s| *s <= origin.end)
                .ok_or("AVIF metadata item outside the file")?;
            // Length 0: the rest of the container.
            let end = match length {
                0 => origin.end,
                l => usize::try_from(l)
                    .ok()
                    .and_then(|l| start.checked_add(l))
                    .filter(|e| *e <= origin.end)
                    .ok_or("AVIF metadata item runs past the file")?,
            };
            let inside_data = match location.base {
                Base::File => media.iter().any(|m| m.start <= start && end <= m.end),
                // `origin` is the idat body already.
                Base::Idat => true,
            };
            if !inside_data {
                return Err("AVIF metadata item outside the media data".into());
            }
            out[start..end].fill(0);
        }
    }
    Ok(out)
}
