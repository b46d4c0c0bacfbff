//! `metasync show cs CONNECTOR ANCHOR_OR_DN` and `metasync show mv ID_OR_ATTRIBUTE=VALUE`: one
//! object, its links, its pending changes, and where each metaverse value came from.

use super::Exit;
use super::run::Format;
use clap::{Args, Subcommand};
use metasync_runtime::engine::{ObjectEnv, describe_cs, slots};
use metasync_runtime::eval::{FlowValue, eval_condition, eval_flow};
use metasync_runtime::model::{CsObject, Id, MvObject};
use metasync_runtime::plan::Plan;
use metasync_runtime::store::Store;
use metasync_runtime::value::{Value, quote};
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// What to show
    #[command(subcommand)]
    pub what: What,
    /// The rule set's folder (the store is `.metasync/` in it; default: the current folder)
    #[arg(long, value_name = "DIR", global = true)]
    pub rules: Option<PathBuf>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
}

/// The kinds of object.
#[derive(Debug, Subcommand)]
pub enum What {
    /// A connector space object, by anchor or DN
    Cs {
        /// The connector
        connector: String,
        /// The object's anchor or DN
        key: String,
    },
    /// A metaverse object, by id or by `ATTRIBUTE=VALUE`
    Mv {
        /// The id, or `ATTRIBUTE=VALUE` (e.g. `employeeId=2001`)
        selector: String,
    },
}

fn text(v: &Value) -> String {
    if v.is_null() { "(none)".to_string() } else { v.to_literal() }
}

fn cs_json(o: &CsObject) -> serde_json::Value {
    json!({
        "id": o.id,
        "connector": o.connector,
        "object_type": o.object_type,
        "dn": o.dn,
        "anchor": o.anchor,
        "kind": o.kind,
        "link": o.link,
        "attributes": o.attributes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>(),
        "pending_import": o.pending_import,
        "pending_export": o.pending_export,
        "export_memory": o.export_memory.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>(),
        "provisioned_by": o.provisioned_by,
    })
}

fn show_cs(o: &CsObject) -> String {
    let mut out = format!("{} (id {}, {:?})\n", describe_cs(o), o.id, o.kind);
    out.push_str(&format!("  dn: {}\n", o.dn));
    out.push_str(&format!("  anchor: {}\n", o.anchor.as_deref().map_or("(not confirmed yet)".to_string(), quote)));
    match o.link {
        Some(mv) => out.push_str(&format!("  joined to metaverse object {mv}\n")),
        None => {
            out.push_str(&format!("  a disconnector{}\n", if o.explicit_disconnector { " (explicit)" } else { "" }))
        }
    }
    if let Some(rule) = &o.provisioned_by {
        out.push_str(&format!("  provisioned by rule `{rule}`\n"));
    }
    out.push_str("  attributes:\n");
    for (k, v) in &o.attributes {
        out.push_str(&format!("    {k}: {}\n", text(v)));
    }
    if let Some(p) = &o.pending_import {
        out.push_str(&format!("  pending import: {:?} {}\n", p.change, p.changed.join(", ")).to_lowercase());
    }
    if let Some(p) = &o.pending_export {
        out.push_str(&format!("  pending export: {:?}\n", p.change).to_lowercase());
        if let Some(dn) = &p.new_dn {
            out.push_str(&format!("    rename to {dn}\n"));
        }
        for c in &p.attributes {
            out.push_str(&format!("    {}: {} -> {}\n", c.name, text(&c.old), text(&c.new)));
        }
    }
    if !o.export_memory.is_empty() {
        out.push_str("  exported, not yet confirmed by an import:\n");
        for (k, v) in &o.export_memory {
            out.push_str(&format!("    {k}: {}\n", text(v)));
        }
    }
    out
}

fn show_mv(store: &dyn Store, plan: Option<&Plan>, o: &MvObject) -> Result<(String, serde_json::Value), String> {
    let mut links = Vec::new();
    let mut link_json = Vec::new();
    for l in &o.links {
        let name = match store.cs(&l.connector, l.cs).map_err(|e| e.to_string())? {
            Some(cs) => describe_cs(&cs),
            None => format!("{} object {}", l.connector, l.cs),
        };
        link_json.push(json!({ "connector": l.connector, "id": l.cs, "object": name }));
        links.push(name);
    }
    let mut out = format!(
        "metaverse {} {}\n  links: {}\n",
        o.object_type,
        o.id,
        if links.is_empty() { "none".to_string() } else { links.join(", ") }
    );
    let mut attrs = serde_json::Map::new();
    for (k, v) in &o.attributes {
        let origin = match o.lineage.get(k) {
            Some(l) => {
                let from = match store.cs(&l.connector, l.cs).map_err(|e| e.to_string())? {
                    Some(cs) => describe_cs(&cs),
                    None => format!("{} object {} (gone)", l.connector, l.cs),
                };
                attrs.insert(k.clone(), json!({ "value": v.to_json(), "from": from, "rule": l.rule, "run": l.run }));
                format!("from {from}, rule `{}`, run {}", l.rule, l.run)
            }
            None => {
                attrs.insert(k.clone(), json!({ "value": v.to_json() }));
                String::new()
            }
        };
        out.push_str(&format!("  {k}: {}    {origin}\n", text(v)));
        // The other contributions, and what they would have given.
        if let Some(plan) = plan {
            let winner = o.lineage.get(k).map(|l| (l.rule.clone(), l.cs));
            let mut lost = Vec::new();
            for (rule, object, value) in candidates(store, plan, o, k) {
                if winner.as_ref().is_some_and(|(r, cs)| *r == rule && *cs == object.0) {
                    continue;
                }
                out.push_str(&format!("      lost: {} from {}, rule `{rule}`\n", text(&value), object.1));
                lost.push(json!({ "value": value.to_json(), "from": object.1, "rule": rule }));
            }
            if let Some(entry) = attrs.get_mut(k) {
                entry["lost"] = serde_json::Value::Array(lost);
            }
        }
    }
    let value = json!({ "id": o.id, "object_type": o.object_type, "links": link_json, "attributes": attrs });
    Ok((out, value))
}

/// Every contribution to `attr` of `o`, best precedence first: `(rule, (object id, object name), value)`
/// for each rule whose linked object is in its scope and gives a value.
fn candidates(store: &dyn Store, plan: &Plan, o: &MvObject, attr: &str) -> Vec<(String, (Id, String), Value)> {
    let mut out = Vec::new();
    let Some(ty) = plan.metaverse.iter().find(|t| t.name == o.object_type) else { return out };
    let Some(slot) = ty.attributes.iter().position(|a| a.name == attr) else { return out };
    for c in ty.precedence.get(slot).into_iter().flatten() {
        let Some(rule) = plan.inbound.get(usize::from(c.rule)) else { continue };
        let Some(flow) = rule.flows.get(usize::from(c.flow)) else { continue };
        let Some(conn) = plan.connectors.get(usize::from(rule.connector)) else { continue };
        let Some(cs_ty) = conn.objects.get(usize::from(rule.object)) else { continue };
        for l in o.links.iter().filter(|l| l.connector == conn.name) {
            let Ok(Some(cs)) = store.cs(&l.connector, l.cs) else { continue };
            if cs.object_type != cs_ty.name {
                continue;
            }
            let values = slots(&cs_ty.attributes, &cs.attributes);
            let env = ObjectEnv { values: &values, plan, store };
            if let Some(scope) = &rule.scope
                && !eval_condition(scope, &env).unwrap_or(false)
            {
                continue;
            }
            if let Ok(FlowValue::Value(v)) = eval_flow(&flow.value, &env)
                && !v.is_null()
            {
                out.push((rule.name.clone(), (cs.id, describe_cs(&cs)), v.into_owned()));
            }
        }
    }
    out
}

fn find_mv(store: &dyn Store, selector: &str) -> Result<Vec<Id>, String> {
    if let Ok(id) = selector.trim().parse::<Id>() {
        return Ok(if store.mv(id).map_err(|e| e.to_string())?.is_some() { vec![id] } else { Vec::new() });
    }
    let Some((attr, value)) = selector.split_once('=') else {
        return Err(format!("`{selector}` is neither an id nor `ATTRIBUTE=VALUE`"));
    };
    let (attr, value) = (attr.trim(), value.trim());
    let mut found = Vec::new();
    for id in store.mv_ids().map_err(|e| e.to_string())? {
        if let Some(o) = store.mv(id).map_err(|e| e.to_string())?
            && o.attributes.get(attr).is_some_and(|v| {
                v.values().iter().any(|x| {
                    matches!(x, Value::String(s) | Value::Reference(s) if s == value) || x.to_literal() == value
                })
            })
        {
            found.push(id);
        }
    }
    Ok(found)
}

/// Runs `show`.
pub fn run(args: &ShowArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let store = match super::run::open_store(&rules, args.store.as_ref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    match &args.what {
        What::Cs { connector, key } => {
            let id = store.cs_by_anchor(connector, key).and_then(|a| match a {
                Some(id) => Ok(Some(id)),
                None => store.cs_by_dn(connector, key),
            });
            let object = match id.and_then(|id| id.map_or(Ok(None), |id| store.cs(connector, id))) {
                Ok(Some(o)) => o,
                Ok(None) => {
                    eprintln!("error: connector `{connector}` has no object with the anchor or DN {}", quote(key));
                    return Exit::Failed;
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return Exit::Usage;
                }
            };
            match args.format {
                Format::Human => out!("{}", show_cs(&object)),
                Format::Json => outln!("{}", serde_json::to_string_pretty(&cs_json(&object)).unwrap_or_default()),
            }
        }
        What::Mv { selector } => {
            // With the rule set, the candidates that lost precedence are shown too.
            let plan = super::compile::plan_of(&rules).ok().map(|(_, p)| p);
            let ids = match find_mv(&store, selector) {
                Ok(ids) => ids,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Exit::Usage;
                }
            };
            if ids.is_empty() {
                eprintln!("error: no metaverse object matches `{selector}`");
                return Exit::Failed;
            }
            let mut all = Vec::new();
            for id in ids {
                let Ok(Some(o)) = store.mv(id) else { continue };
                match show_mv(&store, plan.as_ref(), &o) {
                    Ok((text, value)) => {
                        if args.format == Format::Human {
                            out!("{text}");
                        }
                        all.push(value);
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Exit::Usage;
                    }
                }
            }
            if args.format == Format::Json {
                outln!("{}", serde_json::to_string_pretty(&all).unwrap_or_default());
            }
        }
    }
    Exit::Ok
}
