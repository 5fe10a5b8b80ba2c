//! Product fields from markup, in one pass of the tokenizer: a site rule's selectors
//! (`[site.fields]`), microdata (`itemprop` inside an `itemscope` of a schema.org
//! `Product`, or of its `Offer` and `Brand`), RDFa (`property` inside a `typeof`
//! `Product`) and `<meta>` tags (OpenGraph `og:`, Facebook's `product:` properties).

use super::labels::visible_text;
use super::{clean_text, Fields};
use crate::html::{attr, decode, is_void, Attr, Context, Token, Tokenizer};
use crate::siterules::{selector::SelectorList, Element};

/// Open elements kept at most; deeper ones are not tracked (no page nests so deep).
const MAX_OPEN: usize = 1024;
/// How far up an end tag looks for its element: a stray one does not scan the page.
const END_REACH: usize = 64;
/// Longest text a value is read from.
const MAX_TEXT: usize = 16 * 1024;

/// Whose value an element's text is.
#[derive(Clone, Copy)]
enum Target<'a> {
    /// A schema.org property, by microdata (`false`) or RDFa (`true`).
    Property(&'a str, bool),
    /// The index of a site rule's field.
    Rule(usize),
    /// A price-looking element (`class`/`id` says price), for the page heuristics.
    PriceLike,
    /// A price struck out, or whose `class`/`id` says old or list price.
    ListPriceLike,
    /// A stock-looking element (`class`/`id` says availability or stock).
    StockLike,
}

/// One open element.
struct Open<'a> {
    name: &'a str,
    /// Kept only when site-rule selectors need them.
    attrs: Vec<Attr<'a>>,
    /// It opened a product's item scope.
    product_scope: bool,
    /// It matched a site rule's `exclude` or `others` (a carousel of other products), its
    /// `class`/`id` says it is about other products (`related`, `recommended`), or it
    /// strikes its text out (`<del>`, `<s>`, `<strike>`: the price before a sale).
    excluded: bool,
    /// Values that are this element's text, and where its text starts.
    text_of: Vec<Target<'a>>,
    text_start: usize,
}

impl Element for Open<'_> {
    fn name(&self) -> &str {
        self.name
    }
    fn attr(&self, name: &str) -> Option<&str> {
        attr(&self.attrs, name)
    }
}

/// What the markup says: by the site rule's selectors, by microdata, by `<meta>` tags.
pub(crate) struct Found {
    pub rule: Fields,
    pub micro: Fields,
    pub rdfa: Fields,
    pub meta: Fields,
    /// What the visible page suggests where nothing says it outright: the first short
    /// price-looking element after the page's first `<h1>` (else the first at all), the
    /// first stock-looking element's phrase.
    pub page: Fields,
    /// Some element looks like a price (among other products' too): a page that sells.
    pub shows_prices: bool,
}

/// The fields of `html`; `rules` are the site rule's (field, selector) pairs, `exclude`
/// its selectors of what is not the product's (no page heuristic looks inside).
pub(crate) fn fields(
    html: &str,
    rules: &[(&str, &SelectorList)],
    exclude: &[&SelectorList],
) -> Found {
    let mut found = Found {
        rule: Fields::default(),
        micro: Fields::default(),
        rdfa: Fields::default(),
        meta: Fields::default(),
        page: Fields::default(),
        shows_prices: false,
    };
    // Price candidates (seen after the first <h1>, text) and whether an <h1> was seen.
    let mut prices: Vec<(bool, String)> = Vec::new();
    let mut list_prices: Vec<(bool, String)> = Vec::new();
    let mut seen_h1 = false;
    // An offer's amount and currency come from separate properties: kept apart until
    // the end, per syntax.
    let mut micro_price = Price::default();
    let mut rdfa_price = Price::default();
    // A rule's field is taken by its first match only.
    let mut rule_taken = vec![false; rules.len()];
    let mut stack: Vec<Open> = Vec::new();
    // Open product scopes and excluded elements in `stack`, so a start tag need not
    // look through it.
    let mut in_products = 0usize;
    // Top-level product scopes opened so far.
    let mut top_products = 0usize;
    let mut in_excluded = 0usize;
    let keep_attrs = !rules.is_empty() || !exclude.is_empty();
    let mut tokens = Tokenizer::new(html);
    let mut attrs = Vec::new();
    while let Some(token) = tokens.next_token(&mut attrs) {
        match token {
            Token::Start { name, self_closing } => {
                if name.eq_ignore_ascii_case("meta") {
                    meta_tag(&attrs, &mut found.meta);
                }
                if stack.len() >= MAX_OPEN {
                    continue;
                }
                let has_text = !is_void(name) && !self_closing;
                // A value in an attribute, else the element's text.
                let attr_value = ["content", "value"]
                    .iter()
                    .find_map(|a| attr(&attrs, a))
                    .map(|v| decode(v, Context::Attribute).into_owned());
                let mut text_of = Vec::new();
                seen_h1 |= name.eq_ignore_ascii_case("h1");
                stack.push(Open {
                    name,
                    attrs: if keep_attrs {
                        attrs.clone()
                    } else {
                        Vec::new()
                    },
                    product_scope: false,
                    excluded: false,
                    text_of: Vec::new(),
                    text_start: tokens.position(),
                });
                let struck = ["del", "s", "strike"]
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(name));
                let ruled_out = !exclude.is_empty() && exclude.iter().any(|x| x.matches(&stack));
                let elsewhere = has_text
                    && in_excluded == 0
                    && super::gallery::about_other_products(&format!(
                        "{} {}",
                        attr(&attrs, "class").unwrap_or(""),
                        attr(&attrs, "id").unwrap_or("")
                    ));
                let excluded = struck || ruled_out || elsewhere;
                if has_text && struck && !ruled_out && in_excluded == 0 && list_prices.len() < 64 {
                    text_of.push(Target::ListPriceLike);
                }
                let hint = if has_text { page_hint(&attrs) } else { None };
                found.shows_prices |= matches!(hint, Some(Hint::Price));
                if has_text && prices.len() < 64 && in_excluded == 0 && !excluded {
                    match hint {
                        Some(Hint::Price) => text_of.push(Target::PriceLike),
                        Some(Hint::ListPrice) if list_prices.len() < 64 => {
                            text_of.push(Target::ListPriceLike)
                        }
                        Some(Hint::Stock) if found.page.availability.is_none() => {
                            text_of.push(Target::StockLike)
                        }
                        _ => {}
                    }
                }
                let product_scope = (attr(&attrs, "itemscope").is_some()
                    && attr(&attrs, "itemtype").is_some_and(is_product_type))
                    || attr(&attrs, "typeof").is_some_and(is_product_type);
                if product_scope && in_products == 0 {
                    top_products += 1;
                }
                if in_products > 0 || product_scope {
                    let property = match attr(&attrs, "itemprop") {
                        Some(p) => Some((p, false)),
                        None => attr(&attrs, "property")
                            .and_then(schema_property)
                            .map(|p| (p, true)),
                    };
                    if let Some((prop, rdfa)) = property {
                        let value = attr_value.clone().or_else(|| {
                            ["resource", "href", "src", "datetime"]
                                .iter()
                                .find_map(|a| attr(&attrs, a))
                                .map(|v| decode(v, Context::Attribute).into_owned())
                        });
                        let (fields, price) = if rdfa {
                            (&mut found.rdfa, &mut rdfa_price)
                        } else {
                            (&mut found.micro, &mut micro_price)
                        };
                        match value {
                            // The first product's pictures are the page's; later ones
                            // are cards of other products ("related", "also viewed").
                            Some(_) if prop == "image" && top_products > 1 => {}
                            Some(v) => set(prop, &v, fields, price),
                            None if has_text => text_of.push(Target::Property(prop, rdfa)),
                            None => {}
                        }
                    }
                }
                for (i, (field, selector)) in rules.iter().enumerate() {
                    if rule_taken[i] || !selector.matches(&stack) {
                        continue;
                    }
                    rule_taken[i] = true;
                    match &attr_value {
                        Some(v) => set_rule(field, v, &mut found.rule),
                        None if has_text => text_of.push(Target::Rule(i)),
                        None => {}
                    }
                }
                if has_text {
                    in_products += usize::from(product_scope);
                    in_excluded += usize::from(excluded);
                    if let Some(open) = stack.last_mut() {
                        open.text_of = text_of;
                        open.product_scope = product_scope;
                        open.excluded = excluded;
                    }
                } else {
                    stack.pop();
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
                    in_excluded -= usize::from(open.excluded);
                    if open.text_of.is_empty() {
                        continue;
                    }
                    let mut stop = end.min(open.text_start.saturating_add(MAX_TEXT));
                    while !html.is_char_boundary(stop) {
                        stop -= 1;
                    }
                    let text = visible_text(html.get(open.text_start..stop).unwrap_or(""));
                    for target in open.text_of {
                        match target {
                            Target::Property(prop, rdfa) => {
                                let (fields, price) = if rdfa {
                                    (&mut found.rdfa, &mut rdfa_price)
                                } else {
                                    (&mut found.micro, &mut micro_price)
                                };
                                set(prop, &text, fields, price);
                            }
                            Target::Rule(i) => set_rule(rules[i].0, &text, &mut found.rule),
                            Target::PriceLike | Target::ListPriceLike => {
                                let t = clean_text(&text).unwrap_or_default();
                                if t.len() <= 40
                                    && t.chars().any(|c| c.is_ascii_digit() && c != '0')
                                {
                                    match target {
                                        Target::PriceLike => prices.push((seen_h1, t)),
                                        _ => list_prices.push((seen_h1, t)),
                                    }
                                }
                            }
                            Target::StockLike => {
                                let t = clean_text(&text).unwrap_or_default();
                                if t.len() <= 80 && super::availability(&t).is_some() {
                                    found.page.availability.get_or_insert(t);
                                }
                            }
                        }
                    }
                }
            }
            Token::Text(_) => {}
        }
    }
    for (fields, price) in [
        (&mut found.micro, micro_price),
        (&mut found.rdfa, rdfa_price),
    ] {
        if let Some(amount) = price.amount {
            fields.price = Some((amount, price.currency));
        }
    }
    let after_title = |v: &[(bool, String)]| {
        v.iter()
            .find(|(after, _)| *after)
            .or(v.first())
            .map(|(_, t)| (t.clone(), None))
    };
    found.page.price = after_title(&prices);
    found.page.list_price = after_title(&list_prices);
    found
}

enum Hint {
    Price,
    ListPrice,
    Stock,
}

/// Words in a `class` or `id` that mark the price before a sale.
const LIST_PRICE: [&str; 10] = [
    "old", "was", "list", "regular", "orig", "strike", "compare", "rrp", "uvp", "full",
];

/// Words in a `class` or `id` that mark a price other than the one to pay.
const NOT_THE_PRICE: [&str; 18] = [
    "old", "was", "list", "regular", "orig", "strike", "compare", "before", "save", "tax", "ship",
    "deliver", "month", "instal", "rrp", "uvp", "unit", "full",
];

/// Whether an element's `class`/`id` says it holds the price or the stock.
fn page_hint(attrs: &[Attr]) -> Option<Hint> {
    let words = [attr(attrs, "class"), attr(attrs, "id")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    if words.is_empty() {
        return None;
    }
    if words.contains("price") {
        if LIST_PRICE.iter().any(|w| words.contains(w)) {
            return Some(Hint::ListPrice);
        }
        if !NOT_THE_PRICE.iter().any(|w| words.contains(w)) {
            return Some(Hint::Price);
        }
    }
    (words.contains("availability") || words.contains("stock")).then_some(Hint::Stock)
}

/// A site rule's field.
pub(crate) fn set_rule(field: &str, value: &str, f: &mut Fields) {
    let Some(value) = clean_text(value) else {
        return;
    };
    if field == "price" {
        f.price.get_or_insert((value, None));
    } else if field == "list_price" {
        f.list_price.get_or_insert((value, None));
    } else if let Some(slot) = f.text_slot(field) {
        slot.get_or_insert(value);
    }
}

/// A microdata `itemtype` or RDFa `typeof` naming a schema.org product (a full URL,
/// `schema:Product`, or a bare `Product` under `vocab`).
fn is_product_type(t: &str) -> bool {
    t.split_whitespace().any(|t| {
        let name = t
            .trim_end_matches('/')
            .rsplit(['/', ':'])
            .next()
            .unwrap_or(t);
        matches!(name, "Product" | "IndividualProduct" | "ProductGroup")
    })
}

/// The schema.org property an RDFa `property` names (`schema:price`, `price`, a
/// schema.org URL); OpenGraph and other vocabularies are not schema.org's.
fn schema_property(p: &str) -> Option<&str> {
    let p = p.split_whitespace().next()?;
    if let Some(rest) = p.strip_prefix("schema:") {
        return Some(rest);
    }
    if let Some(i) = p.find("schema.org/") {
        return Some(&p[i + "schema.org/".len()..]);
    }
    (!p.contains(':')).then_some(p)
}

/// The first value of each property wins (the product's own comes before related
/// products' further down the page).
/// A price's two halves, as separate properties give them.
#[derive(Default)]
struct Price {
    amount: Option<String>,
    currency: Option<String>,
}

/// The first value of each property wins (the product's own comes before related
/// products' further down the page).
fn set(prop: &str, value: &str, f: &mut Fields, price: &mut Price) {
    let Some(value) = clean_text(value) else {
        return;
    };
    let field = match prop {
        "name" => "title",
        "productID" => "sku",
        "gtin13" | "gtin12" | "gtin14" | "gtin8" => "gtin",
        "price" | "lowPrice" => {
            price.amount.get_or_insert(value);
            return;
        }
        "priceCurrency" => {
            price.currency.get_or_insert(value);
            return;
        }
        "image" => {
            f.images.push(value);
            return;
        }
        other => other,
    };
    if let Some(slot) = f.text_slot(field) {
        slot.get_or_insert(value);
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
    let field = match key.as_str() {
        "og:title" => "title",
        "og:description" => "description",
        "product:retailer_item_id" | "product:sku" => "sku",
        "product:brand" | "og:brand" => "brand",
        "product:availability" | "og:availability" => "availability",
        "product:mfr_part_no" => "mpn",
        "product:upc" | "product:ean" | "product:gtin" => "gtin",
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
    if let Some(slot) = f.text_slot(field) {
        slot.get_or_insert(content);
    }
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
        let f = fields(html, &[], &[]).micro;
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
        assert!(fields(html, &[], &[]).micro.title.is_none());
        // After the product's scope closes, a review's itemprops are not the product's.
        let html = r#"<div itemscope itemtype="https://schema.org/Product"><b>x</b></div>
            <div itemscope itemtype="https://schema.org/Review">
            <span itemprop="sku">not-the-sku</span></div>"#;
        assert!(fields(html, &[], &[]).micro.sku.is_none());
    }

    #[test]
    fn meta_tags_opengraph_and_product_properties() {
        let html = r#"<head><meta property="og:title" content="Lamp">
            <meta property="product:price:amount" content="19.99">
            <meta property="product:price:currency" content="GBP">
            <meta property="product:availability" content="in stock"></head>"#;
        let m = fields(html, &[], &[]).meta;
        assert_eq!(m.title.as_deref(), Some("Lamp"));
        assert_eq!(m.price, Some(("19.99".into(), Some("GBP".into()))));
        assert_eq!(m.availability.as_deref(), Some("in stock"));
    }

    #[test]
    fn a_site_rules_selectors_take_the_first_match_text_or_content() {
        let html = r#"<div id="buy"><span class="a-offscreen">$87.11</span>
            <span class="a-offscreen">$99.00</span></div>
            <div id="availability"><span> In Stock. </span></div>
            <input id="asin" value="B01GOH7PKA">"#;
        let price = SelectorList::parse("#buy .a-offscreen").unwrap();
        let avail = SelectorList::parse("#availability").unwrap();
        let sku = SelectorList::parse("input#asin").unwrap();
        let rules = [("price", &price), ("availability", &avail), ("sku", &sku)];
        let f = fields(html, &rules, &[]).rule;
        assert_eq!(f.price, Some(("$87.11".into(), None)));
        assert_eq!(f.availability.as_deref(), Some("In Stock."));
        assert_eq!(f.sku.as_deref(), Some("B01GOH7PKA"));
    }

    #[test]
    fn the_page_heuristic_takes_the_price_after_the_title_not_the_old_one_or_a_widgets() {
        let html = r#"<div class="reco"><span class="sale-price">$129</span></div>
            <h1>Oak desk</h1>
            <div class="prices"><span class="price-old">$300.00</span>
              <span class="price">$249.00</span><span class="price per-month">$20 / month</span></div>
            <div id="stock-status"><span>Only 3 left in stock</span></div>"#;
        let page = fields(html, &[], &[]).page;
        assert_eq!(page.price, Some(("$249.00".into(), None)));
        assert_eq!(page.availability.as_deref(), Some("Only 3 left in stock"));
        // No title: the first price-looking element; a container of several is no price.
        let html = r#"<p class="price">£24.50</p><div class="price">from £9 to £90, see all the offers</div>"#;
        assert_eq!(
            fields(html, &[], &[]).page.price,
            Some(("£24.50".into(), None))
        );
    }

    #[test]
    fn no_page_heuristic_looks_inside_what_the_site_rule_excludes() {
        let html = r#"<h1>Book</h1><ol class="a-carousel"><li><span class="sc-price">2,86 €</span></li></ol>
            <span class="price">12,00 €</span>"#;
        let carousel = SelectorList::parse("ol.a-carousel").unwrap();
        assert_eq!(
            fields(html, &[], &[&carousel]).page.price,
            Some(("12,00 €".into(), None))
        );
        assert_eq!(
            fields(html, &[], &[]).page.price,
            Some(("2,86 €".into(), None)),
            "without the rule the carousel comes first"
        );
    }

    #[test]
    fn rdfa_in_a_product_scope_is_its_own_source() {
        let html = r#"<div vocab="http://schema.org/" typeof="Product">
            <span property="name">Lamp</span>
            <meta property="og:title" content="Not RDFa's">
            <div property="offers" typeof="Offer"><span property="schema:price" content="19.90">19,90 €</span>
            <meta property="priceCurrency" content="EUR"></div></div>"#;
        let found = fields(html, &[], &[]);
        assert_eq!(found.rdfa.title.as_deref(), Some("Lamp"));
        assert_eq!(found.rdfa.price, Some(("19.90".into(), Some("EUR".into()))));
        assert!(found.micro.title.is_none());
    }
}
