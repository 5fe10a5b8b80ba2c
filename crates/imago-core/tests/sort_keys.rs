//! Sorting: each key, both directions, unknown values last, stability, key names.

use imago_core::sort::{natural_cmp, sort_images, SortKey};
use imago_core::{Image, Measured, SourceKind};
use std::cmp::Ordering;

struct Item {
    image: Image,
    m: Measured,
}

fn item(
    url: &str,
    order: u32,
    hint: (Option<u32>, Option<u32>),
    m: (Option<u32>, Option<u32>, Option<u64>),
) -> Item {
    Item {
        image: Image {
            url: url.to_string(),
            source: SourceKind::Img,
            sources: vec![SourceKind::Img],
            alt: None,
            alternates: vec![],
            width: hint.0,
            height: hint.1,
            order,
        },
        m: Measured {
            width: m.0,
            height: m.1,
            format: None,
            bytes: m.2,
        },
    }
}

fn sorted(items: &mut [Item], key: SortKey, desc: bool) -> Vec<String> {
    sort_images(items, key, desc, |i| (&i.image, &i.m));
    items.iter().map(|i| i.image.url.clone()).collect()
}

#[test]
fn page_order_both_ways() {
    let mut items = vec![
        item("c", 3, (None, None), (None, None, None)),
        item("a", 1, (None, None), (None, None, None)),
        item("b", 2, (None, None), (None, None, None)),
    ];
    assert_eq!(sorted(&mut items, SortKey::Page, false), ["a", "b", "c"]);
    assert_eq!(sorted(&mut items, SortKey::Page, true), ["c", "b", "a"]);
}

#[test]
fn unknown_width_sorts_last_in_both_directions() {
    let mut items = vec![
        item("unknown", 0, (None, None), (None, None, None)),
        item("w500", 1, (None, None), (Some(500), None, None)),
        item("w100", 2, (None, None), (Some(100), None, None)),
        item("w300", 3, (None, None), (Some(300), None, None)),
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Width, false),
        ["w100", "w300", "w500", "unknown"]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Width, true),
        ["w500", "w300", "w100", "unknown"]
    );
}

#[test]
fn measured_size_wins_over_declared_hint_which_fills_gaps() {
    let mut items = vec![
        // Declared 2000 wide but measured 50: the measurement counts.
        item(
            "small-measured",
            0,
            (Some(2000), Some(10)),
            (Some(50), Some(10), None),
        ),
        // Never probed: the page's width attribute counts.
        item("hint-800", 1, (Some(800), Some(600)), (None, None, None)),
        item(
            "measured-400",
            2,
            (None, None),
            (Some(400), Some(1000), None),
        ),
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Width, true),
        ["hint-800", "measured-400", "small-measured"]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Height, true),
        ["measured-400", "hint-800", "small-measured"]
    );
}

#[test]
fn area_needs_both_sides() {
    let mut items = vec![
        item("100x100", 0, (None, None), (Some(100), Some(100), None)), // 10000
        item("only-width", 1, (None, None), (Some(5000), None, None)),
        item("50x300", 2, (None, None), (Some(50), Some(300), None)), // 15000
        item("hint-10x10", 3, (Some(10), Some(10)), (None, None, None)), // 100
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Area, true),
        ["50x300", "100x100", "hint-10x10", "only-width"]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Area, false),
        ["hint-10x10", "100x100", "50x300", "only-width"]
    );
}

#[test]
fn area_of_huge_images_does_not_overflow() {
    let mut items = vec![
        item(
            "max",
            0,
            (None, None),
            (Some(u32::MAX), Some(u32::MAX), None),
        ),
        item("big", 1, (None, None), (Some(u32::MAX), Some(2), None)),
    ];
    assert_eq!(sorted(&mut items, SortKey::Area, true), ["max", "big"]);
}

#[test]
fn bytes_come_only_from_a_probe() {
    let mut items = vec![
        item(
            "hinted-but-unprobed",
            0,
            (Some(9000), Some(9000)),
            (None, None, None),
        ),
        item("2k", 1, (None, None), (None, None, Some(2048))),
        item("1m", 2, (None, None), (None, None, Some(1 << 20))),
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Bytes, true),
        ["1m", "2k", "hinted-but-unprobed"]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Bytes, false),
        ["2k", "1m", "hinted-but-unprobed"]
    );
}

#[test]
fn url_sort_is_natural() {
    let mut items = vec![
        item(
            "https://x.org/img10.jpg",
            0,
            (None, None),
            (None, None, None),
        ),
        item(
            "https://x.org/img2.jpg",
            1,
            (None, None),
            (None, None, None),
        ),
        item(
            "https://x.org/img1.jpg",
            2,
            (None, None),
            (None, None, None),
        ),
        item("https://a.org/z.jpg", 3, (None, None), (None, None, None)),
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Url, false),
        [
            "https://a.org/z.jpg",
            "https://x.org/img1.jpg",
            "https://x.org/img2.jpg",
            "https://x.org/img10.jpg"
        ]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Url, true)[0],
        "https://x.org/img10.jpg"
    );
}

#[test]
fn equal_keys_keep_page_order_in_both_directions() {
    let mut items = vec![
        item("first", 0, (None, None), (Some(100), None, None)),
        item("big", 1, (None, None), (Some(900), None, None)),
        item("second", 2, (None, None), (Some(100), None, None)),
        item("u1", 3, (None, None), (None, None, None)),
        item("third", 4, (None, None), (Some(100), None, None)),
        item("u2", 5, (None, None), (None, None, None)),
    ];
    assert_eq!(
        sorted(&mut items, SortKey::Width, true),
        ["big", "first", "second", "third", "u1", "u2"]
    );
    assert_eq!(
        sorted(&mut items, SortKey::Width, false),
        ["first", "second", "third", "big", "u1", "u2"]
    );
}

#[test]
fn natural_compare_details() {
    assert_eq!(natural_cmp("a2", "a10"), Ordering::Less);
    assert_eq!(natural_cmp("a10", "a10"), Ordering::Equal);
    assert_eq!(natural_cmp("a7", "a007"), Ordering::Less);
    assert_eq!(natural_cmp("a", "a1"), Ordering::Less);
    assert_eq!(natural_cmp("b", "a9"), Ordering::Greater);
    // Numbers longer than any integer type still compare by value.
    assert_eq!(
        natural_cmp(
            "x123456789012345678901234567890",
            "x99999999999999999999999999999"
        ),
        Ordering::Greater
    );
    assert_eq!(natural_cmp("é1", "é2"), Ordering::Less);
}

#[test]
fn key_names_parse_and_print() {
    for key in SortKey::ALL {
        assert_eq!(SortKey::parse(&key.to_string()), Some(key));
    }
    assert_eq!(SortKey::parse("AREA"), Some(SortKey::Area));
    assert_eq!(SortKey::parse(" url "), Some(SortKey::Url));
    assert_eq!(SortKey::parse("size"), Some(SortKey::Bytes));
    assert_eq!(SortKey::parse("colour"), None);
    assert_eq!(SortKey::parse(""), None);
    assert_eq!(SortKey::Page.to_string(), "page");
    assert!(SortKey::Area.needs_measure());
    assert!(!SortKey::Url.needs_measure());
}
