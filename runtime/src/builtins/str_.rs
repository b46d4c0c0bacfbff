//! `str(value)`: convert a number, boolean, reference, guid or date and time to text.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `str`.
pub const SIGNATURE: Signature = Signature {
    name: "str",
    category: Category::Conversion,
    microsoft: &["CStr"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert a number, boolean, reference, guid or date and time to text",
    examples: &[
        Example { call: "str(123)", result: r##""123""## },
        Example { call: "str(-5)", result: r##""-5""## },
        Example { call: r##"str("Ann")"##, result: r##""Ann""## },
    ],
};
