//! `imago`: find, filter, rename and download every image of a web page.
//!
//! This binary only glues: clap structs (`cli.rs`) become plain settings (`settings.rs`),
//! the engine does the work, `progress.rs` draws it. Exit codes are the contract of
//! ARCHITECTURE.md: 0 all done, 1 some items failed, 2 bad usage or input; and 3 for a
//! runtime failure (a full disk, an unreachable database, a port in use), which no change
//! to the command line would fix, 130 after Ctrl-C. An error is bad input only when it
//! says so: a [`BadInput`], or an engine error whose kind is the user's to fix.

mod cli;
mod commands;
mod memory;
mod out;
mod progress;
mod settings;

use std::process::ExitCode;

use clap::Parser;

/// How a command ended, as the exit code says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    SomeFailed,
    BadInput,
}

/// Exit code of a runtime failure: the command was right, the machine or a service it
/// needs was not.
const RUNTIME_FAILURE: u8 = 3;

/// Exit code after Ctrl-C, the shells' 128 + SIGINT.
const INTERRUPTED: u8 = 130;

/// Ctrl-C stopped the command (after cleaning up what the text says).
#[derive(Debug)]
pub struct Interrupted(pub &'static str);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "interrupted; {}", self.0)
    }
}

impl std::error::Error for Interrupted {}

/// An error the user fixes by changing what they gave imago (a flag, a setting, an input
/// file, a page): exit code 2. Every other error ends with [`RUNTIME_FAILURE`]. Its text
/// is the wrapped error's.
#[derive(Debug)]
pub struct BadInput(pub anyhow::Error);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `{:#}` keeps the causes on the one line.
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for BadInput {}

impl From<anyhow::Error> for BadInput {
    fn from(e: anyhow::Error) -> Self {
        BadInput(e)
    }
}

/// `.bad_input()?`: marks an error as the user's to fix (exit code 2).
pub trait ResultExt<T> {
    fn bad_input(self) -> Result<T, BadInput>;
}

impl<T, E: Into<anyhow::Error>> ResultExt<T> for Result<T, E> {
    fn bad_input(self) -> Result<T, BadInput> {
        self.map_err(|e| BadInput(e.into()))
    }
}

fn main() -> ExitCode {
    // clap itself exits with 2 on bad usage, which is our code for that too.
    let cli = cli::Cli::parse_from(commands::native_host::browser_call(std::env::args_os()));
    if matches!(cli.command, cli::Command::Serve(_)) {
        memory::hold_mmap_threshold();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("imago: cannot start the async runtime: {e}");
            return ExitCode::from(RUNTIME_FAILURE);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            cli::Command::List(args) => commands::list::run(args).await,
            cli::Command::Product(args) => commands::product::run(args).await,
            cli::Command::Rules(cmd) => commands::rules::run(cmd).await,
            cli::Command::Grab(args) => commands::grab::run(args).await,
            cli::Command::Rewrite(args) => commands::rewrite::run(args),
            cli::Command::Serve(args) => commands::serve::serve(args).await,
            cli::Command::Users(cmd) => commands::serve::users(cmd).await,
            cli::Command::Keys(cmd) => commands::serve::keys(cmd).await,
            cli::Command::NativeHost(args) => commands::native_host::run(args).await,
            cli::Command::Info(args) => commands::tools::info(args),
            cli::Command::Strip(args) => commands::tools::strip(args),
            cli::Command::Convert(args) => commands::tools::convert(args),
            cli::Command::Resize(args) => commands::tools::resize(args),
            cli::Command::Stitch(args) => commands::tools::stitch(args),
            cli::Command::Video(args) => commands::video::run(args).await,
            cli::Command::Index(args) => commands::search::index(args),
            cli::Command::Search(args) => commands::search::search(args).await,
            cli::Command::Dedupe(args) => commands::search::dedupe(args),
        }
    });
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Ok(Outcome::BadInput) => ExitCode::from(2),
        Err(e) => {
            eprintln!("imago: {}", one_line(&e));
            if is_bad_input(&e) {
                ExitCode::from(2)
            } else if e.chain().any(|cause| cause.is::<Interrupted>()) {
                ExitCode::from(INTERRUPTED)
            } else {
                ExitCode::from(RUNTIME_FAILURE)
            }
        }
    }
}

/// Bad input when some cause says so: a [`BadInput`] from this binary, or an engine
/// error of a kind the user fixes (a cookies file, a page that is not HTML, a missing
/// browser). Anything else is a runtime failure.
fn is_bad_input(e: &anyhow::Error) -> bool {
    use imago_engine::grab::GrabError;
    use imago_engine::render::RenderError;
    use imago_engine::EngineError;
    e.chain().any(|cause| {
        cause.is::<BadInput>()
            || cause
                .downcast_ref::<EngineError>()
                .is_some_and(EngineError::is_bad_input)
            || cause
                .downcast_ref::<GrabError>()
                .is_some_and(GrabError::is_bad_input)
            || cause
                .downcast_ref::<RenderError>()
                .is_some_and(RenderError::is_bad_input)
    })
}

/// The error and its causes on one line: what, where, what to do (the messages are
/// written that way). A cause whose text its parent already ends with is not repeated
/// (errors that print their source, like `cannot listen on ADDR: {source}`, are common).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}
