//! `imago rewrite URL...`: what the HD rules would try, best first.

use anyhow::Result;
use serde_json::json;

use crate::cli::RewriteArgs;
use crate::{settings, Outcome};

pub fn run(args: RewriteArgs) -> Result<Outcome> {
    let pack = settings::hd_rules(args.rules.as_deref())?;
    for url in &args.urls {
        let cands = pack.candidates(url);
        if args.json {
            let list: Vec<_> = cands
                .iter()
                .map(|c| json!({"url": c.url, "rule": c.rule}))
                .collect();
            println!("{}", json!({"url": url, "candidates": list}));
        } else if cands.is_empty() {
            eprintln!("{url}: no HD rule matches; the URL is used as it is");
        } else {
            for c in &cands {
                println!("{}\t{}", c.url, c.rule);
            }
        }
    }
    Ok(Outcome::Done)
}
