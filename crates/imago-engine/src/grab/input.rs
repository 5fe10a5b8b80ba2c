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
        .filter_map(list_entry)
        .map(str::to_string)
        .collect()
}

/// The page a line of a URL list names, if any (blank lines and `#` comments name none).
fn list_entry(line: &str) -> Option<&str> {
    let line = line.trim();
    (!line.is_empty() && !line.starts_with('#')).then_some(line)
}

/// A URL list read a line at a time, as the pages are taken: a list of a million pages
/// is never held whole. A line that names no readable page is an error item (the run
/// reports it as bad input and goes on); a read error ends the list with one.
pub struct UrlList<R> {
    lines: std::io::Lines<R>,
    /// What the list is, for messages (`-i FILE`).
    name: String,
    base: Option<Url>,
    failed: bool,
}

impl<R: std::io::BufRead> UrlList<R> {
    pub fn new(reader: R, name: impl Into<String>, base: Option<Url>) -> UrlList<R> {
        UrlList {
            lines: reader.lines(),
            name: name.into(),
            base,
            failed: false,
        }
    }
}

impl<R: std::io::BufRead> Iterator for UrlList<R> {
    type Item = Result<PageInput, GrabError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            match self.lines.next()? {
                Ok(line) => {
                    if let Some(entry) = list_entry(&line) {
                        return Some(PageInput::parse(entry, self.base.as_ref()));
                    }
                }
                Err(e) => {
                    self.failed = true;
                    return Some(Err(GrabError::BadInput {
                        input: self.name.clone(),
                        reason: format!("cannot read the URL list: {e}"),
                    }));
                }
            }
        }
    }
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
    fn a_url_list_is_read_line_by_line_and_a_bad_line_is_one_error_item() {
        let text = "# pages\nhttp://a.test/1\n\nftp://b.test/2\n  http://c.test/3  \n";
        let items: Vec<_> = UrlList::new(text.as_bytes(), "-i urls.txt", None).collect();
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].as_ref().unwrap().url().as_str(), "http://a.test/1");
        let bad = items[1].as_ref().unwrap_err();
        assert!(
            bad.is_bad_input() && bad.to_string().contains("not ftp:"),
            "{bad}"
        );
        assert_eq!(items[2].as_ref().unwrap().url().as_str(), "http://c.test/3");
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
