//! `item(values, index)`: the value at the 1-based `index`; an error when out of range.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `item`.
pub const SIGNATURE: Signature = Signature {
    name: "item",
    category: Category::MultiValued,
    microsoft: &["Item"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
        Param::new("index", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "the value at the 1-based `index`; an error when out of range",
    examples: &[
        Example { call: r##"item(["a", "b", "c"], 2)"##, result: r##""b""## },
        Example { call: r##"item(["a"], 2)"##, result: "error: index 2 is out of range (1 value)" },
        Example { call: r##"item(["a"], 0)"##, result: "error: index 0 is out of range (1 value)" },
    ],
};
