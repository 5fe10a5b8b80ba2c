//! Frame counts from the block structure, and every frame's size checked against the
//! limits: decoders allocate a buffer per frame from the frame's own header, which may be
//! larger than the canvas.

use super::check_area;
use crate::container::{gif, le24, png, webp};
use crate::{Limits, MediaError};
use imago_core::Format;

pub(super) fn count(format: Format, b: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    match format {
        Format::Gif => gif_frames(b, limits),
        Format::Webp => webp_frames(b, limits),
        Format::Png => png_frames(b, limits),
        // JPEG, BMP: one picture. An AVIF sequence (`avis`) is taken by its primary item.
        _ => Ok(1),
    }
}

fn gif_frames(b: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    let mut frames = 0u64;
    for block in gif::blocks(b) {
        if let gif::Block::Image { width, height, .. } = block.map_err(MediaError::Corrupt)? {
            check_area(width.into(), height.into(), limits)?;
            frames += 1;
            // Stop counting early: a million one-pixel frames is refused without walking
            // them all.
            if frames > u64::from(limits.max_frames) {
                return Ok(frames);
            }
        }
    }
    if frames == 0 {
        return Err(MediaError::Corrupt("GIF without any image".into()));
    }
    Ok(frames)
}

fn webp_frames(b: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    let mut frames = 0u64;
    for chunk in webp::chunks(b).map_err(MediaError::Corrupt)? {
        let chunk = chunk.map_err(MediaError::Corrupt)?;
        if &chunk.fourcc == b"ANMF" {
            // Frame X, Y (3 bytes each), then width-1 and height-1 (3 bytes each).
            let width = le24(chunk.data, 6, "WebP frame width").map_err(MediaError::Corrupt)? + 1;
            let height = le24(chunk.data, 9, "WebP frame height").map_err(MediaError::Corrupt)? + 1;
            check_area(width, height, limits)?;
            frames += 1;
            if frames > u64::from(limits.max_frames) {
                return Ok(frames);
            }
        }
    }
    Ok(frames.max(1))
}

/// An APNG says its frame count in `acTL`; each `fcTL` gives a frame's size.
fn png_frames(b: &[u8], limits: &Limits) -> Result<u64, MediaError> {
    let mut declared = None;
    for chunk in png::chunks(b).map_err(MediaError::Corrupt)? {
        let chunk = chunk.map_err(MediaError::Corrupt)?;
        match &chunk.kind {
            b"acTL" => {
                let n = crate::container::be32(chunk.data, 0, "APNG frame count")
                    .map_err(MediaError::Corrupt)?;
                declared = Some(u64::from(n));
                if u64::from(n) > u64::from(limits.max_frames) {
                    return Ok(n.into());
                }
            }
            b"fcTL" => {
                let be = |off| crate::container::be32(chunk.data, off, "APNG frame size");
                let width = be(4).map_err(MediaError::Corrupt)?;
                let height = be(8).map_err(MediaError::Corrupt)?;
                check_area(width, height, limits)?;
            }
            _ => {}
        }
    }
    Ok(declared.unwrap_or(1).max(1))
}
