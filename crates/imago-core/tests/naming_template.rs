//! Name templates: every variable, padding, literal braces, and parse errors with columns.

use imago_core::naming::{NameVars, Template, TemplateError, Var, DEFAULT_FOLDER, DEFAULT_NAME};

fn render(template: &str, vars: &NameVars) -> String {
    Template::parse(template)
        .unwrap_or_else(|e| panic!("{template}: {e}"))
        .render(vars)
}

fn vars(url: &str) -> NameVars<'_> {
    NameVars {
        n: 1,
        url,
        page_url: "https://shop.example.com/item/9?ref=x",
        date: "2026-11-28",
        ..NameVars::default()
    }
}

#[test]
fn counter_and_padding() {
    let mut v = vars("https://x.org/a.jpg");
    v.n = 7;
    assert_eq!(render("{n}", &v), "7");
    assert_eq!(render("{n:03}", &v), "007");
    assert_eq!(render("{n:01}", &v), "7");
    v.n = 1234;
    assert_eq!(render("{n:03}", &v), "1234");
    assert_eq!(render("img-{n:05}.{ext}", &v), "img-01234.jpg");
}

#[test]
fn name_is_the_decoded_stem_of_the_url_path() {
    assert_eq!(
        render("{name}", &vars("https://x.org/a/b/photo%20one.jpeg?x=1#f")),
        "photo one"
    );
    assert_eq!(
        render("{name}", &vars("https://x.org/a/archive.tar.gz")),
        "archive.tar"
    );
    // A trailing slash: the last real segment names it.
    assert_eq!(
        render("{name}", &vars("https://x.org/gallery/12345/")),
        "12345"
    );
    assert_eq!(render("{name}", &vars("https://x.org/")), "image");
    assert_eq!(render("{name}", &vars("https://x.org")), "image");
    assert_eq!(
        render("{name}", &vars("data:image/png;base64,iVBORw0KGgo=")),
        "image"
    );
    assert_eq!(render("{name}", &vars("DATA:image/png,xyz")), "image");
    assert_eq!(
        render("{name}", &vars("https://x.org/%E5%86%99%E7%9C%9F.jpg")),
        "写真"
    );
    // An encoded slash in a name never makes a folder.
    assert_eq!(
        render("{name}", &vars("https://x.org/a%2Fb%5Cc.png")),
        "a_b_c"
    );
    // Broken escapes stay as written.
    assert_eq!(
        render("{name}", &vars("https://x.org/100%25%zz.png")),
        "100%%zz"
    );
    // Not an absolute URL: the text up to the query is the path.
    assert_eq!(render("{name}", &vars("img/cat.gif?v=2")), "cat");
}

#[test]
fn ext_prefers_the_probe_then_the_url_then_the_data_type() {
    let mut v = vars("https://x.org/a.JPG");
    assert_eq!(render("{ext}", &v), "jpg");
    v.ext = Some("png");
    assert_eq!(render("{ext}", &v), "png");
    v.ext = Some(".webp");
    assert_eq!(render("{ext}", &v), "webp");
    v.ext = Some("");
    assert_eq!(render("{ext}", &v), "jpg");
    assert_eq!(render("{ext}", &vars("https://x.org/a.jpeg?w=1")), "jpeg");
    // .php names no image format, and nothing else is known.
    assert_eq!(
        render("{ext}", &vars("https://x.org/image.php?id=3")),
        "bin"
    );
    assert_eq!(render("{ext}", &vars("https://x.org/photo")), "bin");
    assert_eq!(render("{ext}", &vars("data:image/png;base64,iVBOR")), "png");
    assert_eq!(render("{ext}", &vars("data:image/svg+xml,<svg/>")), "svg");
    assert_eq!(render("{ext}", &vars("data:image/jpg;base64,/9j/")), "jpg");
    assert_eq!(render("{ext}", &vars("data:text/plain,hi")), "bin");
}

#[test]
fn hosts_are_lowercase_punycode_without_port() {
    assert_eq!(
        render("{host}", &vars("https://CDN.Example.com:8080/a.jpg")),
        "cdn.example.com"
    );
    assert_eq!(
        render("{host}", &vars("https://bücher.example/a.jpg")),
        "xn--bcher-kva.example"
    );
    assert_eq!(render("{host}", &vars("data:image/png;base64,iVBOR")), "");
    assert_eq!(
        render("{page_host}", &vars("https://x.org/a.jpg")),
        "shop.example.com"
    );
    let mut local = vars("https://x.org/a.jpg");
    local.page_url = "file:///home/me/page.html";
    assert_eq!(render("{page_host}", &local), "");
    local.page_url = "";
    assert_eq!(render("{page_host}", &local), "");
}

#[test]
fn text_values_never_add_folders() {
    let mut v = vars("https://x.org/a.jpg");
    assert_eq!(render("[{title}][{alt}]", &v), "[][]");
    v.title = Some("AC/DC \\ Live");
    v.alt = Some("../../etc/passwd");
    assert_eq!(render("{title}", &v), "AC_DC _ Live");
    assert_eq!(render("{alt}", &v), ".._.._etc_passwd");
    // The template's own slash still separates.
    assert_eq!(
        render("{page_host}/{title}", &v),
        "shop.example.com/AC_DC _ Live"
    );
}

#[test]
fn sizes_are_zero_when_unknown() {
    let mut v = vars("https://x.org/a.jpg");
    assert_eq!(render("{w}x{h}", &v), "0x0");
    v.width = Some(640);
    v.height = Some(480);
    assert_eq!(render("{w}x{h}", &v), "640x480");
    assert_eq!(render("{w:05}", &v), "00640");
}

#[test]
fn date_and_hash() {
    let mut v = vars("https://x.org/a.jpg");
    assert_eq!(render("{date}", &v), "2026-11-28");
    assert_eq!(render("[{hash8}]", &v), "[]");
    v.hash8 = Some("ABCDEF0123456789");
    assert_eq!(render("{hash8}", &v), "abcdef01");
    v.hash8 = Some("12ab");
    assert_eq!(render("{hash8}", &v), "12ab");
}

#[test]
fn literal_braces() {
    let v = vars("https://x.org/a.jpg");
    assert_eq!(render("{{n}}", &v), "{n}");
    assert_eq!(render("a}}b{{", &v), "a}b{");
    assert_eq!(render("{{{n}}}", &v), "{1}");
    assert_eq!(render("", &v), "");
}

#[test]
fn defaults_parse_and_render() {
    let mut v = vars("https://cdn.x.org/p/shoe.webp");
    v.title = Some("Red shoe");
    assert_eq!(render(DEFAULT_FOLDER, &v), "shop.example.com/Red shoe");
    assert_eq!(render(DEFAULT_NAME, &v), "shoe.webp");
    let name = Template::parse(DEFAULT_NAME).unwrap();
    assert!(name.uses(Var::Name) && name.uses(Var::Ext));
    assert!(!name.uses(Var::Hash8) && !name.uses(Var::W));
    assert_eq!(name.to_string(), DEFAULT_NAME);
    assert_eq!(name.as_str(), DEFAULT_NAME);
    assert!("{n:03}".parse::<Template>().unwrap().uses(Var::N));
}

#[test]
fn unknown_variable_names_itself_and_its_column() {
    let err = Template::parse("ab{nme}.{ext}").unwrap_err();
    assert_eq!(
        err,
        TemplateError::UnknownVariable {
            name: "nme".to_string(),
            column: 3
        }
    );
    let text = err.to_string();
    assert!(
        text.starts_with("unknown variable {nme} at column 3 (known: {n} {name} {ext}"),
        "{text}"
    );
    // Columns count characters, not bytes.
    assert_eq!(
        Template::parse("é写{x}").unwrap_err(),
        TemplateError::UnknownVariable {
            name: "x".to_string(),
            column: 3
        }
    );
    // Names are exact: no spaces, no case folding.
    assert!(Template::parse("{ n }").is_err());
    assert!(Template::parse("{N}").is_err());
    assert!(Template::parse("{}").is_err());
}

#[test]
fn unbalanced_braces_are_errors() {
    assert_eq!(
        Template::parse("{name").unwrap_err(),
        TemplateError::Unclosed { column: 1 }
    );
    assert_eq!(
        Template::parse("x-{n{ext}").unwrap_err(),
        TemplateError::Unclosed { column: 3 }
    );
    assert_eq!(
        Template::parse("ab}").unwrap_err(),
        TemplateError::UnmatchedClose { column: 3 }
    );
    assert_eq!(
        Template::parse("{name").unwrap_err().to_string(),
        "'{' at column 1 is never closed (write {{ for a literal brace)"
    );
    assert_eq!(
        Template::parse("a}b").unwrap_err().to_string(),
        "'}' at column 2 closes nothing (write }} for a literal brace)"
    );
}

#[test]
fn bad_formats_are_errors() {
    for bad in [
        "{title:03}",
        "{n:3}",
        "{n:}",
        "{n:0}",
        "{n:0x}",
        "{n:021}",
        "{n:099999999999999999999}",
    ] {
        let err = Template::parse(bad).unwrap_err();
        assert!(
            matches!(err, TemplateError::BadFormat { column: 1, .. }),
            "{bad}: {err}"
        );
    }
    assert_eq!(
        Template::parse("{name:03}").unwrap_err().to_string(),
        "bad format \"03\" for {name} at column 1: only {n}, {w} and {h} take a format"
    );
    assert!(Template::parse("{n:020}").is_ok());
}

#[test]
fn product_title_and_sku_name_a_products_pictures() {
    let mut v = vars("https://cdn.example.com/p/IMG_0042.jpg");
    v.ext = Some("jpg");
    v.title = Some("Oak desk | Holz shop");
    // Without a product read, the page title stands in; the SKU is empty.
    assert_eq!(
        render("{product_title}-{sku}{n}.{ext}", &v),
        "Oak desk | Holz shop-1.jpg"
    );
    v.product_title = Some("Oak desk 120/80");
    v.sku = Some("OD-120");
    assert_eq!(
        render("{sku}/{product_title}-{n:02}.{ext}", &v),
        "OD-120/Oak desk 120_80-01.jpg",
        "a value never adds a folder level"
    );
    assert!(Template::parse("{product_title}")
        .unwrap()
        .uses(Var::ProductTitle));
}
