//! `ltrim(text)`: remove leading white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `ltrim`.
pub const SIGNATURE: Signature = Signature {
    name: "ltrim",
    category: Category::Text,
    microsoft: &["LTrim"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading white space",
    examples: &[
        Example { call: r##"ltrim(" Test ")"##, result: r##""Test ""## },
    ],
};
