//! ICO and CUR: a directory of images; the probe reports the largest one.

use super::bytes::{bad, end_of, le16, le32, slice, to_usize, Parse, Stop};
use super::{info, nonzero, png};
use crate::model::{Format, ImageInfo};

const DIRECTORY_AT: usize = 6;
const ENTRY_LEN: usize = 16;

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    let count = usize::from(le16(b, 4)?);
    if count == 0 {
        return bad("icon file with no images");
    }
    let dir_end = end_of(DIRECTORY_AT, count * ENTRY_LEN)?;
    let directory = slice(b, DIRECTORY_AT, count * ENTRY_LEN)?;
    // A size byte of 0 means 256. Ties keep the first entry.
    let mut best: Option<(u32, u32, &[u8])> = None;
    for entry in directory.chunks_exact(ENTRY_LEN) {
        let side = |byte: u8| if byte == 0 { 256 } else { u32::from(byte) };
        let (w, h) = (side(entry[0]), side(entry[1]));
        if best.is_none_or(|(bw, bh, _)| w * h > bw * bh) {
            best = Some((w, h, entry));
        }
    }
    let Some((mut width, mut height, entry)) = best else {
        return bad("icon file with no images");
    };
    // 256 is the most a size byte can say: a PNG entry behind it may be larger, and only
    // its own header knows (a 512x512 PNG icon is written with 0 x 0 in the directory).
    if width == 256 || height == 256 {
        let offset = to_usize(u64::from(le32(entry, 12)?))?;
        if offset < dir_end {
            return bad(format!("icon image data at {offset}, inside the directory"));
        }
        if slice(b, offset, 4)? == b"\x89PNG" {
            let data = b.get(offset..).unwrap_or_default();
            (width, height) = png::ihdr(data).map_err(|stop| match stop {
                Stop::Need(n) => end_of(offset, n).map_or_else(|e| e, Stop::Need),
                bad => bad,
            })?;
        }
    }
    nonzero(Format::Ico, width, height)?;
    Ok(info(Format::Ico, width, height, None))
}
