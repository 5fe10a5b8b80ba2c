//! The server's clock and its two date forms on the wire: unix seconds now, HTTP dates
//! (`Last-Modified`), and upload expiries read as durations. Calendar dates are
//! [`imago_core::dates`]'s, durations [`imago_core::units`]'.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the unix epoch, now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, the way Chevereto writes `date_gmt`.
pub fn gmt_string(unix: i64) -> String {
    imago_core::dates::DateTime::from_unix(unix).gmt()
}

/// An HTTP date (`Last-Modified`).
pub fn http_date(unix: i64) -> String {
    let t = UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    httpdate::fmt_http_date(t)
}

/// Parses an HTTP date into unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(s).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

/// An upload's expiry in whole seconds: a duration as [`imago_core::units::parse_duration`]
/// reads it, so Chevereto's ISO 8601 (`PT5M`, `P3D`) and the short forms (`5m`, `3d`)
/// both work. `None` for anything else, zero included.
pub fn expiry_secs(text: &str) -> Option<i64> {
    let d = imago_core::units::parse_duration(text).ok()?;
    i64::try_from(d.as_secs()).ok().filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_from_chevereto_docs_and_short_forms() {
        assert_eq!(expiry_secs("PT5M"), Some(300));
        assert_eq!(expiry_secs("P3D"), Some(3 * 86_400));
        assert_eq!(expiry_secs("3d"), Some(3 * 86_400));
        for bad in ["", "P", "PT0S", "0", "soon", "P99999999999999999999D"] {
            assert_eq!(expiry_secs(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_dates_read_back() {
        let t = 1_401_910_353;
        assert_eq!(http_date(t), "Wed, 04 Jun 2014 19:32:33 GMT");
        assert_eq!(parse_http_date(&http_date(t)), Some(t));
    }
}
