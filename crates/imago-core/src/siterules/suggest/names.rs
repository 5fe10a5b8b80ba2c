//! Naming an element the way a site keeps naming it: an id, an `itemprop` or `data-*`
//! attribute, a class that reads as a word, never a name a build tool generated
//! (`_6uf91t`, `css-1x2y3z`, `sc-bdVaJa`, an id with a long number). Selectors are built
//! only from what [`crate::siterules::selector`] parses and matches (no positions, no
//! pseudo-classes), and matched here on the [`Tree`] without parsing, so that hundreds
//! can be weighed per page.

use super::tree::Tree;

/// One compound selector: a tag, and an id, classes or an attribute.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Compound {
    pub tag: Option<String>,
    pub key: Key,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Key {
    None,
    Id(String),
    Classes(Vec<String>),
    /// `[name="value"]`, the value compared as written.
    Attr(String, String),
}

/// A selector: an optional ancestor, then the element (`#buy .price`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Cand {
    pub anc: Option<Compound>,
    pub subject: Compound,
    /// Lower is steadier; see [`rank`].
    pub rank: i32,
}

/// Attributes whose values name what an element is, not what it shows.
const NAMING_ATTRS: [&str; 3] = ["itemprop", "property", "name"];

/// Attributes never used: they carry content, not names.
const CONTENT_ATTRS: [&str; 12] = [
    "id",
    "class",
    "style",
    "href",
    "src",
    "content",
    "value",
    "title",
    "alt",
    "srcset",
    "data-src",
    "data-srcset",
];

/// Classes that say how an element looks or what state it is in, not what it is: they
/// sit on a thousand elements of any page (`active`, `row`, `col-sm-3`, `a-text-center`).
const LAYOUT: [&str; 40] = [
    "active",
    "selected",
    "current",
    "show",
    "shown",
    "hidden",
    "hide",
    "visible",
    "open",
    "closed",
    "clearfix",
    "cf",
    "row",
    "container",
    "container-fluid",
    "wrapper",
    "wrap",
    "content",
    "inner",
    "outer",
    "main",
    "left",
    "right",
    "center",
    "first",
    "last",
    "odd",
    "even",
    "clear",
    "fluid",
    "flex",
    "grid",
    "block",
    "inline",
    "small",
    "large",
    "medium",
    "fixed",
    "sticky",
    "loaded",
];

/// Prefixes of utility classes (Bootstrap, Tailwind, Amazon's `a-` layout helpers).
const LAYOUT_PREFIXES: [&str; 24] = [
    "col-",
    "col_",
    "is-",
    "has-",
    "u-",
    "d-",
    "text-",
    "a-text-",
    "a-spacing",
    "a-size-",
    "a-section",
    "a-row",
    "a-column",
    "mb-",
    "mt-",
    "ml-",
    "mr-",
    "pb-",
    "pt-",
    "px-",
    "py-",
    "float-",
    "align-",
    "font-",
];

/// Whether a class names a part of the page (not its layout or state).
pub(super) fn meaningful(class: &str) -> bool {
    let c = class.to_ascii_lowercase();
    !LAYOUT.contains(&c.as_str()) && !LAYOUT_PREFIXES.iter().any(|p| c.starts_with(p))
}

/// Words that say what a field's element is: a name holding one is kept over others.
const FIELD_WORDS: [&str; 14] = [
    "price", "sku", "stock", "avail", "title", "name", "brand", "code", "ref", "product",
    "gallery", "image", "media", "photo",
];

/// A CSS identifier without escapes, of ASCII letters, digits, `-` and `_`, that does
/// not start with a digit.
fn plain_ident(s: &str) -> bool {
    let b = s.as_bytes();
    // A digit, or `-` and a digit, cannot start an identifier.
    let starts_with_number = match b {
        [d, ..] if d.is_ascii_digit() => true,
        [b'-', d, ..] => d.is_ascii_digit(),
        _ => false,
    };
    !b.is_empty()
        && b.len() <= 48
        && !starts_with_number
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'-' || *c == b'_')
}

/// Whether a class or id reads as a name a person gave (`product-price`, `priceBox`),
/// not one a build step generated.
pub(super) fn stable(name: &str) -> bool {
    if !plain_ident(name) || name.len() < 2 {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    // CSS-in-JS and framework prefixes.
    if [
        "css-", "jsx-", "sc-", "emotion-", "ember", "react-", "svelte-", "ng-tns",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
    {
        return false;
    }
    // A long number: a product, session or build id.
    let mut run = 0;
    for c in name.bytes() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 3 {
            return false;
        }
    }
    // Each part between `-` and `_` must read as a word.
    name.split(['-', '_'])
        .filter(|p| !p.is_empty())
        .all(wordlike)
        && !name.starts_with('_')
}

/// A part of a name that reads as a word or an abbreviation, not as a hash: letters and
/// digits do not alternate, the case changes no more than camelCase does, and a long
/// part has a vowel.
fn wordlike(part: &str) -> bool {
    let b = part.as_bytes();
    let digit_flips = b
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count();
    if digit_flips >= 2 {
        return false;
    }
    // camelCase goes up once per word and never down right after (`priceBox`); hashes
    // flip both ways (`uqkIZw`, `FCIprz`).
    let ups = b
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    let downs_after_caps = b
        .windows(3)
        .filter(|w| {
            w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase() && w[2].is_ascii_lowercase()
        })
        .count();
    if downs_after_caps > 0 && b.len() <= 8 {
        return false;
    }
    if ups > 0 && b.len() <= 6 && b[0].is_ascii_lowercase() {
        return false;
    }
    let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
    let vowels = b.iter().filter(|c| b"aeiouyAEIOUY".contains(c)).count();
    letters < 5 || vowels * 6 >= letters
}

/// An attribute value usable in `[name="value"]`: short, plain, no long number.
fn stable_value(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= 48
        && v.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-_:.".contains(&c))
        && !v
            .bytes()
            .collect::<Vec<_>>()
            .windows(3)
            .any(|w| w.iter().all(u8::is_ascii_digit))
}

/// The ways to name element `i` on its own, steadiest first: its id, its naming
/// attributes, each stable class, pairs of them, each with and without its tag.
pub(super) fn compounds(tree: &Tree, i: u32) -> Vec<Compound> {
    let Some(n) = tree.nodes.get(i as usize) else {
        return Vec::new();
    };
    let tag = n.name.to_ascii_lowercase();
    let tagged = plain_ident(&tag).then_some(tag);
    let mut out = Vec::new();
    if let Some(id) = n.attr("id").map(str::trim).filter(|id| stable(id)) {
        out.push(Compound {
            tag: None,
            key: Key::Id(id.to_string()),
        });
    }
    for a in &n.attrs {
        let name = a.name.to_ascii_lowercase();
        let naming = NAMING_ATTRS.contains(&name.as_str())
            || (name.starts_with("data-") && !CONTENT_ATTRS.contains(&name.as_str()));
        if naming && plain_ident(&name) && stable_value(a.value) {
            out.push(Compound {
                tag: tagged.clone(),
                key: Key::Attr(name, a.value.to_string()),
            });
        }
    }
    let classes: Vec<&str> = n
        .attr("class")
        .unwrap_or("")
        .split_ascii_whitespace()
        .filter(|c| stable(c) && meaningful(c))
        .take(4)
        .collect();
    for c in &classes {
        for tag in [None, tagged.clone()] {
            out.push(Compound {
                tag,
                key: Key::Classes(vec![c.to_string()]),
            });
        }
    }
    for (k, a) in classes.iter().enumerate().take(3) {
        for b in classes.iter().skip(k + 1).take(2) {
            out.push(Compound {
                tag: None,
                key: Key::Classes(vec![a.to_string(), b.to_string()]),
            });
        }
    }
    out
}

/// The bare tag of element `i` (for `#buy span`, `h1`).
pub(super) fn bare(tree: &Tree, i: u32) -> Option<Compound> {
    let tag = tree.nodes.get(i as usize)?.name.to_ascii_lowercase();
    plain_ident(&tag).then_some(Compound {
        tag: Some(tag),
        key: Key::None,
    })
}

/// How steady a selector is likely to be across a site's pages: ids and naming
/// attributes first, then classes; a field's word in the name helps; an ancestor adds.
pub(super) fn rank(anc: Option<&Compound>, subject: &Compound) -> i32 {
    fn one(c: &Compound) -> i32 {
        let (base, words) = match &c.key {
            Key::Id(id) => (0, id.clone()),
            Key::Attr(n, v) => (1, format!("{n} {v}")),
            Key::Classes(cs) => (2 + cs.len() as i32 - 1, cs.join(" ")),
            Key::None => (4, c.tag.clone().unwrap_or_default()),
        };
        let words = words.to_ascii_lowercase();
        base - i32::from(FIELD_WORDS.iter().any(|w| words.contains(w)))
    }
    one(subject) * 2 + anc.map_or(0, |a| 1 + one(a))
}

impl Compound {
    /// Whether element `i` matches, as [`crate::siterules::selector`] would decide.
    pub fn matches(&self, tree: &Tree, i: u32) -> bool {
        let Some(n) = tree.nodes.get(i as usize) else {
            return false;
        };
        if let Some(t) = &self.tag {
            if !n.name.eq_ignore_ascii_case(t) {
                return false;
            }
        }
        match &self.key {
            Key::None => true,
            Key::Id(id) => n.attr("id").is_some_and(|v| v.trim() == id),
            Key::Classes(cs) => n.attr("class").is_some_and(|v| {
                cs.iter()
                    .all(|c| v.split_ascii_whitespace().any(|x| x == c))
            }),
            Key::Attr(name, value) => n.attr(name) == Some(value.as_str()),
        }
    }

    /// The elements that may match, in document order (from the tree's index when the
    /// compound names an id or a class).
    fn pool<'t>(&self, tree: &'t Tree) -> Box<dyn Iterator<Item = u32> + 't> {
        let from_index = match &self.key {
            Key::Id(id) => tree.by_id.get(id.as_str()),
            Key::Classes(cs) => cs.first().and_then(|c| tree.by_class.get(c.as_str())),
            _ => match &self.tag {
                Some(t) => tree.by_tag.get(t.as_str()),
                None => return Box::new(0..tree.nodes.len() as u32),
            },
        };
        Box::new(from_index.into_iter().flatten().copied())
    }

    pub fn css(&self) -> String {
        let mut out = self.tag.clone().unwrap_or_default();
        match &self.key {
            Key::None => {}
            Key::Id(id) => out.push_str(&format!("#{id}")),
            Key::Classes(cs) => {
                for c in cs {
                    out.push('.');
                    out.push_str(c);
                }
            }
            Key::Attr(n, v) => out.push_str(&format!("[{n}=\"{v}\"]")),
        }
        out
    }
}

impl Cand {
    pub fn new(anc: Option<Compound>, subject: Compound) -> Cand {
        let rank = rank(anc.as_ref(), &subject);
        Cand { anc, subject, rank }
    }

    /// The elements it selects, in document order, at most `limit`.
    pub fn matches(&self, tree: &Tree, limit: usize) -> Vec<u32> {
        self.subject
            .pool(tree)
            .filter(|&i| self.subject.matches(tree, i))
            .filter(|&i| match &self.anc {
                None => true,
                Some(a) => tree.ancestors(i).any(|p| a.matches(tree, p)),
            })
            .take(limit)
            .collect()
    }

    pub fn css(&self) -> String {
        match &self.anc {
            Some(a) => format!("{} {}", a.css(), self.subject.css()),
            None => self.subject.css(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::siterules::selector::SelectorList;

    #[test]
    fn generated_names_are_not_stable() {
        for good in [
            "product-price",
            "priceBox",
            "pdp__title",
            "price",
            "a-price",
            "sku",
            "h1",
            "ProductTitle",
        ] {
            assert!(stable(good), "{good}");
        }
        for bad in [
            "_6uf91t",
            "css-1x2y3z",
            "sc-bdVaJa",
            "uqkIZw",
            "FCIprz",
            "item-12345",
            "x1lliihq",
            "jsx-2873",
            "qtwxzrp",
        ] {
            assert!(!stable(bad), "{bad}");
        }
    }

    #[test]
    fn selectors_built_here_parse_and_match_as_the_rule_engine_matches_them() {
        let html =
            r#"<div id="buy" class="box"><span class="p now" data-qa="price">1</span></div>"#;
        let tree = Tree::new(html);
        let cands: Vec<Cand> = compounds(&tree, 1)
            .into_iter()
            .map(|c| Cand::new(compounds(&tree, 0).into_iter().next(), c))
            .collect();
        assert_eq!(cands.len(), 3, "data-qa, .now, span.now");
        for c in &cands {
            let list = SelectorList::parse(&c.css()).unwrap();
            assert!(list.matches(&tree.nodes[..2]), "{}", c.css());
            assert_eq!(c.matches(&tree, 5), [1], "{}", c.css());
        }
    }
}
