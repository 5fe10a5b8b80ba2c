//! A product page's fields: title, price, SKU, brand, availability, ... each with the
//! source it came from. Sources in order of trust: the site's rule (`[site.fields]`:
//! selectors and URL patterns), JSON-LD (`jsonld`), then microdata, RDFa and `<meta>`
//! tags (`markup`: itemprop, property, OpenGraph and `product:` properties), then the
//! visible page and the URL (`markup`, `labels`, `url_id`). The first source that says
//! a field wins it.

mod availability;
pub mod export;
pub mod gallery;
mod jsonld;
mod labels;
mod markup;
mod price;
mod url_id;
mod variants;

use serde::Serialize;
use url::Url;

use crate::siterules::{FieldRule, SiteRules};

pub use availability::availability;
/// The visible text of HTML as the field readers see it (for the site-rule learner).
pub(crate) use labels::visible_text;
pub use price::{parse_price, Price};
pub use variants::Variant;

/// Where a field came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// A site rule's `[site.fields]`.
    SiteRule,
    JsonLd,
    Microdata,
    Rdfa,
    Meta,
    /// The visible page (a price- or stock-looking element, a labelled code) or an id in
    /// the page's URL.
    Heuristic,
}

/// A field's value and its source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Found<T> {
    pub value: T,
    pub source: Source,
}

/// What a page says about its product. `None`: the page does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Product {
    pub title: Option<Found<String>>,
    pub price: Option<Found<Price>>,
    /// The price before a sale, when the page shows both (above the price, or dropped).
    pub list_price: Option<Found<Price>>,
    pub sku: Option<Found<String>>,
    pub mpn: Option<Found<String>>,
    pub gtin: Option<Found<String>>,
    pub brand: Option<Found<String>>,
    /// A schema.org `ItemAvailability` name: `InStock`, `OutOfStock`, `PreOrder`, ...
    pub availability: Option<Found<String>>,
    pub description: Option<Found<String>>,
    /// Image URLs the structured data names, as written (not resolved).
    pub images: Vec<String>,
    /// The sizes, colours, ... it is sold in, each with its own SKU, price, stock and
    /// pictures (from the structured data).
    pub variants: Vec<Variant>,
    /// What a shopper picks from: `{"size": ["S", "M"], "color": ["Red"]}`, from the
    /// variants, else the page's size and colour pickers.
    pub options: std::collections::BTreeMap<String, Vec<String>>,
}

/// The fields one source found, before they are merged by trust.
#[derive(Clone, Debug, Default)]
pub(crate) struct Fields {
    pub title: Option<String>,
    /// The amount as written, and the currency the source gives beside it.
    pub price: Option<(String, Option<String>)>,
    pub list_price: Option<(String, Option<String>)>,
    pub sku: Option<String>,
    pub mpn: Option<String>,
    pub gtin: Option<String>,
    pub brand: Option<String>,
    pub availability: Option<String>,
    pub description: Option<String>,
    pub images: Vec<String>,
    pub variants: Vec<variants::RawVariant>,
}

impl Fields {
    /// The slot of a text field by its name (`title`, `sku`, `mpn`, `gtin`, `brand`,
    /// `availability`, `description`); `None` for the price and unknown names.
    pub(crate) fn text_slot(&mut self, field: &str) -> Option<&mut Option<String>> {
        Some(match field {
            "title" => &mut self.title,
            "sku" => &mut self.sku,
            "mpn" => &mut self.mpn,
            "gtin" => &mut self.gtin,
            "brand" => &mut self.brand,
            "availability" => &mut self.availability,
            "description" => &mut self.description,
            _ => return None,
        })
    }
}

/// The product fields of `html`, a page saved from `page_url` (its host picks the site
/// rules of `rules` and hints at the currency a bare `$` or `¥` means).
pub fn extract(html: &str, page_url: &str, rules: &SiteRules) -> Product {
    let url = Url::parse(page_url).ok();
    let field_rules = url
        .as_ref()
        .map(|u| rules.fields_for(u))
        .unwrap_or_default();
    // The product's own parts: a rule's `others` (carousels of other products) hold
    // decoy prices and stock lines.
    let page_rules = url
        .as_ref()
        .map(|u| rules.for_page(u, true))
        .unwrap_or_default();
    let selectors: Vec<_> = field_rules
        .iter()
        .filter_map(|(field, rule)| match rule {
            FieldRule::Selector(s) => Some((*field, s)),
            FieldRule::Url(_) => None,
        })
        .collect();
    let markup = markup::fields(html, &selectors, &page_rules.exclude);
    let mut by_rule = markup.rule;
    for (field, rule) in &field_rules {
        if let FieldRule::Url(re) = rule {
            let value = re
                .captures(page_url)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_string());
            if let Some(v) = value {
                markup::set_rule(field, &v, &mut by_rule);
            }
        }
    }
    let shows_prices = markup.shows_prices;
    let mut page = markup.page;
    let visible = labels::visible_text(html);
    page.sku = labels::labelled_sku(&visible).or_else(|| url_id::id_in_url(page_url));
    // A price written in words, in the page's description (`直購價：$294`, what the
    // shop says its price is) or on the page (where a label may sit beside digits
    // drawn apart, one per element).
    if page.price.is_none() {
        page.price = markup
            .meta
            .description
            .as_deref()
            .and_then(labels::labelled_price)
            .or_else(|| labels::labelled_price(&visible))
            .map(|raw| (raw, None));
    }
    // What the visible page shows as the price and as the price before a sale.
    let shown = (
        page.price
            .as_ref()
            .and_then(|(raw, cur)| price::structured(raw, cur.as_deref(), page_url)),
        page.list_price
            .as_ref()
            .and_then(|(raw, cur)| price::structured(raw, cur.as_deref(), page_url)),
    );
    let mut product = Product::default();
    for (fields, source) in [
        (by_rule, Source::SiteRule),
        (jsonld::fields(html), Source::JsonLd),
        (markup.micro, Source::Microdata),
        (markup.rdfa, Source::Rdfa),
        (markup.meta, Source::Meta),
        (page, Source::Heuristic),
    ] {
        merge(&mut product, fields, source, page_url);
    }
    product.options = variants::options_of(&product.variants, variants::page_options(html));
    // Structured data that lags a sale: its price is the one the page shows struck out
    // ("€ 18,00" barred beside "17,10"), so the page's lower price is what is paid.
    if let (Some(p), (Some(now), Some(was))) = (&product.price, shown) {
        let n = |v: &Price| v.amount.parse::<f64>().ok();
        let structured = !matches!(p.source, Source::SiteRule | Source::Heuristic);
        if structured
            && n(&p.value) == n(&was)
            && matches!((n(&now), n(&p.value)), (Some(a), Some(b)) if a < b)
        {
            product.list_price = product.price.take();
            product.price = Some(Found {
                value: now,
                source: Source::Heuristic,
            });
        }
    }
    // A list price is the higher one shown beside the price; anything else is not.
    let amount =
        |f: &Option<Found<Price>>| f.as_ref().and_then(|f| f.value.amount.parse::<f64>().ok());
    if !matches!((amount(&product.list_price), amount(&product.price)), (Some(l), Some(p)) if l > p)
    {
        product.list_price = None;
    }
    // A shop shows a price to pay for what it sells; one that says nothing of stock
    // sells what it shows (an out-of-stock page says so, and was read above). The
    // product's own price may sit where no rule reads it while the page still shows
    // prices.
    if product.availability.is_none() && (product.price.is_some() || shows_prices) {
        product.availability = Some(Found {
            value: "InStock".into(),
            source: Source::Heuristic,
        });
    }
    product
}

fn merge(p: &mut Product, f: Fields, source: Source, page_url: &str) {
    fn take(slot: &mut Option<Found<String>>, value: Option<String>, source: Source) {
        if slot.is_none() {
            *slot = value.map(|value| Found { value, source });
        }
    }
    take(&mut p.title, f.title, source);
    take(&mut p.sku, f.sku, source);
    take(&mut p.mpn, f.mpn, source);
    take(&mut p.gtin, f.gtin, source);
    take(&mut p.brand, f.brand, source);
    take(&mut p.description, f.description, source);
    if p.availability.is_none() {
        p.availability = f
            .availability
            .as_deref()
            .and_then(availability)
            .map(|a| Found {
                value: a.to_string(),
                source,
            });
    }
    // A zero is a placeholder ("price on request"), not a price to pay.
    let read = |raw: Option<(String, Option<String>)>| {
        let (raw, currency) = raw?;
        price::structured(&raw, currency.as_deref(), page_url)
            .filter(|v| v.amount.bytes().any(|b| (b'1'..=b'9').contains(&b)))
            .map(|value| Found { value, source })
    };
    if p.price.is_none() {
        p.price = read(f.price);
    }
    if p.list_price.is_none() {
        p.list_price = read(f.list_price);
    }
    if p.images.is_empty() {
        p.images = f.images;
    }
    if p.variants.is_empty() {
        p.variants = f
            .variants
            .into_iter()
            .map(|v| v.normalize(page_url))
            .collect();
    }
}

/// Whitespace runs as one space, trimmed; `None` when nothing is left.
pub(crate) fn clean_text(s: &str) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_price_without_a_word_on_stock_is_in_stock_and_a_stock_line_says_otherwise() {
        let rules = SiteRules::empty();
        let shown = extract(
            r#"<h1>Lamp</h1><span class="price">€19,99</span>"#,
            "https://shop.example.de/lamp",
            &rules,
        );
        let a = shown.availability.unwrap();
        assert_eq!((a.value.as_str(), a.source), ("InStock", Source::Heuristic));
        assert_eq!(shown.price.unwrap().value.amount, "19.99");
        let gone = extract(
            r#"<h1>Lamp</h1><span class="price">€19,99</span><p class="stock">Ausverkauft</p>"#,
            "https://shop.example.de/lamp",
            &rules,
        );
        assert_eq!(gone.availability.unwrap().value, "OutOfStock");
        let nothing = extract("<p>Hello</p>", "https://blog.example/", &rules);
        assert!(nothing.availability.is_none() && nothing.price.is_none());
    }
}
