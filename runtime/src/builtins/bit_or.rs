//! `bit_or(value1, value2)`: bitwise or of two integers.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `bit_or`.
pub const SIGNATURE: Signature = Signature {
    name: "bit_or",
    category: Category::Math,
    microsoft: &["BitOr"],
    params: &[
        Param::new("value1", TypeSpec::INTEGER),
        Param::new("value2", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "bitwise or of two integers",
    examples: &[
        Example { call: "bit_or(8, 7)", result: "15" },
        Example { call: "bit_or(512, 2)", result: "514" },
    ],
};
