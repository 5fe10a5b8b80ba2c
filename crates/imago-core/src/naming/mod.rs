//! File and folder names: templates, sanitizing, uniqueness.
//!
//! Three steps turn an image into a path under the output folder:
//! [`Template::render`] fills a template with what is known of the image,
//! [`safe_relative_path`] makes the folder and file text safe on every system and
//! relative (it can never leave the output folder), and [`UniqueNames::claim`] makes it
//! unique within the run. Symlinks are the engine's to check: it has the file system.
//!
//! ```
//! use imago_core::naming::{safe_relative_path, NameVars, Template, UniqueNames, DEFAULT_FOLDER, DEFAULT_NAME};
//!
//! let folder = Template::parse(DEFAULT_FOLDER).unwrap();
//! let name = Template::parse(DEFAULT_NAME).unwrap();
//! let vars = NameVars {
//!     n: 1,
//!     url: "https://cdn.example.com/img/red%20shoe.JPG?w=300",
//!     page_url: "https://shop.example.com/item/9",
//!     title: Some("Red shoe: size 42 / EU"),
//!     ext: Some("jpg"),
//!     date: "2026-11-28",
//!     ..NameVars::default()
//! };
//! let mut names = UniqueNames::new();
//! let path = names.claim(safe_relative_path(&folder.render(&vars), &name.render(&vars)));
//! assert_eq!(path.to_string(), "shop.example.com/Red shoe_ size 42 _ EU/red shoe.jpg");
//! let again = names.claim(safe_relative_path(&folder.render(&vars), &name.render(&vars)));
//! assert_eq!(again.to_string(), "shop.example.com/Red shoe_ size 42 _ EU/red shoe-2.jpg");
//! ```

mod sanitize;
mod template;
mod unique;

use std::fmt;

pub use sanitize::{
    is_reserved, sanitize_file_name, sanitize_folder, split_extension, MAX_COMPONENT_BYTES,
};
pub use template::{
    url_extension, url_host, url_name, NameVars, Template, TemplateError, Var, MAX_PAD,
};
pub use unique::UniqueNames;

/// The folder template when the user gives none: one folder per site, one per page.
pub const DEFAULT_FOLDER: &str = "{page_host}/{title}";
/// The file name template when the user gives none.
pub const DEFAULT_NAME: &str = "{name}.{ext}";

/// The most folder levels a path keeps; deeper ones are dropped.
pub const MAX_FOLDER_DEPTH: usize = 32;

/// A path relative to the output folder, as safe components.
///
/// Built by [`safe_relative_path`], every component is non-empty, is neither `.` nor
/// `..`, holds no separator and fits in 255 bytes, so joining it under the output folder
/// stays inside it. The last component is the file name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RelPath {
    pub components: Vec<String>,
}

impl RelPath {
    /// The file name (the last component); empty for an empty path.
    pub fn file_name(&self) -> &str {
        self.components.last().map_or("", String::as_str)
    }

    /// The folder components, outermost first.
    pub fn parent(&self) -> &[String] {
        self.components
            .split_last()
            .map_or(&[][..], |(_, folders)| folders)
    }

    /// The path for the local file system (joined with its separator).
    pub fn to_path_buf(&self) -> std::path::PathBuf {
        self.components.iter().collect()
    }
}

impl fmt::Display for RelPath {
    /// Components joined with `/`, whatever the system.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.components.join("/"))
    }
}

/// Makes a safe relative path from a rendered folder (where `/` and `\` separate levels)
/// and a rendered file name (where they are ordinary characters and become `_`).
///
/// Empty, `.` and `..` folder levels are dropped, so `../../etc` gives `etc` and `/`
/// gives no folder at all; a drive (`C:`) becomes an ordinary folder `C_`. An empty file
/// name becomes `_`. See the [`sanitize`](sanitize_file_name) rules for each component.
pub fn safe_relative_path(folder: &str, file: &str) -> RelPath {
    let mut components: Vec<String> = folder
        .split(['/', '\\'])
        .filter_map(sanitize_folder)
        .take(MAX_FOLDER_DEPTH)
        .collect();
    components.push(sanitize_file_name(file));
    RelPath { components }
}
