//! One module per subcommand.

pub mod grab;
pub mod list;
pub mod rewrite;
