//! One module per subcommand.

pub mod grab;
pub mod list;
pub mod native_host;
pub mod product;
pub mod render;
pub mod rewrite;
pub mod rules;
pub mod search;
pub mod serve;
pub mod tools;
pub mod video;
