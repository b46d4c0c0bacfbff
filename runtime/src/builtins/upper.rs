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
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::map_case_in_place;
use crate::value::Val;

/// Every character mapped on its own (simple case mapping, as .NET's invariant culture: `ß`
/// stays `ß`); computed ASCII text is changed in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    map_case_in_place(args, true)
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
    fn uppers() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("élodie straße")]), Ok(s("ÉLODIE STRAßE")));
    }
}
