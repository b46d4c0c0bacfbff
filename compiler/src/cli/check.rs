//! `metasync check [PATHS...] [--format human|json|sarif] [--deny-warnings]`

use super::Exit;
use crate::diagnostics::render::{color_wanted, render_human, summary_line};
use crate::diagnostics::{json, sarif};
use crate::ruleset::{RuleSet, discover, read_files};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered diagnostics with source snippets
    Human,
    /// A JSON array, one object per diagnostic
    Json,
    /// SARIF 2.1.0, for code scanning in CI
    Sarif,
}

/// Arguments of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or folders (every `*.sync` below them); the current folder when none is given
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit with 1 when there are warnings, not only errors
    #[arg(long)]
    pub deny_warnings: bool,
}

/// Runs `check`.
pub fn run(args: &CheckArgs) -> Exit {
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let files = match discover(&paths).and_then(|f| read_files(&f)) {
        Ok(files) if files.is_empty() => {
            // A CI job pointed at the wrong folder must not pass silently.
            let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
            eprintln!("error: no `.sync` files in {}", shown.join(", "));
            return Exit::Usage;
        }
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let rule_set = RuleSet::new(files);
    let diags = rule_set.check();
    let sources = rule_set.sources();
    let out = match args.format {
        Format::Human => {
            let color = color_wanted(std::io::stdout().is_terminal());
            let mut text = render_human(&diags, &sources, color);
            text.push_str(&summary_line(&diags));
            text.push('\n');
            text
        }
        Format::Json => format!("{:#}\n", json::to_json(&diags, &sources)),
        Format::Sarif => format!("{:#}\n", sarif::to_sarif(&diags, &sources, env!("CARGO_PKG_VERSION"))),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return Exit::Usage;
    }
    let errors = diags.iter().any(|d| d.diagnostic.is_error());
    if errors || (args.deny_warnings && !diags.is_empty()) { Exit::Failed } else { Exit::Ok }
}
