//! WebP: the first chunk after `RIFF....WEBP` is `VP8 ` (lossy), `VP8L` (lossless) or
//! `VP8X` (extended: the canvas of an animation or of an image with alpha or metadata).

use super::bytes::{bad, le16, le32, slice, u8_at, Parse};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let (width, height) = match slice(b, 12, 4)? {
        b"VP8 " => lossy(b)?,
        b"VP8L" => lossless(b)?,
        b"VP8X" => extended(b)?,
        other => {
            return bad(format!(
                "WebP first chunk is {:?}, not VP8, VP8L or VP8X",
                String::from_utf8_lossy(other)
            ))
        }
    };
    nonzero(Format::Webp, width, height)?;
    Ok(info(Format::Webp, width, height, None))
}

/// VP8 key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height
/// (the top two bits are a scale hint for the decoder, not part of the size).
fn lossy(b: &[u8]) -> Parse<(u32, u32)> {
    if slice(b, 23, 3)? != [0x9D, 0x01, 0x2A] {
        return bad("WebP VP8 frame without a key frame start code");
    }
    let width = le16(b, 26)? & 0x3FFF;
    let height = le16(b, 28)? & 0x3FFF;
    Ok((width.into(), height.into()))
}

/// VP8L: signature 0x2F, then width-1 and height-1 in 14 bits each, little-endian.
fn lossless(b: &[u8]) -> Parse<(u32, u32)> {
    if u8_at(b, 20)? != 0x2F {
        return bad("WebP VP8L chunk without its 0x2F signature");
    }
    let bits = le32(b, 21)?;
    Ok(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
}

/// VP8X: flags (1), reserved (3), canvas width-1 and height-1 in 24 bits each.
fn extended(b: &[u8]) -> Parse<(u32, u32)> {
    let dims = slice(b, 24, 6)?;
    let width = u32::from_le_bytes([dims[0], dims[1], dims[2], 0]) + 1;
    let height = u32::from_le_bytes([dims[3], dims[4], dims[5], 0]) + 1;
    Ok((width, height))
}
