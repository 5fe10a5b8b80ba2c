//! One path component made safe on Windows, macOS and Linux alike.
//!
//! The rules are the union of the three systems' rules, so a name chosen on Linux can be
//! copied to a Windows disk unchanged:
//! - `< > : " / \ | ? *`, control characters (0-31, 127) and the bidirectional
//!   overrides (which can disguise `gpj.exe` as `exe.jpg`) become `_`;
//! - leading spaces, trailing spaces and trailing dots (Windows drops them silently)
//!   are removed, and so are leading dots (hidden files, `.`, `..`), except that a file
//!   name that started with dots gets `_.` in front (`.jpg` gives `_.jpg`);
//! - Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`, the
//!   superscript `COM¹`..., `CONIN$`, `CONOUT$`), in any case and with any extension
//!   (`con.txt`, `Com1.jpg`), get a `_` prefix;
//! - a component is cut to 255 bytes of UTF-8 on a character boundary, keeping the
//!   extension of a file name.
//!
//! Names are put in Unicode NFC first: macOS takes `é` and `e` + combining accent as
//! one name, so the same text must give the same bytes on every system.

/// The longest component in bytes (ext4, APFS, NTFS all stop near 255).
pub const MAX_COMPONENT_BYTES: usize = 255;

/// The longest extension kept whole when a file name is cut.
const MAX_EXT_BYTES: usize = 16;

/// Windows device names, compared after ASCII uppercasing.
const RESERVED: [&str; 30] = [
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    "COM¹", "COM²", "COM³", "LPT¹", "LPT²", "LPT³",
];
const RESERVED_CONSOLE: [&str; 2] = ["CONIN$", "CONOUT$"];

fn is_forbidden(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*')
        || (c as u32) < 32
        || c == '\u{7f}'
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Sanitizes one folder component; `None` when nothing is left (an empty, `.` or `..`
/// component, which the caller drops).
pub fn sanitize_folder(s: &str) -> Option<String> {
    let clean = clean(s, false)?;
    let cut = cut_to(&clean, MAX_COMPONENT_BYTES);
    Some(trim_end(cut).to_string())
}

/// Sanitizes a file name; never empty (`_` when nothing is left).
pub fn sanitize_file_name(s: &str) -> String {
    let Some(clean) = clean(s, true) else {
        return "_".to_string();
    };
    fit_file_name(&clean, "", MAX_COMPONENT_BYTES)
}

/// Replaces forbidden characters, trims, protects device names. `None` when empty.
///
/// Leading dots would hide the file on Unix: a folder loses them, a file name has them
/// replaced by `_.` so that `.jpg` keeps its extension as `_.jpg`.
fn clean(s: &str, is_file: bool) -> Option<String> {
    let replaced: String = nfc(s)
        .chars()
        .map(|c| if is_forbidden(c) { '_' } else { c })
        .collect();
    let start = replaced.trim_start();
    let undotted = start.trim_start_matches(|c: char| c == '.' || c.is_whitespace());
    let trimmed = trim_end(undotted);
    if trimmed.is_empty() {
        return None;
    }
    if is_file && start.starts_with('.') {
        return Some(format!("_.{trimmed}"));
    }
    if is_reserved(trimmed) {
        return Some(format!("_{trimmed}"));
    }
    Some(trimmed.to_string())
}

/// `s` in Unicode normalization form C.
pub fn nfc(s: &str) -> std::borrow::Cow<'_, str> {
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(s)
}

fn trim_end(s: &str) -> &str {
    s.trim_end_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Whether Windows takes the name for a device: the part before the first dot, without
/// trailing spaces, is a device name.
pub fn is_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let upper = base.to_ascii_uppercase();
    RESERVED.contains(&upper.as_str()) || RESERVED_CONSOLE.contains(&upper.as_str())
}

/// Splits `name` into stem and extension (without the dot) when it has one worth keeping:
/// 1 to 16 ASCII letters or digits after the last dot, and a non-empty stem.
pub fn split_extension(name: &str) -> (&str, Option<&str>) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.len() <= MAX_EXT_BYTES
                && ext.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (stem, Some(ext))
        }
        _ => (name, None),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn cut_to(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// `name` (already clean) with `suffix` inserted before its extension, cut to `max`
/// bytes: the stem is shortened, the suffix and the extension are kept.
pub(crate) fn fit_file_name(name: &str, suffix: &str, max: usize) -> String {
    let (stem, ext) = split_extension(name);
    let ext_len = ext.map_or(0, |e| e.len() + 1);
    let budget = max.saturating_sub(ext_len + suffix.len());
    let cut = cut_to(stem, budget);
    // A cut can leave a space or dot at the end of the stem; an uncut stem keeps its own.
    let mut stem = if cut.len() < stem.len() {
        trim_end(cut)
    } else {
        cut
    }
    .to_string();
    if stem.is_empty() {
        stem.push('_');
    }
    let mut out = stem;
    out.push_str(suffix);
    if let Some(ext) = ext {
        out.push('.');
        out.push_str(ext);
    }
    out
}
