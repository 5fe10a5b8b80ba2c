//! `imago grab`: download the images of pages.

use std::sync::Arc;

use anyhow::Result;
use imago_engine::grab::{run as grab_run, GrabOptions};
use imago_engine::Client;

use crate::cli::GrabArgs;
use crate::progress::Progress;
use crate::{settings, Outcome};

pub async fn run(args: GrabArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.pages)?;
    let renderer = super::render::renderer(&args.render, &args.net)?;
    let mut discovery = settings::discovery(&args.pages)?;
    discovery.render = renderer.clone();
    let hd = if args.no_hd {
        None
    } else {
        Some(Arc::new(settings::hd_rules(args.rules.as_deref())?))
    };
    let archive = match (&args.archive, args.no_archive, &args.zip) {
        (_, true, _) => None,
        (Some(p), false, _) => Some(p.clone()),
        // A zip run has no output folder of its own: its archive sits beside the zip.
        (None, false, Some(zip)) => Some(zip.with_extension("imago-archive.sqlite")),
        (None, false, None) => Some(args.output.join(".imago-archive.sqlite")),
    };
    let opts = GrabOptions {
        output: args.output.clone(),
        folder: settings::template("--folder", &args.folder)?,
        name: settings::template("--name", &args.name)?,
        filter: settings::filter(&args.filter)?,
        sort: settings::sort(&args.filter)?,
        limit: args.filter.limit,
        discovery,
        hd,
        probe: args.probe,
        archive,
        zip: args.zip.clone(),
        metadata: args.metadata,
        date: settings::today(),
        page_concurrency: 4,
    };
    let client = Client::new(settings::client(&args.net)?)?;
    let progress = Progress::new(args.json, args.quiet);
    let summary =
        super::render::until_interrupted(&renderer, grab_run(&client, pages, &opts, &progress))
            .await;
    super::render::finish(renderer).await;
    let summary = summary??;
    progress.finish(&summary);

    Ok(if summary.pages_bad_input > 0 {
        Outcome::BadInput
    } else if summary.failed > 0 || summary.pages_failed > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}
