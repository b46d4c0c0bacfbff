//! `random_string(length, min_numbers?, min_special?, min_capital?, min_lower?, avoid?)`: a random
//! password-like string.
//!
//! As Entra's `RandomString(Length, MinimumNumbers, MinimumSpecialCharacters, MinimumCapital,
//! MinimumLowerCase, CharactersToAvoid)`: at least the given numbers of digits, special characters,
//! capitals and lower-case letters, the rest from all four classes, never a character of `avoid`.
//! It fails when the minimums add up to more than `length` or a class has nothing left after
//! `avoid`. Not cryptographically strong: use it for initial values that are changed at first
//! use, not for long-lived secrets.
//! Differs from Microsoft: the trailing parameters may be left out (they default to 0 and "").

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `random_string`.
pub const SIGNATURE: Signature = Signature {
    name: "random_string",
    category: Category::Text,
    microsoft: &["RandomString"],
    params: &[
        Param::new("length", TypeSpec::INTEGER),
        Param::omittable("min_numbers", TypeSpec::INTEGER),
        Param::omittable("min_special", TypeSpec::INTEGER),
        Param::omittable("min_capital", TypeSpec::INTEGER),
        Param::omittable("min_lower", TypeSpec::INTEGER),
        Param::omittable("avoid", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: false,
    fallible: true,
    summary: "a random string of `length` characters with at least the given numbers of digits, special characters, capitals and lower-case letters",
    examples: &[
        Example { call: "len(random_string(12))", result: "12" },
        Example { call: "len(random_string(6, 3, 0, 0, 3))", result: "6" },
        Example { call: r##"random_string(4, 4, 0, 0, 0, "0123456789")"##, result: "error: `avoid` leaves no digit" },
        Example { call: "random_string(2, 2, 1)", result: "error: the minimums (3) exceed the length (2)" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, opt_str, random_u64};
use super::{Arg, CallError, integer};
use crate::value::Value;

const DIGITS: &str = "0123456789";
const SPECIAL: &str = "!@#$%^&*()-_=+[]{};:,.?/";
const CAPITALS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";

fn pick(pool: &[char]) -> Option<char> {
    let n = u64::try_from(pool.len()).ok()?;
    if n == 0 {
        return None;
    }
    pool.get(usize::try_from(random_u64() % n).ok()?).copied()
}

fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let length = integer(args, 0, "length")?;
    let mins = [
        opt_int(args, 1, "min_numbers")?.unwrap_or(0),
        opt_int(args, 2, "min_special")?.unwrap_or(0),
        opt_int(args, 3, "min_capital")?.unwrap_or(0),
        opt_int(args, 4, "min_lower")?.unwrap_or(0),
    ];
    let avoid: Vec<char> = opt_str(args, 5, "avoid")?.unwrap_or("").chars().collect();
    if !(0..=1024).contains(&length) || mins.iter().any(|m| *m < 0) {
        return Err(CallError(format!("`length` must be 0 to 1024 and the minimums at least 0, not {length} and {mins:?}")));
    }
    let total: i64 = mins.iter().sum();
    if total > length {
        return Err(CallError(format!("the minimums ({total}) exceed the length ({length})")));
    }
    let classes: Vec<Vec<char>> = [DIGITS, SPECIAL, CAPITALS, LOWER].iter().map(|c| c.chars().filter(|ch| !avoid.contains(ch)).collect()).collect();
    let names = ["digit", "special character", "capital", "lower-case letter"];
    let mut out: Vec<char> = Vec::new();
    for ((min, pool), name) in mins.iter().zip(&classes).zip(names) {
        for _ in 0..*min {
            out.push(pick(pool).ok_or_else(|| CallError(format!("`avoid` leaves no {name}")))?);
        }
    }
    let all: Vec<char> = classes.concat();
    while i64::try_from(out.len()).unwrap_or(i64::MAX) < length {
        out.push(pick(&all).ok_or_else(|| CallError("`avoid` leaves no character".to_string()))?);
    }
    // Shuffle so the required classes are not always first (Fisher-Yates).
    for i in (1..out.len()).rev() {
        let j = usize::try_from(random_u64() % u64::try_from(i + 1).unwrap_or(1)).unwrap_or(0);
        out.swap(i, j);
    }
    Ok(Value::String(out.into_iter().collect()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn classes_and_avoidance() {
        for _ in 0..50 {
            let v = run(super::SIGNATURE.call, vec![i(10), i(2), i(2), i(2), i(2), s("O0Il1")]);
            assert!(matches!(v, Ok(Value::String(_))), "{v:?}");
            let text = if let Ok(Value::String(t)) = v { t } else { String::new() };
            assert_eq!(text.chars().count(), 10);
            assert!(text.chars().filter(char::is_ascii_digit).count() >= 2);
            assert!(text.chars().filter(char::is_ascii_uppercase).count() >= 2);
            assert!(text.chars().filter(char::is_ascii_lowercase).count() >= 2);
            assert!(text.chars().filter(|c| super::SPECIAL.contains(*c)).count() >= 2);
            assert!(!text.chars().any(|c| "O0Il1".contains(c)));
        }
        assert!(run(super::SIGNATURE.call, vec![i(2), i(3)]).is_err());
        assert!(run(super::SIGNATURE.call, vec![i(-1)]).is_err());
        assert!(run(super::SIGNATURE.call, vec![i(3), i(1), i(0), i(0), i(0), s("0123456789")]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![i(0)]), Ok(s("")));
    }
}
