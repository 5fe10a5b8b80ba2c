//! JPEG: markers. Segments before the first scan carry a length; a scan (`SOS`) is
//! followed by entropy-coded data in which `FF` is always followed by `00` (a stuffed
//! byte) or a restart marker, so the next real marker is found by scanning.

use super::take;

/// One piece of the file, in order.
pub(crate) enum Piece<'a> {
    /// A segment with a length: its marker (the byte after `FF`), its data after the
    /// length field, and all its bytes.
    Segment {
        marker: u8,
        data: &'a [u8],
        raw: &'a [u8],
    },
    /// Bytes copied as they are: the start marker, fill bytes, entropy-coded data.
    Other(&'a [u8]),
    /// The end-of-image marker: the walk stops after it.
    End(&'a [u8]),
}

/// A byte that makes a marker after `FF`: `TEM` (`01`) and `C0`-`FE`. `00` is a stuffed
/// byte inside image data and `02`-`BF` are reserved: neither starts a segment.
fn is_marker(m: u8) -> bool {
    matches!(m, 0x01 | 0xC0..=0xFE)
}

pub(crate) struct Pieces<'a> {
    b: &'a [u8],
    off: usize,
    in_scan: bool,
    done: bool,
}

pub(crate) fn pieces(b: &[u8]) -> Result<Pieces<'_>, String> {
    if b.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return Err("not a JPEG start-of-image marker".into());
    }
    Ok(Pieces {
        b,
        off: 0,
        in_scan: false,
        done: false,
    })
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Result<Piece<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read();
        if matches!(r, Err(_) | Ok(Piece::End(_))) {
            self.done = true;
        }
        Some(r)
    }
}

impl<'a> Pieces<'a> {
    fn read(&mut self) -> Result<Piece<'a>, String> {
        let b = self.b;
        let start = self.off;
        if start == 0 {
            self.off = 2;
            return Ok(Piece::Other(&b[..2]));
        }
        if start >= b.len() {
            return Err("JPEG ends without an end-of-image marker".into());
        }
        // `FF` then a byte that is no marker where a marker belongs: junk, skipped to the
        // next marker as libjpeg skips it. Read as a segment with a length instead, its
        // bytes would be copied whole, while the junk scan of a stripped copy would run
        // through it and find different markers.
        let junk_marker = !self.in_scan
            && b[start] == 0xFF
            && b.get(start + 1)
                .is_some_and(|&m| !is_marker(m) && m != 0xFF);
        if self.in_scan || b[start] != 0xFF || junk_marker {
            // Entropy-coded data (or junk before a marker): run to the next marker.
            let mut i = if junk_marker { start + 2 } else { start };
            while i + 1 < b.len() {
                if b[i] == 0xFF && is_marker(b[i + 1]) && !matches!(b[i + 1], 0xD0..=0xD7) {
                    break;
                }
                i += 1;
            }
            if i + 1 >= b.len() {
                return Err("JPEG ends inside its image data".into());
            }
            self.in_scan = false;
            self.off = i;
            return Ok(Piece::Other(&b[start..i]));
        }
        let marker = take(b, start + 1, 1, "JPEG marker")?[0];
        match marker {
            // Fill bytes before a marker.
            0xFF => {
                self.off = start + 1;
                Ok(Piece::Other(&b[start..start + 1]))
            }
            0xD9 => {
                self.off = start + 2;
                Ok(Piece::End(&b[start..start + 2]))
            }
            0x01 | 0xD0..=0xD8 => {
                self.off = start + 2;
                Ok(Piece::Other(&b[start..start + 2]))
            }
            _ => {
                let len = take(b, start + 2, 2, "JPEG segment length")?;
                let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                if len < 2 {
                    return Err(format!("JPEG segment at byte {start} has length {len}"));
                }
                let raw = take(b, start, len + 2, "JPEG segment")?;
                self.off = start + 2 + len;
                self.in_scan = marker == 0xDA;
                Ok(Piece::Segment {
                    marker,
                    data: &raw[4..],
                    raw,
                })
            }
        }
    }
}
