//! The exported functions as JavaScript calls them, run by wasm-bindgen-test under Node:
//! real `JsValue`s in, real `JsValue`s (or a thrown `Error`) out. Run with
//! `scripts/build-wasm-pkg.sh --test`.
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

use imago_wasm::discover::{discover_css_js, discover_js};
use imago_wasm::filter::{check_filter_spec_js, filter_js};
use imago_wasm::merge::merge_js;
use imago_wasm::naming::render_names_js;
use imago_wasm::probe::probe_header_js;
use imago_wasm::product::{product_csv_js, product_js};
use imago_wasm::rules::{hd_candidates_js, validate_rules_js};
use imago_wasm::sort::sort_images_js;
use imago_wasm::vocabulary::vocabulary_js;

/// A JavaScript value from JSON text.
fn js(v: Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).expect("JSON")
}

/// What JavaScript sees, as JSON (`undefined` properties vanish, as in `JSON.stringify`).
fn seen(v: Result<JsValue, JsError>) -> Value {
    let v = v.unwrap_or_else(|e| panic!("threw: {}", message(e)));
    let text: String = js_sys::JSON::stringify(&v).expect("stringify").into();
    serde_json::from_str(&text).expect("JSON")
}

/// The message of a thrown error.
fn message(e: JsError) -> String {
    js_sys::Error::from(JsValue::from(e)).message().into()
}

fn thrown(v: Result<JsValue, JsError>) -> String {
    match v {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => message(e),
    }
}

const PAGE: &str = "https://shop.example.com/a/item.html";
const HTML: &str = r#"<title>Shoes</title>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy/cat.jpg">
<img src="small.jpg" srcset="small.jpg 300w, big.jpg 1200w">"#;

#[wasm_bindgen_test]
fn discover_and_merge_find_the_lazy_original_and_the_largest_srcset_entry() {
    let found = discover_js(HTML, PAGE, JsValue::UNDEFINED).unwrap();
    let title = js_sys::Reflect::get(&found, &"title".into()).unwrap();
    assert_eq!(title.as_string().as_deref(), Some("Shoes"));
    let candidates = js_sys::Reflect::get(&found, &"candidates".into()).unwrap();
    let images = seen(merge_js(candidates));
    let urls: Vec<&str> = images
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://shop.example.com/a/lazy/cat.jpg",
            "https://shop.example.com/a/big.jpg"
        ]
    );
    assert_eq!(images[1]["sources"], json!(["img", "srcset"]));
}

#[wasm_bindgen_test]
fn discover_takes_options_and_throws_on_bad_ones() {
    let html = r#"<script>var gallery = {"zoom": "https://cdn.example.com/z/1.jpg"};</script>"#;
    let plain = seen(discover_js(html, PAGE, js(json!({}))));
    assert_eq!(plain["candidates"], json!([]));
    let deep = seen(discover_js(html, PAGE, js(json!({"deep": true}))));
    assert_eq!(
        deep["candidates"][0]["url"],
        "https://cdn.example.com/z/1.jpg"
    );
    assert_eq!(deep["candidates"][0]["kind"], "script");

    let err = thrown(discover_js(
        html,
        PAGE,
        js(json!({"deep": true, "sitRules": ""})),
    ));
    assert!(
        err.starts_with("options: unknown field `sitRules`"),
        "{err}"
    );
    let err = thrown(discover_js(html, "/relative", JsValue::UNDEFINED));
    assert!(
        err.starts_with("pageUrl \"/relative\": not an absolute URL"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn discover_css_gives_linked_candidates_with_the_order_given() {
    let found = seen(discover_css_js(
        ".a { background-image: image-set(url(a1.png) 1x, url(a2.png) 2x) }",
        "https://cdn.example.com/s/site.css",
        12,
    ));
    let c = &found["candidates"];
    assert_eq!(c[0]["url"], "https://cdn.example.com/s/a1.png");
    assert_eq!(c[1]["descriptor"], json!({"density": 2}));
    assert_eq!(c[1]["kind"], "css-linked");
    assert_eq!(c[1]["order"], 12);
}

#[wasm_bindgen_test]
fn merge_says_which_candidate_is_malformed() {
    let err = thrown(merge_js(js(json!({"url": "x"}))));
    assert_eq!(err, "candidates: expected an array");
    let err = thrown(merge_js(js(json!([
        {"url": "https://a.example/1.jpg", "kind": "dom", "order": 0},
        {"url": "https://a.example/2.jpg", "kind": "dom"}
    ]))));
    assert!(
        err.starts_with("candidates[1]: missing field `order`"),
        "{err}"
    );
    let err = thrown(merge_js(js(
        json!([{"url": "https://a.example/1.jpg", "kind": "hologram", "order": 0}]),
    )));
    assert!(
        err.starts_with("candidates[0]: unknown variant `hologram`"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn hd_candidates_rewrite_thumbnails_and_report_bad_user_rules() {
    let thumb = "https://img.alicdn.com/imgextra/i1/2200/O1CN01abcd.jpg_220x220q90.jpg_.webp";
    let all = seen(hd_candidates_js(thumb, None));
    assert_eq!(
        all[0],
        json!({"url": "https://img.alicdn.com/imgextra/i1/2200/O1CN01abcd.jpg", "rule": "alicdn"})
    );
    let bad = "[[rule]]\nname = \"x\"\nhosts = [\"*\"]\npattern = '(unclosed'\n".to_string();
    let err = thrown(hd_candidates_js(thumb, Some(bad)));
    assert!(
        err.starts_with("hd-rules:4: rule `x`: bad `pattern`"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn validate_rules_returns_the_line_as_a_value() {
    let bad_site = "[[site]]\nname = \"x\"\nmatch = \"a.com\"\nexclude = [\"div[\"]\n".to_string();
    let v = seen(validate_rules_js(None, Some(bad_site)));
    assert_eq!(v["error"]["origin"], "site-rules");
    assert_eq!(v["error"]["line"], 4);
    assert_eq!(
        seen(validate_rules_js(Some(String::new()), None)),
        json!({"ok": true})
    );
}

fn items() -> JsValue {
    let image = |url: &str, order: u32| json!({"url": url, "source": "img", "sources": ["img"], "alternates": [], "order": order});
    js(json!([
        {"image": image("https://a.example/small.jpg", 0), "measured": {"width": 120, "height": 90}},
        {"image": image("https://a.example/big.jpg", 1), "measured": {"width": 1600, "height": 900, "format": "jpeg", "bytes": 250000}},
        {"image": image("https://ads.example.com/banner.gif", 2)},
    ]))
}

#[wasm_bindgen_test]
fn filter_keeps_and_rejects_with_the_command_lines_reasons() {
    let out = seen(filter_js(
        items(),
        js(json!({"minWidth": 300, "denyDomains": ["ads.example.com"], "minBytes": "20k"})),
    ));
    assert_eq!(out["kept"], json!([1]));
    assert_eq!(
        out["rejected"],
        json!([
            {"index": 0, "rule": "width", "reason": "width 120 below --min-width 300"},
            {"index": 2, "rule": "domain", "reason": "domain ads.example.com denied"}
        ])
    );
    assert_eq!(out["needsMeasure"], true);
    let none = seen(filter_js(items(), JsValue::UNDEFINED));
    assert_eq!(none["kept"], json!([0, 1, 2]));
}

#[wasm_bindgen_test]
fn filter_throws_on_a_spec_it_cannot_read() {
    let err = thrown(filter_js(items(), js(json!({"minBytes": "20q"}))));
    assert!(err.starts_with("minBytes 20q: bad size \"20q\""), "{err}");
    let err = thrown(filter_js(items(), js(json!({"min_width": 3}))));
    assert!(
        err.starts_with("filterSpec: unknown field `min_width`"),
        "{err}"
    );
    let err = check_filter_spec_js(js(json!({"include": ["re:(a"]})))
        .map_err(message)
        .unwrap_err();
    assert!(
        err.starts_with("include re:(a: bad regular expression"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn sort_images_gives_the_order_as_indices() {
    assert_eq!(
        seen(sort_images_js(items(), "area", Some(true))),
        json!([1, 0, 2])
    );
    assert_eq!(seen(sort_images_js(items(), "url", None)), json!([1, 0, 2]));
    let err = thrown(sort_images_js(items(), "random", None));
    assert!(err.starts_with("sort key \"random\""), "{err}");
}

#[wasm_bindgen_test]
fn render_names_makes_hostile_titles_safe_and_unique() {
    let items = js(json!([
        {"url": "https://cdn.example.com/1.jpg", "pageUrl": PAGE, "title": "../../etc/passwd"},
        {"url": "https://cdn.example.com/2.jpg", "pageUrl": PAGE, "title": "nul"},
        {"url": "https://cdn.example.com/3.jpg", "pageUrl": PAGE, "title": "nul"},
    ]));
    let paths = seen(render_names_js(
        "{title}.{ext}",
        "{page_host}/{date}",
        items,
        "2026-11-28",
    ));
    assert_eq!(
        paths,
        json!([
            "shop.example.com/2026-11-28/_._.._etc_passwd.jpg",
            "shop.example.com/2026-11-28/_nul.jpg",
            "shop.example.com/2026-11-28/_nul-2.jpg"
        ])
    );
    let err = thrown(render_names_js("{n:3}", "", js(json!([])), "2026-11-28"));
    assert!(
        err.starts_with("name template \"{n:3}\": bad format"),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn probe_header_reads_a_gif_and_asks_for_more() {
    // A GIF's logical screen descriptor says 85 x 77.
    let gif = b"GIF89a\x55\x00\x4d\x00\xf7\x00\x00";
    assert_eq!(
        seen(probe_header_js(&gif[..], None)),
        json!({"format": "gif", "width": 85, "height": 77})
    );
    let more = seen(probe_header_js(&b"GIF8"[..], None));
    assert!(more["needMore"].as_u64().unwrap() > 4, "{more}");
    let not = seen(probe_header_js(
        &b"<html><body>Not found</body></html>"[..],
        Some(true),
    ));
    assert!(not["notImage"].is_string(), "{not}");
}

#[wasm_bindgen_test]
fn vocabulary_lists_what_the_core_knows() {
    let v = seen(vocabulary_js());
    assert_eq!(v["formats"][0], "jpeg");
    assert!(v["sources"].as_array().unwrap().contains(&json!("dom")));
    assert!(v["nameVariables"]
        .as_array()
        .unwrap()
        .contains(&json!("page_host")));
}

#[wasm_bindgen_test]
fn product_keeps_unnamed_fields_null_and_product_csv_reads_it_back() {
    let html = r#"<script type="application/ld+json">{"@type":"Product","name":"Teapot",
        "sku":"TP-42","offers":{"price":"24.90","priceCurrency":"EUR"}}</script>"#;
    let p = product_js(html, PAGE, js(json!({}))).unwrap();
    let seen_p = seen(Ok(p.clone()));
    assert_eq!(
        seen_p["price"],
        json!({"amount": "24.90", "currency": "EUR", "raw": "24.90"})
    );
    // `null`, not `undefined`: product.json keeps every key, as `imago product --json`.
    assert_eq!(seen_p["mpn"], Value::Null);
    assert!(seen_p.as_object().unwrap().contains_key("mpn"));
    let rows = js_sys::Array::of1(&js(json!({"product": seen_p, "files": ["a.jpg"]})));
    let csv = product_csv_js(rows.into(), js(json!({"bom": true}))).unwrap();
    assert!(csv.starts_with("\u{feff}url,title,price,"), "{csv}");
    assert!(csv.contains(",a.jpg,jsonld"), "{csv}");
    let bad = product_csv_js(js(json!([{"product": 3}])), JsValue::UNDEFINED);
    assert!(thrown(bad.map(JsValue::from)).starts_with("rows[0].product: invalid type"));
    assert!(thrown(product_js(html, PAGE, js(json!({"siteRule": ""}))))
        .starts_with("options: unknown field"));
}
