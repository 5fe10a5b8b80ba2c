//! `imago list`: the images of pages, one per line (or one JSON object per line).

use anyhow::Result;
use futures_util::stream::{self, StreamExt};
use imago_core::{Image, Measured};
use imago_engine::grab::{collect_page, select, NullReporter, Selected, Selection};
use imago_engine::Client;
use serde_json::{json, Map, Value};

/// Pages read at the same time by `list`.
const PAGES_AT_ONCE: usize = 4;

use crate::cli::ListArgs;
use crate::{settings, Outcome};

pub async fn run(args: ListArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.pages.given)?;
    let renderer = super::render::renderer(&args.render, &args.net)?;
    let mut discovery = settings::discovery(&args.pages)?;
    discovery.render = renderer.clone();
    let filter = settings::filter(&args.filter)?;
    let (blocklist, lists_note) = settings::blocklist(&args.filter)?;
    if args.verbose {
        eprintln!("imago: {lists_note}");
    }
    let sort = settings::sort(&args.filter)?;
    let hd = args.hd.then(|| settings::hd_rules(None)).transpose()?;
    let client = Client::new(settings::client(&args.net)?)?;

    let mut outcome = Outcome::Done;
    // Several pages are read at once (a dead stylesheet host on one page must not hold up
    // the next), and printed in the order given.
    let listing = async {
        let mut loaded = stream::iter(pages.iter())
            .map(|input| collect_page(&client, input, &discovery))
            .buffered(PAGES_AT_ONCE);
        while let Some(loaded) = loaded.next().await {
            let mut page = match loaded {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("imago: {e}");
                    outcome = worse(
                        outcome,
                        if e.is_bad_input() {
                            Outcome::BadInput
                        } else {
                            Outcome::SomeFailed
                        },
                    );
                    continue;
                }
            };
            for w in &page.warnings {
                eprintln!("imago: warning: {w}");
            }
            if args.video {
                if !super::video::list_videos(&client, &page, args.json).await {
                    outcome = worse(outcome, Outcome::SomeFailed);
                }
                continue;
            }
            let selection = Selection {
                filter: &filter,
                blocklist: blocklist.as_deref(),
                sort,
                limit: args.filter.limit,
                probe: args.probe,
            };
            let images = std::mem::take(&mut page.images);
            // `list` prints what it keeps; what it drops is not reported.
            let rows = select(&client, &page.page, images, &selection, &NullReporter).await;
            for Selected {
                image,
                measured,
                probe_error,
            } in &rows
            {
                if args.json {
                    let mut obj = image_json(image, page.page.as_str(), measured);
                    if let Some(e) = probe_error {
                        obj.insert("probe_error".into(), json!(e));
                    }
                    if let Some(pack) = &hd {
                        let c: Vec<String> = pack
                            .candidates(&image.url)
                            .into_iter()
                            .map(|r| r.url)
                            .collect();
                        obj.insert("hd".into(), json!(c));
                    }
                    crate::out::line(&Value::Object(obj).to_string());
                } else {
                    print_plain(image, measured, args.probe);
                }
            }
        }
    };
    let done = super::render::until_interrupted(&renderer, listing).await;
    super::render::finish(renderer).await;
    done?;
    Ok(outcome)
}

fn image_json(image: &Image, page: &str, m: &Measured) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("url".into(), json!(image.url));
    o.insert("page".into(), json!(page));
    o.insert("source".into(), json!(image.source));
    o.insert("sources".into(), json!(image.sources));
    o.insert("alt".into(), json!(image.alt));
    o.insert("alternates".into(), json!(image.alternates));
    o.insert("width".into(), json!(m.width));
    o.insert("height".into(), json!(m.height));
    o.insert("format".into(), json!(m.format));
    o.insert("bytes".into(), json!(m.bytes));
    o
}

fn print_plain(image: &Image, m: &Measured, probed: bool) {
    if !probed {
        crate::out::line(&image.url);
        return;
    }
    let dims = match (m.width, m.height) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        _ => "?".into(),
    };
    let fmt = m
        .format
        .map(|f| f.to_string())
        .unwrap_or_else(|| "?".into());
    let bytes = m.bytes.map(|b| b.to_string()).unwrap_or_else(|| "?".into());
    crate::out::line(&format!("{}\t{dims}\t{fmt}\t{bytes}", image.url));
}

fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::BadInput, _) | (_, Outcome::BadInput) => Outcome::BadInput,
        (Outcome::SomeFailed, _) | (_, Outcome::SomeFailed) => Outcome::SomeFailed,
        _ => Outcome::Done,
    }
}
