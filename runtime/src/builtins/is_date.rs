//! `is_date(value)`: the value is a date and time or text that `to_datetime` can convert.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_date`.
pub const SIGNATURE: Signature = Signature {
    name: "is_date",
    category: Category::Evaluation,
    microsoft: &["IsDate"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is a date and time or text that `to_datetime` can convert",
    examples: &[
        Example { call: r##"is_date("2001-01-01")"##, result: "true" },
        Example { call: "is_date(now())", result: "true" },
        Example { call: r##"is_date("not a date")"##, result: "false" },
        Example { call: "is_date(null)", result: "false" },
    ],
};
