//! Bounds-checked reads shared by the format parsers.
//!
//! Every read names the byte it would need: reading past the prefix is not an error but a
//! request for more (`Stop::Need`), which `probe` turns into `NeedMore` or, for a complete
//! file, into "truncated". Offsets come from the file, so all arithmetic is checked.

/// Why a parser stopped before knowing the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Stop {
    /// The prefix must hold at least this many bytes.
    Need(usize),
    /// The bytes are not a valid header: the reason in words.
    Bad(String),
}

pub(super) type Parse<T> = Result<T, Stop>;

/// A `Stop::Bad` with a formatted reason.
pub(super) fn bad<T>(reason: impl Into<String>) -> Parse<T> {
    Err(Stop::Bad(reason.into()))
}

/// `off + len`, refused when it overflows (an offset read from a hostile file).
pub(super) fn end_of(off: usize, len: usize) -> Parse<usize> {
    off.checked_add(len)
        .ok_or_else(|| Stop::Bad(format!("offset {off} + {len} overflows")))
}

/// `b[off..off + len]`, or a request for the bytes up to its end.
pub(super) fn slice(b: &[u8], off: usize, len: usize) -> Parse<&[u8]> {
    let end = end_of(off, len)?;
    b.get(off..end).ok_or(Stop::Need(end))
}

/// The `N` bytes at `off` as an array.
pub(super) fn array<const N: usize>(b: &[u8], off: usize) -> Parse<[u8; N]> {
    let s = slice(b, off, N)?;
    let mut out = [0u8; N];
    out.copy_from_slice(s);
    Ok(out)
}

pub(super) fn u8_at(b: &[u8], off: usize) -> Parse<u8> {
    Ok(array::<1>(b, off)?[0])
}

pub(super) fn be16(b: &[u8], off: usize) -> Parse<u16> {
    array(b, off).map(u16::from_be_bytes)
}

pub(super) fn be32(b: &[u8], off: usize) -> Parse<u32> {
    array(b, off).map(u32::from_be_bytes)
}

pub(super) fn be64(b: &[u8], off: usize) -> Parse<u64> {
    array(b, off).map(u64::from_be_bytes)
}

pub(super) fn le16(b: &[u8], off: usize) -> Parse<u16> {
    array(b, off).map(u16::from_le_bytes)
}

pub(super) fn le32(b: &[u8], off: usize) -> Parse<u32> {
    array(b, off).map(u32::from_le_bytes)
}

pub(super) fn le64(b: &[u8], off: usize) -> Parse<u64> {
    array(b, off).map(u64::from_le_bytes)
}

/// A 64-bit size or offset from the file as `usize`, refused when it cannot be one (on
/// 32-bit targets such as wasm32 a BigTIFF or `largesize` value may not fit).
pub(super) fn to_usize(v: u64) -> Parse<usize> {
    usize::try_from(v).map_err(|_| Stop::Bad(format!("offset {v} is too large")))
}

/// Byte order of a TIFF structure (standalone TIFF or the EXIF block of a JPEG).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Endian {
    Little,
    Big,
}

impl Endian {
    pub(super) fn u16(self, b: &[u8], off: usize) -> Parse<u16> {
        match self {
            Endian::Little => le16(b, off),
            Endian::Big => be16(b, off),
        }
    }

    pub(super) fn u32(self, b: &[u8], off: usize) -> Parse<u32> {
        match self {
            Endian::Little => le32(b, off),
            Endian::Big => be32(b, off),
        }
    }

    pub(super) fn u64(self, b: &[u8], off: usize) -> Parse<u64> {
        match self {
            Endian::Little => le64(b, off),
            Endian::Big => be64(b, off),
        }
    }
}

/// Case-insensitive ASCII `starts_with`.
pub(super) fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Skips a UTF-8 byte order mark and ASCII whitespace at the start of a text.
pub(super) fn skip_bom_and_space(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}
