//! `random_num(start, end)`: a random integer from `start` to `end`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `random_num`.
pub const SIGNATURE: Signature = Signature {
    name: "random_num",
    category: Category::Math,
    microsoft: &["RandomNum"],
    params: &[
        Param::new("start", TypeSpec::INTEGER),
        Param::new("end", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: false,
    fallible: false,
    summary: "a random integer from `start` to `end`",
    examples: &[
        Example { call: "random_num(7, 7)", result: "7" },
    ],
};
