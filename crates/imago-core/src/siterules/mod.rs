//! Per-site rules: which parts of a page hold the images a person wants (the product
//! gallery, not the "customers also bought" strip), matched by the page URL.
//!
//! The format is TOML, one `[[site]]` table per rule:
//!
//! ```toml
//! [[site]]
//! name = "Amazon product gallery"
//! match = ["amazon.*"]              # host globs; or `url = "regex"` on the whole URL
//! gallery = ["#imageBlock", "#altImages"]   # the product's own pictures (`--main`)
//! main = false                              # true: narrow to `gallery` without `--main`
//! others = ["ol.a-carousel"]                # about other products: not this one's
//!                                           # pictures (`--main`) nor fields
//! include = [".content"]                    # when present: only images inside these, always
//! exclude = ["#sims-fbt"]                   # never images inside these
//! [site.fields]                             # product fields (`imago product`)
//! price = "#corePrice_feature_div .a-offscreen"   # the first match's text (or content)
//! sku = "url:/dp/([A-Z0-9]{10})"                 # a capture of the page's URL
//! ```
//!
//! `gallery` narrows only when asked (`--main`, or `main = true` in the user's rule):
//! by default every image of the page is listed, as on any other site. With `include`
//! (or a `gallery` in force), page metadata (`og:image`, `twitter:image`, icons, JSON-LD)
//! still counts: it names the product image even when it sits outside the gallery.

pub mod selector;
pub mod suggest;

use regex::Regex;
use selector::SelectorList;
use serde::Deserialize;
use std::collections::BTreeMap;
use url::Url;

pub use selector::Element;

/// The rules shipped inside the binary.
const BUILTIN: &str = include_str!("../../rules/sites.toml");

/// A rule file that could not be read: where and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct SiteRuleError {
    /// The file name (or `builtin`).
    pub origin: String,
    /// 1-based line of the problem (1 when unknown).
    pub line: usize,
    pub message: String,
}

/// One site's rule.
#[derive(Clone, Debug)]
pub struct SiteRule {
    pub name: String,
    hosts: Vec<String>,
    url: Option<Regex>,
    /// Only images inside these (when not empty).
    pub include: Vec<SelectorList>,
    /// Never images inside these.
    pub exclude: Vec<SelectorList>,
    /// Where the product's own pictures are: narrows only in main mode (`--main`).
    pub gallery: Vec<SelectorList>,
    /// Narrow to the product's own pictures on this site without being asked.
    pub main: bool,
    /// Parts about other products ("customers also bought"): listed by default, but
    /// never the product's pictures (main mode) nor read for its fields.
    pub others: Vec<SelectorList>,
    /// Where the product's fields are on this site's pages (`[site.fields]`).
    pub fields: BTreeMap<String, FieldRule>,
    /// Where the rule came from (`builtin`, a file name).
    pub origin: String,
}

/// The product fields a site rule may name.
pub const FIELDS: [&str; 9] = [
    "title",
    "price",
    "list_price",
    "sku",
    "mpn",
    "gtin",
    "brand",
    "availability",
    "description",
];

/// Where one product field is on a site's pages.
#[derive(Clone, Debug)]
pub enum FieldRule {
    /// The first element matching it: its `content` or `value` attribute, else its text.
    Selector(SelectorList),
    /// The first capture group of this regex on the page's URL (`url:REGEX`).
    Url(Regex),
}

impl FieldRule {
    /// `url:REGEX`, or a CSS selector.
    pub fn parse(text: &str) -> Result<FieldRule, String> {
        match text.strip_prefix("url:") {
            Some(re) => {
                let re = Regex::new(re).map_err(|e| format!("bad url regex: {e}"))?;
                if re.captures_len() < 2 {
                    return Err("a url: rule needs a capture group: the part it takes".into());
                }
                Ok(FieldRule::Url(re))
            }
            None => SelectorList::parse(text)
                .map(FieldRule::Selector)
                .map_err(|m| format!("bad selector: {m}")),
        }
    }
}

/// The site rules in force (built in, extended by the user's file).
#[derive(Clone, Debug, Default)]
pub struct SiteRules {
    rules: Vec<SiteRule>,
}

/// The rules that apply to one page, all sites that matched merged.
#[derive(Clone, Debug, Default)]
pub struct PageRules<'r> {
    pub include: Vec<&'r SelectorList>,
    pub exclude: Vec<&'r SelectorList>,
}

impl PageRules<'_> {
    /// `true` when there is nothing to match.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    site: Vec<SiteToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteToml {
    name: toml::Spanned<String>,
    #[serde(default, rename = "match")]
    hosts: Option<toml::Spanned<OneOrMany>>,
    #[serde(default)]
    url: Option<toml::Spanned<String>>,
    #[serde(default)]
    include: Vec<toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    #[serde(default)]
    gallery: Vec<toml::Spanned<String>>,
    #[serde(default)]
    main: bool,
    #[serde(default)]
    others: Vec<toml::Spanned<String>>,
    #[serde(default)]
    fields: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&c| c == b'\n')
        .count()
        + 1
}

impl SiteRules {
    /// No rules.
    pub fn empty() -> SiteRules {
        SiteRules::default()
    }

    /// The rules shipped with imago (`rules/sites.toml`).
    pub fn builtin() -> SiteRules {
        // The built-in file is checked by a test; a broken one must not stop discovery.
        SiteRules::from_toml(BUILTIN, "builtin").unwrap_or_default()
    }

    /// Parses a rule file; `origin` names it in errors (`origin:line: message`).
    pub fn from_toml(text: &str, origin: &str) -> Result<SiteRules, SiteRuleError> {
        let err = |offset: usize, message: String| SiteRuleError {
            origin: origin.to_string(),
            line: line_of(text, offset),
            message,
        };
        let file: FileToml = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            err(at, e.message().trim().to_string())
        })?;
        let mut rules = Vec::new();
        for site in file.site {
            let name_at = site.name.span().start;
            let selectors = |list: Vec<toml::Spanned<String>>| {
                list.into_iter()
                    .map(|s| {
                        let at = s.span().start;
                        SelectorList::parse(s.get_ref())
                            .map_err(|m| err(at, format!("bad selector: {m}")))
                    })
                    .collect::<Result<Vec<_>, _>>()
            };
            let hosts = match site.hosts {
                Some(h) => match h.into_inner() {
                    OneOrMany::One(s) => vec![s],
                    OneOrMany::Many(v) => v,
                },
                None => Vec::new(),
            };
            let url = match site.url {
                Some(u) => {
                    let at = u.span().start;
                    Some(
                        Regex::new(u.get_ref())
                            .map_err(|e| err(at, format!("bad url regex: {e}")))?,
                    )
                }
                None => None,
            };
            if hosts.is_empty() && url.is_none() {
                return Err(err(
                    name_at,
                    "a site needs `match` (host globs) or `url` (regex)".into(),
                ));
            }
            let mut fields = BTreeMap::new();
            for (field, text) in site.fields {
                if !FIELDS.contains(&field.as_str()) {
                    return Err(err(
                        name_at,
                        format!(
                            "[site.fields]: unknown field {field:?} (known: {})",
                            FIELDS.join(", ")
                        ),
                    ));
                }
                let rule = FieldRule::parse(&text)
                    .map_err(|m| err(name_at, format!("[site.fields] {field}: {m}")))?;
                fields.insert(field, rule);
            }
            rules.push(SiteRule {
                name: site.name.into_inner(),
                hosts: hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
                url,
                include: selectors(site.include)?,
                exclude: selectors(site.exclude)?,
                gallery: selectors(site.gallery)?,
                main: site.main,
                others: selectors(site.others)?,
                fields,
                origin: origin.to_string(),
            });
        }
        Ok(SiteRules { rules })
    }

    /// Adds `other`'s rules after these (all matching rules apply).
    pub fn extend(&mut self, other: SiteRules) {
        self.rules.extend(other.rules);
    }

    /// Every rule, in order.
    pub fn rules(&self) -> &[SiteRule] {
        &self.rules
    }

    /// The rules whose pattern matches `page`.
    pub fn matching(&self, page: &Url) -> Vec<&SiteRule> {
        self.rules.iter().filter(|r| r.matches(page)).collect()
    }

    /// The product-field rules in force on `page`: of the rules naming a field, the last
    /// added wins (the user's file, read after the built-in rules, overrides them).
    pub fn fields_for(&self, page: &Url) -> Vec<(&str, &FieldRule)> {
        let mut out: Vec<(&str, &FieldRule)> = Vec::new();
        for r in self.matching(page).into_iter().rev() {
            for (field, rule) in &r.fields {
                if !out.iter().any(|(f, _)| f == field) {
                    out.push((field.as_str(), rule));
                }
            }
        }
        out
    }

    /// The selectors in force on `page`; `main`: the product's own pictures (or
    /// fields) are asked for, so the rules' `gallery` narrows and their `others` are
    /// left out too.
    pub fn for_page(&self, page: &Url, main: bool) -> PageRules<'_> {
        let mut out = PageRules::default();
        for r in self.matching(page) {
            out.include.extend(r.include.iter());
            out.exclude.extend(r.exclude.iter());
            if main {
                out.include.extend(r.gallery.iter());
                out.exclude.extend(r.others.iter());
            }
        }
        out
    }

    /// Whether a rule matching `page` asks for the product's own pictures by default
    /// (`main = true`).
    pub fn main_by_default(&self, page: &Url) -> bool {
        self.matching(page).iter().any(|r| r.main)
    }
}

impl SiteRule {
    /// `true` when the rule applies to `page`.
    pub fn matches(&self, page: &Url) -> bool {
        if let Some(re) = &self.url {
            if re.is_match(page.as_str()) {
                return true;
            }
        }
        let Some(host) = page.host_str() else {
            return false;
        };
        let host = host.to_ascii_lowercase();
        self.hosts.iter().any(|p| host_matches(p, &host))
    }
}

/// A host glob (`*` is any run of characters) matches the host or any of its parent
/// domains, so `amazon.*` matches `www.amazon.co.uk`.
fn host_matches(pattern: &str, host: &str) -> bool {
    let mut h = host;
    loop {
        if glob(pattern.as_bytes(), h.as_bytes()) {
            return true;
        }
        match h.find('.') {
            Some(i) => h = &h[i + 1..],
            None => return false,
        }
    }
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with one backtrack point: linear enough for host names.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == s[si] || p[pi] == b'?') {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let r = SiteRules::from_toml(BUILTIN, "builtin").expect("builtin rules parse");
        assert!(!r.rules().is_empty());
    }

    #[test]
    fn host_globs() {
        assert!(host_matches("amazon.*", "www.amazon.co.uk"));
        assert!(host_matches("amazon.com", "smile.amazon.com"));
        assert!(!host_matches("amazon.com", "notamazon.com"));
        assert!(host_matches("*.ikea.com", "www.ikea.com"));
        assert!(!host_matches("ikea.com", "ikea.com.evil.net"));
    }

    #[test]
    fn field_rules_are_checked_when_read_and_the_users_override_the_builtin() {
        let bad = |fields: &str| {
            let text = format!(
                "[[site]]\nname = \"s\"\nmatch = [\"x.example\"]\n[site.fields]\n{fields}\n"
            );
            SiteRules::from_toml(&text, "mine.toml")
                .unwrap_err()
                .to_string()
        };
        assert!(bad("colour = \".c\"").contains("unknown field \"colour\""));
        assert!(bad("sku = \"url:/dp/[A-Z0-9]+\"").contains("capture group"));
        assert!(bad("price = \"div[\"").contains("bad selector"));

        let mut rules = SiteRules::builtin();
        let mine =
            "[[site]]\nname = \"mine\"\nmatch = [\"amazon.*\"]\n[site.fields]\nsku = \"#asin\"\n";
        rules.extend(SiteRules::from_toml(mine, "mine.toml").unwrap());
        let page = Url::parse("https://www.amazon.de/dp/B00BRMIU7A").unwrap();
        let fields = rules.fields_for(&page);
        let sku = fields.iter().find(|(f, _)| *f == "sku").map(|(_, r)| *r);
        assert!(
            matches!(sku, Some(FieldRule::Selector(_))),
            "the user's sku rule wins"
        );
        assert!(
            fields.iter().any(|(f, _)| *f == "price"),
            "the built-in price stays"
        );
    }
}
