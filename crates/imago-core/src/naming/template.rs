//! Name templates: `{page_host}/{title}`, `{n:03}-{name}.{ext}`.
//!
//! A template is parsed once (errors name the variable and its column) and rendered per
//! image. Rendering gives the raw text; [`super::safe_relative_path`] makes it safe.
//! A variable's value never adds a folder level: a `/` or `\` inside a title or a
//! decoded URL name becomes `_`; only the template's own slashes separate folders.

use std::fmt;
use std::str::FromStr;

use crate::model::Format;

/// A template variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Var {
    /// `{n}`: position in the run, from 1.
    N,
    /// `{name}`: file stem of the URL path, percent-decoded; `image` when there is none.
    Name,
    /// `{ext}`: the probed format's extension, else an image extension in the URL, else
    /// the type of a `data:` URI, else `bin`.
    Ext,
    /// `{host}`: the image's host (IDN in punycode); empty for `data:`.
    Host,
    /// `{page_host}`: the page's host; empty for a local file.
    PageHost,
    /// `{title}`: the page title; empty when unknown.
    Title,
    /// `{alt}`: the image's alt text; empty when unknown.
    Alt,
    /// `{w}`: width in pixels; `0` when unknown.
    W,
    /// `{h}`: height in pixels; `0` when unknown.
    H,
    /// `{date}`: the day of the run, `YYYY-MM-DD`, given by the caller.
    Date,
    /// `{hash8}`: first 8 hex digits of the content's SHA-256; empty when unknown.
    Hash8,
    /// `{product_title}`: the product's name as the page gives it (`imago product`),
    /// else the page title; empty when neither is known.
    ProductTitle,
    /// `{sku}`: the product's SKU; empty when the page gives none.
    Sku,
}

impl Var {
    /// Every variable, in the order help texts list them.
    pub const ALL: [Var; 13] = [
        Var::N,
        Var::Name,
        Var::Ext,
        Var::Host,
        Var::PageHost,
        Var::Title,
        Var::Alt,
        Var::W,
        Var::H,
        Var::Date,
        Var::Hash8,
        Var::ProductTitle,
        Var::Sku,
    ];

    /// The name inside the braces.
    pub fn as_str(self) -> &'static str {
        match self {
            Var::N => "n",
            Var::Name => "name",
            Var::Ext => "ext",
            Var::Host => "host",
            Var::PageHost => "page_host",
            Var::Title => "title",
            Var::Alt => "alt",
            Var::W => "w",
            Var::H => "h",
            Var::Date => "date",
            Var::Hash8 => "hash8",
            Var::ProductTitle => "product_title",
            Var::Sku => "sku",
        }
    }

    fn parse(name: &str) -> Option<Var> {
        Var::ALL.into_iter().find(|v| v.as_str() == name)
    }

    fn is_number(self) -> bool {
        matches!(self, Var::N | Var::W | Var::H)
    }
}

/// The longest zero padding `{n:0N}` accepts.
pub const MAX_PAD: usize = 20;

/// A template that cannot be used. Columns count characters from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TemplateError {
    #[error("unknown variable {{{name}}} at column {column} (known: {known})", known = known_list())]
    UnknownVariable { name: String, column: usize },
    #[error("'{{' at column {column} is never closed (write {{{{ for a literal brace)")]
    Unclosed { column: usize },
    #[error("'}}' at column {column} closes nothing (write }}}} for a literal brace)")]
    UnmatchedClose { column: usize },
    #[error("bad format {spec:?} for {{{name}}} at column {column}: {reason}")]
    BadFormat {
        name: String,
        spec: String,
        column: usize,
        reason: String,
    },
}

fn known_list() -> String {
    let names: Vec<String> = Var::ALL
        .iter()
        .map(|v| format!("{{{}}}", v.as_str()))
        .collect();
    names.join(" ")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Var { var: Var, pad: usize },
}

/// A parsed name template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

/// What a template can say about one image. Strings are borrowed; `None` means unknown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameVars<'a> {
    /// Position in the run, from 1.
    pub n: usize,
    /// The image URL (absolute, or a `data:` URI).
    pub url: &'a str,
    /// The page URL (empty or `file:` for a local file).
    pub page_url: &'a str,
    pub title: Option<&'a str>,
    pub alt: Option<&'a str>,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// The extension of the probed format (`jpg`), when known.
    pub ext: Option<&'a str>,
    /// `YYYY-MM-DD`: the caller's clock (the core has none).
    pub date: &'a str,
    /// At least 8 hex digits of the SHA-256 of the content, when known.
    pub hash8: Option<&'a str>,
    /// The product's name, when the page's product was read.
    pub product_title: Option<&'a str>,
    /// The product's SKU, when the page's product was read and gives one.
    pub sku: Option<&'a str>,
}

impl Template {
    /// Parses `{var}`, `{var:0N}` (zero padding, for `n`, `w`, `h`), `{{` and `}}`.
    pub fn parse(s: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = s.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            let column = i + 1;
            match c {
                '{' if chars.peek().map(|&(_, c)| c) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().map(|&(_, c)| c) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '}' => return Err(TemplateError::UnmatchedClose { column }),
                '{' => {
                    let mut inner = String::new();
                    let mut closed = false;
                    for (_, c) in chars.by_ref() {
                        match c {
                            '}' => {
                                closed = true;
                                break;
                            }
                            '{' => break,
                            c => inner.push(c),
                        }
                    }
                    if !closed {
                        return Err(TemplateError::Unclosed { column });
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(parse_var(&inner, column)?);
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            source: s.to_string(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the template uses `var`: the engine hashes before naming only when
    /// `{hash8}` is used, and probes when `{w}` or `{h}` is.
    pub fn uses(&self, var: Var) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Var { var: v, .. } if *v == var))
    }

    /// The raw text for one image, before sanitizing.
    pub fn render(&self, v: &NameVars) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Var { var, pad } => {
                    let value = value_of(*var, v);
                    if *pad > 0 && value.len() < *pad {
                        out.extend(std::iter::repeat_n('0', pad - value.len()));
                    }
                    // A value never adds a folder level.
                    out.extend(
                        value
                            .chars()
                            .map(|c| if c == '/' || c == '\\' { '_' } else { c }),
                    );
                }
            }
        }
        out
    }
}

impl FromStr for Template {
    type Err = TemplateError;
    fn from_str(s: &str) -> Result<Template, TemplateError> {
        Template::parse(s)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn parse_var(inner: &str, column: usize) -> Result<Part, TemplateError> {
    let (name, spec) = match inner.split_once(':') {
        Some((n, s)) => (n, Some(s)),
        None => (inner, None),
    };
    let var = Var::parse(name).ok_or_else(|| TemplateError::UnknownVariable {
        name: name.to_string(),
        column,
    })?;
    let Some(spec) = spec else {
        return Ok(Part::Var { var, pad: 0 });
    };
    let bad = |reason: String| TemplateError::BadFormat {
        name: name.to_string(),
        spec: spec.to_string(),
        column,
        reason,
    };
    if !var.is_number() {
        return Err(bad("only {n}, {w} and {h} take a format".to_string()));
    }
    let digits = spec
        .strip_prefix('0')
        .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| bad("expected a zero and a width, as in {n:03}".to_string()))?;
    let pad: usize = digits
        .parse()
        .ok()
        .filter(|&p| p <= MAX_PAD)
        .ok_or_else(|| bad(format!("width at most {MAX_PAD}")))?;
    Ok(Part::Var { var, pad })
}

fn value_of(var: Var, v: &NameVars) -> String {
    match var {
        Var::N => v.n.to_string(),
        Var::Name => url_name(v.url),
        Var::Ext => match v.ext.map(|e| e.trim().trim_start_matches('.')) {
            Some(e) if !e.is_empty() => e.to_string(),
            _ => url_extension(v.url).unwrap_or_else(|| "bin".to_string()),
        },
        Var::Host => url_host(v.url),
        Var::PageHost => url_host(v.page_url),
        Var::Title => v.title.unwrap_or("").to_string(),
        Var::Alt => v.alt.unwrap_or("").to_string(),
        Var::W => v.width.unwrap_or(0).to_string(),
        Var::H => v.height.unwrap_or(0).to_string(),
        Var::Date => v.date.to_string(),
        Var::Hash8 => v
            .hash8
            .map(|h| h.chars().take(8).collect::<String>().to_ascii_lowercase())
            .unwrap_or_default(),
        Var::ProductTitle => v.product_title.or(v.title).unwrap_or("").to_string(),
        Var::Sku => v.sku.unwrap_or("").to_string(),
    }
}

/// The host of `url` (punycode for IDN, no port); empty when it has none.
pub fn url_host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

fn is_opaque(url: &str) -> bool {
    let lower = url.get(..5).map(str::to_ascii_lowercase);
    matches!(lower.as_deref(), Some("data:") | Some("blob:"))
}

/// The last non-empty segment of the URL path, percent-decoded.
fn last_segment(url: &str) -> Option<String> {
    if is_opaque(url) {
        return None;
    }
    let path = match url::Url::parse(url) {
        Ok(u) => u.path().to_string(),
        // Not absolute: take the text up to the query as the path.
        Err(_) => url.split(['?', '#']).next().unwrap_or("").to_string(),
    };
    let seg = path.rsplit('/').find(|s| !s.is_empty())?;
    Some(percent_decode(seg))
}

/// `{name}`: the file stem of the URL's last path segment, percent-decoded; `image` for
/// a URL without one and for `data:` URIs.
pub fn url_name(url: &str) -> String {
    let Some(seg) = last_segment(url) else {
        return "image".to_string();
    };
    let stem = match seg.rsplit_once('.') {
        Some((stem, _)) if !stem.is_empty() => stem,
        _ => seg.as_str(),
    };
    if stem.trim().is_empty() {
        "image".to_string()
    } else {
        stem.to_string()
    }
}

/// The image extension a URL shows: the path's extension when it names an image format
/// (`JPG` gives `jpg`; `.php` gives nothing), or the type of a `data:` URI.
pub fn url_extension(url: &str) -> Option<String> {
    if url
        .get(..5)
        .is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    {
        let mime = url[5..]
            .split([';', ','])
            .next()?
            .trim()
            .to_ascii_lowercase();
        let format = Format::ALL
            .into_iter()
            .find(|f| f.mime() == mime)
            .or_else(|| mime.strip_prefix("image/").and_then(Format::parse))?;
        return Some(format.extension().to_string());
    }
    let seg = last_segment(url)?;
    let (stem, ext) = seg.rsplit_once('.')?;
    if stem.is_empty() || Format::parse(ext).is_none() || ext.contains(char::is_whitespace) {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Decodes `%XX` escapes; invalid escapes stay as written, invalid UTF-8 becomes U+FFFD.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
