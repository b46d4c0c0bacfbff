//! `is_numeric(value)`: the value can be converted to an integer by `int`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_numeric`.
pub const SIGNATURE: Signature = Signature {
    name: "is_numeric",
    category: Category::Evaluation,
    microsoft: &["IsNumeric"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value can be converted to an integer by `int`",
    examples: &[
        Example { call: r##"is_numeric("123")"##, result: "true" },
        Example { call: "is_numeric(42)", result: "true" },
        Example { call: r##"is_numeric("12a")"##, result: "false" },
        Example { call: "is_numeric(null)", result: "false" },
    ],
};
