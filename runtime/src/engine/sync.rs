//! Synchronization: per connector space object, in order — filter / delete, join, project, import
//! attribute flow, then for the metaverse object provisioning / deprovisioning and export attribute
//! flow ("project in, provision out").
//!
//! A full synchronization processes every object of the connector space; a delta synchronization
//! only those with a pending import, and what they affect (their metaverse object, and through it
//! the outbound rules of every connector): its work grows with the number of changes, not with the
//! size of the spaces.
//!
//! Metaverse values are computed from the plan's precedence tables: per attribute, the
//! contributions best precedence first; the first with a value wins, `authoritative null` wins
//! and clears, `ignore` and `null` give way, and `merge union` contributions are merged. A
//! connector reference becomes the metaverse object linked to the referenced object (found by
//! anchor, then DN); a metaverse reference becomes the DN (the anchor for DN style `none`) of the
//! referenced object's object in the target connector.

use super::{
    EngineError, ObjectEnv, Result, StepReport, Work, capability, connector_index, context, describe_cs, slots,
};
use crate::eval::{FlowValue, eval, eval_condition, eval_flow};
use crate::model::{
    AttrChange, CsKind, CsObject, ExportChange, Id, ImportChange, Lineage, Link, MvObject, PendingExport, PendingImport,
};
use crate::plan::{self, Deletion, Deprovision, Merge, Plan, TypeRef};
use crate::store::Store;
use crate::value::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

/// The state of one synchronization step.
pub struct Sync<'a> {
    plan: &'a Plan,
    store: &'a dyn Store,
    run: u64,
    /// Counts and issues.
    pub report: StepReport,
    work: Work,
    /// Connector objects to synchronize again in this step (referrers of a newly linked object).
    requeue: Vec<(String, Id)>,
    /// Provisioned objects deprovisioned before they were ever exported: removed after the object.
    dropped: Vec<(String, Id)>,
    /// Per inbound rule and join criterion, the disconnectors of its connector object type by the
    /// values they would join on (built when provisioning first needs it in this step).
    join_index: BTreeMap<(usize, usize), BTreeMap<String, Vec<Id>>>,
}

impl std::fmt::Debug for Sync<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sync").field("run", &self.run).finish_non_exhaustive()
    }
}

/// Runs a full or delta synchronization of one connector space.
pub fn synchronize(
    plan: &Plan,
    store: &dyn Store,
    connector: &str,
    full: bool,
    run: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<StepReport> {
    connector_index(plan, connector)?;
    let ids = if full { store.cs_ids(connector)? } else { store.pending_imports(connector)? };
    synchronize_ids(plan, store, connector, &ids, full, run, progress)
}

/// Synchronizes one connector space object as a full synchronization would (what
/// `metasync preview` runs over a store that keeps nothing).
pub fn synchronize_one(plan: &Plan, store: &dyn Store, connector: &str, id: Id, run: u64) -> Result<StepReport> {
    connector_index(plan, connector)?;
    synchronize_ids(plan, store, connector, &[id], true, run, &mut |_| {})
}

fn synchronize_ids(
    plan: &Plan,
    store: &dyn Store,
    connector: &str,
    ids: &[Id],
    full: bool,
    run: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<StepReport> {
    let mut sync = Sync {
        plan,
        store,
        run,
        report: StepReport::default(),
        work: Work::default(),
        requeue: Vec::new(),
        dropped: Vec::new(),
        join_index: BTreeMap::new(),
    };
    sync.report.counters.store_reads += 1;
    let mut queue: std::collections::VecDeque<(String, Id)> =
        ids.iter().map(|id| (connector.to_string(), *id)).collect();
    let mut n = 0usize;
    while let Some((conn, id)) = queue.pop_front() {
        n += 1;
        let result = sync.object(&conn, id, full);
        // Objects whose references could not be resolved before this one got linked flow again.
        queue.extend(sync.requeue.drain(..));
        for (c, dropped) in std::mem::take(&mut sync.dropped) {
            sync.work.delete_cs(&c, dropped);
        }
        if let Err(message) = result {
            match message {
                ObjectFailure::Object(object, message) => sync.report.issue("sync-error", true, object, message),
                ObjectFailure::Fatal(e) => return Err(e),
            }
            if sync.report.counts.errors >= super::ERROR_LIMIT {
                sync.flush()?;
                return Err(EngineError::ErrorLimit(Box::new(std::mem::take(&mut sync.report))));
            }
        }
        if sync.work.changed() >= super::BATCH_SIZE {
            sync.flush()?;
            progress(u64::try_from(n).unwrap_or(u64::MAX));
        }
    }
    sync.flush()?;
    progress(u64::try_from(ids.len()).unwrap_or(u64::MAX));
    Ok(sync.report)
}

enum ObjectFailure {
    /// An object-level error: the object is left as it was and the step goes on.
    Object(String, String),
    /// The store failed: the step stops.
    Fatal(EngineError),
}

impl From<EngineError> for ObjectFailure {
    fn from(e: EngineError) -> ObjectFailure {
        ObjectFailure::Fatal(e)
    }
}

impl From<crate::store::StoreError> for ObjectFailure {
    fn from(e: crate::store::StoreError) -> ObjectFailure {
        ObjectFailure::Fatal(EngineError::Store(e))
    }
}

type Step<T> = std::result::Result<T, ObjectFailure>;

impl<'a> Sync<'a> {
    fn flush(&mut self) -> Result<()> {
        self.report.counters.store_reads += self.work.counters.store_reads;
        self.report.counters.rule_evaluations += self.work.counters.rule_evaluations;
        self.work.counters = Default::default();
        self.work.commit(self.store, self.plan)
    }

    fn cs_type(&self, o: &CsObject) -> Option<(usize, usize, &'a plan::ObjectType)> {
        let ci = self.plan.connectors.iter().position(|c| c.name == o.connector)?;
        let conn = self.plan.connectors.get(ci)?;
        let oi = conn.objects.iter().position(|t| t.name == o.object_type)?;
        Some((ci, oi, conn.objects.get(oi)?))
    }

    fn mv_type(&self, name: &str) -> Option<(usize, &'a plan::MvType)> {
        let i = self.plan.metaverse.iter().position(|t| t.name == name)?;
        Some((i, self.plan.metaverse.get(i)?))
    }

    /// One connector space object, through every stage.
    fn object(&mut self, connector: &str, id: Id, full: bool) -> Step<()> {
        let Some(mut o) = self.work.cs(self.store, connector, id)? else { return Ok(()) };
        if o.kind == CsKind::Placeholder {
            return Ok(());
        }
        let pending = o.pending_import.take();
        let Some((ci, oi, ty)) = self.cs_type(&o) else {
            // The object type left the schema: the object is no longer synchronized.
            return Ok(());
        };
        // 1. Deletion.
        match pending.as_ref().map(|p| p.change) {
            Some(ImportChange::Delete) => {
                self.disconnect(&mut o)?;
                self.work.delete_cs(connector, id);
                self.report.counts.deletes += 1;
                return Ok(());
            }
            Some(ImportChange::DeleteAdd) => {
                self.disconnect(&mut o)?;
            }
            _ => {}
        }
        if !full && pending.is_none() {
            return Ok(());
        }
        // 2. Scope.
        let values = slots(&ty.attributes, &o.attributes);
        let mut in_scope: Vec<usize> = Vec::new();
        for (ri, rule) in self.plan.inbound.iter().enumerate() {
            if usize::from(rule.connector) != ci || usize::from(rule.object) != oi {
                continue;
            }
            if self.holds(rule.scope.as_ref(), &values, &rule.name, &o)? {
                in_scope.push(ri);
            }
        }
        // Out of the scope of every inbound rule: a disconnector again — unless provisioning made
        // the link (outbound scope decides about those), or no inbound rule reads this type.
        let has_inbound =
            self.plan.inbound.iter().any(|r| usize::from(r.connector) == ci && usize::from(r.object) == oi);
        if o.link.is_some() && in_scope.is_empty() && o.provisioned_by.is_none() && has_inbound {
            self.disconnect(&mut o)?;
            self.work.put_cs(o);
            return Ok(());
        }
        // 3. Join and 4. projection.
        if o.link.is_none() && !o.explicit_disconnector {
            for ri in &in_scope {
                let Some(rule) = self.plan.inbound.get(*ri) else { continue };
                if let Some(mv) = self.join(rule, &values, &o)? {
                    self.report.rules_used.insert(rule.name.clone());
                    self.link(&mut o, mv)?;
                    self.report.counts.joins += 1;
                    break;
                }
                if rule.project {
                    self.report.rules_used.insert(rule.name.clone());
                    let mv_type =
                        self.plan.metaverse.get(usize::from(rule.mv_type)).map(|t| t.name.clone()).unwrap_or_default();
                    let mv = MvObject {
                        id: self.store.next_id()?,
                        object_type: mv_type,
                        attributes: BTreeMap::new(),
                        links: Vec::new(),
                        lineage: BTreeMap::new(),
                    };
                    self.work.put_mv(mv.clone());
                    self.link(&mut o, mv.id)?;
                    self.report.counts.projections += 1;
                    break;
                }
            }
        }
        if o.link.is_some() && !o.referrers.is_empty() {
            // References to this object can be resolved now: its referrers flow again.
            for r in std::mem::take(&mut o.referrers) {
                if let Some(mut referrer) = self.work.cs(self.store, &r.connector, r.cs)?
                    && referrer.kind == CsKind::Staging
                    && referrer.link.is_some()
                {
                    if referrer.pending_import.is_none() {
                        referrer.pending_import =
                            Some(PendingImport { change: ImportChange::Update, changed: Vec::new() });
                    }
                    self.work.put_cs(referrer);
                    self.requeue.push((r.connector, r.cs));
                }
            }
        }
        self.work.put_cs(o.clone());
        // 5. Import attribute flow, then provisioning and export attribute flow.
        if let Some(mv_id) = o.link {
            let targets: Vec<u16> = in_scope
                .iter()
                .filter_map(|ri| self.plan.inbound.get(*ri))
                .flat_map(|r| r.flows.iter().map(|f| f.target))
                .collect();
            // A pending update flows only the attributes it changed; an add (or a full sync) all.
            let changed = pending.as_ref().filter(|p| p.change == ImportChange::Update).map(|p| p.changed.clone());
            self.recompute(mv_id, &targets, changed.as_deref(), &o)?;
            self.outbound(mv_id)?;
        }
        Ok(())
    }

    fn holds(&mut self, scope: Option<&plan::Expr>, values: &[Value], rule: &str, o: &CsObject) -> Step<bool> {
        let Some(scope) = scope else { return Ok(true) };
        self.work.counters.rule_evaluations += 1;
        let env = ObjectEnv { values, plan: self.plan, store: self.store };
        eval_condition(scope, &env)
            .map_err(|e| ObjectFailure::Object(describe_cs(o), context(&e, rule, None, &describe_cs(o))))
    }

    fn join(&mut self, rule: &plan::InboundRule, values: &[Value], o: &CsObject) -> Step<Option<Id>> {
        let Some(mv_type) = self.plan.metaverse.get(usize::from(rule.mv_type)) else { return Ok(None) };
        for criterion in &rule.joins {
            let mut wanted: Vec<(String, Value)> = Vec::new();
            for m in criterion {
                self.work.counters.rule_evaluations += 1;
                let env = ObjectEnv { values, plan: self.plan, store: self.store };
                let v = eval(&m.value, &env)
                    .map_err(|e| ObjectFailure::Object(describe_cs(o), context(&e, &rule.name, None, &describe_cs(o))))?
                    .into_owned();
                let Some(attr) = mv_type.attributes.get(usize::from(m.mv_attr)) else { continue };
                wanted.push((attr.name.clone(), v));
            }
            if wanted.iter().any(|(_, v)| v.is_null()) || wanted.is_empty() {
                continue;
            }
            let Some((first_attr, first_value)) = wanted.first().cloned() else { continue };
            let mut candidates = Vec::new();
            for candidate in self.work.mv_find(self.store, &mv_type.name, &first_attr, &first_value)? {
                let Some(mv) = self.work.mv_ref(self.store, candidate)? else { continue };
                let all =
                    wanted.iter().all(|(a, v)| mv.attributes.get(a).is_some_and(|have| have.values().contains(v)));
                let taken = mv.links.iter().any(|l| l.connector == o.connector && l.cs != o.id);
                if all && !taken {
                    candidates.push(candidate);
                }
            }
            match candidates.as_slice() {
                [] => continue,
                [one] => return Ok(Some(*one)),
                many => {
                    // Each candidate is named by the connector objects linked to it.
                    let mut ids: Vec<String> = Vec::new();
                    for candidate in many {
                        let mut names = Vec::new();
                        if let Some(mv) = self.work.mv(self.store, *candidate)? {
                            for l in &mv.links {
                                if let Some(cs) = self.work.cs(self.store, &l.connector, l.cs)? {
                                    names.push(describe_cs(&cs));
                                }
                            }
                        }
                        ids.push(if names.is_empty() {
                            format!("metaverse object {candidate}")
                        } else {
                            names.join(" + ")
                        });
                    }
                    return Err(ObjectFailure::Object(
                        describe_cs(o),
                        format!(
                            "ambiguous join in rule `{}`: {} metaverse objects match ({})",
                            rule.name,
                            many.len(),
                            ids.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(None)
    }

    fn link(&mut self, o: &mut CsObject, mv_id: Id) -> Step<()> {
        let Some(mut mv) = self.work.mv(self.store, mv_id)? else { return Ok(()) };
        o.link = Some(mv_id);
        if !mv.links.iter().any(|l| l.connector == o.connector && l.cs == o.id) {
            mv.links.push(Link { connector: o.connector.clone(), cs: o.id });
            mv.links.sort();
        }
        self.work.put_mv(mv);
        Ok(())
    }

    /// Removes an object's link and applies the metaverse deletion rule.
    fn disconnect(&mut self, o: &mut CsObject) -> Step<()> {
        let Some(mv_id) = o.link.take() else { return Ok(()) };
        let Some(mut mv) = self.work.mv(self.store, mv_id)? else { return Ok(()) };
        mv.links.retain(|l| !(l.connector == o.connector && l.cs == o.id));
        let deletion = self.mv_type(&mv.object_type).map(|(_, t)| t.deletion.clone()).unwrap_or(Deletion::LastLink);
        let delete = match &deletion {
            Deletion::LastLink => mv.links.is_empty(),
            Deletion::Authoritative(conns) => {
                conns.iter().any(|c| self.plan.connectors.get(usize::from(*c)).is_some_and(|c| c.name == o.connector))
                    || mv.links.is_empty()
            }
        };
        if delete {
            // The metaverse object goes; its other connector objects are deprovisioned.
            let others = std::mem::take(&mut mv.links);
            self.work.delete_mv(mv_id);
            self.report.counts.deletes += 1;
            for l in others {
                if let Some(mut other) = self.work.cs(self.store, &l.connector, l.cs)? {
                    other.link = None;
                    let rule = self.plan.outbound.iter().find(|r| {
                        self.plan.connectors.get(usize::from(r.connector)).is_some_and(|c| c.name == other.connector)
                            && self.plan.metaverse.get(usize::from(r.mv_type)).is_some_and(|t| t.name == mv.object_type)
                    });
                    let action = rule.map_or(Deprovision::Disconnect, |r| r.deprovision);
                    self.deprovision(&mut other, action);
                    self.work.put_cs(other);
                }
            }
            return Ok(());
        }
        // Its contributions go: every attribute this connector's rules flow is computed again.
        self.work.put_mv(mv.clone());
        let targets: Vec<u16> = self
            .plan
            .inbound
            .iter()
            .filter(|r| self.plan.connectors.get(usize::from(r.connector)).is_some_and(|c| c.name == o.connector))
            .flat_map(|r| r.flows.iter().map(|f| f.target))
            .collect();
        self.recompute(mv_id, &targets, None, o)?;
        self.outbound(mv_id)?;
        Ok(())
    }

    fn deprovision(&mut self, o: &mut CsObject, action: Deprovision) {
        match action {
            Deprovision::Delete
                if matches!(o.pending_export, Some(PendingExport { change: ExportChange::Add, .. })) =>
            {
                // Never exported: the connected system does not have it, so it is simply dropped.
                o.pending_export = None;
                o.link = None;
                self.dropped.push((o.connector.clone(), o.id));
                self.report.counts.deprovisions += 1;
            }
            // Already staged: nothing changes.
            Deprovision::Delete
                if matches!(o.pending_export, Some(PendingExport { change: ExportChange::Delete, .. })) => {}
            Deprovision::Delete => {
                o.pending_export = Some(PendingExport {
                    change: ExportChange::Delete,
                    new_dn: None,
                    attributes: Vec::new(),
                    failures: 0,
                });
                self.report.counts.deprovisions += 1;
            }
            Deprovision::Disconnect => {
                o.link = None;
                self.report.counts.deprovisions += 1;
            }
            Deprovision::Keep => {}
        }
    }

    /// Computes metaverse attributes again from their contributions (import attribute flow).
    fn recompute(&mut self, mv_id: Id, targets: &[u16], changed: Option<&[String]>, source: &CsObject) -> Step<()> {
        let _ = changed;
        let Some(mut mv) = self.work.mv(self.store, mv_id)? else { return Ok(()) };
        let Some((_, mv_type)) = self.mv_type(&mv.object_type) else { return Ok(()) };
        let mut targets: Vec<u16> = targets.to_vec();
        targets.sort_unstable();
        targets.dedup();
        let mut any = false;
        // Each contributing object is read, laid out in slots and scoped once, whatever the
        // number of attributes it contributes to.
        let mut inputs: Vec<(Link, Option<Input<'_>>)> = Vec::new();
        let mut scoped: HashMap<(u16, Id), bool> = HashMap::new();
        for slot in targets {
            let Some(attr) = mv_type.attributes.get(usize::from(slot)) else { continue };
            let Some(contributions) = mv_type.precedence.get(usize::from(slot)) else { continue };
            let mut union: Vec<Value> = Vec::new();
            let mut in_union: HashSet<Value> = HashSet::new();
            let mut any_union = false;
            let mut winner: Option<(Value, Lineage)> = None;
            let mut ignored = false;
            'contributions: for c in contributions {
                let Some(rule) = self.plan.inbound.get(usize::from(c.rule)) else { continue };
                let Some(flow) = rule.flows.get(usize::from(c.flow)) else { continue };
                let Some(conn) = self.plan.connectors.get(usize::from(rule.connector)) else { continue };
                let Some(ty) = conn.objects.get(usize::from(rule.object)) else { continue };
                for l in mv.links.iter().filter(|l| l.connector == conn.name) {
                    let at = match inputs.iter().position(|(have, _)| have == l) {
                        Some(at) => at,
                        None => {
                            let cs = if l.cs == source.id {
                                Some(Shared::Borrowed(source))
                            } else {
                                self.work.cs_ref(self.store, &l.connector, l.cs)?.map(Shared::Rc)
                            };
                            let input = cs.map(|cs| {
                                let values = match self.cs_type(&cs) {
                                    Some((_, _, t)) => slots(&t.attributes, &cs.attributes),
                                    None => Vec::new(),
                                };
                                (cs, values)
                            });
                            inputs.push((l.clone(), input));
                            inputs.len() - 1
                        }
                    };
                    let Some((_, Some((cs, values)))) = inputs.get(at) else { continue };
                    if cs.object_type != ty.name {
                        continue;
                    }
                    let in_scope = match scoped.get(&(c.rule, cs.id)) {
                        Some(known) => *known,
                        None => {
                            let holds = self.holds(rule.scope.as_ref(), values, &rule.name, cs)?;
                            scoped.insert((c.rule, cs.id), holds);
                            holds
                        }
                    };
                    if !in_scope {
                        continue;
                    }
                    self.work.counters.rule_evaluations += 1;
                    self.report.rules_used.insert(rule.name.clone());
                    let env = ObjectEnv { values, plan: self.plan, store: self.store };
                    let out = eval_flow(&flow.value, &env).map_err(|e| {
                        ObjectFailure::Object(
                            describe_cs(cs),
                            context(&e, &rule.name, Some(&attr.name), &describe_cs(cs)),
                        )
                    })?;
                    let lineage =
                        Lineage { connector: cs.connector.clone(), cs: cs.id, rule: rule.name.clone(), run: self.run };
                    match out {
                        FlowValue::Ignore => ignored = true,
                        FlowValue::AuthoritativeNull => {
                            if !any_union {
                                winner = Some((Value::Null, lineage));
                            }
                            break 'contributions;
                        }
                        FlowValue::Value(v) => {
                            let v = self.translate_inbound(v.into_owned(), flow.references, cs)?;
                            if v.values().is_empty() {
                                continue;
                            }
                            if c.union {
                                any_union = true;
                                for item in v.values() {
                                    if in_union.insert(item.clone()) {
                                        union.push(item.clone());
                                    }
                                }
                                if winner.is_none() {
                                    winner = Some((Value::Null, lineage));
                                }
                            } else {
                                if !any_union {
                                    winner = Some((v, lineage));
                                }
                                break 'contributions;
                            }
                        }
                    }
                }
            }
            let new_value = if any_union {
                Some(Value::List(union))
            } else {
                match &winner {
                    Some((v, _)) => Some(v.clone()),
                    None if ignored => None,
                    None => Some(Value::Null),
                }
            };
            if let Some(v) = new_value
                && mv.attributes.get(&attr.name).unwrap_or(&Value::Null) != &v
            {
                any = true;
                if v.is_null() {
                    mv.attributes.remove(&attr.name);
                    mv.lineage.remove(&attr.name);
                } else {
                    mv.attributes.insert(attr.name.clone(), v);
                    if let Some((_, lineage)) = winner {
                        mv.lineage.insert(attr.name.clone(), lineage);
                    }
                }
            }
        }
        if any {
            self.report.counts.updates += 1;
            self.work.put_mv(mv);
        }
        Ok(())
    }

    /// A connector reference becomes the metaverse object linked to the referenced object.
    /// A reference to an object without a metaverse object yet (a placeholder, or an object not
    /// yet joined or projected) is recorded on that object, so that `source` flows again once it
    /// is linked.
    fn translate_inbound(&mut self, v: Value, references: Option<TypeRef>, source: &CsObject) -> Step<Value> {
        let Some(TypeRef::Cs(c, _)) = references else { return Ok(v) };
        let Some(conn) = self.plan.connectors.get(usize::from(c)) else { return Ok(Value::Null) };
        let name = conn.name.clone();
        let mut out = Vec::new();
        for item in v.values() {
            let (Value::Reference(key) | Value::String(key)) = item else { continue };
            let Some(id) = self.work.cs_by_key(self.store, &name, key)? else { continue };
            let Some(target) = self.work.cs_header(self.store, &name, id)? else { continue };
            match target.link {
                Some(mv) => out.push(Value::Reference(mv.to_string())),
                None => {
                    let referrer = Link { connector: source.connector.clone(), cs: source.id };
                    if let Some(mut target) = self.work.cs(self.store, &name, id)?
                        && target.id != source.id
                        && !target.referrers.contains(&referrer)
                    {
                        target.referrers.push(referrer);
                        self.work.put_cs(target);
                    }
                }
            }
        }
        Ok(match (v, out.len()) {
            (Value::List(_), _) => Value::List(out),
            (_, 0) => Value::Null,
            (_, _) => out.into_iter().next().unwrap_or(Value::Null),
        })
    }

    /// A metaverse reference becomes the DN (or anchor) of the referenced object's object in the
    /// target connector.
    fn translate_outbound(
        &mut self,
        v: Value,
        references: Option<TypeRef>,
        connector: &plan::Connector,
    ) -> Step<Value> {
        let Some(TypeRef::Mv(_)) = references else { return Ok(v) };
        let by_anchor = capability(connector, "dn_style") == "none";
        let mut out = Vec::new();
        for item in v.values() {
            let (Value::Reference(key) | Value::String(key)) = item else { continue };
            let Ok(id) = key.parse::<Id>() else { continue };
            let Some(mv) = self.work.mv_header(self.store, id)? else { continue };
            for l in mv.links.iter().filter(|l| l.connector == connector.name) {
                if let Some(target) = self.work.cs_header(self.store, &l.connector, l.cs)? {
                    let text = if by_anchor { target.anchor } else { Some(target.dn) };
                    if let Some(t) = text {
                        out.push(Value::Reference(t));
                    }
                    break;
                }
            }
        }
        Ok(match (v, out.len()) {
            (Value::List(_), _) => Value::List(out),
            (_, 0) => Value::Null,
            (_, _) => out.into_iter().next().unwrap_or(Value::Null),
        })
    }

    /// Provisioning, deprovisioning and export attribute flow for one metaverse object.
    fn outbound(&mut self, mv_id: Id) -> Step<()> {
        let Some(mut mv) = self.work.mv(self.store, mv_id)? else { return Ok(()) };
        let Some((mi, mv_type)) = self.mv_type(&mv.object_type) else { return Ok(()) };
        let values = slots(&mv_type.attributes, &mv.attributes);
        let object = format!("mv:{mv_id}");
        for rule in self.plan.outbound.iter().filter(|r| usize::from(r.mv_type) == mi) {
            let Some(conn) = self.plan.connectors.get(usize::from(rule.connector)) else { continue };
            let Some(ty) = conn.objects.get(usize::from(rule.object)) else { continue };
            let in_scope = match &rule.scope {
                None => true,
                Some(s) => {
                    self.work.counters.rule_evaluations += 1;
                    let env = ObjectEnv { values: &values, plan: self.plan, store: self.store };
                    eval_condition(s, &env)
                        .map_err(|e| ObjectFailure::Object(object.clone(), context(&e, &rule.name, None, &object)))?
                }
            };
            let mut linked: Option<CsObject> = None;
            for l in mv.links.iter().filter(|l| l.connector == conn.name) {
                if let Some(cs) = self.work.cs(self.store, &l.connector, l.cs)?
                    && cs.object_type == ty.name
                {
                    linked = Some(cs);
                    break;
                }
            }
            let acts = (in_scope && (linked.is_some() || rule.provision.is_some()))
                || (linked.is_some() && rule.provision.is_some());
            if acts {
                self.report.rules_used.insert(rule.name.clone());
            }
            match (in_scope, linked) {
                (true, Some(mut cs)) => {
                    let computed = self.flows(rule, conn, ty, &values, &cs.attributes, false, &object)?;
                    // Objects this rule provisioned follow its DN (a rename when it changes);
                    // accounts that were joined keep theirs.
                    let dn = match &rule.provision {
                        Some(Some(dn)) if cs.provisioned_by.as_deref() == Some(rule.name.as_str()) => {
                            self.dn(dn, &values, rule, &object)?
                        }
                        _ => None,
                    };
                    if self.stage_changes(&mut cs, computed, dn, conn) {
                        self.report.counts.updates += 1;
                    }
                    self.work.put_cs(cs);
                }
                (true, None) => {
                    let Some(dn_expr) = &rule.provision else { continue };
                    // An existing account the target's own join rules would link is joined, not
                    // duplicated: synchronizing a source before the target must not provision a
                    // second account for someone who has one.
                    let (ci, oi) = (usize::from(rule.connector), usize::from(rule.object));
                    if let Some((existing, inbound)) = self.join_before_provisioning(&mv, mi, ci, oi, &object)?
                        && let Some(mut cs) = self.work.cs(self.store, &conn.name, existing)?
                    {
                        cs.link = Some(mv_id);
                        mv.links.push(Link { connector: conn.name.clone(), cs: existing });
                        mv.links.sort();
                        self.work.put_mv(mv.clone());
                        self.work.put_cs(cs.clone());
                        self.report.counts.joins += 1;
                        self.report.rules_used.insert(inbound.clone());
                        // Its inbound flows count from now on; then outbound runs again with the
                        // metaverse object as it is after the join.
                        let targets: Vec<u16> = self
                            .plan
                            .inbound
                            .iter()
                            .filter(|r| usize::from(r.connector) == ci && usize::from(r.object) == oi)
                            .flat_map(|r| r.flows.iter().map(|f| f.target))
                            .collect();
                        self.recompute(mv_id, &targets, None, &cs)?;
                        return self.outbound(mv_id);
                    }
                    let computed = self.flows(rule, conn, ty, &values, &BTreeMap::new(), true, &object)?;
                    let anchor_name =
                        ty.attributes.get(usize::from(ty.anchor)).map(|a| a.name.clone()).unwrap_or_default();
                    let anchor_value = computed.iter().find(|(n, _)| *n == anchor_name).map(|(_, v)| v.clone());
                    let dn = match dn_expr {
                        Some(e) => self.dn(e, &values, rule, &object)?,
                        None => anchor_value.as_ref().and_then(key_text),
                    };
                    let Some(dn) = dn else {
                        return Err(ObjectFailure::Object(
                            object.clone(),
                            format!("rule `{}`: the new object has no DN (its DN or anchor is missing)", rule.name),
                        ));
                    };
                    let by_anchor = capability(conn, "dn_style") == "none";
                    // The DN may already be taken in the connector space: a placeholder (a
                    // reference to the object to be created) becomes the new object; a real object
                    // (an existing account not joined to this person) is never taken over nor
                    // duplicated: provisioning waits until a join rule links it or it goes.
                    let existing = match self.work.cs_by_key(self.store, &conn.name, &dn)? {
                        Some(found) => self.work.cs(self.store, &conn.name, found)?,
                        None => None,
                    };
                    let (id, referrers) = match existing {
                        Some(o) if o.kind == CsKind::Placeholder => (o.id, o.referrers),
                        Some(o) => {
                            self.report.issue(
                                "provision-conflict",
                                false,
                                object.clone(),
                                format!("rule `{}`: not provisioned: {} already exists in the connector space and is not linked to this object", rule.name, describe_cs(&o)),
                            );
                            continue;
                        }
                        None => (self.store.next_id()?, Vec::new()),
                    };
                    let attributes: Vec<AttrChange> = computed
                        .into_iter()
                        .filter(|(_, v)| !v.is_null())
                        .map(|(name, new)| AttrChange { name, old: Value::Null, new })
                        .collect();
                    let cs = CsObject {
                        anchor: by_anchor.then(|| dn.clone()),
                        link: Some(mv_id),
                        provisioned_by: Some(rule.name.clone()),
                        pending_export: Some(PendingExport {
                            change: ExportChange::Add,
                            new_dn: None,
                            attributes,
                            failures: 0,
                        }),
                        referrers,
                        ..CsObject::new(id, &conn.name, &ty.name, &dn)
                    };
                    mv.links.push(Link { connector: conn.name.clone(), cs: id });
                    mv.links.sort();
                    self.work.put_mv(mv.clone());
                    self.work.put_cs(cs);
                    self.report.counts.provisions += 1;
                }
                (false, Some(mut cs)) => {
                    if rule.provision.is_none() {
                        continue;
                    }
                    self.deprovision(&mut cs, rule.deprovision);
                    if cs.link.is_none() {
                        mv.links.retain(|l| !(l.connector == cs.connector && l.cs == cs.id));
                        self.work.put_mv(mv.clone());
                    }
                    self.work.put_cs(cs);
                }
                (false, None) => {}
            }
        }
        Ok(())
    }

    /// The disconnector of `connector.object` that an inbound join criterion of that type would
    /// join to `mv`, with the rule's name: one candidate joins, several are an ambiguity error.
    fn join_before_provisioning(
        &mut self,
        mv: &MvObject,
        mi: usize,
        ci: usize,
        oi: usize,
        object: &str,
    ) -> Step<Option<(Id, String)>> {
        let Some(conn) = self.plan.connectors.get(ci) else { return Ok(None) };
        let Some(ty) = conn.objects.get(oi) else { return Ok(None) };
        let Some(mv_type) = self.plan.metaverse.get(mi) else { return Ok(None) };
        for (ri, rule) in self.plan.inbound.iter().enumerate() {
            if usize::from(rule.connector) != ci || usize::from(rule.object) != oi || usize::from(rule.mv_type) != mi {
                continue;
            }
            for (k, criterion) in rule.joins.iter().enumerate() {
                let mut wanted = Vec::new();
                for m in criterion {
                    let value = mv_type.attributes.get(usize::from(m.mv_attr)).and_then(|a| mv.attributes.get(&a.name));
                    match value {
                        Some(v) if !v.is_null() => wanted.push(v.clone()),
                        _ => break,
                    }
                }
                if wanted.is_empty() || wanted.len() != criterion.len() {
                    continue;
                }
                if !self.join_index.contains_key(&(ri, k)) {
                    let mut index: BTreeMap<String, Vec<Id>> = BTreeMap::new();
                    for id in self.store.disconnectors(&conn.name)? {
                        let Some(o) = self.work.cs(self.store, &conn.name, id)? else { continue };
                        if o.link.is_some()
                            || o.explicit_disconnector
                            || o.kind == CsKind::Placeholder
                            || o.object_type != ty.name
                        {
                            continue;
                        }
                        let values = slots(&ty.attributes, &o.attributes);
                        if !self.holds(rule.scope.as_ref(), &values, &rule.name, &o)? {
                            continue;
                        }
                        let mut key = Vec::new();
                        for m in criterion {
                            self.work.counters.rule_evaluations += 1;
                            let env = ObjectEnv { values: &values, plan: self.plan, store: self.store };
                            let v = eval(&m.value, &env).map_err(|e| {
                                ObjectFailure::Object(describe_cs(&o), context(&e, &rule.name, None, &describe_cs(&o)))
                            })?;
                            key.push(v.into_owned());
                        }
                        if key.iter().any(|v| v.is_null() || v.as_str() == Some("")) {
                            continue;
                        }
                        index.entry(serde_json::to_string(&key).unwrap_or_default()).or_default().push(id);
                    }
                    self.join_index.insert((ri, k), index);
                }
                let key = serde_json::to_string(&wanted).unwrap_or_default();
                let candidates = self.join_index.get(&(ri, k)).and_then(|m| m.get(&key)).cloned().unwrap_or_default();
                let mut live = Vec::new();
                for id in candidates {
                    if let Some(o) = self.work.cs(self.store, &conn.name, id)?
                        && o.link.is_none()
                        && !o.explicit_disconnector
                    {
                        live.push(id);
                    }
                }
                match live.as_slice() {
                    [] => continue,
                    [one] => return Ok(Some((*one, rule.name.clone()))),
                    many => {
                        return Err(ObjectFailure::Object(
                            object.to_string(),
                            format!(
                                "ambiguous join before provisioning in rule `{}`: {} objects of `{}.{}` match",
                                rule.name,
                                many.len(),
                                conn.name,
                                ty.name
                            ),
                        ));
                    }
                }
            }
        }
        Ok(None)
    }

    fn dn(
        &mut self,
        e: &plan::Expr,
        values: &[Value],
        rule: &plan::OutboundRule,
        object: &str,
    ) -> Step<Option<String>> {
        self.work.counters.rule_evaluations += 1;
        let env = ObjectEnv { values, plan: self.plan, store: self.store };
        let v = eval(e, &env)
            .map_err(|err| ObjectFailure::Object(object.to_string(), context(&err, &rule.name, Some("dn"), object)))?;
        Ok(v.as_str().map(str::to_string))
    }

    /// The export flows' values: `(attribute, value)`; `ignore`d flows are left out.
    #[expect(clippy::too_many_arguments, reason = "the rule's whole context")]
    fn flows(
        &mut self,
        rule: &plan::OutboundRule,
        conn: &plan::Connector,
        ty: &plan::ObjectType,
        values: &[Value],
        current: &BTreeMap<String, Value>,
        adding: bool,
        object: &str,
    ) -> Step<Vec<(String, Value)>> {
        let mut out = Vec::new();
        for flow in &rule.flows {
            if flow.once && !adding {
                continue;
            }
            let Some(attr) = ty.attributes.get(usize::from(flow.target)) else { continue };
            self.work.counters.rule_evaluations += 1;
            let env = ObjectEnv { values, plan: self.plan, store: self.store };
            let v = eval_flow(&flow.value, &env).map_err(|e| {
                ObjectFailure::Object(object.to_string(), context(&e, &rule.name, Some(&attr.name), object))
            })?;
            let v = match v {
                FlowValue::Ignore => continue,
                FlowValue::AuthoritativeNull => Value::Null,
                FlowValue::Value(v) => self.translate_outbound(v.into_owned(), flow.references, conn)?,
            };
            let v = if flow.merge == Merge::Union {
                let mut merged: Vec<Value> = current.get(&attr.name).map(|c| c.values().to_vec()).unwrap_or_default();
                let mut present: HashSet<Value> = merged.iter().cloned().collect();
                for item in v.values() {
                    if present.insert(item.clone()) {
                        merged.push(item.clone());
                    }
                }
                Value::List(merged)
            } else {
                v
            };
            let v = match (attr.many, v) {
                (false, Value::List(items)) if items.len() <= 1 => items.into_iter().next().unwrap_or(Value::Null),
                (_, Value::List(items)) if items.is_empty() => Value::Null,
                (_, v) => v,
            };
            out.push((attr.name.clone(), v));
        }
        Ok(out)
    }

    /// Records the differences between computed values and the object's as a pending export.
    fn stage_changes(
        &mut self,
        cs: &mut CsObject,
        computed: Vec<(String, Value)>,
        dn: Option<String>,
        conn: &plan::Connector,
    ) -> bool {
        let _ = conn;
        let mut pending = cs.pending_export.take().unwrap_or(PendingExport {
            change: ExportChange::Update,
            new_dn: None,
            attributes: Vec::new(),
            failures: 0,
        });
        if pending.change == ExportChange::Delete {
            cs.pending_export = Some(pending);
            return false;
        }
        let mut changed = false;
        for (name, new) in computed {
            let old = cs.attributes.get(&name).unwrap_or(&Value::Null);
            let current = match pending.attributes.iter().find(|c| c.name == name) {
                Some(staged) => &staged.new,
                None => old,
            };
            if super::import::same_values(current, &new) {
                continue;
            }
            changed = true;
            pending.attributes.retain(|c| c.name != name);
            if pending.change != ExportChange::Add && super::import::same_values(old, &new) {
                continue; // back to what the system has: nothing to export
            }
            pending.attributes.push(AttrChange { name, old: old.clone(), new });
        }
        if let Some(dn) = dn {
            let already = pending.new_dn.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(&dn));
            if !dn.eq_ignore_ascii_case(&cs.dn) && pending.change != ExportChange::Add && !already {
                pending.new_dn = Some(dn);
                changed = true;
            }
        }
        let empty = pending.attributes.is_empty() && pending.new_dn.is_none() && pending.change == ExportChange::Update;
        cs.pending_export = if empty { None } else { Some(pending) };
        changed
    }
}

/// The text of a key value (an anchor or a DN).
fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) | Value::Reference(s) => Some(s.clone()),
        Value::Integer(n) => Some(n.to_string()),
        Value::Guid(g) => Some(crate::value::format_guid(*g)),
        Value::List(items) => items.first().and_then(key_text),
        _ => None,
    }
}

/// Marks an object pending import again (used by tests to force a delta).
pub fn touch(o: &mut CsObject) {
    o.pending_import = Some(PendingImport { change: ImportChange::Update, changed: Vec::new() });
}

/// A contributing object and its values in slots.
type Input<'s> = (Shared<'s, CsObject>, Vec<Value>);

/// An object the caller lends or the batch shares.
enum Shared<'s, T> {
    Borrowed(&'s T),
    Rc(Rc<T>),
}

impl<T> std::ops::Deref for Shared<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Shared::Borrowed(t) => t,
            Shared::Rc(t) => t,
        }
    }
}
