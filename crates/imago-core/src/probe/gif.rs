//! GIF: the logical screen descriptor (the canvas every frame is drawn on). Frames larger
//! than the screen are the decoder's business; the screen is what a browser lays out.

use super::bytes::{bad, end_of, le16, u8_at, Parse};
use super::info;
use crate::model::{Format, ImageInfo};

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let width = le16(b, 6)?;
    let height = le16(b, 8)?;
    if width != 0 && height != 0 {
        return Ok(info(Format::Gif, width.into(), height.into(), None));
    }
    // A zero screen happens in the wild; browsers then size the image by its first frame.
    let (width, height) = first_frame(b)?;
    Ok(info(Format::Gif, width, height, None))
}

/// The extent (offset + size) of the first image descriptor.
fn first_frame(b: &[u8]) -> Parse<(u32, u32)> {
    let packed = u8_at(b, 10)?;
    let mut pos = 13;
    if packed & 0x80 != 0 {
        pos += 3 << ((packed & 7) + 1);
    }
    // Every step below moves `pos` forward by at least one byte.
    loop {
        match u8_at(b, pos)? {
            0x2C => {
                let left = u32::from(le16(b, pos + 1)?);
                let top = u32::from(le16(b, pos + 3)?);
                let width = left + u32::from(le16(b, pos + 5)?);
                let height = top + u32::from(le16(b, pos + 7)?);
                if width == 0 || height == 0 {
                    return bad("GIF with a zero screen and a zero first frame");
                }
                return Ok((width, height));
            }
            0x21 => {
                // Extension: label, then data sub-blocks until an empty one.
                pos = end_of(pos, 2)?;
                loop {
                    let len = usize::from(u8_at(b, pos)?);
                    pos = end_of(pos, 1 + len)?;
                    if len == 0 {
                        break;
                    }
                }
            }
            0x3B => return bad("GIF with a zero screen and no frame"),
            other => return bad(format!("GIF block type {other:#04x} at {pos}")),
        }
    }
}
