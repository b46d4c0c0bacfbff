//! `is_null_or_empty(value)`: the value is missing or the empty string (the inverse of `is_present`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_null_or_empty`.
pub const SIGNATURE: Signature = Signature {
    name: "is_null_or_empty",
    category: Category::Evaluation,
    microsoft: &["IsNullOrEmpty"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is missing or the empty string (the inverse of `is_present`)",
    examples: &[
        Example { call: "is_null_or_empty(null)", result: "true" },
        Example { call: r##"is_null_or_empty("")"##, result: "true" },
        Example { call: r##"is_null_or_empty("a")"##, result: "false" },
    ],
};
