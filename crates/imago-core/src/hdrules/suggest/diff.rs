//! A thumbnail URL against its full size, token by token: what the site's image server
//! changes (the size in the name, a path segment, a query parameter) and what it keeps.
//!
//! Tokens are runs of ASCII letters and digits and single other characters, so
//! `x_200x200.jpg?w=3` is `x`, `_`, `200x200`, `.`, `jpg`, `?`, `w`, `=`, `3`: a size
//! stays one token and every separator is an anchor a rule can name.

/// Longer URLs are not thumbnails worth learning from, and the alignment is quadratic.
const MAX_TOKENS: usize = 256;

/// Bound of the alignment table once the common start and end are set aside.
const MAX_MIDDLE_CELLS: usize = 64 * 64;

/// One step of the alignment of a thumbnail's tokens with its full size's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op<'a> {
    Keep(&'a str),
    Del(&'a str),
    Ins(&'a str),
}

/// A stretch of the changed span: tokens both URLs share, or tokens the thumbnail has
/// (`del`) where the full size has others (`ins`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Part<'a> {
    Keep(Vec<&'a str>),
    Change {
        del: Vec<&'a str>,
        ins: Vec<&'a str>,
    },
}

/// How a thumbnail becomes its full size: the changed span (`core`, starting and ending
/// with a change) and the shared tokens around it, nearest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Edit<'a> {
    pub left: Vec<&'a str>,
    pub core: Vec<Part<'a>>,
    pub right: Vec<&'a str>,
}

/// The tokens of `s` (see the module doc).
pub(super) fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_alphanumeric() {
            start.get_or_insert(i);
            continue;
        }
        if let Some(st) = start.take() {
            out.push(&s[st..i]);
        }
        out.push(&s[i..i + c.len_utf8()]);
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

/// The edit from `thumb` to `full`; `None` when they are equal or too long to align.
pub(super) fn edit<'a>(thumb: &'a str, full: &'a str) -> Option<Edit<'a>> {
    let t = tokens(thumb);
    let f = tokens(full);
    if t.len() > MAX_TOKENS || f.len() > MAX_TOKENS {
        return None;
    }
    let ops = align(&t, &f)?;
    let first = ops.iter().position(|o| !matches!(o, Op::Keep(_)))?;
    let last = ops.iter().rposition(|o| !matches!(o, Op::Keep(_)))?;
    let keep = |o: &Op<'a>| match o {
        Op::Keep(k) => Some(*k),
        _ => None,
    };
    let left = ops[..first].iter().rev().filter_map(keep).collect();
    let right = ops[last + 1..].iter().filter_map(keep).collect();

    let mut core: Vec<Part<'a>> = Vec::new();
    for op in &ops[first..=last] {
        match (*op, core.last_mut()) {
            (Op::Keep(k), Some(Part::Keep(run))) => run.push(k),
            (Op::Keep(k), _) => core.push(Part::Keep(vec![k])),
            // A deletion after an insertion starts a new change: `del` then `ins` is
            // the order the alignment emits, so this only splits true neighbours.
            (Op::Del(d), Some(Part::Change { del, ins })) if ins.is_empty() => del.push(d),
            (Op::Ins(i), Some(Part::Change { ins, .. })) => ins.push(i),
            (Op::Del(d), _) => core.push(Part::Change {
                del: vec![d],
                ins: Vec::new(),
            }),
            (Op::Ins(i), _) => core.push(Part::Change {
                del: Vec::new(),
                ins: vec![i],
            }),
        }
    }
    Some(Edit { left, core, right })
}

/// A longest common subsequence alignment, deletions before insertions where both fit,
/// so that every pair of one site aligns the same way. `None` past the size bound.
fn align<'a>(t: &[&'a str], f: &[&'a str]) -> Option<Vec<Op<'a>>> {
    let prefix = t.iter().zip(f).take_while(|(a, b)| a == b).count();
    let room = t.len().min(f.len()) - prefix;
    let suffix = t
        .iter()
        .rev()
        .zip(f.iter().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    let (tm, fm) = (&t[prefix..t.len() - suffix], &f[prefix..f.len() - suffix]);
    if tm.len().saturating_mul(fm.len()) > MAX_MIDDLE_CELLS {
        return None;
    }

    // lcs[i][j]: the longest common subsequence of tm[i..] and fm[j..].
    let w = fm.len() + 1;
    let mut lcs = vec![0u16; (tm.len() + 1) * w];
    for i in (0..tm.len()).rev() {
        for j in (0..fm.len()).rev() {
            lcs[i * w + j] = if tm[i] == fm[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }

    let mut ops: Vec<Op<'a>> = t[..prefix].iter().map(|k| Op::Keep(k)).collect();
    let (mut i, mut j) = (0, 0);
    while i < tm.len() || j < fm.len() {
        if i < tm.len() && j < fm.len() && tm[i] == fm[j] {
            ops.push(Op::Keep(tm[i]));
            i += 1;
            j += 1;
        } else if i < tm.len() && (j == fm.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
            ops.push(Op::Del(tm[i]));
            i += 1;
        } else {
            ops.push(Op::Ins(fm[j]));
            j += 1;
        }
    }
    ops.extend(t[t.len() - suffix..].iter().map(|k| Op::Keep(k)));
    Some(ops)
}

/// True when the "full size" names smaller numbers than the thumbnail where they differ
/// (`/w/769/` linking to `/w/560/`): a page that links a picture to a smaller version
/// shows no thumbnail/full-size pair, and a rule learned from it would shrink images.
pub(super) fn looks_smaller(thumb: &str, full: &str) -> bool {
    let Some(e) = edit(thumb, full) else {
        return false;
    };
    let (mut smaller, mut larger) = (false, false);
    for part in &e.core {
        let Part::Change { del, ins } = part else {
            continue;
        };
        let (a, b) = (numbers(del), numbers(ins));
        if a.is_empty() || a.len() != b.len() {
            continue;
        }
        for (x, y) in a.iter().zip(&b) {
            smaller |= y < x;
            larger |= y > x;
        }
    }
    smaller && !larger
}

/// The digit runs of `tokens`, as numbers (saturating: a long run is an id, not a size).
fn numbers(tokens: &[&str]) -> Vec<u64> {
    let mut out = Vec::new();
    for t in tokens {
        for run in t
            .split(|c: char| !c.is_ascii_digit())
            .filter(|r| !r.is_empty())
        {
            out.push(run.parse().unwrap_or(u64::MAX));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_on_every_separator() {
        assert_eq!(
            tokens("a/x_200x200.jpg?w=3"),
            ["a", "/", "x", "_", "200x200", ".", "jpg", "?", "w", "=", "3"]
        );
        assert_eq!(tokens("é-1"), ["é", "-", "1"]);
        assert!(tokens("").is_empty());
    }

    #[test]
    fn a_size_suffix_is_one_change_with_its_context() {
        let e = edit("https://a/p/cat_200.jpg", "https://a/p/cat.jpg").unwrap();
        assert_eq!(
            e.core,
            [Part::Change {
                del: vec!["_", "200"],
                ins: vec![]
            }]
        );
        assert_eq!(&e.left[..2], ["cat", "/"]);
        assert_eq!(e.right, [".", "jpg"]);
    }

    #[test]
    fn two_edits_keep_what_lies_between() {
        let e = edit("https://a/thumbs/cat_200.jpg", "https://a/full/cat.jpg").unwrap();
        assert_eq!(
            e.core,
            [
                Part::Change {
                    del: vec!["thumbs"],
                    ins: vec!["full"]
                },
                Part::Keep(vec!["/", "cat"]),
                Part::Change {
                    del: vec!["_", "200"],
                    ins: vec![]
                },
            ]
        );
        assert!(edit("https://a/x", "https://a/x").is_none());
    }

    #[test]
    fn smaller_full_sizes_are_recognized() {
        assert!(looks_smaller(
            "https://a/w/769/x.jpg",
            "https://a/w/560/x.jpg"
        ));
        assert!(!looks_smaller(
            "https://a/w/560/x.jpg",
            "https://a/w/769/x.jpg"
        ));
        assert!(!looks_smaller("https://a/x_m.jpg", "https://a/x_xl.jpg"));
        assert!(!looks_smaller("https://a/x-200.jpg", "https://a/x.jpg"));
    }
}
