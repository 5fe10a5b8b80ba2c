//! `imago grab`: download the images of pages.

use std::io::{BufRead, BufReader};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use imago_core::naming::Var;
use imago_engine::grab::{run as grab_run, GrabOptions, ProductExport, UrlList, VideoGrab};
use imago_engine::Client;

use crate::cli::GrabArgs;
use crate::progress::Progress;
use crate::{settings, Outcome};

pub async fn run(mut args: GrabArgs) -> Result<Outcome> {
    // `-i FILE` is read as the pages go, so a list of a million pages is never held whole;
    // the pages named on the command line are checked before anything starts.
    let list_file = args.pages.given.input_file.take();
    let given = if args.pages.given.inputs.is_empty() && list_file.is_some() {
        Vec::new()
    } else {
        settings::pages(&args.pages.given)?
    };
    let mut list = match &list_file {
        Some(file) => {
            let reader: Box<dyn BufRead + Send> = if file.as_os_str() == "-" {
                Box::new(BufReader::new(std::io::stdin()))
            } else {
                let f = std::fs::File::open(file)
                    .with_context(|| format!("-i {}: cannot read the URL list", file.display()))?;
                Box::new(BufReader::new(f))
            };
            let name = format!("-i {}", file.display());
            Some(UrlList::new(reader, name, settings::base_url(&args.pages.given)?).peekable())
        }
        None => None,
    };
    if given.is_empty() && list.as_mut().is_some_and(|l| l.peek().is_none()) {
        bail!("no page given: the list of -i holds no URL or file (one per line)");
    }
    let pages = given.into_iter().map(Ok).chain(list.into_iter().flatten());
    let renderer = super::render::renderer(&args.render, &args.net)?;
    let mut discovery = settings::discovery(&args.pages)?;
    discovery.render = renderer.clone();
    let folder = settings::template("--folder", &args.folder)?;
    let name = settings::template("--name", &args.name)?;
    let names_product = [Var::ProductTitle, Var::Sku]
        .iter()
        .any(|&v| folder.uses(v) || name.uses(v));
    discovery.product = args.product || names_product;
    let hd = if args.no_hd {
        None
    } else {
        Some(Arc::new(settings::hd_rules(args.hd_rules.as_deref())?))
    };
    let archive = match (&args.archive, args.no_archive, &args.zip) {
        (_, true, _) => None,
        (Some(p), false, _) => Some(p.clone()),
        // A zip run has no output folder of its own: its archive sits beside the zip.
        (None, false, Some(zip)) => Some(zip.with_extension("imago-archive.sqlite")),
        (None, false, None) => Some(args.output.join(".imago-archive.sqlite")),
    };
    let (blocklist, lists_note) = settings::blocklist(&args.filter)?;
    if args.verbose {
        eprintln!("imago: {lists_note}");
    }
    let opts = GrabOptions {
        output: args.output.clone(),
        folder,
        name,
        filter: settings::filter(&args.filter)?,
        blocklist,
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
        transform: image_step(&args)?,
        product: args.product.then_some(ProductExport {
            csv_bom: args.csv_bom,
        }),
        video: video_step(&args)?,
        similar: args.dedupe.is_some().then(|| {
            Arc::new(super::search::FolderSimilar::default())
                as Arc<dyn imago_engine::grab::Similar>
        }),
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

/// `--video`: the page's streams, with the same window as `imago video`.
fn video_step(args: &GrabArgs) -> Result<Option<VideoGrab>> {
    if !args.video {
        return Ok(None);
    }
    let quality = args
        .video_quality
        .parse()
        .map_err(|e: String| crate::BadInput(anyhow::anyhow!("--video-quality: {e}")))?;
    Ok(Some(VideoGrab {
        remux: Arc::new(super::video::FfmpegRemux::new(&args.ffmpeg)),
        quality,
        window: imago_engine::video::DEFAULT_WINDOW,
        live_max: Some(std::time::Duration::from_secs(3600)),
    }))
}

/// `--convert`, `--max`, `--strip`: the step each file takes before it is named.
fn image_step(args: &GrabArgs) -> Result<Option<Arc<dyn imago_engine::grab::Transform>>> {
    if args.convert.is_none() && args.max.is_none() && !args.strip {
        return Ok(None);
    }
    if args.max == Some(0) {
        return Err(crate::BadInput(anyhow::anyhow!("--max 0: a size is at least 1 pixel")).into());
    }
    let convert = args
        .convert
        .as_deref()
        .map(|t| settings::target("--convert", t))
        .transpose()?;
    Ok(Some(Arc::new(super::tools::ImageStep {
        convert,
        max: args.max,
        strip: args.strip,
        write: imago_media::codecs::WriteOptions {
            quality: args.quality,
            ..Default::default()
        },
        limits: super::tools::limits(),
        keep_unreadable: true,
    })))
}
