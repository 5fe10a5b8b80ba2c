//! Is this prefix a web page? A fallback until `imago_core::probe::looks_like_html`
//! lands; the engine calls only this function, so switching is one line.

/// The first non-blank bytes open an HTML document (doctype or a common tag).
pub(crate) fn looks_like_html(prefix: &[u8]) -> bool {
    let mut p = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    while let Some((first, rest)) = p.split_first() {
        if first.is_ascii_whitespace() {
            p = rest;
        } else {
            break;
        }
    }
    let head: Vec<u8> = p.iter().take(16).map(u8::to_ascii_lowercase).collect();
    const OPENERS: [&[u8]; 14] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<title",
        b"<script",
        b"<meta",
        b"<div",
        b"<iframe",
        b"<style",
        b"<link",
        b"<h1",
        b"<table",
        b"<br",
    ];
    OPENERS.iter().any(|o| {
        head.starts_with(o) && head.get(o.len()).is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::looks_like_html;

    #[test]
    fn pages_are_recognized_and_images_are_not() {
        assert!(looks_like_html(b"<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"\n  <HTML lang=en>"));
        assert!(looks_like_html(b"\xef\xbb\xbf<head><title>404</title>"));
        assert!(!looks_like_html(b"\x89PNG\r\n\x1a\n"));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><svg"));
        assert!(!looks_like_html(
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">"
        ));
        assert!(!looks_like_html(b"<headline>"));
    }
}
