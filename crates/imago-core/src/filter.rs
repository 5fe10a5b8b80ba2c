//! Which images to keep: size, byte count, aspect ratio, format, URL patterns, domains
//! and source kinds.
//!
//! A [`Filter`] is checked in two steps so the engine probes only what it must:
//! [`Filter::check_image`] looks at what the page gave (URL, domain, kind) and costs
//! nothing; [`Filter::check_measured`] looks at what a probe learned and runs only for
//! images that passed the first step, and only when [`Filter::needs_measure`] says a
//! probe can change the answer. A value nobody knows passes: a filter rejects what it
//! can see, never what it cannot.
//!
//! ```
//! use imago_core::filter::Filter;
//! use imago_core::units::parse_size;
//! use imago_core::Measured;
//!
//! let filter = Filter { min_width: Some(300), min_bytes: Some(parse_size("20k").unwrap()), ..Filter::default() };
//! let small = Measured { width: Some(120), ..Measured::default() };
//! assert_eq!(filter.check_measured(&small).unwrap_err().to_string(), "width 120 below --min-width 300");
//! ```

use std::fmt;

use regex::{Regex, RegexBuilder};

use crate::model::{Format, Image, Measured, SourceKind};
use crate::units::format_size;

/// A pattern that cannot be used, or an aspect ratio that cannot be read (sizes are
/// [`crate::units`]'s).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FilterError {
    /// `--include ""`: an empty pattern would match every URL, which is never meant.
    #[error("empty URL pattern")]
    EmptyPattern,
    /// `re:` followed by something the regex crate rejects.
    #[error("bad regular expression {pattern:?}: {reason}")]
    BadRegex { pattern: String, reason: String },
    /// A glob with an unclosed `[`.
    #[error("bad glob {pattern:?}: {reason}")]
    BadGlob { pattern: String, reason: String },
    /// An aspect ratio such as `16:0` or `wide`.
    #[error("bad aspect ratio {input:?}: {reason} (examples: 16:9, 1.5, square)")]
    BadAspect { input: String, reason: String },
    /// A domain such as `exa mple.com` that cannot be a host name.
    #[error("bad domain {input:?}: {reason}")]
    BadDomain { input: String, reason: String },
}

// ---------------------------------------------------------------------------------------
// URL patterns
// ---------------------------------------------------------------------------------------

/// A glob over a whole URL: `*` matches any run of characters (slashes included), `?`
/// one character, `[abc]` / `[a-z]` / `[!abc]` a class; case-insensitive.
#[derive(Debug, Clone)]
pub struct Glob {
    source: String,
    regex: Regex,
}

impl Glob {
    /// Compiles a glob; `Err` only for an unclosed `[`.
    pub fn new(pattern: &str) -> Result<Glob, FilterError> {
        let mut re = String::from("^(?:");
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                '[' => {
                    let start = i;
                    i += 1;
                    let mut class = String::from("[");
                    if matches!(chars.get(i), Some('!') | Some('^')) {
                        class.push('^');
                        i += 1;
                    }
                    // A `]` right after the opening bracket is a member, as in shells.
                    let mut first = true;
                    loop {
                        match chars.get(i) {
                            None => {
                                return Err(FilterError::BadGlob {
                                    pattern: pattern.to_string(),
                                    reason: format!("'[' at column {} is never closed", start + 1),
                                })
                            }
                            Some(']') if !first => break,
                            Some(&c) => {
                                if c == '-' {
                                    class.push('-');
                                } else {
                                    class.push_str(&regex::escape(&c.to_string()));
                                }
                            }
                        }
                        first = false;
                        i += 1;
                    }
                    class.push(']');
                    re.push_str(&class);
                }
                c => re.push_str(&regex::escape(&c.to_string())),
            }
            i += 1;
        }
        re.push_str(")$");
        let regex = RegexBuilder::new(&re)
            .case_insensitive(true)
            .dot_matches_new_line(true)
            .build()
            .map_err(|e| FilterError::BadGlob {
                pattern: pattern.to_string(),
                reason: e.to_string(),
            })?;
        Ok(Glob {
            source: pattern.to_string(),
            regex,
        })
    }

    /// Whether the glob matches the whole URL, or the URL without its query and fragment
    /// (so `*.jpg` keeps `https://x/a.jpg?w=300`).
    pub fn matches(&self, url: &str) -> bool {
        if self.regex.is_match(url) {
            return true;
        }
        let bare = url.split(['?', '#']).next().unwrap_or(url);
        bare.len() != url.len() && self.regex.is_match(bare)
    }

    /// The glob as the user wrote it.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

/// A URL pattern for `--include` / `--exclude`.
#[derive(Debug, Clone)]
pub enum UrlPattern {
    /// Matches when the URL contains it, ignoring case. Stored lowercased.
    Substring(String),
    /// `glob:...`, or any pattern with `*` or `?`.
    Glob(Glob),
    /// `re:...`: searched anywhere in the URL (anchor it with `^`/`$`), case-sensitive
    /// unless it starts with `(?i)`.
    Regex(Regex),
}

impl UrlPattern {
    /// Reads `re:REGEX`, `glob:GLOB`, a string with `*` or `?` (a glob), or anything else
    /// (a case-insensitive substring).
    pub fn parse(s: &str) -> Result<UrlPattern, FilterError> {
        if let Some(re) = s.strip_prefix("re:") {
            if re.is_empty() {
                return Err(FilterError::EmptyPattern);
            }
            // The size limit keeps a hostile pattern from eating memory; the regex crate
            // reports it as an error, never a panic.
            return RegexBuilder::new(re)
                .size_limit(1 << 20)
                .build()
                .map(UrlPattern::Regex)
                .map_err(|e| FilterError::BadRegex {
                    pattern: re.to_string(),
                    reason: e.to_string(),
                });
        }
        if let Some(glob) = s.strip_prefix("glob:") {
            if glob.is_empty() {
                return Err(FilterError::EmptyPattern);
            }
            return Glob::new(glob).map(UrlPattern::Glob);
        }
        if s.is_empty() {
            return Err(FilterError::EmptyPattern);
        }
        if s.contains(['*', '?']) {
            return Glob::new(s).map(UrlPattern::Glob);
        }
        Ok(UrlPattern::Substring(s.to_lowercase()))
    }

    /// Whether `url` matches.
    pub fn matches(&self, url: &str) -> bool {
        match self {
            UrlPattern::Substring(needle) => contains_ignore_case(url, needle),
            UrlPattern::Glob(glob) => glob.matches(url),
            UrlPattern::Regex(re) => re.is_match(url),
        }
    }
}

impl fmt::Display for UrlPattern {
    /// The pattern in the form [`UrlPattern::parse`] reads back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlPattern::Substring(s) => f.write_str(s),
            UrlPattern::Glob(g) if g.as_str().contains(['*', '?']) => f.write_str(g.as_str()),
            UrlPattern::Glob(g) => write!(f, "glob:{}", g.as_str()),
            UrlPattern::Regex(r) => write!(f, "re:{}", r.as_str()),
        }
    }
}

fn contains_ignore_case(haystack: &str, lower_needle: &str) -> bool {
    // Most URLs are ASCII: skip the allocation of a lowercased copy for them.
    if haystack.is_ascii() && lower_needle.is_ascii() {
        let (h, n) = (haystack.as_bytes(), lower_needle.as_bytes());
        if n.len() > h.len() {
            return false;
        }
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(lower_needle)
}

// ---------------------------------------------------------------------------------------
// Domains
// ---------------------------------------------------------------------------------------

/// Normalizes a domain of `--allow-domain` / `--deny-domain` the way the url crate
/// normalizes a host: lowercase, IDN to punycode, no trailing dot. Also accepts
/// `*.example.com`, `.example.com` and a whole URL (`https://example.com/x`), which
/// users paste.
pub fn normalize_domain(s: &str) -> Result<String, FilterError> {
    let bad = |reason: &str| FilterError::BadDomain {
        input: s.to_string(),
        reason: reason.to_string(),
    };
    let mut d = s.trim();
    if let Some(pos) = d.find("://") {
        d = &d[pos + 3..];
    }
    d = d.split(['/', '?', '#']).next().unwrap_or("");
    d = d.trim_start_matches("*.").trim_start_matches('.');
    d = d.trim_end_matches('.');
    if d.is_empty() {
        return Err(bad("empty"));
    }
    if d.is_ascii()
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Ok(d.to_ascii_lowercase());
    }
    let parsed = url::Url::parse(&format!("http://{d}/")).map_err(|e| bad(&e.to_string()))?;
    match parsed.host_str() {
        Some(h) if !h.is_empty() => Ok(h.trim_end_matches('.').to_string()),
        _ => Err(bad("not a host name")),
    }
}

/// Whether `host` (already normalized) is `domain` or one of its subdomains.
fn host_in_domain(host: &str, is_name: bool, domain: &str) -> bool {
    if host == domain {
        return true;
    }
    // Only names have subdomains: "1.1" must not match the address 10.0.1.1.
    is_name
        && host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// The normalized host of a URL and whether it is a name (not an IP address); `None` for
/// URLs without a host (`data:`, `file:`, unparsable text).
fn url_host(url: &str) -> Option<(String, bool)> {
    let parsed = url::Url::parse(url).ok()?;
    match parsed.host()? {
        url::Host::Domain(d) if !d.is_empty() => {
            Some((d.trim_end_matches('.').to_ascii_lowercase(), true))
        }
        url::Host::Domain(_) => None,
        url::Host::Ipv4(ip) => Some((ip.to_string(), false)),
        url::Host::Ipv6(ip) => Some((format!("[{ip}]"), false)),
    }
}

fn domain_list_matches(list: &[String], host: &str, is_name: bool) -> Option<String> {
    list.iter().find_map(|entry| {
        let d = normalize_domain(entry).ok()?;
        host_in_domain(host, is_name, &d).then_some(d)
    })
}

// ---------------------------------------------------------------------------------------
// Aspect ratios
// ---------------------------------------------------------------------------------------

/// Reads an aspect ratio (width / height): `16:9`, `16/9`, `4x3`, `1.5`, or `square`
/// (1.0).
///
/// `landscape` and `portrait` are ranges, not ratios: the error says which flag to use
/// instead (`--min-aspect 1` or `--max-aspect 1`).
pub fn parse_aspect(s: &str) -> Result<f64, FilterError> {
    let bad = |reason: &str| FilterError::BadAspect {
        input: s.to_string(),
        reason: reason.to_string(),
    };
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "" => return Err(bad("empty")),
        "square" => return Ok(1.0),
        "landscape" => {
            return Err(bad(
                "\"landscape\" is a range, not a ratio: use --min-aspect 1",
            ))
        }
        "portrait" => {
            return Err(bad(
                "\"portrait\" is a range, not a ratio: use --max-aspect 1",
            ))
        }
        _ => {}
    }
    let number = |part: &str| -> Result<f64, FilterError> {
        let p = part.trim();
        // Only plain decimals: "inf", "NaN" and "1e400" parse as f64 but are no ratio.
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(bad(&format!("{p:?} is not a number")));
        }
        let v: f64 = p
            .parse()
            .map_err(|_| bad(&format!("{p:?} is not a number")))?;
        if v <= 0.0 || !v.is_finite() {
            return Err(bad("both sides must be above zero"));
        }
        Ok(v)
    };
    let ratio = match t.split_once([':', '/', 'x', 'X']) {
        Some((w, h)) => number(w)? / number(h)?,
        None => number(t)?,
    };
    if ratio.is_finite() && ratio > 0.0 {
        Ok(ratio)
    } else {
        Err(bad("out of range"))
    }
}

fn format_ratio(r: f64) -> String {
    let s = format!("{r:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

// ---------------------------------------------------------------------------------------
// Filter
// ---------------------------------------------------------------------------------------

/// Why a filter turned an image away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RejectKind {
    Width,
    Height,
    Bytes,
    Aspect,
    Format,
    Include,
    Exclude,
    Domain,
    Kind,
}

/// An image a filter turned away, with a short reason a user reads
/// (`width 120 below --min-width 300`, `domain ads.example.com denied`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    kind: RejectKind,
    reason: String,
}

impl Rejection {
    fn new(kind: RejectKind, reason: String) -> Rejection {
        Rejection { kind, reason }
    }

    /// Which rule rejected the image (for counting skips by cause).
    pub fn kind(&self) -> RejectKind {
        self.kind
    }

    /// The reason, as [`Display`](fmt::Display) prints it.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Rejection {}

/// What to keep. The default keeps everything; each set field narrows. Lists are "any
/// of" (`formats: [jpeg, png]` keeps either). Reasons name the command-line flags
/// `--min-width`, `--max-width`, `--min-height`, `--max-height`, `--min-bytes`,
/// `--max-bytes`, `--min-aspect`, `--max-aspect`, `--format`, `--include`, `--exclude`,
/// `--allow-domain`, `--deny-domain`, `--source`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
    pub min_bytes: Option<u64>,
    pub max_bytes: Option<u64>,
    /// Width / height, as [`parse_aspect`] reads it.
    pub min_aspect: Option<f64>,
    pub max_aspect: Option<f64>,
    pub formats: Vec<Format>,
    /// When set, a URL must match at least one.
    pub include: Vec<UrlPattern>,
    /// A URL matching any is rejected (even when it matches an include).
    pub exclude: Vec<UrlPattern>,
    /// When set, the image host must be one of these domains or their subdomains; URLs
    /// without a host (`data:`) are then rejected.
    pub allow_domains: Vec<String>,
    /// The image host must not be one of these domains or their subdomains.
    pub deny_domains: Vec<String>,
    /// When set, the image must have been found through at least one of these kinds.
    pub kinds: Vec<SourceKind>,
}

impl Filter {
    /// Checks what is known before any probe: domain, source kind, URL patterns.
    pub fn check_image(&self, image: &Image) -> Result<(), Rejection> {
        self.check_domain(&image.url)?;
        self.check_kind(image)?;
        self.check_url(&image.url)
    }

    /// Checks what a probe measured: width, height, bytes, aspect ratio, format. A value
    /// that is `None` passes.
    pub fn check_measured(&self, m: &Measured) -> Result<(), Rejection> {
        if let Some(w) = m.width {
            bounds(
                RejectKind::Width,
                "width",
                w,
                self.min_width,
                self.max_width,
            )?;
        }
        if let Some(h) = m.height {
            bounds(
                RejectKind::Height,
                "height",
                h,
                self.min_height,
                self.max_height,
            )?;
        }
        if let Some(b) = m.bytes {
            if let Some(min) = self.min_bytes.filter(|&min| b < min) {
                return Err(Rejection::new(
                    RejectKind::Bytes,
                    format!(
                        "size {} below --min-bytes {}",
                        format_size(b),
                        format_size(min)
                    ),
                ));
            }
            if let Some(max) = self.max_bytes.filter(|&max| b > max) {
                return Err(Rejection::new(
                    RejectKind::Bytes,
                    format!(
                        "size {} above --max-bytes {}",
                        format_size(b),
                        format_size(max)
                    ),
                ));
            }
        }
        if let (Some(w), Some(h)) = (m.width, m.height) {
            self.check_aspect(w, h)?;
        }
        if let Some(f) = m.format {
            if !self.formats.is_empty() && !self.formats.contains(&f) {
                let allowed: Vec<&str> = self.formats.iter().map(|f| f.as_str()).collect();
                return Err(Rejection::new(
                    RejectKind::Format,
                    format!("format {f} not in --format {}", allowed.join(",")),
                ));
            }
        }
        Ok(())
    }

    /// Whether [`Filter::check_measured`] can reject anything, so the caller knows to
    /// probe first.
    pub fn needs_measure(&self) -> bool {
        self.min_width.is_some()
            || self.max_width.is_some()
            || self.min_height.is_some()
            || self.max_height.is_some()
            || self.min_bytes.is_some()
            || self.max_bytes.is_some()
            || self.min_aspect.is_some()
            || self.max_aspect.is_some()
            || !self.formats.is_empty()
    }

    fn check_aspect(&self, w: u32, h: u32) -> Result<(), Rejection> {
        if h == 0 || w == 0 {
            // An SVG without size reports 0: no ratio to judge.
            return Ok(());
        }
        let ratio = f64::from(w) / f64::from(h);
        // 1920x1080 against "16:9" must pass although both are rounded f64 values.
        let tolerance = |limit: f64| limit.abs() * 1e-9;
        if let Some(min) = self.min_aspect.filter(|&min| ratio < min - tolerance(min)) {
            return Err(Rejection::new(
                RejectKind::Aspect,
                format!(
                    "aspect ratio {} ({w}x{h}) below --min-aspect {}",
                    format_ratio(ratio),
                    format_ratio(min)
                ),
            ));
        }
        if let Some(max) = self.max_aspect.filter(|&max| ratio > max + tolerance(max)) {
            return Err(Rejection::new(
                RejectKind::Aspect,
                format!(
                    "aspect ratio {} ({w}x{h}) above --max-aspect {}",
                    format_ratio(ratio),
                    format_ratio(max)
                ),
            ));
        }
        Ok(())
    }

    fn check_domain(&self, url: &str) -> Result<(), Rejection> {
        if self.allow_domains.is_empty() && self.deny_domains.is_empty() {
            return Ok(());
        }
        let Some((host, is_name)) = url_host(url) else {
            if self.allow_domains.is_empty() {
                return Ok(());
            }
            return Err(Rejection::new(
                RejectKind::Domain,
                "URL has no domain and --allow-domain is set".to_string(),
            ));
        };
        if domain_list_matches(&self.deny_domains, &host, is_name).is_some() {
            return Err(Rejection::new(
                RejectKind::Domain,
                format!("domain {host} denied"),
            ));
        }
        if !self.allow_domains.is_empty()
            && domain_list_matches(&self.allow_domains, &host, is_name).is_none()
        {
            return Err(Rejection::new(
                RejectKind::Domain,
                format!("domain {host} not in --allow-domain"),
            ));
        }
        Ok(())
    }

    fn check_kind(&self, image: &Image) -> Result<(), Rejection> {
        if self.kinds.is_empty() {
            return Ok(());
        }
        let found = image.sources.iter().chain(std::iter::once(&image.source));
        if found.clone().any(|k| self.kinds.contains(k)) {
            return Ok(());
        }
        let mut names: Vec<&str> = found.map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        Err(Rejection::new(
            RejectKind::Kind,
            format!("source {} not in --source", names.join(",")),
        ))
    }

    fn check_url(&self, url: &str) -> Result<(), Rejection> {
        if !self.include.is_empty() && !self.include.iter().any(|p| p.matches(url)) {
            return Err(Rejection::new(
                RejectKind::Include,
                "URL matches no --include pattern".to_string(),
            ));
        }
        if let Some(p) = self.exclude.iter().find(|p| p.matches(url)) {
            return Err(Rejection::new(
                RejectKind::Exclude,
                format!("URL matches --exclude {p}"),
            ));
        }
        Ok(())
    }
}

fn bounds(
    kind: RejectKind,
    what: &str,
    value: u32,
    min: Option<u32>,
    max: Option<u32>,
) -> Result<(), Rejection> {
    if let Some(min) = min.filter(|&min| value < min) {
        return Err(Rejection::new(
            kind,
            format!("{what} {value} below --min-{what} {min}"),
        ));
    }
    if let Some(max) = max.filter(|&max| value > max) {
        return Err(Rejection::new(
            kind,
            format!("{what} {value} above --max-{what} {max}"),
        ));
    }
    Ok(())
}
