//! `to_datetime(text)`: parse text with a date, an optional time and an optional time zone into a utc date and time.
//!
//! Without a time zone the text is taken as utc.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_datetime`.
pub const SIGNATURE: Signature = Signature {
    name: "to_datetime",
    category: Category::Conversion,
    microsoft: &["CDate"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "parse text with a date, an optional time and an optional time zone into a utc date and time",
    examples: &[
        Example { call: r##"to_datetime("2013-01-10 4:00 PM -8")"##, result: "@2013-01-11T00:00:00Z" },
        Example { call: r##"format_datetime(to_datetime("2013-01-10 4:00 PM -8"), "yyyy-MM-dd HH:mm")"##, result: r##""2013-01-11 00:00""## },
        Example { call: r##"format_datetime(to_datetime("2009-06-15T01:45:30-07:00"), "yyyy-MM-dd HH:mm:ss")"##, result: r##""2009-06-15 08:45:30""## },
        Example { call: r##"to_datetime("not a date")"##, result: r##"error: "not a date" is not a date"## },
    ],
};
