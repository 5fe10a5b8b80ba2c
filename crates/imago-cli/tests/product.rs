//! `imago product` as a user runs it on saved shop pages.

mod support;

use std::collections::HashMap;

use serde_json::Value;
use support::{imago, json_lines, png, Route, Server};

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

/// The desk page served with its two pictures (and a logo `--main` leaves out).
fn desk_shop() -> Server {
    let page = SHOP_PAGE
        .replace(
            "<h1>Oak desk</h1>",
            r#"<h1>Oak desk</h1><div class="gallery"><img src="/img/desk-1.png" alt="Oak desk">
           <img src="/img/desk-2.png" alt="Oak desk, side"></div>
           <footer><img class="logo" src="/img/logo.png" width="40" height="20"></footer>"#,
        )
        .replace(
            r#""image":["/img/desk-1.jpg","/img/desk-2.jpg"]"#,
            r#""image":["/img/desk-1.png","/img/desk-2.png"]"#,
        );
    let mut routes = HashMap::new();
    routes.insert("/desk.html".to_string(), Route::ok("text/html", page));
    routes.insert(
        "/img/desk-1.png".into(),
        Route::ok("image/png", png(60, 40, 1)),
    );
    routes.insert(
        "/img/desk-2.png".into(),
        Route::ok("image/png", png(60, 40, 2)),
    );
    routes.insert(
        "/img/logo.png".into(),
        Route::ok("image/png", png(40, 20, 3)),
    );
    Server::start(routes)
}

#[test]
fn grab_product_writes_product_json_beside_the_pictures_and_a_csv_row_per_page() {
    let server = desk_shop();
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let grab = |extra: &[&str]| {
        let mut args = vec![
            "grab",
            &server.url("/desk.html")[..],
            "-o",
            out_dir.to_str().unwrap(),
            "--json",
            "--no-hd",
            "--main",
            "--product",
            "--folder",
            "{sku}",
            "--name",
            "{product_title}-{n}.{ext}",
        ]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        imago(tmp.path(), &args)
    };
    let out = grab(&["--csv-bom"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The pictures are named by the product, in a folder named by its SKU.
    let folder = out_dir.join("OD-120");
    assert!(folder.join("Oak desk-1.png").is_file());
    assert!(folder.join("Oak desk-2.png").is_file());
    assert!(
        !folder.join("Oak desk-3.png").exists(),
        "--main leaves the logo out"
    );

    let json: Value =
        serde_json::from_slice(&std::fs::read(folder.join("product.json")).unwrap()).unwrap();
    assert_eq!(json["url"], server.url("/desk.html"));
    assert_eq!(json["title"], "Oak desk");
    assert_eq!(json["price"]["amount"], "1299.00");
    assert_eq!(json["source"]["sku"], "jsonld");
    assert_eq!(
        json["files"],
        serde_json::json!(["Oak desk-1.png", "Oak desk-2.png"])
    );

    let csv = std::fs::read_to_string(out_dir.join("products.csv")).unwrap();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].starts_with("\u{feff}url,title,price,price_max,currency,"));
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with(&format!(
        "{},Oak desk,1299.00,,EUR,",
        server.url("/desk.html")
    )));
    assert!(
        lines[1].contains(",OD-120,Oak desk-1.png|Oak desk-2.png,jsonld"),
        "{}",
        lines[1]
    );

    // A second run (the archive skips the pictures) adds a row and keeps the files listed.
    let again = grab(&[]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let csv = std::fs::read_to_string(out_dir.join("products.csv")).unwrap();
    assert_eq!(
        csv.matches("Oak desk-1.png|Oak desk-2.png").count(),
        2,
        "{csv}"
    );
    let json: Value =
        serde_json::from_slice(&std::fs::read(folder.join("product.json")).unwrap()).unwrap();
    assert_eq!(
        json["files"],
        serde_json::json!(["Oak desk-1.png", "Oak desk-2.png"])
    );
    assert!(
        !folder.join("product-2.json").exists(),
        "the same page's file is updated"
    );
}

#[test]
fn grab_product_refuses_a_products_csv_that_is_not_its_own() {
    let server = desk_shop();
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("products.csv"), "name,price\nmine,1\n").unwrap();
    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/desk.html"),
            "-o",
            out_dir.to_str().unwrap(),
            "--product",
            "--no-hd",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("products.csv") && err.contains("-o"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out_dir.join("products.csv")).unwrap(),
        "name,price\nmine,1\n"
    );
    assert_eq!(
        server.hits_of("/img/desk-1.png"),
        0,
        "nothing downloaded before it is refused"
    );
}

#[test]
fn grab_product_into_a_zip_puts_product_json_and_products_csv_inside() {
    let server = desk_shop();
    let tmp = tempfile::tempdir().unwrap();
    let zip_path = tmp.path().join("desk.zip");
    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/desk.html"),
            "--zip",
            zip_path.to_str().unwrap(),
            "--product",
            "--main",
            "--no-hd",
            "--folder",
            "{sku}",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    assert!(
        names.contains(&"OD-120/product.json".to_string()),
        "{names:?}"
    );
    assert!(names.contains(&"products.csv".to_string()), "{names:?}");
    let mut csv = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("products.csv").unwrap(), &mut csv).unwrap();
    assert!(
        csv.contains(",OD-120,desk-1.png|desk-2.png,jsonld,,\r\n"),
        "{csv}"
    );
    assert!(!tmp.path().join("products.csv").exists(), "nothing loose");
}
