//! `proper_case(text, separators?)`: upper-case the first letter of every word and lower-case the rest.
//!
//! Without `separators`, words are separated by white space, punctuation and symbols (Entra's `PCase` through .NET
//! `ToTitleCase`); with `separators`, only by those characters. Every letter that does not begin a word is lower-cased,
//! all-capital words included (`ToTitleCase` leaves those alone; Entra lower-cases first).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `proper_case`.
pub const SIGNATURE: Signature = Signature {
    name: "proper_case",
    category: Category::Text,
    microsoft: &["PCase"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::omittable("separators", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "upper-case the first letter of every word and lower-case the rest",
    examples: &[
        Example { call: r##"proper_case("TEsT")"##, result: r##""Test""## },
        Example { call: r##"proper_case("PABLO GONSALVES (SECOND)")"##, result: r##""Pablo Gonsalves (Second)""## },
        Example { call: r##"proper_case("PINTO-DE'SILVA", " '-")"##, result: r##""Pinto-De'Silva""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{lower_char, opt_str, upper_char};
use super::{Arg, CallError};
use crate::value::Value;

/// Title case: a letter after a separator (or at the start) upper-cased, every other letter
/// lower-cased.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let separators = opt_str(args, 1, "separators")?;
    // Without separators, as .NET's `ToTitleCase`: a word is a run of letters (and apostrophes).
    let separates = |c: char| match separators {
        Some(seps) => seps.contains(c),
        None => !(c.is_alphabetic() || c == '\'' || c == '\u{2019}'),
    };
    let mut out = String::with_capacity(text.len());
    let mut at_start = true;
    for c in text.chars() {
        if separates(c) {
            out.push(c);
            at_start = true;
        } else if at_start {
            out.push(upper_char(c));
            at_start = !c.is_alphabetic() && separators.is_none();
        } else {
            out.push(lower_char(c));
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let pc = |t: &str| run(super::SIGNATURE.call, vec![s(t)]);
        assert_eq!(pc("jOHN o'NEIL-SMITH"), Ok(s("John O'neil-Smith")));
        assert_eq!(pc("élodie"), Ok(s("Élodie")));
        assert_eq!(pc(""), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a-b c"), s("-")]), Ok(s("A-B c")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a b"), s("")]), Ok(s("A b")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
