//! `dn_component(dn, number)`: the value of the `number`th (1-based) component of `dn`, counted from the left.
//!
//! The value is unescaped. Missing when `dn` has fewer components; an error when `dn` is not a distinguished name.
//! Pass a reference through `str` first.
//! A multi-valued component (`cn=a+uid=b`) gives its first value.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `dn_component`.
pub const SIGNATURE: Signature = Signature {
    name: "dn_component",
    category: Category::Directory,
    microsoft: &["DNComponent"],
    params: &[
        Param::new("dn", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: true,
    summary: "the value of the `number`th (1-based) component of `dn`, counted from the left",
    examples: &[
        Example { call: r##"dn_component("cn=Joe,ou=Sales,dc=contoso,dc=com", 1)"##, result: r##""Joe""## },
        Example { call: r##"dn_component("cn=Joe,ou=Sales,dc=contoso,dc=com", 2)"##, result: r##""Sales""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, opt_str, parse_dn};
use super::{Arg, CallError};
use crate::value::Value;

/// The unescaped value of the `number`th component from the left.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(dn), Some(number)) = (opt_str(args, 0, "dn")?, opt_int(args, 1, "number")?) else {
        return Ok(Value::Null);
    };
    let parts = parse_dn(dn)?;
    let found = number.checked_sub(1).and_then(|n| usize::try_from(n).ok()).and_then(|n| parts.get(n));
    Ok(found.map_or(Value::Null, |(_, value)| Value::String(value.clone())))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn components() {
        let dn = |d: &str, n: i64| run(super::SIGNATURE.call, vec![s(d), i(n)]);
        assert_eq!(dn(r"CN=Doe\, John,OU=Sales", 1), Ok(s("Doe, John")));
        assert_eq!(dn(r"cn=a\2Cb\C3\A9 ,ou=x", 1), Ok(s("a,bé")));
        assert_eq!(dn(r"cn=a\ ,ou=x", 1), Ok(s("a ")));
        assert_eq!(dn("cn=a+uid=b,ou=x", 1), Ok(s("a")));
        assert_eq!(dn("cn=a, ou=x", 2), Ok(s("x")));
        assert_eq!(dn("cn=a,ou=x", 3), Ok(Value::Null));
        assert_eq!(dn("cn=a,ou=x", 0), Ok(Value::Null));
        assert_eq!(dn("cn=a,ou=x", i64::MIN), Ok(Value::Null));
        assert!(dn("not a dn", 1).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1)]), Ok(Value::Null));
    }
}
