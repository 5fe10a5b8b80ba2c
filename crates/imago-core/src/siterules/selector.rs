//! The CSS selectors site rules use: type, `#id`, `.class`, `[attr]`, `[attr=v]`,
//! `[attr~=v]`, `[attr|=v]`, `[attr^=v]`, `[attr$=v]`, `[attr*=v]`, `*`, descendant
//! and child combinators, comma lists. Matched against the stack of open elements.

/// What a selector needs to know about an element.
pub trait Element {
    /// The tag name as written (compared without case).
    fn name(&self) -> &str;
    /// The raw value of an attribute (compared as written).
    fn attr(&self, name: &str) -> Option<&str>;
}

/// A comma-separated list of complex selectors.
#[derive(Clone, Debug, PartialEq)]
pub struct SelectorList(Vec<Complex>);

#[derive(Clone, Debug, PartialEq)]
struct Complex {
    /// Compounds from left to right; the combinator joins a compound to the previous one.
    parts: Vec<(Combinator, Compound)>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Combinator {
    Descendant,
    Child,
}

#[derive(Clone, Debug, Default, PartialEq)]
struct Compound {
    tag: Option<String>,
    id: Vec<String>,
    class: Vec<String>,
    attrs: Vec<AttrSel>,
}

#[derive(Clone, Debug, PartialEq)]
struct AttrSel {
    name: String,
    op: Op,
    value: String,
    ignore_case: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Exists,
    Equals,
    Word,
    Dash,
    Prefix,
    Suffix,
    Contains,
}

impl SelectorList {
    /// Parses a selector list; the error says what is wrong.
    pub fn parse(text: &str) -> Result<SelectorList, String> {
        let mut list = Vec::new();
        for part in split_top_level_commas(text) {
            list.push(parse_complex(part.trim())?);
        }
        if list.is_empty() {
            return Err("empty selector".into());
        }
        Ok(SelectorList(list))
    }

    /// `true` when the last element of `path` (the root first) matches.
    pub fn matches<E: Element>(&self, path: &[E]) -> bool {
        self.0.iter().any(|c| c.matches(path))
    }
}

fn split_top_level_commas(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || !c.is_ascii()
}

fn parse_complex(text: &str) -> Result<Complex, String> {
    if text.is_empty() {
        return Err("empty selector in a list".into());
    }
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let mut parts = Vec::new();
    let mut comb = Combinator::Descendant;
    loop {
        let mut saw_space = false;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
            saw_space = true;
        }
        if i >= chars.len() {
            break;
        }
        if chars[i] == '>' {
            if parts.is_empty() {
                return Err(format!("`{text}` starts with a combinator"));
            }
            comb = Combinator::Child;
            i += 1;
            continue;
        }
        if matches!(chars[i], '+' | '~') {
            return Err(format!("sibling combinators are not supported in `{text}`"));
        }
        if !parts.is_empty() && !saw_space && comb != Combinator::Child {
            return Err(format!("unexpected `{}` in `{text}`", chars[i]));
        }
        let (compound, next) = parse_compound(&chars, i, text)?;
        parts.push((comb, compound));
        comb = Combinator::Descendant;
        i = next;
    }
    if comb == Combinator::Child || parts.is_empty() {
        return Err(format!("`{text}` ends with a combinator"));
    }
    Ok(Complex { parts })
}

fn ident(chars: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            s.push(chars[i + 1]);
            i += 2;
        } else if is_ident(chars[i]) {
            s.push(chars[i]);
            i += 1;
        } else {
            break;
        }
    }
    (s, i)
}

fn parse_compound(chars: &[char], mut i: usize, text: &str) -> Result<(Compound, usize), String> {
    let mut c = Compound::default();
    let start = i;
    if chars[i] == '*' {
        i += 1;
    } else if is_ident(chars[i]) {
        let (name, n) = ident(chars, i);
        c.tag = Some(name.to_ascii_lowercase());
        i = n;
    }
    while i < chars.len() {
        match chars[i] {
            '#' | '.' => {
                let (name, n) = ident(chars, i + 1);
                if name.is_empty() {
                    return Err(format!("missing name after `{}` in `{text}`", chars[i]));
                }
                if chars[i] == '#' {
                    c.id.push(name);
                } else {
                    c.class.push(name);
                }
                i = n;
            }
            '[' => {
                let (a, n) = parse_attr(chars, i + 1, text)?;
                c.attrs.push(a);
                i = n;
            }
            ':' => return Err(format!("pseudo-classes are not supported in `{text}`")),
            ch if ch.is_whitespace() || ch == '>' || ch == '+' || ch == '~' => break,
            ch => return Err(format!("unexpected `{ch}` in `{text}`")),
        }
    }
    if i == start {
        return Err(format!("expected a selector in `{text}`"));
    }
    Ok((c, i))
}

fn parse_attr(chars: &[char], mut i: usize, text: &str) -> Result<(AttrSel, usize), String> {
    let skip_ws = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    let (name, n) = ident(chars, i);
    if name.is_empty() {
        return Err(format!("missing attribute name in `{text}`"));
    }
    i = n;
    skip_ws(&mut i);
    let mut sel = AttrSel {
        name: name.to_ascii_lowercase(),
        op: Op::Exists,
        value: String::new(),
        ignore_case: false,
    };
    let op = match chars.get(i) {
        Some(']') => return Ok((sel, i + 1)),
        Some('=') => Op::Equals,
        Some('~') => Op::Word,
        Some('|') => Op::Dash,
        Some('^') => Op::Prefix,
        Some('$') => Op::Suffix,
        Some('*') => Op::Contains,
        _ => return Err(format!("bad attribute selector in `{text}`")),
    };
    i += if op == Op::Equals { 1 } else { 2 };
    if op != Op::Equals && chars.get(i - 1) != Some(&'=') {
        return Err(format!("bad attribute operator in `{text}`"));
    }
    sel.op = op;
    skip_ws(&mut i);
    match chars.get(i) {
        Some(&q @ ('"' | '\'')) => {
            i += 1;
            while i < chars.len() && chars[i] != q {
                sel.value.push(chars[i]);
                i += 1;
            }
            if i >= chars.len() {
                return Err(format!("unclosed string in `{text}`"));
            }
            i += 1;
        }
        _ => {
            let (v, n) = ident(chars, i);
            sel.value = v;
            i = n;
        }
    }
    skip_ws(&mut i);
    if matches!(chars.get(i), Some('i') | Some('I')) {
        sel.ignore_case = true;
        i += 1;
        skip_ws(&mut i);
    }
    if chars.get(i) != Some(&']') {
        return Err(format!("missing `]` in `{text}`"));
    }
    Ok((sel, i + 1))
}

impl Complex {
    fn matches<E: Element>(&self, path: &[E]) -> bool {
        match path.split_last() {
            Some((last, ancestors)) => {
                let Some(((comb, subject), rest)) = self.parts.split_last() else {
                    return false;
                };
                subject.matches(last) && match_rest(rest, *comb, ancestors)
            }
            None => false,
        }
    }
}

/// Matches the compounds `parts` (left of a combinator `comb`) against `ancestors`.
fn match_rest<E: Element>(
    parts: &[(Combinator, Compound)],
    comb: Combinator,
    ancestors: &[E],
) -> bool {
    let Some(((next_comb, compound), rest)) = parts.split_last() else {
        return true;
    };
    match comb {
        Combinator::Child => match ancestors.split_last() {
            Some((parent, above)) => {
                compound.matches(parent) && match_rest(rest, *next_comb, above)
            }
            None => false,
        },
        Combinator::Descendant => (0..ancestors.len()).rev().any(|k| {
            compound.matches(&ancestors[k]) && match_rest(rest, *next_comb, &ancestors[..k])
        }),
    }
}

impl Compound {
    fn matches<E: Element>(&self, e: &E) -> bool {
        if let Some(t) = &self.tag {
            if !e.name().eq_ignore_ascii_case(t) {
                return false;
            }
        }
        if !self.id.is_empty() {
            let Some(id) = e.attr("id") else { return false };
            if self.id.iter().any(|want| want != id.trim()) {
                return false;
            }
        }
        if !self.class.is_empty() {
            let Some(class) = e.attr("class") else {
                return false;
            };
            if !self
                .class
                .iter()
                .all(|want| class.split_ascii_whitespace().any(|c| c == want))
            {
                return false;
            }
        }
        self.attrs.iter().all(|a| a.matches(e))
    }
}

impl AttrSel {
    fn matches<E: Element>(&self, e: &E) -> bool {
        let Some(v) = e.attr(&self.name) else {
            return false;
        };
        let (v, want) = if self.ignore_case {
            (v.to_lowercase(), self.value.to_lowercase())
        } else {
            (v.to_string(), self.value.clone())
        };
        match self.op {
            Op::Exists => true,
            Op::Equals => v == want,
            Op::Word => v.split_ascii_whitespace().any(|w| w == want),
            Op::Dash => v == want || v.starts_with(&format!("{want}-")),
            Op::Prefix => !want.is_empty() && v.starts_with(&want),
            Op::Suffix => !want.is_empty() && v.ends_with(&want),
            Op::Contains => !want.is_empty() && v.contains(&want),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E(&'static str, Vec<(&'static str, &'static str)>);
    impl Element for E {
        fn name(&self) -> &str {
            self.0
        }
        fn attr(&self, name: &str) -> Option<&str> {
            self.1
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        }
    }

    fn path() -> Vec<E> {
        vec![
            E("html", vec![]),
            E("BODY", vec![("class", "page product")]),
            E(
                "div",
                vec![("id", "imageBlock"), ("data-x", "gallery-main")],
            ),
            E("ul", vec![]),
            E(
                "img",
                vec![("class", "a-dynamic-image thumb"), ("src", "x.jpg")],
            ),
        ]
    }

    fn m(sel: &str) -> bool {
        SelectorList::parse(sel).unwrap().matches(&path())
    }

    #[test]
    fn simple_and_compound() {
        assert!(m("img"));
        assert!(m("IMG.thumb"));
        assert!(m("*"));
        assert!(m(".a-dynamic-image.thumb"));
        assert!(!m(".thumb.missing"));
        assert!(m("img[src]"));
        assert!(m("img[src=\"x.jpg\"]"));
        assert!(m("img[src^=x]"));
        assert!(m("img[src$='.jpg']"));
        assert!(m("img[class~=thumb]"));
        assert!(!m("img[src*=y]"));
        assert!(m("img[SRC=\"X.JPG\" i]"));
    }

    #[test]
    fn combinators_and_lists() {
        assert!(m("#imageBlock img"));
        assert!(m("body.product #imageBlock > ul > img"));
        assert!(!m("#imageBlock > img"));
        assert!(m("div[data-x*=gallery] img"));
        assert!(m("#nope img, .page img"));
        assert!(!m("#nope img, section img"));
        assert!(m("html img"));
        assert!(!m("img div"));
    }

    #[test]
    fn errors() {
        for bad in [
            "", "a,,b", "> a", "a >", "a:hover", "a + b", "[=x]", "#", "a[x=\"y]",
        ] {
            assert!(SelectorList::parse(bad).is_err(), "{bad:?}");
        }
    }
}
