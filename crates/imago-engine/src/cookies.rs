//! Cookies from a Netscape `cookies.txt` (what browser extensions, curl, wget and
//! yt-dlp export), sent only to the hosts and paths they belong to.
//!
//! Each line holds seven tab-separated fields: domain, include-subdomains flag, path,
//! secure flag, expiry (Unix seconds, 0 for a session cookie), name, value. Lines
//! starting with `#` are comments, except the `#HttpOnly_` prefix curl puts before the
//! domain of an HttpOnly cookie.

use std::path::Path;

use url::Url;

use crate::error::EngineError;

/// One cookie of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    /// Lowercase, without a leading dot.
    pub domain: String,
    /// Also sent to subdomains of `domain`.
    pub include_subdomains: bool,
    pub path: String,
    /// Only over https.
    pub secure: bool,
    /// Unix seconds; 0 for a session cookie (never expires here).
    pub expires: u64,
    pub name: String,
    pub value: String,
    /// Marked `#HttpOnly_` in the file (no effect on what is sent).
    pub http_only: bool,
}

/// A line of a cookies file that is not in the format, with its 1-based number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieLineError {
    pub line: usize,
    pub message: String,
}

/// The cookies of one file.
#[derive(Clone, Debug, Default)]
pub struct CookieJar {
    cookies: Vec<Cookie>,
}

impl CookieJar {
    /// Reads and parses a cookies file; errors name the file and the line.
    pub fn load(path: &Path) -> Result<CookieJar, EngineError> {
        let bytes = std::fs::read(path).map_err(|source| EngineError::CookiesRead {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        CookieJar::parse(&text).map_err(|e| EngineError::CookiesParse {
            path: path.to_path_buf(),
            line: e.line,
            message: e.message,
        })
    }

    /// Parses the text of a cookies file.
    pub fn parse(text: &str) -> Result<CookieJar, CookieLineError> {
        let mut cookies = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim_end_matches(['\r', '\n']);
            let (line, http_only) = match line.strip_prefix("#HttpOnly_") {
                Some(rest) => (rest, true),
                None => (line, false),
            };
            if line.trim().is_empty() || (!http_only && line.trim_start().starts_with('#')) {
                continue;
            }
            let cookie = parse_line(line, http_only).map_err(|message| CookieLineError {
                line: line_no,
                message,
            })?;
            cookies.push(cookie);
        }
        Ok(CookieJar { cookies })
    }

    /// How many cookies the file held.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// The file held no cookie.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// The `Cookie` header for a request to `url` at `now` (Unix seconds): the cookies
    /// whose domain, path and secure flag match and that have not expired, longest path
    /// first (as browsers order them). `None` when no cookie applies.
    pub fn header_for(&self, url: &Url, now: u64) -> Option<String> {
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        let path = if url.path().is_empty() {
            "/"
        } else {
            url.path()
        };
        let https = url.scheme() == "https";
        let mut matching: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|c| {
                (!c.secure || https)
                    && (c.expires == 0 || c.expires > now)
                    && domain_matches(&host, &c.domain, c.include_subdomains)
                    && path_matches(path, &c.path)
            })
            .collect();
        if matching.is_empty() {
            return None;
        }
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let parts: Vec<String> = matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value))
            .collect();
        Some(parts.join("; "))
    }
}

fn parse_line(line: &str, http_only: bool) -> Result<Cookie, String> {
    // Some hand-made files use spaces; a tab-less line is split on whitespace instead.
    let fields: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else {
        line.split_whitespace().collect()
    };
    // curl drops the trailing tab of an empty value: six fields mean an empty value.
    let (domain, flag, path, secure, expires, name, value) = match fields.as_slice() {
        [d, f, p, s, e, n, v] => (*d, *f, *p, *s, *e, *n, *v),
        [d, f, p, s, e, n] => (*d, *f, *p, *s, *e, *n, ""),
        _ => {
            return Err(format!(
                "expected 7 tab-separated fields (domain, subdomains flag, path, secure, expiry, name, value), found {}",
                fields.len()
            ))
        }
    };
    let domain = domain.trim();
    if domain.is_empty() {
        return Err("empty domain".to_string());
    }
    let include_subdomains = parse_flag(flag, "include-subdomains flag")?;
    let secure = parse_flag(secure, "secure flag")?;
    let expires_text = expires.trim();
    let expires: u64 = if expires_text.starts_with('-') {
        // A negative expiry is what some exporters write for session cookies.
        0
    } else {
        // Some exporters write fractional seconds.
        let whole = expires_text.split('.').next().unwrap_or("");
        whole
            .parse()
            .map_err(|_| format!("expiry {expires_text:?} is not a number of seconds"))?
    };
    let name = name.trim();
    if name.is_empty() {
        return Err("empty cookie name".to_string());
    }
    if let Some(bad) = name
        .chars()
        .chain(value.chars())
        .find(|c| c.is_control() || *c == ';')
    {
        return Err(format!(
            "cookie {name:?} holds a forbidden character {bad:?}"
        ));
    }
    let path = path.trim();
    let path = if path.starts_with('/') { path } else { "/" };
    Ok(Cookie {
        include_subdomains: include_subdomains || domain.starts_with('.'),
        domain: domain.trim_start_matches('.').to_ascii_lowercase(),
        path: path.to_string(),
        secure,
        expires,
        name: name.to_string(),
        value: value.to_string(),
        http_only,
    })
}

fn parse_flag(text: &str, what: &str) -> Result<bool, String> {
    match text.trim().to_ascii_uppercase().as_str() {
        "TRUE" => Ok(true),
        "FALSE" => Ok(false),
        other => Err(format!("{what} must be TRUE or FALSE, found {other:?}")),
    }
}

fn domain_matches(host: &str, domain: &str, include_subdomains: bool) -> bool {
    if host == domain {
        return true;
    }
    include_subdomains
        && host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// RFC 6265 path-match: `/shop` matches `/shop`, `/shop/x`, not `/shopping`.
fn path_matches(request: &str, cookie: &str) -> bool {
    if request == cookie {
        return true;
    }
    request.starts_with(cookie)
        && (cookie.ends_with('/') || request.as_bytes().get(cookie.len()) == Some(&b'/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# Netscape HTTP Cookie File\n\
        # a comment\n\
        \n\
        .example.com\tTRUE\t/\tFALSE\t0\tsid\tabc\n\
        shop.test\tFALSE\t/cart\tTRUE\t0\tcart\t42\n\
        #HttpOnly_img.test\tFALSE\t/\tFALSE\t4102444800\ttoken\tt0k\n\
        old.test\tFALSE\t/\tFALSE\t1000\tstale\tx\n";

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn parses_every_cookie_line_and_skips_comments() {
        let jar = CookieJar::parse(FILE).unwrap();
        assert_eq!(jar.len(), 4);
        assert!(jar.cookies[2].http_only);
        assert_eq!(jar.cookies[2].domain, "img.test");
        assert_eq!(jar.cookies[0].domain, "example.com");
        assert!(jar.cookies[0].include_subdomains);
    }

    #[test]
    fn subdomain_flag_decides_who_gets_the_cookie() {
        let jar = CookieJar::parse(FILE).unwrap();
        let now = 2_000_000_000;
        assert_eq!(
            jar.header_for(&url("http://cdn.example.com/a.jpg"), now),
            Some("sid=abc".into())
        );
        assert_eq!(
            jar.header_for(&url("http://example.com/"), now),
            Some("sid=abc".into())
        );
        assert_eq!(jar.header_for(&url("http://badexample.com/"), now), None);
        assert_eq!(jar.header_for(&url("http://x.img.test/"), now), None);
        assert_eq!(
            jar.header_for(&url("http://img.test/p.png"), now),
            Some("token=t0k".into())
        );
    }

    #[test]
    fn path_secure_and_expiry_are_respected() {
        let jar = CookieJar::parse(FILE).unwrap();
        let now = 2_000_000_000;
        assert_eq!(
            jar.header_for(&url("https://shop.test/cart/1"), now),
            Some("cart=42".into())
        );
        assert_eq!(jar.header_for(&url("http://shop.test/cart/1"), now), None);
        assert_eq!(jar.header_for(&url("https://shop.test/cartoon"), now), None);
        assert_eq!(jar.header_for(&url("https://shop.test/"), now), None);
        assert_eq!(jar.header_for(&url("http://old.test/"), now), None);
        assert_eq!(
            jar.header_for(&url("http://old.test/"), 999),
            Some("stale=x".into())
        );
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let err = CookieJar::parse("# c\nexample.com\tTRUE\t/\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("found 3"), "{}", err.message);
        let err = CookieJar::parse("a.test\tyes\t/\tFALSE\t0\tn\tv\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("TRUE or FALSE"), "{}", err.message);
        let err = CookieJar::parse("\n\na.test\tTRUE\t/\tFALSE\tsoon\tn\tv\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("expiry"), "{}", err.message);
    }

    #[test]
    fn longer_paths_come_first_and_empty_values_are_kept() {
        let text = "a.test\tFALSE\t/\tFALSE\t0\tx\t1\na.test\tFALSE\t/deep\tFALSE\t0\ty\t\n";
        let jar = CookieJar::parse(text).unwrap();
        assert_eq!(
            jar.header_for(&url("http://a.test/deep/img.png"), 0),
            Some("y=; x=1".into())
        );
    }
}
