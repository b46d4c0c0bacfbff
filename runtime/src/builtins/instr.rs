//! `instr(text, search, start?, ignore_case?)`: the 1-based position of the first `search` in `text` at or after `start`, 0 when absent.
//!
//! `start` defaults to 1; `ignore_case` defaults to `false` (Microsoft's `vbBinaryCompare`; `true` is `vbTextCompare`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `instr`.
pub const SIGNATURE: Signature = Signature {
    name: "instr",
    category: Category::Text,
    microsoft: &["InStr"],
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
    summary: "the 1-based position of the first `search` in `text` at or after `start`, 0 when absent",
    examples: &[
        Example { call: r##"instr("The quick brown fox", "quick")"##, result: "5" },
        Example { call: r##"instr("repEated", "e", 3)"##, result: "7" },
        Example { call: r##"instr("repEated", "e", 3, true)"##, result: "4" },
        Example { call: r##"instr("abc", "z")"##, result: "0" },
    ],
};
