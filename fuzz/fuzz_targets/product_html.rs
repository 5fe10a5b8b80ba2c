//! Product fields (`imago_core::product::extract`: JSON-LD, microdata, meta tags, price
//! and availability parsing) on any bytes: no panic, no endless walk through `@id`
//! cycles, and no input much slower per byte than an ordinary page.
#![no_main]

#[path = "common/linear.rs"]
mod linear;

use libfuzzer_sys::fuzz_target;

fn run(html: &str) {
    let product = imago_core::product::extract(html, "https://shop.example.de/p/1");
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
