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

#[test]
fn a_site_rule_of_the_users_says_where_a_shop_without_structured_data_keeps_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("item.html"),
        r#"<html><body><h1 class="t">Teapot</h1><div id="buy"><s>£30.00</s>
           <b class="now">£24.50</b></div><p id="stock">Only 2 left in stock</p></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("shop.toml"),
        r##"[[site]]
name = "Teapot shop"
match = ["teapots.example.co.uk"]
[site.fields]
title = "h1.t"
price = "#buy .now"
availability = "#stock"
sku = "url:/item/([0-9]+)"
"##,
    )
    .unwrap();
    let args = [
        "product",
        "--json",
        "--base-url",
        "https://teapots.example.co.uk/item/4711",
        "item.html",
    ];
    let without = json_lines(&imago(dir.path(), &args));
    assert_eq!(
        without[0]["price"],
        Value::Null,
        "nothing structured on the page"
    );
    let mut with_rules = args.to_vec();
    with_rules.extend(["--site-rules", "shop.toml"]);
    let out = imago(dir.path(), &with_rules);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = &json_lines(&out)[0];
    assert_eq!(page["title"], "Teapot");
    assert_eq!(page["price"]["amount"], "24.50");
    assert_eq!(page["price"]["currency"], "GBP");
    assert_eq!(page["availability"], "InStock");
    assert_eq!(page["sku"], "4711");
    assert_eq!(page["source"]["price"], "siterule");
    // A rule file with a mistake is bad input, named with its line.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[site]]\nname = \"x\"\nmatch = [\"a.example\"]\n[site.fields]\ncolour = \".c\"\n",
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &["product", "item.html", "--site-rules", "bad.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown field \"colour\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A shop page with its gallery, a related-products strip, a logo and a pixel.
const GALLERY_PAGE: &str = r#"<!doctype html><html><head><title>Lamp</title>
<meta property="og:image" content="https://shop.example/img/lamp-1.jpg">
</head><body>
<header><a href="/"><img class="logo" src="/static/logo.png" width="120" height="40"></a></header>
<h1>Brass lamp</h1>
<div class="product-gallery">
 <a href="/img/lamp-1.jpg"><img src="/img/lamp-1-300x300.jpg" alt="Brass lamp, front"></a>
 <a href="/img/lamp-2.jpg"><img src="/img/lamp-2-300x300.jpg" alt="Brass lamp, side"></a>
</div>
<section class="related-products">
 <a href="/p/chair"><img src="/img/chair.jpg" alt="Oak chair"></a>
 <a href="/p/table"><img src="/img/table.jpg" alt="Oak table"></a>
</section>
<img src="https://track.example/p.gif" width="1" height="1">
</body></html>"#;

fn listed(dir: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "list",
        "--json",
        "--base-url",
        "https://shop.example/lamp",
        "lamp.html",
    ];
    args.extend_from_slice(extra);
    let out = imago(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out)
        .iter()
        .filter_map(|v| v["url"].as_str().map(String::from))
        .collect()
}

#[test]
fn list_main_keeps_the_products_own_pictures_and_a_site_rule_can_make_it_the_default() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("lamp.html"), GALLERY_PAGE).unwrap();
    let all = listed(dir.path(), &[]);
    assert!(all.iter().any(|u| u.ends_with("/img/chair.jpg")), "{all:?}");
    assert!(
        all.iter().any(|u| u.ends_with("/static/logo.png")),
        "{all:?}"
    );

    let main = listed(dir.path(), &["--main"]);
    assert_eq!(
        main,
        [
            "https://shop.example/img/lamp-1.jpg",
            "https://shop.example/img/lamp-2.jpg"
        ],
        "the gallery's full sizes (og:image is lamp-1 too), nothing else"
    );

    // The user's rule narrows this shop by default; `--no-main` lists everything.
    std::fs::write(
        dir.path().join("sites.toml"),
        "[[site]]\nname = \"shop\"\nmatch = [\"shop.example\"]\nmain = true\n",
    )
    .unwrap();
    let ruled = listed(dir.path(), &["--site-rules", "sites.toml"]);
    assert_eq!(ruled, main);
    let every = listed(dir.path(), &["--site-rules", "sites.toml", "--no-main"]);
    assert_eq!(every.len(), all.len());
}
