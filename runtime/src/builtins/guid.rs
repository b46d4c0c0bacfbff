//! `guid()`: a new random guid as text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).

use super::{Category, Example, Nulls, Signature, TypeSpec};

/// The signature of `guid`.
pub const SIGNATURE: Signature = Signature {
    name: "guid",
    category: Category::Text,
    microsoft: &["Guid"],
    params: &[],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: false,
    fallible: false,
    summary: "a new random guid as text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`)",
    examples: &[
        Example { call: "is_guid(guid())", result: "true" },
        Example { call: "len(guid())", result: "36" },
    ],
};
