//! `to_guid(text)`: convert the text form of a guid, with or without braces, to its 16-byte binary form.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "to_guid",
    category: Category::Conversion,
    microsoft: &["CGuid"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::BINARY,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert the text form of a guid, with or without braces, to its 16-byte binary form",
    examples: &[
        Example { call: r##"is_guid(string_from_guid(to_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}")))"##, result: "true" },
        Example { call: r##"to_guid("0f8fad5b")"##, result: r##"error: "0f8fad5b" is not a guid"## },
    ],
};
