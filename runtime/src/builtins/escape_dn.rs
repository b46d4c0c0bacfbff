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
    call: self::call,
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// The value with RFC 4514's escapes (NUL as `\00`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(value) = opt_str(args, 0, "value")? else {
        return Ok(Value::Null);
    };
    let last = value.chars().count().saturating_sub(1);
    let mut out = String::with_capacity(value.len() + 4);
    for (i, c) in value.chars().enumerate() {
        match c {
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '\0' => out.push_str("\\00"),
            c => out.push(c),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn escapes() {
        let e = |t: &str| run(super::call, vec![s(t)]);
        assert_eq!(e(r#"a"b+c,d;e<f>g\h"#), Ok(s(r#"a\"b\+c\,d\;e\<f\>g\\h"#)));
        assert_eq!(e(" a#b "), Ok(s(r"\ a#b\ ")));
        assert_eq!(e(" "), Ok(s(r"\ ")));
        assert_eq!(e("a\0"), Ok(s(r"a\00")));
        assert_eq!(e(""), Ok(s("")));
        assert_eq!(run(super::call, vec![Value::Null]), Ok(Value::Null));
    }
}
