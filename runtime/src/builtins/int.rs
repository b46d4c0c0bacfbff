//! `int(value)`: convert text or a number to an integer.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `int`.
pub const SIGNATURE: Signature = Signature {
    name: "int",
    category: Category::Conversion,
    microsoft: &["CNum"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert text or a number to an integer",
    examples: &[
        Example { call: r##"int("123")"##, result: "123" },
        Example { call: "int(7)", result: "7" },
        Example { call: r##"int("12a")"##, result: r##"error: "12a" is not a number"## },
    ],
};
