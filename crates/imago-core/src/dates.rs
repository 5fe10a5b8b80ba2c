//! Calendar dates and times of day from unix seconds, in UTC: `{date}` in name templates
//! (`YYYY-MM-DD`), Chevereto's `date_gmt` (`YYYY-MM-DD HH:MM:SS`), RFC 3339, and the
//! fields a zip entry's timestamp needs. The core has no clock: callers pass the time.
//!
//! ```
//! use imago_core::dates::DateTime;
//!
//! let t = DateTime::from_unix(1_401_910_353);
//! assert_eq!(t.date(), "2014-06-04");
//! assert_eq!(t.gmt(), "2014-06-04 19:32:33");
//! assert_eq!(t.rfc3339(), "2014-06-04T19:32:33Z");
//! ```

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
}
