//! `grab --product`: a `product.json` beside each page's pictures, and one row per page
//! in the batch's `products.csv` (at the top of the output, or of the zip).
//!
//! Nothing the user had is lost: a `products.csv` already there is appended to when it
//! has our columns, and refused (the run does not start) when it has others; a
//! `product.json` of the same page is replaced (a re-run updates it), one of another
//! page keeps its name and this one takes the next (`product-2.json`).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use imago_core::product::export::{csv_lines, CSV_COLUMNS};

use super::GrabError;
use crate::disk_error::DiskError;
use crate::place::temp_name;

/// The file written in each page folder.
pub const PRODUCT_FILE: &str = "product.json";

/// The batch file at the top of the output.
pub const PRODUCTS_CSV: &str = "products.csv";

const BOM: &str = "\u{feff}";

/// The `products.csv` of a run.
pub(crate) enum ProductsCsv {
    /// Loose files: rows appended as pages finish, each in one write.
    File { path: PathBuf, file: File },
    /// Zip mode: rows kept (one short line per page) and added when the zip is done.
    Memory { rows: Vec<Vec<String>>, bom: bool },
}

impl ProductsCsv {
    /// Opens `output/products.csv` for appending (writing the header when it is new), or
    /// starts one in memory for a zip.
    pub(crate) fn open(output: &Path, bom: bool, zip: bool) -> Result<ProductsCsv, GrabError> {
        if zip {
            return Ok(ProductsCsv::Memory {
                rows: Vec::new(),
                bom,
            });
        }
        let path = output.join(PRODUCTS_CSV);
        match OpenOptions::new().create_new(true).write(true).open(&path) {
            Ok(mut file) => {
                let header = csv_lines([CSV_COLUMNS], bom);
                file.write_all(&header)
                    .map_err(|e| DiskError::io("write", &path, e))?;
                Ok(ProductsCsv::File { path, file })
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => match open_ours(&path) {
                Ok(file) => Ok(ProductsCsv::File { path, file }),
                Err(DiskError::Exists { path }) => Err(GrabError::BadInput {
                    input: path.display().to_string(),
                    reason: "is not a products.csv of imago (other columns): move it away, \
                             or write elsewhere with -o"
                        .into(),
                }),
                Err(e) => Err(e.into()),
            },
            Err(e) => Err(DiskError::io("create", &path, e).into()),
        }
    }

    /// Adds one page's row.
    pub(crate) fn append(&mut self, row: Vec<String>) -> Result<(), DiskError> {
        match self {
            ProductsCsv::File { path, file } => {
                let line = csv_lines([row], false);
                file.write_all(&line)
                    .and_then(|()| file.sync_data())
                    .map_err(|e| DiskError::io("write", path, e))
            }
            ProductsCsv::Memory { rows, .. } => {
                rows.push(row);
                Ok(())
            }
        }
    }

    /// An empty one in memory (what is left once a zip's file was taken).
    pub(crate) fn empty() -> ProductsCsv {
        ProductsCsv::Memory {
            rows: Vec::new(),
            bom: false,
        }
    }

    /// Zip mode: the whole file; `None` for loose files (already on disk).
    pub(crate) fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            ProductsCsv::File { .. } => None,
            ProductsCsv::Memory { rows, bom } => Some(csv_lines(
                std::iter::once(CSV_COLUMNS.map(String::from).to_vec()).chain(rows),
                bom,
            )),
        }
    }
}

/// An existing `products.csv`, opened for appending when its header is ours. A file cut
/// short in a row (a crash mid-write) gets its line ended first, so the next row starts
/// on its own line.
fn open_ours(path: &Path) -> Result<File, DiskError> {
    let meta = fs::symlink_metadata(path).map_err(|e| DiskError::io("read", path, e))?;
    if !meta.is_file() {
        return Err(DiskError::Exists {
            path: path.to_path_buf(),
        });
    }
    let mut file = OpenOptions::new()
        .read(true)
        .append(true)
        .open(path)
        .map_err(|e| DiskError::io("open", path, e))?;
    let mut head = Vec::new();
    (&mut file)
        .take(64 * 1024)
        .read_to_end(&mut head)
        .map_err(|e| DiskError::io("read", path, e))?;
    let text = String::from_utf8_lossy(&head);
    let first = text.strip_prefix(BOM).unwrap_or(&text);
    let header = first.split(['\r', '\n']).next().unwrap_or("");
    if header != CSV_COLUMNS.join(",") {
        return Err(DiskError::Exists {
            path: path.to_path_buf(),
        });
    }
    let len = file
        .seek(SeekFrom::End(0))
        .map_err(|e| DiskError::io("read", path, e))?;
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))
            .and_then(|_| file.read_exact(&mut last))
            .map_err(|e| DiskError::io("read", path, e))?;
        if last[0] != b'\n' {
            file.write_all(b"\r\n")
                .map_err(|e| DiskError::io("write", path, e))?;
        }
    }
    Ok(file)
}

/// Where `product.json` of `page` goes in `dir`: the file of that page (replaced), else a
/// name no file has (`product.json`, `product-2.json`, ...).
pub(crate) fn product_file_name(dir: &Path, page: &str) -> String {
    for n in 1..1000 {
        let name = match n {
            1 => PRODUCT_FILE.to_string(),
            n => format!("product-{n}.json"),
        };
        match fs::symlink_metadata(dir.join(&name)) {
            Err(_) => return name,
            Ok(meta) if meta.is_file() && is_product_of(&dir.join(&name), page) => return name,
            Ok(_) => continue,
        }
    }
    format!("product-{}.json", temp_name("x"))
}

fn is_product_of(path: &Path, page: &str) -> bool {
    let Ok(bytes) = fs::read(path) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("url").and_then(|u| u.as_str()).map(|u| u == page))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_existing_products_csv_is_appended_to_and_one_of_another_shape_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut csv = ProductsCsv::open(dir.path(), true, false).unwrap();
        csv.append(vec!["https://a.example/1".into(); CSV_COLUMNS.len()])
            .unwrap();
        drop(csv);
        // A second run adds below, without a second header; a row cut short is ended.
        let path = dir.path().join(PRODUCTS_CSV);
        fs::write(
            &path,
            [fs::read(&path).unwrap(), b"https://cut".to_vec()].concat(),
        )
        .unwrap();
        let mut csv = ProductsCsv::open(dir.path(), true, false).unwrap();
        csv.append(vec!["https://a.example/2".into(); CSV_COLUMNS.len()])
            .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("\u{feff}url,title,"));
        assert_eq!(text.matches("url,title").count(), 1);
        assert!(text.contains("https://cut\r\nhttps://a.example/2,"));

        let other = tempfile::tempdir().unwrap();
        fs::write(other.path().join(PRODUCTS_CSV), "name,price\r\nx,1\r\n").unwrap();
        assert!(matches!(
            ProductsCsv::open(other.path(), false, false),
            Err(GrabError::BadInput { .. })
        ));
        assert_eq!(
            fs::read_to_string(other.path().join(PRODUCTS_CSV)).unwrap(),
            "name,price\r\nx,1\r\n",
            "the user's file is untouched"
        );
    }

    #[test]
    fn product_json_of_the_same_page_is_replaced_and_another_pages_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(product_file_name(dir.path(), "https://a/1"), "product.json");
        crate::place::replace_file(dir.path(), "product.json", br#"{"url":"https://a/1"}"#)
            .unwrap();
        assert_eq!(product_file_name(dir.path(), "https://a/1"), "product.json");
        assert_eq!(
            product_file_name(dir.path(), "https://a/2"),
            "product-2.json"
        );
    }
}
