//! A filter as people write it — flags on the command line, a JSON object in the
//! extension — with every value still text. [`FilterText::build`] checks it once, with
//! the same parsers and messages for both, and names the field the way the user wrote it.

use crate::filter::{normalize_domain, parse_aspect, Filter, UrlPattern};
use crate::units::parse_size;
use crate::{Format, SourceKind};

/// The filter fields whose values are text to parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    MinBytes,
    MaxBytes,
    MinAspect,
    MaxAspect,
    Formats,
    Include,
    Exclude,
    AllowDomains,
    DenyDomains,
    Sources,
}

impl Field {
    /// The command-line flag (`--min-bytes`).
    pub fn flag(self) -> &'static str {
        match self {
            Field::MinBytes => "--min-bytes",
            Field::MaxBytes => "--max-bytes",
            Field::MinAspect => "--min-aspect",
            Field::MaxAspect => "--max-aspect",
            Field::Formats => "--format",
            Field::Include => "--include",
            Field::Exclude => "--exclude",
            Field::AllowDomains => "--allow-domain",
            Field::DenyDomains => "--deny-domain",
            Field::Sources => "--source",
        }
    }

    /// The JSON field of the extension's filter spec (`minBytes`).
    pub fn json(self) -> &'static str {
        match self {
            Field::MinBytes => "minBytes",
            Field::MaxBytes => "maxBytes",
            Field::MinAspect => "minAspect",
            Field::MaxAspect => "maxAspect",
            Field::Formats => "formats",
            Field::Include => "include",
            Field::Exclude => "exclude",
            Field::AllowDomains => "allowDomains",
            Field::DenyDomains => "denyDomains",
            Field::Sources => "sources",
        }
    }
}

/// One value that did not parse: which field, the value, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{} {value}: {message}", field.flag())]
pub struct SpecError {
    pub field: Field,
    pub value: String,
    pub message: String,
}

/// The filter's settings as text, before checking.
#[derive(Clone, Debug, Default)]
pub struct FilterText {
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
    pub min_bytes: Option<String>,
    pub max_bytes: Option<String>,
    pub min_aspect: Option<String>,
    pub max_aspect: Option<String>,
    pub formats: Vec<String>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub allow_domains: Vec<String>,
    pub deny_domains: Vec<String>,
    pub sources: Vec<String>,
}

impl FilterText {
    /// The checked filter, or the first value that does not parse.
    pub fn build(&self) -> Result<Filter, SpecError> {
        Ok(Filter {
            min_width: self.min_width,
            max_width: self.max_width,
            min_height: self.min_height,
            max_height: self.max_height,
            min_bytes: one(Field::MinBytes, &self.min_bytes, parse_size)?,
            max_bytes: one(Field::MaxBytes, &self.max_bytes, parse_size)?,
            min_aspect: one(Field::MinAspect, &self.min_aspect, parse_aspect)?,
            max_aspect: one(Field::MaxAspect, &self.max_aspect, parse_aspect)?,
            formats: each(Field::Formats, &self.formats, |f| {
                Format::parse(f).ok_or_else(|| {
                    let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                    format!("unknown format (one of {})", all.join(", "))
                })
            })?,
            include: each(Field::Include, &self.include, UrlPattern::parse)?,
            exclude: each(Field::Exclude, &self.exclude, UrlPattern::parse)?,
            allow_domains: domains(Field::AllowDomains, &self.allow_domains)?,
            deny_domains: domains(Field::DenyDomains, &self.deny_domains)?,
            kinds: each(Field::Sources, &self.sources, |k| {
                SourceKind::parse(k).ok_or_else(|| {
                    let all: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
                    format!("unknown source (one of {})", all.join(", "))
                })
            })?,
        })
    }
}

fn fail(field: Field, value: &str, message: impl ToString) -> SpecError {
    SpecError {
        field,
        value: value.to_string(),
        message: message.to_string(),
    }
}

fn one<T, E: ToString>(
    field: Field,
    value: &Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, SpecError> {
    value
        .as_deref()
        .map(|v| parse(v).map_err(|e| fail(field, v, e)))
        .transpose()
}

fn each<T, E: ToString>(
    field: Field,
    values: &[String],
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Vec<T>, SpecError> {
    values
        .iter()
        .map(|v| parse(v).map_err(|e| fail(field, v, e)))
        .collect()
}

/// Domains are checked now (a typo is an error, not a filter that matches nothing) and
/// kept as written: the filter normalizes them itself.
fn domains(field: Field, values: &[String]) -> Result<Vec<String>, SpecError> {
    for d in values {
        normalize_domain(d).map_err(|e| fail(field, d, e))?;
    }
    Ok(values.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_filter_and_names_the_field_of_a_bad_value() {
        let text = FilterText {
            min_bytes: Some("20k".into()),
            min_aspect: Some("16:9".into()),
            formats: vec!["jpg".into(), "png".into()],
            sources: vec!["lazy".into()],
            ..FilterText::default()
        };
        let f = text.build().unwrap();
        assert_eq!(f.min_bytes, Some(20_000));
        assert_eq!(f.formats, vec![Format::Jpeg, Format::Png]);
        assert_eq!(f.kinds, vec![SourceKind::Lazy]);

        let bad = FilterText {
            formats: vec!["jpegxr".into()],
            ..FilterText::default()
        };
        let e = bad.build().unwrap_err();
        assert_eq!((e.field, e.value.as_str()), (Field::Formats, "jpegxr"));
        assert!(
            e.to_string()
                .starts_with("--format jpegxr: unknown format (one of jpeg"),
            "{e}"
        );
        let bad = FilterText {
            deny_domains: vec!["exa mple.com".into()],
            ..FilterText::default()
        };
        assert_eq!(bad.build().unwrap_err().field.json(), "denyDomains");
    }
}
