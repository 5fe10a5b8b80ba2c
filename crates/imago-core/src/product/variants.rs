//! A product's variants (the sizes and colours it is sold in, each with its own SKU,
//! price, stock and pictures) and the options a shopper picks from.
//!
//! Variants come from the structured data: a JSON-LD `ProductGroup` and its `hasVariant`
//! products (which properties tell them apart: `variesBy`, else `color`, `size`,
//! `material`, `pattern` and `additionalProperty`), or `Product` nodes that say
//! `isVariantOf` the page's product. The options come from those variants, else from the
//! page's own pickers: a `<select>` whose name, id, class or label says size or colour
//! (in the shop's language), its `<option>`s being the values.

use std::collections::BTreeMap;

use serde::Serialize;

use super::price::Price;
use crate::html::{attr, decode, Context, Token, Tokenizer};

/// One variant of the product.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Variant {
    /// What tells it apart: `{"color": "Red", "size": "M"}`.
    pub options: BTreeMap<String, String>,
    pub name: Option<String>,
    pub sku: Option<String>,
    pub gtin: Option<String>,
    pub price: Option<Price>,
    /// A schema.org `ItemAvailability` name.
    pub availability: Option<String>,
    /// Its own pictures, as written.
    pub images: Vec<String>,
    /// Its own page, when it has one.
    pub url: Option<String>,
}

/// A variant as a source found it, before prices and stock are normalized.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawVariant {
    pub options: BTreeMap<String, String>,
    pub name: Option<String>,
    pub sku: Option<String>,
    pub gtin: Option<String>,
    pub price: Option<(String, Option<String>)>,
    pub availability: Option<String>,
    pub images: Vec<String>,
    pub url: Option<String>,
}

impl RawVariant {
    pub(crate) fn normalize(self, page_url: &str) -> Variant {
        Variant {
            options: self.options,
            name: self.name,
            sku: self.sku,
            gtin: self.gtin,
            price: self
                .price
                .and_then(|(raw, cur)| super::price::structured(&raw, cur.as_deref(), page_url)),
            availability: self
                .availability
                .as_deref()
                .and_then(super::availability)
                .map(str::to_string),
            images: self.images,
            url: self.url,
        }
    }
}

/// The option names a variant is told apart by, when the data does not say (`variesBy`).
pub(crate) const OPTION_KEYS: [&str; 4] = ["color", "size", "material", "pattern"];

/// The values of each option, in the order first seen: from the variants, else `page`.
pub fn options_of(
    variants: &[Variant],
    page: BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for v in variants {
        for (k, val) in &v.options {
            let list = out.entry(k.clone()).or_default();
            if !list.contains(val) {
                list.push(val.clone());
            }
        }
    }
    if out.is_empty() {
        page
    } else {
        out
    }
}

/// Words that name a size picker, in the corpus's languages.
const SIZE_WORDS: [&str; 17] = [
    "size",
    "taille",
    "größe",
    "grosse",
    "groesse",
    "talla",
    "taglia",
    "tamanho",
    "maat",
    "rozmiar",
    "размер",
    "velikost",
    "尺码",
    "尺寸",
    "サイズ",
    "사이즈",
    "veľkosť",
];

/// Words that name a colour picker.
const COLOR_WORDS: [&str; 16] = [
    "color",
    "colour",
    "farbe",
    "couleur",
    "colore",
    "cor",
    "kleur",
    "kolor",
    "цвет",
    "barva",
    "颜色",
    "顏色",
    "カラー",
    "색상",
    "farba",
    "väri",
];

/// What the prompt of a picker says ("Choose a size", "Bitte wählen"): not a value.
const PROMPT_WORDS: [&str; 10] = [
    "choose",
    "select",
    "wähle",
    "wählen",
    "choisi",
    "selecc",
    "selezion",
    "выбер",
    "请选择",
    "選択",
];

/// How many values one picker may give: a longer list is not a size chart.
const MAX_VALUES: usize = 64;

/// The size and colour pickers of the page: option name -> values.
pub(crate) fn page_options(html: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tokens = Tokenizer::new(html);
    let mut attrs = Vec::new();
    // The picker being read.
    let mut picker: Option<&str> = None;
    while let Some(token) = tokens.next_token(&mut attrs) {
        match token {
            Token::Start { name, .. } if name.eq_ignore_ascii_case("select") => {
                picker = picker_kind(&attrs);
            }
            Token::Start { name, .. } if name.eq_ignore_ascii_case("option") => {
                let Some(kind) = picker else {
                    continue;
                };
                // `<option value="">Choose a size</option>` is the prompt, not a size.
                if attr(&attrs, "value").is_some_and(|v| v.trim().is_empty()) {
                    continue;
                }
                // The tokenizer hands out no text outside raw-text elements: the
                // option's text is what runs to the next tag.
                let rest = &html[tokens.position()..];
                let text = &rest[..memchr::memchr(b'<', rest.as_bytes()).unwrap_or(rest.len())];
                let value = decode(text, Context::Text);
                let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
                let lower = value.to_lowercase();
                if value.is_empty()
                    || value.chars().count() > 40
                    || PROMPT_WORDS.iter().any(|w| lower.contains(w))
                {
                    continue;
                }
                let list = out.entry(kind.to_string()).or_default();
                if list.len() < MAX_VALUES && !list.contains(&value) {
                    list.push(value);
                }
            }
            Token::End { name } if name.eq_ignore_ascii_case("select") => picker = None,
            _ => {}
        }
    }
    out
}

/// `size` or `color` when a `<select>`'s attributes say so.
fn picker_kind(attrs: &[crate::html::Attr<'_>]) -> Option<&'static str> {
    let said: String = [
        "name",
        "id",
        "class",
        "aria-label",
        "data-attribute",
        "title",
    ]
    .iter()
    .filter_map(|a| attr(attrs, a))
    .collect::<Vec<_>>()
    .join(" ")
    .to_lowercase();
    let has = |words: &[&str]| {
        said.split(|c: char| !c.is_alphanumeric()).any(|w| {
            words
                .iter()
                .any(|k| w == *k || (k.is_ascii() && w.ends_with(k) && w.len() <= k.len() + 4))
        })
    };
    if has(&SIZE_WORDS) {
        Some("size")
    } else if has(&COLOR_WORDS) {
        Some("color")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_colour_pickers_give_the_options_without_their_prompt() {
        let html = r#"<select name="attribute_pa_size"><option>Select size</option>
            <option value="">Choose a size</option>
            <option value="s">S</option><option value="m">M</option><option>M</option></select>
            <select id="farbe" aria-label="Farbe"><option>Rot</option><option>Blau</option></select>
            <select name="qty"><option>1</option><option>2</option></select>"#;
        let got = page_options(html);
        assert_eq!(got["size"], ["S", "M"]);
        assert_eq!(got["color"], ["Rot", "Blau"]);
        assert_eq!(got.len(), 2, "the quantity picker is not an option");
    }
}
