//! Hand-written edge cases of discovery: every source of an image and every rule of
//! URL resolution. Expected URLs are worked out from the HTML and the WHATWG URL rules.

use imago_core::discover::{discover_css, discover_html, Collected, DiscoverOptions};
use imago_core::merge::merge;
use imago_core::model::{Descriptor, Image, SourceKind};
use imago_core::siterules::SiteRules;
use url::Url;

const PAGE: &str = "https://shop.example/dir/page.html";
const GIF_1X1: &str =
    "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

fn page() -> Url {
    Url::parse(PAGE).unwrap()
}

fn collect(html: &str) -> Collected {
    discover_html(
        html,
        &page(),
        &DiscoverOptions::default(),
        &SiteRules::empty(),
    )
}

fn collect_deep(html: &str) -> Collected {
    discover_html(
        html,
        &page(),
        &DiscoverOptions {
            deep: true,
            ..Default::default()
        },
        &SiteRules::empty(),
    )
}

fn images(html: &str) -> Vec<Image> {
    merge(collect(html).candidates)
}

fn urls(html: &str) -> Vec<String> {
    images(html).into_iter().map(|i| i.url).collect()
}

fn one(html: &str) -> Image {
    let mut v = images(html);
    assert_eq!(v.len(), 1, "{v:#?}");
    v.remove(0)
}

// ---- elements ---------------------------------------------------------------------

#[test]
fn img_src_and_srcset_make_one_image_with_the_widest_candidate() {
    let img = one(
        r#"<img src="s.jpg" srcset="m.jpg 600w, l.jpg 1200w" sizes="(max-width: 600px) 100vw, 50vw" alt=" A cat ">"#,
    );
    assert_eq!(img.url, "https://shop.example/dir/l.jpg");
    assert_eq!(img.source, SourceKind::Srcset);
    assert_eq!(
        img.alternates,
        vec![
            "https://shop.example/dir/m.jpg",
            "https://shop.example/dir/s.jpg"
        ]
    );
    assert_eq!(img.sources, vec![SourceKind::Img, SourceKind::Srcset]);
    assert_eq!(img.width, Some(1200));
    assert_eq!(img.alt.as_deref(), Some("A cat"));
}

#[test]
fn srcset_densities_and_urls_with_commas() {
    let img = one(
        r#"<img src="a.jpg" width="300" srcset="a.jpg 1x, https://res.cloudinary.com/d/image/upload/c_fill,w_900/a.jpg 3x, a2.jpg 2x">"#,
    );
    assert_eq!(
        img.url,
        "https://res.cloudinary.com/d/image/upload/c_fill,w_900/a.jpg"
    );
    assert_eq!(img.alternates.len(), 2);
    // A srcset with a bad descriptor drops only that candidate.
    let img = one(r#"<img srcset="bad.jpg 10q, good.jpg 640w">"#);
    assert_eq!(img.url, "https://shop.example/dir/good.jpg");
    assert!(img.alternates.is_empty());
}

#[test]
fn picture_sources_join_the_img_and_keep_their_type() {
    let c = collect(
        r#"<picture>
             <source type="image/avif" srcset="a.avif 1x, a2.avif 2x">
             <source srcset="b.webp" media="(min-width: 800px)">
             <img src="c.jpg" alt="x">
           </picture><img src="other.jpg">"#,
    );
    let avif = c
        .candidates
        .iter()
        .find(|c| c.url.ends_with("a2.avif"))
        .unwrap();
    assert_eq!(avif.kind, SourceKind::Picture);
    assert_eq!(avif.mime.as_deref(), Some("image/avif"));
    assert_eq!(avif.descriptor, Some(Descriptor::Density(2.0)));
    let imgs = merge(c.candidates);
    assert_eq!(imgs.len(), 2);
    assert_eq!(imgs[0].url, "https://shop.example/dir/a2.avif");
    assert_eq!(imgs[0].sources, vec![SourceKind::Img, SourceKind::Picture]);
    assert_eq!(imgs[1].url, "https://shop.example/dir/other.jpg");
}

#[test]
fn video_sources_are_not_images_but_posters_are() {
    let imgs = images(
        r#"<video poster="/p.jpg"><source src="/v.mp4" type="video/mp4"><source src="/v.webm"></video>"#,
    );
    assert_eq!(imgs.len(), 1);
    assert_eq!(imgs[0].url, "https://shop.example/p.jpg");
    assert_eq!(imgs[0].source, SourceKind::Poster);
}

#[test]
fn input_svg_embed_and_object() {
    let c = collect(
        r#"<input type="IMAGE" src="go.png"><input type="text" src="no.png">
           <svg viewBox="0 0 10 10"><image href="svg1.png"/><image xlink:href="svg2.png"/><use href="sprite.svg#i"/></svg>
           <embed src="e.svg" type="image/svg+xml"><embed src="movie.swf">
           <object data="o.png"></object><object data="doc.pdf" type="application/pdf"></object>"#,
    );
    let got: Vec<(SourceKind, &str)> = c
        .candidates
        .iter()
        .map(|c| (c.kind, c.url.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (SourceKind::Input, "https://shop.example/dir/go.png"),
            (SourceKind::Svg, "https://shop.example/dir/svg1.png"),
            (SourceKind::Svg, "https://shop.example/dir/svg2.png"),
            (SourceKind::Embed, "https://shop.example/dir/e.svg"),
            (SourceKind::Embed, "https://shop.example/dir/o.png"),
        ]
    );
}

#[test]
fn html_image_tag_is_an_img_outside_svg() {
    assert_eq!(
        urls(r#"<image src="x.jpg">"#),
        vec!["https://shop.example/dir/x.jpg"]
    );
}

#[test]
fn every_lazy_attribute_of_the_issue_beats_its_placeholder() {
    for attr in [
        "data-src",
        "data-original",
        "data-lazy-src",
        "data-lazy",
        "data-hi-res-src",
        "data-zoom-image",
        "data-old-hires",
        "data-large",
        "data-full",
        "data-actualsrc",
        "data-bg",
        "data-background",
        "data-background-image",
    ] {
        let img = one(&format!(
            r#"<img src="{GIF_1X1}" {attr}="/real/{attr}.jpg">"#
        ));
        assert_eq!(
            img.url,
            format!("https://shop.example/real/{attr}.jpg"),
            "{attr}"
        );
        assert_eq!(img.source, SourceKind::Lazy, "{attr}");
        assert!(
            img.alternates.is_empty(),
            "placeholders are not alternates: {attr}"
        );
    }
    for attr in ["data-srcset", "data-lazy-srcset"] {
        let img = one(&format!(
            r#"<img src="/img/blank.gif" {attr}="/r/a.jpg 400w, /r/b.jpg 800w">"#
        ));
        assert_eq!(img.url, "https://shop.example/r/b.jpg", "{attr}");
    }
}

#[test]
fn zoom_and_hires_originals_beat_srcset() {
    let img = one(r#"<img src="s.jpg" srcset="m.jpg 800w" data-zoom-image="zoom.jpg">"#);
    assert_eq!(img.url, "https://shop.example/dir/zoom.jpg");
    // data-src is the real image, not a bigger one: the widest srcset entry wins.
    let img = one(r#"<img src="s.jpg" data-src="d.jpg" srcset="m.jpg 800w">"#);
    assert_eq!(img.url, "https://shop.example/dir/m.jpg");
}

#[test]
fn lazy_attributes_on_containers() {
    let imgs = images(
        r#"<div class="hero" data-bg="url('/hero.jpg')"></div>
           <section data-background-image="/bg2.webp"></section>
           <div class="zoom" data-zoom-image="/big.jpg"><img src="/small.jpg"></div>
           <div data-src="/widget/frame.html"></div>
           <a class="lightbox" data-large="/l.png"><span>more</span></a>"#,
    );
    let got: Vec<&str> = imgs.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/hero.jpg",
            "https://shop.example/bg2.webp",
            "https://shop.example/big.jpg",
            "https://shop.example/l.png",
        ]
    );
    assert_eq!(imgs[2].alternates, vec!["https://shop.example/small.jpg"]);
}

#[test]
fn other_data_attributes_count_when_they_hold_an_image_url_or_srcset() {
    let got = urls(
        r#"<div data-product-image="/p/1.jpg" data-testid="gallery" data-url-path="/a/b" data-flag="true"></div>
           <li data-thumbs="/t/1.jpg 1x, /t/1@2x.jpg 2x"></li>
           <div data-gallery='[{"src":"/g/1.jpg"},{"src":"/g/2.png"}]'></div>"#,
    );
    assert_eq!(
        got,
        vec![
            "https://shop.example/p/1.jpg",
            "https://shop.example/t/1@2x.jpg",
            "https://shop.example/g/1.jpg",
            "https://shop.example/g/2.png",
        ]
    );
}

#[test]
fn amazon_dynamic_image_json_gives_its_largest_size() {
    let html = r#"<img id="landingImage" src="https://m.media-amazon.com/images/I/71x._AC_SX300_.jpg"
        data-a-dynamic-image="{&quot;https://m.media-amazon.com/images/I/71x._AC_SX300_.jpg&quot;:[300,300],&quot;https://m.media-amazon.com/images/I/71x._AC_SX679_.jpg&quot;:[679,679],&quot;https://m.media-amazon.com/images/I/71x._AC_SX425_.jpg&quot;:[425,425]}">"#;
    let img = one(html);
    assert_eq!(
        img.url,
        "https://m.media-amazon.com/images/I/71x._AC_SX679_.jpg"
    );
    assert_eq!((img.width, img.height), (Some(679), Some(679)));
    assert_eq!(img.alternates.len(), 2);
    let with_hires = html.replace(
        "<img ",
        r#"<img data-old-hires="https://m.media-amazon.com/images/I/71x._AC_SL1500_.jpg" "#,
    );
    assert_eq!(
        one(&with_hires).url,
        "https://m.media-amazon.com/images/I/71x._AC_SL1500_.jpg"
    );
}

#[test]
fn placeholders_never_win_and_never_stand_alone() {
    assert_eq!(
        urls(&format!(r#"<img src="{GIF_1X1}" data-src="real.jpg">"#)),
        vec!["https://shop.example/dir/real.jpg"]
    );
    assert!(urls(r#"<img src="/img/blank.gif"><img src="/s/spacer.gif"><img src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 3 2'%3E%3C/svg%3E">"#).is_empty());
    // A data: URI with a real payload is kept (saved as a file later).
    let big = format!(
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAGQAAABkCAYAAABw4pVU{}",
        "A".repeat(300)
    );
    assert_eq!(urls(&format!(r#"<img src="{big}">"#)), vec![big.clone()]);
    // data: that is not an image is not a candidate.
    assert!(collect(r#"<img src="data:text/html,<b>hi</b>">"#)
        .candidates
        .is_empty());
}

#[test]
fn noscript_fallbacks_are_read() {
    let imgs = images(
        r#"<img class="lazyload" src="/img/blank.gif" data-src="/real.jpg">
           <noscript><img src="/real.jpg" alt="Real"></noscript>
           <figure><img class="js-only"><noscript><img src="/only-here.jpg"></noscript></figure>"#,
    );
    let got: Vec<(&str, SourceKind)> = imgs.iter().map(|i| (i.url.as_str(), i.source)).collect();
    assert_eq!(
        got,
        vec![
            ("https://shop.example/real.jpg", SourceKind::Lazy),
            ("https://shop.example/only-here.jpg", SourceKind::Noscript)
        ]
    );
    assert_eq!(
        imgs[0].sources,
        vec![SourceKind::Lazy, SourceKind::Noscript]
    );
    // A <noscript> right after an <img> is that picture's fallback, even by another URL.
    let imgs = images(
        r#"<img src="/img/blank.gif" data-src="/a-640.jpg"><noscript><img src="/a-1280.jpg"></noscript><noscript><img src="/b.jpg"></noscript>"#,
    );
    assert_eq!(imgs.len(), 2, "{imgs:#?}");
    assert_eq!(imgs[0].alternates.len(), 1);
    assert_eq!(imgs[1].url, "https://shop.example/b.jpg");
}

#[test]
fn linked_full_size_wins_and_shares_the_thumbnail_group() {
    let imgs = images(
        r#"<a href="/full/big.jpg"><span><img src="/thumb/small.jpg" alt="t"></span></a>
           <a href="/wiki/File:Photo.jpg"><img src="/w/photo-thumb.jpg"></a>
           <a href="/product.html?img=x.jpg"><img src="/p.jpg"></a>
           <a href="https://i.imgur.com/abc.png">text link</a>"#,
    );
    let got: Vec<&str> = imgs.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/full/big.jpg",
            "https://shop.example/w/photo-thumb.jpg",
            "https://shop.example/p.jpg",
            "https://i.imgur.com/abc.png",
        ]
    );
    assert_eq!(imgs[0].source, SourceKind::Link);
    assert_eq!(
        imgs[0].alternates,
        vec!["https://shop.example/thumb/small.jpg"]
    );
    assert_eq!(imgs[0].alt.as_deref(), Some("t"));
    assert_eq!(imgs[3].source, SourceKind::Link);
}

#[test]
fn a_link_around_a_picture_is_its_full_size() {
    let img = one(
        r#"<a href="/big.jpg"><picture><source srcset="/s.webp 2x" type="image/webp"><img src="/s.jpg"></picture></a>"#,
    );
    assert_eq!(img.url, "https://shop.example/big.jpg");
    assert_eq!(
        img.alternates,
        vec!["https://shop.example/s.webp", "https://shop.example/s.jpg"]
    );
    assert_eq!(
        img.sources,
        vec![SourceKind::Img, SourceKind::Picture, SourceKind::Link]
    );
}

#[test]
fn a_link_joins_only_the_first_image_inside_it() {
    let imgs = images(r#"<a href="/big1.jpg"><img src="/t1.jpg"><img src="/badge.png"></a>"#);
    assert_eq!(imgs.len(), 2);
    assert_eq!(imgs[0].url, "https://shop.example/big1.jpg");
    assert_eq!(imgs[1].url, "https://shop.example/badge.png");
}

// ---- CSS ----------------------------------------------------------------------------

#[test]
fn css_in_style_attributes_and_blocks() {
    let c = collect(
        r#"<style>
             @import url("/css/more.css");
             .hero { background: url(/hero.jpg) center / cover; }
             .x::before { content: url("icon.svg"); }
             .r { background-image: -webkit-image-set(url(/r1.jpg) 1x, url(/r2.jpg) 2x); }
             @font-face { src: url(/f.woff2); }
           </style>
           <div style="background-image: url(&quot;/inline.png&quot;)"></div>
           <ul style="list-style: url('/bullet.gif') inside"></ul>"#,
    );
    assert_eq!(c.stylesheets, vec!["https://shop.example/css/more.css"]);
    let imgs = merge(c.candidates);
    let got: Vec<(&str, SourceKind)> = imgs.iter().map(|i| (i.url.as_str(), i.source)).collect();
    assert_eq!(
        got,
        vec![
            ("https://shop.example/hero.jpg", SourceKind::CssStyle),
            ("https://shop.example/dir/icon.svg", SourceKind::CssStyle),
            ("https://shop.example/r2.jpg", SourceKind::CssStyle),
            ("https://shop.example/inline.png", SourceKind::CssInline),
            ("https://shop.example/bullet.gif", SourceKind::CssInline),
        ]
    );
    assert_eq!(imgs[2].alternates, vec!["https://shop.example/r1.jpg"]);
}

#[test]
fn linked_stylesheets_are_listed_for_the_engine() {
    let c = collect(
        r#"<link rel="stylesheet" href="/a.css"><link rel="preload" as="style" href="/b.css">
           <link rel="alternate stylesheet" href="/c.css"><link rel="preload" as="font" href="/f.woff2">
           <link rel="stylesheet" href="/a.css">"#,
    );
    assert_eq!(
        c.stylesheets,
        vec![
            "https://shop.example/a.css",
            "https://shop.example/b.css",
            "https://shop.example/c.css"
        ]
    );
}

#[test]
fn discover_css_resolves_against_the_stylesheet_and_groups_image_sets() {
    let css_url = Url::parse("https://cdn.example/css/site.css").unwrap();
    let found = discover_css(
        r#"@import "theme.css"; .a{background:url(../img/a.png)} .b{background-image:image-set("b1.jpg" 1x,"b2.jpg" 2x)}"#,
        &css_url,
        SourceKind::CssLinked,
        7,
    );
    assert_eq!(found.imports, vec!["https://cdn.example/css/theme.css"]);
    let urls: Vec<&str> = found.candidates.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://cdn.example/img/a.png",
            "https://cdn.example/css/b1.jpg",
            "https://cdn.example/css/b2.jpg"
        ]
    );
    assert!(found
        .candidates
        .iter()
        .all(|c| c.kind == SourceKind::CssLinked && c.order == 7));
    assert_eq!(found.candidates[0].group, None);
    assert_eq!(found.candidates[1].group, found.candidates[2].group);
    let imgs = merge(found.candidates);
    assert_eq!(imgs[1].url, "https://cdn.example/css/b2.jpg");
}

// ---- page metadata ------------------------------------------------------------------

#[test]
fn metadata_images() {
    let c = collect(
        r#"<head>
           <meta property="og:image" content="/og.jpg">
           <meta property="og:image:secure_url" content="https://shop.example/og.jpg">
           <meta name="twitter:image:src" content="/tw.jpg">
           <link rel="image_src" href="/isrc.jpg">
           <link rel="shortcut icon" href="/favicon.ico">
           <link rel="apple-touch-icon" sizes="180x180" href="/apple.png">
           <meta itemprop="image" content="/micro.jpg">
           <script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","image":["/ld1.jpg",{"@type":"ImageObject","contentUrl":"/ld2.jpg"}]}</script>
           </head>"#,
    );
    let imgs = merge(c.candidates);
    let got: Vec<(&str, SourceKind)> = imgs.iter().map(|i| (i.url.as_str(), i.source)).collect();
    assert_eq!(
        got,
        vec![
            ("https://shop.example/og.jpg", SourceKind::OpenGraph),
            ("https://shop.example/tw.jpg", SourceKind::Twitter),
            ("https://shop.example/isrc.jpg", SourceKind::ImageSrc),
            ("https://shop.example/favicon.ico", SourceKind::Icon),
            ("https://shop.example/apple.png", SourceKind::Icon),
            ("https://shop.example/micro.jpg", SourceKind::JsonLd),
            ("https://shop.example/ld1.jpg", SourceKind::JsonLd),
            ("https://shop.example/ld2.jpg", SourceKind::JsonLd),
        ]
    );
    assert_eq!(imgs[4].width, Some(180));
    let img = one(
        r#"<meta property="og:image" content="/og.jpg"><meta property="og:image:width" content="1200"><meta property="og:image:height" content="630"><meta name="thumbnail" content="/og.jpg">"#,
    );
    assert_eq!((img.width, img.height), (Some(1200), Some(630)));
    assert_eq!(
        img.sources,
        vec![SourceKind::OpenGraph, SourceKind::ImageSrc]
    );
}

#[test]
fn preloaded_images() {
    let c = collect(
        r#"<link rel="preload" as="image" imagesrcset="/h-800.jpg 800w, /h-1600.jpg 1600w"><link rel="preload" as="image" href="/p.png">"#,
    );
    let imgs = merge(c.candidates);
    let got: Vec<&str> = imgs.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/h-1600.jpg",
            "https://shop.example/p.png"
        ]
    );
    assert_eq!(imgs[0].source, SourceKind::ImageSrc);
}

#[test]
fn words_where_a_url_should_be_are_not_urls() {
    let c = collect(
        r#"<script type="application/ld+json">{"@type":"Product","image":"null"}</script>
           <meta property="og:image" content="undefined"><img src="null" data-src="false">
           <div data-popover='{"inlineContent":"<div><img src=\"/a.gif\"></div>"}'></div>"#,
    );
    assert!(c.candidates.is_empty(), "{:#?}", c.candidates);
}

#[test]
fn tracking_pixels_are_not_images() {
    let got = urls(
        r#"<noscript><img src="http://b.scorecardresearch.com/p?c1=2&amp;c2=6035250"></noscript>
           <img src="/pixel.php?id=3" width="1" height="1"><img src="/real.jpg" width="1" height="300">"#,
    );
    assert_eq!(got, vec!["https://shop.example/real.jpg"]);
}

#[test]
fn broken_json_ld_is_still_read() {
    let got = urls("<script type=\"application/ld+json\">\n{\"@type\": \"NewsArticle\",\n \"image\": {\"url\": \"/lead.jpg\"},\n \"headline\": \"a\nb\",}\n</script>");
    assert_eq!(got, vec!["https://shop.example/lead.jpg"]);
}

#[test]
fn title_is_decoded_and_og_title_is_the_fallback() {
    assert_eq!(
        collect(
            "<title>\n  Caf&eacute; &amp; Bar &mdash; Menu </title><svg><title>icon</title></svg>"
        )
        .title
        .as_deref(),
        Some("Café & Bar — Menu")
    );
    assert_eq!(
        collect(r#"<meta property="og:title" content="Only &quot;OG&quot;">"#)
            .title
            .as_deref(),
        Some("Only \"OG\"")
    );
    assert_eq!(collect("<p>no title</p>").title, None);
}

// ---- resolution -----------------------------------------------------------------------

#[test]
fn base_href_applies_to_every_url_even_those_before_it() {
    let c = collect(
        r#"<head><link rel="icon" href="fav.ico"><link rel="stylesheet" href="s.css">
           <base href="/assets/v2/"><base href="https://ignored.example/">
           </head><img src="a.jpg"><img src="/root.jpg"><img src="//cdn.example/p.jpg">"#,
    );
    let got: Vec<&str> = c.candidates.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/assets/v2/fav.ico",
            "https://shop.example/assets/v2/a.jpg",
            "https://shop.example/root.jpg",
            "https://cdn.example/p.jpg",
        ]
    );
    assert_eq!(c.stylesheets, vec!["https://shop.example/assets/v2/s.css"]);
}

#[test]
fn base_href_on_another_host_and_page_scheme_for_protocol_relative() {
    let c = discover_html(
        r#"<base href="//static.example/b/"><img src="x.png">"#,
        &Url::parse("http://plain.example/").unwrap(),
        &DiscoverOptions::default(),
        &SiteRules::empty(),
    );
    assert_eq!(c.candidates[0].url, "http://static.example/b/x.png");
}

#[test]
fn entities_in_attribute_values() {
    let got = urls(
        r#"<img src="/a.jpg?w=1&amp;h=2"><img src="/b.jpg?x=1&copy=2"><img src="&#x2F;img&#47;c.jpg">
           <img src="/d&#x2e;jpg"><img src="/e.jpg?q=&quot;x&quot;"><img src="/f.jpg?a&ampb">"#,
    );
    assert_eq!(
        got,
        vec![
            "https://shop.example/a.jpg?w=1&h=2",
            "https://shop.example/b.jpg?x=1&copy=2",
            "https://shop.example/img/c.jpg",
            "https://shop.example/d.jpg",
            "https://shop.example/e.jpg?q=%22x%22",
            "https://shop.example/f.jpg?a&ampb",
        ]
    );
}

#[test]
fn relative_protocol_relative_percent_encoded_and_trimmed() {
    let got = urls(
        "<img src=\"  //cdn.example/a b.jpg \n\"><img src=\"../up.jpg\"><img src=\"/ünï.jpg\">\
         <img src=\"/already%20encoded.jpg\"><img src=\"/tab\tin.jpg\"><img src=\"HTTPS://CDN.EXAMPLE:443/Up.JPG\">\
         <img src=\"?v=2\"><img src=\"/a/./b/../c.jpg\">",
    );
    assert_eq!(
        got,
        vec![
            "https://cdn.example/a%20b.jpg",
            "https://shop.example/up.jpg",
            "https://shop.example/%C3%BCn%C3%AF.jpg",
            "https://shop.example/already%20encoded.jpg",
            "https://shop.example/tabin.jpg",
            "https://cdn.example/Up.JPG",
            "https://shop.example/dir/page.html?v=2",
            "https://shop.example/a/c.jpg",
        ]
    );
}

#[test]
fn non_image_schemes_and_fragments_are_ignored() {
    let c = collect(
        r##"<img src="javascript:alert(1)"><img src="#"><img src="about:blank"><img src="">
            <img src="mailto:a@b.c"><img src="file:///etc/passwd"><a href="#top"><img src="ok.jpg"></a>"##,
    );
    let got: Vec<&str> = c.candidates.iter().map(|c| c.url.as_str()).collect();
    assert_eq!(got, vec!["https://shop.example/dir/ok.jpg"]);
}

#[test]
fn same_url_twice_is_one_image() {
    let imgs = images(
        r#"<meta property="og:image" content="/p.jpg"><img src="/p.jpg"><img src="https://shop.example/p.jpg">"#,
    );
    assert_eq!(imgs.len(), 1);
    assert_eq!(imgs[0].order, 1);
    assert_eq!(
        imgs[0].sources,
        vec![SourceKind::Img, SourceKind::OpenGraph]
    );
}

// ---- tokenizer ----------------------------------------------------------------------

#[test]
fn comments_scripts_and_textareas_hide_markup() {
    let got = urls(
        r#"<!-- <img src="c.jpg"> --><script>document.write('<img src="s.jpg">')</script>
           <textarea><img src="t.jpg"></textarea><title><img src="x.jpg"></title>
           <IMG SRC="UPPER.jpg"><img src=unquoted.jpg alt=x><img
             src = 'spaced.jpg' >"#,
    );
    assert_eq!(
        got,
        vec![
            "https://shop.example/dir/UPPER.jpg",
            "https://shop.example/dir/unquoted.jpg",
            "https://shop.example/dir/spaced.jpg",
        ]
    );
}

#[test]
fn broken_markup_does_not_panic() {
    for html in [
        "<img src=\"a.jpg",
        "<img src=a.jpg data-srcset=\"x.jpg 1q, , ,\">",
        "<<<>>><img/src='b.jpg'/>",
        "</p></div></body></html><img src=c.jpg>",
        "<svg><image href=x.png /><img src=d.jpg></svg>",
        "<style>.a{background:url(",
        "<a href=\"big.jpg\"><a href=\"big2.jpg\"><img src=t.jpg>",
        "<img src=\"&#xFFFFFFFF;&#0;&bogus;&#x;.jpg\">",
        "<script type=\"application/ld+json\">{{{{[[[",
        "\u{0}<img src=\"\u{FEFF}\u{2028}x.jpg\">",
    ] {
        let c = collect(html);
        let _ = merge(c.candidates);
        let c = collect_deep(html);
        let _ = merge(c.candidates);
    }
}

// ---- deep ---------------------------------------------------------------------------

#[test]
fn deep_reads_scripts_and_json_and_lists_same_origin_iframes() {
    let html = r#"<script>window.__DATA__ = {"gallery":["https:\/\/cdn.example\/g\/1.jpg","https:\u002F\u002Fcdn.example\u002Fg\u002F2.webp"], "api":"https://shop.example/api/x.json"};</script>
        <script type="application/json">{"hero": "/media/hero.png"}</script>
        <script src="/app.js"></script>
        <iframe src="/embed/gallery.html"></iframe><iframe src="https://other.example/ad.html"></iframe>"#;
    let shallow = collect(html);
    assert!(shallow.candidates.is_empty());
    assert!(shallow.iframes.is_empty());
    let deep = collect_deep(html);
    let got: Vec<(&str, SourceKind)> = deep
        .candidates
        .iter()
        .map(|c| (c.url.as_str(), c.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            ("https://cdn.example/g/1.jpg", SourceKind::Script),
            ("https://cdn.example/g/2.webp", SourceKind::Script),
            ("https://shop.example/media/hero.png", SourceKind::Script),
        ]
    );
    assert_eq!(
        deep.iframes,
        vec!["https://shop.example/embed/gallery.html"]
    );
}

// ---- site rules -----------------------------------------------------------------------

const RULES: &str = r##"
[[site]]
name = "Example shop gallery"
match = ["shop.example"]
include = ["#gallery", "figure.main"]
exclude = ["#gallery .ad", ".carousel"]

[site.fields]
price = ".price"
"##;

#[test]
fn site_rules_include_and_exclude() {
    let rules = SiteRules::from_toml(RULES, "test.toml").unwrap();
    assert!(matches!(
        rules.rules()[0].fields.get("price"),
        Some(imago_core::siterules::FieldRule::Selector(_))
    ));
    let html = r#"<meta property="og:image" content="/og.jpg">
        <img src="/logo.png">
        <div id="gallery"><ul><li><img src="/g1.jpg"><li><img src="/g2.jpg"><li class="ad"><img src="/ad.jpg"></ul>
          <div class="carousel"><img src="/also.jpg"></div></div>
        <figure class="wide main"><img src="/f.jpg"></figure>
        <div class="carousel"><img src="/c1.jpg"></div>"#;
    let c = discover_html(html, &page(), &DiscoverOptions::default(), &rules);
    let got: Vec<String> = merge(c.candidates).into_iter().map(|i| i.url).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/og.jpg",
            "https://shop.example/g1.jpg",
            "https://shop.example/g2.jpg",
            "https://shop.example/f.jpg"
        ]
    );
    // Another host: the rule does not apply.
    let other = Url::parse("https://other.example/").unwrap();
    let c = discover_html(html, &other, &DiscoverOptions::default(), &rules);
    assert_eq!(merge(c.candidates).len(), 8);
}

#[test]
fn an_include_rule_that_matches_nothing_leaves_the_page_whole() {
    let rules = SiteRules::from_toml(RULES, "test.toml").unwrap();
    let c = discover_html(
        r#"<img src="/a.jpg"><div class="carousel"><img src="/b.jpg"></div>"#,
        &page(),
        &DiscoverOptions::default(),
        &rules,
    );
    let got: Vec<String> = merge(c.candidates).into_iter().map(|i| i.url).collect();
    assert_eq!(got, vec!["https://shop.example/a.jpg"]);
}

#[test]
fn implied_end_tags_keep_selectors_right() {
    let rules = SiteRules::from_toml(
        "[[site]]\nname='x'\nmatch='shop.example'\nexclude=['p.promo', 'li.sponsored']\n",
        "t",
    )
    .unwrap();
    let html = r#"<p class="promo"><img src="/promo.jpg"><div><img src="/after-p.jpg"></div>
        <ul><li class="sponsored"><img src="/s.jpg"><li><img src="/item.jpg"></ul>"#;
    let c = discover_html(html, &page(), &DiscoverOptions::default(), &rules);
    let got: Vec<String> = merge(c.candidates).into_iter().map(|i| i.url).collect();
    assert_eq!(
        got,
        vec![
            "https://shop.example/after-p.jpg",
            "https://shop.example/item.jpg"
        ]
    );
}

#[test]
fn site_rule_errors_name_file_and_line() {
    let err = SiteRules::from_toml(
        "[[site]]\nname = \"x\"\nmatch = \"a.com\"\ninclude = [\"#ok\", \"a:hover\"]\n",
        "my.toml",
    )
    .unwrap_err();
    assert_eq!(err.origin, "my.toml");
    assert_eq!(err.line, 4);
    assert!(
        err.to_string().starts_with("my.toml:4: bad selector"),
        "{err}"
    );
    let err = SiteRules::from_toml("[[site]]\nname = \"x\"\n\nbogus = 1\n", "f").unwrap_err();
    assert_eq!(err.line, 4, "{err}");
    let err = SiteRules::from_toml("[[site]]\nname = \"x\"\n", "f").unwrap_err();
    assert!(err.message.contains("match"), "{err}");
    let err = SiteRules::from_toml("[[site]]\nname = \"x\"\nurl = \"(\"\n", "f").unwrap_err();
    assert_eq!(err.line, 3, "{err}");
    let err = SiteRules::from_toml("[[site]\n", "f").unwrap_err();
    assert_eq!(err.line, 1, "{err}");
}

#[test]
fn rules_extend_and_match_by_url_regex() {
    let mut rules = SiteRules::empty();
    rules.extend(
        SiteRules::from_toml(
            "[[site]]\nname='a'\nurl='^https://shop\\.example/dir/'\nexclude=['.x']\n",
            "a",
        )
        .unwrap(),
    );
    rules.extend(
        SiteRules::from_toml(
            "[[site]]\nname='b'\nmatch=['*.nowhere.example']\nexclude=['img']\n",
            "b",
        )
        .unwrap(),
    );
    assert_eq!(rules.rules().len(), 2);
    let names: Vec<&str> = rules
        .matching(&page())
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, vec!["a"]);
    let c = discover_html(
        r#"<img class="x" src="/1.jpg"><img src="/2.jpg">"#,
        &page(),
        &DiscoverOptions::default(),
        &rules,
    );
    assert_eq!(merge(c.candidates).len(), 1);
}

#[test]
fn deep_nesting_and_many_attributes_stay_linear() {
    let mut html = String::new();
    for i in 0..3000 {
        html.push_str(&format!(
            "<div class=\"c{i}\"><a href=\"/big{i}.jpg\"><span>"
        ));
    }
    html.push_str("<img src=\"/deep.jpg\">");
    let attrs: String = (0..2000).map(|i| format!(" data-x{i}=\"v{i}\"")).collect();
    html.push_str(&format!("<img{attrs} src=\"/many.jpg\">"));
    let rules = SiteRules::from_toml(
        "[[site]]\nname='x'\nmatch='shop.example'\nexclude=['div.c5 a span', 'section']\n",
        "t",
    )
    .unwrap();
    let c = discover_html(&html, &page(), &DiscoverOptions::default(), &rules);
    let imgs = merge(c.candidates);
    // Everything sits inside div.c5 > a > span, which the rule excludes.
    assert!(imgs.iter().all(|i| !i.url.ends_with("/deep.jpg")));
    let c = collect(&html);
    let imgs = merge(c.candidates);
    // The thumbnail inside the links is an alternate of a linked full size.
    let deep = "https://shop.example/deep.jpg";
    assert!(imgs
        .iter()
        .any(|i| i.source == SourceKind::Link && i.alternates.iter().any(|a| a == deep)));
    assert!(imgs
        .iter()
        .any(|i| i.url == "https://shop.example/big2999.jpg"));
    assert!(imgs
        .iter()
        .any(|i| i.url == "https://shop.example/many.jpg"));
}
