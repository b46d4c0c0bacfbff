//! `bool(value)`: convert to a boolean: a non-zero number is `true`, zero is `false`.
//!
//! Text `"true"`/`"false"` (any case) converts too; other text is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `bool`.
pub const SIGNATURE: Signature = Signature {
    name: "bool",
    category: Category::Conversion,
    microsoft: &["CBool"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert to a boolean: a non-zero number is `true`, zero is `false`",
    examples: &[
        Example { call: "bool(5)", result: "true" },
        Example { call: "bool(0)", result: "false" },
        Example { call: "bool(true)", result: "true" },
    ],
};
