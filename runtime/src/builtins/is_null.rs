//! `is_null(value)`: the value is missing (an absent attribute).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_null`.
pub const SIGNATURE: Signature = Signature {
    name: "is_null",
    category: Category::Evaluation,
    microsoft: &["IsNull"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is missing (an absent attribute)",
    examples: &[
        Example { call: "is_null(null)", result: "true" },
        Example { call: r##"is_null("")"##, result: "false" },
    ],
};
