//! HD rules that write themselves: from the thumbnail/full-size pairs pages show (a
//! thumbnail inside a link to its larger self, an `srcset` ladder, a zoom attribute) to
//! rules in the [rule language](crate::hdrules), each checked against every pair of its
//! host before it is offered.
//!
//! For each image host, the learner lines up each thumbnail with its full size token by
//! token ([`diff`]), groups pairs whose change has one shape ([`template`]), and tries
//! rules from the simplest (drop query parameters; a size as `\d+`; the size as written)
//! with as little context as anchors them. A rule is kept only when, run through
//! [`HdRules::candidates`] as the engine runs it, it turns some thumbnails into their
//! full sizes and no thumbnail of the host into anything else. A site with several
//! ladders (`sw=60` to `sw=95`, `sw=627` to `sw=2400`) gets a rule for each; pairs no
//! rule explains are reported, never guessed at.
//!
//! ```
//! use imago_core::hdrules::suggest::{suggest, Pair};
//! use imago_core::hdrules::HdRules;
//!
//! let pair = |t: &str, f: &str| Pair { thumb: t.into(), full: f.into() };
//! let pairs = [
//!     pair("https://cdn.example/p/200x200/cat.jpg", "https://cdn.example/p/original/cat.jpg"),
//!     pair("https://cdn.example/p/120x90/dog.png", "https://cdn.example/p/original/dog.png"),
//! ];
//! let report = &suggest(&pairs, &HdRules::default())[0];
//! let rule = &report.suggestions[0];
//! assert_eq!((rule.pairs, rule.checked), (2, 2));
//! let rules = HdRules::from_toml(&rule.rule_toml, "suggested").unwrap();
//! assert_eq!(
//!     rules.candidates("https://cdn.example/p/640x480/owl.webp")[0].url,
//!     "https://cdn.example/p/original/owl.webp"
//! );
//! ```

mod check;
mod diff;
mod learn;
mod pairs;
mod template;

use std::collections::HashMap;

use url::Url;

pub use check::{Ladder, Verdict};
pub use pairs::{pairs_from_candidates, pairs_from_html, Pair};

use super::HdRules;

/// Pairs learned from per host, at most: the first ones, in page order.
pub const MAX_PAIRS_PER_HOST: usize = 200;

/// Examples kept per suggestion.
const EXAMPLES: usize = 3;

/// One rule offered for a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The host glob the rule names (`static*.example.com` for numbered shards).
    pub host: String,
    /// The rule's name, `suggested-<host>` (then `-2`, `-3`, ...), unused by the known
    /// rules given to [`suggest`].
    pub name: String,
    /// One `[[rule]]` table, valid input for [`HdRules::from_toml`].
    pub rule_toml: String,
    /// Pairs of the host the rule rewrites.
    pub pairs: usize,
    /// Of those, pairs it rewrites to their full size (or to a size the page shows as
    /// larger still). Always equal to `pairs`: a rule that misleads one is not offered.
    pub checked: usize,
    /// A few of the pairs it maps: (thumbnail, full size).
    pub examples: Vec<(String, String)>,
}

/// What the pairs of one host gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostReport {
    /// The host glob (see [`Suggestion::host`]).
    pub host: String,
    /// Pairs of the host learned from (known ones left out).
    pub pairs: usize,
    /// Pairs the known rules already rewrite: left alone, since a suggested rule would
    /// be tried before those.
    pub known: usize,
    /// The rules, in the order they should be written.
    pub suggestions: Vec<Suggestion>,
    /// Pairs no suggested rule maps.
    pub unexplained: Vec<Pair>,
}

/// Rules for `pairs`, one report per image host in order of first appearance. `known`
/// are the rules already in force (the built-in ones and the user's): thumbnails they
/// rewrite are not learned from, and suggested names avoid theirs.
pub fn suggest(pairs: &[Pair], known: &HdRules) -> Vec<HostReport> {
    let pairs = distinct(pairs);
    let ladder = Ladder::new(&pairs);
    let mut taken: Vec<String> = known.names().map(String::from).collect();

    let mut order: Vec<String> = Vec::new();
    let mut by_host: HashMap<String, (String, Vec<Pair>, usize)> = HashMap::new();
    for p in &pairs {
        let Some(host) = Url::parse(&p.thumb)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
        else {
            continue;
        };
        let glob = host_glob(&host);
        let entry = by_host.entry(glob.clone()).or_insert_with(|| {
            order.push(glob);
            (host, Vec::new(), 0)
        });
        if !known.candidates(&p.thumb).is_empty() {
            entry.2 += 1;
        } else if entry.1.len() < MAX_PAIRS_PER_HOST {
            entry.1.push(p.clone());
        }
    }

    let mut out = Vec::new();
    for glob in order {
        let Some((host, pairs, known_count)) = by_host.remove(&glob) else {
            continue;
        };
        let learned = learn::learn(&glob, &pairs, &ladder);
        let mut suggestions = Vec::new();
        let mut mapped = vec![false; pairs.len()];
        for (draft, rules) in learned {
            // Examples show first what this rule adds, then what an earlier one did too.
            let (mut fresh, mut again) = (Vec::new(), Vec::new());
            let mut wrong = 0;
            for (i, p) in pairs.iter().enumerate() {
                match ladder.verdict(&rules, p) {
                    Verdict::Maps if mapped[i] => again.push(i),
                    Verdict::Maps => {
                        fresh.push(i);
                        mapped[i] = true;
                    }
                    Verdict::Wrong => wrong += 1,
                    Verdict::Silent => {}
                }
            }
            let name = free_name(&host, &taken);
            taken.push(name.clone());
            let checked = fresh.len() + again.len();
            suggestions.push(Suggestion {
                rule_toml: draft.toml(&name, &glob),
                host: glob.clone(),
                name,
                pairs: checked + wrong,
                checked,
                examples: fresh
                    .iter()
                    .chain(&again)
                    .take(EXAMPLES)
                    .map(|&i| (pairs[i].thumb.clone(), pairs[i].full.clone()))
                    .collect(),
            });
        }
        let unexplained = pairs
            .iter()
            .zip(&mapped)
            .filter(|(_, m)| !**m)
            .map(|(p, _)| p.clone())
            .collect();
        out.push(HostReport {
            host: glob,
            pairs: pairs.len(),
            known: known_count,
            suggestions,
            unexplained,
        });
    }
    out
}

/// Each thumbnail once, normalized; a thumbnail given two different full sizes is left
/// out (no rule can honour both), as are pairs that are not http(s).
fn distinct(pairs: &[Pair]) -> Vec<Pair> {
    let mut out: Vec<Pair> = Vec::new();
    let mut conflicting: Vec<String> = Vec::new();
    for p in pairs {
        let (Some(thumb), Some(full)) = (pairs::normalize(&p.thumb), pairs::normalize(&p.full))
        else {
            continue;
        };
        if thumb == full {
            continue;
        }
        match out.iter().find(|q| q.thumb == thumb) {
            Some(q) if q.full != full => conflicting.push(thumb),
            Some(_) => {}
            None => out.push(Pair { thumb, full }),
        }
    }
    out.retain(|p| !conflicting.contains(&p.thumb));
    out
}

/// The host a rule names: numbered shards of one server (`static01`, `static02`,
/// `s13emagst`) are one glob, `static*`, when the number is in the first label of a
/// name with at least three labels. IP addresses stay as they are.
fn host_glob(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').collect();
    let is_ip = host.parse::<std::net::IpAddr>().is_ok()
        || host.starts_with('[')
        || labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit()));
    let Some(first) = labels.first() else {
        return host.to_string();
    };
    if is_ip || labels.len() < 3 || !first.bytes().any(|b| b.is_ascii_digit()) {
        return host.to_string();
    }
    let mut glob = String::new();
    let mut in_digits = false;
    for c in first.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                glob.push('*');
            }
            in_digits = true;
        } else {
            glob.push(c);
            in_digits = false;
        }
    }
    // A label that was only a number (`1.cdn.example`) would become `*`, every
    // subdomain; keep the number then.
    if glob == "*" {
        return host.to_string();
    }
    [glob.as_str()]
        .into_iter()
        .chain(labels[1..].iter().copied())
        .collect::<Vec<_>>()
        .join(".")
}

/// `suggested-<host>`, or with `-2`, `-3`, ... when that name is taken.
fn free_name(host: &str, taken: &[String]) -> String {
    let base = format!("suggested-{host}");
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|n| !taken.contains(n))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_shards_share_a_glob() {
        assert_eq!(host_glob("static01.example.pl"), "static*.example.pl");
        assert_eq!(
            host_glob("s13emagst.akamaized.net"),
            "s*emagst.akamaized.net"
        );
        assert_eq!(host_glob("1.cdn.example"), "1.cdn.example");
        assert_eq!(host_glob("cdn2.example"), "cdn2.example");
        assert_eq!(host_glob("10.0.0.1"), "10.0.0.1");
        assert_eq!(host_glob("www.example.com"), "www.example.com");
    }

    #[test]
    fn names_skip_taken_ones() {
        let taken = vec!["suggested-a".to_string(), "suggested-a-2".to_string()];
        assert_eq!(free_name("a", &taken), "suggested-a-3");
        assert_eq!(free_name("b", &taken), "suggested-b");
    }
}
