//! The one reader of ISO base media boxes (MP4, MOV, HEIF, AVIF), shared by the header
//! probe (`probe/isobmff.rs`), the media checks of `imago-media` (`container/isobmff.rs`)
//! and its video header reader (`video/header.rs`).
//!
//! A box is a 32-bit big-endian size, a four-byte type, then its body. Size 1: a 64-bit
//! `largesize` follows the type (a 16-byte header). Size 0: the box runs to the end of
//! its container (the file, at the top level). Every size is checked against the header
//! it must at least cover and the container it must fit, with checked arithmetic, so a
//! hostile size ends the walk with a [`BoxError`], never a panic or a walk that stands
//! still: each box read moves past its own header.
//!
//! ```
//! use imago_core::isobmff::boxes;
//!
//! let file = b"\0\0\0\x10ftypavif\0\0\0\0\0\0\0\x08free";
//! let found: Vec<_> = boxes(file, 0, file.len()).collect::<Result<_, _>>().unwrap();
//! assert_eq!(found[0].typ, *b"ftyp");
//! assert_eq!(found[0].body, 8..16);
//! assert_eq!(found[1].typ, *b"free");
//! assert!(found[1].body.is_empty());
//! ```

use std::fmt;
use std::ops::Range;

/// A box type, as its four bytes.
pub type FourCc = [u8; 4];

/// One box header as read: where the box starts, where its body starts, where it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub typ: FourCc,
    /// The offset of its size field.
    pub at: usize,
    /// The offset of its body: 8 or 16 bytes after `at`.
    pub body: usize,
    /// The offset just past it; `None` for a size-0 box in a container whose end is not
    /// known (the top level of a prefix of a file).
    pub end: Option<usize>,
}

/// A box of a container whose end is known: its type and the span of its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub typ: FourCc,
    /// The offset of its size field.
    pub at: usize,
    pub body: Range<usize>,
}

/// Why a box could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoxError {
    /// The header itself goes past the bytes at hand: `need` bytes in all would hold it.
    /// For a prefix of a file this asks for more; for a whole file it is a truncation.
    #[error("box header at byte {at} runs past the end of the data")]
    Truncated { at: usize, need: usize },
    /// A size smaller than the header it includes (sizes 2 to 7, a largesize under 16).
    #[error("box {} at {at} is shorter than its header", Name(typ))]
    ShorterThanHeader { typ: FourCc, at: usize },
    /// A box whose end (or whose header) lies past the end of its container.
    #[error("box {} at {at} runs past its container", Name(typ))]
    PastContainer { typ: FourCc, at: usize },
    /// A size that cannot be an offset here (it overflows, or a largesize past `usize`
    /// on a 32-bit target).
    #[error("box {} at {at} is too large to be read", Name(typ))]
    TooLarge { typ: FourCc, at: usize },
}

/// A box type as its messages show it: quoted, any byte that is not printable escaped.
struct Name<'a>(&'a FourCc);

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.0))
    }
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads the box header at `at`. `container_end` is where the enclosing box (or the
/// file) ends, `None` when it is not known: then a box may run past `b` (a prefix), and a
/// size-0 box has no known end.
pub fn header(b: &[u8], at: usize, container_end: Option<usize>) -> Result<Header, BoxError> {
    let unknown = FourCc::default();
    let past = |typ| BoxError::PastContainer { typ, at };
    let short_end = at
        .checked_add(8)
        .ok_or(BoxError::TooLarge { typ: unknown, at })?;
    if container_end.is_some_and(|end| short_end > end) {
        let typ = b
            .get(at + 4..short_end)
            .map_or(unknown, |t| FourCc::try_from(t).unwrap_or(unknown));
        return Err(past(typ));
    }
    let (Some(size), Some(typ)) = (be32(b, at), b.get(at + 4..short_end)) else {
        return Err(BoxError::Truncated {
            at,
            need: short_end,
        });
    };
    let typ = FourCc::try_from(typ).unwrap_or(unknown);
    let too_large = BoxError::TooLarge { typ, at };
    let (body, end) = match size {
        0 => (short_end, container_end),
        1 => {
            let long_end = short_end.checked_add(8).ok_or(too_large.clone())?;
            if container_end.is_some_and(|end| long_end > end) {
                return Err(past(typ));
            }
            let large = b
                .get(short_end..long_end)
                .and_then(|s| <[u8; 8]>::try_from(s).ok())
                .map(u64::from_be_bytes)
                .ok_or(BoxError::Truncated { at, need: long_end })?;
            let large = usize::try_from(large).map_err(|_| too_large.clone())?;
            let end = at.checked_add(large).ok_or(too_large)?;
            (long_end, Some(end))
        }
        n => {
            let n = usize::try_from(n).map_err(|_| too_large.clone())?;
            (short_end, Some(at.checked_add(n).ok_or(too_large)?))
        }
    };
    if let Some(end) = end {
        // A size smaller than its own header would make the walk stand still or go back.
        if end < body {
            return Err(BoxError::ShorterThanHeader { typ, at });
        }
        if container_end.is_some_and(|c| end > c) {
            return Err(past(typ));
        }
    }
    Ok(Header { typ, at, body, end })
}

/// The boxes in `b[start..end]`, in order. The walk stops after the first error, which
/// it yields; a box that ends past `b` (when `end` does) is [`BoxError::Truncated`].
pub fn boxes(b: &[u8], start: usize, end: usize) -> Boxes<'_> {
    Boxes {
        b,
        at: start,
        end,
        failed: false,
    }
}

/// The boxes of a whole container, from [`boxes`].
#[derive(Clone, Debug)]
pub struct Boxes<'a> {
    b: &'a [u8],
    at: usize,
    end: usize,
    failed: bool,
}

impl Iterator for Boxes<'_> {
    type Item = Result<Span, BoxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.at >= self.end {
            return None;
        }
        let read = header(self.b, self.at, Some(self.end)).and_then(|h| {
            // Inside a known container every box has an end: size 0 takes the container's.
            let end = h.end.unwrap_or(self.end);
            if end > self.b.len() {
                return Err(BoxError::Truncated {
                    at: h.at,
                    need: end,
                });
            }
            Ok(Span {
                typ: h.typ,
                at: h.at,
                body: h.body..end,
            })
        });
        match &read {
            Ok(span) => self.at = span.body.end,
            Err(_) => self.failed = true,
        }
        Some(read)
    }
}

/// The first box of type `typ` in `b[start..end]`, or the error that stopped the walk
/// before it.
pub fn find(b: &[u8], start: usize, end: usize, typ: &FourCc) -> Result<Option<Span>, BoxError> {
    for found in boxes(b, start, end) {
        let found = found?;
        if &found.typ == typ {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = u32::try_from(body.len() + 8)
            .unwrap()
            .to_be_bytes()
            .to_vec();
        b.extend_from_slice(typ);
        b.extend_from_slice(body);
        b
    }

    fn all(b: &[u8]) -> Result<Vec<Span>, BoxError> {
        boxes(b, 0, b.len()).collect()
    }

    #[test]
    fn sizes_32_and_64_bit_and_zero_and_nesting() {
        let inner = [bx(b"mvhd", &[1, 2, 3]), bx(b"trak", &bx(b"tkhd", &[9]))].concat();
        let mut large = 1u32.to_be_bytes().to_vec();
        large.extend_from_slice(b"mdat");
        large.extend_from_slice(&20u64.to_be_bytes());
        large.extend_from_slice(&[7, 7, 7, 7]);
        let mut to_end = 0u32.to_be_bytes().to_vec();
        to_end.extend_from_slice(b"free");
        to_end.extend_from_slice(&[0; 5]);
        let file = [bx(b"moov", &inner), large, to_end].concat();

        let top = all(&file).unwrap();
        let types: Vec<_> = top.iter().map(|s| &s.typ).collect();
        assert_eq!(types, [b"moov", b"mdat", b"free"]);
        assert_eq!(
            &file[top[1].body.clone()],
            &[7, 7, 7, 7],
            "body after 16 bytes"
        );
        assert_eq!(top[2].body.end, file.len(), "size 0 runs to the end");

        let moov = &top[0];
        let children: Vec<_> = boxes(&file, moov.body.start, moov.body.end)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(children[0].typ, *b"mvhd");
        assert_eq!(&file[children[0].body.clone()], &[1, 2, 3]);
        let trak = find(&file, moov.body.start, moov.body.end, b"trak")
            .unwrap()
            .unwrap();
        let tkhd = find(&file, trak.body.start, trak.body.end, b"tkhd")
            .unwrap()
            .unwrap();
        assert_eq!(&file[tkhd.body], &[9]);
    }

    #[test]
    fn malformed_sizes_are_errors_that_end_the_walk() {
        // Cut inside the header, and inside the body.
        let whole = bx(b"free", &[0; 16]);
        assert_eq!(
            all(&whole[..5]).unwrap_err(),
            BoxError::PastContainer {
                typ: FourCc::default(),
                at: 0
            }
        );
        assert_eq!(
            header(&whole[..5], 0, None).unwrap_err(),
            BoxError::Truncated { at: 0, need: 8 }
        );
        assert_eq!(
            all(&whole[..20]).unwrap_err(),
            BoxError::PastContainer {
                typ: *b"free",
                at: 0
            }
        );
        // In a container that claims more than the data holds: a truncation.
        assert_eq!(
            boxes(&whole[..20], 0, 100).next().unwrap().unwrap_err(),
            BoxError::Truncated { at: 0, need: 24 }
        );

        // Sizes smaller than the header: 32-bit 2..7 and a largesize under 16.
        for size in 2u32..8 {
            let mut b = size.to_be_bytes().to_vec();
            b.extend_from_slice(b"skip");
            b.extend_from_slice(&[0; 16]);
            let e = all(&b).unwrap_err();
            assert_eq!(
                e,
                BoxError::ShorterThanHeader {
                    typ: *b"skip",
                    at: 0
                }
            );
            assert_eq!(
                e.to_string(),
                "box \"skip\" at 0 is shorter than its header"
            );
        }
        let mut b = 1u32.to_be_bytes().to_vec();
        b.extend_from_slice(b"skip");
        b.extend_from_slice(&9u64.to_be_bytes());
        assert!(matches!(
            all(&b).unwrap_err(),
            BoxError::ShorterThanHeader { .. }
        ));

        // Huge sizes: past the container, past `usize` arithmetic.
        let mut b = u32::MAX.to_be_bytes().to_vec();
        b.extend_from_slice(b"mdat");
        assert!(matches!(
            all(&b).unwrap_err(),
            BoxError::PastContainer { .. }
        ));
        // A largesize of 2^64 - 1 after an 8-byte box: its end overflows.
        let mut b = bx(b"free", &[]);
        b.extend_from_slice(&1u32.to_be_bytes());
        b.extend_from_slice(b"mdat");
        b.extend_from_slice(&u64::MAX.to_be_bytes());
        let e = header(&b, 8, None).unwrap_err();
        assert_eq!(
            e,
            BoxError::TooLarge {
                typ: *b"mdat",
                at: 8
            }
        );
        assert!(all(&b).is_err());

        // After an error the walk yields nothing more.
        let mut bad = [0, 0, 0, 3].to_vec();
        bad.extend_from_slice(b"skip");
        let file = [bad, bx(b"free", &[])].concat();
        let mut walk = boxes(&file, 0, file.len());
        assert!(walk.next().unwrap().is_err());
        assert!(walk.next().is_none());
    }

    #[test]
    fn a_prefix_reads_ahead_without_a_container_end() {
        let big = bx(b"mdat", &[0; 100]);
        let h = header(&big[..10], 0, None).unwrap();
        assert_eq!((h.body, h.end), (8, Some(108)));
        let mut zero = 0u32.to_be_bytes().to_vec();
        zero.extend_from_slice(b"meta");
        assert_eq!(header(&zero, 0, None).unwrap().end, None);
        assert_eq!(header(&zero, 0, Some(50)).unwrap().end, Some(50));
    }

    #[test]
    fn an_offset_at_the_top_of_memory_does_not_overflow() {
        let e = header(&[], usize::MAX - 3, None).unwrap_err();
        assert!(matches!(e, BoxError::TooLarge { .. }), "{e:?}");
    }
}
