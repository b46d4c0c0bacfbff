//! The metasync compiler: the `.sync` language front end.
//!
//! Pipeline: [`syntax::lexer`] (lossless logos tokens) → [`syntax::segment`] (top-level items,
//! for recovery) → [`syntax::parser`] (pest, one item at a time) → [`resolve`] (schema and rule
//! heads) → [`typeck`] (per-item checks) and [`workspace`] (cross-item checks), all as salsa
//! queries in [`db`]; [`diagnostics`] renders the findings.

pub mod cli;
pub mod db;
pub mod diagnostics;
pub mod lower;
pub mod playground;
pub mod resolve;
pub mod ruleset;
pub mod span;
pub mod suggest;
pub mod syntax;
pub mod typeck;
pub mod workspace;
