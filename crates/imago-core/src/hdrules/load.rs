//! Reading a rule file: TOML to compiled [`Rule`]s, every error tied to a line.

use serde::Deserialize;
use toml::Spanned;

use super::host::HostGlob;
use super::{HdRuleError, Rule};

/// The whole file. Unknown top-level keys are errors, so `[[rules]]` (a typo) does not
/// load as no rules.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

/// One `[[rule]]` table as written; spans give the lines of errors found after parsing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: Spanned<String>,
    hosts: Spanned<Vec<Spanned<String>>>,
    pattern: Spanned<String>,
    #[serde(default)]
    replace: Vec<Spanned<String>>,
    #[serde(default)]
    drop_query: Vec<Spanned<String>>,
    #[serde(default)]
    decode: bool,
}

/// Parses and compiles every rule of `text`.
pub(super) fn parse(text: &str, origin: &str) -> Result<Vec<Rule>, HdRuleError> {
    let fail = |offset: usize, message: String| HdRuleError {
        origin: origin.to_string(),
        line: line_of(text, offset),
        message,
    };

    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0);
        fail(offset, one_line(e.message()))
    })?;

    let mut rules: Vec<Rule> = Vec::with_capacity(raw.rule.len());
    for spanned in raw.rule {
        let rule_at = spanned.span().start;
        let raw = spanned.into_inner();

        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(fail(raw.name.span().start, "rule `name` is empty".into()));
        }
        if rules.iter().any(|r| r.name == name) {
            return Err(fail(
                raw.name.span().start,
                format!("a rule named `{name}` is already defined in this file"),
            ));
        }

        if raw.hosts.get_ref().is_empty() {
            return Err(fail(
                raw.hosts.span().start,
                format!("rule `{name}`: `hosts` is empty (use [\"*\"] for every host)"),
            ));
        }
        let mut hosts = Vec::with_capacity(raw.hosts.get_ref().len());
        for host in raw.hosts.get_ref() {
            let glob = HostGlob::parse(host.get_ref())
                .map_err(|why| fail(host.span().start, format!("rule `{name}`: {why}")))?;
            hosts.push(glob);
        }

        let pattern = regex::Regex::new(raw.pattern.get_ref()).map_err(|e| {
            fail(
                raw.pattern.span().start,
                format!("rule `{name}`: bad `pattern`: {}", regex_reason(&e)),
            )
        })?;

        if raw.replace.is_empty() && raw.drop_query.is_empty() {
            return Err(fail(
                rule_at,
                format!(
                    "rule `{name}` has neither `replace` nor `drop_query`: it would do nothing"
                ),
            ));
        }
        let mut replace = Vec::with_capacity(raw.replace.len());
        for template in &raw.replace {
            check_template(template.get_ref(), &pattern).map_err(|why| {
                fail(
                    template.span().start,
                    format!("rule `{name}`: `replace`: {why}"),
                )
            })?;
            replace.push(template.get_ref().clone());
        }
        let mut drop_query = Vec::with_capacity(raw.drop_query.len());
        for param in &raw.drop_query {
            if param.get_ref().is_empty() {
                return Err(fail(
                    param.span().start,
                    format!("rule `{name}`: empty name in `drop_query`"),
                ));
            }
            drop_query.push(param.get_ref().clone());
        }

        rules.push(Rule {
            name,
            hosts,
            pattern,
            replace,
            drop_query,
            decode: raw.decode,
        });
    }
    Ok(rules)
}

/// 1-based line of a byte offset (clamped to the text).
fn line_of(text: &str, offset: usize) -> usize {
    let before = text.as_bytes().get(..offset).unwrap_or(text.as_bytes());
    before.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Error messages end up after `file:line: ` on one terminal line.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The regex crate's syntax errors draw the pattern with a caret over several lines; the
/// last line says what is wrong.
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => {
            let last = text
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or(text);
            one_line(last.trim_start_matches("error:"))
        }
        other => one_line(&other.to_string()),
    }
}

/// Checks that every group a template names exists in the pattern, with the regex
/// crate's own reading of `$name` (the longest run of `[0-9A-Za-z_]`), so `$1_b` is
/// reported instead of silently expanding to nothing.
fn check_template(template: &str, pattern: &regex::Regex) -> Result<(), String> {
    let mut rest = template;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            rest = after;
            continue;
        }
        let (reference, after) = if let Some(braced) = rest.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                // `${` without `}` is literal text for the regex crate.
                None => continue,
            }
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            (&rest[..end], &rest[end..])
        };
        rest = after;
        if reference.is_empty() {
            continue;
        }
        let exists = match reference.parse::<usize>() {
            Ok(index) => index < pattern.captures_len(),
            Err(_) => pattern.capture_names().flatten().any(|n| n == reference),
        };
        if !exists {
            let hint = if reference.starts_with(|c: char| c.is_ascii_digit()) {
                format!(
                    " (write `${{{}}}` when text follows a group number)",
                    leading_digits(reference)
                )
            } else {
                String::new()
            };
            return Err(format!("`${reference}` names no group of `pattern`{hint}"));
        }
    }
    Ok(())
}

fn leading_digits(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based_and_clamped() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 4), 3);
        assert_eq!(line_of("a\nb\nc", 400), 3);
    }

    #[test]
    fn templates_must_name_real_groups() {
        let re = regex::Regex::new(r"(a)(?P<x>b)").unwrap();
        assert!(check_template("$1${2}$x$$9", &re).is_ok());
        assert!(check_template("${x}_y", &re).is_ok());
        assert!(check_template("$3", &re).is_err());
        let err = check_template("$1_b", &re).unwrap_err();
        assert!(err.contains("`$1_b`") && err.contains("${1}"), "{err}");
        assert!(check_template("$y", &re).is_err());
        // `${` without `}` and a lone `$` are literal.
        assert!(check_template("cost: $ and ${", &re).is_ok());
    }
}
