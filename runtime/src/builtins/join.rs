//! `join(separator, values...)`: concatenate the values, and every value of multi-valued ones, with `separator` between them.
//!
//! Entra's `Join(separator, source1, source2, ...)`: each argument after the separator is a single value or a list whose
//! values are all joined. Missing and empty values are left out (no doubled separators). Microsoft Entra Connect's
//! `Join(attribute, delimiter)` is `join(delimiter, attribute)`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `join`.
pub const SIGNATURE: Signature = Signature {
    name: "join",
    category: Category::Text,
    microsoft: &["Join"],
    params: &[
        Param::new("separator", TypeSpec::STRING),
        Param::variadic("values", TypeSpec::Many(ValueKind::String)),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "concatenate the values, and every value of multi-valued ones, with `separator` between them",
    examples: &[
        Example { call: r##"join(" ", "Ann", "Lee")"##, result: r##""Ann Lee""## },
        Example { call: r##"join(",", ["SMTP:a@contoso.com", "smtp:b@contoso.com"])"##, result: r##""SMTP:a@contoso.com,smtp:b@contoso.com""## },
        Example { call: r##"join(", ", "", "Doe", "John")"##, result: r##""Doe, John""## },
        Example { call: r##"join("", "a", ["b", "c"])"##, result: r##""abc""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_str, to_text};
use super::{Arg, CallError};
use crate::value::Value;

/// The non-empty values, in order, with `separator` between them (`""` when there are none).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let separator = opt_str(args, 0, "separator")?.unwrap_or("");
    let values = || args.iter().skip(1).flat_map(|a| a.as_ref().values());
    let size = values().map(|v| v.as_str().map_or(16, str::len) + separator.len()).sum();
    let mut out = String::with_capacity(size);
    for v in values() {
        // Text is appended as it is; other kinds are converted first.
        let converted;
        let text = match v {
            Value::String(s) | Value::Reference(s) => s.as_str(),
            other => {
                converted = to_text(other);
                converted.as_deref().unwrap_or("")
            }
        };
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(separator);
        }
        out.push_str(text);
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let join = |args: Vec<Value>| run(super::SIGNATURE.call, args);
        assert_eq!(join(vec![s("-"), Value::Null, s("a"), list(&["", "b"]), i(3)]), Ok(s("a-b-3")));
        assert_eq!(join(vec![s("-"), Value::Null]), Ok(s("")));
        assert_eq!(join(vec![s("-")]), Ok(s("")));
        assert_eq!(join(vec![Value::Null, s("a"), s("b")]), Ok(s("ab")));
        assert_eq!(join(vec![s(", "), list(&[])]), Ok(s("")));
    }
}
