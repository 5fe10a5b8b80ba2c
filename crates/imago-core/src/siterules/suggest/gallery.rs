//! The gallery selector: the nearest container holding (nearly) all the pictures main
//! mode keeps by its heuristics and few others, named by a stable id or class, and
//! checked by running main mode with that selector as the rule's `gallery`.

use std::collections::{HashMap, HashSet};

use url::Url;

use super::names::{meaningful, stable};
use super::toml_str;
use crate::discover::{discover_html, Collected, DiscoverOptions};
use crate::model::SourceKind;
use crate::siterules::SiteRules;

/// Containers named per page, and selectors tried per page at most.
const MAX_CONTAINERS: usize = 6;
const MAX_DRAFTS: usize = 8;

/// The pictures of a page an element shows (not its metadata's), one key per picture:
/// the smallest URL of its candidates.
pub(super) fn body_pictures(found: &Collected) -> HashMap<String, Vec<u32>> {
    let mut by_group: HashMap<u32, (String, Vec<u32>)> = HashMap::new();
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (i, c) in found.candidates.iter().enumerate() {
        if !is_body(c.kind) || c.placeholder || c.url.starts_with("data:") {
            continue;
        }
        let path = found
            .places
            .get(i)
            .map(|p| p.path.clone())
            .unwrap_or_default();
        match c.group {
            Some(g) => {
                let e = by_group.entry(g).or_insert_with(|| (c.url.clone(), path));
                if c.url < e.0 {
                    e.0 = c.url.clone();
                }
            }
            None => {
                out.entry(c.url.clone()).or_insert(path);
            }
        }
    }
    let mut groups: Vec<(u32, (String, Vec<u32>))> = by_group.into_iter().collect();
    groups.sort_by_key(|(g, _)| *g);
    for (_, (key, path)) in groups {
        out.entry(key).or_insert(path);
    }
    out
}

/// Shown by an element of the page (not page metadata, not a stylesheet block).
fn is_body(kind: SourceKind) -> bool {
    !kind.is_page_level() && !matches!(kind, SourceKind::CssStyle | SourceKind::CssLinked)
}

fn main_mode() -> DiscoverOptions {
    DiscoverOptions {
        main: Some(true),
        ..Default::default()
    }
}

/// The pictures main mode keeps on its heuristics alone (no site rule).
pub(super) fn heuristic(html: &str, url: &Url) -> HashSet<String> {
    let found = discover_html(html, url, &main_mode(), &SiteRules::empty());
    body_pictures(&found).into_keys().collect()
}

/// The pictures main mode keeps with `rules`; `None` when their `gallery` matched
/// nothing on the page (the heuristics decided instead).
pub(super) fn with_rules(html: &str, url: &Url, rules: &SiteRules) -> Option<HashSet<String>> {
    let found = discover_html(html, url, &main_mode(), rules);
    found
        .narrowed
        .then(|| body_pictures(&found).into_keys().collect())
}

/// A rule for `url`'s host whose gallery is `selector`.
pub(super) fn gallery_rule(url: &Url, selector: &str) -> Option<SiteRules> {
    let host = url.host_str()?;
    let text = format!(
        "[[site]]\nname = \"gallery\"\nmatch = [{}]\ngallery = [{}]\n",
        toml_str(host),
        toml_str(selector)
    );
    SiteRules::from_toml(&text, "suggest").ok()
}

/// Whether the pictures `got` a gallery selector keeps agree with the heuristics'
/// `kept`: at least three in four of them, and few others (a thumbnail strip the
/// heuristics half missed is still the product's).
pub(super) fn agrees(kept: &HashSet<String>, got: &HashSet<String>) -> bool {
    let both = kept.intersection(got).count();
    let extra = got.len() - both;
    both * 4 >= kept.len() * 3 && extra <= (kept.len() / 4).max(2)
}

/// Gallery selectors for one page, most likely first: names of the containers that
/// hold most of `kept` and the fewest other pictures.
pub(super) fn drafts(html: &str, url: &Url, kept: &HashSet<String>) -> Vec<String> {
    if kept.is_empty() {
        return Vec::new();
    }
    // Every picture with its place: a `gallery` of `*` narrows to everything, so the
    // heuristics do not run and the places of all pictures are kept.
    let Some(all_rule) = gallery_rule(url, "*") else {
        return Vec::new();
    };
    let all = discover_html(html, url, &main_mode(), &all_rule);
    let pictures = body_pictures(&all);
    // Per container: kept pictures inside, other pictures inside. A place names only
    // the nearest containers (`discover::PLACE_DEPTH`), so a gallery further up than
    // that from its pictures is not seen.
    let mut inside: HashMap<u32, (usize, usize)> = HashMap::new();
    for (key, path) in &pictures {
        let own = kept.contains(key);
        for &s in path {
            let e = inside.entry(s).or_insert((0, 0));
            if own {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
    let held = kept.iter().filter(|k| pictures.contains_key(*k)).count();
    let need = (held * 3).div_ceil(4).max(1);
    let mut containers: Vec<(u32, (usize, usize))> =
        inside.into_iter().filter(|(_, c)| c.0 >= need).collect();
    // Containers holding three in four of the same pictures nest in one another, and
    // an element is numbered after its ancestors: the larger number is the nearer one.
    containers
        .sort_by_key(|&(s, (own, others))| (others, std::cmp::Reverse(own), std::cmp::Reverse(s)));
    let names = Originals::new(html);
    let mut out: Vec<String> = Vec::new();
    for (serial, _) in containers.into_iter().take(MAX_CONTAINERS) {
        let Some(label) = all.elements.get(serial as usize) else {
            continue;
        };
        for d in names.selectors(label) {
            if !out.contains(&d) && out.len() < MAX_DRAFTS {
                out.push(d);
            }
        }
    }
    out
}

/// Ids and classes as the page writes them: discovery's element labels are lower case,
/// selectors compare case.
struct Originals {
    ids: HashMap<String, String>,
    classes: HashMap<String, String>,
}

impl Originals {
    fn new(html: &str) -> Originals {
        let tree = super::tree::Tree::new(html);
        // Two spellings of one name: the one written first on the page.
        let lower = |m: &HashMap<&str, Vec<u32>>| {
            let mut names: Vec<(&u32, &str)> = m
                .iter()
                .filter_map(|(k, at)| at.first().map(|a| (a, *k)))
                .collect();
            names.sort();
            let mut out = HashMap::new();
            for (_, k) in names {
                out.entry(k.to_ascii_lowercase())
                    .or_insert_with(|| k.to_string());
            }
            out
        };
        Originals {
            ids: lower(&tree.by_id),
            classes: lower(&tree.by_class),
        }
    }

    /// Selectors naming the element labelled `tag#id.class.class`: its id, then its
    /// classes (alone, with the tag, in pairs), stable names only.
    fn selectors(&self, label: &str) -> Vec<String> {
        // Discovery marks a link to another page with `!away` (its `walker::AWAY`).
        let label = label.strip_suffix("!away").unwrap_or(label);
        let tag_end = label.find(['#', '.']).unwrap_or(label.len());
        let tag = &label[..tag_end];
        let mut rest = &label[tag_end..];
        let mut out = Vec::new();
        if let Some(r) = rest.strip_prefix('#') {
            let end = r.find('.').unwrap_or(r.len());
            if let Some(id) = self.ids.get(&r[..end]).filter(|id| stable(id)) {
                out.push(format!("#{id}"));
            }
            rest = &r[end..];
        }
        let classes: Vec<&String> = rest
            .split('.')
            .filter_map(|c| self.classes.get(c))
            .filter(|c| stable(c) && meaningful(c))
            .take(3)
            .collect();
        // Classes with a gallery's word first: they name the part, not its layout.
        let mut sorted = classes.clone();
        sorted.sort_by_key(|c| {
            let c = c.to_ascii_lowercase();
            ![
                "gallery", "media", "image", "photo", "carousel", "slider", "zoom", "thumb",
            ]
            .iter()
            .any(|w| c.contains(w))
        });
        let tag = if tag.bytes().all(|b| b.is_ascii_alphanumeric()) && !tag.is_empty() {
            tag
        } else {
            ""
        };
        for c in &sorted {
            if !tag.is_empty() {
                out.push(format!("{tag}.{c}"));
            }
            out.push(format!(".{c}"));
        }
        if let [a, b, ..] = classes.as_slice() {
            out.push(format!("{tag}.{a}.{b}"));
        }
        out
    }
}
