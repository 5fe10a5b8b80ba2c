//! `imago rules suggest-hd`'s learner: rules learned from the pairs of one page must map
//! the held-back pairs of another page of the same site, and offer nothing where the
//! pairs do not generalize. The corpus test does the same over the shop pages of
//! `shared/corpus` and prints what it reaches.

use std::collections::BTreeMap;

use imago_core::hdrules::suggest::{pairs_from_html, suggest, HostReport, Ladder, Pair, Verdict};
use imago_core::hdrules::HdRules;
use url::Url;

#[path = "support/corpus.rs"]
mod corpus;

fn page(url: &str) -> Url {
    Url::parse(url).unwrap()
}

/// Every offered rule of `reports`, as one file, checked to load.
fn rules_of(reports: &[HostReport]) -> HdRules {
    let text: Vec<&str> = reports
        .iter()
        .flat_map(|r| &r.suggestions)
        .map(|s| s.rule_toml.as_str())
        .collect();
    let text = text.join("\n");
    HdRules::from_toml(&text, "suggested").unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Learns from `learn_html`, then checks every pair of `check_html` (none of which was
/// learned from) maps to its full size. Returns the reports for further checks.
fn learn_and_hold_back(base: &str, learn_html: &str, check_html: &str) -> Vec<HostReport> {
    let learned = pairs_from_html(learn_html, &page(base));
    assert!(learned.len() >= 2, "{learned:?}");
    let reports = suggest(&learned, &HdRules::default());
    for r in &reports {
        assert!(r.unexplained.is_empty(), "{r:#?}");
        for s in &r.suggestions {
            assert_eq!(s.pairs, s.checked, "{s:#?}");
            assert!(!s.examples.is_empty());
        }
    }
    let rules = rules_of(&reports);
    let held_back = pairs_from_html(check_html, &page(base));
    assert!(!held_back.is_empty());
    for p in &held_back {
        assert!(
            learned.iter().all(|l| l.thumb != p.thumb),
            "not held back: {p:?}"
        );
        let got = rules.candidates(&p.thumb);
        assert_eq!(
            got.first().map(|c| c.url.as_str()),
            Some(p.full.as_str()),
            "{}\nrules: {reports:#?}",
            p.thumb
        );
    }
    reports
}

#[test]
fn a_link_around_its_thumbnail() {
    let learn = r#"<a href="/media/full/cat.jpg"><img src="/media/thumbs/cat_200.jpg"></a>
        <a href="/media/full/black-dog.png"><img src="/media/thumbs/black-dog_120.png"></a>
        <a href="/media/full/owl.jpg"><img src="/media/thumbs/owl_200.jpg"></a>"#;
    let check = r#"<a href="/media/full/red-fox.webp"><img src="/media/thumbs/red-fox_640.webp"></a>
        <a href="/media/full/b2.jpg"><img src="/media/thumbs/b2_90.jpg"></a>"#;
    let reports = learn_and_hold_back("https://shop.example/p/1", learn, check);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].host, "shop.example");
    let s = &reports[0].suggestions[0];
    assert_eq!(s.name, "suggested-shop.example");
    assert_eq!((s.pairs, s.checked), (3, 3));
    assert_eq!(s.rule_toml.matches("[[rule]]").count(), 1);
}

#[test]
fn an_srcset_ladder() {
    let img = |name: &str| {
        format!(
            r#"<img src="https://img.example/i/{name}-320.jpg"
                srcset="https://img.example/i/{name}-320.jpg 320w,
                        https://img.example/i/{name}-640.jpg 640w,
                        https://img.example/i/{name}-1280.jpg 1280w">"#
        )
    };
    let learn = [img("a1"), img("b-2"), img("c")].concat();
    let check = [img("zz-top"), img("q7")].concat();
    learn_and_hold_back("https://blog.example/post", &learn, &check);
}

#[test]
fn a_zoom_attribute() {
    let img =
        |id: u32| format!(r#"<img src="/p/{id}_m.jpg" data-zoom-image="/p/{id}_xl.jpg" alt="x">"#);
    let learn = [img(123), img(4567), img(89)].concat();
    let check = [img(55), img(100200)].concat();
    learn_and_hold_back("https://store.example/item", &learn, &check);
}

#[test]
fn a_query_size_dropped() {
    let a = |name: &str, q: &str| {
        format!(
            r#"<a href="https://cdn.shop.example/{name}.jpg?v=3"><img src="https://cdn.shop.example/{name}.jpg?{q}&v=3"></a>"#
        )
    };
    let learn = [a("a", "w=200"), a("b/c", "w=640"), a("d", "w=80")].concat();
    let check = [a("x/y/z", "w=1"), a("e", "w=999")].concat();
    let reports = learn_and_hold_back("https://shop.example/", &learn, &check);
    let toml = &reports[0].suggestions[0].rule_toml;
    assert!(toml.contains("drop_query = ['w']"), "{toml}");
}

#[test]
fn a_path_size_to_original() {
    let a = |size: &str, name: &str| {
        format!(
            r#"<a href="https://images.example/u/original/{name}"><img src="https://images.example/u/{size}/{name}"></a>"#
        )
    };
    let learn = [
        a("200x200", "a.jpg"),
        a("200x200", "b.png"),
        a("90x60", "c.jpg"),
    ]
    .concat();
    let check = [a("1024x768", "d.jpg"), a("200x200", "e-f.gif")].concat();
    let reports = learn_and_hold_back("https://images.example/gallery", &learn, &check);
    let toml = &reports[0].suggestions[0].rule_toml;
    assert!(toml.contains(r"\d+x\d+"), "{toml}");
}

#[test]
fn two_ladders_on_one_host_get_a_rule_each() {
    let img = |id: &str, small: u32, large: u32| {
        format!(
            r#"<img src="https://s.example/dw/{id}.jpg?sw={small}" srcset="https://s.example/dw/{id}.jpg?sw={small} 1x, https://s.example/dw/{id}.jpg?sw={large} 2x">"#
        )
    };
    let learn = [
        img("a", 627, 2400),
        img("b", 627, 2400),
        img("a", 60, 95),
        img("c", 60, 95),
    ]
    .concat();
    let check = [img("d", 627, 2400), img("e", 60, 95)].concat();
    let reports = learn_and_hold_back("https://s.example/p", &learn, &check);
    let names: Vec<&str> = reports[0]
        .suggestions
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["suggested-s.example", "suggested-s.example-2"]);
}

#[test]
fn a_rule_that_would_mislead_other_pairs_is_narrowed() {
    // `_s` becomes `_l` under /p/ but `_xl` under /q/: a rule for `_s` alone would send
    // the /q/ thumbnails to the wrong size, so each rule names its folder.
    let a = |dir: &str, name: &str, big: &str| {
        format!(r#"<a href="/{dir}/{name}_{big}.jpg"><img src="/{dir}/{name}_s.jpg"></a>"#)
    };
    let learn = [
        a("p", "a", "l"),
        a("p", "b", "l"),
        a("q", "c", "xl"),
        a("q", "d", "xl"),
    ]
    .concat();
    let check = [a("p", "e", "l"), a("q", "f", "xl")].concat();
    let reports = learn_and_hold_back("https://two.example/", &learn, &check);
    assert_eq!(reports[0].suggestions.len(), 2, "{reports:#?}");
}

#[test]
fn pairs_that_do_not_generalize_get_no_rule() {
    // The full size carries a new signature: no rule can compute it.
    let a = |n: u32, h1: &str, h2: &str| {
        format!(
            r#"<a href="https://x.example/i/{n}.jpg?s={h2}"><img src="https://x.example/i/{n}_t.jpg?s={h1}"></a>"#
        )
    };
    let html = [
        a(1, "0a1b2c3d4e5f6a7b", "9f8e7d6c5b4a3f2e"),
        a(2, "1a1b2c3d4e5f6a7b", "8f8e7d6c5b4a3f2e"),
    ]
    .concat();
    let pairs = pairs_from_html(&html, &page("https://x.example/"));
    assert_eq!(pairs.len(), 2);
    let reports = suggest(&pairs, &HdRules::default());
    assert!(reports[0].suggestions.is_empty(), "{reports:#?}");
    assert_eq!(reports[0].unexplained.len(), 2);

    // A page linking each picture to a smaller version shows no pair at all.
    let html =
        r#"<a href="https://z.example/w/560/a.jpg"><img src="https://z.example/w/769/a.jpg"></a>"#;
    assert!(pairs_from_html(html, &page("https://z.example/")).is_empty());
}

#[test]
fn thumbnails_the_known_rules_rewrite_are_left_alone() {
    let html = r#"<a href="https://i.pinimg.com/736x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg">
        <img src="https://i.pinimg.com/236x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg"></a>"#;
    let pairs = pairs_from_html(html, &page("https://www.pinterest.com/"));
    let reports = suggest(&pairs, &HdRules::builtin());
    assert_eq!(reports[0].known, 1);
    assert!(reports[0].suggestions.is_empty());
    // Names already in use are skipped.
    let learn = r#"<a href="/full/a.jpg"><img src="/t/a.jpg"></a><a href="/full/b.jpg"><img src="/t/b.jpg"></a>"#;
    let pairs = pairs_from_html(learn, &page("https://n.example/"));
    let taken = HdRules::from_toml(
        "[[rule]]\nname = 'suggested-n.example'\nhosts = ['other.example']\npattern = 'x'\nreplace = ['y']\n",
        "mine",
    )
    .unwrap();
    let reports = suggest(&pairs, &taken);
    assert_eq!(reports[0].suggestions[0].name, "suggested-n.example-2");
}

#[test]
fn hostile_input_is_bounded() {
    // Many unrelated pairs with long random-looking names: the learner gives up within
    // its bounds rather than trying every rule on every pair.
    let mut html = String::new();
    for i in 0..3000u64 {
        let a = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let b = a.rotate_left(17);
        html.push_str(&format!(
            r#"<a href="https://h.example/{b:x}/{a:x}-{i}.jpg"><img src="https://h.example/{a:x}/{b:x}_{i}.jpg"></a>"#
        ));
    }
    html.push_str(&format!(
        "<img src=\"https://h.example/{}.jpg\">",
        "a/".repeat(5000)
    ));
    let pairs = pairs_from_html(&html, &page("https://h.example/"));
    let reports = suggest(&pairs, &HdRules::default());
    assert!(reports.iter().all(|r| r.pairs <= 200));
}

/// The page host of a corpus URL (the site).
fn site(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_string()
}

#[derive(Default)]
struct Row {
    learned: usize,
    held_back: usize,
    mapped: usize,
    wrong: usize,
    rules: usize,
}

/// For each shop site with two or more pages in the corpus, each page in turn is the one
/// learned from and the site's other pages are held back.
#[test]
fn corpus_rules_map_held_back_pairs_of_the_same_site() {
    let dir = corpus::dir();
    let pages = corpus::load_all(&dir).unwrap();
    let mut sites: BTreeMap<String, Vec<Vec<Pair>>> = BTreeMap::new();
    for p in pages
        .iter()
        .filter(|p| p.file.starts_with("pages/product-"))
    {
        sites
            .entry(site(&p.url))
            .or_default()
            .push(pairs_from_html(&p.html, &p.url));
    }
    sites.retain(|_, pages| pages.len() >= 2);

    let mut table: BTreeMap<String, Row> = BTreeMap::new();
    for (name, site_pages) in &sites {
        let row = table.entry(name.clone()).or_default();
        for (i, learn) in site_pages.iter().enumerate() {
            if learn.is_empty() {
                continue;
            }
            let reports = suggest(learn, &HdRules::default());
            let rules = rules_of(&reports);
            row.rules += rules.len();
            row.learned += learn.len();
            let mut held_back: Vec<Pair> = Vec::new();
            for (j, other) in site_pages.iter().enumerate() {
                for p in other {
                    let seen = learn.iter().chain(&held_back).any(|q| q.thumb == p.thumb);
                    if j != i && !seen {
                        held_back.push(p.clone());
                    }
                }
            }
            let ladder = Ladder::new(&held_back);
            for p in &held_back {
                row.held_back += 1;
                match ladder.verdict(&rules, p) {
                    Verdict::Maps => row.mapped += 1,
                    Verdict::Wrong => {
                        row.wrong += 1;
                        if row.wrong <= 2 {
                            let got = rules.candidates(&p.thumb);
                            let got = got.first().map_or("", |c| c.url.as_str());
                            println!(
                                "wrong on {name}: {}\n  gives {got}\n  page: {}",
                                p.thumb, p.full
                            );
                        }
                    }
                    Verdict::Silent => {}
                }
            }
        }
    }

    println!(
        "{:<28} {:>6} {:>7} {:>7} {:>7} {:>6}",
        "site", "rules", "learned", "held", "mapped", "wrong"
    );
    let mut total = Row::default();
    for (name, r) in &table {
        println!(
            "{:<28} {:>6} {:>7} {:>7} {:>7} {:>6}",
            name, r.rules, r.learned, r.held_back, r.mapped, r.wrong
        );
        total.rules += r.rules;
        total.learned += r.learned;
        total.held_back += r.held_back;
        total.mapped += r.mapped;
        total.wrong += r.wrong;
    }
    println!(
        "{:<28} {:>6} {:>7} {:>7} {:>7} {:>6}",
        "total", total.rules, total.learned, total.held_back, total.mapped, total.wrong
    );
    let share = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    let covered = share(total.mapped, total.held_back);
    let precision = share(total.mapped, total.mapped + total.wrong);
    // Per site, so that the few sites with hundreds of pairs do not hide the others.
    let tested: Vec<&Row> = table.values().filter(|r| r.held_back > 0).collect();
    let per_site = tested
        .iter()
        .map(|r| share(r.mapped, r.held_back))
        .sum::<f64>()
        / tested.len().max(1) as f64;
    println!(
        "held-back pairs mapped: {:.1}% (per site: {:.1}% over {} sites); of the rewritten, {:.1}% right",
        covered * 100.0,
        per_site * 100.0,
        tested.len(),
        precision * 100.0
    );
    // Floors: measured 84.5% of held-back pairs (64% per site) and 99.6% right: the
    // wrong ones are thumbnails two pages of a site link to different sizes (Amazon's
    // `SY355` to `SL1500` on one page, `SL1200` on the next), which no rule can know.
    assert!(covered >= 0.80, "{covered}");
    assert!(per_site >= 0.60, "{per_site}");
    assert!(precision >= 0.99, "{precision}");
}
