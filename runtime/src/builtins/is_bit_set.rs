//! `is_bit_set(value, flag)`: the bit that `flag` holds is set in `value`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `is_bit_set`.
pub const SIGNATURE: Signature = Signature {
    name: "is_bit_set",
    category: Category::Evaluation,
    microsoft: &["IsBitSet"],
    params: &[
        Param { name: "value", ty: TypeSpec::Kind(ValueKind::Integer), omittable: false, variadic: false },
        Param { name: "flag", ty: TypeSpec::Kind(ValueKind::Integer), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::Boolean),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the bit that `flag` holds is set in `value`",
    examples: &[
        Example { call: "is_bit_set(15, 4)", result: "true" },
        Example { call: "is_bit_set(0, 4)", result: "false" },
    ],
};
