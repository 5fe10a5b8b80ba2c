//! JPEG XL: a bare codestream (`FF 0A`, then the bit-packed `SizeHeader` and the start of
//! `ImageMetadata`), or the ISO BMFF container (`JXL ` signature box, `ftyp`, then the
//! codestream in a `jxlc` box or split over `jxlp` boxes). ISO/IEC 18181-1, A.2 and D.
//! Only the size and the orientation are read.

use super::bytes::{bad, be32, be64, slice, to_usize, Parse, Stop};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};

/// The container's first box, whole.
pub(super) const CONTAINER: &[u8] = b"\0\0\0\x0cJXL \r\n\x87\n";

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let (stream, base) = if b.starts_with(CONTAINER) {
        codestream_in_boxes(b)?
    } else {
        (b, 0)
    };
    let (width, height, orientation) = match header(stream) {
        Ok(h) => h,
        // A request for more bytes of the codestream is one for more of the file.
        Err(Stop::Need(n)) => return Err(Stop::Need(base.saturating_add(n))),
        Err(e) => return Err(e),
    };
    nonzero(Format::Jxl, width, height)?;
    Ok(info(Format::Jxl, width, height, Some(orientation)))
}

/// The start of the codestream inside the container, and where it begins in the file.
fn codestream_in_boxes(b: &[u8]) -> Parse<(&[u8], usize)> {
    let mut off = CONTAINER.len();
    loop {
        let size = u64::from(be32(b, off)?);
        let typ = slice(b, off + 4, 4)?;
        let (head, size) = match size {
            1 => (16, be64(b, off + 8)?),
            0 => (8, (b.len() - off) as u64),
            n => (8, n),
        };
        if size < head as u64 {
            return bad(format!("JPEG XL box at byte {off} is {size} bytes"));
        }
        match typ {
            b"jxlc" => return Ok((&b[(off + head).min(b.len())..], off + head)),
            // A partial codestream: a 4-byte index first.
            b"jxlp" => return Ok((&b[(off + head + 4).min(b.len())..], off + head + 4)),
            _ => {
                off = off
                    .checked_add(to_usize(size)?)
                    .ok_or_else(|| Stop::Bad("box size overflows".into()))?
            }
        }
    }
}

/// Bits read least significant first, as the codestream packs them.
struct Bits<'a> {
    b: &'a [u8],
    pos: usize,
}

impl Bits<'_> {
    fn read(&mut self, n: usize) -> Parse<u32> {
        let mut v = 0u32;
        for i in 0..n {
            let byte = *self
                .b
                .get(self.pos / 8)
                .ok_or(Stop::Need(self.pos / 8 + 1))?;
            v |= u32::from((byte >> (self.pos % 8)) & 1) << i;
            self.pos += 1;
        }
        Ok(v)
    }

    /// A side: `U32(Bits(9) + 1, Bits(13) + 1, Bits(18) + 1, Bits(30) + 1)`.
    fn side(&mut self) -> Parse<u32> {
        let bits = [9, 13, 18, 30][self.read(2)? as usize];
        Ok(self.read(bits)? + 1)
    }
}

/// Width, height (as stored) and orientation (1-8) from the codestream's first bytes.
fn header(b: &[u8]) -> Parse<(u32, u32, u8)> {
    if slice(b, 0, 2)? != [0xFF, 0x0A] {
        return bad("JPEG XL codestream without its FF 0A signature");
    }
    let mut r = Bits { b, pos: 16 };
    let small = r.read(1)? == 1;
    let height = if small {
        (r.read(5)? + 1) * 8
    } else {
        r.side()?
    };
    let ratio = r.read(3)?;
    let width = match ratio {
        0 if small => (r.read(5)? + 1) * 8,
        0 => r.side()?,
        n => {
            let (num, den) =
                [(1, 1), (12, 10), (4, 3), (3, 2), (16, 9), (5, 4), (2, 1)][n as usize - 1];
            u32::try_from(u64::from(height) * num / den)
                .map_err(|_| Stop::Bad("JPEG XL width overflows".into()))?
        }
    };
    // ImageMetadata: all_default, then extra_fields, then the orientation (Bits(3) + 1).
    let all_default = r.read(1)? == 1;
    let orientation = if !all_default && r.read(1)? == 1 {
        r.read(3)? as u8 + 1
    } else {
        1
    };
    Ok((width, height, orientation))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes bits least significant first.
    fn pack(fields: &[(u32, usize)]) -> Vec<u8> {
        let mut out = vec![0xFF, 0x0A];
        let mut pos = 16;
        for &(v, n) in fields {
            for i in 0..n {
                if pos / 8 == out.len() {
                    out.push(0);
                }
                out[pos / 8] |= (((v >> i) & 1) as u8) << (pos % 8);
                pos += 1;
            }
        }
        out.push(0);
        out
    }

    /// Height 100 (Bits(9)), ratio 0 with a U32 width of 5000 (Bits(18)), then
    /// orientation 6 (not all_default, extra_fields, Bits(3) = 5).
    fn turned() -> Vec<u8> {
        pack(&[
            (0, 1),
            (0, 2),
            (99, 9),
            (0, 3),
            (2, 2),
            (4999, 18),
            (0, 1),
            (1, 1),
            (5, 3),
        ])
    }

    #[test]
    fn small_sizes_ratios_and_u32_sides() {
        // small, height (3+1)*8 = 32, ratio 0, width (7+1)*8 = 64, all_default.
        let b = pack(&[(1, 1), (3, 5), (0, 3), (7, 5), (1, 1)]);
        assert_eq!(header(&b).unwrap(), (64, 32, 1));
        // not small, height selector 1 (13 bits): 1499+1 = 1500, ratio 3 (4/3): 2000.
        let b = pack(&[(0, 1), (1, 2), (1499, 13), (3, 3), (1, 1)]);
        assert_eq!(header(&b).unwrap(), (2000, 1500, 1));
        assert_eq!(header(&turned()).unwrap(), (5000, 100, 6));
    }

    #[test]
    fn shown_sides_swap_for_a_quarter_turn_and_cut_headers_ask_for_more() {
        let b = turned();
        let i = parse(&b).unwrap();
        assert_eq!((i.width, i.height, i.orientation), (100, 5000, Some(6)));
        assert_eq!(parse(&b[..3]), Err(Stop::Need(4)));
    }
}
