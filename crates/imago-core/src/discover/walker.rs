//! The pass over a document: what each element gives.

use super::attrs::{self, Lazy};
use super::tree::{ChildGroup, Stack};
use super::{deep, jsonld, Collected, DiscoverOptions, Place};
use crate::html::{self, attr, Attr, Context, Token, Tokenizer};
use crate::model::{Candidate, Descriptor, SourceKind};
use crate::siterules::PageRules;
use crate::urls;
use std::borrow::Cow;
use url::Url;

/// What the text of the raw-text element just opened is for.
#[derive(Clone, Copy)]
enum Raw {
    Ignore,
    Title,
    Style { order: u32 },
    JsonLd { order: u32 },
    Script { order: u32 },
}

/// Where a URL resolved before `<base href>` was seen went, to resolve it again.
enum Slot {
    Candidate(usize),
    Stylesheet(usize),
    Iframe(usize),
}

/// What an element says about the image it shows.
#[derive(Default, Clone)]
struct Info {
    alt: Option<String>,
    width: Option<u32>,
    height: Option<u32>,
    mime: Option<String>,
}

impl Info {
    fn of(attrs: &[Attr<'_>]) -> Info {
        let alt = ["alt", "title", "aria-label"].iter().find_map(|n| {
            let v = attr(attrs, n)?;
            let d = html::decode(v, Context::Attribute);
            let t = d.trim();
            (!t.is_empty()).then(|| t.to_string())
        });
        Info {
            alt,
            width: attr(attrs, "width").and_then(dimension),
            height: attr(attrs, "height").and_then(dimension),
            mime: None,
        }
    }
}

/// `tag#id.class.class` in lower case, at most [`MAX_LABEL`] bytes: what the gallery
/// heuristics read of an element.
fn label(tag: &str, attrs: &[Attr<'_>]) -> String {
    let mut out = tag.to_string();
    if let Some(id) = attr(attrs, "id").map(str::trim).filter(|v| !v.is_empty()) {
        out.push('#');
        out.push_str(id);
    }
    for c in attr(attrs, "class").unwrap_or("").split_ascii_whitespace() {
        out.push('.');
        out.push_str(c);
    }
    if out.len() > MAX_LABEL {
        let mut end = MAX_LABEL;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out.make_ascii_lowercase();
    out
}

/// Marks a link to another page in an element's label: a picture inside one is a card
/// of something else (another product, an article), rarely the page's own.
pub(crate) const AWAY: &str = "!away";

/// The most element labels kept in main mode (far more than a real page has).
const MAX_ELEMENTS: usize = 100_000;

/// Longer class lists are cut: the words that tell a gallery from a footer come first.
const MAX_LABEL: usize = 160;

/// `width="640"` (also `640px`); not percentages.
fn dimension(v: &str) -> Option<u32> {
    let t = v.trim();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0
        || t[digits..].starts_with('%')
        || t[digits..].starts_with('.') && t.contains('%')
    {
        return None;
    }
    t[..digits].parse().ok().filter(|&n| n > 0)
}

/// One candidate about to be made.
#[derive(Clone, Copy)]
struct Emit<'i> {
    kind: SourceKind,
    group: Option<u32>,
    descriptor: Option<Descriptor>,
    info: &'i Info,
    full_size: bool,
    order: u32,
}

impl<'i> Emit<'i> {
    /// A candidate without a descriptor or the full-size mark, as most are.
    fn plain(kind: SourceKind, group: Option<u32>, info: &'i Info, order: u32) -> Self {
        Emit {
            kind,
            group,
            descriptor: None,
            info,
            full_size: false,
            order,
        }
    }
}

pub struct Walker<'p, 'r> {
    page: &'p Url,
    base: Url,
    base_seen: bool,
    pending: Vec<(Slot, String)>,
    opts: &'p DiscoverOptions,
    rules: &'p PageRules<'r>,
    out: Collected,
    og_title: Option<String>,
    order: u32,
    next_group: u32,
    /// The element being read is inside an `include` match (or there is no include).
    inside: bool,
    /// Per candidate: found inside an `include` match, or page-level.
    inside_flags: Vec<bool>,
    /// The `<img>` that was the last tag read (its group): a `<noscript>` right after it
    /// holds its fallback, the same picture.
    last_img: Option<u32>,
    /// Main mode: each candidate's [`Place`] is kept.
    main: bool,
    /// Where the element being read sits (main mode).
    place: Place,
}

fn lower<'b>(name: &str, buf: &'b mut [u8; 16]) -> &'b str {
    let b = name.as_bytes();
    if b.len() > buf.len() {
        return "";
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).unwrap_or("")
}

fn decode(v: &str) -> Cow<'_, str> {
    html::decode(v, Context::Attribute)
}

impl<'p, 'r> Walker<'p, 'r> {
    pub fn new(
        page: &'p Url,
        opts: &'p DiscoverOptions,
        rules: &'p PageRules<'r>,
        main: bool,
    ) -> Self {
        Walker {
            page,
            base: page.clone(),
            base_seen: false,
            pending: Vec::new(),
            opts,
            rules,
            out: Collected::default(),
            og_title: None,
            order: 0,
            next_group: 0,
            inside: true,
            inside_flags: Vec::new(),
            last_img: None,
            main,
            place: Place::default(),
        }
    }

    pub fn run(mut self, html: &str) -> Collected {
        let mut tok = Tokenizer::new(html);
        let mut attrs: Vec<Attr<'_>> = Vec::with_capacity(16);
        let mut stack = Stack::new(self.rules);
        let mut raw = Raw::Ignore;
        while let Some(t) = tok.next_token(&mut attrs) {
            match t {
                Token::Start { name, self_closing } => {
                    raw = self.start(&mut stack, name, &attrs, self_closing);
                }
                Token::End { name } => {
                    self.last_img = None;
                    stack.pop(name);
                }
                Token::Text(text) => {
                    let counts = stack.counts();
                    self.inside = stack.inside();
                    self.raw_text(raw, text, counts);
                    raw = Raw::Ignore;
                }
            }
        }
        let restrict = stack.has_include && stack.any_included;
        self.out.narrowed = restrict;
        self.finish(restrict)
    }

    /// An `<a href>` to another page (not an anchor of this one, not a script).
    fn links_away(&self, attrs: &[Attr<'_>]) -> bool {
        let Some(h) = attr(attrs, "href") else {
            return false;
        };
        let h = decode(h);
        let h = h.trim();
        if h.is_empty() || h.starts_with('#') || h.to_ascii_lowercase().starts_with("javascript:") {
            return false;
        }
        let Ok(mut to) = self.base.join(h) else {
            return false;
        };
        let mut here = self.page.clone();
        to.set_fragment(None);
        here.set_fragment(None);
        to != here
    }

    fn new_group(&mut self) -> u32 {
        let g = self.next_group;
        // Past the range of page groups, candidates stand alone rather than collide
        // with stylesheet groups.
        self.next_group = self
            .next_group
            .saturating_add(1)
            .min(super::CSS_GROUP_BASE - 1);
        g
    }

    fn group(&mut self, slot: &mut Option<u32>) -> u32 {
        match *slot {
            Some(g) => g,
            None => {
                let g = self.new_group();
                *slot = Some(g);
                g
            }
        }
    }

    /// Resolves `text` (entity-decoded) and records a candidate.
    fn emit(&mut self, text: &str, e: Emit<'_>) {
        // Templates and JSON leave words where a URL should be (`"image": "null"`).
        let word = text.trim();
        if ["null", "undefined", "none", "false", "true", "nan"]
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
        {
            return;
        }
        // Past this length only a `data:` URI is a real image: servers refuse longer
        // URLs (414 beyond 8 KiB is common), and an unclosed `url(` or quote that ran to
        // the end of the page would otherwise be resolved, copied and hashed whole.
        if text.len() > MAX_URL
            && !text
                .trim_start()
                .get(..5)
                .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
        {
            return;
        }
        let Some(url) = urls::resolve(text, &self.base) else {
            return;
        };
        if url.starts_with("data:")
            && !url[5..]
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("image/")
        {
            return;
        }
        if !self.base_seen {
            self.pending
                .push((Slot::Candidate(self.out.candidates.len()), text.to_string()));
        }
        // A declared 1x1 is a tracking pixel or a spacer whatever its URL.
        let tiny = matches!((e.info.width, e.info.height), (Some(w), Some(h)) if w <= 2 && h <= 2);
        let placeholder = tiny || urls::is_placeholder(&url);
        self.inside_flags
            .push(self.inside || e.kind.is_page_level());
        if self.main {
            self.out.places.push(self.place.clone());
        }
        self.out.candidates.push(Candidate {
            url,
            kind: e.kind,
            group: e.group,
            descriptor: e.descriptor,
            alt: e.info.alt.clone(),
            width: e.info.width,
            height: e.info.height,
            mime: e.info.mime.clone(),
            placeholder,
            full_size: e.full_size,
            order: e.order,
        });
    }

    fn emit_srcset(&mut self, value: &str, e: Emit<'_>) {
        for entry in largest(crate::srcset::parse(value)) {
            let mut info = e.info.clone();
            if let Some(Descriptor::Width(w)) = entry.descriptor {
                // A `w` descriptor is the file's width; the attribute is the layout's.
                info.width = Some(w);
                info.height = None;
            }
            self.emit(
                entry.url,
                Emit {
                    descriptor: entry.descriptor,
                    info: &info,
                    ..e
                },
            );
        }
    }

    fn start<'a>(
        &mut self,
        stack: &mut Stack<'a>,
        name: &'a str,
        attrs: &[Attr<'a>],
        self_closing: bool,
    ) -> Raw {
        let mut buf = [0u8; 16];
        let tag = lower(name, &mut buf);
        let foreign = stack.in_foreign();
        if !foreign {
            stack.close_implied(tag);
        }
        self.order = self.order.saturating_add(1);
        let order = self.order;
        // HTML reads `<image>` as `<img>` (void); foreign elements may close themselves.
        let void = html::is_void(tag)
            || (tag == "image" && !foreign)
            || (self_closing && (foreign || tag == "svg"));

        // The group of this element's own candidates, made on first use.
        let mut own: Option<u32> = None;
        let mut child = ChildGroup::None;
        let mut raw = Raw::Ignore;
        let is_img = tag == "img" || (tag == "image" && !foreign);
        let in_picture_source = tag == "source";
        if is_img || tag == "picture" || in_picture_source {
            own = stack.claim_group();
        }
        if tag == "picture" {
            let g = self.group(&mut own);
            child = ChildGroup::Shared(g);
        }
        let after_img = self.last_img.take();
        if tag == "noscript" {
            if let Some(g) = after_img {
                child = ChildGroup::Once(g);
            }
        }
        let mut link_href: Option<Cow<'_, str>> = None;
        if tag == "a" {
            if let Some(h) = attr(attrs, "href") {
                let h = repair_pasted_attribute(decode(h));
                if link_is_image(&h, &self.base) {
                    let g = self.group(&mut own);
                    child = ChildGroup::Once(g);
                    link_href = Some(h);
                }
            }
        }
        if !is_img && !in_picture_source && child == ChildGroup::None {
            let zoom = attrs.iter().any(|a| {
                attrs::classify(a.name) == Some(Lazy::FullUrl) && urls::looks_like_image(a.value)
            });
            if zoom {
                let g = self.group(&mut own);
                child = ChildGroup::Once(g);
            }
        }

        let mut serial = 0;
        if self.main {
            serial = u32::try_from(self.out.elements.len()).unwrap_or(u32::MAX);
            let mut own = label(tag, attrs);
            if tag == "a" && link_href.is_none() && self.links_away(attrs) {
                own.push_str(AWAY);
            }
            self.place = Place {
                path: stack.serials(super::PLACE_DEPTH),
                own,
            };
            // Past the cap the serial names no label: the heuristics read nothing
            // of those containers, and a page of millions of tags costs no more.
            if !void && self.out.elements.len() < MAX_ELEMENTS {
                self.out.elements.push(self.place.own.clone());
            }
        }
        let (counts, inside) = if void {
            stack.void_flags(name, attrs, self.rules)
        } else {
            stack.push(name, attrs, child, serial, self.rules);
            (stack.counts(), stack.inside())
        };
        self.inside = inside;
        let noscript = stack.in_noscript();
        // For a void element the top is its parent: metadata follows only `exclude`.
        let excluded = stack.top().is_some_and(|o| o.excluded);

        // Elements that show an image where they stand: nothing inside an excluded part.
        if counts {
            self.element(
                tag, attrs, is_img, foreign, noscript, &mut own, link_href, order,
            );
        }
        match tag {
            "meta" if !excluded => self.meta(attrs, order),
            "link" if !excluded => self.link(attrs, order),
            "base" => self.base(attrs),
            "title" if !foreign && self.out.title.is_none() => raw = Raw::Title,
            "style" => raw = Raw::Style { order },
            "script" => {
                let ty = attr(attrs, "type").map(|t| t.trim().to_ascii_lowercase());
                let ty = ty.as_deref().unwrap_or("");
                if ty == "application/ld+json" {
                    raw = Raw::JsonLd { order };
                } else if self.opts.deep && attr(attrs, "src").is_none() {
                    raw = Raw::Script { order };
                }
            }
            "iframe" | "frame" if self.opts.deep && counts => self.iframe(attrs),
            _ => {}
        }

        if counts {
            self.common(attrs, is_img || in_picture_source, &mut own, order);
        }
        raw
    }

    /// The candidates of an element that shows an image itself.
    #[allow(clippy::too_many_arguments)]
    fn element(
        &mut self,
        tag: &str,
        attrs: &[Attr<'_>],
        is_img: bool,
        foreign: bool,
        noscript: bool,
        own: &mut Option<u32>,
        link_href: Option<Cow<'_, str>>,
        order: u32,
    ) {
        match tag {
            "img" | "image" if is_img => self.img(attrs, own, noscript, order),
            "source" => self.source(attrs, own, noscript, order),
            "input" => {
                let is_image =
                    attr(attrs, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("image"));
                if is_image {
                    self.simple(attrs, "src", SourceKind::Input, own, order);
                }
            }
            "video" => self.simple(attrs, "poster", SourceKind::Poster, own, order),
            "image" | "feimage" if foreign => {
                let name = if attr(attrs, "href").is_some() {
                    "href"
                } else {
                    "xlink:href"
                };
                self.simple(attrs, name, SourceKind::Svg, own, order);
            }
            "embed" | "object" => {
                let key = if tag == "embed" { "src" } else { "data" };
                let typed = attr(attrs, "type")
                    .is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("image/"));
                let v = attr(attrs, key).map(decode);
                if v.as_deref()
                    .is_some_and(|v| typed || urls::looks_like_image(v))
                {
                    self.simple(attrs, key, SourceKind::Embed, own, order);
                }
            }
            "a" => {
                if let Some(h) = link_href {
                    // The link's title ("Open in a new window") says less than the alt of
                    // the thumbnail inside, which merge falls back to.
                    let info = Info::default();
                    let g = self.group(own);
                    self.emit(
                        &h,
                        Emit {
                            full_size: true,
                            ..Emit::plain(SourceKind::Link, Some(g), &info, order)
                        },
                    );
                }
            }
            // The legacy `background` attribute paints an image like CSS does.
            "body" | "table" | "td" | "th" | "tr" => {
                self.simple(attrs, "background", SourceKind::CssInline, own, order)
            }
            _ => {}
        }
    }

    fn img(&mut self, attrs: &[Attr<'_>], own: &mut Option<u32>, noscript: bool, order: u32) {
        let info = Info::of(attrs);
        let g = self.group(own);
        self.last_img = Some(g);
        let e = |kind| Emit::plain(kind, Some(g), &info, order);
        // Inside <noscript> every candidate is a noscript one, whichever attribute.
        let kind = |plain| {
            if noscript {
                SourceKind::Noscript
            } else {
                plain
            }
        };
        if let Some(src) = attr(attrs, "src") {
            self.emit(&decode(src), e(kind(SourceKind::Img)));
        }
        if let Some(set) = attr(attrs, "srcset") {
            self.emit_srcset(&decode(set), e(kind(SourceKind::Srcset)));
        }
    }

    fn source(&mut self, attrs: &[Attr<'_>], own: &mut Option<u32>, noscript: bool, order: u32) {
        let mut info = Info::of(attrs);
        info.mime = attr(attrs, "type")
            .map(|t| decode(t).trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty());
        let g = self.group(own);
        let kind = if noscript {
            SourceKind::Noscript
        } else {
            SourceKind::Picture
        };
        let e = Emit::plain(kind, Some(g), &info, order);
        if let Some(set) = attr(attrs, "srcset") {
            self.emit_srcset(&decode(set), e);
        }
        // `<source src>` belongs to <video>/<audio>: only when it is plainly an image.
        if let Some(src) = attr(attrs, "src") {
            let src = decode(src);
            let video = info
                .mime
                .as_deref()
                .is_some_and(|m| !m.starts_with("image/"));
            if !video && urls::image_extension(&src).is_some() {
                self.emit(&src, Emit { kind, ..e });
            }
        }
    }

    /// One URL attribute of an element.
    fn simple(
        &mut self,
        attrs: &[Attr<'_>],
        key: &str,
        kind: SourceKind,
        own: &mut Option<u32>,
        order: u32,
    ) {
        let Some(v) = attr(attrs, key) else { return };
        let info = Info::of(attrs);
        let g = self.group(own);
        self.emit(&decode(v), Emit::plain(kind, Some(g), &info, order));
    }

    /// What every element may carry: a `style` attribute and lazy `data-*` attributes.
    fn common(
        &mut self,
        attrs: &[Attr<'_>],
        image_element: bool,
        own: &mut Option<u32>,
        order: u32,
    ) {
        let mut info: Option<Info> = None;
        for a in attrs {
            if a.name.eq_ignore_ascii_case("style") {
                if contains_ci(a.value, "url(") || contains_ci(a.value, "image-set(") {
                    let css = decode(a.value);
                    let g = self.group(own);
                    let info = info.get_or_insert_with(|| Info::of(attrs)).clone();
                    self.css(&css, true, SourceKind::CssInline, Some(g), &info, order);
                }
                continue;
            }
            let Some(class) = attrs::classify(a.name) else {
                continue;
            };
            if a.value.len() < 4 || attrs::is_noise(a.name) {
                continue;
            }
            if class == Lazy::Unknown && memchr::memchr2(b'.', b'/', a.value.as_bytes()).is_none() {
                continue;
            }
            let value = decode(a.value);
            let value = value.trim();
            let info_ref = info.get_or_insert_with(|| Info::of(attrs)).clone();
            // What every lazy attribute emits: its kind, the element's info and order;
            // the group (and rarely a descriptor or the full-size mark) vary.
            let lazy = |group: Option<u32>| Emit::plain(SourceKind::Lazy, group, &info_ref, order);
            let emit_one = |w: &mut Self, url: &str, full_size: bool, group: Option<u32>| {
                w.emit(
                    url,
                    Emit {
                        full_size,
                        ..lazy(group)
                    },
                );
            };
            match class {
                Lazy::Url | Lazy::FullUrl => {
                    if (image_element && plausible_url(value)) || urls::looks_like_image(value) {
                        let g = self.group(own);
                        emit_one(self, value, class == Lazy::FullUrl, Some(g));
                    }
                }
                Lazy::Srcset => {
                    let g = self.group(own);
                    self.emit_srcset(value, lazy(Some(g)));
                }
                Lazy::Background => {
                    let v = attrs::strip_css_url(value);
                    let g = self.group(own);
                    if crate::srcset::has_descriptors(v) {
                        self.emit_srcset(v, lazy(Some(g)));
                    } else if urls::looks_like_image(v) || v.contains('/') {
                        emit_one(self, v, false, Some(g));
                    }
                }
                Lazy::Json => {
                    let g = self.group(own);
                    for found in jsonld::json_attr_urls(value) {
                        let mut i = info_ref.clone();
                        if let Some((w, h)) = found.size {
                            i.width = Some(w);
                            i.height = Some(h);
                        }
                        self.emit(
                            &found.url,
                            Emit {
                                kind: SourceKind::Lazy,
                                group: Some(g),
                                descriptor: found
                                    .size
                                    .map(|(w, _)| Descriptor::Width(w))
                                    .or(found.descriptor),
                                info: &i,
                                full_size: false,
                                order,
                            },
                        );
                    }
                }
                Lazy::Unknown => {
                    if value.starts_with('{') || value.starts_with('[') {
                        // A list of pictures: each one its own image, except the
                        // entries of one srcset string, which are versions of one.
                        let mut set_groups: Vec<(u32, u32)> = Vec::new();
                        for found in jsonld::json_attr_urls(value) {
                            let group = found.set.map(|set| {
                                match set_groups.iter().find(|(s, _)| *s == set) {
                                    Some(&(_, g)) => g,
                                    None => {
                                        let g = self.new_group();
                                        set_groups.push((set, g));
                                        g
                                    }
                                }
                            });
                            let e = Emit {
                                descriptor: found.descriptor,
                                ..lazy(group)
                            };
                            self.emit(&found.url, e);
                        }
                    } else if crate::srcset::has_descriptors(value) {
                        let looks = crate::srcset::parse(value)
                            .first()
                            .is_some_and(|e| urls::looks_like_image(e.url));
                        if looks {
                            let g = self.group(own);
                            self.emit_srcset(value, lazy(Some(g)));
                        }
                    } else if !value.contains(char::is_whitespace) && urls::looks_like_image(value)
                    {
                        let g = self.group(own);
                        emit_one(self, value, false, Some(g));
                    }
                }
            }
        }
    }

    /// The image references of CSS text (a `style` attribute or a `<style>` block).
    fn css(
        &mut self,
        css: &str,
        inline: bool,
        kind: SourceKind,
        group: Option<u32>,
        info: &Info,
        order: u32,
    ) {
        let mut set_groups: Vec<(u32, u32)> = Vec::new();
        for r in crate::css::scan(css, inline) {
            if r.import {
                self.stylesheet(&r.url);
                continue;
            }
            let g = match (group, r.set) {
                (Some(g), _) => Some(g),
                (None, Some(s)) => match set_groups.iter().find(|(k, _)| *k == s) {
                    Some((_, g)) => Some(*g),
                    None => {
                        let g = self.new_group();
                        set_groups.push((s, g));
                        Some(g)
                    }
                },
                (None, None) => None,
            };
            self.emit(
                &r.url,
                Emit {
                    descriptor: r.density.map(Descriptor::Density),
                    ..Emit::plain(kind, g, info, order)
                },
            );
        }
    }

    fn meta(&mut self, attrs: &[Attr<'_>], order: u32) {
        let key = attr(attrs, "property")
            .or_else(|| attr(attrs, "name"))
            .or_else(|| attr(attrs, "itemprop"));
        let (Some(key), Some(content)) = (key, attr(attrs, "content")) else {
            return;
        };
        let key = key.trim().to_ascii_lowercase();
        let kind = match key.as_str() {
            "og:image" | "og:image:url" | "og:image:secure_url" => SourceKind::OpenGraph,
            "twitter:image" | "twitter:image:src" => SourceKind::Twitter,
            "image" | "thumbnailurl" => SourceKind::JsonLd,
            "msapplication-tileimage" => SourceKind::Icon,
            "thumbnail" => SourceKind::ImageSrc,
            "og:image:width" | "og:image:height" => {
                // Describes the og:image just before it.
                let n = dimension(&decode(content));
                let last = self.out.candidates.last_mut();
                if let (Some(n), Some(c)) = (n, last) {
                    if c.kind == SourceKind::OpenGraph {
                        if key.ends_with("width") {
                            c.width = c.width.or(Some(n));
                        } else {
                            c.height = c.height.or(Some(n));
                        }
                    }
                }
                return;
            }
            "og:title" => {
                let t = collapse(&decode(content));
                if !t.is_empty() && self.og_title.is_none() {
                    self.og_title = Some(t);
                }
                return;
            }
            _ => return,
        };
        let info = Info::default();
        self.emit(&decode(content), Emit::plain(kind, None, &info, order));
    }

    fn link(&mut self, attrs: &[Attr<'_>], order: u32) {
        let rel = attr(attrs, "rel")
            .map(|r| r.to_ascii_lowercase())
            .unwrap_or_default();
        let tokens: Vec<&str> = rel.split_ascii_whitespace().collect();
        let has = |t: &str| tokens.contains(&t);
        let as_ = attr(attrs, "as").map(|a| a.trim().to_ascii_lowercase());
        let preload_image = has("preload") && as_.as_deref() == Some("image");
        // A preloaded responsive image may have only `imagesrcset`.
        let href = attr(attrs, "href").map(decode);
        let set = attr(attrs, "imagesrcset").filter(|_| preload_image);
        let Some(href) = href.or_else(|| set.map(|_| Cow::Borrowed(""))) else {
            return;
        };
        if has("stylesheet") || (has("preload") && as_.as_deref() == Some("style")) {
            self.stylesheet(&href);
            return;
        }
        let mut info = Info::default();
        let kind = if tokens.iter().any(|t| t.contains("icon")) {
            if let Some(sizes) = attr(attrs, "sizes") {
                let first = sizes.split_ascii_whitespace().next().unwrap_or("");
                if let Some((w, h)) = first.to_ascii_lowercase().split_once('x') {
                    info.width = w.parse().ok();
                    info.height = h.parse().ok();
                }
            }
            info.mime = attr(attrs, "type").map(|t| t.trim().to_ascii_lowercase());
            SourceKind::Icon
        } else if has("image_src") {
            SourceKind::ImageSrc
        } else if preload_image {
            if let Some(set) = set {
                let g = self.new_group();
                let e = Emit {
                    kind: SourceKind::ImageSrc,
                    group: Some(g),
                    descriptor: None,
                    info: &info,
                    full_size: false,
                    order,
                };
                self.emit_srcset(&decode(set), e);
                self.emit(&href, e);
                return;
            }
            SourceKind::ImageSrc
        } else if attr(attrs, "itemprop").is_some_and(|p| p.trim().eq_ignore_ascii_case("image")) {
            SourceKind::JsonLd
        } else {
            return;
        };
        self.emit(&href, Emit::plain(kind, None, &info, order));
    }

    fn stylesheet(&mut self, raw: &str) {
        let Some(url) = urls::resolve(raw, &self.base) else {
            return;
        };
        if !self.base_seen {
            self.pending.push((
                Slot::Stylesheet(self.out.stylesheets.len()),
                raw.to_string(),
            ));
        }
        self.out.stylesheets.push(url);
    }

    fn iframe(&mut self, attrs: &[Attr<'_>]) {
        let Some(src) = attr(attrs, "src").map(decode) else {
            return;
        };
        let Some(url) = urls::resolve(&src, &self.base) else {
            return;
        };
        if !self.base_seen {
            self.pending
                .push((Slot::Iframe(self.out.iframes.len()), src.to_string()));
        }
        self.out.iframes.push(url);
    }

    /// The first `<base href>` sets the base of every URL of the document, including
    /// those that came before it.
    fn base(&mut self, attrs: &[Attr<'_>]) {
        if self.base_seen {
            return;
        }
        let Some(href) = attr(attrs, "href") else {
            return;
        };
        self.base_seen = true;
        let href = decode(href);
        let href = href.trim_matches(|c: char| c <= ' ');
        if let Ok(b) = Url::options().base_url(Some(self.page)).parse(href) {
            if !matches!(b.scheme(), "data" | "javascript") {
                self.base = b;
            }
        }
        for (slot, raw) in std::mem::take(&mut self.pending) {
            let url = urls::resolve(&raw, &self.base).unwrap_or_default();
            match slot {
                Slot::Candidate(i) => {
                    if let Some(c) = self.out.candidates.get_mut(i) {
                        let tiny =
                            matches!((c.width, c.height), (Some(w), Some(h)) if w <= 2 && h <= 2);
                        c.placeholder = tiny || urls::is_placeholder(&url);
                        c.url = url;
                    }
                }
                Slot::Stylesheet(i) => {
                    if let Some(s) = self.out.stylesheets.get_mut(i) {
                        *s = url;
                    }
                }
                Slot::Iframe(i) => {
                    if let Some(s) = self.out.iframes.get_mut(i) {
                        *s = url;
                    }
                }
            }
        }
    }

    fn raw_text(&mut self, raw: Raw, text: &str, counts: bool) {
        let info = Info::default();
        match raw {
            Raw::Ignore => {}
            Raw::Title => {
                let t = collapse(&html::decode(text, Context::Text));
                if !t.is_empty() {
                    self.out.title = Some(t);
                }
            }
            Raw::Style { order } => {
                if counts {
                    self.css(text, false, SourceKind::CssStyle, None, &info, order);
                }
            }
            Raw::JsonLd { order } => {
                for u in jsonld::image_urls(text) {
                    self.emit(&u, self::meta_emit(SourceKind::JsonLd, &info, order));
                }
            }
            Raw::Script { order } => {
                for u in deep::script_urls(text) {
                    self.emit(&u, self::meta_emit(SourceKind::Script, &info, order));
                }
            }
        }
    }

    /// `restrict`: an `include` rule matched something, so what lies outside its
    /// matches goes (a rule whose selectors match nothing on a page leaves it whole).
    fn finish(mut self, restrict: bool) -> Collected {
        if self.out.title.is_none() {
            self.out.title = self.og_title.take();
        }
        let keep: Vec<bool> = self
            .inside_flags
            .iter()
            .zip(&self.out.candidates)
            .map(|(&inside, c)| (inside || !restrict) && !c.url.is_empty())
            .collect();
        let mut flags = keep.iter();
        self.out
            .candidates
            .retain(|_| *flags.next().unwrap_or(&true));
        if self.main {
            let mut flags = keep.iter();
            self.out.places.retain(|_| *flags.next().unwrap_or(&true));
        }
        dedupe(&mut self.out.stylesheets);
        let page = self.page;
        self.out
            .iframes
            .retain(|u| Url::parse(u).is_ok_and(|u| urls::same_origin(&u, page)));
        dedupe(&mut self.out.iframes);
        self.out
    }
}

/// The longest URL (other than a `data:` URI) taken as a candidate.
const MAX_URL: usize = 32 * 1024;

/// The most candidates of one `srcset` kept: real ones have a dozen at most. A hostile
/// one of 100,000 would otherwise cost 100,000 resolved URLs for one picture.
const MAX_SRCSET: usize = 32;

/// The [`MAX_SRCSET`] largest entries of a srcset (merge picks the largest; the others
/// are its fallbacks), in the order written.
fn largest(
    mut entries: Vec<crate::srcset::SrcsetEntry<'_>>,
) -> Vec<crate::srcset::SrcsetEntry<'_>> {
    if entries.len() <= MAX_SRCSET {
        return entries;
    }
    // A density counts as that many times a 1000px layout, as merge ranks it.
    let size = |d: Option<Descriptor>| match d {
        Some(Descriptor::Width(w)) => f64::from(w),
        Some(Descriptor::Density(x)) => f64::from(x) * 1000.0,
        None => 1000.0,
    };
    let mut by_size: Vec<usize> = (0..entries.len()).collect();
    by_size.sort_by(|&a, &b| {
        size(entries[b].descriptor)
            .partial_cmp(&size(entries[a].descriptor))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut keep = vec![false; entries.len()];
    for &i in &by_size[..MAX_SRCSET] {
        keep[i] = true;
    }
    let mut k = keep.into_iter();
    entries.retain(|_| k.next().unwrap_or(false));
    entries
}

fn meta_emit(kind: SourceKind, info: &Info, order: u32) -> Emit<'_> {
    Emit {
        kind,
        group: None,
        descriptor: None,
        info,
        full_size: false,
        order,
    }
}

fn dedupe(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|s| !s.is_empty() && seen.insert(s.clone()));
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A lazy attribute of an `<img>` may hold anything (`data-src="false"`): a value
/// counts as a URL only when it could be one.
fn plausible_url(v: &str) -> bool {
    !v.is_empty()
        && !v.contains(char::is_whitespace)
        && (v.contains('/') || v.contains('.'))
        && !v.starts_with('{')
        && !v.starts_with('[')
}

/// A template bug seen on shop pages (paris.cl): attribute text pasted into a value,
/// `href="href=https://x/full.jpg target=_blank"`. A browser resolves that as a relative
/// path and gets a 404; the URL the page meant is the one after `href=`, up to the space.
/// Only that exact shape is repaired.
fn repair_pasted_attribute(v: Cow<'_, str>) -> Cow<'_, str> {
    let t = v.trim_start();
    let Some(rest) = t
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("href="))
        .and_then(|_| t.get(5..))
    else {
        return v;
    };
    let rest = rest.trim_matches(|c| c == '"' || c == '\'');
    let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return v;
    }
    // The pasted text goes on after a space, written as is or as `%20`
    // (`...jpg%20target=_blank`): the URL ends before the next `name=`.
    let end = rest
        .find(char::is_whitespace)
        .or_else(|| {
            rest.match_indices("%20").map(|(i, _)| i).find(|&i| {
                let after = &rest[i + 3..];
                let name = after.find('=').map(|eq| &after[..eq]).unwrap_or_default();
                !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
            })
        })
        .unwrap_or(rest.len());
    Cow::Owned(rest[..end].trim_end_matches(['"', '\'']).to_string())
}

/// `<a href>` that points at an image file rather than a page: an image extension on
/// the path (but not a wiki's `File:Photo.jpg` page) or a known image host.
fn link_is_image(href: &str, base: &Url) -> bool {
    if !urls::looks_like_image(href) || href.trim_start().starts_with("data:") {
        return false;
    }
    let Some(url) = urls::resolve(href, base) else {
        return false;
    };
    let path = url.split(['?', '#']).next().unwrap_or("");
    let last = path.rsplit('/').next().unwrap_or("");
    !(last.contains(':') || last.contains("%3A") || path.contains("/wiki/"))
}

#[cfg(test)]
mod repair_tests {
    use super::repair_pasted_attribute;
    use std::borrow::Cow;

    fn r(v: &str) -> String {
        repair_pasted_attribute(Cow::Borrowed(v)).into_owned()
    }

    #[test]
    fn a_pasted_href_gives_the_url_it_meant() {
        assert_eq!(
            r("href=https://s.example/p/1.jpg?sw=1480&sh=2000 target=_blank"),
            "https://s.example/p/1.jpg?sw=1480&sh=2000"
        );
        assert_eq!(r("HREF='http://s.example/a.png'"), "http://s.example/a.png");
        // paris.cl writes the space encoded.
        assert_eq!(
            r("href=https://s.example/p/1.jpg?sm=fit%20target=_blank"),
            "https://s.example/p/1.jpg?sm=fit"
        );
        // An encoded space inside the file name stays.
        assert_eq!(
            r("href=https://s.example/my%20photo.jpg"),
            "https://s.example/my%20photo.jpg"
        );
    }

    #[test]
    fn anything_else_is_left_as_the_page_wrote_it() {
        for v in [
            "big.jpg",
            "href=big.jpg",
            "/href=https://x/a.jpg",
            "https://x/a.jpg?href=1",
            "",
        ] {
            assert_eq!(r(v), v);
        }
    }
}
