//! `to_datetime(text)`: parse text with a date, an optional time and an optional time zone into a utc date and time.
//!
//! Accepted: RFC 3339 / ISO 8601 (`2024-01-05`, `2024-01-05T10:00:00.5+02:00`, `2024-01-05 10:00`), LDAP generalized
//! time (`20240105100000.0Z`, as `format_datetime(d, "yyyyMMddHHmmss.0Z")` writes it), `M/d/yyyy` (invariant culture),
//! `d.M.yyyy`, `5 January 2024` and `January 5, 2024`; then an optional time `H:mm[:ss[.fff]]` with an optional
//! `AM`/`PM`, and an optional zone (`Z`, `UTC`, `GMT`, `-8`, `+05:30`, `-0800`). Without a time zone the text is
//! taken as utc. Years must lie between 1 and 9999.
//!
//! Differs from Microsoft: `CDate` parses with the server's culture and takes text without a zone as local time; here the forms above only, and utc.

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
    call: super::Call::Values(self::call),
};

use super::support::{in_range, opt_str, parse_lenient};
use super::{Arg, CallError};
use crate::value::{Value, quote};

/// The instant the text describes (see [`parse_lenient`] for the accepted forms).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let us = parse_lenient(text).ok_or_else(|| CallError(format!("{} is not a date", quote(text))))?;
    in_range(Some(us))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, run, s};
    use crate::value::Value;

    #[test]
    fn forms() {
        let cd = |t: &str| run(super::SIGNATURE.call, vec![s(t)]);
        assert_eq!(cd("2024-01-05T10:00:00+02:00"), Ok(dt("2024-01-05T08:00:00Z")));
        assert_eq!(cd("20240105100000.0Z"), Ok(dt("2024-01-05T10:00:00Z")));
        assert_eq!(cd("20240105100000.5-0130"), Ok(dt("2024-01-05T11:30:00.5Z")));
        assert_eq!(cd("202401051000Z"), Ok(dt("2024-01-05T10:00:00Z")));
        assert_eq!(cd("1/5/2024"), Ok(dt("2024-01-05T00:00:00Z")));
        assert_eq!(cd("5.1.2024 12:30 AM"), Ok(dt("2024-01-05T00:30:00Z")));
        assert_eq!(cd("2024/1/5 9:05:07.25 pm UTC"), Ok(dt("2024-01-05T21:05:07.25Z")));
        assert_eq!(cd("January 5, 2024 10:00 +05:30"), Ok(dt("2024-01-05T04:30:00Z")));
        assert_eq!(cd("5 Jan 2024"), Ok(dt("2024-01-05T00:00:00Z")));
        assert_eq!(cd(" 2024-01-05 "), Ok(dt("2024-01-05T00:00:00Z")));
        for bad in ["", "2024-02-30", "13/1/2024", "2024-01-05 25:00", "2024-01-05 13:00 PM", "20240105", "0000-01-01", "2024-01-05 10:00 +15", "2024-01-05 x"] {
            assert!(cd(bad).is_err(), "{bad}");
        }
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
