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
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::map_case_in_place;
use crate::value::Val;

/// Every character mapped on its own (simple case mapping, as .NET's invariant culture: `ß`
/// stays `ß`, a final `Σ` becomes `σ`); computed ASCII text is changed in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    map_case_in_place(args, false)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn maps_case() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
        assert_eq!(run(super::SIGNATURE.call, vec![s("1-ß")]), Ok(s("1-ß")));
    }

    #[test]
    fn lowers() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("ÉLODIE ΟΔΟΣ")]), Ok(s("élodie οδοσ")));
    }
}
