//! The metasync runtime.
//!
//! This crate knows nothing of the `.sync` language: it owns the value and type vocabulary that
//! the compiler checks against ([`value`]), the registry of connector kinds with their
//! configuration options and capabilities ([`connectors::registry`]), and the metadata of every
//! built-in function ([`builtins`]). The compiler reads these registries; the engine implements
//! what they describe. Keeping them here means the runtime never depends on the compiler.

pub mod builtins;
pub mod connectors;
pub mod engine;
pub mod eval;
pub mod model;
pub mod plan;
pub mod sha256;
pub mod store;
pub mod testing;
pub mod text;
pub mod time;
pub mod value;
