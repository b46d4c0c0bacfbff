//! `is_guid(value)`: the value is a guid or text in the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with or without braces.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "is_guid",
    category: Category::Evaluation,
    microsoft: &["IsGuid"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is a guid or text in the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with or without braces",
    examples: &[
        Example { call: r##"is_guid("0f8fad5b-d9cb-469f-a165-70867728950e")"##, result: "true" },
        Example { call: r##"is_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}")"##, result: "true" },
        Example { call: r##"is_guid("0f8fad5b")"##, result: "false" },
        Example { call: "is_guid(null)", result: "false" },
    ],
};
