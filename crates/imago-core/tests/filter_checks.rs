//! Filter behaviour: what each rule keeps and rejects, the reason a user reads, and
//! unknown values passing.

use imago_core::filter::{normalize_domain, parse_aspect, Filter, RejectKind, UrlPattern};
use imago_core::units::parse_size;
use imago_core::{Format, Image, Measured, SourceKind};

fn image(url: &str) -> Image {
    Image {
        url: url.to_string(),
        source: SourceKind::Img,
        sources: vec![SourceKind::Img],
        alt: None,
        alternates: vec![],
        width: None,
        height: None,
        order: 0,
    }
}

fn measured(
    width: Option<u32>,
    height: Option<u32>,
    format: Option<Format>,
    bytes: Option<u64>,
) -> Measured {
    Measured {
        width,
        height,
        format,
        bytes,
    }
}

fn reason(r: Result<(), imago_core::filter::Rejection>) -> String {
    r.expect_err("expected a rejection").to_string()
}

fn patterns(list: &[&str]) -> Vec<UrlPattern> {
    list.iter().map(|p| UrlPattern::parse(p).unwrap()).collect()
}

#[test]
fn default_filter_keeps_everything() {
    let f = Filter::default();
    assert!(!f.needs_measure());
    assert!(f
        .check_image(&image("https://ads.example.com/x.gif"))
        .is_ok());
    assert!(f
        .check_image(&image("data:image/gif;base64,R0lGOD"))
        .is_ok());
    assert!(f
        .check_measured(&measured(Some(1), Some(1), Some(Format::Gif), Some(43)))
        .is_ok());
}

#[test]
fn min_and_max_width_and_height_reasons() {
    let f = Filter {
        min_width: Some(300),
        max_width: Some(4000),
        min_height: Some(200),
        max_height: Some(3000),
        ..Filter::default()
    };
    assert!(f.needs_measure());
    assert_eq!(
        reason(f.check_measured(&measured(Some(120), Some(500), None, None))),
        "width 120 below --min-width 300"
    );
    assert_eq!(
        reason(f.check_measured(&measured(Some(5000), Some(500), None, None))),
        "width 5000 above --max-width 4000"
    );
    assert_eq!(
        reason(f.check_measured(&measured(Some(400), Some(199), None, None))),
        "height 199 below --min-height 200"
    );
    assert_eq!(
        reason(f.check_measured(&measured(Some(400), Some(3001), None, None))),
        "height 3001 above --max-height 3000"
    );
    // Bounds are inclusive.
    assert!(f
        .check_measured(&measured(Some(300), Some(200), None, None))
        .is_ok());
    assert!(f
        .check_measured(&measured(Some(4000), Some(3000), None, None))
        .is_ok());
    let kind = f
        .check_measured(&measured(Some(1), Some(500), None, None))
        .unwrap_err()
        .kind();
    assert_eq!(kind, RejectKind::Width);
}

#[test]
fn byte_bounds_read_as_sizes() {
    let f = Filter {
        min_bytes: Some(parse_size("20k").unwrap()),
        max_bytes: Some(parse_size("2MiB").unwrap()),
        ..Filter::default()
    };
    assert_eq!(
        reason(f.check_measured(&measured(None, None, None, Some(12_345)))),
        "size 12.3 kB below --min-bytes 20 kB"
    );
    // 2 MiB is 2,097,152 bytes: one byte more is too many.
    assert_eq!(
        reason(f.check_measured(&measured(None, None, None, Some(2_097_153)))),
        "size 2.1 MB above --max-bytes 2.1 MB"
    );
    assert!(f
        .check_measured(&measured(None, None, None, Some(20_000)))
        .is_ok());
}

#[test]
fn unknown_measurements_pass_every_rule() {
    let f = Filter {
        min_width: Some(300),
        max_width: Some(400),
        min_height: Some(300),
        max_height: Some(400),
        min_bytes: Some(1000),
        max_bytes: Some(2000),
        min_aspect: Some(1.0),
        max_aspect: Some(1.2),
        formats: vec![Format::Png],
        ..Filter::default()
    };
    assert!(f.check_measured(&Measured::default()).is_ok());
    // Width known, height unknown: width is judged, aspect is not.
    assert!(f
        .check_measured(&measured(Some(350), None, None, None))
        .is_ok());
    assert!(f
        .check_measured(&measured(Some(100), None, None, None))
        .is_err());
}

#[test]
fn aspect_ratio_bounds() {
    let f = Filter {
        min_aspect: Some(parse_aspect("16:9").unwrap()),
        ..Filter::default()
    };
    assert!(f
        .check_measured(&measured(Some(1920), Some(1080), None, None))
        .is_ok());
    assert!(f
        .check_measured(&measured(Some(3000), Some(1000), None, None))
        .is_ok());
    assert_eq!(
        reason(f.check_measured(&measured(Some(1000), Some(1000), None, None))),
        "aspect ratio 1 (1000x1000) below --min-aspect 1.778"
    );

    let portrait = Filter {
        max_aspect: Some(1.0),
        ..Filter::default()
    };
    assert_eq!(
        reason(portrait.check_measured(&measured(Some(1200), Some(800), None, None))),
        "aspect ratio 1.5 (1200x800) above --max-aspect 1"
    );
    assert!(portrait
        .check_measured(&measured(Some(800), Some(800), None, None))
        .is_ok());
    // An SVG without a size reports 0x0: no ratio, no rejection.
    assert!(portrait
        .check_measured(&measured(Some(0), Some(0), None, None))
        .is_ok());
    assert!(portrait
        .check_measured(&measured(Some(10), Some(0), None, None))
        .is_ok());
}

#[test]
fn formats_any_of() {
    let f = Filter {
        formats: vec![Format::Jpeg, Format::Png],
        ..Filter::default()
    };
    assert!(f.needs_measure());
    assert!(f
        .check_measured(&measured(None, None, Some(Format::Png), None))
        .is_ok());
    assert_eq!(
        reason(f.check_measured(&measured(None, None, Some(Format::Gif), None))),
        "format gif not in --format jpeg,png"
    );
    assert!(f.check_measured(&measured(None, None, None, None)).is_ok());
}

#[test]
fn include_is_any_of_and_case_insensitive_substring() {
    let f = Filter {
        include: patterns(&["CDN.example", "re:/uploads/"]),
        ..Filter::default()
    };
    assert!(!f.needs_measure());
    assert!(f
        .check_image(&image("https://cdn.EXAMPLE.com/a.jpg"))
        .is_ok());
    assert!(f
        .check_image(&image("https://www.site.org/uploads/a.jpg"))
        .is_ok());
    let r = f
        .check_image(&image("https://www.site.org/static/a.jpg"))
        .unwrap_err();
    assert_eq!(r.to_string(), "URL matches no --include pattern");
    assert_eq!(r.kind(), RejectKind::Include);
}

#[test]
fn exclude_wins_over_include_and_names_the_pattern() {
    let f = Filter {
        include: patterns(&["example.com"]),
        exclude: patterns(&["*thumb*", "re:\\d+x\\d+"]),
        ..Filter::default()
    };
    assert_eq!(
        reason(f.check_image(&image("https://example.com/THUMBS/a.jpg"))),
        "URL matches --exclude *thumb*"
    );
    assert_eq!(
        reason(f.check_image(&image("https://example.com/a-300x200.jpg"))),
        "URL matches --exclude re:\\d+x\\d+"
    );
    assert!(f
        .check_image(&image("https://example.com/full/a.jpg"))
        .is_ok());
}

#[test]
fn glob_matches_whole_url_with_or_without_query() {
    let p = UrlPattern::parse("*.jpg").unwrap();
    assert!(matches!(p, UrlPattern::Glob(_)));
    assert!(p.matches("https://x.org/a/b.jpg"));
    assert!(p.matches("https://x.org/a/B.JPG"));
    assert!(p.matches("https://x.org/a/b.jpg?w=300#top"));
    assert!(!p.matches("https://x.org/a/b.jpg.html"));
    assert!(!p.matches("https://x.org/a/b.png"));

    let q = UrlPattern::parse("glob:https://x.org/img?.png").unwrap();
    assert!(q.matches("https://x.org/img1.png"));
    assert!(!q.matches("https://x.org/img12.png"));

    let class = UrlPattern::parse("*/[0-9][!a-z].gif").unwrap();
    assert!(class.matches("https://x.org/42.gif"));
    assert!(!class.matches("https://x.org/4a.gif"));

    // "glob:" without wildcards is an exact (case-insensitive) match of the whole URL.
    let exact = UrlPattern::parse("glob:https://x.org/a.jpg").unwrap();
    assert!(exact.matches("HTTPS://X.ORG/A.JPG"));
    assert!(!exact.matches("https://x.org/a.jpg/more"));
    // Regex metacharacters in a glob are literal.
    let dots = UrlPattern::parse("*a+b(1).jpg").unwrap();
    assert!(dots.matches("https://x.org/a+b(1).jpg"));
    assert!(!dots.matches("https://x.org/aab1.jpg"));
}

#[test]
fn regex_searches_and_is_case_sensitive_unless_asked() {
    let p = UrlPattern::parse("re:/\\d+x\\d+/").unwrap();
    assert!(p.matches("https://x.org/300x200/a.jpg"));
    assert!(!p.matches("https://x.org/axb/a.jpg"));
    let strict = UrlPattern::parse("re:ABC").unwrap();
    assert!(!strict.matches("https://x.org/abc.jpg"));
    let loose = UrlPattern::parse("re:(?i)ABC").unwrap();
    assert!(loose.matches("https://x.org/abc.jpg"));
}

#[test]
fn substring_handles_non_ascii() {
    let p = UrlPattern::parse("ÜBER").unwrap();
    assert!(p.matches("https://x.org/über/a.jpg"));
    assert!(!p.matches("https://x.org/uber/a.jpg"));
    let longer = UrlPattern::parse("a-very-long-needle-longer-than-the-url").unwrap();
    assert!(!longer.matches("https://x"));
}

#[test]
fn bad_patterns_are_errors_with_reasons() {
    for empty in ["", "re:", "glob:"] {
        assert_eq!(
            UrlPattern::parse(empty).unwrap_err().to_string(),
            "empty URL pattern",
            "{empty:?}"
        );
    }
    let re = UrlPattern::parse("re:(unclosed").unwrap_err().to_string();
    assert!(
        re.starts_with("bad regular expression \"(unclosed\": "),
        "{re}"
    );
    let glob = UrlPattern::parse("*[abc").unwrap_err().to_string();
    assert_eq!(glob, "bad glob \"*[abc\": '[' at column 2 is never closed");
}

#[test]
fn deny_domain_covers_subdomains_only() {
    let f = Filter {
        deny_domains: vec!["example.com".to_string()],
        ..Filter::default()
    };
    assert_eq!(
        reason(f.check_image(&image("https://ads.example.com/a.gif"))),
        "domain ads.example.com denied"
    );
    assert_eq!(
        reason(f.check_image(&image("https://EXAMPLE.com/a.gif"))),
        "domain example.com denied"
    );
    // A fully qualified host with its trailing dot is the same host.
    assert!(f.check_image(&image("https://example.com./a.gif")).is_err());
    assert!(f
        .check_image(&image("https://badexample.com/a.gif"))
        .is_ok());
    assert!(f
        .check_image(&image("https://example.com.evil.org/a.gif"))
        .is_ok());
    // data: URIs have no domain: a deny list does not touch them.
    assert!(f.check_image(&image("data:image/png;base64,iVBOR")).is_ok());
    assert_eq!(
        f.check_image(&image("https://a.example.com/"))
            .unwrap_err()
            .kind(),
        RejectKind::Domain
    );
}

#[test]
fn allow_domain_rejects_other_hosts_and_data_uris() {
    let f = Filter {
        allow_domains: vec!["Example.COM".to_string(), "cdn.shop.net".to_string()],
        ..Filter::default()
    };
    assert!(f
        .check_image(&image("https://img.example.com/a.jpg"))
        .is_ok());
    assert!(f.check_image(&image("https://cdn.shop.net/a.jpg")).is_ok());
    assert_eq!(
        reason(f.check_image(&image("https://shop.net/a.jpg"))),
        "domain shop.net not in --allow-domain"
    );
    assert_eq!(
        reason(f.check_image(&image("data:image/png;base64,iVBOR"))),
        "URL has no domain and --allow-domain is set"
    );
    assert!(f.check_image(&image("not a url")).is_err());
}

#[test]
fn deny_beats_allow() {
    let f = Filter {
        allow_domains: vec!["example.com".to_string()],
        deny_domains: vec!["ads.example.com".to_string()],
        ..Filter::default()
    };
    assert!(f
        .check_image(&image("https://www.example.com/a.jpg"))
        .is_ok());
    assert_eq!(
        reason(f.check_image(&image("https://x.ads.example.com/a.jpg"))),
        "domain x.ads.example.com denied"
    );
}

#[test]
fn idn_domains_compare_as_punycode() {
    // "bücher" is "xn--bcher-kva" in punycode.
    let f = Filter {
        deny_domains: vec!["bücher.example".to_string()],
        ..Filter::default()
    };
    assert!(f
        .check_image(&image("https://xn--bcher-kva.example/a.jpg"))
        .is_err());
    assert!(f
        .check_image(&image("https://img.BÜCHER.example/a.jpg"))
        .is_err());
    assert!(f
        .check_image(&image("https://bucher.example/a.jpg"))
        .is_ok());
    assert_eq!(
        normalize_domain("Bücher.Example").unwrap(),
        "xn--bcher-kva.example"
    );
}

#[test]
fn domain_entries_users_paste_are_normalized() {
    assert_eq!(normalize_domain("*.example.com").unwrap(), "example.com");
    assert_eq!(normalize_domain(".example.com").unwrap(), "example.com");
    assert_eq!(
        normalize_domain("https://Example.com/path?q").unwrap(),
        "example.com"
    );
    assert_eq!(normalize_domain(" example.com. ").unwrap(), "example.com");
    assert!(normalize_domain("").is_err());
    assert!(normalize_domain("*.").is_err());
    let err = normalize_domain("exa mple.com").unwrap_err().to_string();
    assert!(err.starts_with("bad domain \"exa mple.com\""), "{err}");
}

#[test]
fn ip_hosts_match_exactly_not_as_suffix() {
    let f = Filter {
        deny_domains: vec!["1.1".to_string(), "192.168.0.9".to_string()],
        ..Filter::default()
    };
    assert!(f.check_image(&image("http://10.0.1.1/a.jpg")).is_ok());
    assert_eq!(
        reason(f.check_image(&image("http://192.168.0.9:8080/a.jpg"))),
        "domain 192.168.0.9 denied"
    );
}

#[test]
fn kinds_are_any_of_the_sources() {
    let f = Filter {
        kinds: vec![SourceKind::Img, SourceKind::Lazy],
        ..Filter::default()
    };
    let mut icon = image("https://x.org/favicon.ico");
    icon.source = SourceKind::Icon;
    icon.sources = vec![SourceKind::Icon, SourceKind::OpenGraph];
    assert_eq!(
        reason(f.check_image(&icon)),
        "source icon,open-graph not in --source"
    );
    // Found as an icon and also through a lazy attribute: kept.
    icon.sources.push(SourceKind::Lazy);
    assert!(f.check_image(&icon).is_ok());
    // An image whose sources list is empty is judged by its best source.
    let mut lone = image("https://x.org/a.jpg");
    lone.sources.clear();
    assert!(f.check_image(&lone).is_ok());
}
