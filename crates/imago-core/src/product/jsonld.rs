//! Product fields from JSON-LD: `Product` (and `ProductGroup`, `IndividualProduct`,
//! `ProductModel`) wherever it sits (top level, arrays, `@graph`, `mainEntity`), its
//! `offers` (`Offer`, `AggregateOffer`, arrays, `priceSpecification`), `brand` as a
//! name or an object, and `@id` references to nodes elsewhere on the page.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::variants::{RawVariant, OPTION_KEYS};
use super::{clean_text, Fields};
use crate::discover::jsonld::values;
use crate::html::{attr, Token, Tokenizer};

const PRODUCT_TYPES: [&str; 4] = [
    "Product",
    "ProductGroup",
    "IndividualProduct",
    "ProductModel",
];
/// Deeper than any real page nests; hostile input stops here.
const MAX_DEPTH: u32 = 32;

pub(crate) fn fields(html: &str) -> Fields {
    let mut nodes: Vec<Value> = Vec::new();
    let mut tokens = Tokenizer::new(html);
    let mut attrs = Vec::new();
    let mut in_ld = false;
    while let Some(token) = tokens.next_token(&mut attrs) {
        match token {
            Token::Start { name, .. } if name.eq_ignore_ascii_case("script") => {
                in_ld = attr(&attrs, "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
            }
            Token::Text(text) if in_ld => {
                nodes.extend(values(text));
                in_ld = false;
            }
            _ => in_ld = false,
        }
    }
    let mut objects = Vec::new();
    for v in &nodes {
        collect(v, &mut objects, 0);
    }
    let ids: HashMap<&str, &Map<String, Value>> = objects
        .iter()
        .filter_map(|o| Some((o.get("@id")?.as_str()?, *o)))
        .filter(|(_, o)| o.len() > 1)
        .collect();
    let Some(product) = objects.iter().find(|o| is_type(o, &PRODUCT_TYPES)) else {
        return Fields::default();
    };
    let mut f = read_product(product, &ids, 0);
    f.variants = variants(product, &objects, &ids);
    f
}

/// Most variants read from one page: a catalogue of thousands is not one product.
const MAX_VARIANTS: usize = 256;

/// The variants of `product`: its `hasVariant` list, else the products of the page that
/// say `isVariantOf` it (by `@id` or `productGroupID`).
fn variants(
    product: &Map<String, Value>,
    objects: &[&Map<String, Value>],
    ids: &HashMap<&str, &Map<String, Value>>,
) -> Vec<RawVariant> {
    let varies_by: Vec<String> = match product.get("variesBy") {
        Some(Value::Array(a)) => a.iter().filter_map(|v| text(Some(v))).collect(),
        Some(v) => text(Some(v)).into_iter().collect(),
        None => Vec::new(),
    };
    let keys: Vec<String> = varies_by
        .iter()
        .map(|k| k.rsplit(['/', ':']).next().unwrap_or(k).to_string())
        .collect();
    let mut found: Vec<&Map<String, Value>> = nodes(product, "hasVariant", ids);
    if found.is_empty() {
        let own_id = product.get("@id").and_then(Value::as_str);
        let group_id = text(product.get("productGroupID"));
        found = objects
            .iter()
            .filter(|o| is_type(o, &PRODUCT_TYPES) && !std::ptr::eq(**o, product))
            .filter(|o| {
                nodes(o, "isVariantOf", ids).iter().any(|g| {
                    std::ptr::eq(*g, product)
                        || (own_id.is_some() && g.get("@id").and_then(Value::as_str) == own_id)
                        || (group_id.is_some() && text(g.get("productGroupID")) == group_id)
                })
            })
            .copied()
            .collect();
    }
    found
        .into_iter()
        .take(MAX_VARIANTS)
        .map(|v| variant(v, &keys, ids))
        .collect()
}

fn variant(
    v: &Map<String, Value>,
    keys: &[String],
    ids: &HashMap<&str, &Map<String, Value>>,
) -> RawVariant {
    let inner = read_product(v, ids, 4);
    let mut options = std::collections::BTreeMap::new();
    let wanted: Vec<&str> = if keys.is_empty() {
        OPTION_KEYS.to_vec()
    } else {
        keys.iter().map(String::as_str).collect()
    };
    for key in wanted {
        if let Some(value) = text(v.get(key)) {
            options.insert(key.to_string(), value);
        }
    }
    // `additionalProperty: [{"name": "Size", "value": "M"}]`.
    for prop in nodes(v, "additionalProperty", ids) {
        if let (Some(name), Some(value)) = (text(prop.get("name")), text(prop.get("value"))) {
            let name = name.to_lowercase();
            if name.len() <= 40 && !options.contains_key(&name) {
                options.insert(name, value);
            }
        }
    }
    RawVariant {
        options,
        name: inner.title,
        sku: inner.sku,
        gtin: inner.gtin,
        price: inner.price,
        availability: inner.availability,
        images: inner.images,
        url: text(v.get("url")),
    }
}

/// Every object in `v`, depth first, in document order.
fn collect<'a>(v: &'a Value, out: &mut Vec<&'a Map<String, Value>>, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| collect(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(o);
            o.values().for_each(|x| collect(x, out, depth + 1));
        }
        _ => {}
    }
}

fn is_type(o: &Map<String, Value>, names: &[&str]) -> bool {
    let matches = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        names.contains(&t)
    };
    match o.get("@type") {
        Some(Value::String(t)) => matches(t),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).any(matches),
        _ => false,
    }
}

/// `v`, or the node it references by `@id`.
fn resolve<'a>(
    v: &'a Value,
    ids: &HashMap<&str, &'a Map<String, Value>>,
) -> Option<&'a Map<String, Value>> {
    let o = v.as_object()?;
    match o.get("@id").and_then(Value::as_str) {
        Some(id) if o.len() == 1 => ids.get(id).copied(),
        _ => Some(o),
    }
}

/// The nodes under `key` of `o`: one or a list, `@id` references resolved.
fn nodes<'a>(
    o: &'a Map<String, Value>,
    key: &str,
    ids: &HashMap<&str, &'a Map<String, Value>>,
) -> Vec<&'a Map<String, Value>> {
    match o.get(key) {
        Some(Value::Array(a)) => a.iter().filter_map(|x| resolve(x, ids)).collect(),
        Some(v) => resolve(v, ids).into_iter().collect(),
        None => Vec::new(),
    }
}

/// A string, a number, or the first of a list of them.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => clean_text(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x))),
        _ => None,
    }
}

/// `depth` bounds the walk through variants and nested offers, which `@id` references
/// can make a cycle.
fn read_product(
    p: &Map<String, Value>,
    ids: &HashMap<&str, &Map<String, Value>>,
    depth: u32,
) -> Fields {
    let mut f = Fields {
        title: text(p.get("name")),
        sku: text(p.get("sku")).or_else(|| text(p.get("productID"))),
        mpn: text(p.get("mpn")),
        gtin: ["gtin", "gtin13", "gtin12", "gtin14", "gtin8"]
            .iter()
            .find_map(|k| text(p.get(*k))),
        description: text(p.get("description")),
        ..Fields::default()
    };
    f.brand = p.get("brand").and_then(|b| match b {
        Value::Object(_) => resolve(b, ids).and_then(|o| text(o.get("name"))),
        Value::Array(a) => a.iter().find_map(|x| {
            resolve(x, ids)
                .and_then(|o| text(o.get("name")))
                .or_else(|| text(Some(x)))
        }),
        other => text(Some(other)),
    });
    f.images = images(p.get("image"));
    let offers = nodes(p, "offers", ids);
    // One offer per size or colour: the product is in stock when any of them is.
    let mut stock: Vec<String> = Vec::new();
    for offer in offers {
        if f.price.is_none() {
            f.price = offer_price(offer, ids, depth + 1);
        }
        stock.extend(text(offer.get("availability")));
        if f.list_price.is_none() {
            f.list_price = list_price(offer, ids);
        }
        if f.sku.is_none() {
            f.sku = text(offer.get("sku"));
        }
    }
    f.availability = stock
        .iter()
        .find(|a| super::availability(a) == Some("InStock"))
        .or(stock.first())
        .cloned();
    // A product group's variants carry what the group does not.
    if let Some(Value::Array(variants)) = p.get("hasVariant").filter(|_| depth < 4) {
        let mut stock: Vec<String> = Vec::new();
        for v in variants.iter().filter_map(|x| resolve(x, ids)) {
            let inner = read_product(v, ids, depth + 1);
            if f.price.is_none() {
                f.price = inner.price;
            }
            stock.extend(inner.availability);
        }
        // In stock when one variant is, as with offers.
        if f.availability.is_none() {
            f.availability = stock
                .iter()
                .find(|a| super::availability(a) == Some("InStock"))
                .or(stock.first())
                .cloned();
        }
    }
    f
}

fn offer_price(
    o: &Map<String, Value>,
    ids: &HashMap<&str, &Map<String, Value>>,
    depth: u32,
) -> Option<(String, Option<String>)> {
    if depth > 8 {
        return None;
    }
    let currency = text(o.get("priceCurrency"));
    if let Some(price) = text(o.get("price")).or_else(|| text(o.get("lowPrice"))) {
        return Some((price, currency));
    }
    // `priceSpecification`, one or a list; then nested offers (`AggregateOffer.offers`).
    for spec in nodes(o, "priceSpecification", ids) {
        if is_list_price(spec) {
            continue;
        }
        if let Some(price) = text(spec.get("price")) {
            return Some((price, text(spec.get("priceCurrency")).or(currency)));
        }
    }
    nodes(o, "offers", ids)
        .into_iter()
        .find_map(|inner| offer_price(inner, ids, depth + 1))
}

/// A `priceSpecification` that gives the price before a sale (`priceType` ListPrice,
/// StrikethroughPrice, MSRP).
fn is_list_price(spec: &Map<String, Value>) -> bool {
    text(spec.get("priceType")).is_some_and(|t| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(&t).to_string();
        matches!(
            t.as_str(),
            "ListPrice" | "StrikethroughPrice" | "MSRP" | "SRP"
        )
    })
}

/// The list price among an offer's `priceSpecification`s.
fn list_price(
    o: &Map<String, Value>,
    ids: &HashMap<&str, &Map<String, Value>>,
) -> Option<(String, Option<String>)> {
    nodes(o, "priceSpecification", ids)
        .into_iter()
        .filter(|s| is_list_price(s))
        .find_map(|s| {
            let price = text(s.get("price"))?;
            Some((
                price,
                text(s.get("priceCurrency")).or_else(|| text(o.get("priceCurrency"))),
            ))
        })
}

fn images(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().flat_map(|x| images(Some(x))).collect(),
        Some(Value::Object(o)) => ["contentUrl", "url"]
            .iter()
            .find_map(|k| {
                o.get(*k)
                    .and_then(Value::as_str)
                    .map(|s| vec![s.to_string()])
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ld: &str) -> String {
        format!("<html><head><script type=\"application/ld+json\">{ld}</script></head></html>")
    }

    #[test]
    fn a_product_in_a_graph_with_an_aggregate_offer_and_a_brand_by_reference() {
        let f = fields(&page(
            r##"{"@context":"https://schema.org","@graph":[
              {"@type":"Organization","@id":"#org","name":"Acme"},
              {"@type":["Product"],"name":" Red  shoe ","sku":12345,"gtin13":"4006381333931",
               "brand":{"@id":"#org"},"image":["a.jpg",{"url":"b.jpg"}],
               "offers":{"@type":"AggregateOffer","lowPrice":"35.5","highPrice":"42",
                         "priceCurrency":"CNY","availability":"https://schema.org/InStock"}}]}"##,
        ));
        assert_eq!(f.title.as_deref(), Some("Red shoe"));
        assert_eq!(f.sku.as_deref(), Some("12345"));
        assert_eq!(f.gtin.as_deref(), Some("4006381333931"));
        assert_eq!(f.brand.as_deref(), Some("Acme"));
        assert_eq!(f.price, Some(("35.5".into(), Some("CNY".into()))));
        assert_eq!(
            f.availability.as_deref(),
            Some("https://schema.org/InStock")
        );
        assert_eq!(f.images, ["a.jpg", "b.jpg"]);
    }

    #[test]
    fn offers_as_a_list_and_a_price_specification() {
        let f = fields(&page(
            r#"[{"@type":"BreadcrumbList"},{"@type":"Product","name":"Lamp","offers":[
              {"@type":"Offer","priceSpecification":{"price":19.99,"priceCurrency":"EUR"}}]}]"#,
        ));
        assert_eq!(f.price, Some(("19.99".into(), Some("EUR".into()))));
    }

    #[test]
    fn broken_json_is_read_leniently_and_no_product_is_no_fields() {
        let f = fields(&page(r#"{"@type":"Product","name":"Cup",}"#));
        assert_eq!(f.title.as_deref(), Some("Cup"));
        let none = fields(&page(r#"{"@type":"WebPage","name":"Home"}"#));
        assert!(none.title.is_none() && none.price.is_none());
    }

    #[test]
    fn references_that_make_a_cycle_end() {
        let f = fields(&page(
            r##"[{"@type":"Product","@id":"#p","name":"Loop","hasVariant":[{"@id":"#p"}],
                 "offers":{"@id":"#o"}},
                {"@type":"AggregateOffer","@id":"#o","offers":{"@id":"#o"}}]"##,
        ));
        assert_eq!(f.title.as_deref(), Some("Loop"));
        assert!(f.price.is_none());
    }

    #[test]
    fn a_product_group_gives_its_variants_with_their_options_and_pictures() {
        let f = fields(&page(
            r#"{"@type":"ProductGroup","name":"Tee","productGroupID":"T1",
              "variesBy":["https://schema.org/size","https://schema.org/color"],
              "hasVariant":[
                {"@type":"Product","sku":"T1-S-R","size":"S","color":"Red","image":"red.jpg",
                 "offers":{"@type":"Offer","price":"10","priceCurrency":"EUR",
                           "availability":"https://schema.org/InStock"}},
                {"@type":"Product","sku":"T1-M-B","size":"M","color":"Blue","image":["blue.jpg"],
                 "additionalProperty":[{"@type":"PropertyValue","name":"Fit","value":"Slim"}],
                 "offers":{"@type":"Offer","price":"12","availability":"https://schema.org/OutOfStock"}}]}"#,
        ));
        assert_eq!(f.variants.len(), 2);
        let blue = &f.variants[1];
        assert_eq!(blue.sku.as_deref(), Some("T1-M-B"));
        assert_eq!(blue.options["size"], "M");
        assert_eq!(blue.options["color"], "Blue");
        assert_eq!(blue.options["fit"], "Slim");
        assert_eq!(blue.images, ["blue.jpg"]);
        assert_eq!(blue.price, Some(("12".into(), None)));
        // A group's price is its first variant's.
        assert_eq!(f.price, Some(("10".into(), Some("EUR".into()))));
    }

    #[test]
    fn products_that_say_they_are_variants_of_the_page_product_are_its_variants() {
        let f = fields(&page(
            r##"[{"@type":"ProductGroup","@id":"#g","name":"Mug"},
                {"@type":"Product","isVariantOf":{"@id":"#g"},"color":"White","sku":"M-W"},
                {"@type":"Product","isVariantOf":{"@id":"#other"},"color":"Black","sku":"X"}]"##,
        ));
        assert_eq!(f.variants.len(), 1);
        assert_eq!(f.variants[0].options["color"], "White");
    }

    #[test]
    fn a_product_with_one_size_in_stock_is_in_stock() {
        let f = fields(&page(
            r#"{"@type":"Product","name":"Boot","offers":[
              {"@type":"Offer","price":"80","availability":"https://schema.org/OutOfStock"},
              {"@type":"Offer","price":"80","availability":"https://schema.org/InStock"}]}"#,
        ));
        assert_eq!(
            f.availability.as_deref(),
            Some("https://schema.org/InStock")
        );
    }
}
