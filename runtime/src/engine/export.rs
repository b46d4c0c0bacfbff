//! Export: sends pending exports to the connector.
//!
//! Objects go in order of how many reference values they hold, fewest first. Pass 1 sends adds,
//! updates and deletes without the reference values whose target is itself waiting to be added;
//! pass 2 sends those references as updates (and references the connector asked to retry). Each
//! object gets a result: success (an add may return the anchor the system assigned), an error
//! (the run goes on unless the connector says stop), convert-to-add, or retry-reference. A
//! delete-add sends the delete first and drops the add when the delete fails. Exported values are
//! applied to the connector space object and remembered (export status memory) until a confirming
//! import sees them.
//!
//! The results go into the store after the connector has made those exports durable
//! ([`Connector::flush`]), every [`ExportOptions::commit_every`] staged objects (what bounds an
//! export's memory) and at the end: a crash never leaves the store claiming an export the system
//! lacks. A crash between the connector's flush and the store's commit leaves exports pending that
//! the system has; the next import sees them and drops them (the import's `settle_pending_export`).
//!
//! Before anything is sent, an export that would delete more objects than the connector's
//! threshold (default 500; a count, or a percentage of the connector space) refuses to start
//! unless the operator allows it for this run.

use super::{EngineError, Result, StepReport, Work, connector_index, describe_cs};
use crate::connectors::{Connector, ExportRequest, ExportResult};
use crate::model::{AttrChange, CsObject, ExportChange, Id, PendingExport};
use crate::plan::{self, Plan, Setting};
use crate::store::Store;
use crate::value::{Value, ValueKind};

/// Options of an export step.
#[derive(Debug, Clone, Copy)]
pub struct ExportOptions {
    /// The operator allows this run to delete more than the threshold.
    pub allow_deletes: bool,
    /// Objects per connector call.
    pub batch_size: usize,
    /// Objects the export stages before the connector makes them durable and the store records
    /// them (one connector flush each time): what bounds the export's memory.
    pub commit_every: usize,
}

/// Objects an export stages at most between two records in the store, by default.
pub const COMMIT_EVERY: usize = 20_000;

impl Default for ExportOptions {
    fn default() -> ExportOptions {
        ExportOptions { allow_deletes: false, batch_size: 100, commit_every: COMMIT_EVERY }
    }
}

/// The deletion threshold of a connector: a number of objects (`delete_threshold = "200"`, or
/// the integer `200`) or a share of the connector space (`"5%"`). A value that is neither is the
/// default, 500.
pub fn delete_threshold(conn: &plan::Connector, space_size: u64) -> u64 {
    let setting = conn.settings.iter().find(|(n, _)| n == "delete_threshold").map(|(_, v)| v);
    match setting {
        Some(Setting::Literal(Value::Integer(n))) => u64::try_from(*n).unwrap_or(0),
        Some(Setting::Literal(Value::String(s))) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(pct) => pct
                    .trim()
                    .parse::<u64>()
                    .map_or(super::DEFAULT_DELETE_THRESHOLD, |pct| space_size.saturating_mul(pct) / 100),
                None => s.replace('_', "").parse::<u64>().unwrap_or(super::DEFAULT_DELETE_THRESHOLD),
            }
        }
        _ => super::DEFAULT_DELETE_THRESHOLD,
    }
}

fn reference_count(o: &CsObject, ty: Option<&plan::ObjectType>) -> usize {
    let Some(p) = &o.pending_export else { return 0 };
    p.attributes
        .iter()
        .filter(|c| {
            ty.and_then(|t| t.attributes.iter().find(|a| a.name == c.name))
                .is_some_and(|a| a.kind == ValueKind::Reference)
        })
        .map(|c| c.new.values().len())
        .sum()
}

/// Runs an export of `connector_name` through an opened connector.
pub fn export(
    plan: &Plan,
    store: &dyn Store,
    connector_name: &str,
    connector: &mut dyn Connector,
    options: ExportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<StepReport> {
    let ci = connector_index(plan, connector_name)?;
    let conn = plan.connectors.get(ci).ok_or_else(|| EngineError::Usage(format!("no connector `{connector_name}`")))?;
    let mut report = StepReport::default();
    let type_of = |o: &CsObject| conn.objects.iter().find(|t| t.name == o.object_type);
    // What ordering and the passes need of each pending object; the objects themselves are read
    // again batch by batch, so the export never holds two copies of everything pending.
    let mut pending: Vec<(usize, Id)> = Vec::new();
    let mut deletes = 0u64;
    // Objects waiting to be added: references to them wait for pass 2.
    let mut adding = Adding::default();
    for id in store.pending_exports(connector_name)? {
        let Some(o) = store.cs(connector_name, id)? else { continue };
        let Some(p) = &o.pending_export else { continue };
        if matches!(p.change, ExportChange::Delete | ExportChange::DeleteAdd) {
            deletes += 1;
        }
        if matches!(p.change, ExportChange::Add | ExportChange::DeleteAdd) {
            adding.insert(&o.dn.to_ascii_lowercase());
            if let Some(anchor) = &o.anchor {
                adding.insert(anchor);
            }
        }
        pending.push((reference_count(&o, type_of(&o)), id));
    }
    // The connector space is counted only when there is something to delete (a percentage
    // threshold needs its size): an export of updates reads nothing more.
    if deletes > 0 && !options.allow_deletes {
        let threshold = delete_threshold(conn, store.cs_ids(connector_name)?.len() as u64);
        if deletes > threshold {
            return Err(EngineError::DeleteThreshold { connector: connector_name.to_string(), deletes, threshold });
        }
    }
    // Fewest references first.
    pending.sort_unstable();
    // INVARIANT: the store records the exports only once the connector has made them durable. A
    // crash before that leaves them pending; a crash after the connector's flush and before the
    // store's commit leaves them pending too, and the next import, seeing what reached the system,
    // drops what is already there (see `import::settle_pending_export`): nothing is sent twice.
    // Every `commit_every` staged objects, and at the end, the connector flushes and the store
    // records what it made durable.
    let mut work = Work::default();
    let sent = send_all(
        plan,
        store,
        conn,
        connector_name,
        connector,
        options,
        progress,
        &mut work,
        &mut report,
        &pending,
        &adding,
    );
    durable(plan, store, connector_name, connector, &mut work)?;
    sent.map(|()| report)
}

/// Makes the staged exports durable in the connector, then records them in the store. A crash
/// between the store's batches leaves exports pending that the system has: the next import drops
/// them (as after a crash between the flush and the commit).
fn durable(plan: &Plan, store: &dyn Store, name: &str, connector: &mut dyn Connector, work: &mut Work) -> Result<()> {
    connector.flush().map_err(|e| EngineError::Connector(format!("connector `{name}`: {e}")))?;
    work.commit_in_batches(store, plan, super::BATCH_SIZE)
}

/// Sends the pending exports of the objects `pending` names (sorted, fewest references first) in
/// two passes, staging the results in `work`.
#[expect(clippy::too_many_arguments, reason = "the export's whole state")]
fn send_all(
    plan: &Plan,
    store: &dyn Store,
    conn: &plan::Connector,
    connector_name: &str,
    connector: &mut dyn Connector,
    options: ExportOptions,
    progress: &mut dyn FnMut(u64),
    work: &mut Work,
    report: &mut StepReport,
    pending: &[(usize, Id)],
    adding: &Adding,
) -> Result<()> {
    let type_of = |o: &CsObject| conn.objects.iter().find(|t| t.name == o.object_type);
    let mut deferred = Deferred::default();
    let mut sent = 0u64;
    for ids in pending.chunks(options.batch_size.max(1)) {
        let mut chunk = Vec::with_capacity(ids.len());
        for (_, id) in ids {
            if let Some(o) = work.cs_ref(store, connector_name, *id)?
                && o.pending_export.is_some()
            {
                chunk.push(o);
            }
        }
        // A delete-add sends its delete first, on its own; when the delete fails the add is not
        // sent at all.
        let deletes: Vec<ExportRequest> = chunk
            .iter()
            .filter(|o| o.pending_export.as_ref().is_some_and(|p| p.change == ExportChange::DeleteAdd))
            .map(|o| request(o, ExportChange::Delete, Vec::new()))
            .collect();
        let results = send(connector, connector_name, &deletes)?;
        let deleted: Vec<u64> = deletes
            .iter()
            .zip(&results)
            .filter(|(_, r)| matches!(r, ExportResult::Success { .. }))
            .map(|(q, _)| q.id)
            .collect();
        apply(store, connector_name, work, report, connector, &deletes, results, &mut deferred)?;
        let mut requests = Vec::new();
        for o in &chunk {
            let Some(p) = &o.pending_export else { continue };
            let ty = type_of(o);
            let mut attributes = Vec::new();
            for c in &p.attributes {
                let is_ref = ty
                    .and_then(|t| t.attributes.iter().find(|a| a.name == c.name))
                    .is_some_and(|a| a.kind == ValueKind::Reference);
                let waits = is_ref && c.new.values().iter().any(|v| matches!(v, Value::Reference(k) | Value::String(k) if adding.contains(&k.to_ascii_lowercase()) || adding.contains(k)));
                if waits {
                    deferred.push(o.id, c.clone());
                } else {
                    attributes.push(c.clone());
                }
            }
            if p.change == ExportChange::DeleteAdd {
                if deleted.contains(&o.id) {
                    requests.push(request(o, ExportChange::Add, attributes));
                }
            } else {
                requests.push(request(o, p.change, attributes));
            }
        }
        let results = send(connector, connector_name, &requests)?;
        apply(store, connector_name, work, report, connector, &requests, results, &mut deferred)?;
        sent += u64::try_from(ids.len()).unwrap_or(0);
        progress(sent);
        if report.counts.errors >= super::ERROR_LIMIT {
            // `export` records what was sent before the step stops.
            return Err(EngineError::ErrorLimit(Box::new(std::mem::take(report))));
        }
        if work.changed() >= options.commit_every {
            durable(plan, store, connector_name, connector, work)?;
        }
    }
    // Pass 2: the references.
    let list = std::mem::take(&mut deferred.list);
    deferred.index.clear();
    for chunk in list.chunks(options.batch_size.max(1)) {
        let mut requests = Vec::new();
        for (id, change) in chunk {
            let Some(o) = work.cs(store, connector_name, *id)? else { continue };
            requests.push(request(&o, ExportChange::Update, vec![change.clone()]));
        }
        let results = send(connector, connector_name, &requests)?;
        let mut again = Deferred::default();
        apply(store, connector_name, work, report, connector, &requests, results, &mut again)?;
        for (id, change) in again.list {
            report.issue(
                "reference-not-exported",
                true,
                format!("{connector_name}:{id}"),
                format!("`{}` could not be set: its target does not exist", change.name),
            );
        }
        if work.changed() >= options.commit_every {
            durable(plan, store, connector_name, connector, work)?;
        }
    }
    Ok(())
}

fn request(o: &CsObject, change: ExportChange, attributes: Vec<AttrChange>) -> ExportRequest {
    ExportRequest {
        id: o.id,
        object_type: o.object_type.clone(),
        dn: o.dn.clone(),
        anchor: o.anchor.clone(),
        change,
        new_dn: o.pending_export.as_ref().and_then(|p| p.new_dn.clone()),
        attributes,
    }
}

fn send(connector: &mut dyn Connector, name: &str, requests: &[ExportRequest]) -> Result<Vec<ExportResult>> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let results = connector.export(requests).map_err(|e| EngineError::Connector(format!("connector `{name}`: {e}")))?;
    if results.len() != requests.len() {
        return Err(EngineError::Connector(format!(
            "connector `{name}` returned {} results for {} objects",
            results.len(),
            requests.len()
        )));
    }
    Ok(results)
}

#[expect(clippy::too_many_arguments, reason = "the export's whole state")]
fn apply(
    store: &dyn Store,
    name: &str,
    work: &mut Work,
    report: &mut StepReport,
    connector: &mut dyn Connector,
    requests: &[ExportRequest],
    results: Vec<ExportResult>,
    deferred: &mut Deferred,
) -> Result<()> {
    let mut failed_deletes: Vec<u64> = Vec::new();
    for (req, result) in requests.iter().zip(results) {
        let Some(mut o) = work.cs(store, name, req.id)? else { continue };
        match result {
            ExportResult::Success { anchor } => {
                report.counts.exports += 1;
                match req.change {
                    ExportChange::Delete => {
                        if o.pending_export.as_ref().is_some_and(|p| p.change == ExportChange::DeleteAdd) {
                            continue; // the add follows in the same batch
                        }
                        report.counts.deletes += 1;
                        if let Some(mv_id) = o.link
                            && let Some(mut mv) = work.mv(store, mv_id)?
                        {
                            mv.links.retain(|l| !(l.connector == o.connector && l.cs == o.id));
                            if mv.links.is_empty() {
                                // Its last link went: every deletion rule deletes it now.
                                work.delete_mv(mv_id);
                            } else {
                                work.put_mv(mv);
                            }
                        }
                        work.delete_cs(name, o.id);
                        continue;
                    }
                    ExportChange::Add | ExportChange::DeleteAdd => {
                        if failed_deletes.contains(&o.id) {
                            continue;
                        }
                        report.counts.adds += 1;
                        if let Some(a) = anchor {
                            o.anchor = Some(a);
                        }
                        // A new object holds exactly what its add sent (after a delete-add, none
                        // of the deleted object's values).
                        o.attributes.clear();
                    }
                    ExportChange::Update => report.counts.updates += 1,
                }
                for c in &req.attributes {
                    if c.new.is_null() {
                        o.attributes.remove(&c.name);
                    } else {
                        o.attributes.insert(c.name.clone(), c.new.clone());
                    }
                    o.export_memory.insert(c.name.clone(), c.new.clone());
                }
                if let Some(dn) = &req.new_dn {
                    o.dn = dn.clone();
                }
                o.pending_export = remaining(o.pending_export.take(), req, deferred);
                work.put_cs(o);
            }
            ExportResult::Error { message, stop } => {
                if req.change == ExportChange::Delete {
                    failed_deletes.push(o.id);
                }
                report.issue("export-error", true, describe_cs(&o), message.clone());
                if let Some(p) = o.pending_export.as_mut() {
                    p.failures = p.failures.saturating_add(1);
                }
                work.put_cs(o);
                if stop {
                    return Err(EngineError::Connector(format!("connector `{name}` stopped the export: {message}")));
                }
            }
            ExportResult::ConvertToAdd => {
                // The system does not have the object: send everything it should hold as an add.
                let mut attributes: Vec<AttrChange> = o
                    .attributes
                    .iter()
                    .map(|(k, v)| AttrChange { name: k.clone(), old: Value::Null, new: v.clone() })
                    .collect();
                for c in &req.attributes {
                    attributes.retain(|a| a.name != c.name);
                    attributes.push(c.clone());
                }
                let add = ExportRequest { change: ExportChange::Add, attributes, ..req.clone() };
                let again = send(connector, name, std::slice::from_ref(&add))?;
                let mut nested = Deferred::default();
                apply(store, name, work, report, connector, std::slice::from_ref(&add), again, &mut nested)?;
                for (id, change) in nested.list {
                    deferred.push(id, change);
                }
            }
            ExportResult::RetryReference { attribute } => {
                if let Some(c) = req.attributes.iter().find(|c| c.name == attribute) {
                    deferred.push(o.id, c.clone());
                }
                // Everything else of the request is taken as done.
                let others = ExportRequest {
                    attributes: req.attributes.iter().filter(|c| c.name != attribute).cloned().collect(),
                    ..req.clone()
                };
                let mut nested = Deferred::default();
                apply(
                    store,
                    name,
                    work,
                    report,
                    connector,
                    std::slice::from_ref(&others),
                    vec![ExportResult::Success { anchor: None }],
                    &mut nested,
                )?;
            }
        }
    }
    Ok(())
}

/// The DNs (lower case) and anchors of the objects waiting to be added, as hashes: a million adds
/// take some 40 MB, not their keys' strings. Two keys with one hash can only make a reference wait for
/// pass 2 without need, never send one too early.
#[derive(Debug, Default)]
struct Adding(std::collections::HashSet<u64>);

impl Adding {
    fn hash(key: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut h);
        h.finish()
    }

    fn insert(&mut self, key: &str) {
        self.0.insert(Self::hash(key));
    }

    fn contains(&self, key: &str) -> bool {
        self.0.contains(&Self::hash(key))
    }
}

/// Reference changes that wait for pass 2, in order, with an index by object and attribute (pass 1
/// asks it once per exported object: a scan would make the export quadratic).
#[derive(Debug, Default)]
struct Deferred {
    list: Vec<(u64, AttrChange)>,
    index: std::collections::HashSet<(u64, String)>,
}

impl Deferred {
    fn push(&mut self, id: u64, change: AttrChange) {
        self.index.insert((id, change.name.clone()));
        self.list.push((id, change));
    }

    fn holds(&self, id: u64, attribute: &str) -> bool {
        self.index.contains(&(id, attribute.to_owned()))
    }
}

/// What is left of a pending export after a request succeeded: the deferred references.
fn remaining(pending: Option<PendingExport>, req: &ExportRequest, deferred: &Deferred) -> Option<PendingExport> {
    let mut p = pending?;
    p.attributes.retain(|c| !req.attributes.iter().any(|s| s.name == c.name));
    p.attributes.retain(|c| deferred.holds(req.id, &c.name));
    if p.attributes.is_empty() {
        return None;
    }
    p.change = ExportChange::Update;
    p.new_dn = None;
    p.failures = 0;
    Some(p)
}

/// A pending export in words, for messages (`add uid=alee,ou=people,...`).
pub fn describe(o: &CsObject) -> String {
    match &o.pending_export {
        Some(p) => format!("{:?} {}", p.change, o.dn).to_lowercase(),
        None => o.dn.clone(),
    }
}
