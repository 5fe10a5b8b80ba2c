//! When the caller hands over a whole file (`complete`), whether it really ends where its
//! format says: a file cut short by the server or the network is refused, even though
//! its header is intact. A download with a correct `Content-Length` can still be a
//! truncated file (cut at the source), and only its structure tells.
//!
//! The checks walk the file's own length fields, never decode pixels, and lean lenient
//! where browsers do (a GIF without its trailer byte, a PNG without IEND, bytes after a
//! JPEG's end marker are all shown, so they pass). TIFF, SVG and JPEG XL are not checked.

use super::bytes::{bad, be32, end_of, le16, le32, u8_at, Parse, Stop};
use super::{isobmff, jpeg};
use crate::model::Format;
use memchr::memmem;

/// `Ok` when the complete file `b` is whole; otherwise the reason.
pub(super) fn check(format: Format, b: &[u8]) -> Parse<()> {
    let outcome = match format {
        Format::Jpeg => jpeg_end(b),
        Format::Png => png_chunks(b),
        Format::Gif => gif_blocks(b),
        Format::Webp => riff_size(b),
        Format::Avif | Format::Heif => isobmff::boxes_fit(b),
        Format::Bmp => bmp_pixels(b),
        Format::Ico => ico_entries(b),
        // A JPEG XL codestream has no length to check short of decoding it.
        Format::Tiff | Format::Svg | Format::Jxl => Ok(()),
    };
    // Inside a complete file, running out of bytes is the truncation itself.
    outcome.map_err(|stop| match stop {
        Stop::Need(n) => Stop::Bad(format!(
            "truncated {format} file: its structure needs {n} bytes, the file has {}",
            b.len()
        )),
        bad => bad,
    })
}

/// After the frame header, the entropy-coded data cannot hold FF D9 (an FF there is
/// followed by 00 or a restart marker), so the first FF D9 is the end-of-image marker.
fn jpeg_end(b: &[u8]) -> Parse<()> {
    let (_, after_frame) = jpeg::frame(b)?;
    let rest = b.get(after_frame.min(b.len())..).unwrap_or_default();
    if memmem::find(rest, &[0xFF, 0xD9]).is_none() {
        return bad("truncated jpeg file: no end-of-image marker");
    }
    Ok(())
}

/// Every chunk fits the file, and there is image data.
fn png_chunks(b: &[u8]) -> Parse<()> {
    let mut pos = 8;
    let mut image_data = false;
    let mut end_chunk = false;
    while pos < b.len() {
        let len = be32(b, pos)? as usize;
        let kind = super::bytes::slice(b, pos + 4, 4)?;
        // Length, type, data, CRC: at least 12 bytes, so the walk moves on.
        let end = end_of(pos, 12)
            .and_then(|p| end_of(p, len))
            .map_err(|_| Stop::Bad("PNG chunk length overflows".into()))?;
        if end > b.len() {
            return Err(Stop::Need(end));
        }
        match kind {
            b"IDAT" => image_data = true,
            b"IEND" => {
                end_chunk = true;
                break;
            }
            _ => {}
        }
        pos = end;
    }
    match (image_data, end_chunk) {
        (true, _) => {}
        (false, true) => return bad("PNG without image data (no IDAT chunk)"),
        (false, false) => return bad("truncated png file: it ends before its image data"),
    }
    Ok(())
}

/// The blocks (extensions and frames, each a chain of sub-blocks) fit the file.
fn gif_blocks(b: &[u8]) -> Parse<()> {
    let packed = u8_at(b, 10)?;
    let mut pos = 13;
    if packed & 0x80 != 0 {
        pos += 3 << ((packed & 7) + 1);
    }
    while pos < b.len() {
        match u8_at(b, pos)? {
            0x3B => return Ok(()),
            0x21 => pos = sub_blocks(b, end_of(pos, 2)?)?,
            0x2C => {
                let local = u8_at(b, pos + 9)?;
                pos += 10;
                if local & 0x80 != 0 {
                    pos = end_of(pos, 3 << ((local & 7) + 1))?;
                }
                // The LZW minimum code size, then the image data.
                pos = sub_blocks(b, end_of(pos, 1)?)?;
            }
            // Junk after the last frame: browsers stop there too.
            _ => return Ok(()),
        }
    }
    if pos > b.len() {
        return Err(Stop::Need(pos));
    }
    Ok(())
}

/// The offset after a chain of sub-blocks (length byte, data) ended by a zero length.
fn sub_blocks(b: &[u8], mut pos: usize) -> Parse<usize> {
    loop {
        let len = usize::from(u8_at(b, pos)?);
        pos = end_of(pos, 1 + len)?;
        if len == 0 {
            return Ok(pos);
        }
        if pos > b.len() {
            return Err(Stop::Need(pos));
        }
    }
}

/// The RIFF header gives the size of everything after its first 8 bytes.
fn riff_size(b: &[u8]) -> Parse<()> {
    let size = le32(b, 4)? as usize;
    let end = end_of(8, size)?;
    if end > b.len() {
        return Err(Stop::Need(end));
    }
    Ok(())
}

/// Uncompressed bitmaps have a computable pixel array size: rows padded to 4 bytes.
fn bmp_pixels(b: &[u8]) -> Parse<()> {
    let data_at = le32(b, 10)? as usize;
    if data_at > b.len() {
        return Err(Stop::Need(data_at));
    }
    let header = le32(b, 14)?;
    if header < 40 {
        return Ok(());
    }
    let width = u64::from(le32(b, 18)?);
    let height = u64::from((le32(b, 22)? as i32).unsigned_abs());
    let bits = u64::from(le16(b, 28)?);
    let compression = le32(b, 30)?;
    // BI_RGB and BI_BITFIELDS store plain rows; RLE and embedded JPEG/PNG do not.
    if !matches!(compression, 0 | 3) || !matches!(bits, 1 | 4 | 8 | 16 | 24 | 32) {
        return Ok(());
    }
    let row = (width * bits).div_ceil(32) * 4;
    let needed = row
        .checked_mul(height)
        .and_then(|n| n.checked_add(data_at as u64))
        .ok_or_else(|| Stop::Bad("BMP pixel array size overflows".into()))?;
    if needed > b.len() as u64 {
        return bad(format!(
            "truncated bmp file: its pixels need {needed} bytes, the file has {}",
            b.len()
        ));
    }
    Ok(())
}

/// Every directory entry's data lies inside the file.
fn ico_entries(b: &[u8]) -> Parse<()> {
    let count = usize::from(le16(b, 4)?);
    for i in 0..count {
        let entry = 6 + 16 * i;
        let size = le32(b, entry + 8)? as usize;
        let offset = le32(b, entry + 12)? as usize;
        let end = end_of(offset, size)?;
        if end > b.len() {
            return Err(Stop::Need(end));
        }
    }
    Ok(())
}
