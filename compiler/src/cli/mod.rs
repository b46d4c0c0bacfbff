//! The `metasync` command line: one file per subcommand.

pub mod check;
pub mod explain;
pub mod tokens;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes, the same for every subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Success: no errors.
    Ok = 0,
    /// The input has errors (or warnings with `--deny-warnings`).
    Failed = 1,
    /// Bad usage or an I/O error.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// metasync: identity synchronization rules, checked and compiled.
#[derive(Debug, Parser)]
#[command(name = "metasync", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check rule files and report diagnostics
    Check(check::CheckArgs),
    /// Print the documentation of a diagnostic code
    Explain(explain::ExplainArgs),
    /// Print the token stream of a file
    Tokens(tokens::TokensArgs),
}

/// Runs the command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Tokens(args) => tokens::run(&args),
    }
}
