//! The grab pipeline: pages in, named files (or a zip) out.
//!
//! `collect_page` turns a page into images and [`select`] picks and orders them (both
//! used by `imago list` too); `run` downloads, names and saves the selection through a
//! [`Saver`] (which the extension's helper uses too), and tells a [`Reporter`] each step
//! so the command line can draw bars or print JSON lines. Nothing here parses flags.

mod events;
mod input;
mod page;
mod product_out;
mod run;
mod save;
mod select;
mod similar;
mod transform;

use std::path::PathBuf;
use std::sync::Arc;

pub use events::{Event, NullReporter, Reporter, Summary};
pub use input::{read_url_list, PageInput, UrlList};
pub use page::{collect_page, load_html, Discovery, PageImages};
pub use product_out::{PRODUCTS_CSV, PRODUCT_FILE};
pub use run::run;
pub use save::{Fetched, SaveTo, Saver};
pub use select::{select, Selected, Selection};
pub use similar::Similar;
pub use transform::{Transform, Transformed};

use imago_core::blocklist::Blocklist;
use imago_core::filter::Filter;
use imago_core::hdrules::HdRules;
use imago_core::naming::Template;
use imago_core::sort::SortKey;

/// Everything `imago grab` decides before it starts.
#[derive(Clone, Debug)]
pub struct GrabOptions {
    /// The output folder; nothing is written outside it (but the zip, which is where
    /// `--zip` says).
    pub output: PathBuf,
    /// Folder template per page (default `{page_host}/{title}`).
    pub folder: Template,
    /// File name template (default `{name}.{ext}`).
    pub name: Template,
    pub filter: Filter,
    /// Ad and tracker lists (`None`: only discovery's built-in tracker hosts are dropped).
    pub blocklist: Option<Arc<Blocklist>>,
    /// Sort key and direction (descending when true); `None` keeps page order.
    pub sort: Option<(SortKey, bool)>,
    /// At most this many images per page, after filter and sort.
    pub limit: Option<usize>,
    pub discovery: Discovery,
    /// HD rules; `None` downloads the URLs as found (`--no-hd`).
    pub hd: Option<Arc<HdRules>>,
    /// Probe every image before filtering (also done when a filter needs sizes).
    pub probe: bool,
    /// The download archive (SQLite); `None` disables skipping what was saved before.
    pub archive: Option<PathBuf>,
    /// Write one zip instead of loose files.
    pub zip: Option<PathBuf>,
    /// Write `index.json` per page folder.
    pub metadata: bool,
    /// `{date}` in templates (YYYY-MM-DD), given by the caller.
    pub date: String,
    /// How many pages are read at once.
    pub page_concurrency: usize,
    /// Convert, resize or strip each file before it is named (`None`: saved as sent).
    pub transform: Option<Arc<dyn Transform>>,
    /// `--product`: `product.json` per page and `products.csv` for the run (needs
    /// [`Discovery::product`]).
    pub product: Option<ProductExport>,
    /// `--video`: each page's HLS streams saved as MP4 beside its images.
    pub video: Option<VideoGrab>,
    /// `--dedupe similar`: skip a picture already in its folder at another size or in
    /// another format (`None`: only the same bytes are skipped, by the archive).
    pub similar: Option<Arc<dyn Similar>>,
}

/// How `grab --video` saves a page's streams.
#[derive(Clone, Debug)]
pub struct VideoGrab {
    /// The MP4 step (the binary plugs in imago-media's ffmpeg).
    pub remux: Arc<dyn crate::video::Remux>,
    pub quality: imago_core::hls::Quality,
    /// Segments in flight per stream.
    pub window: usize,
    /// Stop a live stream after this much video.
    pub live_max: Option<std::time::Duration>,
}

/// How `grab --product` writes the product.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProductExport {
    /// `--csv-bom`: a UTF-8 byte-order mark first in `products.csv`, for spreadsheets.
    pub csv_bom: bool,
}

/// Why a page or the whole run could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrabError {
    /// The user pointed us at something we cannot read: exit code 2.
    #[error("{input}: {reason}")]
    BadInput { input: String, reason: String },
    /// The page is not HTML: exit code 2.
    #[error("{page}: not an HTML page ({what})")]
    NotHtml { page: String, what: String },
    /// The page could not be fetched (network, HTTP status): counted as a failure.
    #[error("{page}: {reason}")]
    Page { page: String, reason: String },
    /// The output could not be written.
    #[error("{0}")]
    Disk(#[from] crate::DiskError),
}

impl GrabError {
    /// Bad usage or input (exit 2) rather than a failure on the way (exit 1).
    pub fn is_bad_input(&self) -> bool {
        matches!(self, GrabError::BadInput { .. } | GrabError::NotHtml { .. })
    }
}
