//! `instr_rev(text, search, start?, ignore_case?)`: the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent.
//!
//! `start` defaults to the end of `text`; `ignore_case` defaults to `false` (Microsoft's `vbBinaryCompare`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `instr_rev`.
pub const SIGNATURE: Signature = Signature {
    name: "instr_rev",
    category: Category::Text,
    microsoft: &["InStrRev"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "search", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "start", ty: TypeSpec::Kind(ValueKind::Integer), omittable: true, variadic: false },
        Param { name: "ignore_case", ty: TypeSpec::Kind(ValueKind::Boolean), omittable: true, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::Integer),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent",
    examples: &[
        Example { call: r##"instr_rev("abbcdbbbef", "bb")"##, result: "7" },
        Example { call: r##"instr_rev("abc", "z")"##, result: "0" },
    ],
};
