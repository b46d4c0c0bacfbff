//! `string_from_guid(value)`: convert a 16-byte binary guid (`objectGUID`) to its text form.
//!
//! An error when the value is not 16 bytes long.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `string_from_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "string_from_guid",
    category: Category::Conversion,
    microsoft: &["StringFromGuid"],
    params: &[
        Param::new("value", TypeSpec::BINARY),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a 16-byte binary guid (`objectGUID`) to its text form",
    examples: &[
        Example { call: r##"is_guid(string_from_guid(to_guid("0f8fad5b-d9cb-469f-a165-70867728950e")))"##, result: "true" },
        Example { call: "string_from_guid(null)", result: "null" },
    ],
};
