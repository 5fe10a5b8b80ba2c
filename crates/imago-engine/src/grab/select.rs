//! Which images of a page are wanted, and in what order: the one selection of `imago list`
//! and `imago grab`. The images arrive merged (one per picture, by `collect_page`); each is
//! checked against the ad/tracker lists and what its URL and attributes tell, probed when
//! asked or when a filter or the sort needs sizes, checked again on the measured values,
//! sorted and cut at the limit. (HD rewrites are tried at download time, where a candidate that fails falls
//! back to the URL found.) What is dropped is told to the reporter as `Skipped`.

use futures_util::stream::{self, StreamExt};
use imago_core::blocklist::Blocklist;
use imago_core::filter::Filter;
use imago_core::sort::{sort_images, SortKey};
use imago_core::{Image, Measured};
use url::Url;

use super::events::{Event, Reporter};
use crate::{Client, Probed};

/// What decides the selection.
#[derive(Clone, Copy, Debug)]
pub struct Selection<'a> {
    pub filter: &'a Filter,
    /// Ad and tracker lists: the images they name are dropped.
    pub blocklist: Option<&'a Blocklist>,
    /// Sort key and direction (descending when true); `None` keeps page order.
    pub sort: Option<(SortKey, bool)>,
    /// At most this many images, after filter and sort.
    pub limit: Option<usize>,
    /// Probe every image (also done when a filter or the sort needs sizes).
    pub probe: bool,
}

/// One image kept, with what a probe measured (nothing without a probe: width/height
/// attributes are layout hints, often wrong for the file, not its size).
#[derive(Clone, Debug)]
pub struct Selected {
    pub image: Image,
    pub measured: Measured,
    /// Why the probe failed, when it ran and failed.
    pub probe_error: Option<String>,
}

/// Selects from `images`, found on `page`.
pub async fn select(
    client: &Client,
    page: &Url,
    images: Vec<Image>,
    how: &Selection<'_>,
    report: &dyn Reporter,
) -> Vec<Selected> {
    let page_str = page.as_str();
    let mut kept = Vec::with_capacity(images.len());
    for image in images {
        if how
            .blocklist
            .is_some_and(|l| l.blocks_image(&image.url, page_str))
        {
            skipped(
                report,
                page_str,
                &image.url,
                "on the ad/tracker lists".into(),
            );
            continue;
        }
        match how.filter.check_image(&image) {
            Ok(()) => kept.push(image),
            Err(why) => skipped(report, page_str, &image.url, format!("filtered: {why}")),
        }
    }

    let sort_needs_size = how.sort.is_some_and(|(key, _)| key.needs_measure());
    let mut rows: Vec<Selected> = if how.probe || how.filter.needs_measure() || sort_needs_size {
        let referer = matches!(page.scheme(), "http" | "https").then_some(page);
        let mut rows = Vec::with_capacity(kept.len());
        for (image, result) in probe_images(client, kept, referer).await {
            let (measured, probe_error) = match result {
                Some(Ok(p)) => (measured_of(&p), None),
                Some(Err(e)) => (Measured::default(), Some(e)),
                None => (Measured::default(), None),
            };
            match how.filter.check_measured(&measured) {
                Ok(()) => rows.push(Selected {
                    image,
                    measured,
                    probe_error,
                }),
                Err(why) => skipped(report, page_str, &image.url, format!("filtered: {why}")),
            }
        }
        rows
    } else {
        kept.into_iter()
            .map(|image| Selected {
                image,
                measured: Measured::default(),
                probe_error: None,
            })
            .collect()
    };

    if let Some((key, descending)) = how.sort {
        sort_images(&mut rows, key, descending, |r| (&r.image, &r.measured));
    }
    if let Some(limit) = how.limit {
        for row in rows.iter().skip(limit) {
            skipped(report, page_str, &row.image.url, "over --limit".into());
        }
        rows.truncate(limit);
    }
    rows
}

pub(crate) fn skipped(report: &dyn Reporter, page: &str, url: &str, reason: String) {
    report.event(&Event::Skipped {
        page: page.to_string(),
        url: url.to_string(),
        reason,
        earlier: None,
    });
}

fn measured_of(p: &Probed) -> Measured {
    Measured {
        width: Some(p.info.width),
        height: Some(p.info.height),
        format: Some(p.info.format),
        bytes: p.total_bytes,
    }
}

/// Probes every image (at most the client's concurrency at once), keeping input order.
/// `data:` URIs are read locally; other schemes are left unprobed.
async fn probe_images(
    client: &Client,
    images: Vec<Image>,
    referer: Option<&Url>,
) -> Vec<(Image, Option<Result<Probed, String>>)> {
    stream::iter(images)
        .map(|image| async move {
            let result = if image.url.starts_with("data:") {
                Some(super::save::probe_data_uri(&image.url))
            } else {
                match Url::parse(&image.url) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") => {
                        Some(client.probe(&u, referer).await.map_err(|e| e.to_string()))
                    }
                    _ => None,
                }
            };
            (image, result)
        })
        .buffered(client.config().concurrency.max(1))
        .collect()
        .await
}
