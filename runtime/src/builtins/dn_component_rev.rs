//! `dn_component_rev(dn, number, ignore_dc?)`: the value of the `number`th (1-based) component of `dn`, counted from the right.
//!
//! With `ignore_dc` (Microsoft's `"DC"` option) the `dc=` components are skipped. The value is unescaped. Missing when
//! `dn` has fewer components; an error when `dn` is not a distinguished name.
//! A multi-valued component (`cn=a+uid=b`) gives its first value.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `dn_component_rev`.
pub const SIGNATURE: Signature = Signature {
    name: "dn_component_rev",
    category: Category::Directory,
    microsoft: &["DNComponentRev"],
    params: &[
        Param::new("dn", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
        Param::omittable("ignore_dc", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: true,
    summary: "the value of the `number`th (1-based) component of `dn`, counted from the right",
    examples: &[
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 3)"##, result: r##""US""## },
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 1, true)"##, result: r##""US""## },
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 1)"##, result: r##""com""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, opt_str, parse_dn};
use super::{Arg, CallError, boolean_or};
use crate::value::Value;

/// The unescaped value of the `number`th component from the right (skipping `dc=` ones when
/// `ignore_dc`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(dn), Some(number)) = (opt_str(args, 0, "dn")?, opt_int(args, 1, "number")?) else {
        return Ok(Value::Null);
    };
    let ignore_dc = boolean_or(args, 2, "ignore_dc", false)?;
    let parts = parse_dn(dn)?;
    let index = number.checked_sub(1).and_then(|n| usize::try_from(n).ok());
    let found = index.and_then(|n| parts.iter().rev().filter(|(ty, _)| !(ignore_dc && ty.eq_ignore_ascii_case("dc"))).nth(n));
    Ok(found.map_or(Value::Null, |(_, value)| Value::String(value.clone())))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run, s};
    use crate::value::Value;

    #[test]
    fn components() {
        let rev = |d: &str, n: i64, dc: bool| run(super::SIGNATURE.call, vec![s(d), i(n), b(dc)]);
        assert_eq!(rev("cn=a,ou=x,DC=c,dc=com", 1, true), Ok(s("x")));
        assert_eq!(rev("cn=a,ou=x,DC=c,dc=com", 2, false), Ok(s("c")));
        assert_eq!(rev("cn=a,ou=x,dc=com", 3, true), Ok(Value::Null));
        assert_eq!(rev("cn=a", 0, false), Ok(Value::Null));
        assert!(rev("cn=", 1, false).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![s("cn=a,ou=b"), i(1)]), Ok(s("b")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1)]), Ok(Value::Null));
    }
}
