//! `is_bit_set(value, flag)`: the bit that `flag` holds is set in `value`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_bit_set`.
pub const SIGNATURE: Signature = Signature {
    name: "is_bit_set",
    category: Category::Evaluation,
    microsoft: &["IsBitSet"],
    params: &[
        Param::new("value", TypeSpec::INTEGER),
        Param::new("flag", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the bit that `flag` holds is set in `value`",
    examples: &[
        Example { call: "is_bit_set(15, 4)", result: "true" },
        Example { call: "is_bit_set(0, 4)", result: "false" },
    ],
};
