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

/// Whether byte `b` at offset `i` of a value of `len` bytes needs an escape (every character
/// that does is ASCII, so the value is scanned byte by byte).
fn escaped(b: u8, i: usize, len: usize) -> bool {
    match b {
        b'"' | b'+' | b',' | b';' | b'<' | b'>' | b'\\' | b'\0' => true,
        b'#' => i == 0,
        b' ' => i == 0 || i + 1 == len,
        _ => false,
    }
}

/// The value with RFC 4514's escapes (NUL as `\00`); a value that needs none is returned as it is
/// (no copy).
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let Some(value) = take_str(args, 0, "value")? else {
        return Ok(Val::NULL);
    };
    let len = value.len();
    // Allocated at the first escape: a value that needs none is not copied.
    let mut out = String::new();
    let mut plain = 0;
    for (i, b) in value.bytes().enumerate() {
        if !escaped(b, i, len) {
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(len + 8);
        }
        out.push_str(value.get(plain..i).unwrap_or(""));
        if b == b'\0' {
            out.push_str("\\00");
        } else {
            out.push('\\');
            out.push(char::from(b));
        }
        plain = i + 1;
    }
    if out.capacity() == 0 {
        return Ok(Val::text(value));
    }
    out.push_str(value.get(plain..).unwrap_or(""));
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
