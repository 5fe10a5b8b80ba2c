//! Format, width and height from the first bytes of an image file.
//!
//! The engine fetches a few KB with a ranged GET and calls [`probe`]; when the header goes
//! on past what it has (a JPEG with a big EXIF or ICC segment before its frame header, an
//! AVIF whose `meta` box is long), the answer is [`Probe::NeedMore`] with the total it
//! needs, and the engine grows its range. Nothing here allocates in proportion to the
//! input, and every length read from the file is checked, so hostile headers (zero or
//! backwards lengths, sizes past the end, absurd counts) end in [`Probe::NotImage`].
//!
//! ```
//! use imago_core::probe::{probe, Probe};
//! use imago_core::Format;
//!
//! // A GIF's logical screen descriptor: 85 x 77.
//! let head = b"GIF89a\x55\x00\x4d\x00\xf7\x00\x00";
//! match probe(head, false) {
//!     Probe::Known(info) => {
//!         assert_eq!((info.format, info.width, info.height), (Format::Gif, 85, 77));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! // Too short to say: ask for more.
//! assert!(matches!(probe(b"GIF8", false), Probe::NeedMore(_)));
//! ```
//!
//! Decisions a caller should know:
//! - Width and height are as displayed: EXIF orientations 5-8 (JPEG, TIFF) and HEIF/AVIF
//!   `irot` of 90 or 270 degrees swap them. An AVIF/HEIF's EXIF item is not read: browsers
//!   orient those by `irot`/`imir` only, and the EXIF item usually sits at the end of the
//!   file, out of a prefix's reach.
//! - GIF reports the logical screen, BMP the absolute height (top-down bitmaps have a
//!   negative one), ICO/CUR the largest entry (an embedded PNG's own IHDR when the
//!   directory says 256, the most it can say), AVIF/HEIF the primary item's `ispe` (not
//!   a thumbnail's or an alpha plane's; a `clap` crop is not applied), SVG its root's
//!   `width`/`height`, else its `viewBox`, else 300 x 150 (the size browsers give an
//!   image with no intrinsic size). Gzipped SVG (`.svgz`) is refused: it needs inflating.
//! - Once a prefix is `Known`, every longer prefix of the same file gives the same
//!   answer, so the engine may stop reading at the first `Known`.
//! - The probe reads headers, not pixels: a prefix whose header is intact is `Known`. When
//!   `complete` says the bytes are the whole file, their structure is checked too (a JPEG
//!   without its end marker, a PNG chunk or GIF block or AVIF box cut short, a WebP
//!   shorter than its RIFF size, ...), and a truncated file is `NotImage`.

mod bmp;
mod bytes;
mod ending;
mod gif;
mod html;
mod ico;
mod isobmff;
mod jpeg;
mod jxl;
mod png;
mod svg;
mod tiff;
mod webp;

use crate::model::{Format, ImageInfo};
use bytes::Stop;

pub use html::looks_like_html;

/// The largest prefix a probe will ask for. A header that needs more (an AVIF whose
/// `meta` comes after megabytes of `mdat`, a TIFF whose first directory is at the end of
/// a big file) is refused rather than fetched whole.
pub const MAX_NEED: usize = 8 << 20;

/// How many bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 64;

/// The outcome of looking at a prefix of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The header is known.
    Known(ImageInfo),
    /// The header goes on past the prefix: call again with at least this many bytes in
    /// total (never returned when `complete` is true).
    NeedMore(usize),
    /// Not an image this probe knows (HTML error page, truncated file, unknown format):
    /// the reason in words.
    NotImage(String),
}

/// Looks at `prefix`, the first bytes of a file; `complete` says it is the whole file.
///
/// `NeedMore(n)` always asks for more than `prefix.len()` and at most [`MAX_NEED`]
/// bytes. For a JPEG whose metadata segments come before the frame header, `n` is the end
/// of the segment that runs past the prefix plus the few bytes of the next marker (enough
/// to read a frame header if that is what comes next).
pub fn probe(prefix: &[u8], complete: bool) -> Probe {
    let sniffed = classify(prefix);
    let what = match sniffed {
        Sniffed::Is(format) => format.as_str(),
        Sniffed::Markup => "svg",
        Sniffed::Maybe(_) | Sniffed::Unknown => "image",
    };
    let outcome = match sniffed {
        Sniffed::Is(format) => parse(format, prefix, complete).and_then(|info| {
            if complete {
                ending::check(format, prefix)?;
            }
            Ok(info)
        }),
        Sniffed::Maybe(need) => Err(Stop::Need(need)),
        Sniffed::Markup => markup(prefix),
        Sniffed::Unknown => Err(Stop::Bad(unknown_reason(prefix))),
    };
    match outcome {
        Ok(info) => Probe::Known(info),
        Err(Stop::Bad(reason)) => Probe::NotImage(reason),
        Err(Stop::Need(_)) if complete => Probe::NotImage(format!(
            "truncated {what} file: its header goes on past its {} bytes",
            prefix.len()
        )),
        Err(Stop::Need(need)) => {
            // A parser asking for what it already has would loop the engine forever.
            let need = need.max(prefix.len().saturating_add(1));
            if need > MAX_NEED {
                Probe::NotImage(format!(
                    "{what} header needs {need} bytes, more than the {MAX_NEED} a probe reads"
                ))
            } else {
                Probe::NeedMore(need)
            }
        }
    }
}

/// The format named by the magic bytes among the first [`SNIFF_LEN`] bytes, or `None`.
///
/// SVG counts when the text starts (after a BOM, whitespace, an XML declaration or
/// comments) with an `<svg` element within those bytes; an SVG with a long comment first
/// is found by [`probe`], which reads further.
pub fn sniff(prefix: &[u8]) -> Option<Format> {
    let head = &prefix[..prefix.len().min(SNIFF_LEN)];
    match classify(head) {
        Sniffed::Is(format) => Some(format),
        Sniffed::Markup => svg::root_within(head).then_some(Format::Svg),
        Sniffed::Maybe(_) | Sniffed::Unknown => None,
    }
}

/// What the magic bytes say.
enum Sniffed {
    Is(Format),
    /// The prefix is the start of some magic: this many bytes would tell.
    Maybe(usize),
    /// Text starting with `<`: SVG, HTML or other XML.
    Markup,
    Unknown,
}

/// Binary signatures and the format they announce; `?` matches any byte (no signature
/// holds a literal 0x3F). ISOBMFF is separate because its brand decides between AVIF and
/// HEIF.
const MAGIC: &[(&[u8], Format)] = &[
    (b"\xFF\xD8\xFF", Format::Jpeg),
    (b"\x89PNG\r\n\x1A\n", Format::Png),
    (b"GIF8?a", Format::Gif),
    (b"RIFF????WEBP", Format::Webp),
    (b"II*\0", Format::Tiff),
    (b"MM\0*", Format::Tiff),
    // BigTIFF.
    (b"II+\0", Format::Tiff),
    (b"MM\0+", Format::Tiff),
    (b"BM", Format::Bmp),
    // Icon (type 1) and cursor (type 2); the count after them must not be zero.
    (b"\0\0\x01\0", Format::Ico),
    (b"\0\0\x02\0", Format::Ico),
    // JPEG XL: a bare codestream, or the container's signature box.
    (b"\xFF\x0A", Format::Jxl),
    (jxl::CONTAINER, Format::Jxl),
];

fn classify(prefix: &[u8]) -> Sniffed {
    let mut longest_partial = 0;
    for (magic, format) in MAGIC {
        let n = magic.len().min(prefix.len());
        let agrees = magic[..n]
            .iter()
            .zip(prefix)
            .all(|(m, b)| *m == b'?' || m == b);
        if !agrees {
            continue;
        }
        if prefix.len() >= magic.len() {
            match confirm(*format, prefix) {
                Confirm::Yes => return Sniffed::Is(*format),
                Confirm::Need(n) => longest_partial = longest_partial.max(n),
                Confirm::No => {}
            }
        } else {
            longest_partial = longest_partial.max(magic.len());
        }
    }
    match isobmff::brand(prefix) {
        Ok(Some(format)) => return Sniffed::Is(format),
        Ok(None) => {}
        Err(n) => longest_partial = longest_partial.max(n),
    }
    if markup_start(prefix) {
        return Sniffed::Markup;
    }
    if longest_partial > 0 {
        return Sniffed::Maybe(longest_partial);
    }
    // Empty, or only a BOM and whitespace so far: text that may become markup.
    if skip_is_all_space(prefix) {
        return Sniffed::Maybe(prefix.len().saturating_add(64).max(64));
    }
    Sniffed::Unknown
}

enum Confirm {
    Yes,
    Need(usize),
    No,
}

/// Second looks for the short, weak signatures (`BM`, `00 00 01 00`) and the GIF version,
/// so that a text or a random file starting with those bytes is not taken for an image.
fn confirm(format: Format, prefix: &[u8]) -> Confirm {
    match format {
        Format::Bmp => match bytes::le32(prefix, 14) {
            Ok(size) if bmp::known_header_size(size) => Confirm::Yes,
            Ok(_) => Confirm::No,
            Err(_) => Confirm::Need(18),
        },
        // GIF87a and GIF89a are the only versions.
        Format::Gif => match prefix.get(4) {
            Some(b'7' | b'9') => Confirm::Yes,
            _ => Confirm::No,
        },
        Format::Ico => match bytes::le16(prefix, 4) {
            Ok(0) => Confirm::No,
            Ok(_) => Confirm::Yes,
            Err(_) => Confirm::Need(6),
        },
        _ => Confirm::Yes,
    }
}

fn skip_is_all_space(prefix: &[u8]) -> bool {
    // A lone partial BOM counts as "not yet known" too.
    let partial_bom = [0xEF, 0xBB, 0xBF].starts_with(prefix);
    partial_bom || bytes::skip_bom_and_space(prefix).is_empty()
}

fn markup_start(prefix: &[u8]) -> bool {
    bytes::skip_bom_and_space(prefix).first() == Some(&b'<')
}

fn parse(format: Format, prefix: &[u8], complete: bool) -> bytes::Parse<ImageInfo> {
    match format {
        Format::Jpeg => jpeg::parse(prefix),
        Format::Png => png::parse(prefix),
        Format::Gif => gif::parse(prefix),
        Format::Webp => webp::parse(prefix),
        Format::Avif | Format::Heif => isobmff::parse(prefix, format, complete),
        Format::Bmp => bmp::parse(prefix),
        Format::Ico => ico::parse(prefix),
        Format::Tiff => tiff::parse(prefix),
        Format::Jxl => jxl::parse(prefix),
        Format::Svg => svg::parse(prefix),
    }
}

/// Text starting with `<`: an SVG image, or an HTML page (refused with that reason).
fn markup(prefix: &[u8]) -> bytes::Parse<ImageInfo> {
    if looks_like_html(prefix) {
        return bytes::bad("an HTML page, not an image");
    }
    svg::parse(prefix)
}

fn unknown_reason(prefix: &[u8]) -> String {
    // One or two bytes off the PNG signature: a text-mode transfer or a bit flip.
    let png = b"\x89PNG\r\n\x1a\n";
    if let Some(head) = prefix.get(..png.len()) {
        if head.iter().zip(png).filter(|(a, b)| a != b).count() <= 2 {
            return "damaged PNG signature (a text-mode transfer?)".into();
        }
    }
    if prefix.starts_with(b"\x1f\x8b") {
        return "gzip data (an .svgz or a compressed body), not an image header".into();
    }
    if isobmff::is_ftyp(prefix) {
        return "ISO media file without an AVIF or HEIF brand (a video?)".into();
    }
    let shown: String = prefix
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    format!("unknown format (starts with {shown})")
}

/// The record a parser builds: stored size plus EXIF orientation, turned into what
/// [`ImageInfo`] promises (display size).
fn info(format: Format, width: u32, height: u32, orientation: Option<u8>) -> ImageInfo {
    let swap = matches!(orientation, Some(5..=8));
    let (width, height) = if swap {
        (height, width)
    } else {
        (width, height)
    };
    ImageInfo {
        format,
        width,
        height,
        orientation,
    }
}

/// Zero-sized images do not exist: a header saying so is damaged.
fn nonzero(format: Format, width: u32, height: u32) -> bytes::Parse<()> {
    if width == 0 || height == 0 {
        return bytes::bad(format!("{format} header says {width}x{height}"));
    }
    Ok(())
}
