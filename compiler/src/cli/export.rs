//! `metasync export [CONNECTOR...] --plan FILE [--rules DIR] [--store DIR]`: exports exactly the
//! pending changes reviewed in FILE (written by `metasync pending --format json`), and refuses when
//! the pending state no longer matches it.

use super::Exit;
use super::pending::{load_pending, to_json};
use super::run::{Format, rules_dir, secret, store_dir, summary};
use clap::Args;
use metasync_runtime::engine::run::{RunOptions, Step, run};
use metasync_runtime::plan::StepKind;
use metasync_runtime::store::sled_store::SledStore;
use std::path::PathBuf;

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The reviewed pending exports (`metasync pending --format json > FILE`)
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// The rule set (default: the current folder)
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Output format of the summary
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `export`.
pub fn run_command(args: &ExportArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let plan = match super::compile::plan_of(&rules) {
        Ok((_, plan)) => plan,
        Err(exit) => return exit,
    };
    let reviewed: serde_json::Value = match std::fs::read_to_string(&args.plan)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: cannot read the reviewed plan `{}`: {e}", args.plan.display());
            return Exit::Usage;
        }
    };
    let connectors: Vec<String> = reviewed
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["connector"].as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if connectors.is_empty() {
        eprintln!("error: `{}` is not the output of `metasync pending --format json`", args.plan.display());
        return Exit::Usage;
    }
    if let Some(unknown) = connectors.iter().find(|c| !plan.connectors.iter().any(|x| &x.name == *c)) {
        eprintln!("error: the reviewed plan names connector `{unknown}`, which the rule set does not have");
        return Exit::Usage;
    }
    let dir = store_dir(&rules, args.store.as_ref());
    let store = match SledStore::open(&dir) {
        Ok(s) => {
            super::run::report_repair(&s);
            s
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let current = match load_pending(&store, &connectors) {
        Ok(r) => to_json(&r),
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    if current != reviewed {
        let differing: Vec<&str> = connectors
            .iter()
            .enumerate()
            .filter(|(i, _)| current.get(*i) != reviewed.get(*i))
            .map(|(_, c)| c.as_str())
            .collect();
        eprintln!(
            "error: the pending exports of {} changed since `{}` was written; review them again with `metasync pending`",
            differing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "),
            args.plan.display()
        );
        return Exit::Failed;
    }
    // The deletes in a reviewed plan were reviewed: the threshold does not stop them.
    let options = RunOptions { allow_deletes: connectors.iter().cloned().collect() };
    let steps: Vec<Step> = connectors.iter().map(|c| Step { kind: StepKind::Export, connector: c.clone() }).collect();
    let record = match run(&plan, &store, &rules_dir(&rules), "reviewed export", &steps, &options, &secret, &mut |_| {})
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failed;
        }
    };
    match args.format {
        Format::Human => out!("{}", summary(&record)),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&record).unwrap_or_default()),
    }
    if record.steps.iter().any(|s| !s.completed || s.counts.errors > 0) { Exit::Failed } else { Exit::Ok }
}
