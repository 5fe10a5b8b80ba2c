//! Recognizing an HTML page served where an image was expected (an error page, a login
//! wall, a "hotlinking forbidden" notice) from its first bytes.

use super::bytes::{skip_bom_and_space, starts_with_ci};
use memchr::memmem;

/// Tags that open an HTML document, after the WHATWG MIME sniffing table (plus `<meta`
/// and `<link`, which error pages often open with). Each must be followed by a space or
/// `>` to count, so `<svg`, `<symbol` or `<bold-thing` never match.
const HTML_STARTS: &[&[u8]] = &[
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<title",
    b"<style",
    b"<meta",
    b"<link",
    b"<table",
    b"<div",
    b"<font",
    b"<center",
    b"<pre",
    b"<h1",
    b"<br",
    b"<a",
    b"<b",
    b"<p",
];

/// Whether `prefix` starts like an HTML document: after a BOM, whitespace, an XML
/// declaration (XHTML) and comments, one of `<!doctype html`, `<html`, `<head`, `<body`,
/// `<script` and a few more tags, case-insensitive. An SVG (`<?xml ...?><svg`, or a
/// comment then `<svg`, or `<!DOCTYPE svg`) is not HTML.
pub fn looks_like_html(prefix: &[u8]) -> bool {
    let mut rest = skip_bom_and_space(prefix);
    // Each turn removes a declaration or a comment, so the loop ends.
    loop {
        let skipped = if rest.starts_with(b"<?") {
            skip_past(rest, b"?>")
        } else if rest.starts_with(b"<!--") {
            skip_past(&rest[4..], b"-->")
        } else {
            break;
        };
        match skipped {
            Some(after) => rest = skip_bom_and_space(after),
            None => return false,
        }
    }
    HTML_STARTS.iter().any(|start| {
        starts_with_ci(rest, start)
            && rest
                .get(start.len())
                .is_some_and(|&c| c == b'>' || c.is_ascii_whitespace())
    })
}

/// The bytes after the first `end` in `text`.
fn skip_past<'a>(text: &'a [u8], end: &[u8]) -> Option<&'a [u8]> {
    let at = memmem::find(text, end)?;
    text.get(at + end.len()..)
}
