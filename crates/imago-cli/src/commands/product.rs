//! `imago product`: a shop page's product fields (`imago_core::product`), one line or one
//! JSON object per page. A page that was read is a success even when it names no
//! product (its fields are null); one that could not be read fails alone (exit 1, or 2
//! for bad input).

use anyhow::Result;
use imago_core::product::export::to_json;
use imago_core::product::{extract, Found, Product};
use imago_engine::grab::load_html;
use imago_engine::Client;

use crate::cli::ProductArgs;
use crate::{settings, Outcome};

pub async fn run(args: ProductArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.given)?;
    let rules = settings::site_rules(args.site_rules.as_deref())?;
    let client = Client::new(settings::client(&args.net)?)?;
    let mut outcome = Outcome::Done;
    for input in &pages {
        let (url, html) = match load_html(&client, input).await {
            Ok(page) => page,
            Err(e) => {
                eprintln!("imago: {e}");
                outcome = if e.is_bad_input() || outcome == Outcome::BadInput {
                    Outcome::BadInput
                } else {
                    Outcome::SomeFailed
                };
                continue;
            }
        };
        let product = extract(&html, url.as_str(), &rules);
        drop(html);
        if args.json {
            crate::out::line(&to_json(url.as_str(), &product).to_string());
        } else {
            crate::out::line(&plain(url.as_str(), &product));
        }
    }
    Ok(outcome)
}

/// `URL  title  1299.00 EUR  sku AB-1  InStock`, tab-separated, `-` for what is missing.
fn plain(url: &str, p: &Product) -> String {
    let text = |f: &Option<Found<String>>| f.as_ref().map_or("-".to_string(), |f| f.value.clone());
    let price = p.price.as_ref().map_or("-".to_string(), |f| {
        let v = &f.value;
        match &v.currency {
            Some(c) => format!("{} {c}", v.amount),
            None => v.amount.clone(),
        }
    });
    [
        url.to_string(),
        text(&p.title),
        price,
        text(&p.sku),
        text(&p.availability),
    ]
    .join("\t")
}
