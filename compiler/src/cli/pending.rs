//! `metasync pending [CONNECTOR] [--rules DIR] [--store DIR] [--format human|json]`: every pending
//! export as a reviewable diff, deletions first.

use super::Exit;
use super::run::Format;
use clap::Args;
use metasync_runtime::model::{CsObject, ExportChange};
use metasync_runtime::store::Store;
use metasync_runtime::value::Value;
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `pending`.
#[derive(Debug, Args)]
pub struct PendingArgs {
    /// Only this connector's pending exports
    pub connector: Option<String>,
    /// The rule set (default: the current folder)
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

fn order(change: ExportChange) -> u8 {
    match change {
        ExportChange::Delete => 0,
        ExportChange::DeleteAdd => 1,
        ExportChange::Add => 2,
        ExportChange::Update => 3,
    }
}

fn word(change: ExportChange) -> &'static str {
    match change {
        ExportChange::Delete => "delete",
        ExportChange::DeleteAdd => "delete-add",
        ExportChange::Add => "add",
        ExportChange::Update => "update",
    }
}

fn shown(v: &Value) -> String {
    if v.is_null() { "(none)".to_string() } else { v.to_literal() }
}

/// The pending exports of each connector, loaded from the store and sorted for review
/// (deletions first, then by DN).
pub fn load_pending(store: &dyn Store, connectors: &[String]) -> Result<Vec<(String, Vec<CsObject>)>, String> {
    let mut report = Vec::new();
    for name in connectors {
        let mut objects: Vec<CsObject> = Vec::new();
        for id in store.pending_exports(name).map_err(|e| e.to_string())? {
            if let Some(o) = store.cs(name, id).map_err(|e| e.to_string())?
                && o.pending_export.is_some()
            {
                objects.push(o);
            }
        }
        objects.sort_by(|a, b| {
            let key = |o: &CsObject| o.pending_export.as_ref().map_or(9, |p| order(p.change));
            (key(a), a.dn.to_lowercase()).cmp(&(key(b), b.dn.to_lowercase()))
        });
        report.push((name.clone(), objects));
    }
    Ok(report)
}

/// The pending exports as JSON: what `pending --format json` prints and `export --plan` compares.
pub fn to_json(report: &[(String, Vec<CsObject>)]) -> serde_json::Value {
    let value: Vec<serde_json::Value> = report
        .iter()
        .map(|(name, objects)| {
            let count = |c: ExportChange| objects.iter().filter(|o| o.pending_export.as_ref().is_some_and(|p| p.change == c)).count();
            let renames = objects.iter().filter(|o| o.pending_export.as_ref().is_some_and(|p| p.new_dn.is_some())).count();
            json!({
                "connector": name,
                "counts": { "deletes": count(ExportChange::Delete) + count(ExportChange::DeleteAdd), "adds": count(ExportChange::Add), "updates": count(ExportChange::Update), "renames": renames },
                "changes": objects.iter().filter_map(|o| {
                    let p = o.pending_export.as_ref()?;
                    Some(json!({
                        "change": word(p.change),
                        "object_type": o.object_type,
                        "dn": o.dn,
                        "new_dn": p.new_dn,
                        "attributes": p.attributes.iter().map(|c| json!({ "name": c.name, "old": c.old.to_json(), "new": c.new.to_json() })).collect::<Vec<_>>(),
                    }))
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::Value::Array(value)
}

/// Runs `pending`.
pub fn run(args: &PendingArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let plan = match super::compile::plan_of(&rules) {
        Ok((_, plan)) => plan,
        Err(exit) => return exit,
    };
    let connectors: Vec<String> = match &args.connector {
        Some(c) if plan.connectors.iter().any(|x| &x.name == c) => vec![c.clone()],
        Some(c) => {
            eprintln!("error: the rule set has no connector `{c}`");
            return Exit::Usage;
        }
        None => plan.connectors.iter().map(|c| c.name.clone()).collect(),
    };
    let store = match super::run::open_store(&rules, args.store.as_ref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let report = match load_pending(&store, &connectors) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    match args.format {
        Format::Json => {
            let value = to_json(&report);
            outln!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Format::Human => {
            for (name, objects) in &report {
                let count = |c: ExportChange| {
                    objects.iter().filter(|o| o.pending_export.as_ref().is_some_and(|p| p.change == c)).count()
                };
                let renames =
                    objects.iter().filter(|o| o.pending_export.as_ref().is_some_and(|p| p.new_dn.is_some())).count();
                outln!(
                    "{name}: {} pending exports ({} deletes, {} adds, {} updates, {} renames)",
                    objects.len(),
                    count(ExportChange::Delete) + count(ExportChange::DeleteAdd),
                    count(ExportChange::Add),
                    count(ExportChange::Update),
                    renames
                );
                for o in objects {
                    let Some(p) = &o.pending_export else { continue };
                    let sign = match p.change {
                        ExportChange::Delete => "-",
                        ExportChange::DeleteAdd => "-+",
                        ExportChange::Add => "+",
                        ExportChange::Update => "~",
                    };
                    outln!("  {sign} {} {} {}", word(p.change), o.object_type, o.dn);
                    if let Some(new_dn) = &p.new_dn {
                        outln!("      rename to {new_dn}");
                    }
                    for c in &p.attributes {
                        if p.change == ExportChange::Add {
                            outln!("      {}: {}", c.name, shown(&c.new));
                        } else {
                            outln!("      {}: {} -> {}", c.name, shown(&c.old), shown(&c.new));
                        }
                    }
                }
            }
        }
    }
    Exit::Ok
}
