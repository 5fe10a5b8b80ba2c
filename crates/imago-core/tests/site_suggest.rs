//! `imago rules suggest`'s learner: a site rule learned from one product page of a shop
//! must read that shop's other pages right (fields from the rule alone, its gallery
//! keeping their product's pictures and not the related strip). The corpus test learns
//! from one page of each shop with several and applies the rule to the others.

use std::collections::{BTreeMap, HashSet};

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::model::SourceKind;
use imago_core::product::{extract, Found, Product, Source};
use imago_core::siterules::suggest::{suggest, SitePage, SiteSuggestion, SuggestError};
use imago_core::siterules::SiteRules;
use serde_json::Value;
use url::Url;

#[path = "support/corpus.rs"]
mod corpus;

/// One product page of a teapot shop with no structured data but an `og:title`: the
/// price, stock line and code sit in classed elements; a mini-basket (with a price of
/// its own) comes before the product when `basket` is set; a related strip follows.
struct Shop<'a> {
    title: &'a str,
    price: &'a str,
    code: &'a str,
    stock: &'a str,
    pictures: usize,
    related: &'a [&'a str],
    basket: bool,
}

impl Shop<'_> {
    fn html(&self) -> String {
        let basket = if self.basket {
            r#"<div class="mini-basket"><span class="product-price">£3.10</span></div>"#
        } else {
            ""
        };
        let pictures: String = (1..=self.pictures)
            .map(|n| {
                format!(
                    r#"<li><a href="/media/{code}/{n}-large.jpg"><img src="/media/{code}/{n}.jpg" alt="{title} view {n}"></a></li>"#,
                    code = self.code,
                    title = self.title
                )
            })
            .collect();
        let related: String = self
            .related
            .iter()
            .map(|r| {
                format!(
                    r#"<div class="card"><a href="/p/{r}"><img src="/media/{r}/1.jpg" alt="{r}"><span class="product-price">£9.99</span></a></div>"#
                )
            })
            .collect();
        format!(
            r#"<!doctype html><html><head><title>{title} | Teapots</title>
<meta property="og:title" content="{title}"></head><body>
<header class="site-header"><a href="/"><img src="/static/logo.png" alt="Teapots"></a>{basket}</header>
<main class="pdp">
  <div class="product-gallery" id="gallery-88120"><ul class="thumbs">{pictures}</ul></div>
  <div class="details">
    <h1 class="product-name">{title}</h1>
    <div class="pricing"><span class="product-price">{price}</span></div>
    <p class="stock-status">{stock}</p>
    <p class="code">Product code: <span class="code-value">{code}</span></p>
  </div>
</main>
<section class="related"><h2>You may also like</h2>{related}</section>
<footer><img src="/static/payment-cards.png" alt=""></footer>
</body></html>"#,
            title = self.title,
            price = self.price,
            code = self.code,
            stock = self.stock,
        )
    }
}

const A: Shop = Shop {
    title: "Brown Betty teapot",
    price: "£24.50",
    code: "TP1204",
    stock: "In stock",
    pictures: 4,
    related: &["blue-mug", "tea-cosy"],
    basket: false,
};

const B: Shop = Shop {
    title: "Cast iron teapot",
    price: "£39.00",
    code: "TP2290",
    stock: "Out of stock",
    pictures: 3,
    related: &["strainer", "kettle", "caddy"],
    basket: false,
};

fn url(path: &str) -> Url {
    Url::parse(&format!("https://www.teapots.co.uk{path}")).unwrap()
}

fn learn(pages: &[(&str, &Url)]) -> SiteSuggestion {
    let pages: Vec<SitePage> = pages
        .iter()
        .map(|(html, url)| SitePage { html, url })
        .collect();
    suggest(&pages, &SiteRules::empty()).expect("a suggestion")
}

fn rule_of(s: &SiteSuggestion) -> SiteRules {
    SiteRules::from_toml(&s.rule_toml, "suggested")
        .unwrap_or_else(|e| panic!("{e}\n{}", s.rule_toml))
}

fn by_rule(f: &Option<Found<String>>) -> Option<&str> {
    f.as_ref()
        .filter(|f| f.source == Source::SiteRule)
        .map(|f| f.value.as_str())
}

fn price_by_rule(p: &Product) -> Option<&str> {
    p.price
        .as_ref()
        .filter(|f| f.source == Source::SiteRule)
        .map(|f| f.value.amount.as_str())
}

/// The pictures elements of the page show that main mode keeps with `rules`.
fn main_pictures(html: &str, url: &Url, rules: &SiteRules) -> Vec<String> {
    let opts = DiscoverOptions {
        main: Some(true),
        ..Default::default()
    };
    let mut urls: Vec<String> = discover_html(html, url, &opts, rules)
        .candidates
        .into_iter()
        .filter(|c| matches!(c.kind, SourceKind::Img | SourceKind::Link))
        .map(|c| c.url)
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

#[test]
fn a_rule_learned_from_one_page_reads_another_page_of_the_shop() {
    let (a_url, b_url) = (url("/p/brown-betty"), url("/p/cast-iron"));
    let (a, b) = (A.html(), B.html());
    let s = learn(&[(&a, &a_url)]);
    assert_eq!(s.host, "teapots.co.uk");
    assert_eq!(s.name, "suggested-teapots.co.uk");
    let fields: Vec<&str> = s.fields.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["title", "price", "sku", "availability"], "{s:#?}");
    for (_, selector) in &s.fields {
        assert!(!selector.contains("88120"), "{selector}");
    }
    assert_eq!(s.gallery.len(), 1, "{s:#?}");
    assert!(
        !s.gallery[0].contains("88120"),
        "a generated id: {:?}",
        s.gallery
    );
    // Checked on the page it came from: every field read as the page gives it.
    let check = &s.checked[0];
    assert!(check.fields.iter().all(|f| f.agrees), "{check:#?}");
    let g = check.gallery.as_ref().unwrap();
    assert_eq!((g.rule, g.heuristic, g.both), (4, 4, 4), "{check:#?}");

    // Page B, read with the rule alone.
    let rule = rule_of(&s);
    let p = extract(&b, b_url.as_str(), &rule);
    assert_eq!(by_rule(&p.title), Some("Cast iron teapot"));
    assert_eq!(price_by_rule(&p), Some("39.00"));
    assert_eq!(by_rule(&p.sku), Some("TP2290"));
    assert_eq!(by_rule(&p.availability), Some("OutOfStock"));
    let kept = main_pictures(&b, &b_url, &rule);
    let want: Vec<String> = (1..=3)
        .flat_map(|n| {
            [
                format!("https://www.teapots.co.uk/media/TP2290/{n}-large.jpg"),
                format!("https://www.teapots.co.uk/media/TP2290/{n}.jpg"),
            ]
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(kept, want, "the gallery, not the related strip or the logo");
}

#[test]
fn with_several_pages_the_selector_that_reads_all_of_them_wins() {
    // On C a mini-basket's price comes before the product's: `.product-price` alone
    // would read the basket there.
    let c = Shop { basket: true, ..B };
    let (a_url, c_url) = (url("/p/brown-betty"), url("/p/cast-iron"));
    let (a, c) = (A.html(), c.html());
    let alone = learn(&[(&a, &a_url)]);
    let price_alone = alone.fields.iter().find(|(f, _)| f == "price").unwrap();
    let p = extract(&c, c_url.as_str(), &rule_of(&alone));
    assert_eq!(
        price_by_rule(&p),
        Some("3.10"),
        "from A alone, {} reads the basket on C",
        price_alone.1
    );
    let both = learn(&[(&a, &a_url), (&c, &c_url)]);
    let p = extract(&c, c_url.as_str(), &rule_of(&both));
    assert_eq!(price_by_rule(&p), Some("39.00"), "{both:#?}");
    assert!(both
        .checked
        .iter()
        .all(|c| c.fields.iter().all(|f| f.agrees)));
}

#[test]
fn an_id_in_the_url_becomes_a_url_rule_and_mixed_sites_are_refused() {
    let html = r#"<html><body><h1>Lamp</h1><span class="price">€19,99</span></body></html>"#;
    let u = Url::parse("https://shop.example.de/item/lamp-4471230").unwrap();
    let s = learn(&[(html, &u)]);
    let sku = s
        .fields
        .iter()
        .find(|(f, _)| f == "sku")
        .map(|(_, r)| r.as_str());
    assert_eq!(sku, Some(r"url:\-([0-9]+)(?:[/?#&.]|$)"), "{s:#?}");
    let other = Url::parse("https://shop.example.de/item/desk-9911").unwrap();
    let p = extract(html, other.as_str(), &rule_of(&s));
    assert_eq!(by_rule(&p.sku), Some("9911"));

    let z = Url::parse("https://www.zara.com/p1.html").unwrap();
    let pages = [SitePage { html, url: &u }, SitePage { html, url: &z }];
    assert!(matches!(
        suggest(&pages, &SiteRules::empty()),
        Err(SuggestError::MixedSites(_))
    ));
    let file = Url::parse("file:///tmp/page.html").unwrap();
    assert!(matches!(
        suggest(&[SitePage { html, url: &file }], &SiteRules::empty()),
        Err(SuggestError::NoHost(_))
    ));
}

#[test]
fn hostile_pages_give_an_empty_suggestion_not_a_panic() {
    let u = Url::parse("https://evil.example/p/1").unwrap();
    let deep = "<div class=\"price\">".repeat(5000) + "€1,00";
    let wide = "<span class=\"price\">€2,00</span>".repeat(20_000);
    let broken =
        "<h1 class=\"t\">€ 5<meta content=\"\u{1F600}\"><a b=\"</h1><p class=\"price\">€5,0";
    for html in [deep.as_str(), wide.as_str(), broken, "", "\u{0}<<<>>>"] {
        let s = suggest(&[SitePage { html, url: &u }], &SiteRules::empty()).unwrap();
        rule_of(&s);
    }
}

// --- the corpus ---------------------------------------------------------------------

/// The corpus's product pages by host, in manifest order, with their labels.
fn product_pages() -> BTreeMap<String, Vec<(corpus::Page, Value)>> {
    let dir = corpus::dir();
    let truth: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("product-ground-truth.json")).expect("ground truth"),
    )
    .expect("ground truth JSON");
    let mut out: BTreeMap<String, Vec<(corpus::Page, Value)>> = BTreeMap::new();
    for (file, url) in corpus::manifest(&dir).expect("manifest") {
        let Some(name) = file.strip_prefix("pages/product-") else {
            continue;
        };
        let prefix = name.trim_end_matches(".html.gz");
        let labels = truth
            .iter()
            .find(|(k, _)| k.starts_with(prefix))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{file}: no ground truth"));
        let host = url.host_str().unwrap_or("").to_string();
        let page = corpus::read(&dir, &file, url).expect("page");
        out.entry(host).or_default().push((page, labels));
    }
    out.retain(|_, pages| pages.len() >= 2);
    out
}

fn labelled(labels: &Value, field: &str) -> Vec<String> {
    labels[field]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(|s| s.trim().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn same_amount(a: &str, b: &str) -> bool {
    matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() < 0.005)
}

/// Held-out counts of one field: read by the rule and right, read and wrong (and of
/// those, wrong where imago reads the page right without the rule: the learner's own
/// mistakes, not a label imago reads otherwise everywhere), not read.
#[derive(Default, Clone, Copy)]
struct Tally {
    right: u32,
    wrong: u32,
    wrong_page_right: u32,
    silent: u32,
}

/// A field's value as `p` gives it, from any source.
fn value_of(p: &Product, field: &str, rule_only: bool) -> Option<String> {
    let keep = |s: Source| !rule_only || s == Source::SiteRule;
    match field {
        "price" => p
            .price
            .as_ref()
            .filter(|f| keep(f.source))
            .map(|f| f.value.amount.clone()),
        "sku" => p
            .sku
            .as_ref()
            .filter(|f| keep(f.source))
            .map(|f| f.value.clone()),
        _ => p
            .availability
            .as_ref()
            .filter(|f| keep(f.source))
            .map(|f| f.value.clone()),
    }
}

fn is_labelled(truth: &[String], field: &str, v: &str) -> bool {
    truth
        .iter()
        .any(|l| l == v || (field == "price" && same_amount(l, v)))
}

#[test]
fn corpus_rules_learned_from_one_page_read_the_shops_other_pages() {
    // Learned from what the page gives on its own (structured data, page heuristics):
    // with the built-in rules in force, Amazon's and IKEA's fields and galleries would
    // count as covered and not be learned.
    let known = SiteRules::empty();
    let builtin = SiteRules::builtin();
    let hosts = product_pages();
    let mut total: BTreeMap<&str, Tally> = BTreeMap::new();
    let (mut gallery_agree, mut gallery_pages, mut gallery_hosts) = (0, 0, 0);
    let mut suggested_hosts = 0;
    // Each rule and each held-out value, for looking into a failure.
    let verbose = std::env::var_os("IMAGO_SUGGEST_VERBOSE").is_some();
    println!(
        "\n{:<28} {:>5}  {:<42} {:>9}  {:>7}",
        "host", "pages", "fields suggested", "held-out", "gallery"
    );
    let only = std::env::var("IMAGO_SUGGEST_HOST").ok();
    for (host, pages) in &hosts {
        if only.as_ref().is_some_and(|h| !host.contains(h.as_str())) {
            continue;
        }
        let (learn_page, _) = &pages[0];
        let s = suggest(
            &[SitePage {
                html: &learn_page.html,
                url: &learn_page.url,
            }],
            &known,
        )
        .unwrap_or_else(|e| panic!("{host}: {e}"));
        let rule = rule_of(&s);
        if verbose {
            println!(
                "{}unanchored {:?}, covered {:?}",
                s.rule_toml, s.unanchored, s.covered
            );
        }
        suggested_hosts += usize::from(!s.is_empty());
        let named: HashSet<&str> = s.fields.iter().map(|(f, _)| f.as_str()).collect();
        let (mut right, mut asked) = (0, 0);
        let mut g_agree = 0;
        for (page, labels) in &pages[1..] {
            let p = extract(&page.html, page.url.as_str(), &rule);
            let got = |field: &str| value_of(&p, field, true);
            let own = extract(&page.html, page.url.as_str(), &builtin);
            for field in ["price", "sku", "availability"] {
                let truth = labelled(labels, field);
                if !named.contains(field) || truth.is_empty() {
                    continue;
                }
                let t = total.entry(field).or_default();
                asked += 1;
                if verbose {
                    println!(
                        "  {} {field}: rule {:?}, labelled {truth:?}",
                        page.url,
                        got(field)
                    );
                }
                match got(field) {
                    None => t.silent += 1,
                    Some(v) if is_labelled(&truth, field, &v) => {
                        t.right += 1;
                        right += 1;
                    }
                    Some(_) => {
                        t.wrong += 1;
                        let page_right = value_of(&own, field, false)
                            .is_some_and(|v| is_labelled(&truth, field, &v));
                        t.wrong_page_right += u32::from(page_right);
                    }
                }
            }
            if !s.gallery.is_empty() {
                let heuristic: HashSet<String> =
                    main_pictures(&page.html, &page.url, &SiteRules::empty())
                        .into_iter()
                        .collect();
                let with: HashSet<String> = main_pictures(&page.html, &page.url, &rule)
                    .into_iter()
                    .collect();
                let both = heuristic.intersection(&with).count();
                // Agreement as the learner checks it: three in four, few others.
                if both * 4 >= heuristic.len() * 3
                    && with.len() - both <= (heuristic.len() / 4).max(2)
                {
                    g_agree += 1;
                }
            }
        }
        let held = pages.len() - 1;
        if !s.gallery.is_empty() {
            gallery_hosts += 1;
            gallery_pages += held;
            gallery_agree += g_agree;
        }
        let fields: Vec<&str> = s.fields.iter().map(|(f, _)| f.as_str()).collect();
        println!(
            "{host:<28} {:>5}  {:<42} {:>9}  {:>7}",
            pages.len(),
            fields.join(","),
            format!("{right}/{asked}"),
            if s.gallery.is_empty() {
                "-".to_string()
            } else {
                format!("{g_agree}/{held}")
            }
        );
    }
    println!(
        "\nheld-out pages, labelled fields the rule names: right / wrong (imago right without the rule) / silent"
    );
    let mut all = Tally::default();
    for (f, t) in &total {
        println!(
            "{f:<13} {} / {} ({}) / {}",
            t.right, t.wrong, t.wrong_page_right, t.silent
        );
        all.right += t.right;
        all.wrong += t.wrong;
        all.wrong_page_right += t.wrong_page_right;
        all.silent += t.silent;
    }
    let read = f64::from((all.right + all.wrong).max(1));
    let wrong_rate = f64::from(all.wrong) / read;
    let own_wrong_rate = f64::from(all.wrong_page_right) / read;
    println!(
        "all           {} / {} ({}) / {}: wrong in {wrong_rate:.3} of the values read, by the learner's fault in {own_wrong_rate:.3}",
        all.right, all.wrong, all.wrong_page_right, all.silent
    );
    println!(
        "gallery: suggested for {gallery_hosts} of {} hosts; agrees with the heuristics on {gallery_agree} of {gallery_pages} held-out pages",
        hosts.len()
    );
    println!(
        "hosts with a suggestion: {suggested_hosts} of {}",
        hosts.len()
    );
    if only.is_some() {
        return;
    }
    // Measured: 50 hosts, 48 with a suggestion; held-out labelled values read right 81,
    // wrong 13 (0.138; 5 of them, 0.053, where imago reads the page right without the
    // rule: the others are labels imago reads otherwise anyway, `$229.990` as 229.99),
    // silent 17; the gallery agrees with the heuristics on 30 of 44 held-out pages of
    // the 33 hosts given one (37 of 51 before discovery's places kept only the nearest
    // 16 containers: IKEA's gallery sits further up). The floors just under.
    assert!(
        hosts.len() >= 50,
        "{} hosts with several product pages",
        hosts.len()
    );
    assert!(
        suggested_hosts >= 48,
        "{suggested_hosts} hosts with a suggestion"
    );
    assert!(all.right >= 80, "{} held-out values right", all.right);
    assert!(
        wrong_rate <= 0.15,
        "wrong in {wrong_rate:.3} of the values read"
    );
    assert!(
        own_wrong_rate <= 0.06,
        "the learner's own mistakes: {own_wrong_rate:.3} of the values read"
    );
    assert!(
        gallery_agree * 100 >= gallery_pages * 65,
        "gallery agrees on {gallery_agree} of {gallery_pages} held-out pages"
    );
}
