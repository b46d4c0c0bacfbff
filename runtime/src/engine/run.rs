//! Runs: a profile's steps in order, each with its connector opened and closed (closed also on
//! errors), the run history recorded step by step after the data each step covers is durable.

use super::export::ExportOptions;
use super::{EngineError, Result, StepReport, capability, connector_index};
use crate::connectors::{self, Connector};
use crate::model::RunRecord;
use crate::plan::{Plan, StepKind};
use crate::store::{Batch, Op, Store};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

/// One step to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What it does.
    pub kind: StepKind,
    /// On which connector.
    pub connector: String,
}

impl Step {
    /// As written in a profile (`delta import hr`).
    pub fn text(&self) -> String {
        let kind = match self.kind {
            StepKind::FullImport => "full import",
            StepKind::DeltaImport => "delta import",
            StepKind::FullSync => "full sync",
            StepKind::DeltaSync => "delta sync",
            StepKind::Export => "export",
        };
        format!("{kind} {}", self.connector)
    }

    /// Parses `full import hr`, `delta sync hr`, `export directory`.
    pub fn parse(text: &str) -> Option<Step> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let (kind, connector) = match words.as_slice() {
            ["full", "import", c] => (StepKind::FullImport, c),
            ["delta", "import", c] => (StepKind::DeltaImport, c),
            ["full", "sync", c] => (StepKind::FullSync, c),
            ["delta", "sync", c] => (StepKind::DeltaSync, c),
            ["export", c] => (StepKind::Export, c),
            _ => return None,
        };
        Some(Step { kind, connector: (*connector).to_string() })
    }
}

/// What happens during a run, for progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A step starts.
    StepStarted(String),
    /// How many objects the current step will process, when that is known in advance
    /// (synchronization, export).
    Total(u64),
    /// Objects processed so far in the current step.
    Progress(u64),
    /// A step ended.
    StepFinished(String),
}

/// The steps of a profile, or of a full cycle when there is no profile: import every connector,
/// synchronize every connector, export every connector, import every connector again (the
/// confirming import).
pub fn profile_steps(plan: &Plan, name: Option<&str>) -> Result<(String, Vec<Step>)> {
    let wanted = name.unwrap_or("default");
    if let Some(p) = plan.profiles.iter().find(|p| p.name == wanted) {
        let steps = p
            .steps
            .iter()
            .map(|(kind, c)| Step {
                kind: *kind,
                connector: plan.connectors.get(usize::from(*c)).map(|c| c.name.clone()).unwrap_or_default(),
            })
            .collect();
        return Ok((p.name.clone(), steps));
    }
    if name.is_some() {
        let known: Vec<&str> = plan.profiles.iter().map(|p| p.name.as_str()).collect();
        return Err(EngineError::Usage(format!(
            "the rule set has no profile `{wanted}` (it has: {})",
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        )));
    }
    let mut steps = Vec::new();
    for kind in [StepKind::FullImport, StepKind::FullSync, StepKind::Export, StepKind::FullImport] {
        for c in &plan.connectors {
            steps.push(Step { kind, connector: c.name.clone() });
        }
    }
    Ok(("full cycle".to_string(), steps))
}

/// Options of a run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Connectors whose export may delete more than the threshold in this run.
    pub allow_deletes: BTreeSet<String>,
}

/// Runs `steps`, recording the run in the store's history. Returns the run record; a step that
/// fails ends the run, and the record says why.
#[expect(clippy::too_many_arguments, reason = "a run's whole context")]
pub fn run(
    plan: &Plan,
    store: &dyn Store,
    base: &Path,
    profile: &str,
    steps: &[Step],
    options: &RunOptions,
    secret: &dyn Fn(&str) -> Option<String>,
    observe: &mut dyn FnMut(Event),
) -> Result<RunRecord> {
    let id = store.runs()?.iter().map(|r| r.id).max().unwrap_or(0) + 1;
    let mut record = RunRecord {
        id,
        profile: profile.to_string(),
        plan_hash: plan.hash.clone(),
        started: now_text(),
        steps: Vec::new(),
    };
    for step in steps {
        let text = step.text();
        observe(Event::StepStarted(text.clone()));
        let started = Instant::now();
        let result = run_step(plan, store, base, id, step, options, secret, observe);
        let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        observe(Event::StepFinished(text.clone()));
        let (step_record, failure) = match result {
            Ok(report) => (report.record(&text, true, None, millis), None),
            Err(failed) => {
                let (report, e) = *failed;
                (report.record(&text, false, Some(e.to_string()), millis), Some(e))
            }
        };
        record.steps.push(step_record);
        let mut batch = Batch::new();
        batch.push(Op::PutRun(Box::new(record.clone())));
        store.commit(batch)?;
        if failure.is_some() {
            break;
        }
    }
    Ok(record)
}

#[expect(clippy::too_many_arguments, reason = "a step's whole context")]
fn run_step(
    plan: &Plan,
    store: &dyn Store,
    base: &Path,
    run: u64,
    step: &Step,
    options: &RunOptions,
    secret: &dyn Fn(&str) -> Option<String>,
    observe: &mut dyn FnMut(Event),
) -> std::result::Result<StepReport, Box<(StepReport, EngineError)>> {
    // A step stopped at the error limit still reports what it did until then.
    let fail = |e: EngineError| {
        let report = match &e {
            EngineError::ErrorLimit(report) => StepReport::clone(report),
            _ => StepReport::default(),
        };
        Box::new((report, e))
    };
    let ci = connector_index(plan, &step.connector).map_err(fail)?;
    let conn = plan
        .connectors
        .get(ci)
        .ok_or_else(|| fail(EngineError::Usage(format!("no connector `{}`", step.connector))))?;
    let total = match step.kind {
        StepKind::FullSync => store.cs_ids(&conn.name).ok().map(|v| v.len()),
        StepKind::DeltaSync => store.pending_imports(&conn.name).ok().map(|v| v.len()),
        StepKind::Export => store.pending_exports(&conn.name).ok().map(|v| v.len()),
        StepKind::FullImport | StepKind::DeltaImport => None,
    };
    if let Some(total) = total {
        observe(Event::Total(u64::try_from(total).unwrap_or(u64::MAX)));
    }
    let mut progress = |n: u64| observe(Event::Progress(n));
    match step.kind {
        StepKind::FullSync | StepKind::DeltaSync => {
            super::sync::synchronize(plan, store, &conn.name, step.kind == StepKind::FullSync, run, &mut progress)
                .map_err(fail)
        }
        StepKind::FullImport | StepKind::DeltaImport | StepKind::Export => {
            let mut connector = connectors::build(conn, base, secret).map_err(|e| fail(EngineError::Connector(e.0)))?;
            connector.open().map_err(|e| fail(EngineError::Connector(format!("connector `{}`: {e}", conn.name))))?;
            let result = match step.kind {
                StepKind::Export => {
                    let export_options = ExportOptions {
                        allow_deletes: options.allow_deletes.contains(&conn.name),
                        batch_size: capability(conn, "export_page_size").parse().unwrap_or(100),
                        ..ExportOptions::default()
                    };
                    super::export::export(plan, store, &conn.name, connector.as_mut(), export_options, &mut progress)
                }
                kind => {
                    let page = capability(conn, "import_page_size").parse().unwrap_or(500);
                    super::import::import(
                        plan,
                        store,
                        &conn.name,
                        connector.as_mut(),
                        kind == StepKind::FullImport,
                        page,
                        &mut progress,
                    )
                }
            };
            let closed = close(connector.as_mut(), &conn.name);
            match (result, closed) {
                (Ok(report), Ok(())) => Ok(report),
                (Ok(report), Err(e)) => Err(Box::new((report, e))),
                (Err(e), _) => Err(fail(e)),
            }
        }
    }
}

fn close(connector: &mut dyn Connector, name: &str) -> Result<()> {
    connector.close().map_err(|e| EngineError::Connector(format!("connector `{name}`: closing: {e}")))
}

/// Now, in RFC 3339.
pub fn now_text() -> String {
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(0))
        .unwrap_or(0);
    crate::time::format_rfc3339(micros - micros % 1_000_000)
}
