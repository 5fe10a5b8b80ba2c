//! HD rules: from a thumbnail URL to the URLs of its original, best first.
//!
//! Shops, blogs and social sites show thumbnails; the original is usually one URL edit
//! away (`x.jpg_220x220q90.jpg_.webp` on alicdn is `x.jpg`, `/236x/` on Pinterest is
//! `/originals/`). [`HdRules`] holds those edits as data: the built-in rules
//! (`rules/hd.toml`, compiled into the binary) extended by the user's own file
//! (`--hd-rules FILE`, the extension's options page), whose rules are tried first.
//! [`HdRules::candidates`] lists the rewritten URLs; the engine
//! downloads the first that answers, falls back to the next on 404/403 and finally to
//! the URL it started from, so a rule that guesses wrong costs one request, never an image.
//!
//! ```
//! use imago_core::hdrules::HdRules;
//!
//! let rules = HdRules::builtin();
//! let thumb = "https://i.pinimg.com/236x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg";
//! let best = &rules.candidates(thumb)[0];
//! assert_eq!(
//!     best.url,
//!     "https://i.pinimg.com/originals/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg"
//! );
//! assert_eq!(best.rule, "pinterest");
//! ```
//!
//! # The rule file
//!
//! A TOML file with one `[[rule]]` table per URL shape:
//!
//! ```toml
//! [[rule]]
//! name = "pinterest"                     # required, unique in the file; shown to the user
//! hosts = ["*.pinimg.com"]               # required: host globs (see below)
//! pattern = '/\d+x\d*/((?:[0-9a-f]{2}/){3}[0-9a-f]{32})\.(jpe?g|png|gif|webp)'
//! replace = ['/originals/$1.$2', '/originals/$1.png']   # candidates, best first
//! drop_query = []                        # optional: query parameters removed from each candidate
//! decode = false                         # optional: percent-decode each candidate once
//! ```
//!
//! - `hosts`: `*` is any host; `*.example.com` is `example.com` and every subdomain;
//!   any other `*` matches any run of characters (`lh*.googleusercontent.com`). Hosts are
//!   compared in lower case, IDN hosts in their `xn--` form.
//! - `pattern`: a [`regex`](https://docs.rs/regex) searched in the whole URL (after
//!   normalization: `HTTPS://Host` reads `https://host`). Anchor it (`^`, `$`) when the
//!   shape must be exact. No look-around, as in every linear-time engine.
//! - `replace`: each entry makes one candidate by replacing the *matched part* of the URL
//!   (what is left of and right of the match is kept), with `$1`, `${1}`, `$name`,
//!   `${name}` for groups and `$$` for a dollar. Write `${1}_b`, not `$1_b` (that names a
//!   group `1_b`): references to missing groups are load errors.
//! - `drop_query`: parameter names removed from the query of every candidate. A rule
//!   with `drop_query` and no `replace` makes one candidate, the URL minus those
//!   parameters; `pattern` then only decides whether the rule applies.
//! - `decode`: for URLs that carry the original percent-encoded inside them
//!   (Thumbor, Next.js `/_next/image?url=`, Substack).
//!
//! One rule, one match: rules do not chain, each sees the URL as it came, so a candidate
//! is always explained by the one rule named in [`Rewrite::rule`]. Suffixes that stack
//! (`x.jpg_220x220q90.jpg_.webp`) are swallowed by one pattern that runs to the end of
//! the name; a site with two independent edits (a size in the name and a `width=`
//! parameter) uses one rule that does both, then rules for each alone as fallbacks.
//!
//! Candidates are listed user rules first, then built-in rules in file order, each
//! rule's `replace` in order; duplicates, non-http(s) results and the input URL itself
//! are dropped. Every candidate should be at least as large as the input: a rule never
//! offers a smaller size as a fallback, since the engine stops at the first that answers.

mod apply;
mod host;
mod load;
pub mod suggest;

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use url::Url;

use host::HostGlob;

/// The built-in rule file, compiled into the binary.
const BUILTIN_TEXT: &str = include_str!("../../rules/hd.toml");

/// The origin named in errors and by [`HdRules::builtin`].
const BUILTIN_ORIGIN: &str = "builtin:hd.toml";

/// HD rules, compiled, in the order they are tried.
#[derive(Clone, Debug, Default)]
pub struct HdRules {
    rules: Vec<Rule>,
}

/// One compiled rule: regexes are compiled when the rules load, never per URL.
#[derive(Clone, Debug)]
struct Rule {
    name: String,
    hosts: Vec<HostGlob>,
    pattern: regex::Regex,
    replace: Vec<String>,
    drop_query: Vec<String>,
    decode: bool,
}

/// One HD candidate for a URL.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rewrite {
    /// The rewritten URL (absolute, http or https).
    pub url: String,
    /// The name of the rule that made it.
    pub rule: String,
}

/// A rule file that does not load: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct HdRuleError {
    /// The file name (or `builtin:hd.toml`) given to [`HdRules::from_toml`].
    pub origin: String,
    /// 1-based line of the offending rule, key or value.
    pub line: usize,
    /// What is wrong, on one line.
    pub message: String,
}

impl fmt::Display for HdRuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.origin, self.line, self.message)
    }
}

impl HdRules {
    /// The built-in rules (`rules/hd.toml`). Parsed once per process; later calls clone
    /// the compiled rules.
    pub fn builtin() -> HdRules {
        static PACK: OnceLock<HdRules> = OnceLock::new();
        PACK.get_or_init(|| {
            // The file is part of the source and `builtin_pack_loads` checks it, so a
            // failure here is a bug in this crate, not bad input.
            HdRules::from_toml(BUILTIN_TEXT, BUILTIN_ORIGIN)
                .unwrap_or_else(|e| panic!("built-in rules do not load: {e}"))
        })
        .clone()
    }

    /// Parses and compiles a rule file. `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<HdRules, HdRuleError> {
        Ok(HdRules {
            rules: load::parse(text, origin)?,
        })
    }

    /// Puts `user`'s rules before these, so they are tried first.
    pub fn extend_front(&mut self, user: HdRules) {
        let mut rules = user.rules;
        rules.append(&mut self.rules);
        self.rules = rules;
    }

    /// HD candidates for `url`, best first, deduplicated, never `url` itself. Empty for a
    /// URL that does not parse or is not http(s).
    pub fn candidates(&self, url: &str) -> Vec<Rewrite> {
        let Ok(input) = Url::parse(url) else {
            return Vec::new();
        };
        if !is_web(&input) {
            return Vec::new();
        }
        let normalized = input.as_str();
        let host = input.host_str().unwrap_or_default();
        let host = host.strip_suffix('.').unwrap_or(host);

        let mut out: Vec<Rewrite> = Vec::new();
        for rule in &self.rules {
            if !rule.hosts.iter().any(|glob| glob.matches(host)) {
                continue;
            }
            for raw in rule.apply(normalized) {
                let Ok(candidate) = Url::parse(&raw) else {
                    continue;
                };
                if !is_web(&candidate) {
                    continue;
                }
                let candidate = String::from(candidate);
                if candidate == normalized || candidate == url {
                    continue;
                }
                if out.iter().any(|r| r.url == candidate) {
                    continue;
                }
                out.push(Rewrite {
                    url: candidate,
                    rule: rule.name.clone(),
                });
            }
        }
        out
    }

    /// The number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Rule names in the order they are tried.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.name.as_str())
    }
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pack_loads() {
        let pack = HdRules::from_toml(BUILTIN_TEXT, BUILTIN_ORIGIN);
        assert!(
            pack.is_ok(),
            "{}",
            pack.err().map(|e| e.to_string()).unwrap_or_default()
        );
        assert!(pack.map(|p| p.len()).unwrap_or(0) >= 30);
    }

    #[test]
    fn builtin_is_cached_and_equal_to_a_fresh_parse() {
        let a: Vec<String> = HdRules::builtin().names().map(String::from).collect();
        let b: Vec<String> = HdRules::builtin().names().map(String::from).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), HdRules::builtin().len());
    }

    #[test]
    fn error_display_is_origin_line_message() {
        let e = HdRuleError {
            origin: "rules.toml".into(),
            line: 7,
            message: "missing field `pattern`".into(),
        };
        assert_eq!(e.to_string(), "rules.toml:7: missing field `pattern`");
    }
}
