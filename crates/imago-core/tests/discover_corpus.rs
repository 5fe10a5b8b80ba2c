//! Discovery over the 270 real pages of `shared/corpus`: no panic, sane output, and spot
//! checks of images read from the page sources by hand.

use imago_core::discover::{discover_html, Collected, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::model::{Image, SourceKind};
use imago_core::siterules::SiteRules;
use std::io::Read;
use url::Url;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

struct Page {
    file: String,
    url: Url,
    html: String,
}

fn manifest() -> Vec<(String, Url)> {
    let text =
        std::fs::read_to_string(format!("{CORPUS}/manifest.jsonl")).expect("corpus manifest");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("manifest line");
            let file = v["file"].as_str().expect("file").to_string();
            let url = Url::parse(v["url"].as_str().expect("url")).expect("manifest url");
            (file, url)
        })
        .collect()
}

fn read_page(file: &str, url: Url) -> Page {
    let bytes = std::fs::read(format!("{CORPUS}/{file}")).expect("page file");
    let mut gz = flate2::read::GzDecoder::new(&bytes[..]);
    let mut raw = Vec::new();
    gz.read_to_end(&mut raw).expect("gunzip");
    Page {
        file: file.to_string(),
        url,
        html: String::from_utf8_lossy(&raw).into_owned(),
    }
}

fn page(prefix: &str) -> Page {
    let (file, url) = manifest()
        .into_iter()
        .find(|(f, _)| f.starts_with(&format!("pages/{prefix}")))
        .unwrap_or_else(|| panic!("no page {prefix}"));
    read_page(&file, url)
}

fn run(p: &Page, deep: bool) -> (Collected, Vec<Image>) {
    run_with(p, deep, &SiteRules::builtin())
}

fn run_with(p: &Page, deep: bool, rules: &SiteRules) -> (Collected, Vec<Image>) {
    let opts = DiscoverOptions { deep };
    let c = discover_html(&p.html, &p.url, &opts, rules);
    let images = merge(c.candidates.clone());
    (c, images)
}

fn find<'a>(images: &'a [Image], url: &str) -> Option<&'a Image> {
    images
        .iter()
        .find(|i| i.url == url || i.alternates.iter().any(|a| a == url))
}

/// Prints what discovery finds on one page: `PAGE=product-0094 cargo test -p
/// imago-core --test discover_corpus dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump() {
    let prefix = std::env::var("PAGE").unwrap_or_else(|_| "article-001".into());
    let deep = std::env::var("DEEP").is_ok();
    let p = page(&prefix);
    let rules = if std::env::var("NORULES").is_ok() {
        SiteRules::empty()
    } else {
        SiteRules::builtin()
    };
    let (c, images) = run_with(&p, deep, &rules);
    println!("{} {} title={:?}", p.file, p.url, c.title);
    println!("stylesheets={:?}\niframes={:?}", c.stylesheets, c.iframes);
    for i in &images {
        let mut u = i.url.clone();
        u.truncate(160);
        println!(
            "{:>5} {:<10} {} w={:?} alt={:?} alts={} src={:?}",
            i.order,
            i.source.as_str(),
            u,
            i.width,
            i.alt
                .as_deref()
                .map(|a| a.chars().take(30).collect::<String>()),
            i.alternates.len(),
            i.sources
        );
    }
    println!("{} candidates, {} images", c.candidates.len(), images.len());
}

/// Every page: no panic, absolute http(s)/data URLs only, no placeholder chosen, page
/// order kept, and (over the whole corpus) plenty of images found.
#[test]
fn every_corpus_page_gives_sane_output() {
    let mut total_images = 0;
    let mut pages_without = Vec::new();
    for (file, url) in manifest() {
        let p = read_page(&file, url);
        for deep in [false, true] {
            let (c, images) = run(&p, deep);
            for cand in &c.candidates {
                assert!(
                    cand.url.starts_with("https://")
                        || cand.url.starts_with("http://")
                        || cand.url.starts_with("data:image/"),
                    "{file}: {}",
                    cand.url
                );
                if !cand.url.starts_with("data:") {
                    assert!(
                        !cand.url.contains(char::is_whitespace),
                        "{file}: {}",
                        cand.url
                    );
                }
            }
            let mut seen = std::collections::HashSet::new();
            for (k, img) in images.iter().enumerate() {
                assert!(
                    !imago_core::urls::is_placeholder(&img.url),
                    "{file}: placeholder {}",
                    img.url
                );
                assert!(
                    seen.insert(img.url.clone()),
                    "{file}: {} reported twice",
                    img.url
                );
                assert!(!img.alternates.contains(&img.url), "{file}");
                assert!(img.sources.contains(&img.source), "{file}");
                if k > 0 {
                    assert!(images[k - 1].order <= img.order, "{file}: order");
                }
            }
            for s in &c.stylesheets {
                assert!(Url::parse(s).is_ok(), "{file}: {s}");
            }
            if !deep {
                total_images += images.len();
                if images.is_empty() {
                    pages_without.push(file.clone());
                }
            }
        }
    }
    // Some of Readability's test pages are text only: a page may come out empty only
    // when it has no `<img` at all.
    for file in &pages_without {
        let (f, u) = manifest()
            .into_iter()
            .find(|(f, _)| f == file)
            .expect("listed");
        let p = read_page(&f, u);
        let has_img = p.html.to_ascii_lowercase().contains("<img");
        assert!(!has_img, "{file} has <img> but no image found");
    }
    assert!(
        total_images > 270 * 10,
        "only {total_images} images over the corpus"
    );
}

/// Throughput of `discover_html` over the corpus (run by hand, in release mode):
/// `cargo test --release -p imago-core --test discover_corpus -- --ignored --nocapture throughput`.
#[test]
#[ignore]
fn throughput() {
    let pages: Vec<Page> = manifest()
        .into_iter()
        .map(|(f, u)| read_page(&f, u))
        .collect();
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    let rules = SiteRules::builtin();
    let opts = DiscoverOptions::default();
    let mut found = 0;
    let rounds = 3;
    let start = std::time::Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            let c = discover_html(&p.html, &p.url, &opts, &rules);
            found += merge(c.candidates).len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "discover_html + merge: {:.1} MB in {:.3}s = {:.0} MB/s ({} pages x {rounds}, {} images per round)",
        mb,
        secs,
        mb / secs,
        pages.len(),
        found / rounds
    );
}
