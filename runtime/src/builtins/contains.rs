//! `contains(values, search, ignore_case?)`: the 1-based index of the first value that contains `search`, 0 when none does.
//!
//! As Microsoft's `Contains`: a substring search in each value, case-sensitive unless `ignore_case` is `true`
//! (`CaseInsensitive`). The index suits `item`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `contains`.
pub const SIGNATURE: Signature = Signature {
    name: "contains",
    category: Category::MultiValued,
    microsoft: &["Contains"],
    params: &[
        Param::new("values", TypeSpec::Many(ValueKind::String)),
        Param::new("search", TypeSpec::STRING),
        Param::omittable("ignore_case", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the 1-based index of the first value that contains `search`, 0 when none does",
    examples: &[
        Example { call: r##"contains(["smtp:jd@contoso.com", "SMTP:john.doe@contoso.com"], "SMTP:")"##, result: "2" },
        Example { call: r##"contains(["smtp:jd@contoso.com"], "SMTP:")"##, result: "0" },
        Example { call: r##"contains(["smtp:jd@contoso.com"], "SMTP:", true)"##, result: "1" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{lower_char, opt_str};
use super::{Arg, CallError, arg, boolean_or};
use crate::value::Value;

/// The 1-based index of the first value containing `search`, 0 when none does.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let values = arg(args, 0);
    let Some(search) = opt_str(args, 1, "search")? else {
        return Ok(Value::Null);
    };
    if values.is_null() {
        return Ok(Value::Null);
    }
    let fold = boolean_or(args, 2, "ignore_case", false)?;
    let norm = |t: &str| -> String { if fold { t.chars().map(lower_char).collect() } else { t.to_string() } };
    let needle = norm(search);
    let found = values.values().iter().position(|v| match v {
        Value::String(t) | Value::Reference(t) => norm(t).contains(&needle),
        _ => false,
    });
    Ok(Value::Integer(found.and_then(|i| i64::try_from(i + 1).ok()).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let c = |args: Vec<Value>| run(super::SIGNATURE.call, args);
        assert_eq!(c(vec![list(&["ab", "cd", "xcd"]), s("cd")]), Ok(i(2)));
        assert_eq!(c(vec![list(&["ab", "CD"]), s("cd")]), Ok(i(0)));
        assert_eq!(c(vec![list(&["ab", "CD"]), s("cd"), b(true)]), Ok(i(2)));
        assert_eq!(c(vec![s("abc"), s("b")]), Ok(i(1)));
        assert_eq!(c(vec![list(&["a"]), s("")]), Ok(i(1)));
        assert_eq!(c(vec![list(&[]), s("")]), Ok(i(0)));
        assert_eq!(c(vec![Value::Null, s("a")]), Ok(Value::Null));
    }
}
