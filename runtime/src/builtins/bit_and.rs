//! `bit_and(value1, value2)`: bitwise and of two integers.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `bit_and`.
pub const SIGNATURE: Signature = Signature {
    name: "bit_and",
    category: Category::Math,
    microsoft: &["BitAnd"],
    params: &[
        Param::new("value1", TypeSpec::INTEGER),
        Param::new("value2", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "bitwise and of two integers",
    examples: &[
        Example { call: "bit_and(15, 247)", result: "7" },
        Example { call: "bit_and(512, 2)", result: "0" },
    ],
};
