//! Ad and tracker lists end to end: EasyList + EasyPrivacy from Debian's uBlock Origin
//! package on saved news pages of the corpus, a list of one's own with `--filter-list` and
//! `IMAGO_FILTER_LISTS`, and bad list files.
//!
//! The Debian test fails (it does not skip) when the package is missing: CI installs it
//! (`scripts/install-test-deps.sh`).

mod support;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::{Command, Output};

use support::{imago, json_lines, png, Route, Server};

#[path = "../../imago-core/tests/support/corpus.rs"]
mod corpus;

const DEBIAN_EASYLIST: &str =
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt";

/// `imago` with one environment variable set (and `IMAGO_FILTER_LISTS` and `IMAGO_CONFIG`
/// cleared otherwise, so a developer's own settings do not leak in).
fn imago_env(dir: &Path, args: &[&str], env: Option<(&str, &str)>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_imago"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("IMAGO_FILTER_LISTS")
        .env_remove("IMAGO_CONFIG");
    if let Some((k, v)) = env {
        cmd.env(k, v);
    }
    cmd.output().expect("run imago")
}

/// The URLs `imago list` prints for a saved corpus page (its linked stylesheets are not
/// fetched: their hosts are unreachable here), with `extra` flags; and its stderr.
fn list_corpus_page(prefix: &str, extra: &[&str]) -> (Vec<String>, String) {
    let page = corpus::find(&corpus::dir(), prefix).expect("corpus page");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("page.html");
    std::fs::write(&file, &page.html).unwrap();
    let mut args = vec![
        "list",
        "--no-linked-css",
        "--base-url",
        page.url.as_str(),
        file.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = imago_env(tmp.path(), &args, None);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{prefix}: {stderr}");
    let urls = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    (urls, stderr)
}

/// What the lists took away, counted by host.
fn dropped_hosts(all: &[String], kept: &[String]) -> BTreeMap<String, usize> {
    let mut hosts = BTreeMap::new();
    for u in all.iter().filter(|u| !kept.contains(u)) {
        let host = url::Url::parse(u).unwrap().host_str().unwrap().to_string();
        *hosts.entry(host).or_default() += 1;
    }
    hosts
}

/// The figures below were read from the pages and checked against the lists of
/// webext-ublock-origin-chromium 1.67.0+dfsg-1~deb12u1 (Debian 12).
#[test]
fn debian_lists_drop_the_ads_of_saved_news_pages_and_keep_the_article() {
    assert!(
        Path::new(DEBIAN_EASYLIST).is_file(),
        "{DEBIAN_EASYLIST} is missing: apt-get install webext-ublock-origin-chromium \
         (scripts/install-test-deps.sh does)"
    );

    // BBC News: an Outbrain "recommended" block (six sponsored thumbnails, four of its
    // logos and icons) and the stats.bbc.co.uk counting pixel.
    let (all, _) = list_corpus_page("article-bbc-1.", &["--no-filter-lists"]);
    let (kept, stderr) = list_corpus_page("article-bbc-1.", &["-v"]);
    assert!(
        stderr.contains("ad/tracker lists from Debian's uBlock Origin package")
            && stderr.contains("easyprivacy.txt"),
        "{stderr}"
    );
    let want: BTreeMap<String, usize> = [
        ("images.outbrain.com", 6),
        ("widgets.outbrain.com", 4),
        ("stats.bbc.co.uk", 1),
    ]
    .into_iter()
    .map(|(h, n)| (h.to_string(), n))
    .collect();
    assert_eq!(dropped_hosts(&all, &kept), want);
    assert_eq!(kept.len(), all.len() - 11, "only what the lists name goes");
    for article in [
        // The lead picture and two in the story.
        "http://ichef.bbci.co.uk/news/1024/cpsprodpb/3D8B/production/_84455751_84455749.jpg",
        "http://ichef.bbci.co.uk/news/555/cpsprodpb/462D/production/_84456971_gettyimages-167501087.jpg",
        "http://ichef-1.bbci.co.uk/news/555/cpsprodpb/142FD/production/_84458628_shirtreuters.jpg",
    ] {
        assert!(kept.iter().any(|u| u == article), "{article} lost");
    }

    // MSN: a Taboola block (its thumbnails and its lightbox's chrome).
    let (all, _) = list_corpus_page("article-msn.", &["--no-filter-lists"]);
    let (kept, _) = list_corpus_page("article-msn.", &[]);
    let dropped = dropped_hosts(&all, &kept);
    assert_eq!(
        dropped.keys().collect::<Vec<_>>(),
        ["cdn.taboola.com", "cdn.taboolasyndication.com"],
        "{dropped:?}"
    );
    assert_eq!(dropped.values().sum::<usize>(), 17, "{dropped:?}");
    assert_eq!(kept.len(), all.len() - 17);
    let lead = "http://img-s-msn-com.akamaized.net/tenant/amp/entityid/AAkk5fh.img?h=820&w=1456&m=6&q=60&o=f&l=f&x=1162&y=540";
    assert!(kept.iter().any(|u| u == lead), "the lead picture lost");
}

const NEWS: &str = r#"<!doctype html><html><head><title>Story</title></head><body>
<img src="/photos/lead.jpg" alt="lead">
<img src="https://ads.example/banner-300x250.jpg">
<img src="https://cdn.ads.example/b.png">
<img src="/banners/house.png">
<img src="/photos/second.jpg">
</body></html>"#;

/// A saved page and a list of one's own, in a temp folder.
fn news_and_list(list: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("news.html"), NEWS).unwrap();
    std::fs::write(tmp.path().join("mine.txt"), list).unwrap();
    tmp
}

fn list_news(tmp: &Path, extra: &[&str], env: Option<(&str, &str)>) -> (Vec<String>, String) {
    let mut args = vec![
        "list",
        "--base-url",
        "https://news.example/2024/story.html",
        "news.html",
    ];
    args.extend_from_slice(extra);
    let out = imago_env(tmp, &args, env);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let urls = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    (urls, stderr)
}

#[test]
fn a_list_of_your_own_drops_what_it_names_from_a_flag_the_environment_or_the_settings_file() {
    let tmp = news_and_list("! mine\n||ads.example^$image\n");
    let everything = [
        "https://news.example/photos/lead.jpg",
        "https://ads.example/banner-300x250.jpg",
        "https://cdn.ads.example/b.png",
        "https://news.example/banners/house.png",
        "https://news.example/photos/second.jpg",
    ];
    let (all, stderr) = list_news(tmp.path(), &["--no-filter-lists", "-v"], None);
    assert_eq!(all, everything);
    assert!(stderr.contains("--no-filter-lists"), "{stderr}");

    let kept = [
        "https://news.example/photos/lead.jpg",
        "https://news.example/banners/house.png",
        "https://news.example/photos/second.jpg",
    ];
    let (by_flag, stderr) = list_news(tmp.path(), &["--filter-list", "mine.txt", "-v"], None);
    assert_eq!(by_flag, kept);
    assert!(
        stderr.contains("ad/tracker lists from --filter-list: mine.txt (1 rules"),
        "{stderr}"
    );
    let (by_env, stderr) = list_news(
        tmp.path(),
        &["-v"],
        Some(("IMAGO_FILTER_LISTS", "mine.txt")),
    );
    assert_eq!(by_env, kept);
    assert!(stderr.contains("from IMAGO_FILTER_LISTS"), "{stderr}");

    // The settings file of `imago serve` may name them too (relative to its folder).
    std::fs::write(
        tmp.path().join("imago.toml"),
        "filter_lists = [\"mine.txt\"]\n",
    )
    .unwrap();
    let (by_file, stderr) = list_news(tmp.path(), &["-v"], None);
    assert_eq!(by_file, kept);
    assert!(
        stderr.contains("from imago.toml (filter_lists): mine.txt"),
        "{stderr}"
    );
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(
        tmp.path().join("news.html"),
        elsewhere.path().join("news.html"),
    )
    .unwrap();
    let config = tmp.path().join("imago.toml");
    let (by_config, _) = list_news(
        elsewhere.path(),
        &[],
        Some(("IMAGO_CONFIG", config.to_str().unwrap())),
    );
    assert_eq!(by_config, kept);

    // The flag wins over the environment; two flags add up.
    std::fs::write(tmp.path().join("house.txt"), "/banners/*$image\n").unwrap();
    let (both, _) = list_news(
        tmp.path(),
        &["--filter-list", "house.txt", "--filter-list", "mine.txt"],
        Some(("IMAGO_FILTER_LISTS", "nothing-here.txt")),
    );
    assert_eq!(
        both,
        [
            "https://news.example/photos/lead.jpg",
            "https://news.example/photos/second.jpg",
        ]
    );
}

#[test]
fn a_list_that_cannot_be_used_is_bad_input_named_where_it_came_from() {
    let tmp = news_and_list("! comments only\n\n");
    // Flags, an environment variable, and the start of the one line expected.
    type Case<'a> = (&'a [&'a str], Option<(&'a str, &'a str)>, &'a str);
    let cases: [Case; 4] = [
        (
            &["--filter-list", "missing.txt"],
            None,
            "imago: --filter-list: missing.txt: cannot read the filter list",
        ),
        (
            &["--filter-list", "mine.txt"],
            None,
            "imago: --filter-list: mine.txt: holds no filter rule",
        ),
        (
            &[],
            Some(("IMAGO_FILTER_LISTS", "missing.txt")),
            "imago: IMAGO_FILTER_LISTS: missing.txt: cannot read the filter list",
        ),
        (
            &["--filter-list", "news.html", "--filter-list", "."],
            None,
            "imago: --filter-list: .: cannot read the filter list",
        ),
    ];
    for (flags, env, want) in cases {
        let mut args = vec!["list", "news.html"];
        args.extend_from_slice(flags);
        let out = imago_env(tmp.path(), &args, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.starts_with(want), "{flags:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
        assert!(out.stdout.is_empty(), "nothing listed");
    }
}

#[test]
fn grab_does_not_download_what_the_lists_name_and_says_why() {
    let routes: HashMap<String, Route> = [
        (
            "/news.html",
            Route::ok(
                "text/html",
                r#"<img src="/photos/a.png"><img src="/banners/b.png">"#,
            ),
        ),
        ("/photos/a.png", Route::ok("image/png", png(40, 30, 1))),
        ("/banners/b.png", Route::ok("image/png", png(300, 250, 2))),
    ]
    .into_iter()
    .map(|(p, r)| (p.to_string(), r))
    .collect();
    let server = Server::start(routes);
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("house.txt"), "/banners/*$image\n").unwrap();
    let out = imago(
        tmp.path(),
        &[
            "grab",
            &server.url("/news.html"),
            "-o",
            "out",
            "--json",
            "--no-hd",
            "--filter-list",
            "house.txt",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&out);
    let saved: Vec<&str> = lines
        .iter()
        .filter(|l| l["event"] == "saved")
        .map(|l| l["url"].as_str().unwrap())
        .collect();
    assert_eq!(saved, [server.url("/photos/a.png")]);
    let skipped: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["event"] == "skipped")
        .map(|l| (l["url"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    let banner = server.url("/banners/b.png");
    assert_eq!(skipped, [(banner.as_str(), "on the ad/tracker lists")]);
    assert_eq!(server.hits_of("/banners/b.png"), 0, "the ad was fetched");
}
