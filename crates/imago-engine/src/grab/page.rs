//! Reading one page into its list of images: fetch (or read) the HTML, discover, follow
//! linked stylesheets and `@import`s, same-origin iframes with `--deep`, then merge.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::future::join_all;
use imago_core::discover::video::{find_videos, VideoRef};
use imago_core::discover::{discover_css, discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::product::Product;
use imago_core::siterules::SiteRules;
use imago_core::urls::without_query;
use imago_core::{Candidate, Image, SourceKind};
use url::Url;

use super::input::PageInput;
use super::GrabError;
use crate::render::{Rendered, Renderer};
use crate::Client;

/// How deep discovery goes.
#[derive(Clone, Debug)]
pub struct Discovery {
    /// `--deep`: image URLs in scripts and JSON, same-origin iframes (one level).
    pub deep: bool,
    /// `--main` / `--no-main`: only the product's own pictures, or every image; `None`:
    /// as the site rules say.
    pub main: Option<bool>,
    /// Read the page's product fields too ([`PageImages::product`]): `grab --product`,
    /// or a template naming `{product_title}` or `{sku}`.
    pub product: bool,
    /// Site rules in force (built in plus the user's).
    pub site_rules: Arc<SiteRules>,
    /// How many levels of `@import` are followed below a linked stylesheet.
    pub import_depth: usize,
    /// At most this many stylesheets per page: a hostile page cannot make us fetch
    /// thousands.
    pub max_stylesheets: usize,
    /// `--render`: also read each web page in a headless browser, and merge what its
    /// live DOM shows with what static discovery found.
    pub render: Option<Arc<Renderer>>,
}

impl Default for Discovery {
    fn default() -> Self {
        Discovery {
            deep: false,
            main: None,
            product: false,
            site_rules: Arc::new(SiteRules::builtin()),
            import_depth: 2,
            max_stylesheets: 40,
            render: None,
        }
    }
}

/// The images of one page.
#[derive(Clone, Debug)]
pub struct PageImages {
    /// The page's URL after redirects (or the base of a saved file).
    pub page: Url,
    pub title: Option<String>,
    pub images: Vec<Image>,
    /// Stylesheets or frames that could not be read: the page is still reported, these
    /// say what may be missing.
    pub warnings: Vec<String>,
    /// The page's product, when [`Discovery::product`] asked for it.
    pub product: Option<Product>,
    /// The videos the page's HTML names (HLS playlists and video files), each once.
    pub videos: Vec<VideoRef>,
}

/// Reads one page and lists its images (with `--render`, the static read and the
/// browser's run side by side, then merged).
pub async fn collect_page(
    client: &Client,
    input: &PageInput,
    d: &Discovery,
) -> Result<PageImages, GrabError> {
    let rendering = async {
        match (&d.render, input) {
            (Some(renderer), PageInput::Url(url)) => {
                Some(renderer.render(url).await.map_err(|e| GrabError::Page {
                    page: url.to_string(),
                    reason: format!("--render: {e}"),
                }))
            }
            _ => None,
        }
    };
    let (found, rendered) = futures_util::join!(collect_static(client, input, d), rendering);
    let mut found = found?;
    match rendered {
        Some(rendered) => add_rendered(&mut found, rendered?),
        None if d.render.is_some() => found
            .warnings
            .push("--render reads web pages only: this saved file was read as HTML".into()),
        None => {}
    }
    Ok(found.into_images())
}

/// Merges the browser's candidates into the static ones. Their element groups are moved
/// past the static ones (the two numberings are unrelated) and their page order after
/// them; the same URL found both ways becomes one image, as any duplicate does.
fn add_rendered(found: &mut Found, rendered: Rendered) {
    // The live page names the videos a player put there (a `<video src>` set by script)
    // and requested (the playlist an hls.js player fetched); each stream once, after the
    // static read's.
    let live_html = rendered
        .html
        .as_deref()
        .map(|h| find_videos(h, &rendered.page_url))
        .unwrap_or_default();
    let next = found.videos.iter().map(|v| v.order + 1).max().unwrap_or(0);
    for mut v in live_html.into_iter().chain(rendered.videos) {
        if !found.videos.iter().any(|seen| seen.url == v.url) {
            v.order = v.order.saturating_add(next);
            found.videos.push(v);
        }
    }
    let candidates = &mut found.candidates;
    let group_base = candidates
        .iter()
        .filter_map(|c| c.group)
        .max()
        .map_or(0, |g| g.saturating_add(1));
    let mut next_order = candidates.iter().map(|c| c.order + 1).max().unwrap_or(0);
    let mut live = rendered.candidates;
    if found.main {
        // The live DOM has no structure left to weigh: the browser's copies of the
        // pictures the static read kept are what stays.
        let kept: HashSet<&str> = candidates.iter().map(|c| without_query(&c.url)).collect();
        live.retain(|c| kept.contains(without_query(&c.url)));
    }
    for c in &mut live {
        c.group = c.group.map(|g| g.saturating_add(group_base));
    }
    candidates.extend(shift_order(live, &mut next_order));
    if found.title.is_none() {
        found.title = rendered.title;
    }
    found.warnings.extend(rendered.warnings);
}

async fn collect_static(
    client: &Client,
    input: &PageInput,
    d: &Discovery,
) -> Result<Found, GrabError> {
    let (page, html) = load_html(client, input).await?;
    let opts = DiscoverOptions {
        deep: d.deep,
        main: d.main,
    };
    let main = opts.main_on(&page, &d.site_rules);
    let found = discover_html(&html, &page, &opts, &d.site_rules);
    let videos = find_videos(&html, &page);
    let product = d
        .product
        .then(|| imago_core::product::extract(&html, page.as_str(), &d.site_rules));
    drop(html);
    let mut candidates = found.candidates;
    let mut warnings = Vec::new();

    // The product's own pictures are the page's elements and structured data: a
    // stylesheet's backgrounds and a frame's images are not among them.
    let mut next_order = candidates.iter().map(|c| c.order + 1).max().unwrap_or(0);
    if !main {
        let css = follow_stylesheets(client, input, &page, found.stylesheets, d, &mut next_order);
        let (css_candidates, css_warnings) = css.await;
        candidates.extend(css_candidates);
        warnings.extend(css_warnings);
    }

    if d.deep && !main {
        for frame in found.iframes.iter().filter_map(|f| Url::parse(f).ok()) {
            if frame.origin() != page.origin() {
                continue;
            }
            match fetch_html(client, &frame, Some(&page)).await {
                Ok((frame_url, text)) => {
                    let inner = discover_html(&text, &frame_url, &opts, &d.site_rules);
                    candidates.extend(shift_order(inner.candidates, &mut next_order));
                }
                Err(e) => warnings.push(format!("iframe {frame}: {e}")),
            }
        }
    }

    Ok(Found {
        page,
        title: found.title,
        candidates,
        warnings,
        main,
        product,
        videos,
    })
}

/// A page's candidates before they are merged into images.
struct Found {
    page: Url,
    title: Option<String>,
    candidates: Vec<Candidate>,
    warnings: Vec<String>,
    /// Only the product's own pictures were kept.
    main: bool,
    product: Option<Product>,
    videos: Vec<VideoRef>,
}

impl Found {
    fn into_images(self) -> PageImages {
        PageImages {
            page: self.page,
            title: self.title,
            images: merge(self.candidates),
            warnings: self.warnings,
            product: self.product,
            videos: self.videos,
        }
    }
}

/// Gives candidates of a later document (a frame) orders after everything so far, so page
/// order stays the reading order.
fn shift_order(mut cands: Vec<Candidate>, next_order: &mut u32) -> Vec<Candidate> {
    let base = *next_order;
    for c in &mut cands {
        c.order = c.order.saturating_add(base);
        *next_order = (*next_order).max(c.order.saturating_add(1));
    }
    cands
}

/// The HTML of one page: fetched (its URL after redirects), or read from a saved file
/// (with its base).
pub async fn load_html(client: &Client, input: &PageInput) -> Result<(Url, String), GrabError> {
    match input {
        PageInput::Url(url) => fetch_html(client, url, None).await,
        PageInput::File { path, base } => {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|e| GrabError::BadInput {
                    input: path.display().to_string(),
                    reason: format!("cannot read it: {e}"),
                })?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if !looks_like_html_text(&text) {
                return Err(GrabError::NotHtml {
                    page: path.display().to_string(),
                    what: "the file does not look like HTML".into(),
                });
            }
            Ok((base.clone(), text))
        }
    }
}

async fn fetch_html(
    client: &Client,
    url: &Url,
    referer: Option<&Url>,
) -> Result<(Url, String), GrabError> {
    let fetched = client
        .fetch_text(url, referer)
        .await
        .map_err(|e| GrabError::Page {
            page: url.to_string(),
            reason: e.to_string(),
        })?;
    let ct = fetched.content_type.as_deref().unwrap_or("");
    let html_type = ct.contains("html") || ct.is_empty() || ct.starts_with("text/plain");
    if !html_type || !looks_like_html_text(&fetched.text) {
        return Err(GrabError::NotHtml {
            page: url.to_string(),
            what: if ct.is_empty() {
                "the answer does not look like HTML".into()
            } else {
                format!("the server says it is {ct}")
            },
        });
    }
    Ok((fetched.final_url, fetched.text))
}

/// A page is HTML when its first non-blank character opens a tag (a doctype, a comment,
/// an element); the Content-Type alone is often wrong on real servers.
fn looks_like_html_text(text: &str) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') || t.is_empty()
}

/// Fetches linked stylesheets level by level (`@import` up to `import_depth`), all of a
/// level at once; the client's limits keep that polite.
async fn follow_stylesheets(
    client: &Client,
    input: &PageInput,
    page: &Url,
    first: Vec<String>,
    d: &Discovery,
    next_order: &mut u32,
) -> (Vec<Candidate>, Vec<String>) {
    let mut seen: HashSet<String> = HashSet::new();
    let mut level: Vec<Url> = first.iter().filter_map(|s| Url::parse(s).ok()).collect();
    let mut candidates = Vec::new();
    let mut warnings = Vec::new();
    for _depth in 0..=d.import_depth {
        level.retain(|u| seen.insert(u.to_string()));
        level.truncate(d.max_stylesheets.saturating_sub(seen.len() - level.len()));
        if level.is_empty() {
            break;
        }
        let texts = join_all(
            level
                .iter()
                .map(|u| read_stylesheet(client, input, page, u)),
        )
        .await;
        let mut next = Vec::new();
        for (url, text) in level.iter().zip(texts) {
            match text {
                Ok(text) => {
                    let found = discover_css(&text, url, SourceKind::CssLinked, *next_order);
                    *next_order = next_order.saturating_add(1);
                    candidates.extend(found.candidates);
                    next.extend(found.imports.iter().filter_map(|s| Url::parse(s).ok()));
                }
                Err(e) => warnings.push(format!("stylesheet {url}: {e}")),
            }
        }
        level = next;
    }
    (candidates, warnings)
}

/// A stylesheet of a fetched page comes over http(s); one of a saved file may sit beside
/// it on disk (`page_files/style.css`), and is read only from the saved page's folder.
async fn read_stylesheet(
    client: &Client,
    input: &PageInput,
    page: &Url,
    url: &Url,
) -> Result<String, String> {
    match url.scheme() {
        "http" | "https" => client
            .fetch_text(url, Some(page))
            .await
            .map(|f| f.text)
            .map_err(|e| e.to_string()),
        "file" => {
            let PageInput::File { path, .. } = input else {
                return Err("a web page cannot point at local files".into());
            };
            let css_path = url
                .to_file_path()
                .map_err(|_| "not a local path".to_string())?;
            let dir = path
                .parent()
                .and_then(|p| std::fs::canonicalize(p).ok())
                .ok_or("cannot find the saved page's folder")?;
            let css_path = std::fs::canonicalize(&css_path).map_err(|e| e.to_string())?;
            if !css_path.starts_with(&dir) {
                return Err("outside the saved page's folder".into());
            }
            tokio::fs::read(&css_path)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| e.to_string())
        }
        other => Err(format!("{other}: stylesheets are not fetched")),
    }
}
