//! Standard output that survives `imago list ... | head`: when the reader goes away, we
//! stop quietly instead of panicking the way `println!` does.

use std::io::{ErrorKind, Write};

/// Prints one line to standard output; exits (0) when the pipe is closed.
pub fn line(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}") {
        if e.kind() == ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("imago: cannot write to standard output: {e}");
        std::process::exit(2);
    }
}
