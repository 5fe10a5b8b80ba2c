//! Video containers by their magic: ISO base media (`ftyp` brands) and WebM (an EBML
//! header whose DocType is `webm`). Nothing past the first bytes is read: the server
//! hands videos to ffmpeg, which reads the rest.

use super::VideoFormat;

/// Brands of the MP4 family (ISO/IEC 14496-12 and -14, Apple's M4V, 3GPP, DASH).
const MP4_BRANDS: &[&[u8; 4]] = &[
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"iso7", b"iso8", b"iso9", b"mp41",
    b"mp42", b"mp71", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"3gp4", b"3gp5", b"3gp6",
    b"3g2a", b"mmp4", b"MSNV", b"XAVC", b"f4v ",
];

pub(super) fn sniff(b: &[u8]) -> Option<VideoFormat> {
    iso(b).or_else(|| webm(b))
}

fn iso(b: &[u8]) -> Option<VideoFormat> {
    let typ = b.get(4..8)?;
    // QuickTime files from before `ftyp` start with a movie or a padding atom.
    if typ == b"moov" || typ == b"wide" {
        return Some(VideoFormat::Mov);
    }
    if typ != b"ftyp" {
        return None;
    }
    let size = u32::from_be_bytes(b.get(0..4)?.try_into().ok()?) as usize;
    let major = b.get(8..12)?;
    // Compatible brands, after the minor version, up to the box's end.
    let compatible = b.get(16..size.min(b.len()).max(16)).unwrap_or_default();
    let brands = || std::iter::once(major).chain(compatible.chunks_exact(4));
    if major == b"qt  " {
        return Some(VideoFormat::Mov);
    }
    if brands().any(|brand| MP4_BRANDS.iter().any(|m| &m[..] == brand)) {
        return Some(VideoFormat::Mp4);
    }
    if brands().any(|brand| brand == b"qt  ") {
        return Some(VideoFormat::Mov);
    }
    None
}

/// The EBML header (ID `1A 45 DF A3`) holds the DocType element (ID `42 82`); it comes
/// within the first few dozen bytes.
fn webm(b: &[u8]) -> Option<VideoFormat> {
    if b.get(..4)? != [0x1A, 0x45, 0xDF, 0xA3] {
        return None;
    }
    let head = &b[..b.len().min(64)];
    let at = head.windows(2).position(|w| w == [0x42, 0x82])?;
    // A one-byte size (`1xxxxxxx`) is what every muxer writes for a short string.
    let size = *head.get(at + 2)?;
    if size & 0x80 == 0 {
        return None;
    }
    let len = usize::from(size & 0x7F);
    let doctype = head.get(at + 3..at + 3 + len)?;
    (doctype == b"webm").then_some(VideoFormat::Webm)
}
