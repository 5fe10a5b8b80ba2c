//! Lists the images of the whole corpus whose URL has no image extension, by source kind,
//! for review by hand: they are where discovery may take a page link for an image (not a
//! test: it asserts nothing).
//!
//! ```text
//! cargo run -p imago-core --example corpus_extensionless
//! ```

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::siterules::SiteRules;

#[path = "../tests/support/corpus.rs"]
mod corpus;

fn main() {
    let pages = corpus::load_all(&corpus::dir()).unwrap_or_else(|e| {
        eprintln!("corpus_extensionless: {e}");
        std::process::exit(2);
    });
    let rules = SiteRules::empty();
    for p in pages {
        let c = discover_html(&p.html, &p.url, &DiscoverOptions::default(), &rules);
        for i in merge(c.candidates) {
            if imago_core::urls::image_extension(&i.url).is_none() && !i.url.starts_with("data:") {
                let mut u = i.url.clone();
                u.truncate(150);
                let name = p.file.trim_start_matches("pages/");
                println!(
                    "{:<10} {} {}",
                    i.source.as_str(),
                    &name[..name.len().min(12)],
                    u
                );
            }
        }
    }
}
