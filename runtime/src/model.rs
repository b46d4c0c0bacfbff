//! The runtime's data model: connector space objects, metaverse objects, pending changes, run
//! history. These are what the store keeps and the engine works on.
//!
//! Attributes are kept by name (not by plan slot), so a store survives a recompiled rule set that
//! adds or reorders attributes; the engine maps names to slots when it evaluates.

use crate::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An object's internal id. Connector space and metaverse objects share one id space, allocated by
/// the store, never reused.
pub type Id = u64;

/// Staging object or placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CsKind {
    /// Imported (or provisioned) from the connected system.
    Staging,
    /// A stand-in for an object that a reference names but that has not been imported; never joined.
    Placeholder,
}

/// A pending import: what the last import changed and synchronization has not processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportChange {
    /// A new object.
    Add,
    /// Changed attributes.
    Update,
    /// The object is gone from the connected system.
    Delete,
    /// The object was replaced (its object type or anchor changed): delete, then add.
    DeleteAdd,
}

/// A pending import with the attributes it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingImport {
    /// What happened.
    pub change: ImportChange,
    /// The attributes whose values changed (empty for deletes).
    pub changed: Vec<String>,
}

/// The kinds of pending export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportChange {
    /// Create the object.
    Add,
    /// Change attributes.
    Update,
    /// Delete the object.
    Delete,
    /// Delete it and add it again (object type or anchor change, on connectors that cannot rename).
    DeleteAdd,
}

/// One attribute's pending change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrChange {
    /// The attribute.
    pub name: String,
    /// Its value in the connector space now (what the connected system holds, as last imported).
    pub old: Value,
    /// The value to export (`Null`: clear it).
    pub new: Value,
}

/// A pending export: changes computed by synchronization, not yet sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingExport {
    /// What to do.
    pub change: ExportChange,
    /// A new DN (rename), when the computed DN differs from the current one.
    pub new_dn: Option<String>,
    /// Attribute changes (for adds: every value).
    pub attributes: Vec<AttrChange>,
    /// Export attempts that failed so far.
    pub failures: u32,
}

/// An object in a connector space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsObject {
    /// Internal id.
    pub id: Id,
    /// The connector's name.
    pub connector: String,
    /// The object type.
    pub object_type: String,
    /// Its distinguished name (for DN style `none`, the anchor's text).
    pub dn: String,
    /// The anchor's text; `None` for a provisioned object until its export is confirmed.
    pub anchor: Option<String>,
    /// Staging object or placeholder.
    pub kind: CsKind,
    /// The values as last imported from the connected system.
    pub attributes: BTreeMap<String, Value>,
    /// The metaverse object it is joined to (a connector); `None` for a disconnector.
    pub link: Option<Id>,
    /// An explicit disconnector: never joined or projected again.
    pub explicit_disconnector: bool,
    /// The outbound rule that provisioned it, if one did.
    pub provisioned_by: Option<String>,
    /// Changes from the last import that synchronization has not processed.
    pub pending_import: Option<PendingImport>,
    /// Changes for the connected system that have not been exported.
    pub pending_export: Option<PendingExport>,
    /// Values exported and not yet seen again by an import (export status memory).
    pub export_memory: BTreeMap<String, Value>,
    /// Objects whose reference to this one could not be resolved because it had no metaverse
    /// object yet (a placeholder, or an object not yet joined or projected): synchronization
    /// flows them again when this object gets linked.
    #[serde(default)]
    pub referrers: Vec<Link>,
}

impl CsObject {
    /// A new staging object of `connector` with no anchor, values, link or pending change yet.
    pub fn new(id: Id, connector: &str, object_type: &str, dn: &str) -> CsObject {
        CsObject {
            id,
            connector: connector.to_string(),
            object_type: object_type.to_string(),
            dn: dn.to_string(),
            anchor: None,
            kind: CsKind::Staging,
            attributes: BTreeMap::new(),
            link: None,
            explicit_disconnector: false,
            provisioned_by: None,
            pending_import: None,
            pending_export: None,
            export_memory: BTreeMap::new(),
            referrers: Vec::new(),
        }
    }
}

/// A link from a metaverse object to a connector space object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// The connector.
    pub connector: String,
    /// The connector space object.
    pub cs: Id,
}

/// Where a metaverse value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lineage {
    /// The connector.
    pub connector: String,
    /// The connector space object.
    pub cs: Id,
    /// The inbound rule.
    pub rule: String,
    /// The run that last set it.
    pub run: u64,
}

/// An object in the metaverse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MvObject {
    /// Internal id.
    pub id: Id,
    /// Its metaverse type.
    pub object_type: String,
    /// Its values.
    pub attributes: BTreeMap<String, Value>,
    /// Its connector space objects.
    pub links: Vec<Link>,
    /// For each attribute, the contribution that set it.
    pub lineage: BTreeMap<String, Lineage>,
}

/// Counts of what a step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Counts {
    /// Objects added (import: new objects; export: objects created).
    pub adds: u64,
    /// Objects updated.
    pub updates: u64,
    /// Objects deleted.
    pub deletes: u64,
    /// Connector objects joined to existing metaverse objects.
    pub joins: u64,
    /// Metaverse objects created by projection.
    pub projections: u64,
    /// Connector objects created by provisioning.
    pub provisions: u64,
    /// Connector objects deprovisioned.
    pub deprovisions: u64,
    /// Pending exports sent.
    pub exports: u64,
    /// Object-level errors.
    pub errors: u64,
    /// Warnings.
    pub warnings: u64,
}

impl Counts {
    /// Every count with its name, in the order summaries show them.
    pub fn named(&self) -> [(&'static str, u64); 10] {
        [
            ("adds", self.adds),
            ("updates", self.updates),
            ("deletes", self.deletes),
            ("joins", self.joins),
            ("projections", self.projections),
            ("provisions", self.provisions),
            ("deprovisions", self.deprovisions),
            ("exports", self.exports),
            ("errors", self.errors),
            ("warnings", self.warnings),
        ]
    }
}

/// An object-level error or warning of a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectIssue {
    /// A stable kebab-case code (`exported-change-not-reimported`, `ambiguous-join`...).
    pub code: String,
    /// Error or warning.
    pub error: bool,
    /// The object: connector and DN or anchor, or metaverse id.
    pub object: String,
    /// The cause, one line.
    pub message: String,
}

/// One step of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRecord {
    /// As written in a profile (`full import hr`).
    pub step: String,
    /// What it did.
    pub counts: Counts,
    /// Errors and warnings (the first 1,000).
    pub issues: Vec<ObjectIssue>,
    /// Completed (false: stopped by the error limit or a failure).
    pub completed: bool,
    /// Why it stopped, when it did not complete.
    pub stopped: Option<String>,
    /// Milliseconds it took.
    pub millis: u64,
}

/// A run in the run history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Run number (1, 2, ...).
    pub id: u64,
    /// The profile, or the steps given on the command line.
    pub profile: String,
    /// The plan's content hash.
    pub plan_hash: String,
    /// Start, RFC 3339.
    pub started: String,
    /// Steps in order.
    pub steps: Vec<StepRecord>,
}
