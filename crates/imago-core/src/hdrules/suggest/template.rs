//! From the edits of several pairs to one rule's `pattern` and `replace`.
//!
//! Pairs whose edits have the same shape (the same changes, sizes written as `\d+`)
//! form a cluster; the cluster becomes a rule with `context` tokens of the shared URL
//! on each side of the change. What varies between the pairs of a cluster (names, ids)
//! becomes a character class captured and restated; what the full size adds is
//! literal, so a change whose full size holds a new id (a signed hash) cannot be learned.

use super::diff::{Edit, Part};

/// How far the changed tokens are generalized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Variant {
    /// Numbers in what the thumbnail loses become `\d+` (`_200x200` is `_\d+x\d+`),
    /// where the pairs show they may: the rule then maps every size the site serves.
    Sizes,
    /// The changed tokens as they are, for sites with several ladders (`sw=60` goes to
    /// `sw=95` but `sw=627` to `sw=2400`). Ids are generalized in both variants.
    Literal,
}

/// One piece of a rule, as it reads in `pattern` and in `replace`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// The same text in both.
    Lit(String),
    /// A regex captured in `pattern` and restated in `replace`.
    Cap(String),
    /// A regex in `pattern`: what the thumbnail loses.
    Del(String),
    /// Text of `replace`: what the full size gains.
    Ins(String),
    Start,
    End,
}

/// A rule's regex and its one replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Shape {
    pub pattern: String,
    pub replace: String,
    /// Letters the pattern names literally: a rule with none (`=\d+$`) would fire on
    /// any number of the host, so the learner widens its context until it has some.
    pub anchor_letters: usize,
}

/// The class of a token that varies or holds digits.
const ALNUM: &str = "[0-9A-Za-z]+";
const DIGITS: &str = r"\d+";

/// What makes edits one cluster: the changes, generalized as `variant` says. `None` for
/// an edit no rule can make (the full size gains an id).
pub(super) fn key(e: &Edit<'_>, variant: Variant) -> Option<String> {
    let mut out = String::new();
    for part in &e.core {
        match part {
            Part::Keep(_) => out.push_str("K|"),
            Part::Change { del, ins } => {
                if ins.iter().any(|t| is_id(t)) {
                    return None;
                }
                out.push_str("C:");
                for t in del {
                    out.push_str(&del_shape(t, variant == Variant::Sizes));
                }
                out.push('\u{0}');
                out.extend(ins.iter().copied());
                out.push('|');
            }
        }
    }
    Some(out)
}

/// The rule of a cluster (edits with one [`key`]) with `left` and `right` tokens of
/// context; `None` when the edits do not line up that far out.
pub(super) fn shape(
    members: &[&Edit<'_>],
    variant: Variant,
    left: usize,
    right: usize,
) -> Option<Shape> {
    let first = members.first()?;
    let mut pieces: Vec<Piece> = context(members, left, |e| &e.left, Piece::Start)?;
    pieces.reverse();
    for (k, part) in first.core.iter().enumerate() {
        match part {
            Part::Keep(_) => {
                let runs: Vec<&[&str]> = members
                    .iter()
                    .map(|e| match e.core.get(k) {
                        Some(Part::Keep(run)) => run.as_slice(),
                        _ => &[],
                    })
                    .collect();
                pieces.extend(keep_run(&runs));
            }
            Part::Change { del, ins } => {
                // A size becomes `\d+` when the pairs show it varies, or when the full
                // size names no number (an original fits every size). One size mapped
                // to one other (`SR160,160` to `SR480,480`) stays as it is: the page
                // does not say what `SR160,200` becomes.
                let sized = ins.iter().any(|t| t.bytes().any(|b| b.is_ascii_digit()));
                let re = del
                    .iter()
                    .enumerate()
                    .map(|(n, t)| {
                        let varies = members.iter().any(|e| match e.core.get(k) {
                            Some(Part::Change { del, .. }) => del.get(n) != Some(t),
                            _ => true,
                        });
                        del_shape(t, variant == Variant::Sizes && (varies || !sized))
                    })
                    .collect();
                pieces.push(Piece::Del(re));
                pieces.push(Piece::Ins(ins.concat()));
            }
        }
    }
    pieces.extend(context(members, right, |e| &e.right, Piece::End)?);
    let letters = |s: &str| s.bytes().filter(u8::is_ascii_alphabetic).count();
    let anchor_letters = pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => letters(s),
            // What is left of a deleted token's regex once classes are taken out.
            Piece::Del(re) => letters(&re.replace(ALNUM, "").replace(DIGITS, "")),
            _ => 0,
        })
        .sum();
    let (pattern, replace) = render(merge(pieces));
    Some(Shape {
        pattern,
        replace,
        anchor_letters,
    })
}

/// `n` tokens of context on one side, nearest first; the URL's start or end stands in
/// when every member runs out at the same place, and "this separator or the end" when
/// some do (`?w=300` beside `?w=300&filter=x`).
fn context<'e>(
    members: &[&'e Edit<'e>],
    n: usize,
    side: impl Fn(&'e Edit<'e>) -> &'e Vec<&'e str>,
    edge: Piece,
) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    for j in 0..n {
        let column: Vec<Option<&str>> = members.iter().map(|e| side(e).get(j).copied()).collect();
        if column.iter().all(Option::is_some) {
            out.push(unify(
                &column.into_iter().flatten().collect::<Vec<_>>(),
                true,
            )?);
            continue;
        }
        let present: Vec<&str> = column.into_iter().flatten().collect();
        let Some(first) = present.first() else {
            out.push(edge);
            return Some(out);
        };
        let separator = !first.bytes().any(|b| b.is_ascii_alphanumeric());
        if !separator || present.iter().any(|t| t != first) {
            return None;
        }
        let anchor = if edge == Piece::End { "$" } else { "^" };
        out.push(Piece::Cap(format!("(?:{}|{anchor})", regex::escape(first))));
        return Some(out);
    }
    Some(out)
}

/// One token position across members: a shared separator stays literal, and a shared
/// word too when `words` says so; digits and ids never do (a rule naming one picture's
/// number helps no other picture).
fn unify(column: &[&str], words: bool) -> Option<Piece> {
    let first = column.first()?;
    let alnum = |t: &&str| t.bytes().all(|b| b.is_ascii_alphanumeric());
    if !alnum(first) {
        return column
            .iter()
            .all(|t| t == first)
            .then(|| Piece::Lit(first.to_string()));
    }
    if !column.iter().all(alnum) {
        return None;
    }
    let digits = |t: &&str| t.bytes().any(|b| b.is_ascii_digit());
    if words && column.iter().all(|t| t == first) && !digits(first) {
        return Some(Piece::Lit(first.to_string()));
    }
    if column.iter().all(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        return Some(Piece::Cap(DIGITS.into()));
    }
    Some(Piece::Cap(ALNUM.into()))
}

/// Most tokens a kept run between two changes is matched token by token.
const SHORT_RUN: usize = 5;

/// Tokens kept between two changes. They are restated, not anchors: on one page they
/// often spell one product's name, which no other page shares. So separators stay
/// literal and words become classes, token by token for a short run of one length
/// (`,` in `SR160,160`), else one class of letters, digits and the separators seen
/// (names with more or fewer hyphens).
fn keep_run(runs: &[&[&str]]) -> Vec<Piece> {
    let len = runs.first().map_or(0, |r| r.len());
    if len <= SHORT_RUN && runs.iter().all(|r| r.len() == len) {
        let pieces: Option<Vec<Piece>> = (0..len)
            .map(|i| unify(&runs.iter().map(|r| r[i]).collect::<Vec<_>>(), false))
            .collect();
        if let Some(pieces) = pieces {
            return pieces;
        }
    }
    // Names and ids are any letters and digits; the separators are the ones seen.
    let mut others = String::new();
    for c in runs.iter().flat_map(|r| r.iter()).flat_map(|t| t.chars()) {
        if !c.is_ascii_alphanumeric() && !others.contains(c) {
            others.push(c);
        }
    }
    let mut class = String::from("[0-9A-Za-z");
    for c in others.chars() {
        // Inside a class only these need a backslash.
        if matches!(c, '\\' | ']' | '[' | '^' | '-' | '&' | '~') {
            class.push('\\');
        }
        class.push(c);
    }
    class.push_str("]+");
    vec![Piece::Cap(class)]
}

/// The regex of a token the thumbnail loses: ids as a class, and numbers as `\d+` when
/// `sizes` says so.
fn del_shape(t: &str, sizes: bool) -> String {
    if !t.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return regex::escape(t);
    }
    if is_id(t) {
        return ALNUM.into();
    }
    if !sizes || !t.bytes().any(|b| b.is_ascii_digit()) {
        return regex::escape(t);
    }
    let mut out = String::new();
    let mut in_digits = false;
    for c in t.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push_str(DIGITS);
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// An id rather than a size or a word: a long number (`0737107`, a timestamp), letters
/// and digits mixed at length (`71nMvY4n32L`, a hex hash), or anything very long. Sizes
/// mix digits with a letter or two (`1024x1024`, `220x220q90`, `w1920h1080`).
fn is_id(t: &str) -> bool {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    let letters = t.bytes().filter(u8::is_ascii_alphabetic).count();
    if digits + letters != t.len() {
        return false;
    }
    (digits >= 5 && letters == 0) || (digits > 0 && letters > 2 && t.len() >= 8) || t.len() >= 24
}

/// Joins neighbouring literal and captured pieces into one group, so a rule has a few
/// groups, not one per token.
fn merge(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut run: Vec<Piece> = Vec::new();
    let flush = |run: &mut Vec<Piece>, out: &mut Vec<Piece>| {
        if run.iter().any(|p| matches!(p, Piece::Cap(_))) {
            let re = run
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => regex::escape(s),
                    Piece::Cap(r) => r.clone(),
                    _ => String::new(),
                })
                .collect();
            out.push(Piece::Cap(re));
        } else if !run.is_empty() {
            let text = run
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => s.as_str(),
                    _ => "",
                })
                .collect();
            out.push(Piece::Lit(text));
        }
        run.clear();
    };
    for p in pieces {
        if matches!(p, Piece::Lit(_) | Piece::Cap(_)) {
            run.push(p);
        } else {
            flush(&mut run, &mut out);
            out.push(p);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// `pattern` and `replace` of the pieces, groups numbered left to right.
fn render(pieces: Vec<Piece>) -> (String, String) {
    let (mut pattern, mut replace) = (String::new(), String::new());
    let mut group = 0;
    for p in pieces {
        match p {
            Piece::Lit(s) => {
                pattern.push_str(&regex::escape(&s));
                replace.push_str(&s.replace('$', "$$"));
            }
            Piece::Cap(re) => {
                group += 1;
                pattern.push_str(&format!("({re})"));
                replace.push_str(&format!("${{{group}}}"));
            }
            Piece::Del(re) => pattern.push_str(&re),
            Piece::Ins(s) => replace.push_str(&s.replace('$', "$$")),
            Piece::Start => pattern.push('^'),
            Piece::End => pattern.push('$'),
        }
    }
    (pattern, replace)
}

/// The query parameters `thumb` has and `full` lacks, when that is the whole difference
/// (the full size keeps the others, in order).
pub(super) fn dropped_params(thumb: &str, full: &str) -> Option<Vec<String>> {
    if thumb.contains('#') || full.contains('#') {
        return None;
    }
    let (base, query) = thumb.split_once('?')?;
    let (full_base, full_query) = full.split_once('?').unwrap_or((full, ""));
    if base != full_base {
        return None;
    }
    let mut kept = full_query.split('&').filter(|p| !p.is_empty()).peekable();
    let mut dropped: Vec<String> = Vec::new();
    for param in query.split('&').filter(|p| !p.is_empty()) {
        if kept.peek() == Some(&param) {
            kept.next();
            continue;
        }
        let name = param.split_once('=').map_or(param, |(k, _)| k);
        if !dropped.iter().any(|d| d == name) {
            dropped.push(name.to_string());
        }
    }
    (kept.next().is_none() && !dropped.is_empty()).then_some(dropped)
}

/// The pattern of a `drop_query` rule: it applies where one of `names` is a parameter.
pub(super) fn drop_pattern(names: &[String]) -> String {
    let alternatives: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    format!("[?&](?:{})(?:[=&#]|$)", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use super::super::diff::edit;
    use super::*;

    fn learn(pairs: &[(&str, &str)], variant: Variant, l: usize, r: usize) -> Shape {
        let edits: Vec<Edit<'_>> = pairs.iter().map(|(t, f)| edit(t, f).unwrap()).collect();
        let refs: Vec<&Edit<'_>> = edits.iter().collect();
        let k = key(refs[0], variant).unwrap();
        assert!(refs
            .iter()
            .all(|e| key(e, variant).as_deref() == Some(k.as_str())));
        shape(&refs, variant, l, r).unwrap()
    }

    #[test]
    fn a_size_segment_becomes_digits_with_literal_context() {
        let s = learn(
            &[
                (
                    "https://a/img/200x200/x1.jpg",
                    "https://a/img/original/x1.jpg",
                ),
                (
                    "https://a/img/200x200/y2.jpg",
                    "https://a/img/original/y2.jpg",
                ),
            ],
            Variant::Sizes,
            1,
            1,
        );
        assert_eq!(s.pattern, r"/\d+x\d+/");
        assert_eq!(s.replace, "/original/");
        let s = learn(
            &[(
                "https://a/img/200x200/x1.jpg",
                "https://a/img/original/x1.jpg",
            )],
            Variant::Literal,
            2,
            0,
        );
        assert_eq!(s.pattern, "img/200x200");
        assert_eq!(s.replace, "img/original");
    }

    #[test]
    fn varying_tokens_are_captured_and_restated() {
        let s = learn(
            &[
                ("https://a/thumbs/cat_200.jpg", "https://a/full/cat.jpg"),
                ("https://a/thumbs/dog_120.png", "https://a/full/dog.png"),
            ],
            Variant::Sizes,
            1,
            2,
        );
        assert_eq!(s.pattern, r"/thumbs(/[0-9A-Za-z]+)_\d+(\.[0-9A-Za-z]+)");
        assert_eq!(s.replace, "/full${1}${2}");
        // The end of the URL anchors a change at the end.
        let s = learn(
            &[("https://a/x.jpg?w=200", "https://a/x.jpg?w=1600")],
            Variant::Sizes,
            1,
            1,
        );
        assert_eq!(s.pattern, r"=200$");
        assert_eq!(s.replace, "=1600");
        // A size varying across pairs that all go to one size is any size.
        let s = learn(
            &[
                ("https://a/x.jpg?w=200", "https://a/x.jpg?w=1600"),
                ("https://a/y.jpg?w=300", "https://a/y.jpg?w=1600"),
            ],
            Variant::Sizes,
            1,
            1,
        );
        assert_eq!(s.pattern, r"=\d+$");
    }

    #[test]
    fn ids_are_told_from_sizes() {
        for id in ["0737107", "71nMvY4n32L", "e72f372d", "1605274856421"] {
            assert!(is_id(id), "{id}");
        }
        for size in [
            "1024x1024",
            "220x220q90",
            "w1920h1080",
            "SL1500",
            "ProductLarge",
            "2400",
        ] {
            assert!(!is_id(size), "{size}");
        }
    }

    #[test]
    fn a_separator_or_the_end_of_the_url() {
        let s = learn(
            &[
                ("https://a/x.jpg?w=300", "https://a/x.jpg?w=500"),
                ("https://a/y.jpg?w=300&f=p", "https://a/y.jpg?w=500&f=p"),
            ],
            Variant::Sizes,
            2,
            1,
        );
        assert_eq!(s.pattern, r"w=300((?:\&|$))");
        assert_eq!(s.replace, "w=500${1}");
    }

    #[test]
    fn a_full_size_with_a_new_id_cannot_be_learned() {
        let e = edit(
            "https://a/x.jpg?hash=0a1b2c3d4e5f",
            "https://a/x_big.jpg?hash=9f8e7d6c5b4a",
        )
        .unwrap();
        assert!(key(&e, Variant::Sizes).is_none());
    }

    #[test]
    fn dropped_query_parameters() {
        let d = |t, f| dropped_params(t, f);
        assert_eq!(
            d("https://a/x?w=1&v=2", "https://a/x?v=2"),
            Some(vec!["w".into()])
        );
        assert_eq!(
            d("https://a/x?w=1&h=2", "https://a/x"),
            Some(vec!["w".into(), "h".into()])
        );
        assert_eq!(d("https://a/x?w=1", "https://a/y"), None);
        assert_eq!(d("https://a/x?w=1", "https://a/x?w=2"), None);
        assert_eq!(
            drop_pattern(&["w".into(), "a.b".into()]),
            r"[?&](?:w|a\.b)(?:[=&#]|$)"
        );
    }
}
