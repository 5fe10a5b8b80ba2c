//! The videos of an HTML document: HLS playlists (`.m3u8`) and plain video files (MP4,
//! WebM, ...), each once, resolved against the page.
//!
//! Players name their stream in many places, and a page's HTML holds only some of them:
//! `<video src>` and `<source src>`, lazy `data-*` attributes, `<link>` (preload),
//! OpenGraph's `og:video`, JSON-LD `VideoObject` (`contentUrl`), and URLs in inline
//! scripts and JSON, often with their slashes escaped (`https:\/\/cdn\/v.m3u8`). What a
//! player requests only once it runs is the browser's to see (`--render`, the extension).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::html::{attr, decode, Attr, Context, Token, Tokenizer};

/// What a video URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VideoKind {
    /// An HLS playlist (`.m3u8`): a master of variants, or a media playlist of segments.
    Hls,
    /// A whole file (`.mp4`, `.webm`, `.mov`, `.m4v`).
    File,
}

/// Where on the page a video was named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VideoSource {
    /// `<video src>`.
    Video,
    /// `<source src>` inside `<video>`.
    Source,
    /// A lazy `data-*` attribute (`data-src`, `data-hls`, ...).
    Lazy,
    /// `<link href>` (preload, alternate).
    Link,
    /// `og:video`, `og:video:url`, `og:video:secure_url`, `twitter:player:stream`.
    Meta,
    /// JSON-LD `VideoObject` `contentUrl`.
    JsonLd,
    /// A URL in an inline script or JSON.
    Script,
    /// What a live page requested (the browser's resource timing: the collector of the
    /// extension and of `--render`), such as the playlist an hls.js player fetched.
    Resource,
}

/// One video of the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoRef {
    /// Absolute URL.
    pub url: String,
    pub kind: VideoKind,
    pub source: VideoSource,
    /// The `<video poster>` or JSON-LD `thumbnailUrl`, when the page names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub poster: Option<String>,
    /// Page order of the first mention.
    pub order: u32,
}

/// The kind of a URL by its path's extension; `None` for anything else.
pub fn video_kind(url: &str) -> Option<VideoKind> {
    let path = crate::urls::without_query(url);
    let ext = path
        .rsplit('/')
        .next()?
        .rsplit_once('.')?
        .1
        .to_ascii_lowercase();
    match ext.as_str() {
        "m3u8" | "m3u" => Some(VideoKind::Hls),
        "mp4" | "webm" | "mov" | "m4v" | "ogv" => Some(VideoKind::File),
        _ => None,
    }
}

/// The most videos one page gives: a page of thousands is a catalogue, not a page.
pub const MAX_VIDEOS: usize = 512;

/// Every video of `html`, saved from `page_url`, each once, in page order.
pub fn find_videos(html: &str, page_url: &Url) -> Vec<VideoRef> {
    let mut found = Found {
        base: page_url.clone(),
        out: Vec::new(),
        order: 0,
    };
    let mut tokens = Tokenizer::new(html);
    let mut attrs: Vec<Attr<'_>> = Vec::new();
    // The open `<video>`'s poster, for its `<source>`s; whether a script's text is next.
    let mut poster: Option<String> = None;
    let mut script: Option<bool> = None;
    while let Some(token) = tokens.next_token(&mut attrs) {
        match token {
            Token::Start { name, .. } => {
                found.order = found.order.saturating_add(1);
                let tag = name.to_ascii_lowercase();
                script = None;
                match tag.as_str() {
                    "base" => {
                        if let Some(b) = attr(&attrs, "href")
                            .and_then(|h| page_url.join(decode(h, Context::Attribute).trim()).ok())
                        {
                            found.base = b;
                        }
                    }
                    "video" => {
                        poster = attr(&attrs, "poster").and_then(|p| found.resolve(p));
                        if let Some(src) = attr(&attrs, "src") {
                            found.add(src, VideoSource::Video, poster.clone(), true);
                        }
                    }
                    "source" => {
                        // Inside <video> a source is the video's whatever its extension;
                        // a `type` of video or HLS says so anywhere.
                        let typed = attr(&attrs, "type").is_some_and(|t| {
                            let t = t.to_ascii_lowercase();
                            t.starts_with("video/") || t.contains("mpegurl")
                        });
                        if let Some(src) = attr(&attrs, "src") {
                            found.add(
                                src,
                                VideoSource::Source,
                                poster.clone(),
                                typed || poster.is_some(),
                            );
                        }
                    }
                    "link" => {
                        let as_video =
                            attr(&attrs, "as").is_some_and(|a| a.eq_ignore_ascii_case("video"));
                        if let Some(href) = attr(&attrs, "href") {
                            found.add(href, VideoSource::Link, None, as_video);
                        }
                    }
                    "meta" => {
                        let prop = attr(&attrs, "property").or_else(|| attr(&attrs, "name"));
                        let is_video = prop.is_some_and(|p| {
                            matches!(
                                p.to_ascii_lowercase().as_str(),
                                "og:video"
                                    | "og:video:url"
                                    | "og:video:secure_url"
                                    | "twitter:player:stream"
                            )
                        });
                        if let (true, Some(content)) = (is_video, attr(&attrs, "content")) {
                            found.add(content, VideoSource::Meta, None, false);
                        }
                    }
                    "script" => {
                        let ty = attr(&attrs, "type").map(|t| t.trim().to_ascii_lowercase());
                        script = Some(ty.as_deref() == Some("application/ld+json"));
                    }
                    _ => {}
                }
                // Lazy players keep the stream in a data attribute of any element.
                let lazy = attrs.iter().filter(|a| {
                    a.name.len() > 5
                        && a.name
                            .get(..5)
                            .is_some_and(|p| p.eq_ignore_ascii_case("data-"))
                });
                for a in lazy {
                    found.add(a.value, VideoSource::Lazy, None, false);
                }
            }
            Token::End { name } => {
                if name.eq_ignore_ascii_case("video") {
                    poster = None;
                }
            }
            Token::Text(text) => match script.take() {
                Some(true) => found.json_ld(text),
                Some(false) => found.script(text),
                None => {}
            },
        }
        if found.out.len() >= MAX_VIDEOS {
            break;
        }
    }
    found.out
}

struct Found {
    base: Url,
    out: Vec<VideoRef>,
    order: u32,
}

impl Found {
    fn resolve(&self, raw: &str) -> Option<String> {
        let raw = decode(raw, Context::Attribute);
        crate::urls::resolve(&raw, &self.base).filter(|u| !u.starts_with("data:"))
    }

    /// Adds `raw` when it names a video by its extension, or `any` (the element says it
    /// is a video whatever the URL looks like).
    fn add(&mut self, raw: &str, source: VideoSource, poster: Option<String>, any: bool) {
        let Some(url) = self.resolve(raw) else {
            return;
        };
        let kind = match video_kind(&url) {
            Some(k) => k,
            None if any => VideoKind::File,
            None => return,
        };
        if let Some(seen) = self.out.iter_mut().find(|v| v.url == url) {
            if seen.poster.is_none() {
                seen.poster = poster;
            }
            return;
        }
        self.out.push(VideoRef {
            url,
            kind,
            source,
            poster,
            order: self.order,
        });
    }

    /// URLs of videos in a script's text, escaped slashes undone.
    fn script(&mut self, text: &str) {
        let Some(re) = script_regex() else {
            return;
        };
        let text = super::deep::unescape(text);
        let urls: Vec<String> = re
            .captures_iter(&text)
            .filter_map(|c| c.get(1).or_else(|| c.get(0)))
            .map(|m| m.as_str().to_string())
            .collect();
        for u in urls {
            self.add(&u, VideoSource::Script, None, false);
        }
    }

    /// `VideoObject`s anywhere in JSON-LD: `contentUrl` (the file), `thumbnailUrl`.
    fn json_ld(&mut self, text: &str) {
        fn walk(v: &Value, depth: u32, out: &mut Vec<(String, Option<String>)>) {
            if depth > 32 {
                return;
            }
            match v {
                Value::Array(a) => a.iter().for_each(|x| walk(x, depth + 1, out)),
                Value::Object(o) => {
                    if let Some(Value::String(u)) = o.get("contentUrl") {
                        let thumb = match o.get("thumbnailUrl") {
                            Some(Value::String(t)) => Some(t.clone()),
                            Some(Value::Array(a)) => {
                                a.iter().find_map(|t| t.as_str().map(String::from))
                            }
                            _ => None,
                        };
                        out.push((u.clone(), thumb));
                    }
                    o.values().for_each(|x| walk(x, depth + 1, out));
                }
                _ => {}
            }
        }
        let mut urls = Vec::new();
        for v in super::jsonld::values(text) {
            walk(&v, 0, &mut urls);
        }
        for (u, thumb) in urls {
            let poster = thumb.and_then(|t| self.resolve(&t));
            self.add(&u, VideoSource::JsonLd, poster, true);
        }
    }
}

/// Absolute or protocol-relative URLs ending in a video extension, and quoted
/// root-relative paths (`"/hls/a.m3u8"`, group 1).
fn script_regex() -> Option<&'static regex::Regex> {
    static RE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?i)(?:https?:)?//[a-z0-9.-]+(?::\d+)?/[^\s"'<>\\()\[\]{}|^`]*?\.(?:m3u8|mp4|webm|m4v|mov)\b(?:\?[^\s"'<>\\()\[\]{}]*)?|["'](/[^\s"'<>\\]+?\.(?:m3u8|mp4|webm|m4v)(?:\?[^\s"'<>\\]*)?)["']"#,
        )
        .ok()
    })
    .as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("https://shop.example/p/lamp").unwrap()
    }

    #[test]
    fn every_place_a_page_names_its_video_and_each_once() {
        let html = r#"<html><head>
          <meta property="og:video" content="https://cdn.example/v/lamp.mp4">
          <link rel="preload" as="video" href="/hls/lamp/master.m3u8">
          <script type="application/ld+json">{"@type":"VideoObject","name":"Lamp",
            "contentUrl":"https://cdn.example/v/lamp.mp4","thumbnailUrl":"/img/lamp-poster.jpg"}</script>
          </head><body>
          <video poster="/img/p.jpg"><source src="/hls/lamp/master.m3u8" type="application/x-mpegURL">
            <source src="/v/lamp.webm" type="video/webm"></video>
          <div class="player" data-hls="https://cdn.example/live/stream.m3u8?token=a&amp;b=1"></div>
          <video src="/blob-source"></video>
          <script>var cfg = {"src":"https:\/\/cdn.example\/v\/clip.m3u8","img":"/a.jpg",
            "alt":"/hls/alt.m3u8", "note":"see docs/x.mp4"};</script>
          <a href="/v/not-a-player.mp4">download</a>
        </body></html>"#;
        let v = find_videos(html, &page());
        let urls: Vec<&str> = v.iter().map(|v| v.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://cdn.example/v/lamp.mp4",
                "https://shop.example/hls/lamp/master.m3u8",
                "https://shop.example/v/lamp.webm",
                "https://cdn.example/live/stream.m3u8?token=a&b=1",
                "https://shop.example/blob-source",
                "https://cdn.example/v/clip.m3u8",
                "https://shop.example/hls/alt.m3u8",
            ]
        );
        assert_eq!(v[1].kind, VideoKind::Hls);
        assert_eq!(v[1].source, VideoSource::Link);
        // The poster of the <video> reaches the stream it also names.
        assert_eq!(
            v[1].poster.as_deref(),
            Some("https://shop.example/img/p.jpg")
        );
        assert_eq!(
            v[0].poster.as_deref(),
            Some("https://shop.example/img/lamp-poster.jpg")
        );
        assert_eq!(
            v[4].kind,
            VideoKind::File,
            "a <video src> is a video whatever its name"
        );
        assert_eq!(v[5].source, VideoSource::Script);
    }

    #[test]
    fn attribute_names_of_any_bytes_are_read_safely() {
        // A name whose fifth byte is inside a character (found by the fuzz target).
        let html = "<div dataé-x=\"/v.mp4\" data-é=\"/w.m3u8\"></div>";
        let v = find_videos(html, &page());
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].url, "https://shop.example/w.m3u8");
    }

    #[test]
    fn images_and_pages_are_not_videos() {
        let html = r#"<img src="/a.jpg" data-src="/b.png"><script>x="/c.gif"</script>
            <source src="/d.jpg"><link href="/style.css">"#;
        assert!(find_videos(html, &page()).is_empty());
    }
}
