//! `metasync run [RULES] [--profile NAME | --step STEP...] [--store DIR] [--allow-deletes CONNECTOR...]`

use super::Exit;
use clap::{Args, ValueEnum};
use metasync_runtime::engine::run::{Event, RunOptions, Step, profile_steps, run};
use metasync_runtime::model::RunRecord;
use metasync_runtime::store::sled_store::SledStore;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Output formats of `run` and `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table per run
    Human,
    /// JSON
    Json,
}

/// Arguments of `run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The rule set: a folder (every `*.sync` below it) or files; the current folder when none is given
    pub rules: Vec<PathBuf>,
    /// The run profile to run (default: the profile named `default`, or a full cycle)
    #[arg(long, conflicts_with = "step")]
    pub profile: Option<String>,
    /// A step to run, e.g. "delta import hr"; repeat for several, run in order
    #[arg(long)]
    pub step: Vec<String>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Let the export to this connector delete more objects than its threshold, for this run
    #[arg(long, value_name = "CONNECTOR")]
    pub allow_deletes: Vec<String>,
    /// Output format of the summary
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The rule set's folder: the folder given, or the folder of the first file.
pub fn rules_dir(rules: &[PathBuf]) -> PathBuf {
    let first = rules.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    if first.is_dir() { first } else { first.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")) }
}

/// The store folder for a rule set.
pub fn store_dir(rules: &[PathBuf], store: Option<&PathBuf>) -> PathBuf {
    store.cloned().unwrap_or_else(|| rules_dir(rules).join(".metasync"))
}

/// Opens the existing store of a rule set (a missing store is a usage error: nothing has run yet).
pub fn open_store(rules: &[PathBuf], store: Option<&PathBuf>) -> Result<SledStore, Exit> {
    let dir = store_dir(rules, store);
    if !dir.exists() {
        eprintln!("error: no store at `{}`: nothing has run yet (or give --store)", dir.display());
        return Err(Exit::Usage);
    }
    let store = SledStore::open(&dir).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Usage
    })?;
    report_repair(&store);
    Ok(store)
}

/// Tells the operator what opening the store repaired after an interrupted process, if anything.
pub fn report_repair(store: &SledStore) {
    if let Some(repair) = store.recovery() {
        eprintln!("warning: the store at `{}` was repaired after an interrupted process: {repair}", store.location());
    }
}

/// A secret by name: the environment variable `METASYNC_SECRET_<NAME>` (upper case, `-` as `_`).
pub fn secret(name: &str) -> Option<String> {
    let var = format!("METASYNC_SECRET_{}", name.to_ascii_uppercase().replace('-', "_"));
    std::env::var(var).ok()
}

/// Runs `run`.
pub fn run_command(args: &RunArgs) -> Exit {
    let plan = match super::compile::plan_of(&args.rules) {
        Ok((_, plan)) => plan,
        Err(exit) => return exit,
    };
    let (profile, steps) = if args.step.is_empty() {
        match profile_steps(&plan, args.profile.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Usage;
            }
        }
    } else {
        let mut steps = Vec::new();
        for text in &args.step {
            match Step::parse(text) {
                Some(s) if plan.connectors.iter().any(|c| c.name == s.connector) => steps.push(s),
                Some(s) => {
                    eprintln!("error: step `{text}`: the rule set has no connector `{}`", s.connector);
                    return Exit::Usage;
                }
                None => {
                    eprintln!(
                        "error: step `{text}` is not `full import C`, `delta import C`, `full sync C`, `delta sync C` or `export C`"
                    );
                    return Exit::Usage;
                }
            }
        }
        ("steps".to_string(), steps)
    };
    let dir = store_dir(&args.rules, args.store.as_ref());
    let store = match SledStore::open(&dir) {
        Ok(s) => {
            report_repair(&s);
            s
        }
        Err(e) => {
            eprintln!("error: cannot open the store `{}`: {e}", dir.display());
            return Exit::Usage;
        }
    };
    let options = RunOptions { allow_deletes: args.allow_deletes.iter().cloned().collect() };
    let terminal = std::io::stderr().is_terminal();
    let mut current = String::new();
    let mut total: Option<u64> = None;
    let mut observe = |event: Event| {
        if !terminal {
            return;
        }
        match event {
            Event::StepStarted(s) => {
                current = s;
                total = None;
                eprint!("\r\x1b[2K{current} ...");
            }
            Event::Total(n) => total = Some(n),
            Event::Progress(n) => match total {
                Some(t) if t > 0 => eprint!("\r\x1b[2K{current} {} {n}/{t}", bar(n, t)),
                _ => eprint!("\r\x1b[2K{current} ... {n} objects"),
            },
            Event::StepFinished(_) => eprint!("\r\x1b[2K"),
        }
        let _ = std::io::stderr().flush();
    };
    let base = rules_dir(&args.rules);
    let record = match run(&plan, &store, &base, &profile, &steps, &options, &secret, &mut observe) {
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
    let failed = record.steps.iter().any(|s| !s.completed || s.counts.errors > 0);
    if failed { Exit::Failed } else { Exit::Ok }
}

/// `[########............]` for `done` of `total`.
fn bar(done: u64, total: u64) -> String {
    const WIDTH: u64 = 24;
    let filled = (done.min(total) * WIDTH).checked_div(total).unwrap_or(0);
    let filled = usize::try_from(filled).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(24usize.saturating_sub(filled)))
}

/// A run as a table: one row per step.
pub fn summary(record: &RunRecord) -> String {
    let mut out = format!(
        "run {} ({}, plan {}) started {}\n",
        record.id,
        record.profile,
        record.plan_hash.get(..12).unwrap_or(""),
        record.started
    );
    out.push_str(&format!(
        "  {:<28} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>6} {:>7} {:>6} {:>6} {:>8}\n",
        "step", "adds", "updates", "deletes", "joins", "projs", "provs", "deprov", "exports", "errors", "warns", "ms"
    ));
    for s in &record.steps {
        // The widths of the header's columns.
        let widths = [7, 7, 7, 6, 6, 6, 6, 7, 6, 6];
        out.push_str(&format!("  {:<28}", s.step));
        for ((_, n), width) in s.counts.named().iter().zip(widths) {
            out.push_str(&format!(" {n:>width$}"));
        }
        out.push_str(&format!(" {:>8}\n", s.millis));
        if let Some(why) = &s.stopped {
            out.push_str(&format!("    stopped: {why}\n"));
        }
        for issue in s.issues.iter().take(5) {
            let kind = if issue.error { "error" } else { "warning" };
            out.push_str(&format!("    {kind} [{}] {}: {}\n", issue.code, issue.object, issue.message));
        }
        if s.issues.len() > 5 {
            out.push_str(&format!("    ... {} more (metasync status {})\n", s.issues.len() - 5, record.id));
        }
    }
    out
}
