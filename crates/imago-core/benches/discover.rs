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
use std::time::{Duration, Instant};

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::siterules::SiteRules;

#[path = "../tests/support/corpus.rs"]
mod corpus;
use corpus::Page;

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
    let dir = corpus::dir();
    let pages = match corpus::load_all(&dir) {
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
        let opts = DiscoverOptions {
            deep,
            ..Default::default()
        };
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
                p.file,
                p.html.len() as f64 / 1e3,
                t.as_secs_f64() * 1e3,
                mb_per_s(p.html.len(), *t)
            );
        }
    }
}
