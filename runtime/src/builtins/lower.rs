//! `lower(text)`: convert every character to lower case (invariant culture).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `lower`.
pub const SIGNATURE: Signature = Signature {
    name: "lower",
    category: Category::Text,
    microsoft: &["LCase", "ToLower"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert every character to lower case (invariant culture)",
    examples: &[
        Example { call: r##"lower("TeSt")"##, result: r##""test""## },
        Example { call: r##"lower("ÉLODIE")"##, result: r##""élodie""## },
    ],
    call: self::call,
};

use super::support::{map_case, lower_char};
use super::{Arg, CallError};
use crate::value::Value;

/// Every character mapped on its own (simple case mapping, as .NET's invariant culture: `ß`
/// stays `ß`, a final `Σ` becomes `σ`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    map_case(args, str::to_ascii_lowercase, lower_char)
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
    fn lowers() {
        assert_eq!(run(super::call, vec![s("ÉLODIE ΟΔΟΣ")]), Ok(s("élodie οδοσ")));
    }
}
