//! Finding every image of an HTML document.
//!
//! One pass of the tokenizer ([`crate::html`]) over the page: each element that can
//! show or name an image gives [`Candidate`]s, resolved against the page (and its
//! `<base href>`) the way a browser resolves them. Candidates of one element (its
//! `src`, `srcset`, lazy originals, the link around it) share a `group`, so
//! [`crate::merge::merge`] can make one image of them.
//!
//! ```
//! use imago_core::discover::{discover_html, DiscoverOptions};
//! use imago_core::siterules::SiteRules;
//! let page = url::Url::parse("https://example.com/a/").unwrap();
//! let html = r#"<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="cat.jpg">"#;
//! let found = discover_html(html, &page, &DiscoverOptions::default(), &SiteRules::empty());
//! let images = imago_core::merge::merge(found.candidates);
//! assert_eq!(images[0].url, "https://example.com/a/cat.jpg");
//! ```

mod attrs;
mod deep;
pub(crate) mod jsonld;
mod tree;
pub mod video;
mod walker;

pub(crate) use walker::AWAY;

use crate::model::{Candidate, SourceKind};
use crate::siterules::SiteRules;
use url::Url;

/// How far discovery looks.
#[derive(Clone, Debug, Default)]
pub struct DiscoverOptions {
    /// `--deep`: image URLs inside inline scripts and JSON.
    pub deep: bool,
    /// `--main` (`Some(true)`): only the product's own pictures; `Some(false)`: every
    /// image; `None`: as the site rules say (`main = true`), else every image.
    pub main: Option<bool>,
}

impl DiscoverOptions {
    /// Whether the product's own pictures are asked for on `page`.
    pub fn main_on(&self, page: &Url, rules: &SiteRules) -> bool {
        self.main.unwrap_or_else(|| rules.main_by_default(page))
    }
}

/// What one HTML document holds.
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// `<title>` (or `og:title`), entity-decoded and trimmed.
    pub title: Option<String>,
    pub candidates: Vec<Candidate>,
    /// Absolute URLs of linked stylesheets, for the engine to fetch and pass to
    /// [`discover_css`].
    pub stylesheets: Vec<String>,
    /// `--deep` only: absolute URLs of same-origin iframes, for the engine to fetch and
    /// pass to [`discover_html`] (one level).
    pub iframes: Vec<String>,
    /// Main mode only: where each candidate sits (one per candidate, same order), for
    /// telling the product's own pictures from the rest.
    pub places: Vec<Place>,
    /// Main mode only: every element opened, in document order (what [`Place::path`]
    /// numbers): `tag#id.class.class`, lower case.
    pub elements: Vec<String>,
    /// A site rule's `gallery` (or `include`) matched: the candidates are already the
    /// ones it names.
    pub narrowed: bool,
}

/// How many of the containers around a candidate its [`Place`] keeps: the gallery
/// heuristics read the nearest 8 and the site-rule learner looks further up for the
/// gallery's container (16 lost IKEA's), while a hostile page of deep nesting and many
/// images must not make each candidate carry hundreds.
pub const PLACE_DEPTH: usize = 48;

/// Where one candidate sits on the page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// The nearest [`PLACE_DEPTH`] open elements around it, outermost first, as indices
    /// of [`Collected::elements`].
    pub path: Vec<u32>,
    /// Its own element, as in [`Collected::elements`] (`img.thumb`, `meta`).
    pub own: String,
}

/// Every candidate of `html`, resolved against `page_url` (and `<base href>`); in main
/// mode ([`DiscoverOptions::main_on`]) only the product's own pictures: those a site
/// rule's `gallery` names, else those [`crate::product::gallery`] tells apart.
pub fn discover_html(
    html: &str,
    page_url: &Url,
    opts: &DiscoverOptions,
    rules: &SiteRules,
) -> Collected {
    let main = opts.main_on(page_url, rules);
    let page_rules = rules.for_page(page_url, main);
    let mut found = walker::Walker::new(page_url, opts, &page_rules, main).run(html);
    if main && !found.narrowed {
        crate::product::gallery::narrow(&mut found, html, page_url, rules);
    }
    found
}

/// What one stylesheet holds.
#[derive(Clone, Debug, Default)]
pub struct CssFound {
    pub candidates: Vec<Candidate>,
    /// Absolute URLs of `@import`ed stylesheets.
    pub imports: Vec<String>,
}

/// First group number used for `image-set()`s of linked stylesheets: groups of
/// [`discover_html`] count up from 0 and stay below it, so the candidates of a page and
/// of its stylesheets can be merged together.
pub const CSS_GROUP_BASE: u32 = 0x8000_0000;

/// Image candidates of a stylesheet at `css_url`; `order` is given to each candidate.
/// The `image-set()`s of one stylesheet get groups from [`CSS_GROUP_BASE`] up, spread
/// by `order` so that several stylesheets (each with its own order) do not collide.
pub fn discover_css(css: &str, css_url: &Url, kind: SourceKind, order: u32) -> CssFound {
    let mut found = CssFound::default();
    for r in crate::css::scan(css, false) {
        let Some(url) = crate::urls::resolve(&r.url, css_url) else {
            continue;
        };
        if r.import {
            if !found.imports.contains(&url) {
                found.imports.push(url);
            }
            continue;
        }
        let mut c = Candidate::new(url, kind, order);
        c.placeholder = crate::urls::is_placeholder(&c.url);
        c.descriptor = r.density.map(crate::model::Descriptor::Density);
        c.group = r
            .set
            .map(|s| CSS_GROUP_BASE | (order.wrapping_mul(4096).wrapping_add(s) & 0x7fff_ffff));
        found.candidates.push(c);
    }
    found
}
