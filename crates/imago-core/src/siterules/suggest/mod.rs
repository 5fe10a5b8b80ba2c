//! Site rules that write themselves: from one or more product pages of a shop, a
//! `[[site]]` rule (host glob, `gallery` selector, `[site.fields]` selectors) in the
//! [rule format](crate::siterules), checked on every page given before it is offered.
//!
//! The values a rule should give are what the page gives without it
//! ([`crate::product::extract`] with the rules in force: structured data first). For
//! each field the learner finds the elements whose text (or `content`/`value`) gives
//! that value, names them as steadily as it can (an id, an `itemprop` or `data-*`
//! attribute, a class that reads as a word, under a named ancestor if needed; never a
//! generated name; [`names`]) and keeps the steadiest selector whose first match gives
//! the value on every page, since the field walker reads a rule's first match only. An
//! SKU carried by the URL becomes `url:REGEX`. The gallery is the nearest container of
//! the pictures main mode keeps on its heuristics ([`gallery`]). Then the rule is run
//! as `imago product` and `--main` run it: a field it does not read right on every
//! page is dropped, and a gallery that loses the product's pictures is not offered.
//!
//! ```
//! use imago_core::siterules::suggest::{suggest, SitePage};
//! use imago_core::siterules::SiteRules;
//! use url::Url;
//!
//! let html = r#"<h1 class="name">Oak desk</h1><div class="buy"><b class="price-now">€ 249,00</b>
//!     <p class="stock">Out of stock</p></div>"#;
//! let url = Url::parse("https://shop.example.de/p/oak-desk").unwrap();
//! let s = suggest(&[SitePage { html, url: &url }], &SiteRules::empty()).unwrap();
//! assert!(s.fields.contains(&("price".to_string(), ".price-now".to_string())));
//! let rule = SiteRules::from_toml(&s.rule_toml, "suggested").unwrap();
//! let other = r#"<h1 class="name">Pine desk</h1><b class="price-now">€ 99,00</b>"#;
//! let p = imago_core::product::extract(other, "https://shop.example.de/p/pine", &rule);
//! assert_eq!(p.price.unwrap().value.amount, "99.00");
//! ```

mod check;
mod fields;
mod gallery;
mod names;
mod tree;

use std::collections::HashMap;

use url::Url;

pub use check::{check_page, FieldCheck, GalleryCheck, PageCheck};
pub use fields::LEARNED;

use crate::product::{extract, Product};
use crate::siterules::SiteRules;
use fields::{targets, PageTree, Target};
use names::Cand;

/// Pages learned from at most: each is read several times.
pub const MAX_PAGES: usize = 20;
/// Selectors weighed per field across the pages.
const MAX_CANDIDATES: usize = 400;

/// One page of the site: its HTML and the address it was saved from.
#[derive(Clone, Copy, Debug)]
pub struct SitePage<'a> {
    pub html: &'a str,
    pub url: &'a Url,
}

/// Why no rule could be learned.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SuggestError {
    #[error("no page to learn from")]
    NoPages,
    #[error("{given} pages given; a rule is learned from at most {MAX_PAGES}")]
    TooManyPages { given: usize },
    #[error("{0}: not a web page address (a saved page needs its address: --base-url)")]
    NoHost(String),
    #[error("the pages are of different sites ({}): learn one site at a time", .0.join(", "))]
    MixedSites(Vec<String>),
}

/// A rule offered for a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSuggestion {
    /// `suggested-<host>`, unused by the rules given as known.
    pub name: String,
    /// The host glob of `match` (`ikea.com`; `amazon.*` for several Amazon domains).
    pub host: String,
    /// The rule's `gallery` (empty when no container was checked).
    pub gallery: Vec<String>,
    /// `[site.fields]`: (field, selector or `url:REGEX`), in [`LEARNED`] order.
    pub fields: Vec<(String, String)>,
    /// Fields the pages give that no selector reads right on all of them.
    pub unanchored: Vec<String>,
    /// Fields (and `gallery`) a rule in force already reads on these pages: not learned
    /// again, since a suggested rule would override it.
    pub covered: Vec<String>,
    /// One `[[site]]` table, valid input for [`SiteRules::from_toml`].
    pub rule_toml: String,
    /// What the rule reads on each page given, beside what the page gives without it.
    pub checked: Vec<PageCheck>,
}

impl SiteSuggestion {
    /// `true` when nothing was learned (no field, no gallery).
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.gallery.is_empty()
    }
}

/// A rule for the site of `pages`. `known` are the rules in force (built in and the
/// user's): the values they give are the ones learned, and the name avoids theirs.
pub fn suggest(pages: &[SitePage], known: &SiteRules) -> Result<SiteSuggestion, SuggestError> {
    if pages.is_empty() {
        return Err(SuggestError::NoPages);
    }
    if pages.len() > MAX_PAGES {
        return Err(SuggestError::TooManyPages { given: pages.len() });
    }
    let mut hosts = Vec::new();
    for p in pages {
        match p.url.host_str() {
            Some(h) if matches!(p.url.scheme(), "http" | "https") => {
                hosts.push(h.to_ascii_lowercase())
            }
            _ => return Err(SuggestError::NoHost(p.url.to_string())),
        }
    }
    let host = site_glob(&hosts)?;
    let name = free_name(&host, known);

    let products: Vec<Product> = pages
        .iter()
        .map(|p| extract(p.html, p.url.as_str(), known))
        .collect();
    let page_targets: Vec<Vec<(&str, Target)>> = products.iter().map(targets).collect();
    let trees: Vec<PageTree> = pages
        .iter()
        .map(|p| PageTree::new(p.html, p.url.as_str()))
        .collect();
    let mut chosen: Vec<(String, String)> = Vec::new();
    let mut unanchored = Vec::new();
    let mut covered = Vec::new();
    for field in LEARNED {
        let wanted: Vec<(usize, &Target)> = page_targets
            .iter()
            .enumerate()
            .filter_map(|(i, t)| t.iter().find(|(f, _)| *f == field).map(|(_, t)| (i, t)))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        if wanted
            .iter()
            .all(|(i, _)| check::from_rule(&products[*i], field).is_some())
        {
            covered.push(field.to_string());
            continue;
        }
        let rule = (field == "sku")
            .then(|| sku_from_url(pages, &wanted))
            .flatten()
            .or_else(|| best_selector(field, &trees, &wanted));
        match rule {
            Some(r) => chosen.push((field.to_string(), r)),
            None => unanchored.push(field.to_string()),
        }
    }
    let known_gallery = pages
        .iter()
        .any(|p| gallery::with_rules(p.html, p.url, known).is_some());
    let gallery: Vec<String> = if known_gallery {
        covered.push("gallery".into());
        Vec::new()
    } else {
        best_gallery(pages).into_iter().collect()
    };

    // Run the rule as `imago product` runs it: a field read wrong on a page goes.
    loop {
        let toml = rule_toml(&name, &host, &gallery, &chosen);
        let Ok(rules) = SiteRules::from_toml(&toml, "suggested") else {
            // Only checked selectors are written; a rule that does not load offers nothing.
            chosen.clear();
            break;
        };
        let wrong: Vec<String> = chosen
            .iter()
            .filter(|(field, _)| {
                pages.iter().zip(&page_targets).any(|(p, t)| {
                    let Some((_, target)) = t.iter().find(|(f, _)| f == field) else {
                        return false;
                    };
                    let got = check::from_rule(&extract(p.html, p.url.as_str(), &rules), field);
                    !got.is_some_and(|v| check::agrees(target, &v, p.url.as_str()))
                })
            })
            .map(|(f, _)| f.clone())
            .collect();
        if wrong.is_empty() {
            break;
        }
        chosen.retain(|(f, _)| !wrong.contains(f));
        unanchored.extend(wrong);
    }
    let rule_toml = rule_toml(&name, &host, &gallery, &chosen);
    let rules = SiteRules::from_toml(&rule_toml, "suggested").unwrap_or_default();
    let checked = pages
        .iter()
        .map(|p| check_page(p.html, p.url, &rules, known))
        .collect();
    Ok(SiteSuggestion {
        name,
        host,
        gallery,
        fields: chosen,
        unanchored,
        covered,
        rule_toml,
        checked,
    })
}

/// `url:REGEX` when every page's URL carries its SKU the same way.
fn sku_from_url(pages: &[SitePage], wanted: &[(usize, &Target)]) -> Option<String> {
    let (first, target) = wanted.first()?;
    let re = fields::url_rule(pages[*first].url, target.shown())?;
    let compiled = regex::Regex::new(&re).ok()?;
    let all = wanted.iter().all(|(i, t)| {
        compiled
            .captures(pages[*i].url.as_str())
            .and_then(|c| c.get(1))
            .is_some_and(|m| m.as_str() == t.shown())
    });
    all.then(|| format!("url:{re}"))
}

/// The steadiest selector naming `field` whose first match gives it on every page that
/// has it.
fn best_selector(field: &str, trees: &[PageTree], wanted: &[(usize, &Target)]) -> Option<String> {
    let mut pool: Vec<Cand> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for (i, target) in wanted {
        let mut found = trees[*i].candidates(target);
        found.sort_by_key(|(c, score)| (*score, c.css().len()));
        for (c, _) in found {
            if !fields::says_field(field, &c.css()) {
                continue;
            }
            if pool.len() < MAX_CANDIDATES && seen.insert(c.css(), ()).is_none() {
                pool.push(c);
            }
        }
    }
    pool.into_iter()
        .filter_map(|c| {
            let mut total = 0;
            for (i, target) in wanted {
                let n = trees[*i].gives(&c, target)?;
                total += c.rank + i32::from(n > 1) + 2 * i32::from(n >= 6);
            }
            Some((total, c.css()))
        })
        .min_by(|a, b| (a.0, a.1.len(), &a.1).cmp(&(b.0, b.1.len(), &b.1)))
        .map(|(_, css)| css)
}

/// The first gallery selector that keeps what the heuristics keep on every page where
/// they keep something.
fn best_gallery(pages: &[SitePage]) -> Option<String> {
    let kept: Vec<_> = pages
        .iter()
        .map(|p| gallery::heuristic(p.html, p.url))
        .collect();
    let mut drafts: Vec<String> = Vec::new();
    for (p, k) in pages.iter().zip(&kept) {
        for d in gallery::drafts(p.html, p.url, k) {
            if !drafts.contains(&d) {
                drafts.push(d);
            }
        }
    }
    drafts.into_iter().find(|d| {
        pages.iter().zip(&kept).all(|(p, k)| {
            if k.is_empty() {
                return true;
            }
            let Some(rules) = gallery::gallery_rule(p.url, d) else {
                return false;
            };
            gallery::with_rules(p.html, p.url, &rules).is_some_and(|got| gallery::agrees(k, &got))
        })
    })
}

/// The rule as TOML.
fn rule_toml(name: &str, host: &str, gallery: &[String], fields: &[(String, String)]) -> String {
    let list = |v: &[String]| v.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ");
    let mut out = format!(
        "[[site]]\nname = {}\nmatch = [{}]\n",
        toml_str(name),
        toml_str(host)
    );
    if !gallery.is_empty() {
        out.push_str(&format!("gallery = [{}]\n", list(gallery)));
    }
    if !fields.is_empty() {
        out.push_str("[site.fields]\n");
        for (f, sel) in fields {
            out.push_str(&format!("{f} = {}\n", toml_str(sel)));
        }
    }
    out
}

/// A TOML string literal.
pub(super) fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The host glob for the pages' hosts: their registrable-looking name (`ikea.com` for
/// `www.ikea.com`), or `brand.*` for one brand's country sites (`amazon.de`,
/// `amazon.co.uk`).
fn site_glob(hosts: &[String]) -> Result<String, SuggestError> {
    let names: Vec<(String, String)> = hosts.iter().map(|h| registrable(h)).collect();
    let Some((first, brand)) = names.first() else {
        return Err(SuggestError::NoPages);
    };
    if names.iter().all(|(n, _)| n == first) {
        return Ok(first.clone());
    }
    if !brand.is_empty() && names.iter().all(|(_, b)| b == brand) {
        return Ok(format!("{brand}.*"));
    }
    let mut distinct: Vec<String> = names.into_iter().map(|(n, _)| n).collect();
    distinct.dedup();
    Err(SuggestError::MixedSites(distinct))
}

/// Second-level labels under which a country's names are registered (`co.uk`,
/// `com.br`): without a public-suffix list, the common ones.
const SECOND_LEVEL: [&str; 10] = [
    "co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "gob",
];

/// (registrable name, its brand label): `www.amazon.co.uk` -> (`amazon.co.uk`, `amazon`).
fn registrable(host: &str) -> (String, String) {
    let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
    let is_ip = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
    if is_ip || labels.len() < 2 {
        return (host.to_string(), String::new());
    }
    let n = labels.len();
    let country = labels[n - 1].len() == 2;
    let keep = if country && n >= 3 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    let keep = keep.min(n);
    (labels[n - keep..].join("."), labels[n - keep].to_string())
}

/// `suggested-<host>`, or with `-2`, `-3`, ... when a known rule has that name.
fn free_name(host: &str, known: &SiteRules) -> String {
    let taken: Vec<&str> = known.rules().iter().map(|r| r.name.as_str()).collect();
    let base = format!("suggested-{host}");
    if !taken.contains(&base.as_str()) {
        return base;
    }
    (2..1000)
        .map(|n| format!("{base}-{n}"))
        .find(|n| !taken.contains(&n.as_str()))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_become_one_glob_per_site() {
        let glob = |h: &[&str]| site_glob(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(glob(&["www.ikea.com"]).unwrap(), "ikea.com");
        assert_eq!(glob(&["www.amazon.co.uk"]).unwrap(), "amazon.co.uk");
        assert_eq!(
            glob(&["www.amazon.de", "www.amazon.co.uk"]).unwrap(),
            "amazon.*"
        );
        assert_eq!(
            glob(&["ar-sa.namshi.com", "namshi.com"]).unwrap(),
            "namshi.com"
        );
        assert!(matches!(
            glob(&["www.ikea.com", "www.zara.com"]),
            Err(SuggestError::MixedSites(_))
        ));
    }
}
