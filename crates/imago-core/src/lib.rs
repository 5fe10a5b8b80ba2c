//! The pure core of imago: everything from an HTML document to a list of named, filtered
//! images, with no async runtime, no sockets and no file system, so it compiles to
//! `wasm32-unknown-unknown` for the browser extension and is tested without a network.
//!
//! The pipeline (see `ARCHITECTURE.md`): [`discover`] finds raw [`Candidate`]s in HTML and
//! CSS, [`merge`] makes one [`Image`] per picture, [`hdrules`] proposes original-size
//! URLs, [`probe`] reads format and size from the first bytes of a file, [`filter`] and
//! [`sort`] narrow and order, [`naming`] renders safe, unique file names. Beside the
//! pipeline: [`units`] reads sizes and durations the one way every setting is written,
//! [`dates`] reads the clock and turns unix seconds into dates, [`isobmff`] walks the boxes
//! of MP4, MOV, HEIF and AVIF files for the probe and for `imago-media`, [`blocklist`]
//! matches image URLs against ad and tracker lists given as text.

pub mod blocklist;
pub mod css;
pub mod datauri;
pub mod dates;
pub mod discover;
pub mod filter;
pub mod filter_spec;
pub mod hdrules;
pub mod hls;
pub mod html;
pub mod isobmff;
pub mod merge;
pub mod model;
pub mod naming;
pub mod probe;
pub mod product;
pub mod siterules;
pub mod sort;
pub mod srcset;
pub mod units;
pub mod urls;

pub use model::{Candidate, Descriptor, Format, Image, ImageInfo, Measured, SourceKind};
