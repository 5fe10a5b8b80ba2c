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
            // The next `FF` followed by a marker other than a restart: `memchr` finds the
            // `FF`s (a megabyte of image data holds a few thousand), the rest is checked
            // at each. `last` is the last place an `FF` can have a byte after it.
            let last = b.len() - 1;
            loop {
                match b.get(i..last).and_then(|rest| memchr::memchr(0xFF, rest)) {
                    Some(k) => i += k,
                    None => return Err("JPEG ends inside its image data".into()),
                }
                if is_marker(b[i + 1]) && !matches!(b[i + 1], 0xD0..=0xD7) {
                    break;
                }
                i += 1;
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

#[cfg(test)]
mod tests {
    use super::{pieces, Piece};

    /// What the walk gives, as (kind, bytes) pairs: `S` a segment, `O` other bytes, `E`
    /// the end marker; or the error.
    fn walk(b: &[u8]) -> Result<Vec<(char, Vec<u8>)>, String> {
        pieces(b)?
            .map(|p| {
                p.map(|p| match p {
                    Piece::Segment { raw, .. } => ('S', raw.to_vec()),
                    Piece::Other(o) => ('O', o.to_vec()),
                    Piece::End(e) => ('E', e.to_vec()),
                })
            })
            .collect()
    }

    const SOS: [u8; 6] = [0xFF, 0xDA, 0x00, 0x04, 0x01, 0x02];

    #[test]
    fn image_data_runs_through_stuffed_bytes_and_restarts_to_the_next_marker() {
        // A stuffed FF 00, a restart FF D3 and a fill-less FF at its very end of data.
        let data = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD3, 0x56, 0xFF, 0x00];
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend_from_slice(&SOS);
        jpeg.extend_from_slice(&data);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(
            walk(&jpeg).unwrap(),
            [
                ('O', vec![0xFF, 0xD8]),
                ('S', SOS.to_vec()),
                ('O', data.to_vec()),
                ('E', vec![0xFF, 0xD9]),
            ]
        );
    }

    #[test]
    fn image_data_without_a_marker_after_it_is_an_error() {
        for tail in [&[0x12, 0x34][..], &[0x12, 0xFF], &[0xFF, 0x00, 0xFF, 0xD0]] {
            let mut jpeg = vec![0xFF, 0xD8];
            jpeg.extend_from_slice(&SOS);
            jpeg.extend_from_slice(tail);
            let e = walk(&jpeg).unwrap_err();
            assert_eq!(e, "JPEG ends inside its image data", "{tail:?}");
        }
    }
}
