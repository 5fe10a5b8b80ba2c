//! One [`Image`] per picture: candidates that share a `group` (one element's `src`,
//! `srcset`, lazy originals and the link around it) or a URL (the same picture found
//! twice on a page) become one image with its best URL and the others as alternates.

use crate::model::{Candidate, Descriptor, Image, SourceKind};
use std::borrow::Cow;
use std::collections::HashMap;

/// Merges candidates into images, in page order.
///
/// Best candidate: the linked full size, then a lazy original or zoom image, then the
/// largest srcset width or density, then a lazy `data-src`, then the plain `src`;
/// never a placeholder while a real URL exists. A picture whose every candidate is a
/// placeholder (a lone spacer GIF) is dropped. Placeholders do not join pictures by
/// URL, so fifty images sharing one `blank.gif` stay fifty images.
pub fn merge(candidates: Vec<Candidate>) -> Vec<Image> {
    let n = candidates.len();
    let common = common_urls(&candidates);
    let mut parent: Vec<usize> = (0..n).collect();
    let mut by_group: HashMap<u32, usize> = HashMap::new();
    let keys: Vec<Cow<'_, str>> = candidates.iter().map(|c| url_key(c)).collect();
    let mut by_url: HashMap<&str, usize> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Some(g) = c.group {
            match by_group.get(&g) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_group.insert(g, i);
                }
            }
        }
        if !c.placeholder && !common.contains(c.url.as_str()) {
            match by_url.get(keys[i].as_ref()) {
                Some(&j) => union(&mut parent, i, j),
                None => {
                    by_url.insert(keys[i].as_ref(), i);
                }
            }
        }
    }
    let mut components: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut roots: Vec<usize> = Vec::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        components
            .entry(r)
            .or_insert_with(|| {
                roots.push(r);
                Vec::new()
            })
            .push(i);
    }
    let mut images: Vec<(u32, usize, Image)> = Vec::new();
    for r in roots {
        let Some(members) = components.get(&r) else {
            continue;
        };
        if let Some(img) = build(&candidates, members, &common) {
            images.push((img.order, members[0], img));
        }
    }
    images.sort_by_key(|(order, first, _)| (*order, *first));
    // Pictures kept apart (a common URL does not join them) may still end on the same
    // best URL: report it once.
    let mut out: Vec<Image> = Vec::with_capacity(images.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for (_, _, img) in images {
        match at.get(&img.url) {
            Some(&k) => {
                let first = &mut out[k];
                for s in img.sources {
                    if !first.sources.contains(&s) {
                        first.sources.push(s);
                    }
                }
                first.sources.sort();
                for a in img.alternates {
                    if a != first.url && !first.alternates.contains(&a) {
                        first.alternates.push(a);
                    }
                }
            }
            None => {
                at.insert(img.url.clone(), out.len());
                out.push(img);
            }
        }
    }
    out
}

/// URLs that appear in this many pictures are a shared stand-in (a loading GIF that is
/// not named like one, `data-src="false"` resolved to a page): they join nothing and
/// are the last choice of each picture.
const COMMON_GROUPS: usize = 4;

fn common_urls(candidates: &[Candidate]) -> std::collections::HashSet<&str> {
    let mut groups: HashMap<&str, Vec<u32>> = HashMap::new();
    for c in candidates {
        if let (Some(g), false) = (c.group, c.placeholder) {
            let v = groups.entry(c.url.as_str()).or_default();
            if !v.contains(&g) && v.len() < COMMON_GROUPS {
                v.push(g);
            }
        }
    }
    groups
        .into_iter()
        .filter(|(_, v)| v.len() >= COMMON_GROUPS)
        .map(|(u, _)| u)
        .collect()
}

/// The URL a candidate is compared by. Discovery's URLs are already serialized by the
/// WHATWG parser; URLs handed over by the live-DOM collector are parsed the same way.
fn url_key(c: &Candidate) -> Cow<'_, str> {
    if c.kind == SourceKind::Dom && !c.url.starts_with("data:") {
        if let Ok(u) = url::Url::parse(&c.url) {
            return Cow::Owned(u.into());
        }
    }
    Cow::Borrowed(&c.url)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index stays the root so a picture keeps its first candidate's id.
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi] = lo;
    }
}

/// How good a candidate is as the URL to download: higher is better.
fn rank(c: &Candidate, common: &std::collections::HashSet<&str>) -> (u8, u8, f64) {
    let real = if c.placeholder {
        0
    } else if common.contains(c.url.as_str()) {
        1
    } else {
        2
    };
    let size = match c.descriptor {
        Some(Descriptor::Width(w)) => w as f64,
        // Densities are relative to the layout width; without one, 1x counts as 1000px.
        Some(Descriptor::Density(d)) => d as f64 * c.width.map_or(1000.0, |w| w as f64),
        None => 0.0,
    };
    let tier = if c.full_size && c.kind == SourceKind::Link {
        5
    } else if c.full_size {
        4
    } else if c.descriptor.is_some() {
        3
    } else if c.kind == SourceKind::Srcset || c.kind == SourceKind::Picture {
        // A srcset entry without descriptor is 1x.
        return (real, 3, c.width.map_or(1000.0, |w| w as f64));
    } else if matches!(c.kind, SourceKind::Lazy | SourceKind::Noscript) {
        2
    } else {
        1
    };
    (real, tier, size)
}

fn build(
    all: &[Candidate],
    members: &[usize],
    common: &std::collections::HashSet<&str>,
) -> Option<Image> {
    // Ranks are computed once per candidate: a picture may have 100,000 (a hostile
    // srcset), and comparing by recomputed ranks hashed each URL ~34 times.
    let ranked: Vec<(&Candidate, (u8, u8, f64))> = members
        .iter()
        .map(|&i| (&all[i], rank(&all[i], common)))
        .collect();
    let mut best: Option<(&Candidate, (u8, u8, f64))> = None;
    for &(c, r) in &ranked {
        if best.is_none_or(|(_, b)| r > b) {
            best = Some((c, r));
        }
    }
    let (best, _) = best?;
    if best.placeholder {
        return None;
    }
    // A placeholder is not a way the picture was found.
    let mut sources: Vec<SourceKind> = members
        .iter()
        .filter(|&&i| !all[i].placeholder)
        .map(|&i| all[i].kind)
        .collect();
    sources.sort();
    sources.dedup();
    let mut others: Vec<(&Candidate, (u8, u8, f64))> = ranked
        .into_iter()
        .filter(|(c, _)| !c.placeholder && c.url != best.url)
        .collect();
    others.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    let mut alternates: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (c, _) in others {
        if seen.insert(c.url.as_str()) {
            alternates.push(c.url.clone());
        }
    }
    let alt = best
        .alt
        .clone()
        .or_else(|| members.iter().find_map(|&i| all[i].alt.clone()));
    let (width, height) = match (best.width, best.height) {
        (Some(w), h) => (Some(w), h),
        _ => members
            .iter()
            .map(|&i| &all[i])
            .find(|c| c.url == best.url && c.width.is_some())
            .map_or((None, None), |c| (c.width, c.height)),
    };
    Some(Image {
        url: best.url.clone(),
        source: best.kind,
        sources,
        alt,
        alternates,
        width,
        height,
        order: members
            .iter()
            .map(|&i| all[i].order)
            .min()
            .unwrap_or(best.order),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(url: &str, kind: SourceKind, group: Option<u32>, order: u32) -> Candidate {
        let mut c = Candidate::new(url, kind, order);
        c.group = group;
        c.placeholder = crate::urls::is_placeholder(url);
        c
    }

    #[test]
    fn link_beats_lazy_beats_srcset_beats_src() {
        let mut w = cand("https://a/w800.jpg", SourceKind::Srcset, Some(1), 3);
        w.descriptor = Some(Descriptor::Width(800));
        let mut w2 = cand("https://a/w1600.jpg", SourceKind::Srcset, Some(1), 3);
        w2.descriptor = Some(Descriptor::Width(1600));
        let src = cand("https://a/small.jpg", SourceKind::Img, Some(1), 3);
        let imgs = merge(vec![src.clone(), w.clone(), w2.clone()]);
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].url, "https://a/w1600.jpg");
        assert_eq!(
            imgs[0].alternates,
            vec!["https://a/w800.jpg", "https://a/small.jpg"]
        );
        assert_eq!(imgs[0].sources, vec![SourceKind::Img, SourceKind::Srcset]);

        let mut zoom = cand("https://a/zoom.jpg", SourceKind::Lazy, Some(1), 3);
        zoom.full_size = true;
        let imgs = merge(vec![src.clone(), w.clone(), zoom.clone()]);
        assert_eq!(imgs[0].url, "https://a/zoom.jpg");

        let mut link = cand("https://a/full.jpg", SourceKind::Link, Some(1), 2);
        link.full_size = true;
        let imgs = merge(vec![src, w, zoom, link]);
        assert_eq!(imgs[0].url, "https://a/full.jpg");
        assert_eq!(imgs[0].order, 2);
        assert_eq!(imgs[0].source, SourceKind::Link);
    }

    #[test]
    fn placeholders_never_win_and_do_not_join() {
        let ph = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
        let imgs = merge(vec![
            cand(ph, SourceKind::Img, Some(1), 1),
            cand("https://a/1.jpg", SourceKind::Lazy, Some(1), 1),
            cand(ph, SourceKind::Img, Some(2), 2),
            cand("https://a/2.jpg", SourceKind::Lazy, Some(2), 2),
            cand("https://a/blank.gif", SourceKind::Img, Some(3), 3),
        ]);
        let urls: Vec<&str> = imgs.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(urls, vec!["https://a/1.jpg", "https://a/2.jpg"]);
        assert!(imgs[0].alternates.is_empty());
    }

    #[test]
    fn same_url_joins_groups_and_keeps_earliest_order() {
        let imgs = merge(vec![
            cand("https://a/og.jpg", SourceKind::OpenGraph, None, 1),
            cand("https://a/thumb.jpg", SourceKind::Img, Some(7), 10),
            cand("https://a/og.jpg", SourceKind::Lazy, Some(7), 10),
            cand("https://a/other.jpg", SourceKind::Img, Some(8), 11),
        ]);
        assert_eq!(imgs.len(), 2);
        assert_eq!(imgs[0].url, "https://a/og.jpg");
        assert_eq!(imgs[0].order, 1);
        assert_eq!(imgs[0].alternates, vec!["https://a/thumb.jpg"]);
        assert_eq!(
            imgs[0].sources,
            vec![SourceKind::Img, SourceKind::Lazy, SourceKind::OpenGraph]
        );
        assert_eq!(imgs[1].url, "https://a/other.jpg");
    }

    #[test]
    fn a_url_shared_by_many_pictures_joins_none() {
        let mut v = Vec::new();
        for g in 0..5u32 {
            v.push(cand("https://a/p/false", SourceKind::Lazy, Some(g), g));
            v.push(cand(
                &format!("https://a/{g}.jpg"),
                SourceKind::Img,
                Some(g),
                g,
            ));
        }
        v.push(cand("https://a/badge.png", SourceKind::Img, Some(9), 9));
        for g in 10..15u32 {
            v.push(cand("https://a/badge.png", SourceKind::Img, Some(g), g));
        }
        let imgs = merge(v);
        let urls: Vec<&str> = imgs.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://a/0.jpg",
                "https://a/1.jpg",
                "https://a/2.jpg",
                "https://a/3.jpg",
                "https://a/4.jpg",
                "https://a/badge.png"
            ]
        );
        assert_eq!(imgs[0].alternates, vec!["https://a/p/false"]);
    }

    #[test]
    fn dom_candidates_are_compared_by_their_parsed_url() {
        let imgs = merge(vec![
            cand("https://a/x%20y.jpg", SourceKind::Img, Some(1), 1),
            cand("HTTPS://A:443/x y.jpg", SourceKind::Dom, None, 2),
        ]);
        assert_eq!(imgs.len(), 1);
        assert_eq!(imgs[0].sources, vec![SourceKind::Img, SourceKind::Dom]);
    }

    #[test]
    fn densities_compare() {
        let mut a = cand("https://a/1x.jpg", SourceKind::Srcset, Some(1), 1);
        a.descriptor = Some(Descriptor::Density(1.0));
        let mut b = cand("https://a/3x.jpg", SourceKind::Srcset, Some(1), 1);
        b.descriptor = Some(Descriptor::Density(3.0));
        let mut c = cand("https://a/2x.jpg", SourceKind::Srcset, Some(1), 1);
        c.descriptor = Some(Descriptor::Density(2.0));
        assert_eq!(merge(vec![a, b, c])[0].url, "https://a/3x.jpg");
        assert!(merge(vec![]).is_empty());
    }
}
