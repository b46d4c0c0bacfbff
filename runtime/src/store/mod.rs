//! The store: connector spaces, the metaverse, links, pending changes, watermarks and run history,
//! behind a narrow trait so that a later backend can replace sled without touching the engine.
//!
//! Every write goes through a [`Batch`]: [`Store::commit`] applies it atomically and returns only
//! once it is durable (one flush per batch). The engine records a watermark or a step's completion
//! in the same batch as, or a later batch than, the data it covers, never an earlier one: after a
//! crash the store holds a consistent prefix of the work.

pub mod body;
pub mod dry_run;
pub mod memory;
pub mod record;
pub mod sled_store;

use crate::model::{CsObject, Id, MvObject, RunRecord};
use crate::value::Value;
pub use record::{CsHeader, MvHeader};
use std::fmt;

/// A store operation failed (I/O, corruption). The engine stops the step; the data already
/// committed stays consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// A store result.
pub type Result<T> = std::result::Result<T, StoreError>;

/// One write of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Insert or replace a connector space object (the store keeps its anchor, DN and
    /// pending-change indexes in step).
    PutCs(Box<CsObject>),
    /// Remove a connector space object.
    DeleteCs {
        /// Its connector.
        connector: String,
        /// Its id.
        id: Id,
    },
    /// Insert or replace a metaverse object, indexing the values of `indexed` attributes (the join
    /// keys of its type) for [`Store::mv_find`].
    PutMv(Box<MvObject>, Vec<String>),
    /// Remove a metaverse object.
    DeleteMv(Id),
    /// Set a connector's delta import watermark.
    SetWatermark {
        /// The connector.
        connector: String,
        /// The watermark the connector returned.
        watermark: String,
    },
    /// Insert or replace a run record.
    PutRun(Box<RunRecord>),
}

/// Writes applied together by [`Store::commit`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// The writes, in order (a later write of the same object wins).
    pub ops: Vec<Op>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Batch {
        Batch::default()
    }

    /// Whether the batch writes nothing.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Adds a write.
    pub fn push(&mut self, op: Op) {
        self.ops.push(op);
    }
}

/// The store's interface: reads, id allocation, and atomic durable batches.
pub trait Store {
    /// A new id, never handed out before (ids survive restarts).
    fn next_id(&self) -> Result<Id>;
    /// A connector space object.
    fn cs(&self, connector: &str, id: Id) -> Result<Option<CsObject>>;
    /// What a connector space object's header says (type, anchor, DN, link, kind, pending flags),
    /// without its values: what reference translation and index upkeep read.
    fn cs_header(&self, connector: &str, id: Id) -> Result<Option<CsHeader>> {
        Ok(self.cs(connector, id)?.map(|o| CsHeader::of(&o)))
    }
    /// The connector space object with this anchor (anchors are unique within a connector).
    fn cs_by_anchor(&self, connector: &str, anchor: &str) -> Result<Option<Id>>;
    /// The connector space object with this DN (compared case-insensitively).
    fn cs_by_dn(&self, connector: &str, dn: &str) -> Result<Option<Id>>;
    /// Every object id of a connector space, in id order.
    fn cs_ids(&self, connector: &str) -> Result<Vec<Id>>;
    /// The ids of a connector's objects with a pending import, in id order.
    fn pending_imports(&self, connector: &str) -> Result<Vec<Id>>;
    /// The ids of a connector's objects with a pending export, in id order.
    fn pending_exports(&self, connector: &str) -> Result<Vec<Id>>;
    /// The ids of a connector's disconnectors (staging objects not joined), in id order.
    fn disconnectors(&self, connector: &str) -> Result<Vec<Id>>;
    /// A metaverse object.
    fn mv(&self, id: Id) -> Result<Option<MvObject>>;
    /// What a metaverse object's header says (type and links), without its values.
    fn mv_header(&self, id: Id) -> Result<Option<MvHeader>> {
        Ok(self.mv(id)?.map(|o| MvHeader::of(&o)))
    }
    /// Every metaverse object id, in id order.
    fn mv_ids(&self) -> Result<Vec<Id>>;
    /// The metaverse objects of `object_type` whose indexed attribute `attr` holds `value` (one of
    /// its values, for multi-valued attributes).
    fn mv_find(&self, object_type: &str, attr: &str, value: &Value) -> Result<Vec<Id>>;
    /// A connector's delta import watermark.
    fn watermark(&self, connector: &str) -> Result<Option<String>>;
    /// Every run record, oldest first.
    fn runs(&self) -> Result<Vec<RunRecord>>;
    /// Applies a batch atomically; returns once it is durable.
    fn commit(&self, batch: Batch) -> Result<()>;
}
