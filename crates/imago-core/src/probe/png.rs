//! PNG: the IHDR chunk, which the format requires first, right after the signature.

use super::bytes::{bad, be32, slice, u8_at, Parse};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let (width, height) = ihdr(b)?;
    Ok(info(Format::Png, width, height, None))
}

/// Width and height from the start of a PNG stream (also used for PNG entries of an
/// ICO). The header is small enough to check whole, so damaged ones (bad checksum,
/// impossible depth) are refused here rather than by a decoder later.
pub(super) fn ihdr(b: &[u8]) -> Parse<(u32, u32)> {
    // Signature (8), IHDR length and type (8), data (13), CRC (4): asked for in one go.
    slice(b, 0, 33)?;
    if slice(b, 0, SIGNATURE.len())? != SIGNATURE {
        return bad("damaged PNG signature");
    }
    if be32(b, 8)? != 13 || slice(b, 12, 4)? != b"IHDR" {
        return bad("PNG does not start with a 13-byte IHDR chunk");
    }
    let chunk = slice(b, 12, 17)?;
    if crc32(chunk) != be32(b, 29)? {
        return bad("PNG IHDR checksum does not match");
    }
    let width = be32(b, 16)?;
    let height = be32(b, 20)?;
    nonzero(Format::Png, width, height)?;
    // The format caps both at 2^31 - 1.
    if width > i32::MAX as u32 || height > i32::MAX as u32 {
        return bad(format!("PNG header says {width}x{height}"));
    }
    let depth = u8_at(b, 24)?;
    let color = u8_at(b, 25)?;
    let allowed: &[u8] = match color {
        0 => &[1, 2, 4, 8, 16],
        3 => &[1, 2, 4, 8],
        2 | 4 | 6 => &[8, 16],
        _ => return bad(format!("PNG color type {color} does not exist")),
    };
    if !allowed.contains(&depth) {
        return bad(format!("PNG bit depth {depth} with color type {color}"));
    }
    Ok((width, height))
}

/// CRC-32 (ISO 3309, as PNG uses it), bit by bit: it runs over 17 bytes per probe, so a
/// table would be wasted.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc_of_iend_is_the_one_every_png_ends_with() {
        // Every PNG ends with 00 00 00 00 'IEND' AE 42 60 82.
        assert_eq!(super::crc32(b"IEND"), 0xAE42_6082);
    }
}
