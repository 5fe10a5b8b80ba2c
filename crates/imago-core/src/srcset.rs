//! `srcset` parsing as the HTML spec describes it ("parse a srcset attribute"): URLs may
//! hold commas (`/c_fill,w_300/a.jpg`), descriptors are `w`, `x` or `h`, and a
//! candidate with invalid or duplicate descriptors is dropped.

use crate::model::Descriptor;

/// One candidate of a `srcset`.
#[derive(Clone, Debug, PartialEq)]
pub struct SrcsetEntry<'a> {
    /// The URL as written (not resolved, not entity-decoded beyond what the caller did).
    pub url: &'a str,
    /// `None` means no descriptor, which the spec reads as `1x`.
    pub descriptor: Option<Descriptor>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Every valid candidate of `input`, in order.
pub fn parse(input: &str) -> Vec<SrcsetEntry<'_>> {
    let b = input.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && (is_space(b[i]) || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            return out;
        }
        let start = i;
        while i < b.len() && !is_space(b[i]) {
            i += 1;
        }
        let mut url = &input[start..i];
        let mut descriptors: Vec<&str> = Vec::new();
        if url.ends_with(',') {
            url = url.trim_end_matches(',');
        } else {
            i = tokenize_descriptors(input, i, &mut descriptors);
        }
        if url.is_empty() {
            continue;
        }
        if let Some(descriptor) = parse_descriptors(&descriptors) {
            out.push(SrcsetEntry { url, descriptor });
        }
    }
}

/// Collects the descriptor tokens after a URL up to the next top-level comma; returns
/// the position after it.
fn tokenize_descriptors<'a>(input: &'a str, mut i: usize, out: &mut Vec<&'a str>) -> usize {
    let b = input.as_bytes();
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut tok_start = i;
    let mut in_parens = false;
    while i < b.len() {
        let c = b[i];
        if in_parens {
            if c == b')' {
                in_parens = false;
            }
            i += 1;
            continue;
        }
        match c {
            b',' => {
                if tok_start < i {
                    out.push(&input[tok_start..i]);
                }
                return i + 1;
            }
            b'(' => {
                in_parens = true;
                i += 1;
            }
            c if is_space(c) => {
                if tok_start < i {
                    out.push(&input[tok_start..i]);
                }
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                tok_start = i;
            }
            _ => i += 1,
        }
    }
    if tok_start < i {
        out.push(&input[tok_start..i]);
    }
    i
}

/// `Some(None)` for no descriptor, `Some(Some(d))` for a valid one, `None` when the
/// candidate must be dropped.
fn parse_descriptors(tokens: &[&str]) -> Option<Option<Descriptor>> {
    let mut width: Option<u32> = None;
    let mut density: Option<f32> = None;
    let mut height = false;
    for t in tokens {
        let (idx, _) = t.char_indices().last()?;
        let (num, unit) = t.split_at(idx);
        match unit {
            "w" if width.is_none() && density.is_none() => {
                let w: u32 = parse_int(num)?;
                if w == 0 {
                    return None;
                }
                width = Some(w);
            }
            "x" if width.is_none() && density.is_none() && !height => {
                let d: f32 = num.parse().ok()?;
                if !(d.is_finite() && d >= 0.0) || num.starts_with('+') {
                    return None;
                }
                density = Some(d);
            }
            "h" if !height && density.is_none() => {
                let h: u32 = parse_int(num)?;
                if h == 0 {
                    return None;
                }
                height = true;
            }
            _ => return None,
        }
    }
    // `h` alone is not allowed (it only qualifies a width).
    if height && width.is_none() {
        return None;
    }
    Some(match (width, density) {
        (Some(w), _) => Some(Descriptor::Width(w)),
        (None, Some(d)) => Some(Descriptor::Density(d)),
        _ => None,
    })
}

fn parse_int(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `true` when `value` reads as a srcset with at least one `w` or `x` descriptor
/// (used to recognise `data-*` attributes that hold one).
pub fn has_descriptors(value: &str) -> bool {
    value.contains(' ') && parse(value).iter().any(|e| e.descriptor.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Descriptor::*;

    fn p(s: &str) -> Vec<(&str, Option<Descriptor>)> {
        parse(s)
            .into_iter()
            .map(|e| (e.url, e.descriptor))
            .collect()
    }

    #[test]
    fn widths_densities_and_defaults() {
        assert_eq!(
            p("a.jpg 320w, b.jpg 640w,c.jpg 1280w"),
            vec![
                ("a.jpg", Some(Width(320))),
                ("b.jpg", Some(Width(640))),
                ("c.jpg", Some(Width(1280)))
            ]
        );
        assert_eq!(
            p(" a.jpg, b.jpg 1.5x ,c.jpg 2x"),
            vec![
                ("a.jpg", None),
                ("b.jpg", Some(Density(1.5))),
                ("c.jpg", Some(Density(2.0)))
            ]
        );
        assert_eq!(p("single.jpg"), vec![("single.jpg", None)]);
        assert_eq!(p(""), vec![]);
        assert_eq!(p(" , ,"), vec![]);
    }

    #[test]
    fn commas_inside_urls_and_trailing_commas() {
        assert_eq!(
            p("https://res.cloudinary.com/x/c_fill,w_300/a.jpg 300w, https://res.cloudinary.com/x/c_fill,w_900/a.jpg 900w"),
            vec![
                ("https://res.cloudinary.com/x/c_fill,w_300/a.jpg", Some(Width(300))),
                ("https://res.cloudinary.com/x/c_fill,w_900/a.jpg", Some(Width(900)))
            ]
        );
        // Only whitespace ends a URL: a comma right after one ends the candidate.
        assert_eq!(
            p("a.jpg,b.jpg 2x"),
            vec![("a.jpg,b.jpg", Some(Density(2.0)))]
        );
        assert_eq!(
            p("a.jpg, b.jpg 2x"),
            vec![("a.jpg", None), ("b.jpg", Some(Density(2.0)))]
        );
        assert_eq!(
            p("a.jpg,, b.jpg 2x,"),
            vec![("a.jpg", None), ("b.jpg", Some(Density(2.0)))]
        );
    }

    #[test]
    fn invalid_descriptors_drop_the_candidate() {
        assert_eq!(
            p("a.jpg 100w 2x, b.jpg 0w, c.jpg 12q, d.jpg 50w 60h, e.jpg 10h, f.jpg -2x, g.jpg 300w"),
            vec![("d.jpg", Some(Width(50))), ("g.jpg", Some(Width(300)))]
        );
        // Parentheses in descriptors (future syntax) are kept together, then rejected.
        assert_eq!(
            p("a.jpg foo(1, 2), b.jpg 2x"),
            vec![("b.jpg", Some(Density(2.0)))]
        );
    }
}
