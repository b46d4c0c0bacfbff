//! An in-memory store: the same semantics as the sled store without durability. Used by tests and
//! by runs that must not touch the disk.

use super::{Batch, Op, Result, Store};
use crate::model::{CsObject, Id, MvObject, RunRecord};
use crate::value::Value;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
struct Data {
    next: Id,
    cs: BTreeMap<(String, Id), CsObject>,
    mv: BTreeMap<Id, MvObject>,
    mv_index: BTreeMap<Id, Vec<String>>,
    watermarks: BTreeMap<String, String>,
    runs: BTreeMap<u64, RunRecord>,
}

/// A store in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Mutex<Data>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Data) -> T) -> Result<T> {
        match self.data.lock() {
            Ok(mut d) => Ok(f(&mut d)),
            Err(_) => Err(super::StoreError("the in-memory store was poisoned by a panic".to_string())),
        }
    }
}

impl Store for MemoryStore {
    fn next_id(&self) -> Result<Id> {
        self.with(|d| {
            d.next += 1;
            d.next
        })
    }

    fn cs(&self, connector: &str, id: Id) -> Result<Option<CsObject>> {
        self.with(|d| d.cs.get(&(connector.to_string(), id)).cloned())
    }

    fn cs_by_anchor(&self, connector: &str, anchor: &str) -> Result<Option<Id>> {
        self.with(|d| {
            d.cs.values().find(|o| o.connector == connector && o.anchor.as_deref() == Some(anchor)).map(|o| o.id)
        })
    }

    fn cs_by_dn(&self, connector: &str, dn: &str) -> Result<Option<Id>> {
        self.with(|d| d.cs.values().find(|o| o.connector == connector && o.dn.eq_ignore_ascii_case(dn)).map(|o| o.id))
    }

    fn cs_ids(&self, connector: &str) -> Result<Vec<Id>> {
        self.with(|d| d.cs.values().filter(|o| o.connector == connector).map(|o| o.id).collect())
    }

    fn pending_imports(&self, connector: &str) -> Result<Vec<Id>> {
        self.with(|d| {
            d.cs.values().filter(|o| o.connector == connector && o.pending_import.is_some()).map(|o| o.id).collect()
        })
    }

    fn pending_exports(&self, connector: &str) -> Result<Vec<Id>> {
        self.with(|d| {
            d.cs.values().filter(|o| o.connector == connector && o.pending_export.is_some()).map(|o| o.id).collect()
        })
    }

    fn disconnectors(&self, connector: &str) -> Result<Vec<Id>> {
        self.with(|d| {
            d.cs.values()
                .filter(|o| o.connector == connector && o.link.is_none() && o.kind == crate::model::CsKind::Staging)
                .map(|o| o.id)
                .collect()
        })
    }

    fn mv(&self, id: Id) -> Result<Option<MvObject>> {
        self.with(|d| d.mv.get(&id).cloned())
    }

    fn mv_ids(&self) -> Result<Vec<Id>> {
        self.with(|d| d.mv.keys().copied().collect())
    }

    fn mv_find(&self, object_type: &str, attr: &str, value: &Value) -> Result<Vec<Id>> {
        self.with(|d| {
            d.mv.values()
                .filter(|o| o.object_type == object_type)
                .filter(|o| d.mv_index.get(&o.id).is_some_and(|idx| idx.iter().any(|a| a == attr)))
                .filter(|o| o.attributes.get(attr).is_some_and(|v| v.values().contains(value)))
                .map(|o| o.id)
                .collect()
        })
    }

    fn watermark(&self, connector: &str) -> Result<Option<String>> {
        self.with(|d| d.watermarks.get(connector).cloned())
    }

    fn runs(&self) -> Result<Vec<RunRecord>> {
        self.with(|d| d.runs.values().cloned().collect())
    }

    fn commit(&self, batch: Batch) -> Result<()> {
        self.with(|d| {
            for op in batch.ops {
                match op {
                    Op::PutCs(o) => {
                        d.cs.insert((o.connector.clone(), o.id), *o);
                    }
                    Op::DeleteCs { connector, id } => {
                        d.cs.remove(&(connector, id));
                    }
                    Op::PutMv(o, indexed) => {
                        d.mv_index.insert(o.id, indexed);
                        d.mv.insert(o.id, *o);
                    }
                    Op::DeleteMv(id) => {
                        d.mv.remove(&id);
                        d.mv_index.remove(&id);
                    }
                    Op::SetWatermark { connector, watermark } => {
                        d.watermarks.insert(connector, watermark);
                    }
                    Op::PutRun(r) => {
                        d.runs.insert(r.id, *r);
                    }
                }
            }
        })
    }
}
