//! Host globs of a rule: `*`, `*.example.com` (the domain and its subdomains), and `*`
//! anywhere else as "any run of characters".

/// A compiled host glob, lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum HostGlob {
    /// `*`: every host.
    Any,
    /// `*.example.com`: `example.com` itself or any subdomain of it.
    Domain(String),
    /// No wildcard: this host only.
    Exact(String),
    /// Wildcards elsewhere (`lh*.googleusercontent.com`): the literal pieces between them.
    Wild(Vec<String>),
}

impl HostGlob {
    /// Parses a glob, or says why it is not one.
    pub(super) fn parse(text: &str) -> Result<HostGlob, String> {
        let glob = text.trim().to_ascii_lowercase();
        if glob.is_empty() {
            return Err("empty host".to_string());
        }
        if let Some(bad) = glob
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*')))
        {
            return Err(format!(
                "host `{text}` has `{bad}`: write a host name or glob (`*.example.com`), \
                 without scheme, port or path"
            ));
        }
        if glob == "*" {
            return Ok(HostGlob::Any);
        }
        if let Some(domain) = glob.strip_prefix("*.") {
            if !domain.contains('*') && !domain.is_empty() {
                return Ok(HostGlob::Domain(domain.to_string()));
            }
        }
        if glob.contains('*') {
            return Ok(HostGlob::Wild(glob.split('*').map(String::from).collect()));
        }
        Ok(HostGlob::Exact(glob))
    }

    /// Does `host` (lower case, no trailing dot) match?
    pub(super) fn matches(&self, host: &str) -> bool {
        match self {
            HostGlob::Any => true,
            HostGlob::Exact(h) => h == host,
            HostGlob::Domain(d) => {
                host == d
                    || host
                        .strip_suffix(d.as_str())
                        .is_some_and(|sub| sub.ends_with('.'))
            }
            HostGlob::Wild(pieces) => wild_match(pieces, host),
        }
    }
}

/// `pieces` are the literals between `*`s: the first is a prefix, the last a suffix, the
/// middle ones appear in order (leftmost placement is always safe for `*` globs).
fn wild_match(pieces: &[String], host: &str) -> bool {
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return false;
    };
    let Some(mut rest) = host.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some(middle) = pieces.get(1..pieces.len().saturating_sub(1)) else {
        // One piece means no `*`: exact comparison.
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, host: &str) -> bool {
        HostGlob::parse(glob)
            .map(|g| g.matches(host))
            .unwrap_or(false)
    }

    #[test]
    fn star_dot_covers_the_bare_domain_and_subdomains_only() {
        assert!(m("*.alicdn.com", "alicdn.com"));
        assert!(m("*.alicdn.com", "img.alicdn.com"));
        assert!(m("*.alicdn.com", "a.b.alicdn.com"));
        assert!(!m("*.alicdn.com", "notalicdn.com"));
        assert!(!m("*.alicdn.com", "alicdn.com.evil.net"));
    }

    #[test]
    fn exact_and_any() {
        assert!(m("i.imgur.com", "i.imgur.com"));
        assert!(!m("i.imgur.com", "imgur.com"));
        assert!(m("*", "anything.example"));
        assert!(m("I.IMGUR.COM", "i.imgur.com"));
    }

    #[test]
    fn inner_wildcards() {
        assert!(m("lh*.googleusercontent.com", "lh3.googleusercontent.com"));
        assert!(!m(
            "lh*.googleusercontent.com",
            "blogger.googleusercontent.com"
        ));
        assert!(m("cdn-images-*.medium.com", "cdn-images-1.medium.com"));
        assert!(m("a*b*c", "abc"));
        assert!(m("a*b*c", "axxbyyc"));
        assert!(!m("a*b*c", "acb"));
        // The suffix must not reuse characters the prefix already took.
        assert!(!m("ab*ba", "aba"));
    }

    #[test]
    fn rejects_urls_and_ports() {
        assert!(HostGlob::parse("https://example.com").is_err());
        assert!(HostGlob::parse("example.com:8080").is_err());
        assert!(HostGlob::parse("example.com/path").is_err());
        assert!(HostGlob::parse(" ").is_err());
    }
}
