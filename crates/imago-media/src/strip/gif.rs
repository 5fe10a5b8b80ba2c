use super::Icc;
use crate::container::gif::{blocks, Block};

/// Application extensions that make an animation loop; every other one is metadata
/// (but the colour profile, when kept).
const LOOPING: [&[u8]; 2] = [b"NETSCAPE2.0", b"ANIMEXTS1.0"];
const PROFILE: &[u8] = b"ICCRGBG1012";

/// Whether an application extension stays.
fn kept(id: &[u8], icc: Icc) -> bool {
    LOOPING.contains(&id) || (icc == Icc::Keep && id == PROFILE)
}

pub(super) fn strip(b: &[u8], icc: Icc) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len());
    for block in blocks(b) {
        match block? {
            Block::Extension { label: 0xFE, .. } => {}
            Block::Extension {
                label: 0xFF, first, ..
            } if !kept(first, icc) => {}
            // The frames before it are what decoders show: end the file there.
            Block::Garbage => out.push(0x3B),
            Block::Screen(raw)
            | Block::Extension { raw, .. }
            | Block::Image { raw, .. }
            | Block::Trailer(raw) => out.extend_from_slice(raw),
        }
    }
    Ok(out)
}
