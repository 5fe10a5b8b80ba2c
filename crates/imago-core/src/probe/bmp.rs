//! BMP: the 14-byte file header, then a DIB header whose size tells its kind:
//! BITMAPCOREHEADER (12 bytes, 16-bit unsigned sizes) or BITMAPINFOHEADER and its
//! successors (40 bytes and more, 32-bit signed sizes; a negative height means the rows
//! are stored top-down).

use super::bytes::{bad, le16, le32, Parse};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};

/// DIB header sizes that exist: core (12), OS/2 2.x short (16) and full (64), info (40),
/// the Adobe variants (52, 56), V4 (108), V5 (124).
pub(super) fn known_header_size(size: u32) -> bool {
    matches!(size, 12 | 16 | 40 | 52 | 56 | 64 | 108 | 124)
}

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let size = le32(b, 14)?;
    let (width, height) = match size {
        12 => (u32::from(le16(b, 18)?), u32::from(le16(b, 20)?)),
        s if known_header_size(s) => {
            let width = le32(b, 18)? as i32;
            let height = le32(b, 22)? as i32;
            if width < 0 {
                return bad(format!("BMP width {width}"));
            }
            (width.unsigned_abs(), height.unsigned_abs())
        }
        other => return bad(format!("BMP header size {other} is not a known kind")),
    };
    nonzero(Format::Bmp, width, height)?;
    Ok(info(Format::Bmp, width, height, None))
}
