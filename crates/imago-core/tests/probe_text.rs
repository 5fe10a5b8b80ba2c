//! SVG sizes, and telling an HTML page from an image by its first bytes.

use imago_core::probe::{looks_like_html, probe, sniff, Probe};
use imago_core::{Format, ImageInfo};

fn svg_size(text: &str) -> (u32, u32) {
    match probe(text.as_bytes(), true) {
        Probe::Known(ImageInfo {
            format: Format::Svg,
            width,
            height,
            orientation: None,
        }) => (width, height),
        other => panic!("{text}: {other:?}"),
    }
}

#[test]
fn svg_width_and_height_in_css_units() {
    let xmlns = r#"xmlns="http://www.w3.org/2000/svg""#;
    let cases = [
        (r#"width="120" height="80""#, (120, 80)),
        (r#"width="120px" height="80.4px""#, (120, 80)),
        // 1pt = 96/72 px, 1in = 96 px, 1cm = 96/2.54 px, 1mm = 96/25.4 px.
        (r#"width="72pt" height="36pt""#, (96, 48)),
        (r#"width="1in" height="2.54cm""#, (96, 96)),
        (r#"width="25.4mm" height="1pc""#, (96, 16)),
        // Relative to a default 16px font.
        (r#"width="2em" height="10em""#, (32, 160)),
        (r#"width = '50' height='1e2'"#, (50, 100)),
    ];
    for (attrs, want) in cases {
        assert_eq!(
            svg_size(&format!("<svg {xmlns} {attrs}/>")),
            want,
            "{attrs}"
        );
    }
}

#[test]
fn an_svg_with_only_a_viewbox_takes_its_size() {
    assert_eq!(svg_size(r#"<svg viewBox="0 0 640 360"></svg>"#), (640, 360));
    assert_eq!(
        svg_size(r#"<svg viewBox="-10,-10,20.5,10"></svg>"#),
        (21, 10)
    );
}

#[test]
fn a_percentage_or_missing_side_follows_the_viewbox_ratio() {
    assert_eq!(
        svg_size(r#"<svg width="100%" height="100%" viewBox="0 0 400 300"/>"#),
        (400, 300)
    );
    assert_eq!(
        svg_size(r#"<svg width="200" viewBox="0 0 400 300"/>"#),
        (200, 150)
    );
    assert_eq!(
        svg_size(r#"<svg height="60" viewBox="0 0 400 300"/>"#),
        (80, 60)
    );
}

#[test]
fn an_svg_with_no_size_at_all_gets_the_css_default_of_300_by_150() {
    assert_eq!(
        svg_size("<svg xmlns='http://www.w3.org/2000/svg'/>"),
        (300, 150)
    );
    assert_eq!(
        svg_size(r#"<svg width="auto" viewBox="0 0 0 0"/>"#),
        (300, 150)
    );
}

#[test]
fn the_root_is_found_after_a_bom_prolog_comments_and_a_doctype() {
    let text = concat!(
        "\u{feff}  <?xml version=\"1.0\" standalone=\"no\"?>\n",
        "<!-- Generator: Adobe Illustrator 27.0, SVG Export Plug-In. <svg width=\"1\"> -->\n",
        "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\" [\n",
        "  <!ENTITY ns_flows \"http://ns.adobe.com/Flows/1.0/\">\n",
        "]>\n",
        "<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\" data-x=\"a > b\" width=\"64\" height=\"32\">",
    );
    assert_eq!(svg_size(text), (64, 32));
}

#[test]
fn an_svg_start_tag_past_the_prefix_asks_for_more() {
    let text = format!(
        "<?xml version=\"1.0\"?><!--{}--><svg width=\"10\" height=\"20\"/>",
        "x".repeat(10_000)
    );
    let bytes = text.as_bytes();
    // sniff sees 64 bytes of comment: not enough to say SVG.
    assert_eq!(sniff(bytes), None);
    match probe(&bytes[..4096], false) {
        Probe::NeedMore(n) => assert!(n > 4096),
        other => panic!("{other:?}"),
    }
    assert!(matches!(probe(&bytes[..4096], true), Probe::NotImage(_)));
    assert_eq!(svg_size(&text), (10, 20));
}

#[test]
fn xml_that_is_not_svg_is_refused() {
    for text in [
        "<?xml version=\"1.0\"?><rss version=\"2.0\"></rss>",
        "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>",
        "<path d=\"M0 0\"/>",
    ] {
        match probe(text.as_bytes(), true) {
            Probe::NotImage(why) => assert!(why.contains("not <svg>"), "{text}: {why}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn html_pages_are_recognized_and_refused() {
    let pages = [
        "<!DOCTYPE html><html><head><title>404</title>",
        "\u{feff}\n\n  <!doctype HTML>\n<html lang=en>",
        "<html>\r\n<head><title>403 Forbidden</title></head>",
        "<HEAD><TITLE>Moved</TITLE></HEAD>",
        "<body>\nHotlinking is not allowed",
        "<script>location='/login'</script>",
        "<!-- served by nginx -->\n<html>",
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" ",
            "\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">"
        ),
        "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">",
        "<p>Access denied</p>",
    ];
    for page in pages {
        assert!(looks_like_html(page.as_bytes()), "{page}");
        match probe(page.as_bytes(), false) {
            Probe::NotImage(why) => assert!(why.contains("HTML"), "{page}: {why}"),
            other => panic!("{page}: {other:?}"),
        }
        assert_eq!(sniff(page.as_bytes()), None, "{page}");
    }
}

#[test]
fn svg_and_image_bytes_are_not_html() {
    let not_html: [&[u8]; 8] = [
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\">",
        b"<svg width=\"10\" height=\"10\"/>",
        b"<!-- <html> in a comment --><svg/>",
        b"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\">",
        b"<bold-thing>",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\x89PNG\r\n\x1a\n",
        b"",
    ];
    for bytes in not_html {
        assert!(
            !looks_like_html(bytes),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

#[test]
fn sniff_needs_magic_bytes_and_looks_at_64_only() {
    assert_eq!(sniff(b"\xff\xd8\xff"), Some(Format::Jpeg));
    assert_eq!(sniff(b"GIF87a"), Some(Format::Gif));
    assert_eq!(sniff(b"RIFF\0\0\0\0WEBP"), Some(Format::Webp));
    assert_eq!(sniff(b"RIFF\0\0\0\0WAVE"), None);
    assert_eq!(sniff(b"MM\0*"), Some(Format::Tiff));
    assert_eq!(sniff(b"<svg>"), Some(Format::Svg));
    assert_eq!(sniff(b"RIFF"), None);
    assert_eq!(sniff(b""), None);
    assert_eq!(sniff(b"{\"error\": \"not found\"}"), None);
    // The PNG signature after 64 bytes of junk does not count.
    let mut late = vec![b' '; 64];
    late.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    assert_eq!(sniff(&late), None);
}

#[test]
fn too_short_to_tell_needs_more_and_unknown_bytes_are_refused() {
    assert!(matches!(probe(b"", false), Probe::NeedMore(n) if n > 0));
    assert!(matches!(probe(b"", true), Probe::NotImage(_)));
    assert!(matches!(probe(b"RIFF\x10\0\0", false), Probe::NeedMore(n) if n >= 12));
    assert!(matches!(probe(b"   \n", false), Probe::NeedMore(_)));
    match probe(b"{\"error\": \"not found\"}", false) {
        Probe::NotImage(why) => assert!(why.contains("unknown format"), "{why}"),
        other => panic!("{other:?}"),
    }
    match probe(b"\x1f\x8b\x08\0\0\0\0\0", false) {
        Probe::NotImage(why) => assert!(why.contains("gzip"), "{why}"),
        other => panic!("{other:?}"),
    }
}
