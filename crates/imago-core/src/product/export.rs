//! A product as it leaves imago: the JSON object of `imago product --json` and of
//! `product.json`, and the row of `products.csv`, whose columns stay the same from run to
//! run so a spreadsheet or a shop's import can rely on them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{Found, Price, Product, Source, Variant};

/// `{"url", "title", "price": {"amount", "max"?, "currency", "raw"} | null, "list_price",
/// "sku", "mpn", "gtin", "brand", "availability", "description", "images", "variants",
/// "options", "source": {field: "siterule" | "jsonld" | "microdata" | "rdfa" | "meta" |
/// "heuristic"}}`.
pub fn to_json(url: &str, p: &Product) -> Value {
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
        "variants": p.variants,
        "options": p.options,
        "source": source,
    })
}

/// An object [`to_json`] made, read back (the extension hands the product it showed
/// back for its `products.csv`); the reason when it is not one.
pub fn from_json(v: &Value) -> Result<Product, String> {
    /// `to_json`'s object; `url` and unknown keys (`files`) are the caller's.
    #[derive(Deserialize)]
    struct Shape {
        title: Option<String>,
        price: Option<Price>,
        list_price: Option<Price>,
        sku: Option<String>,
        mpn: Option<String>,
        gtin: Option<String>,
        brand: Option<String>,
        availability: Option<String>,
        description: Option<String>,
        #[serde(default)]
        images: Vec<String>,
        #[serde(default)]
        variants: Vec<Variant>,
        #[serde(default)]
        options: BTreeMap<String, Vec<String>>,
        #[serde(default)]
        source: BTreeMap<String, Source>,
    }
    let s = Shape::deserialize(v).map_err(|e| e.to_string())?;
    fn found<T>(
        sources: &BTreeMap<String, Source>,
        name: &str,
        value: Option<T>,
    ) -> Result<Option<Found<T>>, String> {
        value
            .map(|value| match sources.get(name) {
                Some(&source) => Ok(Found { value, source }),
                None => Err(format!("source: no source for the {name:?} field")),
            })
            .transpose()
    }
    let src = &s.source;
    Ok(Product {
        title: found(src, "title", s.title)?,
        price: found(src, "price", s.price)?,
        list_price: found(src, "list_price", s.list_price)?,
        sku: found(src, "sku", s.sku)?,
        mpn: found(src, "mpn", s.mpn)?,
        gtin: found(src, "gtin", s.gtin)?,
        brand: found(src, "brand", s.brand)?,
        availability: found(src, "availability", s.availability)?,
        description: found(src, "description", s.description)?,
        images: s.images,
        variants: s.variants,
        options: s.options,
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

/// The columns of `products.csv`, in order. New columns are only ever added at the end.
pub const CSV_COLUMNS: [&str; 19] = [
    "url",
    "title",
    "price",
    "price_max",
    "currency",
    "price_raw",
    "list_price",
    "sku",
    "mpn",
    "gtin",
    "brand",
    "availability",
    "description",
    "image_urls",
    "folder",
    "files",
    "price_source",
    "options",
    "variant_skus",
];

/// What separates several values in one cell (image URLs, file names): a character
/// neither holds unescaped.
pub const CSV_LIST_SEPARATOR: &str = "|";

/// One page's row of `products.csv`: the page, its product, and where its pictures were
/// saved (`folder` below the output, `files` in it).
pub fn csv_row(url: &str, p: &Product, folder: &str, files: &[String]) -> Vec<String> {
    let text = |f: &Option<Found<String>>| f.as_ref().map(|f| f.value.clone()).unwrap_or_default();
    let price = p.price.as_ref().map(|f| &f.value);
    let row = [
        url.to_string(),
        text(&p.title),
        price.map(|v| v.amount.clone()).unwrap_or_default(),
        price.and_then(|v| v.max.clone()).unwrap_or_default(),
        price.and_then(|v| v.currency.clone()).unwrap_or_default(),
        price.map(|v| v.raw.clone()).unwrap_or_default(),
        p.list_price
            .as_ref()
            .map(|f| f.value.amount.clone())
            .unwrap_or_default(),
        text(&p.sku),
        text(&p.mpn),
        text(&p.gtin),
        text(&p.brand),
        text(&p.availability),
        text(&p.description),
        p.images.join(CSV_LIST_SEPARATOR),
        folder.to_string(),
        files.join(CSV_LIST_SEPARATOR),
        p.price
            .as_ref()
            .map(|f| source_name(f.source))
            .unwrap_or_default(),
        p.options
            .iter()
            .map(|(name, values)| format!("{name}: {}", values.join(CSV_LIST_SEPARATOR)))
            .collect::<Vec<_>>()
            .join("; "),
        p.variants
            .iter()
            .filter_map(|v| v.sku.as_deref())
            .collect::<Vec<_>>()
            .join(CSV_LIST_SEPARATOR),
    ];
    row.into_iter().map(|cell| defuse(&cell)).collect()
}

fn source_name(s: super::Source) -> String {
    match serde_json::to_value(s) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// A cell a spreadsheet would run as a formula (`=HYPERLINK(...)` in a hostile page's
/// title) is written as text: a leading `'`, as OWASP advises for CSV files. A price
/// never starts so; a page's text may.
fn defuse(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

/// The bytes of CSV lines (RFC 4180 quoting, `\r\n` endings); `bom`: a UTF-8 byte-order
/// mark first, which spreadsheet programs need to read non-ASCII text as UTF-8.
pub fn csv_lines<I, R>(rows: I, bom: bool) -> Vec<u8>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    for row in rows {
        // Writing to a Vec cannot fail; a row of another length than the first is a
        // bug here, not input, and `flexible` keeps it from being one anyway.
        let _ = w.write_record(row);
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::{Price, Source};

    fn found<T>(value: T) -> Option<Found<T>> {
        Some(Found {
            value,
            source: Source::JsonLd,
        })
    }

    #[test]
    fn the_json_reads_back_as_the_product_it_was() {
        let html = r#"<script type="application/ld+json">{"@type":"ProductGroup","name":"Tee",
          "hasVariant":[{"@type":"Product","sku":"T-S","size":"S","offers":{"price":"9.50",
          "priceCurrency":"EUR"}}],"offers":{"price":"9.50","priceCurrency":"EUR"}}</script>
          <p class="stock">Sold out</p>"#;
        let p = crate::product::extract(html, "https://s.example/tee", &Default::default());
        let json = to_json("https://s.example/tee", &p);
        assert_eq!(from_json(&json), Ok(p));
        let mut broken = json.clone();
        broken["source"] = json!({});
        assert!(from_json(&broken)
            .unwrap_err()
            .contains("no source for the \"title\""));
    }

    #[test]
    fn a_row_has_every_column_and_quotes_what_needs_it() {
        let p = Product {
            title: found("Desk, \"oak\"\nlarge".to_string()),
            price: found(Price {
                amount: "1299.00".into(),
                currency: Some("EUR".into()),
                raw: "1.299,00 €".into(),
                max: None,
            }),
            sku: found("=cmd|' /C calc'!A0".to_string()),
            images: vec![
                "https://s.example/a.jpg".into(),
                "https://s.example/b.jpg".into(),
            ],
            ..Product::default()
        };
        let row = csv_row(
            "https://s.example/desk",
            &p,
            "s.example/Desk",
            &["a.jpg".into()],
        );
        assert_eq!(row.len(), CSV_COLUMNS.len());
        assert_eq!(
            row[7], "'=cmd|' /C calc'!A0",
            "a formula is written as text"
        );
        let bytes = csv_lines([CSV_COLUMNS.map(String::from).to_vec(), row], true);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("\u{feff}url,title,price,price_max,currency,"));
        assert!(text.contains("\"Desk, \"\"oak\"\"\nlarge\",1299.00,,EUR,\"1.299,00 €\","));
        assert!(text.contains("https://s.example/a.jpg|https://s.example/b.jpg"));
        assert!(text.ends_with(",a.jpg,jsonld,,\r\n"));
    }
}
