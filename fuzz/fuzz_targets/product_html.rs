//! Product fields (`imago_core::product::extract`: a site rule's selectors, JSON-LD,
//! microdata, meta tags, price and availability parsing) on any bytes: no panic, no
//! endless walk through `@id` cycles, and no input much slower per byte than an
//! ordinary page.
#![no_main]

#[path = "common/linear.rs"]
mod linear;

use imago_core::siterules::SiteRules;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The built-in rules and a shop rule on the page's host (selectors and a URL pattern).
fn rules() -> &'static SiteRules {
    static RULES: OnceLock<SiteRules> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = SiteRules::builtin();
        let shop = r##"[[site]]
name = "fuzz shop"
match = ["shop.example.de"]
[site.fields]
price = "#buy .price, span[itemprop=price]"
availability = "div#stock > span"
sku = "url:/p/([0-9]+)"
"##;
        rules.extend(SiteRules::from_toml(shop, "fuzz").expect("the fuzz rule parses"));
        rules
    })
}

fn run(html: &str) {
    let product = imago_core::product::extract(html, "https://shop.example.de/p/1", rules());
    if let Some(price) = &product.price {
        let amount = &price.value.amount;
        assert!(
            !amount.is_empty() && amount.chars().all(|c| c.is_ascii_digit() || c == '.'),
            "a price amount that is not a decimal: {amount:?}"
        );
    }
    std::hint::black_box(product);
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    linear::check(&html, &run);
});
