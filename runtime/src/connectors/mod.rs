//! Connectors: the registry of kinds, the connector trait, and the built-in file connectors.
//!
//! The type checker validates `connector NAME: KIND { ... }` blocks against [`registry`]; the
//! engine talks to connected systems only through [`Connector`] (after ECMA2: capabilities,
//! schema discovery, paged import with a watermark, batched export with per-object results, open
//! and close). [`build`] makes the connector for a plan's connector; a kind without an
//! implementation is a clear error, never a silent no-op.

pub mod csv;
mod files;
pub mod jsonl;
pub mod ldif;
pub mod registry;

use crate::model::{AttrChange, ExportChange, Id};
use crate::plan;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A connector failed as a whole (cannot open the file, the server refused the bind): the step
/// stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorError(pub String);

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnectorError {}

/// Full or delta import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportMode {
    /// Every object.
    Full,
    /// Changes since the watermark (`None`: since the beginning).
    Delta(Option<String>),
}

/// What an imported entry says about its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChange {
    /// The whole object (full imports; delta adds and replaces).
    Object,
    /// Some attributes changed (delta): attributes not listed are unchanged.
    Update,
    /// The object is gone (delta).
    Delete,
}

/// One object read from the connected system.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportEntry {
    /// Its object type (one the schema declares; others are skipped by the engine).
    pub object_type: String,
    /// Its DN (for DN style `none`, the anchor's text).
    pub dn: String,
    /// Its anchor's text.
    pub anchor: String,
    /// Whole object, update or delete.
    pub change: EntryChange,
    /// Attribute values by name (`Null` clears in an update).
    pub attributes: BTreeMap<String, Value>,
}

/// An entry the connector could not read (an object-level error: the import goes on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryError {
    /// The object, as far as it is known (a line number, a DN).
    pub object: String,
    /// Why.
    pub message: String,
}

/// One page of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportPage {
    /// Entries and entry errors, in the order read.
    pub entries: Vec<Result<ImportEntry, EntryError>>,
    /// The watermark after this page (delta-capable connectors).
    pub watermark: Option<String>,
}

/// One object to export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportRequest {
    /// The connector space object's id.
    pub id: Id,
    /// Its object type.
    pub object_type: String,
    /// Its current DN.
    pub dn: String,
    /// Its anchor, when known.
    pub anchor: Option<String>,
    /// Add, update, delete (a delete-add is sent as a delete, then an add).
    pub change: ExportChange,
    /// A new DN (rename).
    pub new_dn: Option<String>,
    /// Attribute changes (adds: every value; `new` is `Null` to clear).
    pub attributes: Vec<AttrChange>,
}

/// The result of exporting one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportResult {
    /// Done; an add may return the anchor the system assigned.
    Success {
        /// The new anchor, when the system assigned one.
        anchor: Option<String>,
    },
    /// Failed; the run goes on unless `stop` is set.
    Error {
        /// Why.
        message: String,
        /// Stop the run.
        stop: bool,
    },
    /// The object does not exist in the system: send the update as an add instead.
    ConvertToAdd,
    /// A reference attribute could not be set yet (its target does not exist): retry in pass 2.
    RetryReference {
        /// The attribute.
        attribute: String,
    },
}

/// A connector instance, opened for one step.
pub trait Connector {
    /// Opens the connection (or the file). Called once before imports or exports.
    fn open(&mut self) -> Result<(), ConnectorError>;
    /// The object types and attributes the connected system has (schema discovery).
    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError>;
    /// Starts an import; pages come from [`Connector::next_page`].
    fn start_import(&mut self, mode: ImportMode, page_size: usize) -> Result<(), ConnectorError>;
    /// The next page of the import, `None` when it is done.
    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError>;
    /// Exports a batch; one result per request, in order.
    fn export(&mut self, batch: &[ExportRequest]) -> Result<Vec<ExportResult>, ConnectorError>;
    /// Makes every export sent so far durable in the connected system. The engine records exports
    /// in the store only after this returns, so that a crash never leaves the store claiming an
    /// export the system does not have. A connector that applies each request as it is sent has
    /// nothing to do.
    fn flush(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }
    /// Closes the connection, writing what must be written. Called also after errors and cancels.
    fn close(&mut self) -> Result<(), ConnectorError>;
}

/// Makes the connector for a plan's connector. `base` is the rule set's folder (relative paths
/// are relative to it); `secret` reads a secret by name.
pub fn build(
    connector: &plan::Connector,
    base: &Path,
    secret: &dyn Fn(&str) -> Option<String>,
) -> Result<Box<dyn Connector>, ConnectorError> {
    let _ = secret;
    match connector.kind.as_str() {
        "csv" => Ok(Box::new(csv::CsvConnector::new(connector, base)?)),
        "jsonl" => Ok(Box::new(jsonl::JsonlConnector::new(connector, base)?)),
        "ldif" => Ok(Box::new(ldif::LdifConnector::new(connector, base)?)),

        _ => Err(ConnectorError(format!(
            "connector `{}`: the `{}` connector kind is declared but not implemented yet; it cannot run",
            connector.name, connector.kind
        ))),
    }
}
