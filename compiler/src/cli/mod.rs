//! The `metasync` command line: one file per subcommand.

/// Writes to standard output. When the reader has gone away (`metasync ... | head`), the output
/// ends quietly instead of failing.
pub fn write_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_err() {
        std::process::exit(0);
    }
}

/// `println!` to standard output, through [`write_out`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::cli::write_out(&format!("{}\n", format_args!($($arg)*))) };
}

/// `print!` to standard output, through [`write_out`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::write_out(&format!($($arg)*)) };
}

pub mod check;
pub mod compile;
pub mod eval;
pub mod explain;
pub mod export;
pub mod pending;
pub mod preview;
pub mod run;
pub mod search;
pub mod show;
pub mod status;
pub mod test;
pub mod tokens;

use clap::{CommandFactory, Parser, Subcommand};
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
#[command(
    name = "metasync",
    version,
    about = "metasync: identity synchronization rules, checked and compiled",
    propagate_version = true
)]
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
    /// Compile rule files into an evaluation plan (refused while there are errors)
    Compile(compile::CompileArgs),
    /// Evaluate one expression against one object (given as JSON)
    Eval(eval::EvalArgs),
    /// Print the documentation of a diagnostic code
    Explain(explain::ExplainArgs),
    /// Export exactly the pending changes reviewed in a file written by `pending --format json`
    Export(export::ExportArgs),
    /// Run the rule set's unit tests (`test` blocks) in memory
    Test(test::TestArgs),
    /// Show every pending export as a diff, deletions first
    Pending(pending::PendingArgs),
    /// Show what synchronizing one object would do, changing nothing
    Preview(preview::PreviewArgs),
    /// Run a profile or steps: import, synchronize, export
    Run(run::RunArgs),
    /// Find the objects for which a condition in the rule language holds
    Search(search::SearchArgs),
    /// Show one object: its values with their origin, links and pending changes
    Show(show::ShowArgs),
    /// Show the run history
    Status(status::StatusArgs),
    /// Print the token stream of a file
    Tokens(tokens::TokensArgs),
}

/// Runs the command line.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Compile(args) => compile::run(&args),
        Command::Eval(args) => eval::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Export(args) => export::run_command(&args),
        Command::Test(args) => test::run(&args),
        Command::Pending(args) => pending::run(&args),
        Command::Preview(args) => preview::run(&args),
        Command::Run(args) => run::run_command(&args),
        Command::Search(args) => search::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Status(args) => status::run(&args),
        Command::Tokens(args) => tokens::run(&args),
    }
}

/// The command-line reference, as `docs/cli.md` holds it (a test keeps the page fresh).
pub fn reference_markdown() -> String {
    let mut root = Cli::command().term_width(100);
    let mut out = String::from(
        "# metasync command line\n\nGenerated from the command definitions; `cargo test` fails when this page is stale \
         (regenerate with `METASYNC_BLESS=1 cargo test -p metasync-compiler --test cli`).\n\n\
         Exit codes, for every command: 0 success, 1 the input has errors (or warnings with \
         `--deny-warnings`), 2 bad usage or an I/O error.\n\n",
    );
    out.push_str(&format!("## `metasync`\n\n```text\n{}\n```\n", root.render_long_help().to_string().trim_end()));
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_string()).filter(|n| n != "help").collect();
    for name in names {
        if let Some(sub) = root.find_subcommand_mut(&name) {
            let help = sub.clone().bin_name(format!("metasync {name}")).render_long_help().to_string();
            out.push_str(&format!("\n## `metasync {name}`\n\n```text\n{}\n```\n", help.trim_end()));
        }
    }
    out
}
