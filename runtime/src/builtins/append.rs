//! `append(text, suffix)`: append `suffix` to `text`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `append`.
pub const SIGNATURE: Signature = Signature {
    name: "append",
    category: Category::Text,
    microsoft: &["Append"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("suffix", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "append `suffix` to `text`",
    examples: &[
        Example { call: r##"append("John.Doe@contoso.com", ".test")"##, result: r##""John.Doe@contoso.com.test""## },
    ],
};
