//! The user's own rule file: tried before the built-in rules, and every mistake in it
//! reported with the line to fix.

use imago_core::hdrules::{HdRuleError, HdRules};

const USER: &str = r#"
# My shop's CDN serves /thumbs/NAME.jpg and keeps the original under /full/.
[[rule]]
name = "my-shop"
hosts = ["*.myshop.example"]
pattern = '/thumbs/([^/?#]+)$'
replace = ['/full/${1}', '/large/${1}']

# I prefer Pinterest's 1200x over originals (lighter, same look).
[[rule]]
name = "pinterest-1200"
hosts = ["i.pinimg.com"]
pattern = '/\d+x\d*/((?:[0-9a-f]{2}/){3}[0-9a-f]{32}\.jpg)'
replace = ['/1200x/${1}']
"#;

fn pack_with_user() -> HdRules {
    let mut pack = HdRules::builtin();
    let user = HdRules::from_toml(USER, "my-rules.toml").expect("the user file is valid");
    assert_eq!(user.len(), 2);
    pack.extend_front(user);
    pack
}

#[test]
fn user_rules_add_sites() {
    let pack = pack_with_user();
    let got = pack.candidates("https://cdn.myshop.example/thumbs/red-dress.jpg");
    let urls: Vec<&str> = got.iter().map(|r| r.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://cdn.myshop.example/full/red-dress.jpg",
            "https://cdn.myshop.example/large/red-dress.jpg"
        ]
    );
    assert!(got.iter().all(|r| r.rule == "my-shop"));
    // `*.myshop.example` covers the bare domain too.
    assert_eq!(
        pack.candidates("https://myshop.example/thumbs/a.jpg")[0].url,
        "https://myshop.example/full/a.jpg"
    );
    assert!(pack
        .candidates("https://myshop.example.net/thumbs/a.jpg")
        .is_empty());
}

#[test]
fn user_rules_are_tried_before_builtin_ones() {
    let pack = pack_with_user();
    let thumb = "https://i.pinimg.com/236x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg";
    let got = pack.candidates(thumb);
    assert_eq!(
        got[0].url,
        "https://i.pinimg.com/1200x/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg"
    );
    assert_eq!(got[0].rule, "pinterest-1200");
    // The built-in rule still follows, and the 1200x URL it also makes is not repeated.
    assert_eq!(
        got[1].url,
        "https://i.pinimg.com/originals/0f/3a/9c/0f3a9c1b2d4e5f6a7b8c9d0e1f2a3b4c.jpg"
    );
    assert_eq!(got[1].rule, "pinterest");
    assert_eq!(got.iter().filter(|r| r.url.contains("/1200x/")).count(), 1);
    assert_eq!(pack.len(), HdRules::builtin().len() + 2);
    assert_eq!(
        pack.names().take(2).collect::<Vec<_>>(),
        ["my-shop", "pinterest-1200"]
    );
}

#[test]
fn drop_query_and_decode_work_in_user_files() {
    let text = r#"
[[rule]]
name = "proxy"
hosts = ["img.proxy.example"]
pattern = '^https://img\.proxy\.example/\?src=([^&#]+).*$'
replace = ['${1}']
decode = true

[[rule]]
name = "sizes"
hosts = ["cdn.example"]
pattern = '[?&](?:w|h)='
drop_query = ["w", "h"]
"#;
    let pack = HdRules::from_toml(text, "u.toml").expect("valid");
    assert_eq!(
        pack.candidates(
            "https://img.proxy.example/?src=https%3A%2F%2Forigin.example%2Fa.png&w=100"
        )[0]
        .url,
        "https://origin.example/a.png"
    );
    assert_eq!(
        pack.candidates("https://cdn.example/a.png?v=3&w=100&h=50")[0].url,
        "https://cdn.example/a.png?v=3"
    );
    assert!(pack.candidates("https://cdn.example/a.png?v=3").is_empty());
}

fn error_of(text: &str) -> HdRuleError {
    match HdRules::from_toml(text, "my-rules.toml") {
        Ok(pack) => panic!("loaded {} rules from a broken file", pack.len()),
        Err(e) => e,
    }
}

/// A valid first rule (lines 1-5) so errors in the second are not on line 1 by luck.
const GOOD_FIRST: &str =
    "[[rule]]\nname = \"ok\"\nhosts = [\"*\"]\npattern = 'x'\nreplace = ['y']\n";

#[test]
fn bad_regex_reports_the_pattern_line() {
    let text = format!(
        "{GOOD_FIRST}\n[[rule]]\nname = \"broken\"\nhosts = [\"*\"]\npattern = '/thumb/(\\d+'\nreplace = ['$1']\n"
    );
    let e = error_of(&text);
    // Line 7 `[[rule]]`, 8 name, 9 hosts, 10 pattern.
    assert_eq!(e.line, 10, "{e}");
    assert_eq!(e.origin, "my-rules.toml");
    assert!(
        e.message.contains("broken") && e.message.contains("pattern"),
        "{e}"
    );
    assert!(e.message.contains("unclosed group"), "{e}");
    assert!(!e.message.contains('\n'), "one-line message: {e:?}");
    assert!(e.to_string().starts_with("my-rules.toml:10: "), "{e}");
}

#[test]
fn bad_toml_reports_its_line() {
    // Unterminated literal string on line 9.
    let text = format!("{GOOD_FIRST}\n[[rule]]\nname = \"x\"\npattern = '/a\nreplace = ['y']\n");
    let e = error_of(&text);
    assert_eq!(e.line, 9, "{e}");
    assert!(!e.message.contains('\n'), "{e:?}");
}

#[test]
fn missing_pattern_reports_the_rule_line() {
    let text = format!("{GOOD_FIRST}\n# no pattern here\n[[rule]]\nname = \"nopat\"\nhosts = [\"*\"]\nreplace = ['y']\n");
    let e = error_of(&text);
    assert_eq!(e.line, 8, "{e}");
    assert!(e.message.contains("missing field `pattern`"), "{e}");
}

#[test]
fn unknown_key_reports_its_line() {
    let text = format!(
        "{GOOD_FIRST}\n[[rule]]\nname = \"typo\"\nhosts = [\"*\"]\npattern = 'x'\nreplce = ['y']\n"
    );
    let e = error_of(&text);
    assert_eq!(e.line, 11, "{e}");
    assert!(e.message.contains("replce"), "{e}");
    // A misspelt table name is not silently an empty pack.
    let e = error_of("[[rules]]\nname = \"a\"\n");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("rules"), "{e}");
}

#[test]
fn template_naming_a_missing_group_is_an_error() {
    let text = format!("{GOOD_FIRST}\n[[rule]]\nname = \"flickr\"\nhosts = [\"*\"]\npattern = '(_)m(\\.jpg)'\nreplace = ['${{1}}b$2', '$1_b$2']\n");
    let e = error_of(&text);
    assert_eq!(e.line, 11, "{e}");
    assert!(e.message.contains("$1_b"), "{e}");
}

#[test]
fn other_mistakes_each_name_their_line() {
    let dup = format!(
        "{GOOD_FIRST}[[rule]]\nname = \"ok\"\nhosts = [\"*\"]\npattern = 'x'\nreplace = ['y']\n"
    );
    let e = error_of(&dup);
    assert_eq!(e.line, 7, "{e}");
    assert!(e.message.contains("already defined"), "{e}");

    let empty_hosts = "[[rule]]\nname = \"a\"\nhosts = []\npattern = 'x'\nreplace = ['y']\n";
    assert_eq!(error_of(empty_hosts).line, 3);

    let url_as_host = "[[rule]]\nname = \"a\"\nhosts = [\n  \"*.ok.example\",\n  \"https://bad.example/\",\n]\npattern = 'x'\nreplace = ['y']\n";
    let e = error_of(url_as_host);
    assert_eq!(e.line, 5, "{e}");
    assert!(e.message.contains("https://bad.example/"), "{e}");

    let does_nothing = "\n[[rule]]\nname = \"a\"\nhosts = [\"*\"]\npattern = 'x'\n";
    let e = error_of(does_nothing);
    assert_eq!(e.line, 2, "{e}");
    assert!(e.message.contains("neither"), "{e}");

    let wrong_type = "[[rule]]\nname = \"a\"\nhosts = \"*\"\npattern = 'x'\nreplace = ['y']\n";
    assert_eq!(error_of(wrong_type).line, 3);
}

#[test]
fn an_empty_user_file_changes_nothing() {
    let mut pack = HdRules::builtin();
    let before = pack.len();
    let user = HdRules::from_toml("# nothing yet\n", "empty.toml").expect("empty is valid");
    assert!(user.is_empty());
    pack.extend_front(user);
    assert_eq!(pack.len(), before);
}
