//! `starts_with(text, prefix)`: `text` begins with `prefix` (case-sensitive).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `starts_with`.
pub const SIGNATURE: Signature = Signature {
    name: "starts_with",
    category: Category::Text,
    microsoft: &[],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("prefix", TypeSpec::STRING),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "`text` begins with `prefix` (case-sensitive)",
    examples: &[
        Example { call: r##"starts_with("SMTP:jd@contoso.com", "SMTP:")"##, result: "true" },
        Example { call: r##"starts_with("smtp:jd@contoso.com", "SMTP:")"##, result: "false" },
    ],
};
