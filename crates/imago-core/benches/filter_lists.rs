//! The ad/tracker lists over the corpus: what building the matcher costs, and how many of
//! the images discovery reports (`discover_html` + `merge`, what `imago list
//! --no-linked-css` prints for a saved page) the lists name, per page set.
//!
//! A plain `main` (no criterion). The lists are EasyList and EasyPrivacy from Debian's
//! `webext-ublock-origin-chromium` (the first paths of imago-engine's `filter_lists.rs`),
//! or the files of `IMAGO_FILTER_LISTS` (separated by `:`).
//!
//! ```text
//! cargo bench -p imago-core --bench filter_lists
//! IMAGO_FILTER_LISTS=a.txt:b.txt cargo bench -p imago-core --bench filter_lists
//! IMAGO_BENCH_BLOCKED=1 cargo bench -p imago-core --bench filter_lists   # list each URL
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use imago_core::blocklist::Blocklist;
use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::siterules::SiteRules;

#[path = "../tests/support/corpus.rs"]
mod corpus;

const DEBIAN: [&str; 2] = [
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt",
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt",
];

fn fail(msg: String) -> ! {
    eprintln!("filter_lists bench: {msg}");
    std::process::exit(2);
}

fn main() {
    let paths: Vec<PathBuf> = match std::env::var_os("IMAGO_FILTER_LISTS") {
        Some(v) if !v.is_empty() => std::env::split_paths(&v).collect(),
        _ => DEBIAN.iter().map(PathBuf::from).collect(),
    };
    let texts: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|t| (p.display().to_string(), t))
                .unwrap_or_else(|e| {
                    fail(format!(
                        "{}: {e} (apt-get install webext-ublock-origin-chromium)",
                        p.display()
                    ))
                })
        })
        .collect();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();

    // Building the matcher is what every `imago list` / `grab` run pays once.
    let mut builds = Vec::new();
    let mut lists = None;
    for _ in 0..3 {
        let t = Instant::now();
        let built = Blocklist::from_lists(texts.iter().map(|(n, t)| (n, t.as_str())))
            .unwrap_or_else(|e| fail(e.to_string()));
        builds.push(t.elapsed());
        lists = Some(built);
    }
    let lists = lists.expect("three builds");
    builds.sort();
    println!(
        "lists: {} files, {:.1} MB, {} rules; matcher built in {:.0} ms (best of 3; median {:.0} ms)",
        paths.len(),
        bytes as f64 / 1e6,
        lists.rules(),
        ms(builds[0]),
        ms(builds[1]),
    );

    let dir = corpus::dir();
    let pages = corpus::load_all(&dir).unwrap_or_else(|e| fail(e));
    let rules = SiteRules::builtin();
    let opts = DiscoverOptions::default();
    let show = std::env::var_os("IMAGO_BENCH_BLOCKED").is_some();
    // Per page set: pages, images found, images the lists name, pages with one or more.
    let mut sets: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    let mut hosts: BTreeMap<String, usize> = BTreeMap::new();
    let mut checks = 0usize;
    let mut check_time = Duration::ZERO;
    for page in &pages {
        let set = page
            .file
            .trim_start_matches("pages/")
            .split('-')
            .next()
            .unwrap_or("?");
        let images = merge(discover_html(&page.html, &page.url, &opts, &rules).candidates);
        let t = Instant::now();
        let blocked: Vec<&str> = images
            .iter()
            .map(|i| i.url.as_str())
            .filter(|u| lists.blocks_image(u, page.url.as_str()))
            .collect();
        check_time += t.elapsed();
        checks += images.len();
        let row = sets.entry(set).or_default();
        row[0] += 1;
        row[1] += images.len();
        row[2] += blocked.len();
        row[3] += usize::from(!blocked.is_empty());
        for u in &blocked {
            let host = url::Url::parse(u)
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_default();
            *hosts.entry(host).or_default() += 1;
            if show {
                println!("  {}\t{u}", page.file);
            }
        }
    }
    println!(
        "| pages | count | images found | named by the lists | kept | pages with one or more |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (set, [n, found, blocked, with]) in &sets {
        println!(
            "| {set} | {n} | {found} | {blocked} ({:.1}%) | {} | {with} |",
            100.0 * *blocked as f64 / (*found).max(1) as f64,
            found - blocked
        );
    }
    println!(
        "matching: {checks} images in {:.1} ms = {:.1} µs per image",
        ms(check_time),
        check_time.as_secs_f64() * 1e6 / checks.max(1) as f64
    );
    let mut top: Vec<(usize, String)> = hosts.into_iter().map(|(h, n)| (n, h)).collect();
    top.sort_by(|a, b| b.cmp(a));
    let top: Vec<String> = top
        .iter()
        .take(8)
        .map(|(n, h)| format!("{h} {n}"))
        .collect();
    println!("most named hosts: {}", top.join(", "));
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
