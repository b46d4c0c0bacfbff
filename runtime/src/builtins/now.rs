//! `now()`: the current date and time (utc).

use super::{Category, Example, Nulls, Signature, TypeSpec};

/// The signature of `now`.
pub const SIGNATURE: Signature = Signature {
    name: "now",
    category: Category::DateTime,
    microsoft: &["Now"],
    params: &[],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Handled,
    pure: false,
    fallible: false,
    summary: "the current date and time (utc)",
    examples: &[
        Example { call: "is_date(now())", result: "true" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError};
use crate::value::Value;

/// The system clock, in microseconds since the epoch.
fn call(_args: &[Arg<'_>]) -> Result<Value, CallError> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let us = match since {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_micros()).map_or(i64::MIN, |us| -us),
    };
    Ok(Value::DateTime(us))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::run;
    use crate::value::Value;

    #[test]
    fn recent() {
        let got = run(super::SIGNATURE.call, vec![]);
        assert!(matches!(got, Ok(Value::DateTime(us)) if us > 1_700_000_000_000_000), "{got:?}");
    }
}
