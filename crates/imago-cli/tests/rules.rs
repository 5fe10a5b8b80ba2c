//! `imago rules suggest-hd` as a user runs it on saved pages: the rules it prints load
//! and rewrite thumbnails the page did not show; `--write` appends, never truncates,
//! and does not offer again what the file already does.

mod support;

use imago_core::hdrules::HdRules;
use support::{imago, json_lines};

/// A shop's gallery: thumbnails in links to their full size, and an image the built-in
/// rules already know (Pinterest).
fn gallery(names: &[&str]) -> String {
    let mut html = String::from("<!doctype html><html><body>");
    for n in names {
        html.push_str(&format!(
            r#"<a href="/media/full/{n}.jpg"><img src="/media/thumbs/{n}_200.jpg"></a>"#
        ));
    }
    html.push_str(
        r#"<a href="https://i.pinimg.com/736x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg">
        <img src="https://i.pinimg.com/236x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg"></a>"#,
    );
    html.push_str("</body></html>");
    html
}

const BASE: &str = "https://shop.example/p/1";

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_printed_rules_are_a_rule_file_that_maps_new_thumbnails() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("shop.html"),
        gallery(&["cat", "black-dog", "owl"]),
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &["rules", "suggest-hd", "--base-url", BASE, "shop.html"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("# shop.example: checked 3 of 3 pairs, e.g."),
        "{text}"
    );
    assert!(
        text.contains("#   -> https://shop.example/media/full/cat.jpg"),
        "{text}"
    );
    // The Pinterest pair is the built-in rules' business.
    assert!(
        text.contains("i.pinimg.com: 1 pair already rewritten"),
        "{text}"
    );
    let rules = HdRules::from_toml(&text, "stdout").unwrap();
    assert_eq!(rules.len(), 1);
    let got = rules.candidates("https://shop.example/media/thumbs/red-fox_640.jpg");
    assert_eq!(got[0].url, "https://shop.example/media/full/red-fox.jpg");
    assert_eq!(got[0].rule, "suggested-shop.example");
}

#[test]
fn json_gives_one_object_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shop.html"), gallery(&["cat", "dog"])).unwrap();
    let out = imago(
        dir.path(),
        &[
            "rules",
            "suggest-hd",
            "--json",
            "--base-url",
            BASE,
            "shop.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let s = &lines[0];
    assert_eq!(s["host"], "shop.example");
    assert_eq!(s["name"], "suggested-shop.example");
    assert_eq!(
        (s["pairs"].as_u64(), s["checked"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        s["examples"][0]["thumb"],
        "https://shop.example/media/thumbs/cat_200.jpg"
    );
    assert!(HdRules::from_toml(s["rule"].as_str().unwrap(), "json").is_ok());
}

#[test]
fn write_appends_once_and_keeps_what_the_file_had() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shop.html"), gallery(&["cat", "dog"])).unwrap();
    let mine = "# my own\n[[rule]]\nname = 'mine'\nhosts = ['other.example']\npattern = '_s\\.'\nreplace = ['_l.']";
    std::fs::write(dir.path().join("hd.toml"), mine).unwrap();
    let args = [
        "rules",
        "suggest-hd",
        "--base-url",
        BASE,
        "--write",
        "hd.toml",
        "shop.html",
    ];

    let out = imago(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("appended 1 rule to hd.toml"),
        "{}",
        stderr(&out)
    );
    let after = std::fs::read_to_string(dir.path().join("hd.toml")).unwrap();
    assert!(after.starts_with(mine), "{after}");
    let rules = HdRules::from_toml(&after, "hd.toml").unwrap();
    assert_eq!(
        rules.names().collect::<Vec<_>>(),
        ["mine", "suggested-shop.example"]
    );

    // Run again: the file's rule now maps these thumbnails, so nothing is offered and
    // the file is left as it was.
    let out = imago(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("appended"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to suggest"),
        "{}",
        stderr(&out)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("shop.example: 2 pairs already rewritten"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("hd.toml")).unwrap(),
        after
    );

    // A file that does not load is not appended to.
    std::fs::write(dir.path().join("broken.toml"), "[[rules]]\n").unwrap();
    let out = imago(
        dir.path(),
        &[
            "rules",
            "suggest-hd",
            "--base-url",
            BASE,
            "--write",
            "broken.toml",
            "shop.html",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.toml"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("broken.toml")).unwrap(),
        "[[rules]]\n"
    );
}

#[test]
fn a_page_without_pairs_says_so_and_a_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("blog.html"),
        "<html><img src='/a.jpg'></html>",
    )
    .unwrap();
    let out = imago(
        dir.path(),
        &["rules", "suggest-hd", "--base-url", BASE, "blog.html"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no thumbnail/full-size pairs found on blog.html"),
        "{}",
        stderr(&out)
    );
    // Without --base-url, relative URLs are file: URLs; the message says what to do.
    std::fs::write(dir.path().join("shop.html"), gallery(&["cat"])).unwrap();
    let out = imago(dir.path(), &["rules", "suggest-hd", "blog.html"]);
    assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));

    let out = imago(dir.path(), &["rules", "suggest-hd", "nowhere.html"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("nowhere.html"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A teapot shop's product page: no structured data but an `og:title`; price, stock
/// line and code in classed elements; a gallery and a related strip.
fn teapot(title: &str, price: &str, code: &str, stock: &str) -> String {
    format!(
        r#"<!doctype html><html><head><meta property="og:title" content="{title}"></head><body>
<main><div class="product-gallery"><ul class="thumbs">
<li><a href="/media/{code}/1-large.jpg"><img src="/media/{code}/1.jpg" alt="{title} front"></a></li>
<li><a href="/media/{code}/2-large.jpg"><img src="/media/{code}/2.jpg" alt="{title} side"></a></li>
</ul></div><div class="details"><h1 class="product-name">{title}</h1>
<span class="product-price">{price}</span><p class="stock-status">{stock}</p>
<p>Product code: <span class="code-value">{code}</span></p></div></main>
<section class="related"><div class="card"><a href="/p/mug"><img src="/media/mug/1.jpg" alt="Mug"></a></div></section>
</body></html>"#
    )
}

#[test]
fn site_rule_suggest_prints_a_rule_file_that_reads_another_page_and_write_appends_once() {
    use imago_core::product::{extract, Source};
    use imago_core::siterules::SiteRules;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.html"),
        teapot("Brown Betty teapot", "£24.50", "TP1204", "In stock"),
    )
    .unwrap();
    let base = "https://www.teapots.co.uk/p/brown-betty";
    let out = imago(
        dir.path(),
        &["rules", "suggest", "--base-url", base, "a.html"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("name = \"suggested-teapots.co.uk\""),
        "{text}"
    );
    assert!(text.contains("#   price: 24.50\n"), "{text}");
    assert!(text.contains("#   gallery: 2 pictures"), "{text}");
    // The output is a rule file that reads another page of the shop.
    let rules = SiteRules::from_toml(&text, "stdout").unwrap();
    let other = teapot("Cast iron teapot", "£39.00", "TP2290", "Out of stock");
    let p = extract(&other, "https://www.teapots.co.uk/p/cast-iron", &rules);
    let price = p.price.unwrap();
    assert_eq!(
        (price.value.amount.as_str(), price.source),
        ("39.00", Source::SiteRule)
    );
    assert_eq!(p.availability.unwrap().value, "OutOfStock");

    // --json: one object with the rule and each page's check.
    let out = imago(
        dir.path(),
        &["rules", "suggest", "--base-url", base, "a.html", "--json"],
    );
    let objects = json_lines(&out);
    assert_eq!(objects.len(), 1);
    assert_eq!(
        objects[0]["fields"]["sku"], ".code-value",
        "{:?}",
        objects[0]
    );
    assert_eq!(objects[0]["pages"][0]["gallery"]["rule"], 2);

    // --write: appended after what the file had; a second run finds its own rule in
    // force and offers nothing new.
    let file = dir.path().join("mine.toml");
    let mine = "[[site]]\nname = \"other\"\nmatch = [\"other.example\"]\ninclude = [\"main\"]\n";
    std::fs::write(&file, mine).unwrap();
    let out = imago(
        dir.path(),
        &[
            "rules",
            "suggest",
            "--base-url",
            base,
            "a.html",
            "--write",
            "mine.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("appended rule `suggested-teapots.co.uk`"));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with(mine), "{written}");
    let rules = SiteRules::from_toml(&written, "mine.toml").unwrap();
    assert_eq!(rules.rules().len(), 2);
    let out = imago(
        dir.path(),
        &[
            "rules",
            "suggest",
            "--base-url",
            base,
            "a.html",
            "--write",
            "mine.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing to suggest"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);

    // Two shops at once, or a saved page without its address: bad input.
    std::fs::write(
        dir.path().join("b.html"),
        teapot("x", "£1", "TP1", "In stock"),
    )
    .unwrap();
    let out = imago(dir.path(), &["rules", "suggest", "a.html", "b.html"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--base-url"), "{}", stderr(&out));
}
