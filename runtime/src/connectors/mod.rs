//! Connectors: the registry of kinds (what each kind accepts and can do).
//!
//! The type checker validates `connector NAME: KIND { ... }` blocks against [`registry`]; the
//! engine will implement each kind behind one connector trait. A kind whose implementation does
//! not exist yet is still declared here (so rule sets can be written and checked) and is marked
//! `implemented: false`: running it is a clear error, never a silent no-op.

pub mod registry;
