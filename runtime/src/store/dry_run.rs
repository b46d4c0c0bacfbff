//! A store that reads through to another and keeps nothing: what a step would write is recorded
//! instead of committed (`metasync preview`). Ids it hands out are taken from the top of the id
//! space, so the real store's ids are not consumed.

use super::{Batch, Result, Store};
use crate::model::{CsObject, Id, MvObject, RunRecord};
use crate::value::Value;
use std::sync::Mutex;

/// A read-through store that records its batches.
#[derive(Debug)]
pub struct DryRun<'a, S: Store + ?Sized> {
    inner: &'a S,
    recorded: Mutex<(Id, Vec<Batch>)>,
}

impl<'a, S: Store + ?Sized> DryRun<'a, S> {
    /// A dry run over `inner`.
    pub fn new(inner: &'a S) -> DryRun<'a, S> {
        DryRun { inner, recorded: Mutex::new((u64::MAX, Vec::new())) }
    }

    /// The batches a step would have committed.
    pub fn batches(&self) -> Vec<Batch> {
        self.recorded.lock().map(|r| r.1.clone()).unwrap_or_default()
    }
}

impl<S: Store + ?Sized> Store for DryRun<'_, S> {
    fn next_id(&self) -> Result<Id> {
        let mut r =
            self.recorded.lock().map_err(|_| super::StoreError("the dry run was poisoned by a panic".to_string()))?;
        r.0 -= 1;
        Ok(r.0)
    }
    fn cs(&self, connector: &str, id: Id) -> Result<Option<CsObject>> {
        self.inner.cs(connector, id)
    }
    fn cs_header(&self, connector: &str, id: Id) -> Result<Option<super::CsHeader>> {
        self.inner.cs_header(connector, id)
    }
    fn cs_by_anchor(&self, connector: &str, anchor: &str) -> Result<Option<Id>> {
        self.inner.cs_by_anchor(connector, anchor)
    }
    fn cs_by_dn(&self, connector: &str, dn: &str) -> Result<Option<Id>> {
        self.inner.cs_by_dn(connector, dn)
    }
    fn cs_ids(&self, connector: &str) -> Result<Vec<Id>> {
        self.inner.cs_ids(connector)
    }
    fn pending_imports(&self, connector: &str) -> Result<Vec<Id>> {
        self.inner.pending_imports(connector)
    }
    fn pending_exports(&self, connector: &str) -> Result<Vec<Id>> {
        self.inner.pending_exports(connector)
    }
    fn disconnectors(&self, connector: &str) -> Result<Vec<Id>> {
        self.inner.disconnectors(connector)
    }
    fn mv(&self, id: Id) -> Result<Option<MvObject>> {
        self.inner.mv(id)
    }
    fn mv_header(&self, id: Id) -> Result<Option<super::MvHeader>> {
        self.inner.mv_header(id)
    }
    fn mv_ids(&self) -> Result<Vec<Id>> {
        self.inner.mv_ids()
    }
    fn mv_find(&self, object_type: &str, attr: &str, value: &Value) -> Result<Vec<Id>> {
        self.inner.mv_find(object_type, attr, value)
    }
    fn watermark(&self, connector: &str) -> Result<Option<String>> {
        self.inner.watermark(connector)
    }
    fn runs(&self) -> Result<Vec<RunRecord>> {
        self.inner.runs()
    }
    fn commit(&self, batch: Batch) -> Result<()> {
        let mut r =
            self.recorded.lock().map_err(|_| super::StoreError("the dry run was poisoned by a panic".to_string()))?;
        r.1.push(batch);
        Ok(())
    }
}
