//! Checking a rule against pairs, through the same [`HdRules`] the engine runs.

use std::collections::HashMap;

use super::pairs::Pair;
use crate::hdrules::HdRules;

/// What a rule does to one pair's thumbnail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Its first candidate is the full size (or a size the page shows as larger still).
    Maps,
    /// Its first candidate is another URL.
    Wrong,
    /// It offers no candidate.
    Silent,
}

/// The full sizes a page vouches for as at least as large as `pair.full`: the full size
/// itself, and the full size of that URL when the page shows it as a thumbnail too
/// (`?w=80` links to `?w=450`, which links to the original: the original is right for
/// both).
pub struct Ladder<'p> {
    next: HashMap<&'p str, &'p str>,
}

/// How long a chain of thumbnails may be followed (cycles stop there too).
const MAX_STEPS: usize = 8;

impl<'p> Ladder<'p> {
    pub fn new(pairs: &'p [Pair]) -> Ladder<'p> {
        let next = pairs
            .iter()
            .map(|p| (p.thumb.as_str(), p.full.as_str()))
            .collect();
        Ladder { next }
    }

    /// True when `url` is `pair.full` or up its ladder.
    pub fn vouches(&self, pair: &Pair, url: &str) -> bool {
        let mut at = pair.full.as_str();
        for _ in 0..MAX_STEPS {
            if at == url {
                return true;
            }
            match self.next.get(at) {
                Some(up) => at = up,
                None => return false,
            }
        }
        false
    }

    /// What `rules` do to `pair`.
    pub fn verdict(&self, rules: &HdRules, pair: &Pair) -> Verdict {
        match rules.candidates(&pair.thumb).first() {
            None => Verdict::Silent,
            Some(c) if self.vouches(pair, &c.url) => Verdict::Maps,
            Some(_) => Verdict::Wrong,
        }
    }
}
