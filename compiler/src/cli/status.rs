//! `metasync status [RULES] [RUN] [--store DIR] [--format human|json]`

use super::Exit;
use super::run::{Format, store_dir, summary};
use clap::Args;
use metasync_runtime::store::Store;
use metasync_runtime::store::sled_store::SledStore;
use std::path::PathBuf;

/// Arguments of `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The rule set's folder (the store is `.metasync/` in it); the current folder when not given
    pub rules: Option<PathBuf>,
    /// Show one run with all its errors and warnings
    #[arg(long)]
    pub run: Option<u64>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `status`.
pub fn run(args: &StatusArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let dir = store_dir(&rules, args.store.as_ref());
    if !dir.exists() {
        eprintln!("error: no store at `{}`: nothing has run yet (or give --store)", dir.display());
        return Exit::Usage;
    }
    let store = match SledStore::open(&dir) {
        Ok(s) => {
            super::run::report_repair(&s);
            s
        }
        Err(e) => {
            eprintln!("error: cannot open the store `{}`: {e}", dir.display());
            return Exit::Usage;
        }
    };
    let runs = match store.runs() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let selected: Vec<_> = match args.run {
        Some(id) => runs.into_iter().filter(|r| r.id == id).collect(),
        None => runs,
    };
    if let (Some(id), true) = (args.run, selected.is_empty()) {
        eprintln!("error: there is no run {id}");
        return Exit::Usage;
    }
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&selected).unwrap_or_default()),
        Format::Human => {
            if selected.is_empty() {
                outln!("no runs yet");
            }
            for r in &selected {
                if args.run.is_some() {
                    out!("{}", summary(r));
                    for s in &r.steps {
                        for issue in s.issues.iter().skip(5) {
                            let kind = if issue.error { "error" } else { "warning" };
                            outln!("    {kind} [{}] {}: {}", issue.code, issue.object, issue.message);
                        }
                    }
                } else {
                    out!("{}", summary(r));
                }
            }
        }
    }
    Exit::Ok
}
