//! `ends_with(text, suffix)`: `text` ends with `suffix` (case-sensitive).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `ends_with`.
pub const SIGNATURE: Signature = Signature {
    name: "ends_with",
    category: Category::Text,
    microsoft: &[],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("suffix", TypeSpec::STRING),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "`text` ends with `suffix` (case-sensitive)",
    examples: &[
        Example { call: r##"ends_with("jd@contoso.com", "@contoso.com")"##, result: "true" },
        Example { call: r##"ends_with("jd@fabrikam.com", "@contoso.com")"##, result: "false" },
    ],
};
