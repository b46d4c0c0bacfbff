//! The metasync compiler: the `.sync` language front end.

pub mod diagnostics;
pub mod span;
pub mod syntax;
