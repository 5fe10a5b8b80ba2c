//! Walkers over the block structure of the accepted formats: shared by `inspect` (frame
//! counts, frame sizes) and `strip` (rebuilding a file without its metadata blocks).
//!
//! Every walker checks each length against what is left, so a hostile length ends the
//! walk with a reason instead of a panic, and each step moves forward, so a walk ends.

pub(crate) mod gif;
pub(crate) mod isobmff;
pub(crate) mod jpeg;
pub(crate) mod png;
pub(crate) mod webp;

/// `len` bytes at `off`, or a reason naming `what`.
pub(crate) fn take<'a>(
    b: &'a [u8],
    off: usize,
    len: usize,
    what: &str,
) -> Result<&'a [u8], String> {
    off.checked_add(len)
        .and_then(|end| b.get(off..end))
        .ok_or_else(|| format!("{what} at byte {off} runs past the end of the file"))
}

pub(crate) fn be32(b: &[u8], off: usize, what: &str) -> Result<u32, String> {
    let s = take(b, off, 4, what)?;
    Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

pub(crate) fn le32(b: &[u8], off: usize, what: &str) -> Result<u32, String> {
    let s = take(b, off, 4, what)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub(crate) fn le16(b: &[u8], off: usize, what: &str) -> Result<u16, String> {
    let s = take(b, off, 2, what)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}

pub(crate) fn le24(b: &[u8], off: usize, what: &str) -> Result<u32, String> {
    let s = take(b, off, 3, what)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], 0]))
}
