//! `imago product`: a shop page's product fields (`imago_core::product`), one line or one
//! JSON object per page. A page that was read is a success even when it names no
//! product (its fields are null); one that could not be read fails alone (exit 1, or 2
//! for bad input).

use anyhow::Result;
use imago_core::product::export::to_json;
use imago_core::product::{extract, Found, Product};
use imago_engine::grab::{load_html, PageInput};
use imago_engine::render::Renderer;
use imago_engine::Client;
use url::Url;

use crate::cli::ProductArgs;
use crate::{settings, Outcome};

pub async fn run(args: ProductArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.given)?;
    let rules = settings::site_rules(args.site_rules.as_deref())?;
    let client = Client::new(settings::client(&args.net)?)?;
    let renderer = super::render::renderer(&args.render, &args.net)?;
    let work = async {
        let mut outcome = Outcome::Done;
        for input in &pages {
            let (url, html) = match read(&client, renderer.as_deref(), input).await {
                Ok(page) => page,
                Err((message, bad_input)) => {
                    eprintln!("imago: {message}");
                    outcome = if bad_input || outcome == Outcome::BadInput {
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
        outcome
    };
    let outcome = super::render::until_interrupted(&renderer, work).await;
    super::render::finish(renderer).await;
    outcome
}

/// The page's HTML: as its scripts leave it with `--render` (a web page), else as
/// served or saved. An error is its message and whether it is bad input (exit 2).
async fn read(
    client: &Client,
    renderer: Option<&Renderer>,
    input: &PageInput,
) -> Result<(Url, String), (String, bool)> {
    if let (Some(renderer), PageInput::Url(url)) = (renderer, input) {
        let rendered = renderer
            .render(url)
            .await
            .map_err(|e| (format!("{url}: --render: {e}"), false))?;
        for w in &rendered.warnings {
            eprintln!("imago: {w}");
        }
        if let Some(html) = rendered.html {
            return Ok((rendered.page_url, html));
        }
    } else if let (Some(_), PageInput::File { path, .. }) = (renderer, input) {
        eprintln!(
            "imago: {}: --render reads web pages only; this saved file was read as HTML",
            path.display()
        );
    }
    load_html(client, input)
        .await
        .map_err(|e| (e.to_string(), e.is_bad_input()))
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
