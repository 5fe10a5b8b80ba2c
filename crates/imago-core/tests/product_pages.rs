//! Product fields on hand-written pages, one per case the heuristics and the structured
//! data readers must get right: sale and list prices, shipping and instalment decoys,
//! a page without structured data, JSON-LD blocks that disagree, microdata.

use imago_core::product::{extract, Product, Source};
use imago_core::siterules::SiteRules;

fn read(html: &str, url: &str) -> Product {
    extract(html, url, &SiteRules::empty())
}

fn price(p: &Product) -> (String, Option<String>, Source) {
    let f = p.price.as_ref().expect("a price");
    (f.value.amount.clone(), f.value.currency.clone(), f.source)
}

#[test]
fn the_sale_price_not_the_struck_list_price() {
    let p = read(
        r#"<h1>Kettle</h1><div class="prices"><del class="price">£40.00</del>
           <span class="price">£29.99</span></div>"#,
        "https://shop.example.co.uk/kettle",
    );
    assert_eq!(
        price(&p),
        ("29.99".into(), Some("GBP".into()), Source::Heuristic)
    );
    assert_eq!(p.list_price.as_ref().unwrap().value.amount, "40.00");
    // A "was" price lower than the price is no list price.
    let p = read(
        r#"<h1>Kettle</h1><span class="was-price">£20.00</span><span class="price">£29.99</span>"#,
        "https://shop.example.co.uk/kettle",
    );
    assert!(p.list_price.is_none());
}

#[test]
fn a_json_ld_list_price_beside_the_sale_price() {
    let p = read(
        r#"<script type="application/ld+json">{"@type":"Product","name":"Mug","offers":{
             "@type":"Offer","priceCurrency":"EUR","priceSpecification":[
               {"@type":"UnitPriceSpecification","priceType":"https://schema.org/ListPrice","price":"12.00"},
               {"@type":"UnitPriceSpecification","price":"9.00"}]}}</script>"#,
        "https://shop.example/mug",
    );
    assert_eq!(
        price(&p),
        ("9.00".into(), Some("EUR".into()), Source::JsonLd)
    );
    let list = &p.list_price.as_ref().unwrap().value;
    assert_eq!(
        (list.amount.as_str(), list.currency.as_deref()),
        ("12.00", Some("EUR"))
    );
}

#[test]
fn shipping_instalments_and_ratings_are_not_the_price() {
    let p = read(
        r#"<h1>Chair</h1><span class="rating-count">(1,234)</span>
           <span class="shipping-price">+ 4,95 € Versand</span>
           <span class="price-installments">3 x 33,00 €</span>
           <span class="product-price">99,00 €</span>"#,
        "https://shop.example.de/stuhl",
    );
    assert_eq!(
        price(&p),
        ("99.00".into(), Some("EUR".into()), Source::Heuristic)
    );
}

#[test]
fn a_page_without_structured_data_or_a_price_says_nothing() {
    let p = read(
        "<h1>About us</h1><p>We sell chairs since 1999.</p>",
        "https://shop.example/about",
    );
    assert!(p.price.is_none() && p.availability.is_none() && p.sku.is_none());
}

#[test]
fn of_json_ld_blocks_that_disagree_the_first_product_is_the_pages() {
    // The page's product first, a "related product" block after it (as shops write them).
    let p = read(
        r#"<script type="application/ld+json">{"@type":"BreadcrumbList","itemListElement":[]}</script>
           <script type="application/ld+json">{"@type":"Product","name":"Lamp","sku":"L-1",
             "offers":{"@type":"Offer","price":"19.90","priceCurrency":"EUR"}}</script>
           <script type="application/ld+json">{"@type":"Product","name":"Shade","sku":"S-9",
             "offers":{"@type":"Offer","price":"9.90","priceCurrency":"EUR"}}</script>"#,
        "https://shop.example/lamp",
    );
    assert_eq!(p.sku.as_ref().unwrap().value, "L-1");
    assert_eq!(
        price(&p),
        ("19.90".into(), Some("EUR".into()), Source::JsonLd)
    );
    // Structured data outranks the visible page when they disagree.
    let p = read(
        r#"<script type="application/ld+json">{"@type":"Product","offers":{"price":"10.00","priceCurrency":"USD"}}</script>
           <h1>Cup</h1><span class="price">$12.00</span>"#,
        "https://shop.example/cup",
    );
    assert_eq!(price(&p).0, "10.00");
}

#[test]
fn microdata_with_a_price_in_text_and_currency_in_meta() {
    let p = read(
        r#"<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Pen</h1>
           <div itemprop="offers" itemscope itemtype="http://schema.org/Offer">
           <meta itemprop="priceCurrency" content="PLN"><span itemprop="price">1 299,00</span>
           <link itemprop="availability" href="http://schema.org/InStock"></div></div>"#,
        "https://sklep.example.pl/pen",
    );
    assert_eq!(p.title.as_ref().unwrap().value, "Pen");
    assert_eq!(
        price(&p),
        ("1299.00".into(), Some("PLN".into()), Source::Microdata)
    );
    assert_eq!(p.availability.as_ref().unwrap().value, "InStock");
}

/// A shop's variants: a JSON-LD product group with its sizes and colours, each with its
/// own SKU, price, stock and picture; and a page with only size and colour pickers.
#[test]
fn variants_come_with_their_options_and_pictures() {
    let page = r#"<html><head><script type="application/ld+json">
      {"@context":"https://schema.org","@type":"ProductGroup","name":"Linen shirt",
       "productGroupID":"LS","variesBy":["https://schema.org/color","https://schema.org/size"],
       "hasVariant":[
        {"@type":"Product","sku":"LS-W-M","color":"White","size":"M","image":"/img/white.jpg",
         "offers":{"@type":"Offer","price":"49.00","priceCurrency":"EUR","availability":"https://schema.org/OutOfStock"}},
        {"@type":"Product","sku":"LS-B-L","color":"Blue","size":"L","image":"/img/blue.jpg",
         "offers":{"@type":"Offer","price":"52.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}]}
      </script></head><body><h1>Linen shirt</h1></body></html>"#;
    let p = extract(page, "https://shop.example.de/shirt", &SiteRules::empty());
    assert_eq!(p.variants.len(), 2);
    let blue = &p.variants[1];
    assert_eq!(blue.sku.as_deref(), Some("LS-B-L"));
    assert_eq!(blue.options["color"], "Blue");
    assert_eq!(blue.price.as_ref().unwrap().amount, "52.00");
    assert_eq!(blue.availability.as_deref(), Some("InStock"));
    assert_eq!(p.variants[0].availability.as_deref(), Some("OutOfStock"));
    assert_eq!(blue.images, ["/img/blue.jpg"]);
    assert_eq!(p.options["color"], ["White", "Blue"]);
    assert_eq!(p.options["size"], ["M", "L"]);
    // The group is in stock when one of its variants is.
    assert_eq!(p.availability.unwrap().value, "InStock");

    let pickers = r#"<h1>Clog</h1><span class="price">39,95 €</span>
      <select name="groesse"><option value="">Bitte wählen</option><option>38</option><option>39</option></select>
      <select class="variant-colour"><option>Schwarz</option></select>"#;
    let p = extract(pickers, "https://shop.example.de/clog", &SiteRules::empty());
    assert!(p.variants.is_empty());
    assert_eq!(p.options["size"], ["38", "39"]);
    assert_eq!(p.options["color"], ["Schwarz"]);
}

/// Structured data that lags a sale: the microdata price is the one the page shows
/// struck out beside the lower price paid (lafeltrinelli.it in the corpus).
#[test]
fn a_structured_price_shown_struck_out_beside_a_lower_one_is_the_list_price() {
    let page = r#"<div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">Fairy Oak</h1>
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <meta itemprop="price" content="18.00"><meta itemprop="priceCurrency" content="EUR"></div>
      <p class="price"><strong><span class="actual-price">17,10</span></strong></p>
      <p class="full-price"><del>€ 18,00</del></p></div>"#;
    let p = extract(
        page,
        "https://www.shop.example.it/libri/1",
        &SiteRules::empty(),
    );
    assert_eq!(p.price.as_ref().unwrap().value.amount, "17.10");
    assert_eq!(p.list_price.as_ref().unwrap().value.amount, "18.00");
    // As the shop writes it: no <del>, a "full price" whose class says so.
    let classed = page.replace(
        r#"<p class="full-price"><del>€ 18,00</del></p>"#,
        r#"<div class="full-price"><span class="barred">€ 18,00</span></div>"#,
    );
    let p = extract(
        &classed,
        "https://www.shop.example.it/libri/1",
        &SiteRules::empty(),
    );
    assert_eq!(p.price.as_ref().unwrap().value.amount, "17.10");
    // Without the struck-out copy the structured price stands.
    let plain = page.replace("<del>€ 18,00</del>", "");
    let p = extract(
        &plain,
        "https://www.shop.example.it/libri/1",
        &SiteRules::empty(),
    );
    assert_eq!(p.price.unwrap().value.amount, "18.00");
}

/// A "recommended" strip between the title and the price (i3fresh.tw in the corpus):
/// its prices are other products'.
#[test]
fn prices_of_recommended_products_are_not_the_price() {
    let page = r#"<h1>Jerky, 10 packs</h1>
      <div id="reco_bar" class="recommend-bar"><div class="item"><span class="sale_price">$129</span></div></div>
      <div class="product-info"><span class="price">$99</span></div>"#;
    let p = extract(page, "https://shop.example.tw/jerky", &SiteRules::empty());
    assert_eq!(p.price.unwrap().value.amount, "99");
    // Only other products' prices: none is the product's, but the page sells.
    let only = r#"<h1>Jerky</h1><div class="related"><span class="price">$129</span></div>"#;
    let p = extract(only, "https://shop.example.tw/jerky", &SiteRules::empty());
    assert!(p.price.is_none());
    assert_eq!(p.availability.unwrap().value, "InStock");
}
