//! `bit_and(value1, value2)`: bitwise and of two integers.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `bit_and`.
pub const SIGNATURE: Signature = Signature {
    name: "bit_and",
    category: Category::Math,
    microsoft: &["BitAnd"],
    params: &[
        Param { name: "value1", ty: TypeSpec::Kind(ValueKind::Integer), omittable: false, variadic: false },
        Param { name: "value2", ty: TypeSpec::Kind(ValueKind::Integer), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::Integer),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "bitwise and of two integers",
    examples: &[
        Example { call: "bit_and(15, 247)", result: "7" },
        Example { call: "bit_and(512, 2)", result: "0" },
    ],
};
