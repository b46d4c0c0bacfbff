//! `metasync search mv TYPE FILTER` and `metasync search cs CONNECTOR.TYPE FILTER`: the objects for
//! which a condition written in the rule language holds (`department == "FIN" and title is present`).

use super::Exit;
use super::run::Format;
use crate::db::Workspace;
use crate::diagnostics::FileDiagnostic;
use crate::diagnostics::render::{Sources, color_wanted, render_human};
use crate::lower::{Lowerer, Scope};
use crate::resolve::schema;
use crate::syntax::parser::parse_expr;
use crate::typeck::expr::{Cx, Source};
use clap::{Args, Subcommand};
use metasync_runtime::engine::{ObjectEnv, describe_cs, slots};
use metasync_runtime::eval::eval_condition;
use metasync_runtime::store::Store;
use serde_json::json;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Where to search
    #[command(subcommand)]
    pub space: Space,
    /// The rule set (default: the current folder)
    #[arg(long, value_name = "DIR", global = true)]
    pub rules: Option<PathBuf>,
    /// The store folder (default: `.metasync/` beside the rule set)
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
}

/// The spaces to search.
#[derive(Debug, Subcommand)]
pub enum Space {
    /// Metaverse objects of a type
    Mv {
        /// The metaverse type
        object_type: String,
        /// The condition, in the rule language
        filter: String,
    },
    /// Connector space objects of `CONNECTOR.TYPE`
    Cs {
        /// `CONNECTOR.TYPE`
        object_type: String,
        /// The condition, in the rule language
        filter: String,
    },
}

/// Runs `search`.
pub fn run(args: &SearchArgs) -> Exit {
    let rules: Vec<PathBuf> = args.rules.iter().cloned().collect();
    let (rule_set, plan) = match super::compile::plan_of(&rules) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let (filter, mv_type, cs_type) = match &args.space {
        Space::Mv { object_type, filter } => (filter.as_str(), Some(object_type.as_str()), None),
        Space::Cs { object_type, filter } => match object_type.split_once('.') {
            Some((c, o)) => (filter.as_str(), None, Some((c, o))),
            None => {
                eprintln!("error: write the connector object type as `CONNECTOR.TYPE`, not `{object_type}`");
                return Exit::Usage;
            }
        },
    };
    let ws = Workspace::get(&rule_set.db);
    let schema = schema(&rule_set.db, ws);
    let (source, ty) = match (mv_type, cs_type) {
        (Some(t), _) => match schema.mv_types.get(t) {
            Some(ty) => (Source::Mv(t), ty),
            None => {
                eprintln!("error: the rule set has no metaverse type `{t}`");
                return Exit::Usage;
            }
        },
        (_, Some((c, o))) => match schema.cs_type(c, o) {
            Some(ty) => (Source::Cs { connector: c, object: o, inbound: false }, ty),
            None => {
                eprintln!("error: the rule set has no connector object type `{c}.{o}`");
                return Exit::Usage;
            }
        },
        _ => return Exit::Usage,
    };
    // Type-check the filter as a scope would be.
    let report = |diags: Vec<crate::diagnostics::Diagnostic>| {
        let mut sources = Sources::new();
        sources.insert("<filter>", filter);
        let file: Vec<FileDiagnostic> =
            diags.into_iter().map(|d| FileDiagnostic { path: "<filter>".to_string(), diagnostic: d }).collect();
        eprint!("{}", render_human(&file, &sources, color_wanted(std::io::stderr().is_terminal())));
        Exit::Failed
    };
    let (expr, mut diags) = match parse_expr(filter) {
        Ok(parsed) => parsed,
        Err(d) => return report(vec![*d]),
    };
    let mut cx = Cx::new(schema, source);
    cx.condition(&expr, "a search filter");
    diags.extend(cx.diags);
    if diags.iter().any(crate::diagnostics::Diagnostic::is_error) {
        return report(diags);
    }
    let lw = Lowerer::new(schema);
    let scope = match cs_type {
        Some((c, _)) => Scope::Cs {
            connector: plan
                .connectors
                .iter()
                .position(|x| x.name == c)
                .and_then(|i| u16::try_from(i).ok())
                .unwrap_or(0),
            connector_name: c,
            ty,
        },
        None => Scope::Mv(ty),
    };
    let lowered = match lw.expr(&expr, scope) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Failed;
        }
    };
    let store = match super::run::open_store(&rules, args.store.as_ref()) {
        Ok(s) => s,
        Err(exit) => return exit,
    };
    let mut found = Vec::new();
    let mut failed = None;
    match (mv_type, cs_type) {
        (Some(t), _) => {
            let attrs = plan.metaverse.iter().find(|m| m.name == t).map(|m| m.attributes.clone()).unwrap_or_default();
            for id in store.mv_ids().unwrap_or_default() {
                let Ok(Some(o)) = store.mv(id) else { continue };
                if o.object_type != t {
                    continue;
                }
                let values = slots(&attrs, &o.attributes);
                match eval_condition(&lowered, &ObjectEnv { values: &values, plan: &plan, store: &store }) {
                    Ok(true) => found.push(json!({ "id": o.id, "object": format!("metaverse {} {}", o.object_type, o.id), "attributes": o.attributes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>() })),
                    Ok(false) => {}
                    Err(e) => failed = Some(format!("metaverse object {}: {e}", o.id)),
                }
            }
        }
        (_, Some((c, o_name))) => {
            let attrs = plan
                .connectors
                .iter()
                .find(|x| x.name == c)
                .and_then(|x| x.objects.iter().find(|t| t.name == o_name))
                .map(|t| t.attributes.clone())
                .unwrap_or_default();
            for id in store.cs_ids(c).unwrap_or_default() {
                let Ok(Some(o)) = store.cs(c, id) else { continue };
                if o.object_type != o_name {
                    continue;
                }
                let values = slots(&attrs, &o.attributes);
                match eval_condition(&lowered, &ObjectEnv { values: &values, plan: &plan, store: &store }) {
                    Ok(true) => found.push(json!({ "id": o.id, "object": describe_cs(&o), "dn": o.dn, "attributes": o.attributes.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<serde_json::Map<_, _>>() })),
                    Ok(false) => {}
                    Err(e) => failed = Some(format!("{}: {e}", describe_cs(&o))),
                }
            }
        }
        _ => {}
    }
    if let Some(why) = failed {
        eprintln!("error: the filter failed on {why}");
        return Exit::Failed;
    }
    match args.format {
        Format::Json => outln!("{}", serde_json::to_string_pretty(&found).unwrap_or_default()),
        Format::Human => {
            for f in &found {
                outln!("{}", f["object"].as_str().unwrap_or_default());
            }
            outln!("{} found", found.len());
        }
    }
    Exit::Ok
}
