//! `num_from_date(value)`: convert a date and time to an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc).
//!
//! An error for dates before 1601.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `num_from_date`.
pub const SIGNATURE: Signature = Signature {
    name: "num_from_date",
    category: Category::DateTime,
    microsoft: &["NumFromDate"],
    params: &[
        Param::new("value", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a date and time to an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc)",
    examples: &[
        Example { call: "num_from_date(@2012-01-01T23:00:00Z)", result: "129699324000000000" },
        Example { call: r##"num_from_date(to_datetime("2012-01-01 23:00:00"))"##, result: "129699324000000000" },
    ],
};
