//! The data that flows through the pipeline: raw candidates found on a page, the merged
//! images built from them, and what a probe learned about an image's bytes.
//!
//! These types are the contract between the parts of imago (the static HTML discovery,
//! the live-DOM collector of the extension, the engine, the command line): they are plain
//! data with serde at the boundary, so the same JSON crosses WebAssembly and `--json`.

use serde::{Deserialize, Serialize};

/// Where on a page a candidate URL was found. Serialized in kebab-case (`"css-inline"`),
/// which is what `imago list --json` prints as `source`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// `<img src>`.
    Img,
    /// A candidate of an `srcset` on `<img>`.
    Srcset,
    /// `<picture><source srcset>`.
    Picture,
    /// `<input type=image src>`.
    Input,
    /// `<video poster>`.
    Poster,
    /// SVG `<image href|xlink:href>`.
    Svg,
    /// `<embed src>` / `<object data>` pointing at an image.
    Embed,
    /// A lazy-loading `data-*` attribute (`data-src`, `data-zoom-image`, ...).
    Lazy,
    /// An `<img>` inside `<noscript>`.
    Noscript,
    /// CSS in a `style` attribute.
    CssInline,
    /// CSS in a `<style>` block.
    CssStyle,
    /// CSS in a linked stylesheet (fetched by the engine).
    CssLinked,
    /// `og:image`, `og:image:secure_url`.
    OpenGraph,
    /// `twitter:image`.
    Twitter,
    /// `<link rel=image_src>`.
    ImageSrc,
    /// `<link rel=icon|apple-touch-icon|...>`.
    Icon,
    /// An `image` field of JSON-LD (Product, Article, ...).
    JsonLd,
    /// `<a href>` pointing at an image file: the full size of a thumbnail.
    Link,
    /// `--deep`: an image URL inside an inline script or JSON.
    Script,
    /// The computed `background-image` of an element or of its `::before`/`::after`, read
    /// from the live DOM by the browser collector (it sees what scripts and stylesheets set).
    Background,
    /// A `<canvas>` exported as PNG by the browser collector (only when asked for).
    Canvas,
    /// An image the page already loaded, as the browser's Performance API lists it.
    Resource,
    /// A candidate handed over by the live-DOM collector of the browser extension.
    Dom,
}

impl SourceKind {
    /// Every kind, in declaration order (for help texts and parsing).
    pub const ALL: [SourceKind; 23] = [
        SourceKind::Img,
        SourceKind::Srcset,
        SourceKind::Picture,
        SourceKind::Input,
        SourceKind::Poster,
        SourceKind::Svg,
        SourceKind::Embed,
        SourceKind::Lazy,
        SourceKind::Noscript,
        SourceKind::CssInline,
        SourceKind::CssStyle,
        SourceKind::CssLinked,
        SourceKind::OpenGraph,
        SourceKind::Twitter,
        SourceKind::ImageSrc,
        SourceKind::Icon,
        SourceKind::JsonLd,
        SourceKind::Link,
        SourceKind::Script,
        SourceKind::Background,
        SourceKind::Canvas,
        SourceKind::Resource,
        SourceKind::Dom,
    ];

    /// The kebab-case name used in JSON and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Img => "img",
            SourceKind::Srcset => "srcset",
            SourceKind::Picture => "picture",
            SourceKind::Input => "input",
            SourceKind::Poster => "poster",
            SourceKind::Svg => "svg",
            SourceKind::Embed => "embed",
            SourceKind::Lazy => "lazy",
            SourceKind::Noscript => "noscript",
            SourceKind::CssInline => "css-inline",
            SourceKind::CssStyle => "css-style",
            SourceKind::CssLinked => "css-linked",
            SourceKind::OpenGraph => "open-graph",
            SourceKind::Twitter => "twitter",
            SourceKind::ImageSrc => "image-src",
            SourceKind::Icon => "icon",
            SourceKind::JsonLd => "json-ld",
            SourceKind::Link => "link",
            SourceKind::Script => "script",
            SourceKind::Background => "background",
            SourceKind::Canvas => "canvas",
            SourceKind::Resource => "resource",
            SourceKind::Dom => "dom",
        }
    }

    /// Kinds that describe the page rather than a spot in it (`og:image`, icons,
    /// JSON-LD, a script's URLs): an `include` site rule does not drop them, and the
    /// gallery weighs them by what names them, not by where they sit.
    pub fn is_page_level(self) -> bool {
        matches!(
            self,
            SourceKind::OpenGraph
                | SourceKind::Twitter
                | SourceKind::ImageSrc
                | SourceKind::Icon
                | SourceKind::JsonLd
                | SourceKind::Script
        )
    }

    /// Parses the kebab-case name (`"css-inline"`); `None` for an unknown name.
    pub fn parse(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for SourceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The descriptor of an `srcset` candidate (or of `image-set()`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Descriptor {
    /// `640w`.
    Width(u32),
    /// `2x` (also `1.5x`).
    Density(f32),
}

/// One URL found on a page, before merging. Many candidates may describe the same
/// picture (the `src`, the srcset entries and the lazy original of one `<img>` share a
/// `group`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// Absolute URL, resolved against the page's base the way a browser does, or a
    /// `data:` URI.
    pub url: String,
    /// Where it was found.
    pub kind: SourceKind,
    /// The element it came from: candidates with the same group are versions of one
    /// picture. `None` when it stands alone (a CSS rule, a meta tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
    /// srcset / image-set descriptor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<Descriptor>,
    /// `alt` text (or `title`, `aria-label`) of the element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// `width`/`height` attributes the page declared (hints, not measurements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// `type` of a `<source>` (`image/webp`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime: Option<String>,
    /// A placeholder (1x1 GIF, `data:` spacer, `blank.gif`): never the best candidate
    /// of its group while a real one exists.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub placeholder: bool,
    /// The full size of a thumbnail (`<a href="big.jpg"><img src="small.jpg"></a>`, a
    /// lazy original, `data-zoom-image`): preferred over the other members of its group.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub full_size: bool,
    /// Position on the page (document order of the element), for `--sort page`.
    pub order: u32,
}

impl Candidate {
    /// A candidate with only a URL, a kind and a page position.
    pub fn new(url: impl Into<String>, kind: SourceKind, order: u32) -> Candidate {
        Candidate {
            url: url.into(),
            kind,
            group: None,
            descriptor: None,
            alt: None,
            width: None,
            height: None,
            mime: None,
            placeholder: false,
            full_size: false,
            order,
        }
    }
}

/// One picture of a page after merging: reported once, with its best URL and the other
/// versions kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The best candidate: the largest srcset width or density, the linked full size,
    /// the lazy original; never a placeholder while a real URL exists.
    pub url: String,
    /// The kind of the best candidate.
    pub source: SourceKind,
    /// Every kind this picture was found through (for source-kind filters).
    pub sources: Vec<SourceKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt: Option<String>,
    /// The other URLs of the same picture (smaller srcset entries, the thumbnail).
    pub alternates: Vec<String>,
    /// Declared width/height (attributes or srcset `w`), before any probe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Page order of the first candidate.
    pub order: u32,
}

/// What the header of an image file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
    Avif,
    Heif,
    Bmp,
    Ico,
    Svg,
    Tiff,
    /// JPEG XL.
    Jxl,
}

impl Format {
    pub const ALL: [Format; 11] = [
        Format::Jpeg,
        Format::Png,
        Format::Gif,
        Format::Webp,
        Format::Avif,
        Format::Heif,
        Format::Bmp,
        Format::Ico,
        Format::Svg,
        Format::Tiff,
        Format::Jxl,
    ];

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Heif => "heic",
            Format::Bmp => "bmp",
            Format::Ico => "ico",
            Format::Svg => "svg",
            Format::Tiff => "tiff",
            Format::Jxl => "jxl",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Avif => "image/avif",
            Format::Heif => "image/heif",
            Format::Bmp => "image/bmp",
            Format::Ico => "image/x-icon",
            Format::Svg => "image/svg+xml",
            Format::Tiff => "image/tiff",
            Format::Jxl => "image/jxl",
        }
    }

    /// The lowercase name (`"jpeg"`), as in JSON and `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Avif => "avif",
            Format::Heif => "heif",
            Format::Bmp => "bmp",
            Format::Ico => "ico",
            Format::Svg => "svg",
            Format::Tiff => "tiff",
            Format::Jxl => "jxl",
        }
    }

    /// Parses a name or an extension (`jpeg`, `jpg`, `JPG`, `tif`, `heic`).
    pub fn parse(name: &str) -> Option<Format> {
        let n = name.trim().trim_start_matches('.').to_ascii_lowercase();
        Some(match n.as_str() {
            "jpeg" | "jpg" | "jpe" | "jfif" => Format::Jpeg,
            "png" | "apng" => Format::Png,
            "gif" => Format::Gif,
            "webp" => Format::Webp,
            "avif" => Format::Avif,
            "heif" | "heic" => Format::Heif,
            "bmp" => Format::Bmp,
            "ico" | "cur" => Format::Ico,
            "svg" | "svgz" => Format::Svg,
            "tif" | "tiff" => Format::Tiff,
            "jxl" => Format::Jxl,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a probe learned from the first bytes of an image (and the size from headers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    pub format: Format,
    /// As displayed: EXIF orientations 5-8 swap the stored width and height.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation (1-8) when the header carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<u8>,
}

/// Everything known about an image before deciding to download it: used by filters,
/// sort and name templates. Every field is optional because a page may not say and a
/// probe may not have run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measured {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub format: Option<Format>,
    pub bytes: Option<u64>,
}
