//! The `metasync` command.

use clap::Parser;
use metasync_compiler::cli::{Cli, run};
use std::process::ExitCode;

fn main() -> ExitCode {
    run(Cli::parse()).into()
}
