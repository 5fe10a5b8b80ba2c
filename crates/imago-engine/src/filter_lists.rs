//! The ad/tracker list files: the ones the user names, or EasyList and EasyPrivacy where
//! Debian's uBlock Origin packages install them. Reading them is here; matching is
//! [`imago_core::blocklist`], which never touches the disk.

use std::path::PathBuf;

use imago_core::blocklist::{Blocklist, BlocklistError};

/// EasyList and EasyPrivacy where Debian's uBlock Origin packages install them, one
/// package a paragraph; the extension's build reads the same file.
const DEBIAN_LISTS: &str = include_str!("debian_lists.txt");

/// The packages' list files in [`DEBIAN_LISTS`], in order; `#` lines are comments.
fn debian_packages(text: &str) -> impl Iterator<Item = Vec<PathBuf>> + '_ {
    text.split("\n\n")
        .map(|para| {
            para.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
                .map(PathBuf::from)
                .collect::<Vec<_>>()
        })
        .filter(|files| !files.is_empty())
}

/// The Debian package's EasyList and EasyPrivacy when one is installed (both files of
/// the first package whose files are all there), else nothing.
pub fn debian_lists() -> Vec<PathBuf> {
    debian_packages(DEBIAN_LISTS)
        .find(|files| files.iter().all(|p| p.is_file()))
        .unwrap_or_default()
}

/// A list file that cannot be used: always the user's to fix (name another file, or
/// install or repair the package).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FilterListError {
    #[error("{}: cannot read the filter list: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a filter list (not UTF-8 text)", path.display())]
    NotText { path: PathBuf },
    #[error(transparent)]
    Rules(#[from] BlocklistError),
}

/// Reads every file of `paths` and builds one matcher over them all.
pub fn load(paths: &[PathBuf]) -> Result<Blocklist, FilterListError> {
    let mut texts = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::read(path).map_err(|source| FilterListError::Read {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes)
            .map_err(|_| FilterListError::NotText { path: path.clone() })?;
        texts.push((path.display().to_string(), text));
    }
    Ok(Blocklist::from_lists(texts)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_debian_file_names_two_packages_of_easylist_and_easyprivacy() {
        let packages: Vec<_> = debian_packages(DEBIAN_LISTS).collect();
        assert_eq!(packages.len(), 2, "{packages:?}");
        for files in &packages {
            let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap()).collect();
            assert_eq!(names, ["easylist.txt", "easyprivacy.txt"], "{files:?}");
            assert!(files.iter().all(|p| p.is_absolute()), "{files:?}");
        }
        assert!(packages[0][0].starts_with("/usr/share/chromium"));
    }

    #[test]
    fn unreadable_empty_and_binary_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.txt");
        let e = load(std::slice::from_ref(&missing))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!(
                "{}: cannot read the filter list",
                missing.display()
            )),
            "{e}"
        );
        let empty = dir.path().join("empty.txt");
        std::fs::write(&empty, "").unwrap();
        let e = load(std::slice::from_ref(&empty)).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}: holds no filter rule", empty.display())),
            "{e}"
        );
        let binary = dir.path().join("list.gz");
        std::fs::write(&binary, [0x1f, 0x8b, 0x08, 0xff, 0xfe]).unwrap();
        let e = load(std::slice::from_ref(&binary)).unwrap_err().to_string();
        assert!(e.ends_with("not a filter list (not UTF-8 text)"), "{e}");
    }

    #[test]
    fn a_good_file_loads() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("mine.txt");
        std::fs::write(&list, "[Adblock Plus 2.0]\n! mine\n||ads.example^\n").unwrap();
        let lists = load(&[list]).unwrap();
        assert_eq!(lists.rules(), 1);
        assert!(lists.blocks_image("https://ads.example/a.png", "https://news.example/"));
    }
}
