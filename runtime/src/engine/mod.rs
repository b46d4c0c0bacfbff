//! The sync engine: import, synchronization and export over a [`Store`] and [`Connector`]s.
//!
//! Work is done in batches. A [`Work`] set holds the objects a batch has read and changed; reads
//! look there first, so a batch sees its own writes (an object projected early in a batch can be
//! joined later in the same batch), and [`Work::commit`] writes every changed object in one
//! atomic, durable store batch. A watermark or a step's completion is committed with, or after,
//! the data it covers.

pub mod export;
pub mod import;
pub mod run;
pub mod sync;

use crate::eval::{Env, EvalError};
use crate::model::{Counts, CsObject, Id, MvObject, ObjectIssue, StepRecord};
use crate::plan::{self, Plan, TypeRef};
use crate::store::{Batch, CsHeader, MvHeader, Op, Store, StoreError};
use crate::value::Value;
use smallvec::SmallVec;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::rc::Rc;

/// How many objects a batch changes before it is committed.
pub const BATCH_SIZE: usize = 500;

/// A run stops after this many object-level errors.
pub const ERROR_LIMIT: u64 = 5_000;

/// The default deletion threshold of an export.
pub const DEFAULT_DELETE_THRESHOLD: u64 = 500;

/// Why a step stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The store failed.
    Store(StoreError),
    /// A connector failed as a whole.
    Connector(String),
    /// The run reached the error limit: what the step did until then (its counts and issues go
    /// into the run history).
    ErrorLimit(Box<StepReport>),
    /// An export would delete more objects than its threshold allows.
    DeleteThreshold {
        /// The connector.
        connector: String,
        /// Deletes pending.
        deletes: u64,
        /// The threshold.
        threshold: u64,
    },
    /// The plan and the request disagree (an unknown connector name).
    Usage(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Store(e) => write!(f, "{e}"),
            EngineError::Connector(e) => f.write_str(e),
            EngineError::ErrorLimit(report) => {
                write!(f, "the run stopped after {} errors (the limit is {ERROR_LIMIT})", report.counts.errors)
            }
            EngineError::DeleteThreshold { connector, deletes, threshold } => write!(
                f,
                "export to `{connector}` would delete {deletes} objects, more than its threshold of {threshold}: review them with `metasync pending {connector}` and allow them with `--allow-deletes {connector}`"
            ),
            EngineError::Usage(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for EngineError {}

impl From<StoreError> for EngineError {
    fn from(e: StoreError) -> EngineError {
        EngineError::Store(e)
    }
}

/// A result of the engine.
pub type Result<T> = std::result::Result<T, EngineError>;

/// Counters of the work a step did, for the proof that delta work is proportional to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkCounters {
    /// Store reads (objects and index lookups).
    pub store_reads: u64,
    /// Rule evaluations (scopes, joins, flows).
    pub rule_evaluations: u64,
}

/// The objects a batch has read and changed.
#[derive(Debug, Default)]
pub struct Work {
    /// Objects read or staged, by connector and id. Shared (`Rc`) so that reading one costs no
    /// copy; a change stages a new version.
    cs: HashMap<String, HashMap<Id, Option<Rc<CsObject>>>>,
    mv: HashMap<Id, Option<Rc<MvObject>>>,
    dirty_cs: BTreeSet<(String, Id)>,
    dirty_mv: BTreeSet<Id>,
    /// Staged connector objects by (connector, anchor) and by (connector, lowercased DN).
    /// Entries can be stale: a lookup checks each candidate against its staged version.
    staged_by_anchor: HashMap<(String, String), SmallVec<[Id; 1]>>,
    staged_by_dn: HashMap<(String, String), SmallVec<[Id; 1]>>,
    /// Staged metaverse objects by attribute and value, for the attributes [`Work::mv_find`] has
    /// looked up in this batch (built at an attribute's first lookup, kept up to date by
    /// [`Work::put_mv`]): a join looks at the staged objects holding its value, not at every
    /// staged object. Entries can be stale: a lookup checks each candidate's staged version.
    staged_mv_values: HashMap<String, HashMap<Value, SmallVec<[Id; 1]>>>,
    extra: Vec<Op>,
    /// Reads and evaluations so far.
    pub counters: WorkCounters,
}

impl Work {
    /// A connector space object (this batch's version first), to read.
    pub fn cs_ref(&mut self, store: &dyn Store, connector: &str, id: Id) -> Result<Option<Rc<CsObject>>> {
        if let Some(o) = self.cs.get(connector).and_then(|objects| objects.get(&id)) {
            return Ok(o.clone());
        }
        self.counters.store_reads += 1;
        let o = store.cs(connector, id)?.map(Rc::new);
        self.cs.entry(connector.to_string()).or_default().insert(id, o.clone());
        Ok(o)
    }

    /// A connector space object (this batch's version first), to change and stage again.
    pub fn cs(&mut self, store: &dyn Store, connector: &str, id: Id) -> Result<Option<CsObject>> {
        Ok(self.cs_ref(store, connector, id)?.map(|o| CsObject::clone(&o)))
    }

    /// A connector space object's header (this batch's version first): its anchor, DN and link
    /// without its values.
    pub fn cs_header(&mut self, store: &dyn Store, connector: &str, id: Id) -> Result<Option<CsHeader>> {
        if let Some(o) = self.cs.get(connector).and_then(|objects| objects.get(&id)) {
            return Ok(o.as_deref().map(CsHeader::of));
        }
        self.counters.store_reads += 1;
        Ok(store.cs_header(connector, id)?)
    }

    /// A metaverse object's header (this batch's version first): its type and links.
    pub fn mv_header(&mut self, store: &dyn Store, id: Id) -> Result<Option<MvHeader>> {
        if let Some(o) = self.mv.get(&id) {
            return Ok(o.as_deref().map(MvHeader::of));
        }
        self.counters.store_reads += 1;
        Ok(store.mv_header(id)?)
    }

    /// The staged version of a connector space object, when the batch has one.
    fn staged_cs(&self, connector: &str, id: Id) -> Option<&CsObject> {
        self.cs.get(connector)?.get(&id)?.as_deref()
    }

    /// Stages a changed connector space object.
    pub fn put_cs(&mut self, o: CsObject) {
        if let Some(anchor) = &o.anchor {
            note_staged(&mut self.staged_by_anchor, &o.connector, anchor.clone(), o.id);
        }
        note_staged(&mut self.staged_by_dn, &o.connector, o.dn.to_ascii_lowercase(), o.id);
        self.dirty_cs.insert((o.connector.clone(), o.id));
        let objects = match self.cs.get_mut(&o.connector) {
            Some(objects) => objects,
            None => self.cs.entry(o.connector.clone()).or_default(),
        };
        objects.insert(o.id, Some(Rc::new(o)));
    }

    /// Stages the removal of a connector space object.
    pub fn delete_cs(&mut self, connector: &str, id: Id) {
        self.dirty_cs.insert((connector.to_string(), id));
        self.cs.entry(connector.to_string()).or_default().insert(id, None);
    }

    /// A metaverse object (this batch's version first), to read.
    pub fn mv_ref(&mut self, store: &dyn Store, id: Id) -> Result<Option<Rc<MvObject>>> {
        if let Some(o) = self.mv.get(&id) {
            return Ok(o.clone());
        }
        self.counters.store_reads += 1;
        let o = store.mv(id)?.map(Rc::new);
        self.mv.insert(id, o.clone());
        Ok(o)
    }

    /// A metaverse object (this batch's version first), to change and stage again.
    pub fn mv(&mut self, store: &dyn Store, id: Id) -> Result<Option<MvObject>> {
        Ok(self.mv_ref(store, id)?.map(|o| MvObject::clone(&o)))
    }

    /// Stages a changed metaverse object.
    pub fn put_mv(&mut self, o: MvObject) {
        for (attr, index) in &mut self.staged_mv_values {
            if let Some(v) = o.attributes.get(attr) {
                note_values(index, v, o.id);
            }
        }
        self.dirty_mv.insert(o.id);
        self.mv.insert(o.id, Some(Rc::new(o)));
    }

    /// Stages the removal of a metaverse object.
    pub fn delete_mv(&mut self, id: Id) {
        self.dirty_mv.insert(id);
        self.mv.insert(id, None);
    }

    /// Finds the connector object with this anchor, then with this DN (this batch's staged
    /// objects first).
    pub fn cs_by_key(&mut self, store: &dyn Store, connector: &str, key: &str) -> Result<Option<Id>> {
        let by_anchor = self.staged_by_anchor.get(&(connector.to_string(), key.to_string()));
        let by_dn = self.staged_by_dn.get(&(connector.to_string(), key.to_ascii_lowercase()));
        let staged = by_anchor.into_iter().chain(by_dn).flatten().copied().filter(|id| {
            self.staged_cs(connector, *id)
                .is_some_and(|o| o.anchor.as_deref() == Some(key) || o.dn.eq_ignore_ascii_case(key))
        });
        if let Some(id) = staged.min() {
            return Ok(Some(id));
        }
        self.counters.store_reads += 1;
        if let Some(id) = store.cs_by_anchor(connector, key)?
            && self.still_matches(connector, id, key)
        {
            return Ok(Some(id));
        }
        self.counters.store_reads += 1;
        if let Some(id) = store.cs_by_dn(connector, key)?
            && self.still_matches(connector, id, key)
        {
            return Ok(Some(id));
        }
        Ok(None)
    }

    /// Whether the object an index entry names still has `key` as its anchor or DN. The stored
    /// index is the stored object's, so only a version this batch has read or staged can differ.
    fn still_matches(&self, connector: &str, id: Id, key: &str) -> bool {
        match self.cs.get(connector).and_then(|objects| objects.get(&id)) {
            Some(Some(o)) => o.anchor.as_deref() == Some(key) || o.dn.eq_ignore_ascii_case(key),
            Some(None) => false,
            None => true,
        }
    }

    /// The metaverse objects of `object_type` whose `attr` holds `value` (this batch included).
    pub fn mv_find(&mut self, store: &dyn Store, object_type: &str, attr: &str, value: &Value) -> Result<Vec<Id>> {
        self.counters.store_reads += 1;
        // Objects changed in this batch: their stored index entries may be stale, their staged
        // versions decide.
        let mut found: BTreeSet<Id> =
            store.mv_find(object_type, attr, value)?.into_iter().filter(|id| !self.dirty_mv.contains(id)).collect();
        if self.dirty_mv.is_empty() {
            return Ok(found.into_iter().collect());
        }
        if !self.staged_mv_values.contains_key(attr) {
            let mut index = HashMap::new();
            for id in &self.dirty_mv {
                if let Some(Some(o)) = self.mv.get(id)
                    && let Some(v) = o.attributes.get(attr)
                {
                    note_values(&mut index, v, *id);
                }
            }
            self.staged_mv_values.insert(attr.to_string(), index);
        }
        let candidates = self.staged_mv_values.get(attr).and_then(|index| index.get(value));
        for id in candidates.into_iter().flatten() {
            if let Some(Some(o)) = self.mv.get(id).map(Option::as_deref)
                && o.object_type == object_type
                && o.attributes.get(attr).is_some_and(|v| v.values().contains(value))
            {
                found.insert(*id);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Adds a write that is not an object (a watermark, a run record).
    pub fn push(&mut self, op: Op) {
        self.extra.push(op);
    }

    /// How many objects the batch has changed.
    pub fn changed(&self) -> usize {
        self.dirty_cs.len() + self.dirty_mv.len()
    }

    /// Writes every change in one atomic, durable batch and forgets the objects read.
    pub fn commit(&mut self, store: &dyn Store, plan: &Plan) -> Result<()> {
        self.commit_in_batches(store, plan, usize::MAX)
    }

    /// Writes every change, connector objects that are only replaced in batches of `size`, then
    /// every deletion, metaverse change and other write in one last batch (so that a connector
    /// object's deletion and its metaverse object's change are never apart). For a step whose
    /// changes are all known before any may be recorded (an export, recorded once the connector has
    /// made it durable), without one store batch the size of the step.
    pub fn commit_in_batches(&mut self, store: &dyn Store, plan: &Plan, size: usize) -> Result<()> {
        let mut batch = Batch::new();
        // The read cache is forgotten: staged objects move into the batch (a copy only when a
        // caller still holds a reference).
        let mut cs = std::mem::take(&mut self.cs);
        let mut mv = std::mem::take(&mut self.mv);
        let mut last = Batch::new();
        for (connector, id) in std::mem::take(&mut self.dirty_cs) {
            match cs.get_mut(&connector).and_then(|objects| objects.remove(&id)).flatten() {
                Some(o) => batch.push(Op::PutCs(Box::new(Rc::unwrap_or_clone(o)))),
                None => last.push(Op::DeleteCs { connector, id }),
            }
            if batch.ops.len() >= size {
                store.commit(std::mem::take(&mut batch))?;
            }
        }
        batch.ops.append(&mut last.ops);
        for id in std::mem::take(&mut self.dirty_mv) {
            match mv.remove(&id).flatten() {
                Some(o) => {
                    let indexed = join_keys(plan, &o.object_type);
                    batch.push(Op::PutMv(Box::new(Rc::unwrap_or_clone(o)), indexed));
                }
                None => batch.push(Op::DeleteMv(id)),
            }
        }
        batch.ops.append(&mut self.extra);
        self.staged_by_anchor.clear();
        self.staged_by_dn.clear();
        self.staged_mv_values.clear();
        if !batch.is_empty() {
            store.commit(batch)?;
        }
        Ok(())
    }
}

/// Records that `id` holds each of `value`'s values, once.
fn note_values(index: &mut HashMap<Value, SmallVec<[Id; 1]>>, value: &Value, id: Id) {
    for v in value.values() {
        note_once(index, v.clone(), id);
    }
}

/// Records that `id` is staged under `key`, once.
fn note_staged(index: &mut HashMap<(String, String), SmallVec<[Id; 1]>>, connector: &str, key: String, id: Id) {
    note_once(index, (connector.to_string(), key), id);
}

/// Records `id` under `key`, once.
fn note_once<K: std::hash::Hash + Eq>(index: &mut HashMap<K, SmallVec<[Id; 1]>>, key: K, id: Id) {
    let ids = index.entry(key).or_default();
    if !ids.contains(&id) {
        ids.push(id);
    }
}

/// The attribute names of a metaverse type that join criteria search.
pub fn join_keys(plan: &Plan, object_type: &str) -> Vec<String> {
    plan.metaverse
        .iter()
        .find(|t| t.name == object_type)
        .map(|t| t.join_keys.iter().filter_map(|k| t.attributes.get(usize::from(*k)).map(|a| a.name.clone())).collect())
        .unwrap_or_default()
}

/// The progress and results of one step.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepReport {
    /// Counts.
    pub counts: Counts,
    /// Errors and warnings (the first 1,000 kept).
    pub issues: Vec<ObjectIssue>,
    /// Reads and evaluations.
    pub counters: WorkCounters,
    /// The rules that acted (linked, flowed, provisioned, deprovisioned): what the step covered.
    pub rules_used: BTreeSet<String>,
}

impl StepReport {
    /// Records an object-level error or warning.
    pub fn issue(&mut self, code: &str, error: bool, object: impl Into<String>, message: impl Into<String>) {
        if error {
            self.counts.errors += 1;
        } else {
            self.counts.warnings += 1;
        }
        if self.issues.len() < 1_000 {
            self.issues.push(ObjectIssue {
                code: code.to_string(),
                error,
                object: object.into(),
                message: message.into(),
            });
        }
    }

    /// The step record for the run history.
    pub fn record(&self, step: &str, completed: bool, stopped: Option<String>, millis: u64) -> StepRecord {
        StepRecord {
            step: step.to_string(),
            counts: self.counts,
            issues: self.issues.clone(),
            completed,
            stopped,
            millis,
        }
    }
}

/// The index of a connector in the plan.
pub fn connector_index(plan: &Plan, name: &str) -> Result<usize> {
    plan.connectors
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| EngineError::Usage(format!("the plan has no connector `{name}`")))
}

/// A connector's capability value, as text.
pub fn capability<'p>(connector: &'p plan::Connector, name: &str) -> &'p str {
    connector.capabilities.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

/// The values of an object's attributes by slot of `ty`.
pub fn slots(ty: &[plan::Attribute], attributes: &BTreeMap<String, Value>) -> Vec<Value> {
    ty.iter().map(|a| attributes.get(&a.name).cloned().unwrap_or(Value::Null)).collect()
}

/// An object's name for messages: its connector and type, and its anchor (or DN):
/// `hr.person "2001"`.
pub fn describe_cs(o: &CsObject) -> String {
    format!("{}.{} {}", o.connector, o.object_type, crate::value::quote(o.anchor.as_deref().unwrap_or(&o.dn)))
}

/// An expression environment over an object's slots, following references through the store.
pub struct ObjectEnv<'a> {
    /// The object's values by slot.
    pub values: &'a [Value],
    /// The plan.
    pub plan: &'a Plan,
    /// The store.
    pub store: &'a dyn Store,
}

impl fmt::Debug for ObjectEnv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ObjectEnv").field("values", &self.values).finish_non_exhaustive()
    }
}

impl Env for ObjectEnv<'_> {
    fn attr(&self, slot: u16) -> &Value {
        self.values.get(usize::from(slot)).unwrap_or(&Value::Null)
    }

    fn member(&self, reference: &Value, target: TypeRef, attr: u16) -> std::result::Result<Value, String> {
        let key = match reference {
            Value::Reference(k) | Value::String(k) => k,
            _ => return Ok(Value::Null),
        };
        match target {
            TypeRef::Mv(t) => {
                let ty = self.plan.metaverse.get(usize::from(t)).ok_or("bad metaverse type")?;
                let Ok(id) = key.parse::<Id>() else { return Ok(Value::Null) };
                let o = self.store.mv(id).map_err(|e| e.to_string())?;
                Ok(o.and_then(|o| {
                    ty.attributes.get(usize::from(attr)).and_then(|a| o.attributes.get(&a.name).cloned())
                })
                .unwrap_or(Value::Null))
            }
            TypeRef::Cs(c, o) => {
                let conn = self.plan.connectors.get(usize::from(c)).ok_or("bad connector")?;
                let ty = conn.objects.get(usize::from(o)).ok_or("bad object type")?;
                let id = match self.store.cs_by_anchor(&conn.name, key).map_err(|e| e.to_string())? {
                    Some(id) => Some(id),
                    None => self.store.cs_by_dn(&conn.name, key).map_err(|e| e.to_string())?,
                };
                let Some(id) = id else { return Ok(Value::Null) };
                let obj = self.store.cs(&conn.name, id).map_err(|e| e.to_string())?;
                Ok(obj
                    .and_then(|o| ty.attributes.get(usize::from(attr)).and_then(|a| o.attributes.get(&a.name).cloned()))
                    .unwrap_or(Value::Null))
            }
        }
    }
}

/// An evaluation error with its context: the rule, the flow and the object.
pub fn context(e: &EvalError, rule: &str, flow: Option<&str>, object: &str) -> String {
    match flow {
        Some(attr) => format!("rule `{rule}`, flow into `{attr}`, object {object}: {e}"),
        None => format!("rule `{rule}`, object {object}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::Work;
    use crate::model::{CsObject, MvObject};
    use crate::store::Store;
    use crate::store::memory::MemoryStore;
    use crate::value::Value;

    fn staged(id: u64, dn: &str, anchor: Option<&str>) -> CsObject {
        CsObject { anchor: anchor.map(str::to_string), ..CsObject::new(id, "ldap", "person", dn) }
    }

    #[test]
    fn staged_lookup_follows_the_latest_version() {
        let store = MemoryStore::new();
        let mut work = Work::default();
        work.put_cs(staged(7, "uid=ann,ou=people", Some("a-7")));
        work.put_cs(staged(3, "UID=Ann,ou=People", None));
        let find = |work: &mut Work, key: &str| work.cs_by_key(&store, "ldap", key).ok().flatten();
        // Both match the DN case-insensitively: the smaller id wins, as in id order.
        assert_eq!(find(&mut work, "uid=ANN,ou=people"), Some(3));
        assert_eq!(find(&mut work, "a-7"), Some(7));
        assert_eq!(work.cs_by_key(&store, "other", "a-7").ok().flatten(), None);
        // A rename leaves a stale index entry that must not match.
        work.put_cs(staged(3, "uid=bob,ou=people", None));
        assert_eq!(find(&mut work, "uid=ann,ou=people"), Some(7));
        assert_eq!(find(&mut work, "uid=bob,ou=people"), Some(3));
        // A deletion hides the object; a commit forgets the batch.
        work.delete_cs("ldap", 7);
        assert_eq!(find(&mut work, "a-7"), None);
        assert_eq!(find(&mut work, "uid=ann,ou=people"), None);
        work.put_cs(staged(9, "uid=cy,ou=people", Some("c-9")));
        work.cs.clear();
        work.dirty_cs.clear();
        assert_eq!(find(&mut work, "c-9"), None, "an index entry without a staged object is stale");
    }

    fn person(id: u64, employee: &str) -> MvObject {
        let mut o = MvObject {
            id,
            object_type: "person".into(),
            attributes: std::collections::BTreeMap::new(),
            links: Vec::new(),
            lineage: std::collections::BTreeMap::new(),
        };
        o.attributes.insert("employeeId".into(), Value::String(employee.into()));
        o
    }

    /// A join's lookup sees the batch's staged versions over the store's index, before and after
    /// its index of staged values is built.
    #[test]
    fn staged_metaverse_values_decide_joins() {
        let store = MemoryStore::new();
        let mut batch = crate::store::Batch::new();
        batch.push(crate::store::Op::PutMv(Box::new(person(1, "E1")), vec!["employeeId".into()]));
        batch.push(crate::store::Op::PutMv(Box::new(person(2, "E2")), vec!["employeeId".into()]));
        assert!(store.commit(batch).is_ok());
        let mut work = Work::default();
        let find = |work: &mut Work, value: &str| {
            work.mv_find(&store, "person", "employeeId", &Value::String(value.into())).unwrap_or_default()
        };
        assert_eq!(find(&mut work, "E1"), vec![1]);
        work.put_mv(person(3, "E1"));
        assert_eq!(find(&mut work, "E1"), vec![1, 3], "staged before the index was built");
        work.put_mv(person(1, "E9"));
        assert_eq!(find(&mut work, "E1"), vec![3], "the stored entry is stale");
        assert_eq!(find(&mut work, "E9"), vec![1], "staged after the index was built");
        work.put_mv(person(3, "E2"));
        assert_eq!(find(&mut work, "E1"), Vec::<u64>::new());
        assert_eq!(find(&mut work, "E2"), vec![2, 3]);
        work.delete_mv(2);
        assert_eq!(find(&mut work, "E2"), vec![3]);
        let mut other = person(4, "E2");
        other.object_type = "group".into();
        work.put_mv(other);
        assert_eq!(find(&mut work, "E2"), vec![3], "another type does not match");
        assert!(work.commit(&store, &crate::plan::Plan::default()).is_ok());
        assert!(work.staged_mv_values.is_empty(), "a commit forgets the batch's index");
    }
}
