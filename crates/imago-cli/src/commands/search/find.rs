//! `imago search IMAGE|URL --db FILE [-k N] [--json]`: the pictures of the index that are
//! the same picture as the one given, or an edited copy of it, best first.

use anyhow::{anyhow, Context, Result};
use imago_engine::{Client, DownloadRequest};
use imago_search::{Hit, Store};
use serde::Serialize;
use url::Url;

use crate::cli::SearchArgs;
use crate::{settings, BadInput, Outcome, ResultExt};

/// One result line of `--json`.
#[derive(Serialize)]
struct Found<'a> {
    path: &'a str,
    score: f32,
    #[serde(rename = "match")]
    kind: imago_search::MatchKind,
    width: u32,
    height: u32,
    format: &'a str,
    pdq_distance: u32,
    phash_distance: u32,
    orientation: imago_search::Dihedral,
    /// The cosine of the embeddings, when both have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    similarity: Option<f32>,
}

pub async fn search(args: SearchArgs) -> Result<Outcome> {
    if !args.db.is_file() {
        return Err(BadInput(anyhow!(
            "--db {}: no index there; make one with `imago index DIR --db {}`",
            args.db.display(),
            args.db.display()
        ))
        .into());
    }
    let store = Store::open(&args.db, false)
        .with_context(|| format!("--db {}", args.db.display()))
        .bad_input()?;
    // The model (a load of ~150 ms) only when the index has embeddings to compare with,
    // or when --model names one (which must then load).
    let embedder = if args.model.model.is_some() || store.has_vectors()? {
        super::embedder(&args.model, args.json)?
    } else {
        None
    };
    let bytes = read_image(&args).await?;
    let query = imago_search::query(&bytes, &super::limits(), embedder.as_ref())
        .with_context(|| args.image.clone())
        .bad_input()?;
    let (entries, codes) = store.load()?;
    let hits = codes.search(&query, args.k);
    for hit in &hits {
        let e = &entries[hit.slot];
        if args.json {
            let found = Found {
                path: &e.key,
                score: round(hit.score),
                kind: hit.kind,
                width: e.width,
                height: e.height,
                format: &e.format,
                pdq_distance: hit.pdq_distance,
                phash_distance: hit.phash_distance,
                orientation: hit.orientation,
                similarity: hit.similarity.map(round),
            };
            crate::out::line(&serde_json::to_string(&found)?);
        } else {
            crate::out::line(&plain(hit, e));
        }
    }
    if hits.is_empty() && !args.json {
        eprintln!(
            "imago: no match among the {} picture(s) of {}",
            entries.len(),
            args.db.display()
        );
    }
    Ok(Outcome::Done)
}

/// `0.96 near    /photos/a.jpg  (1200x800 JPEG, mirrored)`.
fn plain(hit: &Hit, e: &imago_search::Entry) -> String {
    let kind = hit.kind.as_str();
    let turned = match hit.orientation {
        imago_search::Dihedral::Upright => String::new(),
        o => format!(
            ", {}",
            serde_json::to_value(o)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
        ),
    };
    format!(
        "{:.2} {kind:<7} {}  ({}x{} {}{turned})",
        hit.score,
        e.key,
        e.width,
        e.height,
        e.format.to_uppercase()
    )
}

/// Scores to three decimals, as a user reads them.
fn round(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

/// The query's bytes: a file, or an image URL fetched with grab's client and the
/// network flags given (its checks: an image, whole, within the size limit).
async fn read_image(args: &SearchArgs) -> Result<Vec<u8>> {
    let given = &args.image;
    let Some(url) = Url::parse(given)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
    else {
        return std::fs::read(given)
            .with_context(|| format!("{given}: cannot read the image"))
            .bad_input()
            .map_err(Into::into);
    };
    let client = Client::new(settings::client(&args.net)?)?;
    let dir = tempfile::tempdir().context("cannot make a temporary folder")?;
    let got = client
        .download(DownloadRequest {
            candidates: vec![url],
            referer: None,
            dir: dir.path().to_path_buf(),
        })
        .await
        .with_context(|| format!("{given}: cannot download the image"))?;
    let bytes = std::fs::read(&got.temp_path).context("cannot read the downloaded image")?;
    Ok(bytes)
}
