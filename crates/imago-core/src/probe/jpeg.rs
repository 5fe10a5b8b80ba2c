//! JPEG: walk the markers up to the first frame header (SOFn), reading the EXIF
//! orientation on the way.

use super::bytes::{bad, be16, end_of, slice, u8_at, Parse, Stop};
use super::{info, nonzero, tiff};
use crate::model::{Format, ImageInfo};

/// Bytes after a segment's end that let the next call read the following marker and, if
/// it is a frame header, the dimensions: FF, marker, length (2), precision, height (2),
/// width (2).
const NEXT_FRAME_HEADER: usize = 9;

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    if b.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return bad("not a JPEG (no start-of-image marker)");
    }
    let mut orientation = None;
    let mut pos = 2;
    loop {
        // Decoders skip junk before a marker and any number of 0xFF fill bytes; so do we.
        // Each turn of this loop moves `pos` forward, so it ends.
        let ff = u8_at(b, pos)?;
        if ff != 0xFF {
            pos += 1;
            continue;
        }
        let marker = u8_at(b, pos + 1)?;
        match marker {
            0xFF => {
                pos += 1;
                continue;
            }
            // A stuffed zero, a restart marker, TEM or a repeated SOI carry no length.
            0x00 | 0x01 | 0xD0..=0xD8 => {
                pos += 2;
                continue;
            }
            0xD9 => return bad("JPEG ends before its frame header"),
            0xDA => return bad("JPEG scan starts before its frame header"),
            _ => {}
        }
        let len = usize::from(be16(b, pos + 2)?);
        if len < 2 {
            return bad(format!("JPEG segment at {pos} has length {len}"));
        }
        // The segment's bytes after the marker run to `seg_end`.
        let seg_end = end_of(pos + 2, len)?;
        if is_frame_header(marker) {
            let height = u32::from(be16(b, pos + 5)?);
            let width = u32::from(be16(b, pos + 7)?);
            if height == 0 && width != 0 {
                // Legal (a DNL marker after the first scan gives it) but too far to read.
                return bad("JPEG height is given by a DNL marker after the scan");
            }
            nonzero(Format::Jpeg, width, height)?;
            return Ok(info(Format::Jpeg, width, height, orientation));
        }
        if marker == 0xE1 && orientation.is_none() {
            match slice(b, pos + 4, len - 2) {
                Ok(body) => orientation = exif_orientation(body),
                // The big-segment case: ask for the whole segment and the next header.
                Err(Stop::Need(_)) => return Err(Stop::Need(end_of(seg_end, NEXT_FRAME_HEADER)?)),
                Err(stop) => return Err(stop),
            }
        }
        if seg_end >= b.len() {
            return Err(Stop::Need(end_of(seg_end, NEXT_FRAME_HEADER)?));
        }
        pos = seg_end;
    }
}

/// SOF0-SOF15, except the three markers sharing that range: DHT (C4), JPG (C8), DAC (CC).
fn is_frame_header(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The orientation in an APP1 segment body, if it is EXIF and says one. A damaged EXIF
/// block is not a damaged image: it just tells nothing.
fn exif_orientation(body: &[u8]) -> Option<u8> {
    let tiff = body.strip_prefix(b"Exif\0\0")?;
    tiff::orientation_in(tiff)
}
