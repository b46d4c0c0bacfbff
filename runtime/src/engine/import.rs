//! Import: stages what a connector reads into its connector space as pending imports.
//!
//! Matching is by anchor, then by DN. A new object is a pending add; changed values a pending
//! update; an object whose type or anchor changed a delete-add; a delta delete a pending delete.
//! Only the schema's attributes are kept (attribute inclusion); connector filters and container
//! scope drop objects. References to DNs not in the connector space create placeholders, replaced
//! when the object arrives. A full import ends with obsolescence — objects not seen become pending
//! deletes — unless an object-level error occurred. A delta import commits, with each page, the
//! page's watermark; after an object-level error the committed watermark stays the last one before
//! the error, so the next delta import reads the failed object again.
//!
//! A confirming import compares imported values with the export status memory: a match clears
//! it, a mismatch is an `exported-change-not-reimported` warning. A pending export drops what the
//! imported object already holds: an export that reached the system just before a crash, ahead of
//! the store's record of it, is not sent again.

use super::{EngineError, ObjectEnv, Result, StepReport, Work, capability, connector_index, slots};
use crate::connectors::{Connector, EntryChange, ImportEntry, ImportMode};
use crate::eval::eval_condition;
use crate::model::{CsKind, CsObject, ExportChange, ImportChange, PendingImport};
use crate::plan::{self, ContainerKind, Plan};
use crate::store::{Op, Store};
use crate::value::{Value, ValueKind};
use std::collections::{BTreeMap, BTreeSet};

/// Runs a full or delta import of `connector_name` with an opened connector.
pub fn import(
    plan: &Plan,
    store: &dyn Store,
    connector_name: &str,
    connector: &mut dyn Connector,
    full: bool,
    page_size: usize,
    progress: &mut dyn FnMut(u64),
) -> Result<StepReport> {
    let ci = connector_index(plan, connector_name)?;
    let conn = plan.connectors.get(ci).ok_or_else(|| EngineError::Usage(format!("no connector `{connector_name}`")))?;
    let mode = if full { ImportMode::Full } else { ImportMode::Delta(store.watermark(connector_name)?) };
    connector
        .start_import(mode, page_size)
        .map_err(|e| EngineError::Connector(format!("connector `{connector_name}`: {e}")))?;
    let mut report = StepReport::default();
    let mut work = Work::default();
    let mut seen: BTreeSet<u64> = BTreeSet::new();
    let mut had_error = false;
    let mut read = 0u64;
    loop {
        let page =
            connector.next_page().map_err(|e| EngineError::Connector(format!("connector `{connector_name}`: {e}")))?;
        let Some(page) = page else { break };
        for entry in page.entries {
            read += 1;
            match entry {
                Err(e) => {
                    had_error = true;
                    report.issue("import-error", true, format!("{connector_name}:{}", e.object), e.message);
                }
                Ok(entry) => {
                    if let Err(message) = stage(plan, store, conn, &mut work, &mut report, &mut seen, entry) {
                        had_error = true;
                        report.issue("import-error", true, connector_name.to_string(), message);
                    }
                }
            }
            if report.counts.errors >= super::ERROR_LIMIT {
                work.commit(store, plan)?;
                return Err(EngineError::ErrorLimit(Box::new(std::mem::take(&mut report))));
            }
        }
        // The watermark goes with the page it covers, and stops moving at the first error.
        if let (Some(mark), false, false) = (page.watermark, full, had_error) {
            work.push(Op::SetWatermark { connector: connector_name.to_string(), watermark: mark });
        }
        report.counters.store_reads += work.counters.store_reads;
        work.counters = Default::default();
        work.commit(store, plan)?;
        progress(read);
    }
    if full {
        if had_error {
            report.issue(
                "obsolescence-skipped",
                false,
                connector_name.to_string(),
                "objects not seen are not marked deleted because the import had object-level errors",
            );
        } else {
            for id in store.cs_ids(connector_name)? {
                if seen.contains(&id) {
                    continue;
                }
                let Some(mut o) = work.cs(store, connector_name, id)? else { continue };
                if o.kind == CsKind::Placeholder || o.anchor.is_none() {
                    continue; // placeholders and unconfirmed provisioned objects were never imported
                }
                if matches!(o.pending_import, Some(PendingImport { change: ImportChange::Delete, .. })) {
                    continue;
                }
                o.pending_import = Some(PendingImport { change: ImportChange::Delete, changed: Vec::new() });
                report.counts.deletes += 1;
                work.put_cs(o);
                if work.changed() >= super::BATCH_SIZE {
                    work.commit(store, plan)?;
                }
            }
            work.commit(store, plan)?;
        }
    }
    report.counters.store_reads += work.counters.store_reads;
    Ok(report)
}

fn in_containers(conn: &plan::Connector, dn: &str) -> bool {
    let dn = dn.to_ascii_lowercase();
    let under = |base: &str| {
        let base = base.to_ascii_lowercase();
        dn == base || dn.ends_with(&format!(",{base}"))
    };
    let includes: Vec<&str> =
        conn.containers.iter().filter(|c| c.kind == ContainerKind::Include).map(|c| c.dn.as_str()).collect();
    let excluded = conn.containers.iter().any(|c| c.kind == ContainerKind::Exclude && under(&c.dn));
    (includes.is_empty() || includes.iter().any(|b| under(b))) && !excluded
}

fn stage(
    plan: &Plan,
    store: &dyn Store,
    conn: &plan::Connector,
    work: &mut Work,
    report: &mut StepReport,
    seen: &mut BTreeSet<u64>,
    entry: ImportEntry,
) -> std::result::Result<(), String> {
    let name = conn.name.as_str();
    let Some(ty) = conn.objects.iter().find(|t| t.name == entry.object_type) else {
        return Ok(()); // not in the schema: not part of this connector space
    };
    let dn_style = capability(conn, "dn_style");
    if dn_style != "none" && !in_containers(conn, &entry.dn) {
        return Ok(());
    }
    // Attribute inclusion: only what the schema declares.
    let mut attributes: BTreeMap<String, Value> = BTreeMap::new();
    for a in &ty.attributes {
        if let Some(v) = entry.attributes.get(&a.name)
            && !v.is_null()
        {
            attributes.insert(a.name.clone(), v.clone());
        }
    }
    let found = match work.cs_by_key(store, name, &entry.anchor).map_err(|e| e.to_string())? {
        Some(id) => Some(id),
        // Objects whose DN is their anchor (files, DN style `none`) were looked up already.
        None if entry.dn == entry.anchor => None,
        None => work.cs_by_key(store, name, &entry.dn).map_err(|e| e.to_string())?,
    };
    let existing = match found {
        Some(id) => work.cs(store, name, id).map_err(|e| e.to_string())?,
        None => None,
    };
    if entry.change == EntryChange::Delete {
        if let Some(mut o) = existing {
            seen.insert(o.id);
            o.pending_import = Some(PendingImport { change: ImportChange::Delete, changed: Vec::new() });
            report.counts.deletes += 1;
            work.put_cs(o);
        }
        return Ok(());
    }
    // Connector filters: objects for which one is false are not imported (existing ones go away
    // at the next full import's obsolescence).
    if !ty.filters.is_empty() {
        let mut merged = existing.as_ref().map(|o| o.attributes.clone()).unwrap_or_default();
        if entry.change == EntryChange::Object {
            merged = attributes.clone();
        } else {
            for (k, v) in &entry.attributes {
                merged.insert(k.clone(), v.clone());
            }
        }
        let values = slots(&ty.attributes, &merged);
        let env = ObjectEnv { values: &values, plan, store };
        for f in &ty.filters {
            work.counters.rule_evaluations += 1;
            if !eval_condition(f, &env).map_err(|e| format!("connector filter on `{}`: {e}", entry.dn))? {
                return Ok(());
            }
        }
    }
    placeholders(store, conn, ty, work, &attributes, report).map_err(|e| e.to_string())?;
    match existing {
        None => {
            let id = store.next_id().map_err(|e| e.to_string())?;
            seen.insert(id);
            let changed: Vec<String> = attributes.keys().cloned().collect();
            work.put_cs(CsObject {
                anchor: Some(entry.anchor),
                attributes,
                pending_import: Some(PendingImport { change: ImportChange::Add, changed }),
                ..CsObject::new(id, name, &entry.object_type, &entry.dn)
            });
            report.counts.adds += 1;
        }
        Some(mut o) => {
            seen.insert(o.id);
            let was_placeholder = o.kind == CsKind::Placeholder;
            let replaced = !was_placeholder
                && (o.object_type != entry.object_type || o.anchor.as_ref().is_some_and(|a| *a != entry.anchor));
            let new_values = if entry.change == EntryChange::Object {
                attributes
            } else {
                let mut merged = o.attributes.clone();
                for (k, v) in attributes {
                    merged.insert(k, v);
                }
                for (k, v) in &entry.attributes {
                    if v.is_null() {
                        merged.remove(k);
                    }
                }
                merged
            };
            let mut changed: Vec<String> =
                new_values.iter().filter(|(k, v)| o.attributes.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
            changed.extend(o.attributes.keys().filter(|k| !new_values.contains_key(*k)).cloned());
            changed.sort();
            changed.dedup();
            // Confirming import: the export status memory against what came back.
            let remembered: Vec<(String, Value)> =
                o.export_memory.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (attr, exported) in remembered {
                let now = new_values.get(&attr).cloned().unwrap_or(Value::Null);
                if !same_values(&now, &exported) {
                    report.issue(
                        "exported-change-not-reimported",
                        false,
                        super::describe_cs(&o),
                        format!(
                            "`{attr}` was exported as {} but imported as {}",
                            exported.to_literal(),
                            now.to_literal()
                        ),
                    );
                }
                o.export_memory.remove(&attr);
            }
            o.dn = entry.dn;
            if was_placeholder {
                o.kind = CsKind::Staging;
                o.object_type = entry.object_type;
                o.anchor = Some(entry.anchor);
                o.attributes = new_values;
                o.pending_import = Some(PendingImport { change: ImportChange::Add, changed });
                report.counts.adds += 1;
            } else if replaced {
                o.object_type = entry.object_type;
                o.anchor = Some(entry.anchor);
                o.attributes = new_values;
                o.pending_import = Some(PendingImport { change: ImportChange::DeleteAdd, changed });
                report.counts.deletes += 1;
                report.counts.adds += 1;
            } else {
                if o.anchor.is_none() {
                    o.anchor = Some(entry.anchor); // a provisioned object confirmed by its first import
                }
                o.attributes = new_values;
                settle_pending_export(&mut o);
                if !changed.is_empty() {
                    let pending = match o.pending_import.take() {
                        Some(PendingImport { change: ImportChange::Add, changed: before }) => {
                            PendingImport { change: ImportChange::Add, changed: merge(before, changed) }
                        }
                        Some(PendingImport { change: ImportChange::DeleteAdd, changed: before }) => {
                            PendingImport { change: ImportChange::DeleteAdd, changed: merge(before, changed) }
                        }
                        Some(PendingImport { change: _, changed: before }) => {
                            PendingImport { change: ImportChange::Update, changed: merge(before, changed) }
                        }
                        None => PendingImport { change: ImportChange::Update, changed },
                    };
                    o.pending_import = Some(pending);
                    report.counts.updates += 1;
                }
            }
            work.put_cs(o);
        }
    }
    if work.changed() >= super::BATCH_SIZE {
        work.commit(store, plan).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Drops from an object's pending export what the import shows the system already holds. The
/// engine records an export in the store only after the connector has made it durable, so a crash
/// between the two leaves an export pending that reached the system: the next import sees it here,
/// and it is not sent again. An update keeps only the values that still differ (and a rename only
/// while the DN differs); an add is done when the system holds every value it would send (an add
/// that finds an object with other values stays an add: that object is not known to be ours).
fn settle_pending_export(o: &mut CsObject) {
    let Some(mut p) = o.pending_export.take() else { return };
    let held = |name: &str| o.attributes.get(name).cloned().unwrap_or(Value::Null);
    match p.change {
        ExportChange::Add => {
            if p.attributes.iter().all(|c| same_values(&held(&c.name), &c.new)) {
                return;
            }
        }
        ExportChange::Update => {
            p.attributes.retain(|c| !same_values(&held(&c.name), &c.new));
            if p.new_dn.as_deref().is_some_and(|dn| dn.eq_ignore_ascii_case(&o.dn)) {
                p.new_dn = None;
            }
            if p.attributes.is_empty() && p.new_dn.is_none() {
                return;
            }
        }
        ExportChange::Delete | ExportChange::DeleteAdd => {}
    }
    o.pending_export = Some(p);
}

fn merge(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
    a.extend(b);
    a.sort();
    a.dedup();
    a
}

/// Values equal, multi-valued ones as sets.
pub fn same_values(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return false;
            }
            // The same order is the common case; large lists compare through a set, not in
            // quadratic time.
            if x == y {
                return true;
            }
            if x.len() <= 16 {
                return x.iter().all(|v| y.contains(v));
            }
            let y: std::collections::HashSet<&Value> = y.iter().collect();
            x.iter().all(|v| y.contains(v))
        }
        (Value::List(x), one) | (one, Value::List(x)) => x.len() == 1 && x.first() == Some(one),
        _ => a == b,
    }
}

/// Creates placeholders for reference values naming DNs the connector space does not hold.
fn placeholders(
    store: &dyn Store,
    conn: &plan::Connector,
    ty: &plan::ObjectType,
    work: &mut Work,
    attributes: &BTreeMap<String, Value>,
    report: &mut StepReport,
) -> Result<()> {
    let _ = report;
    for a in ty.attributes.iter().filter(|a| a.kind == ValueKind::Reference) {
        let Some(v) = attributes.get(&a.name) else { continue };
        for r in v.values() {
            let (Value::Reference(key) | Value::String(key)) = r else { continue };
            if work.cs_by_key(store, &conn.name, key)?.is_some() {
                continue;
            }
            let id = store.next_id()?;
            work.put_cs(CsObject {
                kind: CsKind::Placeholder,
                ..CsObject::new(id, &conn.name, a.references.as_deref().unwrap_or_default(), key)
            });
        }
    }
    Ok(())
}
