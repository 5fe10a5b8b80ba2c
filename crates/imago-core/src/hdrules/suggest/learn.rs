//! Choosing the rules of one host: candidate rules in order of simplicity, each checked
//! against every pair of the host, kept only when it maps some and misleads none.

use std::collections::HashMap;

use super::check::{Ladder, Verdict};
use super::diff::{edit, Edit};
use super::pairs::Pair;
use super::template::{drop_pattern, dropped_params, key, shape, Variant};
use crate::hdrules::HdRules;

/// A site with more ladders than this is better served by a hand-written rule.
pub(super) const MAX_RULES_PER_HOST: usize = 4;

/// Rules compiled and checked for one host, at most: bounds the work on hostile pages.
const MAX_TRIES_PER_HOST: usize = 600;

/// The clusters tried per round (largest first).
const MAX_CLUSTERS: usize = 12;

/// A rule as it will be written, before it has its final name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Draft {
    pub pattern: String,
    pub replace: Option<String>,
    pub drop_query: Vec<String>,
}

impl Draft {
    /// One `[[rule]]` table.
    pub fn toml(&self, name: &str, host: &str) -> String {
        let mut out = format!(
            "[[rule]]\nname = {}\nhosts = [{}]\npattern = {}\n",
            toml_string(name),
            toml_string(host),
            toml_string(&self.pattern)
        );
        if let Some(r) = &self.replace {
            out.push_str(&format!("replace = [{}]\n", toml_string(r)));
        }
        if !self.drop_query.is_empty() {
            let names: Vec<String> = self.drop_query.iter().map(|n| toml_string(n)).collect();
            out.push_str(&format!("drop_query = [{}]\n", names.join(", ")));
        }
        out
    }

    /// The rule compiled as the engine will run it; `None` if it does not load (a
    /// shape this module should not have made: skipped, never offered).
    pub fn compile(&self, host: &str) -> Option<HdRules> {
        HdRules::from_toml(&self.toml("suggested", host), "suggested").ok()
    }
}

/// A TOML string: literal (`'...'`, backslashes as they are, as regexes read best) when
/// it can be, else basic with escapes.
fn toml_string(s: &str) -> String {
    if !s.contains('\'') && !s.chars().any(char::is_control) {
        return format!("'{s}'");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A group of pairs one rule could serve.
enum Family {
    Drop(Vec<String>),
    Edit(Variant, Vec<usize>),
}

/// The rules for `pairs` (all of one host glob `host`), in the order found, with what
/// each maps. `ladder` knows every pair of the page(s), for chains of sizes.
pub(super) fn learn(host: &str, pairs: &[Pair], ladder: &Ladder<'_>) -> Vec<(Draft, HdRules)> {
    let edits: Vec<Option<Edit<'_>>> = pairs.iter().map(|p| edit(&p.thumb, &p.full)).collect();
    let mut covered = vec![false; pairs.len()];
    let mut chosen: Vec<(Draft, HdRules)> = Vec::new();
    let mut tries = 0usize;
    while chosen.len() < MAX_RULES_PER_HOST && covered.iter().any(|c| !c) {
        let families = families(pairs, &edits, &covered);
        let mut found = None;
        for family in families.into_iter().take(MAX_CLUSTERS) {
            found = best_of(host, &family, pairs, &edits, &covered, ladder, &mut tries);
            if found.is_some() || tries >= MAX_TRIES_PER_HOST {
                break;
            }
        }
        let Some((draft, rules)) = found else { break };
        for (i, p) in pairs.iter().enumerate() {
            covered[i] |= ladder.verdict(&rules, p) == Verdict::Maps;
        }
        chosen.push((draft, rules));
    }
    chosen
}

/// Candidate groups among the pairs not yet covered, the largest first; at equal size
/// dropping query parameters first, then sizes as `\d+`, then literal tokens.
fn families(pairs: &[Pair], edits: &[Option<Edit<'_>>], covered: &[bool]) -> Vec<Family> {
    let open: Vec<usize> = (0..pairs.len()).filter(|&i| !covered[i]).collect();
    let mut out: Vec<(usize, u8, Family)> = Vec::new();

    let mut union: Vec<String> = Vec::new();
    let mut sets: Vec<(Vec<String>, usize)> = Vec::new();
    for &i in &open {
        if let Some(names) = dropped_params(&pairs[i].thumb, &pairs[i].full) {
            for n in &names {
                if !union.contains(n) {
                    union.push(n.clone());
                }
            }
            match sets.iter_mut().find(|(s, _)| *s == names) {
                Some((_, count)) => *count += 1,
                None => sets.push((names, 1)),
            }
        }
    }
    let total: usize = sets.iter().map(|(_, c)| c).sum();
    if sets.len() > 1 {
        out.push((total, 0, Family::Drop(union)));
    }
    for (names, count) in sets {
        out.push((count, 0, Family::Drop(names)));
    }

    for (rank, variant) in [(1, Variant::Sizes), (2, Variant::Literal)] {
        let mut clusters: HashMap<String, Vec<usize>> = HashMap::new();
        for &i in &open {
            if let Some(k) = edits[i].as_ref().and_then(|e| key(e, variant)) {
                clusters.entry(k).or_default().push(i);
            }
        }
        for (_, members) in clusters {
            out.push((members.len(), rank, Family::Edit(variant, members)));
        }
    }
    // Stable order: size, then simplicity, then the first pair's position on the page.
    out.sort_by_key(|(n, rank, f)| {
        let first = match f {
            Family::Edit(_, m) => m.first().copied().unwrap_or(0),
            Family::Drop(_) => 0,
        };
        (std::cmp::Reverse(*n), *rank, first)
    });
    out.into_iter().map(|(_, _, f)| f).collect()
}

/// Context widths tried, fewest tokens first and balanced before lopsided. A rule
/// anchors on both sides of its change (a token, or the URL's start or end), so that
/// `sw=60` cannot match the start of `sw=600`.
fn contexts() -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = (1..=6)
        .flat_map(|l| (1..=3).map(move |r| (l, r)))
        .filter(|(l, r)| l + r <= 7)
        .collect();
    out.sort_by_key(|&(l, r)| (l + r, l.abs_diff(r), r));
    out
}

/// The first rule of `family` that maps an uncovered pair and misleads none, preferring
/// one that leaves the full sizes alone (it then cannot make a shown original worse).
fn best_of(
    host: &str,
    family: &Family,
    pairs: &[Pair],
    edits: &[Option<Edit<'_>>],
    covered: &[bool],
    ladder: &Ladder<'_>,
    tries: &mut usize,
) -> Option<(Draft, HdRules)> {
    let drafts: Vec<Draft> = match family {
        Family::Drop(names) => vec![Draft {
            pattern: drop_pattern(names),
            replace: None,
            drop_query: names.clone(),
        }],
        Family::Edit(variant, members) => {
            let members: Vec<&Edit<'_>> =
                members.iter().filter_map(|&i| edits[i].as_ref()).collect();
            let mut drafts: Vec<Draft> = Vec::new();
            for (l, r) in contexts() {
                let Some(s) = shape(&members, *variant, l, r) else {
                    continue;
                };
                if s.anchor_letters == 0 {
                    continue;
                }
                let d = Draft {
                    pattern: s.pattern,
                    replace: Some(s.replace),
                    drop_query: Vec::new(),
                };
                if !drafts.contains(&d) {
                    drafts.push(d);
                }
            }
            drafts
        }
    };

    let mut fallback: Option<(Draft, HdRules)> = None;
    for draft in drafts {
        if *tries >= MAX_TRIES_PER_HOST {
            break;
        }
        *tries += 1;
        let Some(rules) = draft.compile(host) else {
            continue;
        };
        let mut maps_open = false;
        let mut wrong = false;
        for (i, p) in pairs.iter().enumerate() {
            match ladder.verdict(&rules, p) {
                Verdict::Maps => maps_open |= !covered[i],
                Verdict::Wrong => {
                    wrong = true;
                    break;
                }
                Verdict::Silent => {}
            }
        }
        if wrong || !maps_open {
            continue;
        }
        let touches_full = pairs.iter().any(|p| !rules.candidates(&p.full).is_empty());
        if !touches_full {
            return Some((draft, rules));
        }
        fallback.get_or_insert((draft, rules));
    }
    fallback
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_strings_are_literal_when_they_can_be() {
        assert_eq!(toml_string(r"/\d+/"), r"'/\d+/'");
        assert_eq!(toml_string(r"it's\"), r#""it's\\""#);
        let d = Draft {
            pattern: r"_\d+\.".into(),
            replace: Some(".".into()),
            drop_query: vec!["w".into()],
        };
        let text = d.toml("suggested-a", "a.example");
        assert!(HdRules::from_toml(&text, "t").is_ok(), "{text}");
    }

    #[test]
    fn contexts_start_balanced() {
        let c = contexts();
        assert_eq!(c[0], (1, 1));
        assert!(c.iter().all(|&(l, r)| l >= 1 && r >= 1 && l + r <= 7));
    }
}
