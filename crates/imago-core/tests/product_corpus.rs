//! Product fields over the 140 shop pages of `shared/corpus`, scored as
//! scrapinghub/product-extraction-benchmark scores them (`evaluate.py`): per page, a
//! predicted value that is among the labelled ones is a true positive; another value a
//! false positive (and a false negative when the page is labelled); none where a label
//! exists a false negative. Prices compare as decimals. Prints the table beside the
//! peers' published scores (`product-peer-metrics.json`).
//!
//! Asserted: at or above Zyte on every field (issue 10's goal), and floors at this
//! code's measured scores, rounded down, so a change that loses pages fails here.

use std::collections::BTreeMap;

use imago_core::product::{extract, Found, Source};
use imago_core::siterules::SiteRules;
use serde_json::Value;

#[path = "support/corpus.rs"]
mod corpus;

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    support: u32,
}

impl Counts {
    fn add(&mut self, truth: &[String], pred: Option<&str>, same: impl Fn(&str, &str) -> bool) {
        self.support += u32::from(!truth.is_empty());
        match pred {
            None => self.fn_ += u32::from(!truth.is_empty()),
            Some(p) if truth.iter().any(|t| same(t, p)) => self.tp += 1,
            Some(_) => {
                self.fp += 1;
                self.fn_ += u32::from(!truth.is_empty());
            }
        }
    }

    /// (precision, recall, F1) as `evaluate.py` computes them.
    fn scores(self) -> (f64, f64, f64) {
        let (tp, fp, fn_) = (f64::from(self.tp), f64::from(self.fp), f64::from(self.fn_));
        let precision = if self.fp == 0 && self.fn_ == 0 {
            1.0
        } else if self.tp == 0 && self.fp == 0 {
            0.0
        } else {
            tp / (tp + fp)
        };
        let recall = if self.fp == 0 && self.fn_ == 0 {
            1.0
        } else if self.tp == 0 && self.fn_ == 0 {
            0.0
        } else {
            tp / (tp + fn_)
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        (precision, recall, f1)
    }
}

/// Decimal equality of two amounts written with `.` (`87.1` and `87.10`).
fn same_amount(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> Option<(String, String)> {
        let (whole, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
        let whole = whole.trim_start_matches('0');
        let frac = frac.trim_end_matches('0');
        let ok = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
        (ok(whole) && ok(frac)).then(|| (whole.to_string(), frac.to_string()))
    }
    matches!((norm(a), norm(b)), (Some(x), Some(y)) if x == y)
}

#[test]
fn product_fields_on_the_corpus_score_as_the_benchmark_scores_them() {
    let dir = corpus::dir();
    let truth: BTreeMap<String, Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("product-ground-truth.json")).expect("ground truth"),
    )
    .expect("ground truth JSON");
    let peers: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("product-peer-metrics.json")).expect("peer metrics"),
    )
    .expect("peer metrics JSON");
    let fields = ["price", "sku", "availability", "InStock", "OutOfStock"];
    let mut counts: BTreeMap<&str, Counts> =
        fields.iter().map(|f| (*f, Counts::default())).collect();
    let rules = SiteRules::builtin();
    let mut pages = 0;
    // How often each source gave each field (the README's table).
    let mut sources: BTreeMap<(&str, &str), u32> = BTreeMap::new();
    for (file, url) in corpus::manifest(&dir).expect("manifest") {
        let Some(name) = file.strip_prefix("pages/product-") else {
            continue;
        };
        let prefix = name.trim_end_matches(".html.gz");
        let (_, labels) = truth
            .iter()
            .find(|(k, _)| k.starts_with(prefix))
            .unwrap_or_else(|| panic!("{file}: no ground truth"));
        let page = corpus::read(&dir, &file, url.clone()).expect("page");
        let product = extract(&page.html, url.as_str(), &rules);
        pages += 1;
        let source = |f: Option<Source>| f.map_or("none", source_name);
        let text_source = |f: &Option<Found<String>>| source(f.as_ref().map(|x| x.source));
        for (field, from) in [
            ("price", source(product.price.as_ref().map(|p| p.source))),
            ("sku", text_source(&product.sku)),
            ("availability", text_source(&product.availability)),
            ("title", text_source(&product.title)),
            ("brand", text_source(&product.brand)),
        ] {
            *sources.entry((field, from)).or_insert(0u32) += 1;
        }
        let labelled = |f: &str| -> Vec<String> {
            labels[f]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        let availability = product.availability.as_ref().map(|a| a.value.as_str());
        // `IMAGO_SHOW_MISSES=price` (or sku, availability) lists the pages a field missed.
        if let Ok(field) = std::env::var("IMAGO_SHOW_MISSES") {
            let got = match field.as_str() {
                "price" => product.price.as_ref().map(|p| p.value.amount.clone()),
                "sku" => product.sku.as_ref().map(|s| s.value.clone()),
                _ => availability.map(String::from),
            };
            let want = labelled(&field);
            let hit = got.as_deref().is_some_and(|g| {
                want.iter().any(|w| {
                    if field == "price" {
                        same_amount(w, g)
                    } else {
                        w == g
                    }
                })
            });
            if !(hit || (want.is_empty() && got.is_none())) {
                println!("miss {prefix} {url} got {got:?} want {want:?}");
            }
        }
        counts.get_mut("price").unwrap().add(
            &labelled("price"),
            product.price.as_ref().map(|p| p.value.amount.as_str()),
            same_amount,
        );
        counts.get_mut("sku").unwrap().add(
            &labelled("sku"),
            product.sku.as_ref().map(|s| s.value.as_str()),
            |a, b| a == b,
        );
        counts.get_mut("availability").unwrap().add(
            &labelled("availability"),
            availability,
            |a, b| a == b,
        );
        for flag in ["InStock", "OutOfStock"] {
            counts.get_mut(flag).unwrap().add(
                &labelled(flag),
                availability.filter(|a| *a == flag),
                |a, b| a == b,
            );
        }
    }
    assert_eq!(pages, 140, "the corpus has 140 product pages");

    let names = [
        "siterule",
        "jsonld",
        "microdata",
        "rdfa",
        "meta",
        "heuristic",
        "none",
    ];
    println!(
        "\nwhere each field came from, pages of 140: {}",
        names.join(" / ")
    );
    for field in ["price", "sku", "availability", "title", "brand"] {
        let row: Vec<String> = names
            .iter()
            .map(|n| sources.get(&(field, *n)).copied().unwrap_or(0).to_string())
            .collect();
        println!("{field:<13} {}", row.join(" / "));
    }
    println!("\nfield         imago (P / R / F1)        Zyte F1  Diffbot F1  extruct F1");
    let mut f1s = BTreeMap::new();
    for f in fields {
        let (p, r, f1) = counts[f].scores();
        f1s.insert(f, f1);
        let peer = |name: &str| peers[name][f]["f1"].as_f64().unwrap_or(f64::NAN);
        println!(
            "{f:<13} {p:.3} / {r:.3} / {f1:.3}       {:.3}    {:.3}       {:.3}",
            peer("Zyte"),
            peer("Diffbot"),
            peer("extruct")
        );
    }
    // Measured with the built-in site rules, the structured data (JSON-LD, microdata,
    // meta) and the page heuristics: price 0.925, SKU 0.851, availability 0.964,
    // InStock 0.981, OutOfStock 0.706; the floors just under.
    for (f, floor) in [
        ("price", 0.92),
        ("sku", 0.85),
        ("availability", 0.96),
        ("InStock", 0.98),
        ("OutOfStock", 0.70),
    ] {
        assert!(f1s[f] >= floor, "{f}: F1 {:.3} fell below {floor}", f1s[f]);
        let zyte = peers["Zyte"][f]["f1"].as_f64().expect("Zyte's figure");
        assert!(
            f1s[f] >= zyte,
            "{f}: F1 {:.3} below Zyte's {zyte:.3}",
            f1s[f]
        );
    }
}

fn source_name(s: Source) -> &'static str {
    match s {
        Source::SiteRule => "siterule",
        Source::JsonLd => "jsonld",
        Source::Microdata => "microdata",
        Source::Rdfa => "rdfa",
        Source::Meta => "meta",
        Source::Heuristic => "heuristic",
    }
}
