//! `imago rewrite URL...`: what the HD rules would try, best first.

use anyhow::Result;
use serde_json::json;

use crate::cli::RewriteArgs;
use crate::{settings, Outcome};

pub fn run(args: RewriteArgs) -> Result<Outcome> {
    let rules = settings::hd_rules(args.hd_rules.as_deref())?;
    for url in &args.urls {
        let cands = rules.candidates(url);
        if args.json {
            let list: Vec<_> = cands
                .iter()
                .map(|c| json!({"url": c.url, "rule": c.rule}))
                .collect();
            crate::out::line(&json!({"url": url, "candidates": list}).to_string());
        } else if cands.is_empty() {
            eprintln!("{url}: no HD rule matches; the URL is used as it is");
        } else {
            for c in &cands {
                crate::out::line(&format!("{}\t{}", c.url, c.rule));
            }
        }
    }
    Ok(Outcome::Done)
}
