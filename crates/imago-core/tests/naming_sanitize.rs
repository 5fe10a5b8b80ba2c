//! Hostile names: traversal, absolute paths, reserved device names, forbidden and control
//! characters, trailing dots, and long names cut on a character boundary.

use imago_core::naming::{
    is_reserved, safe_relative_path, sanitize_file_name, sanitize_folder, RelPath,
};

fn parts(p: &RelPath) -> Vec<&str> {
    p.components.iter().map(String::as_str).collect()
}

/// What every path must satisfy, whatever went in.
fn assert_safe(p: &RelPath) {
    assert!(!p.components.is_empty());
    for c in &p.components {
        assert!(!c.is_empty(), "{p}");
        assert!(c != "." && c != "..", "{p}");
        assert!(
            !c.contains(['/', '\\', ':', '<', '>', '"', '|', '?', '*']),
            "{p}"
        );
        assert!(
            !c.chars().any(|ch| (ch as u32) < 32 || ch == '\u{7f}'),
            "{p}"
        );
        assert!(c.len() <= 255, "{} bytes: {p}", c.len());
        assert!(
            !c.ends_with('.') && !c.ends_with(' ') && !c.starts_with(' '),
            "{p:?}"
        );
        assert!(!is_reserved(c), "{p}");
    }
}

#[test]
fn traversal_stays_inside() {
    let p = safe_relative_path("../../etc", "passwd");
    assert_eq!(parts(&p), ["etc", "passwd"]);
    let p = safe_relative_path("a/../../b/./c", "..");
    assert_eq!(parts(&p), ["a", "b", "c", "_"]);
    let p = safe_relative_path("..\\..\\Windows", "x.jpg");
    assert_eq!(parts(&p), ["Windows", "x.jpg"]);
    let p = safe_relative_path("...", "...");
    assert_eq!(parts(&p), ["_"]);
    // In a file name a slash is a character, not a separator.
    // Slashes become "_", then the leading ".." becomes "_." so nothing is hidden.
    let p = safe_relative_path("", "../../etc/passwd");
    assert_eq!(parts(&p), ["_._.._etc_passwd"]);
    assert_safe(&p);
}

#[test]
fn absolute_paths_become_relative() {
    assert_eq!(
        parts(&safe_relative_path("/etc", "passwd")),
        ["etc", "passwd"]
    );
    assert_eq!(
        parts(&safe_relative_path("C:\\Windows\\System32", "a.dll")),
        ["C_", "Windows", "System32", "a.dll"]
    );
    assert_eq!(
        parts(&safe_relative_path("\\\\server\\share", "a.jpg")),
        ["server", "share", "a.jpg"]
    );
    assert_eq!(
        parts(&safe_relative_path("//", "/etc/passwd")),
        ["_etc_passwd"]
    );
    assert_eq!(parts(&safe_relative_path("", "C:\\x.jpg")), ["C__x.jpg"]);
}

#[test]
fn reserved_device_names_get_a_prefix() {
    assert_eq!(sanitize_file_name("con.txt"), "_con.txt");
    assert_eq!(sanitize_file_name("Com1.jpg"), "_Com1.jpg");
    assert_eq!(sanitize_file_name("NUL"), "_NUL");
    assert_eq!(sanitize_file_name("lpt9.tar.gz"), "_lpt9.tar.gz");
    assert_eq!(sanitize_file_name("aux"), "_aux");
    assert_eq!(sanitize_file_name("com0.png"), "_com0.png");
    assert_eq!(sanitize_file_name("COM¹.png"), "_COM¹.png");
    assert_eq!(sanitize_file_name("conin$.log"), "_conin$.log");
    // Windows ignores spaces before the dot: "con .jpg" is the device too.
    assert_eq!(sanitize_file_name("con .jpg"), "_con .jpg");
    // Trailing dots go first, then "nul" is seen.
    assert_eq!(sanitize_file_name("nul..."), "_nul");
    // Names that only start like a device are fine.
    assert_eq!(sanitize_file_name("console.jpg"), "console.jpg");
    assert_eq!(sanitize_file_name("com10.jpg"), "com10.jpg");
    assert_eq!(sanitize_file_name("lpt.jpg"), "lpt.jpg");
    assert_eq!(sanitize_folder("PRN"), Some("_PRN".to_string()));
    assert_eq!(
        parts(&safe_relative_path("aux/Con", "prn.png")),
        ["_aux", "_Con", "_prn.png"]
    );
}

#[test]
fn forbidden_and_control_characters_become_underscores() {
    assert_eq!(
        sanitize_file_name("a<b>c:d\"e|f?g*h.jpg"),
        "a_b_c_d_e_f_g_h.jpg"
    );
    assert_eq!(sanitize_file_name("a\tb\nc\u{7f}d\0.png"), "a_b_c_d_.png");
    assert_eq!(sanitize_file_name("x\u{1b}[31m.gif"), "x_[31m.gif");
    // A right-to-left override would show "photo\u{202e}gpj.exe" as "photoexe.jpg".
    assert_eq!(sanitize_file_name("photo\u{202e}gpj.exe"), "photo_gpj.exe");
    assert_eq!(
        sanitize_folder("what? why: because*"),
        Some("what_ why_ because_".to_string())
    );
}

#[test]
fn trailing_dots_and_spaces_are_trimmed() {
    assert_eq!(sanitize_file_name("name. . ."), "name");
    assert_eq!(sanitize_file_name("  spaced  .jpg  "), "spaced  .jpg");
    assert_eq!(sanitize_file_name("photo.jpg."), "photo.jpg");
    assert_eq!(sanitize_folder("The End..."), Some("The End".to_string()));
    assert_eq!(sanitize_folder(" \t "), Some("_".to_string()));
    assert_eq!(sanitize_folder("   "), None);
}

#[test]
fn leading_dots_never_hide_a_file() {
    assert_eq!(sanitize_file_name(".jpg"), "_.jpg");
    assert_eq!(sanitize_file_name(".htaccess"), "_.htaccess");
    assert_eq!(sanitize_file_name("..jpg"), "_.jpg");
    assert_eq!(sanitize_folder(".git"), Some("git".to_string()));
    assert_eq!(sanitize_folder(".."), None);
    assert_eq!(sanitize_folder("."), None);
}

#[test]
fn empty_results() {
    assert_eq!(parts(&safe_relative_path("", "")), ["_"]);
    assert_eq!(parts(&safe_relative_path("/./", "   ")), ["_"]);
    assert_eq!(parts(&safe_relative_path("a//b", "x")), ["a", "b", "x"]);
    assert_eq!(sanitize_folder(""), None);
}

#[test]
fn long_cjk_title_is_cut_on_a_char_boundary_keeping_the_extension() {
    // 100 x 3 bytes = 300 bytes of stem; 255 - 4 (".jpg") = 251 leaves 83 whole chars.
    let name = format!("{}.jpg", "漢".repeat(100));
    let cut = sanitize_file_name(&name);
    assert_eq!(cut, format!("{}.jpg", "漢".repeat(83)));
    assert_eq!(cut.len(), 253);
}

#[test]
fn long_emoji_name_is_cut_on_a_char_boundary_keeping_the_extension() {
    // 80 x 4 bytes; 251 bytes of budget hold 62 emoji (248 bytes).
    let name = format!("{}.png", "😀".repeat(80));
    assert_eq!(
        sanitize_file_name(&name),
        format!("{}.png", "😀".repeat(62))
    );
}

#[test]
fn long_folder_is_cut_on_a_char_boundary() {
    // 150 x 2 bytes; 255 bytes hold 127 whole chars.
    let folder = "é".repeat(150);
    let p = safe_relative_path(&format!("site/{folder}"), "a.jpg");
    assert_eq!(p.components[1], "é".repeat(127));
    assert_safe(&p);
}

#[test]
fn a_cut_that_ends_in_spaces_is_trimmed() {
    let name = format!("{}{}.jpg", "a".repeat(250), " ".repeat(10));
    assert_eq!(
        sanitize_file_name(&name),
        format!("{}.jpg", "a".repeat(250))
    );
}

#[test]
fn an_overlong_extension_is_not_kept_whole() {
    let name = format!("{}.{}", "a".repeat(300), "x".repeat(40));
    let cut = sanitize_file_name(&name);
    assert_eq!(cut, "a".repeat(255));
}

#[test]
fn text_that_is_not_an_extension_is_cut_like_a_stem() {
    // "Mr. Smith ..." has a dot but what follows holds spaces: not an extension.
    let name = format!("Mr. Smith {}", "b".repeat(300));
    let cut = sanitize_file_name(&name);
    assert_eq!(cut.len(), 255);
    assert!(cut.starts_with("Mr. Smith bbb"));
}

#[test]
fn every_hostile_input_gives_a_safe_path() {
    let hostile = [
        "../../../../etc/passwd",
        "/",
        "\\",
        "C:",
        "C:\\",
        "\\\\?\\C:\\Windows",
        "..\\..",
        "con",
        "CON.",
        "  ..  ",
        "\u{0}\u{1}\u{1f}",
        "a\u{202e}b",
        "....////....",
        "ｆｕｌｌ／ｗｉｄｔｈ",
        "\u{feff}bom",
    ];
    for folder in hostile {
        for file in hostile {
            assert_safe(&safe_relative_path(folder, file));
        }
    }
    let long = format!("{}.{}", "🧑‍🤝‍🧑".repeat(40), "jpeg");
    assert_safe(&safe_relative_path(&long, &long));
}

#[test]
fn folder_depth_is_bounded() {
    let deep = "a/".repeat(100);
    let p = safe_relative_path(&deep, "x.jpg");
    assert_eq!(p.components.len(), 33);
    assert_eq!(p.file_name(), "x.jpg");
}

#[test]
fn rel_path_accessors() {
    let p = safe_relative_path("site/page", "a.jpg");
    assert_eq!(p.to_string(), "site/page/a.jpg");
    assert_eq!(p.file_name(), "a.jpg");
    assert_eq!(p.parent(), ["site".to_string(), "page".to_string()]);
    let expected: std::path::PathBuf = ["site", "page", "a.jpg"].iter().collect();
    assert_eq!(p.to_path_buf(), expected);
    let empty = RelPath { components: vec![] };
    assert_eq!(empty.file_name(), "");
    assert!(empty.parent().is_empty());
}

#[test]
fn names_are_put_in_nfc() {
    // "e" + U+0301 COMBINING ACUTE ACCENT is "é" (U+00E9) in NFC.
    assert_eq!(
        sanitize_file_name("e\u{301}te\u{301}.jpg"),
        "\u{e9}t\u{e9}.jpg"
    );
    assert_eq!(
        sanitize_folder("Cafe\u{301}"),
        Some("Caf\u{e9}".to_string())
    );
}
