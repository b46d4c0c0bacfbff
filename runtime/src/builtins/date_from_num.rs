//! `date_from_num(value)`: convert an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc) to a date and time.
//!
//! An error for numbers outside the range of dates.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_from_num`.
pub const SIGNATURE: Signature = Signature {
    name: "date_from_num",
    category: Category::DateTime,
    microsoft: &["DateFromNum"],
    params: &[
        Param::new("value", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc) to a date and time",
    examples: &[
        Example { call: "date_from_num(129699324000000000)", result: "@2012-01-01T23:00:00Z" },
        Example { call: r##"format_datetime(date_from_num(129699324000000000), "yyyy-MM-dd HH:mm:ss")"##, result: r##""2012-01-01 23:00:00""## },
        Example { call: r##"format_datetime(date_from_num(0), "yyyy-MM-dd")"##, result: r##""1601-01-01""## },
    ],
};
