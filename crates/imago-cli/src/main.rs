//! `imago`: find, filter, rename and download every image of a web page.
//!
//! This binary only glues: clap structs (`cli.rs`) become plain settings (`settings.rs`),
//! the engine does the work, `progress.rs` draws it. Exit codes are the contract of
//! ARCHITECTURE.md: 0 all done, 1 some items failed, 2 bad usage or input.

mod cli;
mod commands;
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

fn main() -> ExitCode {
    // clap itself exits with 2 on bad usage, which is our code for that too.
    let cli = cli::Cli::parse_from(commands::native_host::browser_call(std::env::args_os()));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("imago: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            cli::Command::List(args) => commands::list::run(args).await,
            cli::Command::Grab(args) => commands::grab::run(args).await,
            cli::Command::Rewrite(args) => commands::rewrite::run(args),
            cli::Command::Serve(args) => commands::serve::serve(args).await,
            cli::Command::Users(cmd) => commands::serve::users(cmd).await,
            cli::Command::Keys(cmd) => commands::serve::keys(cmd).await,
            cli::Command::NativeHost(args) => commands::native_host::run(args).await,
        }
    });
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::SomeFailed) => ExitCode::from(1),
        Ok(Outcome::BadInput) => ExitCode::from(2),
        Err(e) => {
            // One line: what, where, what to do (the messages are written that way).
            eprintln!("imago: {e:#}");
            ExitCode::from(2)
        }
    }
}
