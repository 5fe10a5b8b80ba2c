//! Per-site rules: which parts of a page hold the images a person wants (the product
//! gallery, not the "customers also bought" strip), matched by the page URL.
//!
//! The format is TOML, one `[[site]]` table per rule:
//!
//! ```toml
//! [[site]]
//! name = "Amazon product gallery"
//! match = ["amazon.*"]              # host globs; or `url = "regex"` on the whole URL
//! include = ["#imageBlock", "#altImages"]   # when present: only images inside these
//! exclude = ["#sims-fbt"]                   # never images inside these
//! [site.fields]                             # kept for product-field rules (later)
//! price = "#corePrice_feature_div .a-offscreen"
//! ```
//!
//! With `include`, page metadata (`og:image`, `twitter:image`, icons, JSON-LD) still
//! counts: it names the product image even when it sits outside the gallery.

pub mod selector;

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
    /// Named selectors for later product-field extraction, kept as written.
    pub fields: BTreeMap<String, String>,
    /// Where the rule came from (`builtin`, a file name).
    pub origin: String,
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
            rules.push(SiteRule {
                name: site.name.into_inner(),
                hosts: hosts.into_iter().map(|h| h.to_ascii_lowercase()).collect(),
                url,
                include: selectors(site.include)?,
                exclude: selectors(site.exclude)?,
                fields: site.fields,
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

    /// The selectors in force on `page`.
    pub fn for_page(&self, page: &Url) -> PageRules<'_> {
        let mut out = PageRules::default();
        for r in self.matching(page) {
            out.include.extend(r.include.iter());
            out.exclude.extend(r.exclude.iter());
        }
        out
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
}
