//! `replace(text, old, new)`: replace every occurrence of `old` with `new` (case-sensitive).
//!
//! Only the plain form of Microsoft's `Replace`; the Entra regular-expression and template forms are not covered.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `replace`.
pub const SIGNATURE: Signature = Signature {
    name: "replace",
    category: Category::Text,
    microsoft: &["Replace"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("old", TypeSpec::STRING),
        Param::new("new", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "replace every occurrence of `old` with `new` (case-sensitive)",
    examples: &[
        Example { call: r##"replace("One Microsoft Way\r\nRedmond", "\r\n", ", ")"##, result: r##""One Microsoft Way, Redmond""## },
        Example { call: r##"replace("a-b-c", "-", "")"##, result: r##""abc""## },
        Example { call: r##"replace("Abc", "a", "x")"##, result: r##""Abc""## },
    ],
};
