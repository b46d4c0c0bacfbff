//! `rtrim(text)`: remove trailing white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `rtrim`.
pub const SIGNATURE: Signature = Signature {
    name: "rtrim",
    category: Category::Text,
    microsoft: &["RTrim"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove trailing white space",
    examples: &[
        Example { call: r##"rtrim(" Test ")"##, result: r##"" Test""## },
    ],
};
