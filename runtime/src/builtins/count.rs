//! `count(values)`: the number of values of a multi-valued value; 0 when it is missing.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `count`.
pub const SIGNATURE: Signature = Signature {
    name: "count",
    category: Category::MultiValued,
    microsoft: &["Count"],
    params: &[
        Param::new("values", TypeSpec::ManyAny),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the number of values of a multi-valued value; 0 when it is missing",
    examples: &[
        Example { call: r##"count(["SMTP:a@contoso.com", "smtp:b@contoso.com"])"##, result: "2" },
        Example { call: "count([])", result: "0" },
    ],
};
