//! `guid()`: a new random guid as text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).
//!
//! A version-4 (random) GUID in lower case, from a xorshift generator seeded from the clock: unique enough for
//! identifiers, not for secrets.

use super::{Category, Example, Nulls, Signature, TypeSpec};

/// The signature of `guid`.
pub const SIGNATURE: Signature = Signature {
    name: "guid",
    category: Category::Text,
    microsoft: &["Guid"],
    params: &[],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: false,
    fallible: false,
    summary: "a new random guid as text (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`)",
    examples: &[
        Example { call: "is_guid(guid())", result: "true" },
        Example { call: "len(guid())", result: "36" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::random_u64;
use super::{Arg, CallError};
use crate::value::{Value, format_guid};

/// A random version-4 GUID in lower-case text form.
fn call(_args: &[Arg<'_>]) -> Result<Value, CallError> {
    let raw = (u128::from(random_u64()) << 64) | u128::from(random_u64());
    let v4 = (raw & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    Ok(Value::String(format_guid(v4)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::run;
    use crate::value::{Value, parse_guid};

    #[test]
    fn random_v4() {
        let a = run(super::SIGNATURE.call, vec![]);
        let b = run(super::SIGNATURE.call, vec![]);
        assert_ne!(a, b);
        assert!(matches!(a, Ok(Value::String(_))));
        if let Ok(Value::String(text)) = a {
            assert!(parse_guid(&text).is_some());
            assert_eq!(text.chars().nth(14), Some('4'));
            assert!(matches!(text.chars().nth(19), Some('8' | '9' | 'a' | 'b')));
        }
    }
}
