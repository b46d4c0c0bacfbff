//! `metasync compile [PATHS...] [-o FILE]`

use super::Exit;
use crate::diagnostics::render::{color_wanted, render_human, summary_line};
use crate::lower::lower;
use crate::ruleset::{RuleSet, discover, read_files};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Arguments of `compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// Files or folders (every `*.sync` below them); the current folder when none is given
    pub paths: Vec<PathBuf>,
    /// Where to write the plan (JSON); standard output when not given
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Loads the rule set named by `paths`, or reports why it cannot be read.
pub fn load(paths: &[PathBuf]) -> Result<RuleSet, Exit> {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    match discover(&paths).and_then(|f| read_files(&f)) {
        Ok(files) if files.is_empty() => {
            let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
            eprintln!("error: no `.sync` files in {}", shown.join(", "));
            Err(Exit::Usage)
        }
        Ok(files) => Ok(RuleSet::new(files)),
        Err(e) => {
            eprintln!("error: {e}");
            Err(Exit::Usage)
        }
    }
}

/// Prints the rule set's errors to standard error and returns whether there were any.
pub fn report_errors(rule_set: &RuleSet) -> bool {
    let diags: Vec<_> = rule_set.check().into_iter().filter(|d| d.diagnostic.is_error()).collect();
    if diags.is_empty() {
        return false;
    }
    let color = color_wanted(std::io::stderr().is_terminal());
    eprint!("{}", render_human(&diags, &rule_set.sources(), color));
    eprintln!("{}; fix them first (`metasync check` shows the warnings too)", summary_line(&diags));
    true
}

/// Loads and compiles the rule set named by `paths`: its errors are printed and refuse the plan.
pub fn plan_of(paths: &[PathBuf]) -> Result<(RuleSet, metasync_runtime::plan::Plan), Exit> {
    let rule_set = load(paths)?;
    if report_errors(&rule_set) {
        return Err(Exit::Failed);
    }
    match lower(&rule_set.db) {
        Ok(plan) => Ok((rule_set, plan)),
        Err(e) => {
            eprintln!("error: cannot compile the rule set: {e}");
            Err(Exit::Failed)
        }
    }
}

/// Runs `compile`.
pub fn run(args: &CompileArgs) -> Exit {
    let plan = match plan_of(&args.paths) {
        Ok((_, plan)) => plan,
        Err(exit) => return exit,
    };
    let json = plan.to_json();
    match &args.output {
        Some(path) => {
            // Write beside the target and rename, so a reader never sees half a plan.
            let tmp = path.with_extension("tmp");
            let written = std::fs::write(&tmp, json.as_bytes()).and_then(|()| std::fs::rename(&tmp, path));
            if let Err(e) = written {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return Exit::Usage;
            }
            if std::io::stderr().is_terminal() {
                eprintln!("wrote {} (plan {})", path.display(), plan.hash.get(..12).unwrap_or(""));
            }
        }
        None => {
            let mut out = std::io::stdout().lock();
            if out.write_all(json.as_bytes()).and_then(|()| out.flush()).is_err() {
                return Exit::Usage;
            }
        }
    }
    Exit::Ok
}
