//! What the user points imago at: a page URL or a saved HTML file.

use std::path::{Path, PathBuf};

use url::Url;

use super::GrabError;

/// One page to read.
#[derive(Clone, Debug)]
pub enum PageInput {
    /// An http(s) page, fetched by the engine.
    Url(Url),
    /// A saved HTML file; `base` resolves its relative URLs (`--base-url`, or the file's
    /// own `file:` URL when none was given).
    File { path: PathBuf, base: Url },
}

impl PageInput {
    /// Reads one command-line argument: an http(s) URL, or the path of an existing file.
    /// Anything else (`ftp://`, `javascript:`, a path that does not exist) is bad input.
    pub fn parse(arg: &str, base_url: Option<&Url>) -> Result<PageInput, GrabError> {
        let arg = arg.trim();
        if let Ok(url) = Url::parse(arg) {
            // A Windows drive letter parses as a one-letter scheme: treat it as a path.
            if url.scheme().len() > 1 {
                return match url.scheme() {
                    "http" | "https" => Ok(PageInput::Url(url)),
                    "file" => {
                        let path = url.to_file_path().map_err(|_| GrabError::BadInput {
                            input: arg.to_string(),
                            reason: "this file: URL names no local file".into(),
                        })?;
                        PageInput::file(&path, base_url)
                    }
                    other => Err(GrabError::BadInput {
                        input: arg.to_string(),
                        reason: format!(
                            "only http(s) URLs and saved HTML files can be read, not {other}:"
                        ),
                    }),
                };
            }
        }
        PageInput::file(Path::new(arg), base_url)
    }

    fn file(path: &Path, base_url: Option<&Url>) -> Result<PageInput, GrabError> {
        let meta = std::fs::metadata(path).map_err(|e| GrabError::BadInput {
            input: path.display().to_string(),
            reason: format!("cannot read it ({e}); give an http(s) URL or a saved HTML file"),
        })?;
        if !meta.is_file() {
            return Err(GrabError::BadInput {
                input: path.display().to_string(),
                reason: "is not a file".into(),
            });
        }
        let base = match base_url {
            Some(b) => b.clone(),
            None => {
                let abs = std::fs::canonicalize(path).map_err(|e| GrabError::BadInput {
                    input: path.display().to_string(),
                    reason: e.to_string(),
                })?;
                Url::from_file_path(&abs).map_err(|_| GrabError::BadInput {
                    input: path.display().to_string(),
                    reason: "cannot turn this path into a URL; pass --base-url".into(),
                })?
            }
        };
        Ok(PageInput::File {
            path: path.to_path_buf(),
            base,
        })
    }

    /// The page's URL as reports show it.
    pub fn url(&self) -> &Url {
        match self {
            PageInput::Url(u) => u,
            PageInput::File { base, .. } => base,
        }
    }

    /// What the user typed, for messages.
    pub fn label(&self) -> String {
        match self {
            PageInput::Url(u) => u.to_string(),
            PageInput::File { path, .. } => path.display().to_string(),
        }
    }
}

/// Reads `-i urls.txt`: one page per line; blank lines and `#` comments skipped.
pub fn read_url_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_list_skips_comments_and_blanks() {
        let list = read_url_list("# tabs\nhttp://a.test/1\n\n  http://b.test/2  \n#x\n");
        assert_eq!(list, vec!["http://a.test/1", "http://b.test/2"]);
    }

    #[test]
    fn refuses_other_schemes_and_missing_files() {
        let e = PageInput::parse("ftp://example.com/x.html", None).unwrap_err();
        assert!(e.to_string().contains("not ftp:"), "{e}");
        let e = PageInput::parse("/no/such/file.html", None).unwrap_err();
        assert!(e.to_string().contains("cannot read it"), "{e}");
        assert!(matches!(
            PageInput::parse("https://example.com/p", None).unwrap(),
            PageInput::Url(_)
        ));
    }
}
