//! `is_present(value)`: the value is neither missing nor the empty string (the inverse of `is_null_or_empty`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_present`.
pub const SIGNATURE: Signature = Signature {
    name: "is_present",
    category: Category::Evaluation,
    microsoft: &["IsPresent"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is neither missing nor the empty string (the inverse of `is_null_or_empty`)",
    examples: &[
        Example { call: r##"is_present("Ann")"##, result: "true" },
        Example { call: r##"is_present("")"##, result: "false" },
        Example { call: "is_present(null)", result: "false" },
    ],
};
