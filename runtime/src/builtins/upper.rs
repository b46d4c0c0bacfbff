//! `upper(text)`: convert every character to upper case (invariant culture).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `upper`.
pub const SIGNATURE: Signature = Signature {
    name: "upper",
    category: Category::Text,
    microsoft: &["UCase", "ToUpper"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert every character to upper case (invariant culture)",
    examples: &[
        Example { call: r##"upper("TeSt")"##, result: r##""TEST""## },
    ],
    call: self::call,
};

use super::support::{map_case, upper_char};
use super::{Arg, CallError};
use crate::value::Value;

/// Every character mapped on its own (simple case mapping, as .NET's invariant culture: `ß`
/// stays `ß`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    map_case(args, str::to_ascii_uppercase, upper_char)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn maps_case() {
        assert_eq!(run(super::call, vec![s("")]), Ok(s("")));
        assert_eq!(run(super::call, vec![Value::Null]), Ok(Value::Null));
        assert_eq!(run(super::call, vec![s("1-ß")]), Ok(s("1-ß")));
    }

    #[test]
    fn uppers() {
        assert_eq!(run(super::call, vec![s("élodie straße")]), Ok(s("ÉLODIE STRAßE")));
    }
}
