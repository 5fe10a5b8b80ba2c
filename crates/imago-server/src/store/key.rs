//! The shape of a store key, checked by every backend before it touches anything.

use super::StoreError;

/// The local store writes `<name>.<TEMP_MARK>...` beside the target; no key part may
/// look like one, so a listing never mistakes a half-written file for an object.
pub(crate) const TEMP_MARK: &str = ".imago-tmp-";

/// Accepts `a/b/c` made of non-empty parts; refuses `..`, `.`, absolute keys, NUL,
/// backslashes, other control characters, empty parts and temp-file names.
pub(crate) fn validate_key(key: &str) -> Result<(), StoreError> {
    let bad = || StoreError::BadKey(key.to_string());
    if key.is_empty() || key.starts_with('/') {
        return Err(bad());
    }
    if key.chars().any(|c| c == '\\' || c.is_control()) {
        return Err(bad());
    }
    for part in key.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.starts_with(TEMP_MARK) {
            return Err(bad());
        }
    }
    Ok(())
}

/// A listing prefix: empty (everything) or a key-shaped folder, with an optional
/// trailing `/`. Returns it without the slash.
pub(crate) fn validate_prefix(prefix: &str) -> Result<&str, StoreError> {
    let trimmed = prefix.strip_suffix('/').unwrap_or(prefix);
    if trimmed.is_empty() {
        if prefix.is_empty() {
            return Ok("");
        }
        return Err(StoreError::BadKey(prefix.to_string()));
    }
    validate_key(trimmed)?;
    Ok(trimmed)
}

/// Clamps a requested byte range to an object of `size` bytes; an empty or inverted
/// range, or one starting past the end, reads nothing.
pub(crate) fn clamp_range(range: std::ops::Range<u64>, size: u64) -> std::ops::Range<u64> {
    let end = range.end.min(size);
    let start = range.start.min(end);
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_our_shape_pass() {
        for k in ["o/ab/cd/0123.jpg", "a", "t/x.th.webp", "a..b/c"] {
            assert!(validate_key(k).is_ok(), "{k}");
        }
    }

    #[test]
    fn escaping_and_odd_keys_are_refused() {
        for k in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a/..",
            "a//b",
            "a/",
            "./a",
            "a\\b",
            "a\0b",
            "a/\nb",
            "a/.imago-tmp-1",
        ] {
            assert!(
                matches!(validate_key(k), Err(StoreError::BadKey(_))),
                "{k:?}"
            );
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(validate_prefix("").ok(), Some(""));
        assert_eq!(validate_prefix("o/ab/").ok(), Some("o/ab"));
        assert!(validate_prefix("/").is_err());
        assert!(validate_prefix("../").is_err());
    }

    #[test]
    fn ranges_clamp_to_the_object() {
        assert_eq!(clamp_range(2..5, 10), 2..5);
        assert_eq!(clamp_range(8..50, 10), 8..10);
        assert_eq!(clamp_range(12..50, 10), 10..10);
        // An inverted range (a client's `bytes=5-1`) reads nothing.
        let inverted = std::ops::Range { start: 5, end: 2 };
        assert!(clamp_range(inverted, 10).is_empty());
    }
}
