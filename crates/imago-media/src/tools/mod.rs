//! The image tools of `imago` (and the desktop helper): each works on one file's bytes
//! and gives bytes back; the command line finds the files, names and writes the results.

mod strip;

pub use strip::{strip_metadata, StripOptions, Stripped};
