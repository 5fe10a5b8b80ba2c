//! The product's own pictures among every image of its page (`--main`), where no site
//! rule's `gallery` says where they are.
//!
//! Each picture (the candidates of one element) is weighed on what a person would look
//! at: whether the structured data names it, the words of the containers around it
//! (`gallery`, `thumbs`, `zoom` against `related`, `reviews`, `footer`, `logo`), its alt
//! text against the product's title, its declared size, and the words of its URL
//! (`logo`, `sprite`, `pixel`). Pictures built like a kept one (the same element in the
//! same kind of container: the thumbnails of a strip) are kept with it. When nothing
//! passes, the pictures its structured data names, where nothing speaks against them,
//! are what is left.

use std::collections::{HashMap, HashSet};

use url::Url;

use crate::discover::{Collected, Place};
use crate::model::{Candidate, SourceKind};
use crate::siterules::SiteRules;
use crate::urls::without_query;

/// Keeps the candidates of `found` (a page discovered in main mode) that show the
/// product of `html`; the others go.
pub fn narrow(found: &mut Collected, html: &str, page_url: &Url, rules: &SiteRules) {
    let product = super::extract(html, page_url.as_str(), rules);
    let title = product
        .title
        .map(|t| t.value)
        .or_else(|| found.title.clone())
        .unwrap_or_default();
    let resolved: Vec<String> = product
        .images
        .iter()
        .filter_map(|u| crate::urls::resolve(u, page_url))
        .collect();
    let named = Named {
        files: resolved.iter().map(|u| file_key(u)).collect(),
        folders: resolved.iter().filter_map(|u| folder(u)).collect(),
    };
    let keep = choose(found, &named, &title);
    let mut flags = keep.iter();
    found.candidates.retain(|_| *flags.next().unwrap_or(&false));
    let mut flags = keep.iter();
    found.places.retain(|_| *flags.next().unwrap_or(&false));
}

/// What the structured data names: files, and the folders they sit in (a shop keeps a
/// product's pictures together).
struct Named {
    files: HashSet<String>,
    folders: HashSet<String>,
}

/// Score at which a picture counts as the product's.
const KEEP: i32 = 2;

/// One candidate per kept flag.
fn choose(found: &Collected, named: &Named, title: &str) -> Vec<bool> {
    let cands = &found.candidates;
    let no_place = Place::default();
    let place = |i: usize| found.places.get(i).unwrap_or(&no_place);
    // The pictures: candidates of one element together.
    let mut pictures: Vec<Vec<usize>> = Vec::new();
    let mut by_group: HashMap<u32, usize> = HashMap::new();
    for (i, c) in cands.iter().enumerate() {
        match c.group {
            Some(g) => match by_group.get(&g) {
                Some(&p) => pictures[p].push(i),
                None => {
                    by_group.insert(g, pictures.len());
                    pictures.push(vec![i]);
                }
            },
            None => pictures.push(vec![i]),
        }
    }
    let title_words = words_of(title);
    let og: HashSet<String> = cands
        .iter()
        .filter(|c| c.kind == SourceKind::OpenGraph && !c.placeholder)
        .map(|c| file_key(&c.url))
        .collect();
    let scores: Vec<i32> = pictures
        .iter()
        .map(|members| {
            score(
                members.iter().map(|&i| &cands[i]),
                place(members[0]),
                &found.elements,
                named,
                &og,
                &title_words,
            )
        })
        .collect();
    // Pictures built like a strongly kept one are its siblings in a strip.
    let strong: HashSet<String> = pictures
        .iter()
        .zip(&scores)
        .filter(|(_, &s)| s >= KEEP + 2)
        .map(|(m, _)| shape(place(m[0]), &found.elements))
        .collect();
    let mut keep = vec![false; cands.len()];
    for (members, &s) in pictures.iter().zip(&scores) {
        let first = &cands[members[0]];
        // Page-level pictures count by what names them (the structured data, the
        // page's own `og:image`) and where that sits: microdata of a related card
        // names its own product.
        let kept = if first.kind.is_page_level() {
            s >= KEEP
        } else {
            s >= KEEP || (s > -KEEP && strong.contains(&shape(place(members[0]), &found.elements)))
        };
        if kept {
            for &i in members {
                keep[i] = true;
            }
        }
    }
    if !keep.contains(&true) {
        // Nothing passed: what the structured data names, where nothing speaks against
        // it, is the product.
        for (members, &s) in pictures.iter().zip(&scores) {
            let is_named = members
                .iter()
                .any(|&i| named.files.contains(&file_key(&cands[i].url)));
            if is_named && s > 0 {
                for &i in members {
                    keep[i] = true;
                }
            }
        }
    }
    keep
}

/// Container words that mark the product's pictures.
const GALLERY_WORDS: &[&str] = &[
    "gallery",
    "zoom",
    "thumb",
    "thumbs",
    "thumbnail",
    "thumbnails",
    "imageblock",
    "altimages",
    "lightbox",
    "fotorama",
    "pdp",
    "mainimage",
    "productimage",
    "productimages",
    "productphoto",
    "productmedia",
    "media",
];

/// Section words: a part of the page about something else (anywhere near).
const SECTION_WORDS: &[&str] = &[
    "related",
    "recommend",
    "recommended",
    "recommendation",
    "recommendations",
    "similar",
    "upsell",
    "crosssell",
    "recent",
    "recently",
    "viewed",
    "review",
    "reviews",
    "comment",
    "comments",
    "footer",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "megamenu",
    "breadcrumb",
    "breadcrumbs",
    "newsletter",
    "cart",
    "minicart",
    "basket",
    "sidebar",
    "bundle",
    "customers",
    "also",
    "bought",
    "sims",
    "seo",
    "cookie",
    "brands",
    "advert",
    "ads",
    "sponsored",
    "promo",
    "promotion",
    "map",
    "leaflet",
    "plp",
    "tile",
    "card",
    "cards",
    "listing",
];

/// Element words: the picture itself is a sign (on it or just around it).
const ELEMENT_WORDS: &[&str] = &[
    "logo", "brand", "icon", "icons", "badge", "badges", "flag", "avatar", "banner", "social",
    "share", "payment", "payments", "trust", "rating", "ratings", "stars",
];

/// Description words: the product's own text and pictures.
const DESCRIPTION_WORDS: &[&str] = &[
    "description",
    "detail",
    "details",
    "desc",
    "aplus",
    "specification",
    "overview",
];

/// URL words of what is not a product photo.
const OTHER_URL_WORDS: &[&str] = &[
    "logo",
    "logos",
    "icon",
    "icons",
    "sprite",
    "sprites",
    "banner",
    "pixel",
    "spacer",
    "blank",
    "badge",
    "flag",
    "flags",
    "payment",
    "avatar",
    "placeholder",
    "loading",
    "loader",
    "star",
    "stars",
    "arrow",
    "btn",
    "button",
    "favicon",
    "transparent",
];

/// What the structured data, the containers, the alt text, the size and the URL say of
/// one picture (its candidates): at [`KEEP`] or above, the product's.
fn score<'a>(
    members: impl Iterator<Item = &'a Candidate> + Clone,
    place: &Place,
    elements: &[String],
    named: &Named,
    og: &HashSet<String>,
    title_words: &HashSet<String>,
) -> i32 {
    if members.clone().all(|c| c.placeholder) {
        return -10;
    }
    // A placeholder (`pixel.png` under every lazy picture) names nothing.
    let real = members.clone().filter(|c| !c.placeholder);
    let mut s = if real
        .clone()
        .any(|c| named.files.contains(&file_key(&c.url)))
    {
        4
    } else if real.clone().any(|c| og.contains(&file_key(&c.url))) {
        3
    } else if real
        .clone()
        .any(|c| folder(&c.url).is_some_and(|f| named.folders.contains(&f)))
    {
        2
    } else {
        0
    };
    let near = containers(place, elements);
    if near.other || near.away {
        s -= 3;
    }
    if near.away && near.other {
        s -= 3;
    }
    if near.gallery || near.description {
        s += 2;
    }
    let alt_words = words_of(real.clone().find_map(|c| c.alt.as_deref()).unwrap_or(""));
    let shared = alt_words.intersection(title_words).count();
    if shared > 0 && shared * 2 >= alt_words.len().min(title_words.len()) {
        s += 2;
    }
    match members.filter_map(|c| c.width.max(c.height)).max() {
        Some(n) if n >= 300 => s += 1,
        Some(n) if n < 60 => s -= 3,
        _ => {}
    }
    if real.clone().all(|c| not_a_photo(&c.url)) {
        s -= 3;
    }
    s
}

/// Words of a part about other products.
const OTHER_PRODUCTS: [&str; 9] = [
    "related",
    "recommend",
    "recommended",
    "recommendations",
    "similar",
    "upsell",
    "crosssell",
    "recently",
    "bought",
];

/// Whether an element's `class` and `id` words name a part about other products
/// ("related", "recommended", "also bought"): their prices are not this product's.
pub(crate) fn about_other_products(class_and_id: &str) -> bool {
    words_of(class_and_id)
        .iter()
        .any(|w| OTHER_PRODUCTS.contains(&w.as_str()))
}

/// What the containers around a picture say.
#[derive(Default)]
struct Near {
    /// `gallery`, `thumbs`, `zoom`, `product-image`.
    gallery: bool,
    /// The product's description.
    description: bool,
    /// A part about something else, or a sign on the picture itself (`logo`, `icon`).
    other: bool,
    /// Inside a link to another page.
    away: bool,
}

/// Reads the picture's own element and the [`NEAR`] containers around it: far ones are
/// the page's frame (and an unclosed tag in a tolerant parse would otherwise mark the
/// rest of the page).
fn containers(place: &Place, elements: &[String]) -> Near {
    let labels = std::iter::once(&place.own).chain(
        place
            .path
            .iter()
            .rev()
            .take(NEAR)
            .filter_map(|&e| elements.get(e as usize)),
    );
    let mut near = Near::default();
    for (depth, label) in labels.enumerate() {
        let w = words_of(label);
        let has = |list: &[&str]| w.iter().any(|w| list.contains(&w.as_str()));
        let tag = label.split(['#', '.', '!']).next().unwrap_or("");
        // The document's own classes (`js-wide-navigation`) describe the whole page.
        if ["body", "html", "head"].contains(&tag) {
            continue;
        }
        near.other |= has(SECTION_WORDS)
            || ["footer", "nav", "aside", "header"].contains(&tag)
            || (depth <= 2 && has(ELEMENT_WORDS));
        near.away |= depth <= 5 && label.ends_with(crate::discover::AWAY);
        near.gallery |= has(GALLERY_WORDS)
            || (w.contains("product")
                && has(&[
                    "image", "images", "img", "photo", "photos", "picture", "pictures",
                ]));
        near.description |= has(DESCRIPTION_WORDS);
    }
    near
}

/// An SVG, a `data:` URI, or a file named like a logo, icon, sprite or pixel.
fn not_a_photo(url: &str) -> bool {
    let path = without_query(url);
    path.ends_with(".svg")
        || path.starts_with("data:")
        || words_of(path)
            .iter()
            .any(|w| OTHER_URL_WORDS.contains(&w.as_str()))
}

/// How many containers around a picture are read.
const NEAR: usize = 8;

/// What names a picture whatever its size: the file name before its first dot, less a
/// size suffix (`H5a1.jpg_350x350.jpg`, `71szc00lGxL._AC_SX300_.jpg`, `shoe-300x300.jpg`
/// are `h5a1`, `71szc00lgxl`, `shoe`); a short name keeps its folder
/// (`/p/12/main.jpg`).
fn file_key(url: &str) -> String {
    let path = without_query(url);
    let path = path.split_once("://").map_or(path, |(_, rest)| rest);
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let base = name.split('.').next().unwrap_or(name);
    let base = strip_size(base);
    if base.len() >= 8 {
        base.to_ascii_lowercase()
    } else {
        format!("{dir}/{base}").to_ascii_lowercase()
    }
}

/// The host and folders of a URL (`shop.example/img/p/`), when it has a folder.
fn folder(url: &str) -> Option<String> {
    let path = without_query(url);
    let rest = path.split_once("://")?.1;
    let (dir, _) = rest.rsplit_once('/')?;
    dir.contains('/').then(|| dir.to_ascii_lowercase())
}

/// `shoe-300x300` is `shoe`.
fn strip_size(name: &str) -> &str {
    let Some(i) = name.rfind(['-', '_']) else {
        return name;
    };
    let tail = &name[i + 1..];
    let is_size = tail.split_once('x').is_some_and(|(w, h)| {
        !w.is_empty()
            && !h.is_empty()
            && w.bytes().all(|b| b.is_ascii_digit())
            && h.bytes().all(|b| b.is_ascii_digit())
    });
    if is_size {
        &name[..i]
    } else {
        name
    }
}

/// The kind of spot a picture holds: its own element and the two around it, digits
/// left out (`li.item-3` and `li.item-4` are the same spot of a strip).
fn shape(place: &Place, elements: &[String]) -> String {
    let mut out = String::new();
    let near = place
        .path
        .iter()
        .rev()
        .take(2)
        .filter_map(|&e| elements.get(e as usize));
    for l in std::iter::once(&place.own).chain(near) {
        out.extend(l.chars().filter(|c| !c.is_ascii_digit()));
        out.push('<');
    }
    out
}

/// Lower-case words: split at anything not a letter or digit and at camelCase humps.
fn words_of(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if c.is_uppercase() && prev_lower && !word.is_empty() {
                out.insert(std::mem::take(&mut word));
            }
            prev_lower = c.is_lowercase();
            word.extend(c.to_lowercase());
        } else {
            prev_lower = false;
            if !word.is_empty() {
                out.insert(std::mem::take(&mut word));
            }
        }
    }
    if !word.is_empty() {
        out.insert(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_is_named_by_its_file_whatever_its_size() {
        let key = file_key;
        assert_eq!(
            key("https://sc01.alicdn.com/kf/H5a1b2c3d4e.jpg_350x350.jpg"),
            key("https://sc01.alicdn.com/kf/H5a1b2c3d4e.jpg")
        );
        assert_eq!(
            key("https://m.media-amazon.com/images/I/71szc00lGxL._AC_SX300_.jpg"),
            "71szc00lgxl"
        );
        assert_eq!(
            key("https://shop.example/img/brass-lamp-300x300.jpg?v=2"),
            key("https://shop.example/img/brass-lamp.jpg")
        );
        // A short name keeps its folder: `main.jpg` of two products are two pictures.
        assert_ne!(
            key("https://shop.example/p/12/main.jpg"),
            key("https://shop.example/p/13/main.jpg")
        );
    }

    #[test]
    fn container_words_are_read_near_the_picture_and_not_from_the_document() {
        let elements: Vec<String> = ["body.js-wide-navigation", "div.product-gallery", "a!away"]
            .map(String::from)
            .to_vec();
        let at = |path: &[u32], own: &str| Place {
            path: path.to_vec(),
            own: own.to_string(),
        };
        let gallery = containers(&at(&[0, 1], "img"), &elements);
        assert!(gallery.gallery && !gallery.other && !gallery.away);
        let card = containers(&at(&[0, 1, 2], "img"), &elements);
        assert!(card.away);
        assert!(containers(&at(&[0], "img.logo"), &elements).other);
    }
}
