//! `imago product` as a user runs it on saved shop pages.

mod support;

use serde_json::Value;
use support::{imago, json_lines};

const SHOP_PAGE: &str = r#"<!doctype html><html><head><title>Desk</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
 "name":"Oak desk","sku":"OD-120","brand":{"@type":"Brand","name":"Holz"},
 "image":["/img/desk-1.jpg","/img/desk-2.jpg"],
 "offers":{"@type":"Offer","price":"1.299,00 €","availability":"https://schema.org/InStock"}}
</script></head><body><h1>Oak desk</h1></body></html>"#;

#[test]
fn a_saved_shop_page_gives_its_fields_and_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desk.html"), SHOP_PAGE).unwrap();
    std::fs::write(
        dir.path().join("blog.html"),
        "<html><body><p>Hello</p></body></html>",
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &[
            "product",
            "--json",
            "--base-url",
            "https://shop.example.de/desk",
            "desk.html",
            "blog.html",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = json_lines(&out);
    assert_eq!(pages.len(), 2);
    let desk = &pages[0];
    assert_eq!(desk["url"], "https://shop.example.de/desk");
    assert_eq!(desk["title"], "Oak desk");
    assert_eq!(desk["price"]["amount"], "1299.00");
    assert_eq!(desk["price"]["currency"], "EUR");
    assert_eq!(desk["price"]["raw"], "1.299,00 €");
    assert_eq!(desk["sku"], "OD-120");
    assert_eq!(desk["brand"], "Holz");
    assert_eq!(desk["availability"], "InStock");
    assert_eq!(desk["images"][1], "/img/desk-2.jpg");
    assert_eq!(desk["source"]["price"], "jsonld");
    // A page without a product is read all the same: its fields are null.
    let blog = &pages[1];
    assert_eq!(blog["price"], Value::Null);
    assert_eq!(blog["title"], Value::Null);
}

#[test]
fn a_missing_file_is_bad_input_and_a_plain_line_is_tab_separated() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("desk.html"), SHOP_PAGE).unwrap();
    let out = imago(dir.path(), &["product", "nowhere.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.html"));
    let out = imago(dir.path(), &["product", "desk.html"]);
    assert_eq!(out.status.code(), Some(0));
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.contains("Oak desk\t1299.00 EUR\tOD-120\tInStock"),
        "{line}"
    );
}
