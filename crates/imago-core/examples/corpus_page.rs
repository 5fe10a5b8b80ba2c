//! What discovery finds on one corpus page, for reading by hand next to the page source
//! (not a test: it asserts nothing).
//!
//! ```text
//! cargo run -p imago-core --example corpus_page -- product-0094          # built-in site rules
//! cargo run -p imago-core --example corpus_page -- product-0094 --deep --no-rules
//! ```

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::siterules::SiteRules;

#[path = "../tests/support/corpus.rs"]
mod corpus;

fn main() {
    let mut prefix = "article-001".to_string();
    let (mut deep, mut rules) = (false, SiteRules::builtin());
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--deep" => deep = true,
            "--no-rules" => rules = SiteRules::empty(),
            a if a.starts_with('-') => {
                eprintln!("corpus_page: unknown option {a} (use --deep, --no-rules)");
                std::process::exit(2);
            }
            a => prefix = a.to_string(),
        }
    }
    let p = corpus::find(&corpus::dir(), &prefix).unwrap_or_else(|e| {
        eprintln!("corpus_page: {e}");
        std::process::exit(2);
    });
    let c = discover_html(
        &p.html,
        &p.url,
        &DiscoverOptions {
            deep,
            ..Default::default()
        },
        &rules,
    );
    let images = merge(c.candidates.clone());
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
