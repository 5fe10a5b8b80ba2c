//! `imago product`: a shop page's product fields (`imago_core::product`), one line or one
//! JSON object per page. A page that was read is a success even when it names no
//! product (its fields are null); one that could not be read fails alone (exit 1, or 2
//! for bad input).

use anyhow::Result;
use imago_core::product::{extract, Found, Product};
use imago_engine::grab::load_html;
use imago_engine::Client;
use serde::Serialize;
use serde_json::{json, Map, Value};

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

/// `{"url", "title", "price": {"amount", "currency", "raw"} | null, "list_price", "sku",
/// ..., "images",
/// "source": {field: "siterule" | "jsonld" | "microdata" | "rdfa" | "meta" | "heuristic"}}`.
fn to_json(url: &str, p: &Product) -> Value {
    let mut source = Map::new();
    let title = field(&mut source, "title", &p.title);
    let price = field(&mut source, "price", &p.price);
    let list_price = field(&mut source, "list_price", &p.list_price);
    let sku = field(&mut source, "sku", &p.sku);
    let mpn = field(&mut source, "mpn", &p.mpn);
    let gtin = field(&mut source, "gtin", &p.gtin);
    let brand = field(&mut source, "brand", &p.brand);
    let availability = field(&mut source, "availability", &p.availability);
    let description = field(&mut source, "description", &p.description);
    json!({
        "url": url,
        "title": title,
        "price": price,
        "list_price": list_price,
        "sku": sku,
        "mpn": mpn,
        "gtin": gtin,
        "brand": brand,
        "availability": availability,
        "description": description,
        "images": p.images,
        "source": source,
    })
}

/// A field's value, its source noted in `source`; `null` when the page does not say.
fn field<T: Serialize>(source: &mut Map<String, Value>, name: &str, f: &Option<Found<T>>) -> Value {
    match f {
        Some(found) => {
            source.insert(name.into(), json!(found.source));
            json!(found.value)
        }
        None => Value::Null,
    }
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
