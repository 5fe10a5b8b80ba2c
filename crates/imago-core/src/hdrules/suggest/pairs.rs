//! Thumbnail/full-size pairs a page shows: the versions of one picture that discovery
//! grouped (an `<img>`, its `srcset`, its zoom attribute, the link around it).

use std::collections::BTreeMap;

use url::Url;

use crate::discover::{discover_html, DiscoverOptions};
use crate::model::{Candidate, Descriptor, SourceKind};
use crate::siterules::SiteRules;

/// A thumbnail and the full-size URL the page gives for it, both normalized as
/// [`crate::hdrules::HdRules::candidates`] normalizes (so they compare as its output does).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pair {
    pub thumb: String,
    pub full: String,
}

/// The pairs of one HTML page, in page order, each thumbnail once. A thumbnail the page
/// links to two different full sizes is left out (no rule can honour both), and so is a
/// "full size" that names smaller numbers than its thumbnail (a rule learned from it
/// would shrink pictures).
pub fn pairs_from_html(html: &str, page_url: &Url) -> Vec<Pair> {
    let found = discover_html(
        html,
        page_url,
        &DiscoverOptions::default(),
        &SiteRules::empty(),
    );
    pairs_from_candidates(&found.candidates)
}

/// The pairs among discovered candidates (see [`pairs_from_html`]).
pub fn pairs_from_candidates(candidates: &[Candidate]) -> Vec<Pair> {
    let mut groups: BTreeMap<u32, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates {
        if let Some(g) = c.group {
            if !c.placeholder {
                groups.entry(g).or_default().push(c);
            }
        }
    }
    let mut groups: Vec<Vec<&Candidate>> = groups.into_values().collect();
    // Page order, so the first pairs (shown as examples) are the first pictures.
    groups.sort_by_key(|g| g.iter().map(|c| c.order).min());

    let mut out: Vec<Pair> = Vec::new();
    let mut conflicting: Vec<String> = Vec::new();
    for group in &groups {
        let Some(pair) = pair_of(group) else { continue };
        match out.iter().find(|p| p.thumb == pair.thumb) {
            Some(seen) if seen.full != pair.full => conflicting.push(pair.thumb),
            Some(_) => {}
            None => out.push(pair),
        }
    }
    out.retain(|p| !conflicting.contains(&p.thumb));
    out
}

/// The pair of one group: its smallest version and its largest, when they differ.
fn pair_of(group: &[&Candidate]) -> Option<Pair> {
    let web: Vec<(&Candidate, String)> = group
        .iter()
        .filter_map(|c| normalize(&c.url).map(|u| (*c, u)))
        .collect();
    let full = full_of(&web)?;
    let thumb = thumb_of(&web, &full)?;
    (thumb != full && !super::diff::looks_smaller(&thumb, &full)).then_some(Pair { thumb, full })
}

/// The link around the picture, else its zoom/original attribute, else the widest
/// (densest) entry of its srcset when it has several.
fn full_of(web: &[(&Candidate, String)]) -> Option<String> {
    let pick = |kind: SourceKind| {
        web.iter()
            .find(|(c, _)| c.full_size && c.kind == kind)
            .map(|(_, u)| u.clone())
    };
    pick(SourceKind::Link)
        .or_else(|| pick(SourceKind::Lazy))
        .or_else(|| {
            let sized: Vec<_> = web
                .iter()
                .filter_map(|(c, u)| size(c).map(|s| (s, u)))
                .collect();
            let widest = sized.iter().max_by(|a, b| a.0.total_cmp(&b.0))?;
            let narrowest = sized.iter().min_by(|a, b| a.0.total_cmp(&b.0))?;
            (widest.0 > narrowest.0).then(|| widest.1.clone())
        })
}

/// The smallest version shown: the narrowest srcset entry, else the `src` (or the lazy
/// `data-src` standing in for it).
fn thumb_of(web: &[(&Candidate, String)], full: &str) -> Option<String> {
    let shown = |c: &Candidate| !c.full_size && c.kind != SourceKind::Link;
    let narrowest = web
        .iter()
        .filter(|(c, u)| shown(c) && u != full)
        .filter_map(|(c, u)| size(c).map(|s| (s, u)))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, u)| u.clone());
    narrowest.or_else(|| {
        [
            SourceKind::Img,
            SourceKind::Lazy,
            SourceKind::Noscript,
            SourceKind::Picture,
        ]
        .into_iter()
        .find_map(|kind| {
            web.iter()
                .find(|(c, u)| c.kind == kind && shown(c) && u != full)
                .map(|(_, u)| u.clone())
        })
    })
}

/// A srcset descriptor as one comparable number (widths and densities are not mixed in
/// practice; a group that mixes them compares oddly but still picks distinct URLs).
fn size(c: &Candidate) -> Option<f64> {
    match c.descriptor? {
        Descriptor::Width(w) => Some(f64::from(w)),
        Descriptor::Density(d) => Some(f64::from(d)),
    }
}

/// `url` as `HdRules::candidates` sees it; `None` unless http(s) with a host.
pub(super) fn normalize(url: &str) -> Option<String> {
    let u = Url::parse(url).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some()).then(|| u.into())
}
