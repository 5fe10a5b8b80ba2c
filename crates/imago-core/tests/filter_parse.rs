//! Reading sizes and aspect ratios from the command line, and their error messages.

use imago_core::filter::{format_size, parse_aspect, parse_size, FilterError};

#[test]
fn plain_bytes() {
    assert_eq!(parse_size("512"), Ok(512));
    assert_eq!(parse_size("512b"), Ok(512));
    assert_eq!(parse_size(" 7 "), Ok(7));
    assert_eq!(parse_size("+8"), Ok(8));
    assert_eq!(parse_size("0"), Ok(0));
}

#[test]
fn single_letters_and_iec_units_are_binary() {
    assert_eq!(parse_size("20k"), Ok(20 * 1024));
    assert_eq!(parse_size("20K"), Ok(20 * 1024));
    assert_eq!(parse_size("300KiB"), Ok(300 * 1024));
    assert_eq!(parse_size("300kib"), Ok(300 * 1024));
    assert_eq!(parse_size("1.5M"), Ok(1_572_864));
    assert_eq!(parse_size("2 GiB"), Ok(2 * 1024 * 1024 * 1024));
    assert_eq!(parse_size("1t"), Ok(1 << 40));
    assert_eq!(parse_size(".5k"), Ok(512));
}

#[test]
fn si_units_are_decimal() {
    assert_eq!(parse_size("20kB"), Ok(20_000));
    assert_eq!(parse_size("1.5MB"), Ok(1_500_000));
    assert_eq!(parse_size("1.5mb"), Ok(1_500_000));
    assert_eq!(parse_size("3GB"), Ok(3_000_000_000));
    assert_eq!(parse_size("0.001kb"), Ok(1));
}

#[test]
fn fractions_round_to_the_nearest_byte() {
    assert_eq!(parse_size("0.5"), Ok(1));
    assert_eq!(parse_size("0.4"), Ok(0));
    // 1.0001 KiB is 1024.1 bytes.
    assert_eq!(parse_size("1.0001k"), Ok(1024));
    assert_eq!(parse_size("1."), Ok(1));
}

#[test]
fn largest_and_too_large() {
    assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
    let err = parse_size("18446744073709551616").unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    assert!(parse_size("20000000TB").is_err());
    assert!(parse_size("99999999999999999999999999999999999999999999").is_err());
}

#[test]
fn size_errors_say_what_is_wrong() {
    assert_eq!(
        parse_size("20q").unwrap_err().to_string(),
        "bad size \"20q\": unknown unit \"q\" (examples: 512, 20k, 300KiB, 1.5MB)"
    );
    assert_eq!(
        parse_size("-5k").unwrap_err().to_string(),
        "bad size \"-5k\": a size cannot be negative (examples: 512, 20k, 300KiB, 1.5MB)"
    );
    assert!(parse_size("").unwrap_err().to_string().contains(": empty"));
    assert!(parse_size("k")
        .unwrap_err()
        .to_string()
        .contains("no number"));
    assert!(parse_size(".")
        .unwrap_err()
        .to_string()
        .contains("no number"));
    assert!(parse_size("1.2.3")
        .unwrap_err()
        .to_string()
        .contains("decimal point"));
    assert!(parse_size("1e3")
        .unwrap_err()
        .to_string()
        .contains("unknown unit \"e3\""));
    assert!(matches!(
        parse_size("abc"),
        Err(FilterError::BadSize { .. })
    ));
}

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

#[test]
fn sizes_print_for_people() {
    assert_eq!(format_size(0), "0 B");
    assert_eq!(format_size(1023), "1023 B");
    assert_eq!(format_size(1024), "1 KiB");
    assert_eq!(format_size(1536), "1.5 KiB");
    assert_eq!(format_size(1024 * 1024), "1 MiB");
    assert_eq!(format_size(5 * 1024 * 1024 * 1024), "5 GiB");
}
