//! The Rust side of the adapter, natively: what each JavaScript function computes and
//! the JSON shape it hands over (serde_json stands in for serde-wasm-bindgen; both follow
//! the same serde attributes). `tests/wasm.rs` runs the exported functions themselves
//! under Node.

use imago_core::filter::Filter;
use imago_core::{Format, Image, Measured, SourceKind};
use imago_wasm::discover::{discover_page, discover_stylesheet, PageOptions};
use imago_wasm::filter::{filter_items, FilterSpec, Item};
use imago_wasm::merge::merge_candidates;
use imago_wasm::naming::{render_names, NameItem};
use imago_wasm::probe::probe_bytes;
use imago_wasm::product::{
    product_csv, product_from_json, product_json, CsvOptions, CsvRow, ProductOptions,
};
use imago_wasm::rules::{hd_candidates, validate};
use imago_wasm::sort::{sort_key, sorted_indices};
use imago_wasm::suggest::{
    rule_names, suggest_hd_rules, suggest_site_rule, HdSuggestOptions, RuleKind, SiteSuggestOptions,
};
use serde_json::json;

const PAGE: &str = "https://shop.example.com/a/item.html";

/// A lazy image (a spacer in `src`, the real one in `data-src`) and an srcset whose
/// largest entry is 1200w.
const LAZY_AND_SRCSET: &str = r#"<html><head><title>Red &amp; blue shoes</title>
<link rel="stylesheet" href="/css/site.css"></head><body>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy/cat.jpg" alt="cat">
<img src="small.jpg" srcset="small.jpg 300w, big.jpg 1200w, mid.jpg 600w">
</body></html>"#;

fn image(url: &str, order: u32) -> Image {
    Image {
        url: url.to_string(),
        source: SourceKind::Img,
        sources: vec![SourceKind::Img],
        alt: None,
        alternates: Vec::new(),
        width: None,
        height: None,
        order,
    }
}

fn item(url: &str, order: u32, measured: Measured) -> Item {
    Item {
        image: image(url, order),
        measured,
    }
}

fn spec(v: serde_json::Value) -> FilterSpec {
    serde_json::from_value(v).expect("a valid filter spec")
}

// ----------------------------------------------------------------------- discover, merge

#[test]
fn discover_then_merge_finds_the_lazy_original_and_the_largest_srcset_entry() {
    let found = discover_page(LAZY_AND_SRCSET, PAGE, &PageOptions::default()).unwrap();
    assert_eq!(found.title.as_deref(), Some("Red & blue shoes"));
    assert_eq!(
        found.stylesheets,
        vec!["https://shop.example.com/css/site.css"]
    );
    let urls: Vec<String> = merge_candidates(found.candidates)
        .into_iter()
        .map(|i| i.url)
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://shop.example.com/a/lazy/cat.jpg",
            "https://shop.example.com/a/big.jpg"
        ]
    );
}

#[test]
fn discover_names_a_page_url_that_is_not_absolute() {
    let err = discover_page("<img src=a.jpg>", "item.html", &PageOptions::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("pageUrl \"item.html\": not an absolute URL"),
        "{err}"
    );
}

#[test]
fn discover_uses_the_users_site_rules_to_keep_only_the_gallery() {
    let html =
        r#"<div id="gallery"><img src="/p/1.jpg"></div><div id="ads"><img src="/ad.jpg"></div>"#;
    let rules =
        "[[site]]\nname = \"shop\"\nmatch = [\"shop.example.com\"]\ninclude = [\"#gallery\"]\n";
    let opts = PageOptions {
        site_rules: Some(rules.to_string()),
        ..PageOptions::default()
    };
    let urls: Vec<String> = discover_page(html, PAGE, &opts)
        .unwrap()
        .candidates
        .into_iter()
        .map(|c| c.url)
        .collect();
    assert_eq!(urls, vec!["https://shop.example.com/p/1.jpg"]);
}

#[test]
fn discover_reports_the_line_of_bad_site_rules() {
    let opts = PageOptions {
        site_rules: Some(
            "[[site]]\nname = \"x\"\nmatch = [\"a.com\"]\nincludes = [\"#g\"]\n".into(),
        ),
        ..PageOptions::default()
    };
    let err = discover_page("", PAGE, &opts).unwrap_err().to_string();
    assert!(err.starts_with("site-rules:4: "), "{err}");
}

#[test]
fn discover_options_refuse_unknown_fields() {
    let err = serde_json::from_value::<PageOptions>(json!({"deeep": true})).unwrap_err();
    assert!(err.to_string().contains("deeep"), "{err}");
}

#[test]
fn discover_css_resolves_against_the_stylesheet_and_lists_imports() {
    let css = "@import 'more.css'; .hero { background: url(../img/hero.png) }";
    let found = discover_stylesheet(css, "https://cdn.example.com/css/a.css", 7).unwrap();
    assert_eq!(found.imports, vec!["https://cdn.example.com/css/more.css"]);
    assert_eq!(found.candidates.len(), 1);
    assert_eq!(
        found.candidates[0].url,
        "https://cdn.example.com/img/hero.png"
    );
    assert_eq!(found.candidates[0].kind, SourceKind::CssLinked);
    assert_eq!(found.candidates[0].order, 7);
}

#[test]
fn merge_takes_dom_candidates_as_the_collector_sends_them() {
    // Two candidates of one <img> from the live DOM (currentSrc and a lazy original) and
    // the same picture again as a CSS background: one image, the lazy original best.
    let raw = json!([
        {"url": "https://x.example/t.jpg", "kind": "dom", "group": 1, "order": 0},
        {"url": "https://x.example/full.jpg", "kind": "lazy", "group": 1, "order": 0, "full_size": true},
        {"url": "https://x.example/full.jpg", "kind": "css-inline", "order": 3}
    ]);
    let candidates = serde_json::from_value(raw).unwrap();
    let images = merge_candidates(candidates);
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].url, "https://x.example/full.jpg");
    assert_eq!(images[0].alternates, vec!["https://x.example/t.jpg"]);
    assert!(images[0].sources.contains(&SourceKind::Dom));
    assert!(images[0].sources.contains(&SourceKind::CssInline));
}

// ----------------------------------------------------------------------- rules

#[test]
fn hd_candidates_turn_an_alicdn_thumbnail_into_the_original() {
    let thumb = "https://img.alicdn.com/imgextra/i1/2200/O1CN01abcd.jpg_220x220q90.jpg_.webp";
    let first = &hd_candidates(thumb, None).unwrap()[0];
    assert_eq!(
        first.url,
        "https://img.alicdn.com/imgextra/i1/2200/O1CN01abcd.jpg"
    );
    assert_eq!(first.rule, "alicdn");
}

#[test]
fn hd_candidates_turn_an_amazon_thumbnail_into_the_original() {
    let thumb = "https://m.media-amazon.com/images/I/71kWymZ+c+L._AC_SX300_SY300_QL70_FMwebp_.jpg";
    let first = &hd_candidates(thumb, None).unwrap()[0];
    assert_eq!(
        first.url,
        "https://m.media-amazon.com/images/I/71kWymZ+c+L.jpg"
    );
    assert_eq!(first.rule, "amazon");
}

#[test]
fn hd_candidates_try_the_users_rules_first() {
    let user = r#"
[[rule]]
name = "mine"
hosts = ["*.alicdn.com"]
pattern = '_220x220q90\.jpg_\.webp$'
replace = ['_800x800.jpg']
"#;
    let thumb = "https://img.alicdn.com/i1/O1CN01abcd.jpg_220x220q90.jpg_.webp";
    let all = hd_candidates(thumb, Some(user)).unwrap();
    assert_eq!(
        all[0].url,
        "https://img.alicdn.com/i1/O1CN01abcd.jpg_800x800.jpg"
    );
    assert_eq!(all[0].rule, "mine");
    assert_eq!(all[1].rule, "alicdn");
    // The same text again comes from the cache and gives the same answer.
    assert_eq!(hd_candidates(thumb, Some(user)).unwrap(), all);
}

#[test]
fn hd_candidates_of_bad_user_rules_name_the_line() {
    let bad = "[[rule]]\nname = \"x\"\nhosts = [\"*\"]\npattern = '(unclosed'\n";
    let err = hd_candidates("https://a.example/x.jpg", Some(bad))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("hd-rules:4: "), "{err}");
}

#[test]
fn validate_rules_gives_origin_line_and_message() {
    let bad = "# my rules\n[[rule]]\nname = \"x\"\nhosts = [\"*\"]\npattern = '(unclosed'\n";
    let v = serde_json::to_value(validate(Some(bad), None)).unwrap();
    assert_eq!(v["error"]["origin"], "hd-rules");
    assert_eq!(v["error"]["line"], 5);
    assert!(
        v["error"]["message"].as_str().unwrap().contains("pattern"),
        "{v}"
    );

    let site_bad = "[[site]]\nname = \"x\"\nmatch = [\"a.com\"]\ninclude = [\"div[\"]\n";
    let v = serde_json::to_value(validate(None, Some(site_bad))).unwrap();
    assert_eq!(v["error"]["origin"], "site-rules");
    assert_eq!(v["error"]["line"], 4);
}

#[test]
fn validate_rules_accepts_good_and_empty_texts() {
    let good = "[[rule]]\nname = \"x\"\nhosts = [\"*\"]\npattern = 'a'\nreplace = ['b']\n";
    assert_eq!(
        serde_json::to_value(validate(Some(good), Some("  "))).unwrap(),
        json!({"ok": true})
    );
    assert_eq!(
        serde_json::to_value(validate(None, None)).unwrap(),
        json!({"ok": true})
    );
}

// ----------------------------------------------------------------------- filter, sort

#[test]
fn filter_rejects_with_the_command_lines_reason_text() {
    let items = vec![
        item(
            "https://a.example/small.jpg",
            0,
            Measured {
                width: Some(120),
                ..Measured::default()
            },
        ),
        item(
            "https://a.example/big.jpg",
            1,
            Measured {
                width: Some(800),
                ..Measured::default()
            },
        ),
        item("https://ads.example.com/x.jpg", 2, Measured::default()),
        item("https://a.example/unmeasured.jpg", 3, Measured::default()),
    ];
    let spec = spec(json!({"minWidth": 300, "denyDomains": ["ads.example.com"]}));
    let out = filter_items(&items, &spec.to_filter().unwrap());
    assert_eq!(out.kept, vec![1, 3]);
    let reasons: Vec<(usize, &str, &str)> = out
        .rejected
        .iter()
        .map(|r| (r.index, r.rule, r.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (0, "width", "width 120 below --min-width 300"),
            (2, "domain", "domain ads.example.com denied"),
        ]
    );
    assert!(out.needs_measure);

    // The same flags given to the core's Filter directly (what `imago grab` does) give
    // the same text.
    let cli = Filter {
        min_width: Some(300),
        ..Filter::default()
    };
    assert_eq!(
        cli.check_measured(&items[0].measured)
            .unwrap_err()
            .to_string(),
        out.rejected[0].reason
    );
}

#[test]
fn filter_spec_reads_sizes_ratios_patterns_and_kinds_like_the_flags() {
    let f = spec(json!({
        "minBytes": "20k", "maxBytes": 5000000, "minAspect": "16:9", "maxAspect": 2,
        "formats": ["JPG", "png"], "include": ["re:\\.jpe?g$"], "exclude": ["*thumb*"],
        "allowDomains": ["*.example.com"], "sources": ["img", "css-inline"]
    }))
    .to_filter()
    .unwrap();
    assert_eq!(
        f.min_bytes,
        Some(20_000),
        "k is a power of 1000, as on the command line"
    );
    assert_eq!(f.max_bytes, Some(5_000_000));
    assert_eq!(f.min_aspect, Some(16.0 / 9.0));
    assert_eq!(f.max_aspect, Some(2.0));
    assert_eq!(f.formats, vec![Format::Jpeg, Format::Png]);
    assert_eq!(f.kinds, vec![SourceKind::Img, SourceKind::CssInline]);
    assert!(f.include[0].matches("https://a.example.com/x.jpeg"));
    assert!(f.exclude[0].matches("https://a.example.com/THUMB/x.jpg"));
}

#[test]
fn filter_spec_errors_name_the_field_and_the_value() {
    let cases = [
        (json!({"minBytes": "20q"}), "minBytes 20q: bad size"),
        (json!({"maxBytes": -5}), "maxBytes -5: bad size"),
        (json!({"minAspect": "landscape"}), "minAspect landscape: "),
        (
            json!({"include": ["re:(a"]}),
            "include re:(a: bad regular expression",
        ),
        (json!({"exclude": [""]}), "exclude : empty URL pattern"),
        (
            json!({"formats": ["jpegxr"]}),
            "formats jpegxr: unknown format (one of jpeg, png",
        ),
        (
            json!({"sources": ["picture", "iframe"]}),
            "sources iframe: unknown source",
        ),
        (
            json!({"allowDomains": ["exa mple.com"]}),
            "allowDomains exa mple.com: bad domain",
        ),
    ];
    for (v, want) in cases {
        let err = spec(v.clone()).to_filter().unwrap_err().to_string();
        assert!(err.starts_with(want), "{v}: {err}");
    }
}

#[test]
fn filter_spec_refuses_a_misspelled_flag() {
    let err = serde_json::from_value::<FilterSpec>(json!({"minWidht": 300})).unwrap_err();
    assert!(err.to_string().contains("minWidht"), "{err}");
}

#[test]
fn filter_items_take_measured_as_optional() {
    let items: Vec<Item> = serde_json::from_value(json!([
        {"image": {"url": "https://a.example/1.png", "source": "img", "sources": ["img"], "alternates": [], "order": 0}},
        {"image": {"url": "https://a.example/2.gif", "source": "dom", "sources": ["dom"], "alternates": [], "order": 1},
         "measured": {"format": "gif", "bytes": 100}, "thumbnailLoaded": true}
    ]))
    .unwrap();
    let out = filter_items(
        &items,
        &spec(json!({"formats": ["png"]})).to_filter().unwrap(),
    );
    assert_eq!(out.kept, vec![0]);
    assert_eq!(out.rejected[0].reason, "format gif not in --format png");
    assert_eq!(out.rejected[0].rule, "format");
}

#[test]
fn sort_by_area_descending_puts_unknown_sizes_last() {
    let m = |w, h| Measured {
        width: Some(w),
        height: Some(h),
        ..Measured::default()
    };
    let items = vec![
        item("https://a.example/unknown.jpg", 0, Measured::default()),
        item("https://a.example/small.jpg", 1, m(10, 10)),
        item("https://a.example/big.jpg", 2, m(100, 50)),
    ];
    assert_eq!(
        sorted_indices(&items, sort_key("area").unwrap(), true),
        vec![2, 1, 0]
    );
    assert_eq!(
        sorted_indices(&items, sort_key("area").unwrap(), false),
        vec![1, 2, 0]
    );
    assert_eq!(
        sorted_indices(&items, sort_key("page").unwrap(), true),
        vec![2, 1, 0]
    );
    let err = sort_key("colour").unwrap_err().to_string();
    assert_eq!(
        err,
        "sort key \"colour\": use page, area, width, height, bytes or url"
    );
}

// ----------------------------------------------------------------------- names

fn named(url: &str, title: &str) -> NameItem {
    NameItem {
        url: url.to_string(),
        page_url: PAGE.to_string(),
        title: Some(title.to_string()),
        ext: Some("jpg".to_string()),
        ..NameItem::default()
    }
}

#[test]
fn render_names_makes_hostile_titles_safe_and_unique() {
    let items = vec![
        named("https://cdn.example.com/1", "../../etc/passwd"),
        named("https://cdn.example.com/2", "CON"),
        named("https://cdn.example.com/3", "a<b>:c|d?*"),
        named("https://cdn.example.com/4", "\u{202e}gpj.exe"),
        named("https://cdn.example.com/5", "Same"),
        named("https://cdn.example.com/6", "Same"),
        named("https://cdn.example.com/7", "same"),
    ];
    let paths = render_names("{title}.{ext}", "{page_host}", &items, "2026-11-28").unwrap();
    assert_eq!(
        &paths[..6],
        &[
            // A value's slashes never make folders; leading dots would hide the file.
            "shop.example.com/_._.._etc_passwd.jpg",
            "shop.example.com/_CON.jpg",
            "shop.example.com/a_b__c_d__.jpg",
            "shop.example.com/_gpj.exe.jpg",
            "shop.example.com/Same.jpg",
            "shop.example.com/Same-2.jpg",
        ]
    );
    // "same" is "Same" on macOS and Windows: it gets a number too.
    assert!(
        paths[6].starts_with("shop.example.com/same-"),
        "{}",
        paths[6]
    );
    let mut folded: Vec<String> = paths.iter().map(|p| p.to_lowercase()).collect();
    folded.sort();
    folded.dedup();
    assert_eq!(folded.len(), paths.len());
}

#[test]
fn render_names_folders_never_climb_out() {
    // A title's slashes are characters of one folder name, not levels.
    let items = vec![named(
        "https://cdn.example.com/img/photo.png?w=300",
        "../../..",
    )];
    let paths = render_names(
        "{n:03}-{name}.{ext}",
        "{title}/{date}",
        &items,
        "2026-11-28",
    )
    .unwrap();
    assert_eq!(paths, vec!["_.._/2026-11-28/001-photo.jpg"]);
    // The template's own `..` and `/` levels are dropped.
    let paths = render_names("{name}.{ext}", "/../../{date}", &items, "2026-11-28").unwrap();
    assert_eq!(paths, vec!["2026-11-28/photo.jpg"]);
}

#[test]
fn render_names_rejects_a_bad_template_with_its_column() {
    let err = render_names("{nmae}.{ext}", "", &[], "2026-11-28")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("name template \"{nmae}.{ext}\": unknown variable {nmae} at column 1"),
        "{err}"
    );
    let err = render_names("{name}", "{page_host", &[], "2026-11-28")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("folder template \"{page_host\": '{' at column 1 is never closed"),
        "{err}"
    );
}

#[test]
fn name_items_can_be_images_with_page_fields_added() {
    let items: Vec<NameItem> = serde_json::from_value(json!([{
        "url": "https://cdn.example.com/p/red%20shoe.webp", "source": "img", "sources": ["img"],
        "alternates": [], "order": 0, "width": 640, "height": 480,
        "pageUrl": "https://shop.example.com/item/9", "title": "Shoes"
    }]))
    .unwrap();
    let paths = render_names("{name}-{w}x{h}.{ext}", "{title}", &items, "2026-11-28").unwrap();
    assert_eq!(paths, vec!["Shoes/red shoe-640x480.webp"]);
}

// ----------------------------------------------------------------------- probe, types

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The PNG signature and an IHDR chunk of 640 x 480.
fn png_head() -> Vec<u8> {
    let mut chunk = b"IHDR".to_vec();
    chunk.extend_from_slice(&640u32.to_be_bytes());
    chunk.extend_from_slice(&480u32.to_be_bytes());
    chunk.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0d".to_vec();
    b.extend_from_slice(&chunk);
    b.extend_from_slice(&crc32(&chunk).to_be_bytes());
    b
}

#[test]
fn probe_header_reads_a_png_size() {
    let v = serde_json::to_value(probe_bytes(&png_head(), false)).unwrap();
    assert_eq!(v, json!({"format": "png", "width": 640, "height": 480}));
}

#[test]
fn probe_header_asks_for_more_or_says_not_an_image() {
    let v = serde_json::to_value(probe_bytes(&png_head()[..12], false)).unwrap();
    let need = v["needMore"].as_u64().expect("needMore");
    assert!(need > 12, "{v}");
    let v = serde_json::to_value(probe_bytes(b"<!doctype html><html>404</html>", false)).unwrap();
    assert!(v["notImage"].is_string(), "{v}");
}

// ----------------------------------------------------------------------------- product

/// A shop page: JSON-LD names the product; a struck-out list price and a stock line show
/// on the page; a hostile title would run as a spreadsheet formula.
const SHOP: &str = r#"<html><head><title>Teapot | Shop</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product",
"name":"=Teapot, \"blue\"","sku":"TP-42","gtin13":"4006381333931","brand":{"@type":"Brand","name":"Kettle & Co"},
"image":["https://shop.example.com/img/teapot-1.jpg","https://shop.example.com/img/teapot-2.jpg"],
"offers":{"@type":"Offer","price":"1299.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}</script>
</head><body><h1>Teapot</h1></body></html>"#;

#[test]
fn product_is_the_object_of_imago_product_json() {
    let p = product_json(SHOP, PAGE, &ProductOptions::default()).unwrap();
    assert_eq!(p["url"], PAGE);
    assert_eq!(p["title"], "=Teapot, \"blue\"");
    assert_eq!(
        p["price"],
        json!({"amount": "1299.00", "currency": "EUR", "raw": "1299.00"})
    );
    assert_eq!(p["sku"], "TP-42");
    assert_eq!(p["gtin"], "4006381333931");
    assert_eq!(p["brand"], "Kettle & Co");
    assert_eq!(p["availability"], "InStock");
    assert_eq!(
        p["mpn"],
        serde_json::Value::Null,
        "what the page does not say is null"
    );
    assert_eq!(p["source"]["price"], "jsonld");
    assert_eq!(
        p["images"],
        json!([
            "https://shop.example.com/img/teapot-1.jpg",
            "https://shop.example.com/img/teapot-2.jpg"
        ])
    );
    let none = product_json(
        "<p>Hello</p>",
        "https://blog.example/",
        &ProductOptions::default(),
    )
    .unwrap();
    assert_eq!(none["price"], serde_json::Value::Null);
}

#[test]
fn product_reads_the_users_field_rules_and_names_bad_input() {
    let rules = r#"
[[site]]
name = "Teapots"
match = ["shop.example.com"]
[site.fields]
sku = "url:/a/(item)[.]html"
"#;
    let opts = ProductOptions {
        site_rules: Some(rules.into()),
    };
    let p = product_json(SHOP, PAGE, &opts).unwrap();
    assert_eq!(
        (&p["sku"], &p["source"]["sku"]),
        (&json!("item"), &json!("siterule"))
    );
    let e = product_json(SHOP, "item.html", &ProductOptions::default()).unwrap_err();
    assert!(
        e.0.starts_with("pageUrl \"item.html\": not an absolute URL"),
        "{e}"
    );
    let bad: Result<ProductOptions, _> = serde_json::from_value(json!({"siteRule": ""}));
    assert!(bad.is_err(), "a misspelled option is refused");
}

#[test]
fn product_csv_from_the_product_object_is_the_cores_row() {
    let p = product_json(SHOP, PAGE, &ProductOptions::default()).unwrap();
    let rows = [CsvRow {
        url: None,
        product: p,
        folder: String::new(),
        files: vec!["teapot-1.jpg".into(), "teapot-2.jpg".into()],
    }];
    let csv = product_csv(&rows, &CsvOptions { bom: true }).unwrap();
    // The same bytes as the core's own row of the same page.
    let product =
        imago_core::product::extract(SHOP, PAGE, &imago_core::siterules::SiteRules::builtin());
    let core_row = imago_core::product::export::csv_row(
        PAGE,
        &product,
        "",
        &["teapot-1.jpg".into(), "teapot-2.jpg".into()],
    );
    let header = imago_core::product::export::CSV_COLUMNS
        .map(String::from)
        .to_vec();
    let expected = imago_core::product::export::csv_lines([header, core_row], true);
    assert_eq!(csv.as_bytes(), expected.as_slice());
    assert!(csv.starts_with("\u{feff}url,title,price,"));
    assert!(
        csv.contains(",\"'=Teapot, \"\"blue\"\"\",1299.00,,EUR,"),
        "{csv}"
    );
    assert!(csv.contains(",teapot-1.jpg|teapot-2.jpg,jsonld"), "{csv}");
    let plain = product_csv(&rows, &CsvOptions::default()).unwrap();
    assert!(plain.starts_with("url,"));
}

/// A product group with its variants: the object survives the trip to JavaScript and
/// back whole (a field the core adds and this crate does not read back shows here), and
/// its CSV row, variants' columns included, is the core's.
#[test]
fn product_with_variants_makes_the_round_trip_whole() {
    let page = r#"<script type="application/ld+json">
      {"@context":"https://schema.org","@type":"ProductGroup","name":"Linen shirt",
       "variesBy":["https://schema.org/color","https://schema.org/size"],
       "hasVariant":[
        {"@type":"Product","sku":"LS-W-M","color":"White","size":"M","image":"/img/white.jpg",
         "offers":{"@type":"Offer","price":"49.00","priceCurrency":"EUR","availability":"https://schema.org/OutOfStock"}},
        {"@type":"Product","sku":"LS-B-L","color":"Blue","size":"L","image":"/img/blue.jpg",
         "offers":{"@type":"Offer","price":"52.00","priceCurrency":"EUR","availability":"https://schema.org/InStock"}}]}
      </script><h1>Linen shirt</h1><p class="price">49,00 €</p><del class="old">60,00 €</del>"#;
    let url = "https://shop.example.de/shirt";
    let p = product_json(page, url, &ProductOptions::default()).unwrap();
    assert_eq!(p["variants"].as_array().map(Vec::len), Some(2), "{p}");
    let row = CsvRow {
        url: None,
        product: p.clone(),
        folder: "shirt".into(),
        files: vec!["a.jpg".into()],
    };
    let csv = product_csv(&[row], &CsvOptions::default()).unwrap();
    let product =
        imago_core::product::extract(page, url, &imago_core::siterules::SiteRules::builtin());
    // Read back and written again, the object is the same: nothing the core writes is lost.
    let back = product_from_json(&p).unwrap();
    assert_eq!(back, product);
    assert_eq!(imago_core::product::export::to_json(url, &back), p);
    let header = imago_core::product::export::CSV_COLUMNS
        .map(String::from)
        .to_vec();
    let core_row = imago_core::product::export::csv_row(url, &product, "shirt", &["a.jpg".into()]);
    assert_eq!(
        csv.as_bytes(),
        imago_core::product::export::csv_lines([header, core_row], false)
    );
    assert!(csv.contains("LS-W-M|LS-B-L"), "{csv}");
}

#[test]
fn product_csv_names_the_row_a_product_is_wrong_in() {
    let good = product_json(SHOP, PAGE, &ProductOptions::default()).unwrap();
    let mut unsourced = good.clone();
    unsourced["source"] = json!({});
    let rows = [
        CsvRow {
            url: None,
            product: good,
            folder: String::new(),
            files: vec![],
        },
        CsvRow {
            url: None,
            product: unsourced,
            folder: String::new(),
            files: vec![],
        },
    ];
    let e = product_csv(&rows, &CsvOptions::default()).unwrap_err();
    assert!(
        e.0.starts_with("rows[1].product: source: no source for the \"title\" field"),
        "{e}"
    );
    let rows = [CsvRow {
        url: None,
        product: json!({"price": {"amount": 3}}),
        folder: String::new(),
        files: vec![],
    }];
    let e = product_csv(&rows, &CsvOptions::default()).unwrap_err();
    assert!(e.0.starts_with("rows[0].product: invalid type"), "{e}");
}

#[test]
fn typescript_lists_every_source_kind_and_format() {
    for k in SourceKind::ALL {
        assert!(
            imago_wasm::types::TYPESCRIPT.contains(&format!("\"{}\"", k.as_str())),
            "{k}"
        );
    }
    for f in Format::ALL {
        assert!(
            imago_wasm::types::TYPESCRIPT.contains(&format!("\"{}\"", f.as_str())),
            "{f}"
        );
    }
}

// ----------------------------------------------------------------------- suggest

/// The extension's e2e shop page: a classed price, stock and SKU and no structured data,
/// a gallery of thumbnails each linking to its larger self (`small/` -> `large/`).
const LAMP: &str = include_str!("../../../extension/e2e/pages/suggest/lamp.html");
const LAMP_URL: &str = "http://127.0.0.1:8000/suggest/lamp.html";

#[test]
fn suggest_site_rule_reads_the_classed_fields_and_the_gallery() {
    let s = suggest_site_rule(LAMP, LAMP_URL, &SiteSuggestOptions::default()).unwrap();
    let price = s
        .fields
        .iter()
        .find(|f| f.field == "price")
        .expect("a price");
    assert_eq!(price.selector, ".price-current");
    assert_eq!(price.value.as_deref(), Some("89.50"));
    let fields: Vec<(&str, &str, Option<&str>)> = s
        .fields
        .iter()
        .map(|f| (f.field.as_str(), f.selector.as_str(), f.value.as_deref()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("price", ".price-current", Some("89.50")),
            ("sku", ".sku", Some("LMP-2041")),
            ("availability", ".stock-status", Some("InStock")),
        ]
    );
    assert_eq!(s.name, "suggested-127.0.0.1");
    assert_eq!(s.gallery, vec!["div.product-gallery"]);
    assert!(s
        .rule_toml
        .starts_with("[[site]]\nname = \"suggested-127.0.0.1\""));
    // The rule it offers loads and gives the price as a site rule.
    let p = product_json(
        LAMP,
        LAMP_URL,
        &ProductOptions {
            site_rules: Some(s.rule_toml.clone()),
        },
    )
    .unwrap();
    assert_eq!(p["price"]["amount"], "89.50");
    assert_eq!(p["source"]["price"], "siterule");
    assert_eq!(s.pages.len(), 1);
    assert!(s.pages[0].fields.iter().all(|f| f.agrees), "{s:?}");
    // The JSON shape the extension reads.
    let v = serde_json::to_value(&s).unwrap();
    assert!(
        v["ruleToml"].is_string() && v["pages"][0]["fields"].is_array(),
        "{v}"
    );
}

#[test]
fn suggest_site_rule_learns_nothing_twice_and_says_why_it_cannot() {
    let first = suggest_site_rule(LAMP, LAMP_URL, &SiteSuggestOptions::default()).unwrap();
    let opts = SiteSuggestOptions {
        site_rules: Some(first.rule_toml.clone()),
    };
    let e = suggest_site_rule(LAMP, LAMP_URL, &opts).unwrap_err();
    assert_eq!(
        e.0,
        "nothing to suggest: the rules in force already read what this page shows"
    );
    let e = suggest_site_rule(
        "<p>Hello</p>",
        "https://blog.example/post",
        &SiteSuggestOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        e.0,
        "nothing to suggest: this page shows no product (no price, SKU, MPN or GTIN)"
    );
    // A page title (`og:title`) alone is every page's: no rule is learned from it.
    let about = r#"<head><title>About us</title><meta property="og:title" content="About us"></head>
        <body><h1>About us</h1><p>We sell lamps since 1987.</p></body>"#;
    let e = suggest_site_rule(
        about,
        "https://lamps.example/about",
        &SiteSuggestOptions::default(),
    )
    .unwrap_err();
    assert!(e.0.contains("shows no product"), "{e}");
    let e = suggest_site_rule(
        LAMP,
        "file:///tmp/lamp.html",
        &SiteSuggestOptions::default(),
    )
    .unwrap_err();
    assert!(e.0.contains("not a web page address"), "{e}");
    let bad = SiteSuggestOptions {
        site_rules: Some("[[site]]\nname = 3".into()),
    };
    assert!(suggest_site_rule(LAMP, LAMP_URL, &bad)
        .unwrap_err()
        .0
        .starts_with("site-rules:"));
}

#[test]
fn suggest_hd_rules_maps_the_thumbnails_to_their_links() {
    let got = suggest_hd_rules(LAMP, LAMP_URL, &HdSuggestOptions::default()).unwrap();
    assert_eq!(got.len(), 1, "{got:?}");
    let s = &got[0];
    assert_eq!((s.pairs, s.checked), (3, 3));
    assert_eq!(
        s.examples[0],
        (
            "http://127.0.0.1:8000/suggest/img/small/lamp-1.jpg".to_string(),
            "http://127.0.0.1:8000/suggest/img/large/lamp-1.jpg".to_string()
        )
    );
    let rules = imago_core::hdrules::HdRules::from_toml(&s.rule_toml, "t").unwrap();
    assert_eq!(
        rules.candidates("http://127.0.0.1:8000/suggest/img/small/desk.jpg")[0].url,
        "http://127.0.0.1:8000/suggest/img/large/desk.jpg"
    );
    // With the rule in force, nothing is left to learn.
    let opts = HdSuggestOptions {
        hd_rules: Some(s.rule_toml.clone()),
    };
    assert!(suggest_hd_rules(LAMP, LAMP_URL, &opts).unwrap().is_empty());
    let v = serde_json::to_value(&got).unwrap();
    assert_eq!(
        v[0]["examples"][0][1],
        "http://127.0.0.1:8000/suggest/img/large/lamp-1.jpg"
    );
    assert!(v[0]["ruleToml"].is_string());
}

#[test]
fn rule_names_lists_the_users_rules_or_the_wrong_line() {
    let site = "[[site]]\nname = \"a\"\nmatch = [\"a.example\"]\n\n[[site]]\nname = \"b\"\nmatch = [\"b.example\"]\n";
    assert_eq!(rule_names(RuleKind::Site, site).unwrap(), vec!["a", "b"]);
    assert!(rule_names(RuleKind::Hd, "  \n").unwrap().is_empty());
    let e = rule_names(RuleKind::Hd, "[[rule]]\nname = 1\n").unwrap_err();
    assert!(e.0.starts_with("hd-rules:"), "{e}");
}

#[test]
fn read_playlist_gives_variants_best_first_and_a_media_playlists_length() {
    use imago_wasm::video::{page_videos, read_playlist};
    let master = "#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"en\",URI=\"audio/en.m3u8\"\n\
                  #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow.m3u8\n\
                  #EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS=\"avc1.64001f,mp4a.40.2\"\nhigh.m3u8\n";
    let m = read_playlist(master, "https://cdn.example/v/master.m3u8").unwrap();
    assert_eq!(m.kind, "master");
    assert_eq!(m.variants[0].url, "https://cdn.example/v/high.m3u8");
    assert_eq!(m.variants[0].height, Some(720));
    assert_eq!(m.variants[1].bandwidth, 800_000);
    assert_eq!(m.renditions, ["https://cdn.example/v/audio/en.m3u8"]);
    let media = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\na.ts\n#EXTINF:1.5,\nb.ts\n#EXT-X-ENDLIST\n";
    let p = read_playlist(media, "https://cdn.example/v/low.m3u8").unwrap();
    assert_eq!(
        (p.duration, p.segments, p.live),
        (Some(3.5), Some(2), Some(false))
    );
    assert!(read_playlist("<html>", "https://cdn.example/x").is_err());
    let v = page_videos(
        "<video src=\"v/master.m3u8\" poster=\"p.jpg\"></video>",
        "https://shop.example/item",
    )
    .unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].url, "https://shop.example/v/master.m3u8");
}
