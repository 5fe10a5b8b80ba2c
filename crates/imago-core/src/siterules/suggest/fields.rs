//! Field selectors: the elements whose value (text, or `content`/`value`) is what the
//! page's best source says, and the steadiest selectors whose FIRST match in document
//! order is such an element: the field walker takes a rule's first match only.

use std::collections::HashMap;

use regex::Regex;
use url::Url;

use super::names::{bare, compounds, Cand};
use super::tree::Tree;
use crate::product::{availability, parse_price, Found, Price, Product};

/// The fields a suggestion looks for, in the order a rule lists them.
pub const LEARNED: [&str; 6] = [
    "title",
    "price",
    "list_price",
    "sku",
    "brand",
    "availability",
];

/// Elements weighed per field and page: the first ones giving the value.
const MAX_ELEMENTS: usize = 12;
/// Ancestors an element is named under (`#buy .price`).
const MAX_ANCESTORS: usize = 5;
/// Matches counted per selector: enough to tell one from many.
const COUNT: usize = 6;
/// Contents longer than this are not read for a value (no field is that long).
const MAX_RAW: usize = 4096;
/// Bytes of contents read per page when looking for values (bounds hostile pages).
const READ_BUDGET: usize = 16 << 20;

/// What a field's value must be on one page.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// A price's amount (`Price::amount`).
    Amount(String),
    /// A text, compared without case.
    Text(String),
    /// A schema.org availability name.
    Availability(String),
}

impl Target {
    /// Whether a rule reading `value` on `page_url` gives this.
    pub fn accepts(&self, value: &str, page_url: &str) -> bool {
        match self {
            Target::Amount(want) => {
                value.len() <= 60
                    && parse_price(value, None, page_url)
                        .is_some_and(|p| same_amount(&p.amount, want))
            }
            Target::Text(want) => value.len() <= want.len() + 8 && same_text(value, want),
            Target::Availability(want) => {
                value.len() <= 80 && availability(value).is_some_and(|a| a == want)
            }
        }
    }

    /// The value as shown.
    pub fn shown(&self) -> &str {
        match self {
            Target::Amount(s) | Target::Text(s) | Target::Availability(s) => s,
        }
    }
}

/// Words one of which a field's selector must hold (in a tag, id, class or attribute):
/// a shop that names what an element holds keeps naming it so, while a selector that
/// reads a price from `#color_name_1` or a stock line from `#promo-message` matched by
/// chance on the page it was learned from. An SKU's element has no such word
/// (`#pid`, `.ref`), so it needs none.
pub(super) fn says_field(field: &str, css: &str) -> bool {
    const PRICE: [&str; 9] = [
        "pric", "amount", "preis", "prix", "prec", "prez", "cena", "cost", "money",
    ];
    const LIST: [&str; 9] = [
        "old", "was", "list", "regular", "orig", "strike", "compare", "rrp", "uvp",
    ];
    let css = css.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| css.contains(w));
    match field {
        "title" => has(&["title", "name", "h1", "heading", "headline"]),
        "price" => has(&PRICE),
        "list_price" => has(&PRICE) || has(&LIST),
        "brand" => has(&[
            "brand",
            "marke",
            "marca",
            "marque",
            "manufacturer",
            "make",
            "vendor",
        ]),
        // A name that says one state (`.unavailableExp`, `#outOfStock`) is a notice
        // shown, or hidden in the markup, on every page: not the page's stock line.
        "availability" => {
            has(&["stock", "avail", "invent", "lager", "dispon", "supply"])
                && !has(&[
                    "unavail",
                    "outofstock",
                    "out-of-stock",
                    "out_of_stock",
                    "soldout",
                    "sold-out",
                    "nostock",
                    "no-stock",
                    "notavail",
                    "not-avail",
                ])
        }
        _ => true,
    }
}

/// Decimal equality of two amounts (`87.1` and `87.10`).
pub fn same_amount(a: &str, b: &str) -> bool {
    matches!((a.trim().parse::<f64>(), b.trim().parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() < 0.005)
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// The fields `product` gives that a rule may be learned for.
pub fn targets(product: &Product) -> Vec<(&'static str, Target)> {
    let text = |f: &Option<Found<String>>| f.as_ref().map(|f| Target::Text(f.value.clone()));
    let amount =
        |f: &Option<Found<Price>>| f.as_ref().map(|f| Target::Amount(f.value.amount.clone()));
    let availability = product
        .availability
        .as_ref()
        .map(|f| Target::Availability(f.value.clone()));
    [
        ("title", text(&product.title)),
        ("price", amount(&product.price)),
        ("list_price", amount(&product.list_price)),
        ("sku", text(&product.sku)),
        ("brand", text(&product.brand)),
        ("availability", availability),
    ]
    .into_iter()
    .filter_map(|(f, t)| t.map(|t| (f, t)))
    .collect()
}

/// One page, read once for all fields.
pub(super) struct PageTree<'a> {
    pub tree: Tree<'a>,
    pub url: &'a str,
    /// Values of the elements small enough to read, by element.
    values: HashMap<u32, String>,
}

impl<'a> PageTree<'a> {
    pub fn new(html: &'a str, url: &'a str) -> PageTree<'a> {
        let tree = Tree::new(html);
        let mut values = HashMap::new();
        let mut budget = READ_BUDGET;
        for i in 0..tree.nodes.len() as u32 {
            let len = tree.raw_len(i);
            if len > MAX_RAW || len > budget {
                continue;
            }
            budget -= len;
            if let Some(v) = tree.value(i) {
                values.insert(i, v);
            }
        }
        PageTree { tree, url, values }
    }

    /// Whether the selector's first match gives `target`: `Some(matches)` when it does
    /// (how many elements it selects, up to [`COUNT`]).
    pub fn gives(&self, cand: &Cand, target: &Target) -> Option<usize> {
        let found = cand.matches(&self.tree, COUNT);
        let first = *found.first()?;
        let value = match self.values.get(&first) {
            Some(v) => Some(v.clone()),
            None => self.tree.value(first),
        }?;
        target.accepts(&value, self.url).then_some(found.len())
    }

    /// Selectors whose first match gives `target` on this page, with their scores
    /// (lower is better).
    pub fn candidates(&self, target: &Target) -> Vec<(Cand, i32)> {
        let mut elements: Vec<u32> = self
            .values
            .iter()
            .filter(|(_, v)| target.accepts(v, self.url))
            .map(|(&i, _)| i)
            .collect();
        elements.sort_unstable();
        elements.truncate(MAX_ELEMENTS);
        let mut seen: HashMap<String, ()> = HashMap::new();
        let mut out = Vec::new();
        for &e in &elements {
            let subjects = compounds(&self.tree, e);
            let with_bare: Vec<_> = subjects
                .iter()
                .cloned()
                .chain(bare(&self.tree, e))
                .collect();
            let mut drafts: Vec<Cand> = subjects.into_iter().map(|s| Cand::new(None, s)).collect();
            // `h1` alone: the page's first heading is its title on most shops.
            if let Some(b) = bare(&self.tree, e).filter(|b| b.tag.as_deref() == Some("h1")) {
                drafts.push(Cand::new(None, b));
            }
            for a in self.tree.ancestors(e).take(MAX_ANCESTORS) {
                for anc in compounds(&self.tree, a).into_iter().take(3) {
                    for s in &with_bare {
                        drafts.push(Cand::new(Some(anc.clone()), s.clone()));
                    }
                }
            }
            for d in drafts {
                let css = d.css();
                if seen.insert(css, ()).is_some() {
                    continue;
                }
                if let Some(n) = self.gives(&d, target) {
                    let score = d.rank + i32::from(n > 1) + 2 * i32::from(n >= COUNT);
                    out.push((d, score));
                }
            }
        }
        out
    }
}

/// A `url:REGEX` rule taking `sku` from `url`: the id with the literal just before it
/// (`/dp/`, `?pid=`, `/p`, `-`) and a boundary after. `None` when the URL does not
/// carry it as a whole token.
pub(super) fn url_rule(url: &Url, sku: &str) -> Option<String> {
    if sku.len() < 3
        || !sku
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return None;
    }
    let full = url.as_str();
    let base = url[..url::Position::BeforePath].len();
    let at = base + full.get(base..)?.find(sku)?;
    let (before, after) = (&full[base..at], &full[at + sku.len()..]);
    let (left, names_it) = left_context(before)?;
    let right = match after.chars().next() {
        None | Some('/' | '?' | '#' | '&' | '.') => "(?:[/?#&.]|$)".to_string(),
        // Inside a slug (`-141677-pdt`), only after a name for it: `-([0-9]+)-` would
        // take the first number of the next page's slug (`apple-11-ipad`).
        Some(c @ ('-' | '_')) if names_it => regex::escape(&c.to_string()),
        Some(_) => return None,
    };
    let b = sku.as_bytes();
    let mut class = String::new();
    if b.iter().any(u8::is_ascii_uppercase) {
        class.push_str("A-Z");
    }
    if b.iter().any(u8::is_ascii_lowercase) {
        class.push_str("a-z");
    }
    class.push_str("0-9");
    if b.contains(&b'_') {
        class.push('_');
    }
    if b.contains(&b'-') {
        class.push('-');
    }
    let rule = format!("{left}([{class}]+){right}");
    // It must give the id back on this page, as the field walker reads it.
    let re = Regex::new(&rule).ok()?;
    let got = re.captures(full)?.get(1)?.as_str();
    (got == sku).then_some(rule)
}

/// What stands before an id in a URL's path or query, as a regex, and whether it names
/// the id (`/dp/`, `?pid=`) rather than only bounding it (a short prefix after a slash,
/// `/p`; a slug's `-`).
fn left_context(before: &str) -> Option<(String, bool)> {
    if let Some(rest) = before.strip_suffix('=') {
        let start = rest.rfind(['?', '&'])?;
        let name = &rest[start + 1..];
        return (!name.is_empty() && name.len() <= 20)
            .then(|| (format!("[?&]{}=", regex::escape(name)), true));
    }
    if let Some(rest) = before.strip_suffix('/') {
        let prev = &rest[rest.rfind('/').map_or(0, |i| i + 1)..];
        let plain = !prev.is_empty()
            && prev.len() <= 20
            && prev
                .bytes()
                .all(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'_');
        return Some(if plain {
            (format!("/{}/", regex::escape(prev)), true)
        } else {
            ("/".into(), false)
        });
    }
    let start = before.rfind(['/', '-', '_', '.', '='])?;
    let lit = &before[start..];
    (lit.len() <= 4 && lit[1..].bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| (regex::escape(lit), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_urls_become_url_rules() {
        let rule = |u: &str, sku: &str| url_rule(&Url::parse(u).unwrap(), sku);
        assert_eq!(
            rule("https://www.amazon.com/dp/B07FW264WL", "B07FW264WL").as_deref(),
            Some("/dp/([A-Z0-9]+)(?:[/?#&.]|$)")
        );
        assert_eq!(
            rule("https://x.example/store/1?pid=260591", "260591").as_deref(),
            Some("[?&]pid=([0-9]+)(?:[/?#&.]|$)")
        );
        assert_eq!(
            rule(
                "https://www.johnlewis.com/throw/platinum/p3969033",
                "3969033"
            )
            .as_deref(),
            Some("/p([0-9]+)(?:[/?#&.]|$)")
        );
        assert_eq!(
            rule(
                "https://s.example/leather-shirt-15213589.html?cgid=x",
                "15213589"
            )
            .as_deref(),
            Some(r"\-([0-9]+)(?:[/?#&.]|$)")
        );
        assert_eq!(rule("https://s.example/item/12345678x", "12345678"), None);
        assert_eq!(
            rule("https://s.example/apple-141677-pdt.html", "141677"),
            None
        );
        assert_eq!(rule("https://s.example/a", "zzz"), None);
    }

    #[test]
    fn a_target_accepts_the_same_amount_phrase_or_text() {
        let url = "https://shop.example.de/x";
        assert!(Target::Amount("1299.00".into()).accepts("1.299,00 €", url));
        assert!(!Target::Amount("1299.00".into()).accepts("1.199,00 €", url));
        assert!(Target::Availability("OutOfStock".into()).accepts("Ausverkauft", url));
        assert!(Target::Text("Oak Desk".into()).accepts(" oak  desk ", url));
        assert!(!Target::Text("Oak Desk".into()).accepts("Oak Desk and chair, in oak", url));
    }
}
