//! Reading aspect ratios from the command line, and their error messages (sizes:
//! `units.rs`).

use imago_core::filter::{parse_aspect, FilterError};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn aspect_forms() {
    assert!(close(parse_aspect("16:9").unwrap(), 16.0 / 9.0));
    assert!(close(parse_aspect("16/9").unwrap(), 16.0 / 9.0));
    assert!(close(parse_aspect("4x3").unwrap(), 4.0 / 3.0));
    assert!(close(parse_aspect(" 4 X 3 ").unwrap(), 4.0 / 3.0));
    assert!(close(parse_aspect("1.5").unwrap(), 1.5));
    assert!(close(parse_aspect("2").unwrap(), 2.0));
    assert!(close(parse_aspect("Square").unwrap(), 1.0));
    assert!(close(parse_aspect("2.35:1").unwrap(), 2.35));
}

#[test]
fn aspect_errors_say_what_is_wrong() {
    assert_eq!(
        parse_aspect("landscape").unwrap_err().to_string(),
        "bad aspect ratio \"landscape\": \"landscape\" is a range, not a ratio: use --min-aspect 1 (examples: 16:9, 1.5, square)"
    );
    assert!(parse_aspect("portrait")
        .unwrap_err()
        .to_string()
        .contains("use --max-aspect 1"));
    assert!(parse_aspect("16:0")
        .unwrap_err()
        .to_string()
        .contains("both sides must be above zero"));
    assert!(parse_aspect("0").is_err());
    assert_eq!(
        parse_aspect("wide").unwrap_err().to_string(),
        "bad aspect ratio \"wide\": \"wide\" is not a number (examples: 16:9, 1.5, square)"
    );
    for bad in [
        "", "inf", "NaN", "-1.5", "1e3", "1:2:3", "16:", ":9", "1..5",
    ] {
        assert!(
            matches!(parse_aspect(bad), Err(FilterError::BadAspect { .. })),
            "{bad:?} should be rejected"
        );
    }
}
