//! `is_empty(value)`: the value is present and is the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_empty`.
pub const SIGNATURE: Signature = Signature {
    name: "is_empty",
    category: Category::Evaluation,
    microsoft: &["IsEmpty"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is present and is the empty string",
    examples: &[
        Example { call: r##"is_empty("")"##, result: "true" },
        Example { call: "is_empty(null)", result: "false" },
        Example { call: r##"is_empty("a")"##, result: "false" },
    ],
};
