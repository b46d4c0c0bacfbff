//! `instr_rev(text, search, start?, ignore_case?)`: the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent.
//!
//! `start` defaults to the end of `text`; `ignore_case` defaults to `false` (Microsoft's `vbBinaryCompare`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `instr_rev`.
pub const SIGNATURE: Signature = Signature {
    name: "instr_rev",
    category: Category::Text,
    microsoft: &["InStrRev"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("search", TypeSpec::STRING),
        Param::omittable("start", TypeSpec::INTEGER),
        Param::omittable("ignore_case", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent",
    examples: &[
        Example { call: r##"instr_rev("abbcdbbbef", "bb")"##, result: "7" },
        Example { call: r##"instr_rev("abc", "z")"##, result: "0" },
    ],
};
