//! SVG: the root `<svg>` element's `width`, `height` and `viewBox`.
//!
//! The size is what a browser gives the SVG as an `<img>` with no CSS size: absolute
//! `width`/`height` (px, unitless, pt, pc, in, cm, mm, em, ex); a missing or percentage
//! side taken from the `viewBox` aspect ratio; with neither, the `viewBox` size; with no
//! `viewBox` either, CSS's default object size of 300 x 150.

use super::bytes::{bad, Parse, Stop};
use super::{info, nonzero};
use crate::model::{Format, ImageInfo};
use memchr::memmem;

/// How far into a text the root element is looked for (comments and DOCTYPEs of real
/// SVGs are far shorter).
pub(super) const MAX_HEAD: usize = 64 * 1024;

const DEFAULT_WIDTH: f64 = 300.0;
const DEFAULT_HEIGHT: f64 = 150.0;

/// Whether the root element of the text in `head` is an `<svg>` (for `sniff`).
pub(super) fn root_within(head: &[u8]) -> bool {
    matches!(root(head), Ok(pos) if is_svg_name(&head[pos + 1..]))
}

pub(super) fn parse(b: &[u8]) -> Parse<ImageInfo> {
    // Reading no further than the limit keeps the answer the same for every longer prefix.
    let b = &b[..b.len().min(MAX_HEAD)];
    let start = root(b).map_err(more_text(b))?;
    let tag = start_tag(b, start).map_err(more_text(b))?;
    let (width, height) = size(tag);
    nonzero(Format::Svg, width, height)?;
    Ok(info(Format::Svg, width, height, None))
}

/// A text format cannot say how much is left: ask for another few KB, up to the limit.
fn more_text(b: &[u8]) -> impl Fn(Stop) -> Stop + '_ {
    move |stop| match stop {
        Stop::Need(_) if b.len() >= MAX_HEAD => Stop::Bad(format!(
            "no complete <svg> start tag in the first {MAX_HEAD} bytes"
        )),
        Stop::Need(n) => Stop::Need(n.max(b.len().saturating_add(4096).min(MAX_HEAD))),
        bad => bad,
    }
}

/// The offset of the `<` of the root element, after the XML declaration, processing
/// instructions, comments and a DOCTYPE (with its internal subset).
fn root(b: &[u8]) -> Parse<usize> {
    let bom = if b.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let mut pos = bom;
    // Every turn moves past one construct or returns.
    loop {
        while b.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
            pos += 1;
        }
        let rest = b.get(pos..).unwrap_or_default();
        if rest.len() < 4 {
            return Err(Stop::Need(pos + 4));
        }
        if rest[0] != b'<' {
            return bad("text before the root element: not an SVG");
        }
        let after = if rest.starts_with(b"<?") {
            past(rest, 2, b"?>")
        } else if rest.starts_with(b"<!--") {
            past(rest, 4, b"-->")
        } else if rest.starts_with(b"<!") {
            doctype_end(rest)
        } else {
            return Ok(pos);
        };
        match after {
            Some(n) => pos += n,
            None => return Err(Stop::Need(b.len() + 1)),
        }
    }
}

/// The offset just past `end`, searched from `from`.
fn past(text: &[u8], from: usize, end: &[u8]) -> Option<usize> {
    let at = memmem::find(text.get(from..)?, end)?;
    Some(from + at + end.len())
}

/// The offset past the `>` closing a DOCTYPE, skipping quoted strings and the `[...]`
/// internal subset (whose entity declarations hold `>` too).
fn doctype_end(text: &[u8]) -> Option<usize> {
    let mut quote = None;
    let mut in_subset = false;
    for (i, &c) in text.iter().enumerate().skip(2) {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(c),
            (None, b'[') => in_subset = true,
            (None, b']') => in_subset = false,
            (None, b'>') if !in_subset => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn is_svg_name(name: &[u8]) -> bool {
    let end = name
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        .unwrap_or(name.len());
    let name = &name[..end];
    // A namespace prefix (`<svg:svg>`) is allowed.
    let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
    local.eq_ignore_ascii_case(b"svg")
}

/// The attributes of the root start tag (`<svg ... >`), once the whole tag is present.
fn start_tag(b: &[u8], start: usize) -> Parse<Vec<(&[u8], &[u8])>> {
    let text = b.get(start + 1..).unwrap_or_default();
    let name_len = text
        .iter()
        .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        .ok_or(Stop::Need(b.len() + 1))?;
    if !is_svg_name(text) {
        let name = String::from_utf8_lossy(&text[..name_len.min(40)]);
        return bad(format!("XML document whose root is <{name}>, not <svg>"));
    }
    let mut attrs = Vec::new();
    let mut pos = name_len;
    // Each turn consumes at least one byte or returns.
    loop {
        while text.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
            pos += 1;
        }
        match text.get(pos) {
            None => return Err(Stop::Need(b.len() + 1)),
            Some(b'>') => return Ok(attrs),
            Some(b'/') => {
                pos += 1;
                continue;
            }
            Some(_) => {}
        }
        let name_start = pos;
        while text
            .get(pos)
            .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/'))
        {
            pos += 1;
        }
        let name = &text[name_start..pos];
        while text.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
            pos += 1;
        }
        if text.get(pos) != Some(&b'=') {
            // An attribute without a value (not XML, but tolerated).
            if pos >= text.len() {
                return Err(Stop::Need(b.len() + 1));
            }
            continue;
        }
        pos += 1;
        while text.get(pos).is_some_and(|c| c.is_ascii_whitespace()) {
            pos += 1;
        }
        let quote = *text.get(pos).ok_or(Stop::Need(b.len() + 1))?;
        if !matches!(quote, b'"' | b'\'') {
            return bad("SVG root attribute value without quotes");
        }
        let value_start = pos + 1;
        let len = memchr::memchr(quote, text.get(value_start..).unwrap_or_default())
            .ok_or(Stop::Need(b.len() + 1))?;
        attrs.push((name, &text[value_start..value_start + len]));
        pos = value_start + len + 1;
    }
}

/// A length as CSS pixels; `None` for a percentage, `auto`, a negative or unknown value.
fn length(value: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(value).ok()?.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-' | 'e' | 'E')))
        .unwrap_or(text.len());
    // "1em" would read "1e" as the number: give the exponent back when no digit follows.
    let split = if text[..split].ends_with(['e', 'E']) {
        split - 1
    } else {
        split
    };
    let number: f64 = text[..split].parse().ok()?;
    let scale = match text[split..].trim().to_ascii_lowercase().as_str() {
        "" | "px" => 1.0,
        "pt" => 96.0 / 72.0,
        "pc" => 16.0,
        "in" => 96.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        "q" => 96.0 / 101.6,
        // Relative to a font size the image does not have: browsers use 16px.
        "em" | "rem" => 16.0,
        "ex" => 8.0,
        _ => return None,
    };
    let px = number * scale;
    (px.is_finite() && px > 0.0).then_some(px)
}

/// `viewBox="min-x min-y width height"` (spaces and/or commas): its width and height.
fn view_box(value: &[u8]) -> Option<(f64, f64)> {
    let text = std::str::from_utf8(value).ok()?;
    let mut numbers = text
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok());
    let (_, _, w, h) = (
        numbers.next()??,
        numbers.next()??,
        numbers.next()??,
        numbers.next()??,
    );
    (w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0).then_some((w, h))
}

fn size(attrs: Vec<(&[u8], &[u8])>) -> (u32, u32) {
    let find = |name: &[u8]| attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    let width = find(b"width").and_then(length);
    let height = find(b"height").and_then(length);
    let view = find(b"viewBox").and_then(view_box);
    let (w, h) = match (width, height, view) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (Some(w), None, None) => (w, DEFAULT_HEIGHT),
        (None, Some(h), None) => (DEFAULT_WIDTH, h),
        (None, None, Some(view)) => view,
        (None, None, None) => (DEFAULT_WIDTH, DEFAULT_HEIGHT),
    };
    (pixels(w), pixels(h))
}

/// Rounded to whole pixels, at least one (`as` saturates at `u32::MAX`).
fn pixels(v: f64) -> u32 {
    v.round().max(1.0) as u32
}
