//! Discovery throughput over the 270 corpus pages: `discover_html` + `merge`, in memory,
//! on one thread, so the figure is MB of HTML per second per core.
//!
//! A plain `main` (no criterion): the pages are decompressed once, then the whole corpus
//! is run a few times and the best and median passes are printed. The first pass warms
//! caches and is not counted.
//!
//! ```text
//! cargo bench -p imago-core --bench discover            # corpus from ../shared/corpus
//! IMAGO_CORPUS=/path/to/corpus cargo bench -p imago-core --bench discover
//! IMAGO_BENCH_PASSES=10 cargo bench -p imago-core --bench discover
//! ```

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::siterules::SiteRules;
use url::Url;

struct Page {
    name: String,
    url: Url,
    html: String,
}

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("IMAGO_CORPUS") {
        return PathBuf::from(dir);
    }
    // The repository's checkout sits beside `shared/` (see the issue), on the developers'
    // machines and in CI alike.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn load(dir: &Path) -> Result<Vec<Page>, String> {
    let manifest = dir.join("manifest.jsonl");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("{}: {e} (set IMAGO_CORPUS)", manifest.display()))?;
    let mut pages = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let rec: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{}:{}: {e}", manifest.display(), n + 1))?;
        let (Some(file), Some(url)) = (rec["file"].as_str(), rec["url"].as_str()) else {
            return Err(format!("{}:{}: no file or url", manifest.display(), n + 1));
        };
        let url = Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
        let gz = std::fs::File::open(dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{file}: {e}"))?;
        // A stray invalid byte must not drop a page from the measure.
        let html = String::from_utf8_lossy(&bytes).into_owned();
        pages.push(Page {
            name: file.to_string(),
            url,
            html,
        });
    }
    Ok(pages)
}

/// One pass over every page; returns the images found and the time of each page.
fn pass(pages: &[Page], opts: &DiscoverOptions, rules: &SiteRules) -> (usize, Vec<Duration>) {
    let mut images = 0;
    let mut times = Vec::with_capacity(pages.len());
    for page in pages {
        let t = Instant::now();
        let collected = discover_html(black_box(&page.html), &page.url, opts, rules);
        let merged = merge(collected.candidates);
        images += black_box(merged).len();
        times.push(t.elapsed());
    }
    (images, times)
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9)
}

fn main() {
    let dir = corpus_dir();
    let pages = match load(&dir) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) => {
            eprintln!("discover bench: no pages in {}", dir.display());
            std::process::exit(2);
        }
        Err(e) => {
            eprintln!("discover bench: {e}");
            std::process::exit(2);
        }
    };
    let passes: usize = std::env::var("IMAGO_BENCH_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let rules = SiteRules::default();

    for (label, deep) in [("discover_html + merge", false), ("same, --deep", true)] {
        let opts = DiscoverOptions { deep };
        let (images, _) = pass(&pages, &opts, &rules); // warm-up
        let mut totals = Vec::with_capacity(passes);
        // Each page's best time over the passes: the slowest pages show where to look.
        let mut page_best = vec![Duration::MAX; pages.len()];
        for _ in 0..passes {
            let (_, times) = pass(&pages, &opts, &rules);
            totals.push(times.iter().sum::<Duration>());
            for (best, t) in page_best.iter_mut().zip(times) {
                *best = (*best).min(t);
            }
        }
        let mut slowest: Vec<(Duration, usize)> = page_best
            .into_iter()
            .enumerate()
            .map(|(i, t)| (t, i))
            .collect();
        totals.sort();
        let best = totals[0];
        let median = totals[totals.len() / 2];
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        println!(
            "{label}: {} pages, {:.1} MB, {images} images; best of {passes}: {:.1} ms = {:.0} MB/s per core; median {:.0} MB/s",
            pages.len(),
            bytes as f64 / 1e6,
            best.as_secs_f64() * 1e3,
            mb_per_s(bytes, best),
            mb_per_s(bytes, median),
        );
        for (t, i) in slowest.iter().take(3) {
            let p = &pages[*i];
            println!(
                "  slowest: {} ({:.0} KB) {:.2} ms = {:.0} MB/s",
                p.name,
                p.html.len() as f64 / 1e3,
                t.as_secs_f64() * 1e3,
                mb_per_s(p.html.len(), *t)
            );
        }
    }
}
