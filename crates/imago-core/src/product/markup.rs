//! Product fields from markup, in one pass of the tokenizer: microdata (`itemprop`
//! inside an `itemscope` of a schema.org `Product`, or of its `Offer` and `Brand`) and
//! `<meta>` tags (OpenGraph `og:`, Facebook's `product:` properties).

use super::{clean_text, Fields};
use crate::html::{attr, decode, is_void, Context, Token, Tokenizer};

/// Open elements kept at most; deeper ones are not tracked (no page nests so deep).
const MAX_OPEN: usize = 1024;
/// How far up an end tag looks for its element: a stray one does not scan the page.
const END_REACH: usize = 64;
/// Longest text an `itemprop` value is read from.
const MAX_TEXT: usize = 16 * 1024;

/// One open element: its name, and whether it opened a product's item scope.
struct Open<'a> {
    name: &'a str,
    product_scope: bool,
    /// An `itemprop` whose value is this element's text, with where its text starts.
    text_prop: Option<(&'a str, usize)>,
}

/// The microdata fields and the `<meta>` fields of `html`.
pub(crate) fn fields(html: &str) -> (Fields, Fields) {
    let mut micro = Fields::default();
    let mut meta = Fields::default();
    let mut micro_currency: Option<String> = None;
    let mut micro_amount: Option<String> = None;
    let mut stack: Vec<Open> = Vec::new();
    // Open product scopes in `stack`, so a start tag need not look through it.
    let mut in_products = 0usize;
    let mut tokens = Tokenizer::new(html);
    let mut attrs = Vec::new();
    while let Some(token) = tokens.next_token(&mut attrs) {
        match token {
            Token::Start { name, self_closing } => {
                if name.eq_ignore_ascii_case("meta") {
                    meta_tag(&attrs, &mut meta);
                }
                let in_product = in_products > 0;
                let product_scope = attr(&attrs, "itemscope").is_some()
                    && attr(&attrs, "itemtype").is_some_and(is_product_type);
                let mut text_prop = None;
                if in_product || product_scope {
                    if let Some(prop) = attr(&attrs, "itemprop") {
                        // A value in an attribute, else the element's text.
                        let value = ["content", "value", "href", "src", "datetime"]
                            .iter()
                            .find_map(|a| attr(&attrs, a));
                        match value {
                            Some(v) => set(
                                prop,
                                &decode(v, Context::Attribute),
                                &mut micro,
                                &mut micro_amount,
                                &mut micro_currency,
                            ),
                            None if !is_void(name) && !self_closing => {
                                text_prop = Some((prop, tokens.position()));
                            }
                            None => {}
                        }
                    }
                }
                if !is_void(name) && !self_closing && stack.len() < MAX_OPEN {
                    in_products += usize::from(product_scope);
                    stack.push(Open {
                        name,
                        product_scope,
                        text_prop,
                    });
                }
            }
            Token::End { name } => {
                // Close up to the matching element (unclosed ones inside close with it).
                let reach = stack.len().saturating_sub(END_REACH);
                let Some(at) = stack[reach..]
                    .iter()
                    .rposition(|o| o.name.eq_ignore_ascii_case(name))
                    .map(|i| reach + i)
                else {
                    continue;
                };
                let end = tokens.position();
                for open in stack.drain(at..).rev() {
                    in_products -= usize::from(open.product_scope);
                    if let Some((prop, start)) = open.text_prop {
                        let mut stop = end.min(start.saturating_add(MAX_TEXT));
                        while !html.is_char_boundary(stop) {
                            stop -= 1;
                        }
                        let inner = html.get(start..stop).unwrap_or("");
                        set(
                            prop,
                            &visible_text(inner),
                            &mut micro,
                            &mut micro_amount,
                            &mut micro_currency,
                        );
                    }
                }
            }
            Token::Text(_) => {}
        }
    }
    if let Some(amount) = micro_amount {
        micro.price = Some((amount, micro_currency));
    }
    (micro, meta)
}

fn is_product_type(t: &str) -> bool {
    t.split_whitespace().any(|t| {
        let t = t.trim_end_matches('/');
        t.ends_with("schema.org/Product")
            || t.ends_with("schema.org/IndividualProduct")
            || t.ends_with("schema.org/ProductGroup")
    })
}

/// The first value of each property wins (the product's own comes before related
/// products' further down the page).
fn set(
    prop: &str,
    value: &str,
    f: &mut Fields,
    amount: &mut Option<String>,
    currency: &mut Option<String>,
) {
    let Some(value) = clean_text(value) else {
        return;
    };
    let slot = match prop {
        "name" => &mut f.title,
        "sku" | "productID" => &mut f.sku,
        "mpn" => &mut f.mpn,
        "gtin" | "gtin13" | "gtin12" | "gtin14" | "gtin8" => &mut f.gtin,
        "brand" => &mut f.brand,
        "availability" => &mut f.availability,
        "description" => &mut f.description,
        "price" | "lowPrice" => amount,
        "priceCurrency" => currency,
        "image" => {
            f.images.push(value);
            return;
        }
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(value);
    }
}

fn meta_tag(attrs: &[crate::html::Attr], f: &mut Fields) {
    let Some(key) = attr(attrs, "property").or_else(|| attr(attrs, "name")) else {
        return;
    };
    let Some(content) =
        attr(attrs, "content").and_then(|c| clean_text(&decode(c, Context::Attribute)))
    else {
        return;
    };
    let key = key.to_ascii_lowercase();
    let slot = match key.as_str() {
        "og:title" => &mut f.title,
        "og:description" => &mut f.description,
        "product:retailer_item_id" | "product:sku" => &mut f.sku,
        "product:brand" | "og:brand" => &mut f.brand,
        "product:availability" | "og:availability" => &mut f.availability,
        "product:mfr_part_no" => &mut f.mpn,
        "product:upc" | "product:ean" | "product:gtin" => &mut f.gtin,
        "product:price:amount" | "og:price:amount" => {
            match &mut f.price {
                Some((amount, _)) if !amount.is_empty() => {}
                Some((amount, _)) => *amount = content,
                None => f.price = Some((content, None)),
            }
            return;
        }
        "product:price:currency" | "og:price:currency" => {
            match &mut f.price {
                Some((_, currency @ None)) => *currency = Some(content),
                Some(_) => {}
                None => f.price = Some((String::new(), Some(content))),
            }
            return;
        }
        "og:image" => {
            f.images.push(content);
            return;
        }
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(content);
    }
}

/// The text of an HTML fragment: tags dropped, character references decoded.
fn visible_text(fragment: &str) -> String {
    let mut out = String::new();
    let mut rest = fragment;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        out.push(' ');
        rest = match rest[lt..].find('>') {
            Some(gt) => &rest[lt + gt + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    decode(&out, Context::Text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microdata_in_a_product_scope_from_attributes_and_text() {
        let html = r#"<div itemscope itemtype="https://schema.org/Product">
            <h1 itemprop="name">Desk &amp; chair</h1>
            <span itemprop="sku">AB-1</span>
            <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
              <meta itemprop="priceCurrency" content="EUR">
              <span itemprop="price" content="1299.00">1.299,00 €</span>
              <link itemprop="availability" href="https://schema.org/OutOfStock">
            </div></div>
            <div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Other</span></div>"#;
        let (f, _) = fields(html);
        assert_eq!(f.title.as_deref(), Some("Desk & chair"));
        assert_eq!(f.sku.as_deref(), Some("AB-1"));
        assert_eq!(f.price, Some(("1299.00".into(), Some("EUR".into()))));
        assert_eq!(
            f.availability.as_deref(),
            Some("https://schema.org/OutOfStock")
        );
    }

    #[test]
    fn itemprops_outside_a_product_are_not_its_fields() {
        let html = r#"<div itemscope itemtype="https://schema.org/Organization">
            <span itemprop="name">Shop Ltd</span></div>"#;
        assert!(fields(html).0.title.is_none());
        // After the product's scope closes, a review's itemprops are not the product's.
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><b>x</b></div>
            <div itemscope itemtype="https://schema.org/Review">
            <span itemprop="sku">not-the-sku</span></div>"#;
        assert!(fields(html).0.sku.is_none());
    }

    #[test]
    fn meta_tags_opengraph_and_product_properties() {
        let html = r#"<head><meta property="og:title" content="Lamp">
            <meta property="product:price:amount" content="19.99">
            <meta property="product:price:currency" content="GBP">
            <meta property="product:availability" content="in stock"></head>"#;
        let (_, m) = fields(html);
        assert_eq!(m.title.as_deref(), Some("Lamp"));
        assert_eq!(m.price, Some(("19.99".into(), Some("GBP".into()))));
        assert_eq!(m.availability.as_deref(), Some("in stock"));
    }
}
