//! Dates and times in UTC, the one place for them: unix seconds now ([`unix_now`]), and
//! from unix seconds `{date}` in name templates (`YYYY-MM-DD`), Chevereto's `date_gmt`
//! (`YYYY-MM-DD HH:MM:SS`), RFC 3339, HTTP dates (`Last-Modified`, and
//! [`parse_http_date`] for `If-Modified-Since`), and the fields a zip entry's timestamp
//! needs. The pipeline never reads the clock: callers pass the time, and [`unix_now`] is
//! left out of the wasm build (the extension takes the time from JavaScript).
//!
//! ```
//! use imago_core::dates::DateTime;
//!
//! let t = DateTime::from_unix(1_401_910_353);
//! assert_eq!(t.date(), "2014-06-04");
//! assert_eq!(t.gmt(), "2014-06-04 19:32:33");
//! assert_eq!(t.rfc3339(), "2014-06-04T19:32:33Z");
//! assert_eq!(t.http_date(), "Wed, 04 Jun 2014 19:32:33 GMT");
//! assert_eq!(imago_core::dates::parse_http_date("Wed, 04 Jun 2014 19:32:33 GMT"), Some(1_401_910_353));
//! ```

use std::time::UNIX_EPOCH;

/// Seconds since the unix epoch, now (0 if the clock is set before 1970).
#[cfg(not(target_family = "wasm"))]
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, `IMF-fixdate`, or the two obsolete forms
/// RFC 9110 still asks a recipient to accept) as unix seconds; `None` for anything else.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(text).ok()?;
    i64::try_from(t.duration_since(UNIX_EPOCH).ok()?.as_secs()).ok()
}

/// One second of the proleptic Gregorian calendar, in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl DateTime {
    /// The UTC date and time `unix` seconds after 1970-01-01 00:00:00 (negative: before).
    pub fn from_unix(unix: i64) -> DateTime {
        let days = unix.div_euclid(86_400);
        let secs = unix.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        // secs < 86_400, so each part fits a u8.
        DateTime {
            year,
            month,
            day,
            hour: (secs / 3600) as u8,
            minute: ((secs / 60) % 60) as u8,
            second: (secs % 60) as u8,
        }
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// `YYYY-MM-DD HH:MM:SS`, the way Chevereto writes `date_gmt`.
    pub fn gmt(&self) -> String {
        format!("{} {}", self.date(), self.time())
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn rfc3339(&self) -> String {
        format!("{}T{}Z", self.date(), self.time())
    }

    /// `Wed, 04 Jun 2014 19:32:33 GMT`: an HTTP date (`IMF-fixdate`), as in
    /// `Last-Modified`.
    pub fn http_date(&self) -> String {
        const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let month = usize::from(self.month.clamp(1, 12)) - 1;
        format!(
            "{}, {:02} {} {:04} {} GMT",
            DAYS[self.weekday()],
            self.day,
            MONTHS[month],
            self.year,
            self.time()
        )
    }

    /// 0 for Sunday to 6 for Saturday (Sakamoto's method, proleptic Gregorian).
    fn weekday(&self) -> usize {
        const OFFSETS: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
        let y = if self.month < 3 {
            self.year - 1
        } else {
            self.year
        };
        let m = usize::from(self.month.clamp(1, 12)) - 1;
        let w = y + y.div_euclid(4) - y.div_euclid(100)
            + y.div_euclid(400)
            + OFFSETS[m]
            + i64::from(self.day);
        // rem_euclid(7) is 0..=6.
        w.rem_euclid(7) as usize
    }

    fn time(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// Days since 1970-01-01 to (year, month, day): Howard Hinnant's `civil_from_days`,
/// exact for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both fit a u8: the day is 1..=31, the month 1..=12.
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era.saturating_mul(400) + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        // 2000-03-01 is day 11_017 (30 years incl. 7 leap days, plus Jan+Feb of a leap year).
        assert_eq!(civil_from_days(11_017), (2000, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn the_three_forms() {
        assert_eq!(DateTime::from_unix(0).gmt(), "1970-01-01 00:00:00");
        // 2014-06-04 19:32:33 UTC, the date in Chevereto's documented example answer.
        assert_eq!(
            DateTime::from_unix(1_401_910_353).gmt(),
            "2014-06-04 19:32:33"
        );
        assert_eq!(DateTime::from_unix(951_782_400).date(), "2000-02-29");
        assert_eq!(
            DateTime::from_unix(1_795_826_592).rfc3339(),
            "2026-11-28T00:43:12Z"
        );
        assert_eq!(DateTime::from_unix(-1).gmt(), "1969-12-31 23:59:59");
    }

    #[test]
    fn http_dates_match_the_httpdate_crate_and_read_back() {
        assert_eq!(
            DateTime::from_unix(0).http_date(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            DateTime::from_unix(-1).http_date(),
            "Wed, 31 Dec 1969 23:59:59 GMT"
        );
        // Every weekday, month and leap day across 1970-2100, one step of 3 days and
        // 7,001 seconds at a time, against the httpdate crate's formatter.
        let mut t: i64 = 0;
        while t < 4_102_444_800 {
            let ours = DateTime::from_unix(t).http_date();
            let theirs =
                httpdate::fmt_http_date(UNIX_EPOCH + std::time::Duration::from_secs(t as u64));
            assert_eq!(ours, theirs, "{t}");
            assert_eq!(parse_http_date(&ours), Some(t), "{ours}");
            t += 3 * 86_400 + 7_001;
        }
        // The obsolete forms are read too; anything else is not a date.
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994"),
            Some(784_111_777)
        );
        for bad in ["", "yesterday", "Sun, 06 Nov 1994 08:49:37", "1994-11-06"] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }
}
