//! The pipeline of `imago grab`, top to bottom: read each page, filter what the URL tells,
//! probe when a filter or the sort needs sizes, sort, limit, then download, check again
//! with the real bytes, name and save.

use futures_util::stream::{self, StreamExt};
use imago_core::naming::{safe_relative_path, NameVars};
use imago_core::{Image, Measured};
use url::Url;

use super::events::{Counting, Event, Reporter, Summary};
use super::input::PageInput;
use super::page::{collect_page, PageImages};
use super::save::{Fetched, SaveTo, Saver};
use super::select::{select, skipped, Selection};
use super::similar;
use super::{GrabError, GrabOptions};
use crate::{Client, DownloadRequest};

/// Runs `imago grab` over `inputs`, taken one at a time as pages finish (a long list is
/// read lazily, see [`super::UrlList`]); an input that is an error is reported as a page
/// that failed. Failures of single images and pages are events, not errors: the error
/// return is for what stops the whole run (the output cannot be written, the archive
/// cannot be opened).
pub async fn run(
    client: &Client,
    inputs: impl IntoIterator<Item = Result<PageInput, GrabError>>,
    opts: &GrabOptions,
    reporter: &dyn Reporter,
) -> Result<Summary, GrabError> {
    let counting = Counting::new(reporter);
    let saver = Saver::open(&SaveTo::of(opts))?;
    let pages = stream::iter(inputs)
        .map(|input| grab_page(client, input, opts, &saver, &counting))
        .buffer_unordered(opts.page_concurrency.max(1))
        .collect::<Vec<()>>();
    pages.await;
    saver.finish()?;
    Ok(counting.summary())
}

async fn grab_page(
    client: &Client,
    input: Result<PageInput, GrabError>,
    opts: &GrabOptions,
    saver: &Saver,
    report: &Counting<'_>,
) {
    let input = match input {
        Ok(input) => input,
        Err(e) => {
            let page = match &e {
                GrabError::BadInput { input, .. } => input.clone(),
                _ => String::new(),
            };
            let reason = match &e {
                GrabError::BadInput { reason, .. } => reason.clone(),
                other => other.to_string(),
            };
            return report.event(&Event::PageFailed {
                page,
                bad_input: e.is_bad_input(),
                reason,
            });
        }
    };
    let page = match collect_page(client, &input, &opts.discovery).await {
        Ok(p) => p,
        Err(e) => {
            report.event(&Event::PageFailed {
                page: input.label(),
                bad_input: e.is_bad_input(),
                reason: e.to_string(),
            });
            return;
        }
    };
    let PageImages {
        page: page_url,
        title,
        images,
        warnings,
        product,
        videos,
    } = page;
    let page_str = page_url.to_string();
    let found = images.len();
    let referer = matches!(page_url.scheme(), "http" | "https").then(|| page_url.clone());

    let selection = Selection {
        filter: &opts.filter,
        blocklist: opts.blocklist.as_deref(),
        sort: opts.sort,
        limit: opts.limit,
        probe: opts.probe,
    };
    let items = select(client, &page_url, images, &selection, report).await;

    report.event(&Event::Page {
        page: page_str.clone(),
        title: title.clone(),
        found,
        selected: items.len(),
        warnings,
    });

    let vars_page = PageVars {
        url: &page_str,
        title: title.as_deref(),
        date: &opts.date,
        product_title: product.as_ref().and_then(|p| found_text(&p.title)),
        sku: product.as_ref().and_then(|p| found_text(&p.sku)),
    };
    let folder = opts.folder.render(&vars_page.name_vars(0, &page_str, None));
    let dir_components = {
        let mut c = safe_relative_path(&folder, "x").components;
        c.pop();
        c
    };
    let dir = saver.work_dir(&dir_components);
    saver.open_page(&dir_components);

    let concurrency = client.config().concurrency.max(1);
    // Each image's file (saved now, or before: in the archive, the same content), for
    // the product's list of files.
    let files: Vec<Option<String>> = stream::iter(items.into_iter().enumerate())
        .map(|(i, item)| {
            let (dir, dir_components, vars_page, referer, page_str) =
                (&dir, &dir_components, &vars_page, &referer, &page_str);
            async move {
                let n = i + 1;
                let url = item.image.url.clone();
                if let Some(saved) = saver.already_saved(&url) {
                    let reason = format!("in the archive: saved as {}", saved.path);
                    report.event(&Event::Skipped {
                        page: page_str.clone(),
                        url,
                        reason,
                        earlier: Some(saved.path.clone()),
                    });
                    return Some(saved.path);
                }
                let fetched =
                    match fetch_one(client, opts, &item.image, referer.as_ref(), dir).await {
                        Ok(f) => f,
                        Err(reason) => {
                            report.event(&Event::Failed {
                                page: page_str.clone(),
                                url,
                                reason,
                            });
                            return None;
                        }
                    };
                let measured = Measured {
                    width: fetched.info.map(|i| i.width),
                    height: fetched.info.map(|i| i.height),
                    format: fetched.info.map(|i| i.format),
                    bytes: Some(fetched.bytes),
                };
                if let Err(why) = opts.filter.check_measured(&measured) {
                    fetched.discard();
                    skipped(report, page_str, &url, format!("filtered: {why}"));
                    return None;
                }
                let mut fetched = fetched;
                if let Some(step) = &opts.transform {
                    match fetched.transform(step.clone()).await {
                        Ok(note) => {
                            if let Some(note) = note {
                                report.event(&Event::Note {
                                    page: page_str.clone(),
                                    url: url.clone(),
                                    note,
                                });
                            }
                        }
                        Err(reason) => {
                            fetched.discard();
                            report.event(&Event::Failed {
                                page: page_str.clone(),
                                url,
                                reason,
                            });
                            return None;
                        }
                    }
                }
                if let Some(check) = &opts.similar {
                    // The same bytes are the archive's to skip (it remembers the URL too).
                    if saver.duplicate_of(&fetched.sha256).is_none() {
                        if let Some(earlier) =
                            similar::admit(check.clone(), dir, &fetched.temp, &url).await
                        {
                            fetched.discard();
                            skipped(
                                report,
                                page_str,
                                &url,
                                format!("the same picture as {earlier}"),
                            );
                            return Some(earlier);
                        }
                    }
                }
                let used = fetched.url.clone();
                let ext = fetched.info.map(|i| i.format.extension());
                let hash8 = fetched.sha256.get(..8).unwrap_or("").to_string();
                let mut vars = vars_page.name_vars(n, &used, item.image.alt.as_deref());
                vars.width = measured.width;
                vars.height = measured.height;
                vars.ext = ext;
                vars.hash8 = Some(&hash8);
                let file = opts.name.render(&vars);
                let event = saver.save(page_str, &item.image, fetched, dir_components, &file);
                if let (Some(check), Event::Saved { path, .. }) = (&opts.similar, &event) {
                    check.saved_as(dir, &url, path);
                }
                report.event(&event);
                match event {
                    Event::Saved { path, .. } => Some(path),
                    Event::Skipped { earlier, .. } => earlier,
                    _ => None,
                }
            }
        })
        .buffered(concurrency)
        .collect()
        .await;

    let mut files = files;
    if let Some(video) = &opts.video {
        let saved = save_videos(
            client,
            video,
            &videos,
            referer.as_ref(),
            &VideoPlace {
                dir: &dir,
                opts,
                vars_page: &vars_page,
                first_n: files.len() + 1,
            },
            report,
        )
        .await;
        files.extend(saved.into_iter().map(Some));
    }

    if let (Some(_), Some(product)) = (&opts.product, &product) {
        let mut files: Vec<String> = files
            .into_iter()
            .flatten()
            .map(|f| saver.below_folder(&f, &dir_components))
            .collect();
        files.dedup();
        let mut json = imago_core::product::export::to_json(&page_str, product);
        json["files"] = serde_json::json!(files);
        let folder = dir_components.join("/");
        let row = imago_core::product::export::csv_row(&page_str, product, &folder, &files);
        if let Err(e) = saver.write_product(&page_str, &dir_components, &json, row) {
            report.event(&Event::PageFailed {
                page: page_str.clone(),
                bad_input: false,
                reason: format!("product.json: {e}"),
            });
        }
    }

    if let Err(e) = saver.finish_page(&page_str, title.as_deref(), &dir_components) {
        report.event(&Event::PageFailed {
            page: page_str,
            bad_input: false,
            reason: format!("index.json: {e}"),
        });
    }
}

/// Where a page's videos go and how they are named.
struct VideoPlace<'a> {
    dir: &'a std::path::Path,
    opts: &'a GrabOptions,
    vars_page: &'a PageVars<'a>,
    /// `{n}` of the first video: after the page's images.
    first_n: usize,
}

/// Saves the page's HLS streams one after another (each is already many requests at
/// once), named by the file template with `{ext}` = `mp4`; returns their paths.
async fn save_videos(
    client: &Client,
    video: &super::VideoGrab,
    videos: &[imago_core::discover::video::VideoRef],
    referer: Option<&Url>,
    at: &VideoPlace<'_>,
    report: &Counting<'_>,
) -> Vec<String> {
    use imago_core::discover::video::VideoKind;
    let page = at.vars_page.url.to_string();
    let mut paths = Vec::new();
    let streams = videos.iter().filter(|v| v.kind == VideoKind::Hls);
    for (i, v) in streams.enumerate() {
        let Ok(url) = Url::parse(&v.url) else {
            continue;
        };
        let mut vars = at.vars_page.name_vars(at.first_n + i, &v.url, None);
        vars.ext = Some("mp4");
        let file = at.opts.name.render(&vars);
        // The template's name without the extension it rendered: the stream step adds
        // `.mp4` itself (and `-2` when the name is taken).
        let stem = match file.strip_suffix(".mp4") {
            Some(s) if !s.is_empty() => s.to_string(),
            _ => crate::video::stem_for(&url),
        };
        let req = crate::video::StreamRequest {
            url: url.clone(),
            referer: referer.cloned(),
            quality: video.quality,
            live_max: video.live_max,
            window: video.window,
            out_dir: at.dir.to_path_buf(),
            stem,
        };
        match client
            .save_stream(&req, video.remux.clone(), &|_, _, _| {})
            .await
        {
            Ok(s) => {
                let path = s.path.display().to_string();
                report.event(&Event::Saved {
                    page: page.clone(),
                    url: v.url.clone(),
                    path: path.clone(),
                    bytes: s.bytes,
                    sha256: crate::video::file_sha256(&s.path).unwrap_or_default(),
                    width: Some(s.width),
                    height: Some(s.height),
                    format: Some("mp4".to_string()),
                });
                paths.push(path);
            }
            Err(e) => report.event(&Event::Failed {
                page: page.clone(),
                url: v.url.clone(),
                reason: e.to_string(),
            }),
        }
    }
    paths
}

fn found_text(f: &Option<imago_core::product::Found<String>>) -> Option<&str> {
    f.as_ref().map(|f| f.value.as_str())
}

/// The page-level template variables; image-level ones are filled per image.
struct PageVars<'a> {
    url: &'a str,
    title: Option<&'a str>,
    date: &'a str,
    product_title: Option<&'a str>,
    sku: Option<&'a str>,
}

impl<'a> PageVars<'a> {
    fn name_vars(&self, n: usize, url: &'a str, alt: Option<&'a str>) -> NameVars<'a> {
        NameVars {
            n,
            url,
            page_url: self.url,
            title: self.title,
            alt,
            width: None,
            height: None,
            ext: None,
            date: self.date,
            hash8: None,
            product_title: self.product_title,
            sku: self.sku,
        }
    }
}

/// Downloads one image: HD candidates first, then the URL found, then the other versions
/// the page offered (a smaller copy beats nothing). `data:` URIs are decoded locally.
async fn fetch_one(
    client: &Client,
    opts: &GrabOptions,
    image: &Image,
    referer: Option<&Url>,
    dir: &std::path::Path,
) -> Result<Fetched, String> {
    if image.url.starts_with("data:") {
        return Fetched::from_data_uri(&image.url, dir).await;
    }
    let mut candidates: Vec<Url> = Vec::new();
    if let Some(rules) = &opts.hd {
        candidates.extend(
            rules
                .candidates(&image.url)
                .into_iter()
                .filter_map(|r| Url::parse(&r.url).ok()),
        );
    }
    candidates.extend(
        std::iter::once(&image.url)
            .chain(&image.alternates)
            .filter_map(|u| Url::parse(u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https")),
    );
    candidates.dedup();
    if candidates.is_empty() {
        return Err(format!(
            "{}: not an http(s) URL (pass --base-url for a saved page)",
            image.url
        ));
    }
    let req = DownloadRequest {
        candidates,
        referer: referer.cloned(),
        dir: dir.to_path_buf(),
    };
    client
        .download(req)
        .await
        .map(Fetched::from_download)
        .map_err(|e| e.to_string())
}
