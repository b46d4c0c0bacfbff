//! `escape_dn(value)`: escape an attribute value for use in a distinguished name (rfc 4514).
//!
//! Escapes `"`, `+`, `,`, `;`, `<`, `>` and `\`, a leading `#` or space and a trailing space. Microsoft's
//! `EscapeDNComponent` is given the whole component (`"cn=" & [displayName]`); here the value alone is escaped:
//! `"cn=" + escape_dn(displayName)`. A NUL character becomes `\00`.
//!
//! Differs from Microsoft: `escape_dn` escapes a value, not a whole `cn=value` component.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `escape_dn`.
pub const SIGNATURE: Signature = Signature {
    name: "escape_dn",
    category: Category::Directory,
    microsoft: &["EscapeDNComponent"],
    params: &[
        Param::new("value", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "escape an attribute value for use in a distinguished name (rfc 4514)",
    examples: &[
        Example { call: r##"escape_dn("Doe, John")"##, result: r##""Doe\\, John""## },
        Example { call: r##"escape_dn("#1 fan")"##, result: r##""\\#1 fan""## },
        Example { call: r##"escape_dn("Ann")"##, result: r##""Ann""## },
    ],
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::take_str;
use crate::value::Val;

/// Whether `c` at character `i` of a value of `last + 1` characters needs an escape.
fn escaped(c: char, i: usize, last: usize) -> bool {
    match c {
        '"' | '+' | ',' | ';' | '<' | '>' | '\\' | '\0' => true,
        '#' => i == 0,
        ' ' => i == 0 || i == last,
        _ => false,
    }
}

/// The value with RFC 4514's escapes (NUL as `\00`); a value that needs none is returned as it is
/// (no copy).
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let Some(value) = take_str(args, 0, "value")? else {
        return Ok(Val::NULL);
    };
    let last = value.chars().count().saturating_sub(1);
    if !value.chars().enumerate().any(|(i, c)| escaped(c, i, last)) {
        return Ok(Val::text(value));
    }
    let mut out = String::with_capacity(value.len() + 8);
    for (i, c) in value.chars().enumerate() {
        match c {
            '\0' => out.push_str("\\00"),
            c if escaped(c, i, last) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    Ok(Val::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn escapes() {
        let e = |t: &str| run(super::SIGNATURE.call, vec![s(t)]);
        assert_eq!(e(r#"a"b+c,d;e<f>g\h"#), Ok(s(r#"a\"b\+c\,d\;e\<f\>g\\h"#)));
        assert_eq!(e(" a#b "), Ok(s(r"\ a#b\ ")));
        assert_eq!(e(" "), Ok(s(r"\ ")));
        assert_eq!(e("a\0"), Ok(s(r"a\00")));
        assert_eq!(e(""), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
