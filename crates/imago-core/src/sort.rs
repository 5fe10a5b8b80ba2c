//! The order images are listed and saved in: page order, area, width, height, bytes or
//! URL.
//!
//! The sort is stable (equal images keep page order) and an image whose key is unknown
//! (no probe, no declared size) goes last whether the order is ascending or descending:
//! `--sort area --desc` shows the largest known images first, not the unmeasured ones.

use std::cmp::Ordering;
use std::fmt;

use crate::model::{Image, Measured};

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    /// Document order ([`Image::order`]).
    #[default]
    Page,
    /// Width x height.
    Area,
    Width,
    Height,
    /// Byte size (known only after a probe).
    Bytes,
    /// The URL, comparing runs of digits as numbers (`img2` before `img10`).
    Url,
}

impl SortKey {
    /// Every key, for help texts.
    pub const ALL: [SortKey; 6] = [
        SortKey::Page,
        SortKey::Area,
        SortKey::Width,
        SortKey::Height,
        SortKey::Bytes,
        SortKey::Url,
    ];

    /// The name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Page => "page",
            SortKey::Area => "area",
            SortKey::Width => "width",
            SortKey::Height => "height",
            SortKey::Bytes => "bytes",
            SortKey::Url => "url",
        }
    }

    /// Parses `page`, `area`, `width`, `height`, `bytes` or `url` (any case; `size` is
    /// taken as `bytes`). `None` for anything else.
    pub fn parse(s: &str) -> Option<SortKey> {
        let s = s.trim().to_ascii_lowercase();
        if s == "size" {
            return Some(SortKey::Bytes);
        }
        SortKey::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the key needs a probe to be known (the caller probes first).
    pub fn needs_measure(self) -> bool {
        matches!(
            self,
            SortKey::Area | SortKey::Width | SortKey::Height | SortKey::Bytes
        )
    }
}

impl fmt::Display for SortKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sorts `items` by `key`; `get` gives each item's image and what was measured of it.
/// Width and height come from the measurement, falling back to the size the page
/// declared.
pub fn sort_images<T>(
    items: &mut [T],
    key: SortKey,
    descending: bool,
    get: impl Fn(&T) -> (&Image, &Measured),
) {
    let direct = |o: Ordering| if descending { o.reverse() } else { o };
    match key {
        SortKey::Url => items.sort_by(|a, b| direct(natural_cmp(&get(a).0.url, &get(b).0.url))),
        _ => items.sort_by(|a, b| {
            let (ka, kb) = (number_key(key, get(a)), number_key(key, get(b)));
            match (ka, kb) {
                (Some(x), Some(y)) => direct(x.cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }),
    }
}

fn number_key(key: SortKey, (image, m): (&Image, &Measured)) -> Option<u64> {
    let width = m.width.or(image.width);
    let height = m.height.or(image.height);
    match key {
        SortKey::Page => Some(u64::from(image.order)),
        SortKey::Area => Some(u64::from(width?) * u64::from(height?)),
        SortKey::Width => width.map(u64::from),
        SortKey::Height => height.map(u64::from),
        SortKey::Bytes => m.bytes,
        SortKey::Url => None,
    }
}

/// Compares strings with runs of ASCII digits taken as numbers, so `img2.jpg` comes
/// before `img10.jpg`; byte order elsewhere.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let si = i;
            while i < a.len() && a[i].is_ascii_digit() {
                i += 1;
            }
            let sj = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            // Numbers of any length: drop leading zeros, then the longer is larger,
            // then compare digit by digit; "007" and "7" then differ by zero count.
            let (na, nb) = (&a[si..i], &b[sj..j]);
            let ta = trim_zeros(na);
            let tb = trim_zeros(nb);
            let ord = ta
                .len()
                .cmp(&tb.len())
                .then_with(|| ta.cmp(tb))
                .then_with(|| na.len().cmp(&nb.len()));
            if ord != Ordering::Equal {
                return ord;
            }
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j))
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let first = digits
        .iter()
        .position(|&d| d != b'0')
        .unwrap_or(digits.len());
    &digits[first..]
}
