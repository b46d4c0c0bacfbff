//! `metasync preview CONNECTOR ANCHOR_OR_DN`: what a synchronization would do to one object —
//! scope, join or projection, every metaverse value with the rule that won it, provisioning and
//! export changes — computed by the engine over a store that keeps nothing.

use super::Exit;
use super::run::Format;
use clap::Args;
use metasync_runtime::engine::describe_cs;
use metasync_runtime::engine::sync::synchronize_one;
use metasync_runtime::model::{CsObject, MvObject};
use metasync_runtime::store::dry_run::DryRun;
use metasync_runtime::store::{Op, Store};
use metasync_runtime::value::{Value, quote};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `preview`.
#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// The connector
    pub connector: String,
    /// The object's anchor or DN
    pub key: String,
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

/// A metaverse id for display: the ids a dry run hands out are shown as new.
fn mv_name(id: u64) -> String {
    if id > u64::MAX - 1_000_000 { "(new)".to_string() } else { id.to_string() }
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "(none)".to_string(),
        Some(v) => v.to_literal(),
    }
}

/// Runs `preview`.
pub fn run(args: &PreviewArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let plan = match super::compile::plan_of(&rules) {
        Ok((_, plan)) => plan,
        Err(exit) => return exit,
    };
    if !plan.connectors.iter().any(|c| c.name == args.connector) {
        eprintln!("error: the rule set has no connector `{}`", args.connector);
        return Exit::Usage;
    }
    let store = match super::run::open_store(&rules, args.store.as_ref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let id = match store.cs_by_anchor(&args.connector, &args.key).and_then(|a| match a {
        Some(id) => Ok(Some(id)),
        None => store.cs_by_dn(&args.connector, &args.key),
    }) {
        Ok(Some(id)) => id,
        Ok(None) => {
            eprintln!("error: connector `{}` has no object with the anchor or DN {}", args.connector, quote(&args.key));
            return Exit::Failed;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let dry = DryRun::new(&store);
    let run = store.runs().map(|r| r.iter().map(|x| x.id).max().unwrap_or(0) + 1).unwrap_or(1);
    let report = match synchronize_one(&plan, &dry, &args.connector, id, run) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failed;
        }
    };
    // The final state of every object the synchronization would write.
    let mut cs_after: BTreeMap<(String, u64), Option<CsObject>> = BTreeMap::new();
    let mut mv_after: BTreeMap<u64, Option<MvObject>> = BTreeMap::new();
    for batch in dry.batches() {
        for op in batch.ops {
            match op {
                Op::PutCs(o) => {
                    cs_after.insert((o.connector.clone(), o.id), Some(*o));
                }
                Op::DeleteCs { connector, id } => {
                    cs_after.insert((connector, id), None);
                }
                Op::PutMv(o, _) => {
                    mv_after.insert(o.id, Some(*o));
                }
                Op::DeleteMv(id) => {
                    mv_after.insert(id, None);
                }
                Op::SetWatermark { .. } | Op::PutRun(_) => {}
            }
        }
    }
    let source = store.cs(&args.connector, id).ok().flatten();
    // The metaverse object the source stays linked to is shown even when no value changes.
    let linked = match cs_after.get(&(args.connector.clone(), id)) {
        Some(after) => after.as_ref().and_then(|o| o.link),
        None => source.as_ref().and_then(|o| o.link),
    };
    if let Some(mv_id) = linked
        && !mv_after.contains_key(&mv_id)
        && let Ok(Some(o)) = store.mv(mv_id)
    {
        mv_after.insert(mv_id, Some(o));
    }
    let mut lines = Vec::new();
    let mut changes = Vec::new();
    let name = source.as_ref().map_or_else(|| args.key.clone(), describe_cs);
    lines.push(format!("preview of {name}: a full synchronization of this object; nothing is changed"));
    let rules_used: Vec<&String> = report.rules_used.iter().collect();
    lines.push(format!(
        "  rules that act: {}",
        if rules_used.is_empty() {
            "none (out of every rule's scope)".to_string()
        } else {
            rules_used.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        }
    ));
    let c = report.counts;
    lines.push(format!(
        "  joins {}, projections {}, provisions {}, deprovisions {}",
        c.joins, c.projections, c.provisions, c.deprovisions
    ));
    for issue in &report.issues {
        lines.push(format!(
            "  {} [{}] {}: {}",
            if issue.error { "error" } else { "warning" },
            issue.code,
            issue.object,
            issue.message
        ));
    }
    for (mv_id, after) in &mv_after {
        let before = store.mv(*mv_id).ok().flatten();
        match (before, after) {
            (_, None) => {
                lines.push(format!("  metaverse object {} would be deleted", mv_name(*mv_id)));
                changes.push(json!({ "metaverse": mv_id, "change": "delete" }));
            }
            (before, Some(o)) => {
                let verb = if before.is_none() { "would be projected" } else { "" };
                lines.push(format!("  metaverse {} {} {verb}", o.object_type, mv_name(*mv_id)).trim_end().to_string());
                let empty = BTreeMap::new();
                let old = before.as_ref().map_or(&empty, |b| &b.attributes);
                let mut names: Vec<&String> = o.attributes.keys().chain(old.keys()).collect();
                names.sort();
                names.dedup();
                let mut attrs = Vec::new();
                for n in names {
                    let (was, now) = (old.get(n), o.attributes.get(n));
                    let rule = o.lineage.get(n).map(|l| format!("    rule `{}`", l.rule)).unwrap_or_default();
                    let mark = if was == now { " " } else { "*" };
                    let shown = if was == now { text(now) } else { format!("{} -> {}", text(was), text(now)) };
                    lines.push(format!("   {mark} {n}: {shown}{rule}"));
                    attrs.push(json!({ "name": n, "old": was.map(Value::to_json), "new": now.map(Value::to_json), "rule": o.lineage.get(n).map(|l| l.rule.clone()), "changed": was != now }));
                }
                changes.push(json!({ "metaverse": mv_id, "object_type": o.object_type, "change": if before.is_none() { "project" } else { "update" }, "attributes": attrs }));
            }
        }
    }
    for ((connector, cs_id), after) in &cs_after {
        let before = store.cs(connector, *cs_id).ok().flatten();
        match after {
            None => {
                lines.push(format!(
                    "  {} would be removed from the connector space",
                    before.as_ref().map_or_else(|| format!("{connector} object {cs_id}"), describe_cs)
                ));
                changes.push(json!({ "connector": connector, "id": cs_id, "change": "remove" }));
            }
            Some(o) => {
                let export_changed = before.as_ref().map(|b| &b.pending_export) != Some(&o.pending_export);
                let link_changed = before.as_ref().map(|b| b.link) != Some(o.link);
                if !export_changed && !link_changed {
                    continue;
                }
                let what = match (&before, o.link, before.as_ref().and_then(|b| b.link)) {
                    (None, _, _) => "would be provisioned".to_string(),
                    (Some(_), Some(mv), None) => format!("would be joined to metaverse object {}", mv_name(mv)),
                    (Some(_), None, Some(_)) => "would be disconnected".to_string(),
                    _ => String::new(),
                };
                lines.push(format!("  {} {what}", describe_cs(o)).trim_end().to_string());
                if let Some(p) = &o.pending_export {
                    lines.push(format!("    pending export: {:?}", p.change).to_lowercase());
                    for a in &p.attributes {
                        lines.push(format!("      {}: {} -> {}", a.name, text(Some(&a.old)), text(Some(&a.new))));
                    }
                }
                changes.push(json!({ "connector": connector, "object": describe_cs(o), "change": if before.is_none() { "provision" } else { "update" }, "pending_export": o.pending_export, "link": o.link }));
            }
        }
    }
    match args.format {
        Format::Human => outln!("{}", lines.join("\n")),
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json!({ "object": name, "rules": report.rules_used, "counts": report.counts, "issues": report.issues, "changes": changes })).unwrap_or_default()
        ),
    }
    if report.issues.iter().any(|i| i.error) { Exit::Failed } else { Exit::Ok }
}
