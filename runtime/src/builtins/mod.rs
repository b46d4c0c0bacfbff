//! Built-in functions: one file per function, one list that registers them all.
//!
//! Each function file exports a `SIGNATURE` constant: its name as written in `.sync` files,
//! parameters with their types, the return type, how it treats missing values, whether it is
//! pure and can fail, a one-line summary and documented examples. The type checker reads the
//! signatures from [`all`]; the evaluator and `docs/functions.md` will read the same list.

use crate::value::{Val, Value, ValueKind};
use std::borrow::Cow;
use std::fmt;

/// An argument of a call: borrowed from the object being evaluated, or computed.
pub type Arg<'a> = Cow<'a, Value>;

/// Why a call failed: one line, lower case, no final period, naming the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError(pub String);

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The implementation of a function. Arguments come in parameter order; omitted trailing
/// arguments are absent from the slice (the function applies its defaults). For
/// [`Nulls::Propagate`] functions the evaluator returns `Null` without calling when an argument
/// is `Null`, so the implementation only sees values; others see `Null` and decide.
#[derive(Clone, Copy)]
pub enum Call {
    /// Reads its arguments and computes a new value (most functions).
    Values(for<'a> fn(&[Arg<'a>]) -> Result<Value, CallError>),
    /// Takes its arguments: it may return one of them, a part of a borrowed one, or reuse the
    /// buffer of a computed one (`trim`, `left`, `upper`...: text functions on the hot path, where
    /// a copy per call is most of the cost). An argument it does not use may be left in place.
    Moves(for<'a> fn(&mut [Val<'a>]) -> Result<Val<'a>, CallError>),
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Call::Values(_) => "Call::Values",
            Call::Moves(_) => "Call::Moves",
        })
    }
}

/// The argument at `i`, or `Null` when it was omitted.
pub fn arg<'b>(args: &'b [Arg<'_>], i: usize) -> &'b Value {
    args.get(i).map_or(&Value::Null, |a| a.as_ref())
}

/// The text argument at `i` (an error naming `param` when it is something else).
pub fn text<'b>(args: &'b [Arg<'_>], i: usize, param: &str) -> Result<&'b str, CallError> {
    match arg(args, i) {
        Value::String(s) => Ok(s),
        other => Err(CallError(format!("`{param}` must be a string, not {}", other.to_literal()))),
    }
}

/// The integer argument at `i`.
pub fn integer(args: &[Arg<'_>], i: usize, param: &str) -> Result<i64, CallError> {
    match arg(args, i) {
        Value::Integer(n) => Ok(*n),
        other => Err(CallError(format!("`{param}` must be an integer, not {}", other.to_literal()))),
    }
}

/// The boolean argument at `i`, or `default` when omitted.
pub fn boolean_or(args: &[Arg<'_>], i: usize, param: &str, default: bool) -> Result<bool, CallError> {
    match arg(args, i) {
        Value::Null => Ok(default),
        Value::Boolean(b) => Ok(*b),
        other => Err(CallError(format!("`{param}` must be a boolean, not {}", other.to_literal()))),
    }
}

/// The type of a parameter or of a result, as a signature describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeSpec {
    /// One value of this kind.
    Kind(ValueKind),
    /// One value of any kind.
    Any,
    /// One value of the call's type variable `T`: every `T`/`ManyT` in a signature binds to the
    /// same kind, taken from the first argument that fills one.
    T,
    /// A multi-valued value (a list) of this kind.
    Many(ValueKind),
    /// A multi-valued value of any kind.
    ManyAny,
    /// A multi-valued value of the call's type variable `T`.
    ManyT,
}

/// One parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The name shown in diagnostics and docs.
    pub name: &'static str,
    /// What the argument must be.
    pub ty: TypeSpec,
    /// The argument may be left out (only trailing parameters).
    pub omittable: bool,
    /// The parameter takes any number (at least one) of arguments; only the last parameter.
    pub variadic: bool,
}

impl TypeSpec {
    /// `string`
    pub const STRING: TypeSpec = TypeSpec::Kind(ValueKind::String);
    /// `integer`
    pub const INTEGER: TypeSpec = TypeSpec::Kind(ValueKind::Integer);
    /// `boolean`
    pub const BOOLEAN: TypeSpec = TypeSpec::Kind(ValueKind::Boolean);
    /// `datetime`
    pub const DATETIME: TypeSpec = TypeSpec::Kind(ValueKind::DateTime);
    /// `binary`
    pub const BINARY: TypeSpec = TypeSpec::Kind(ValueKind::Binary);
}

impl Param {
    /// A parameter every call passes.
    pub const fn new(name: &'static str, ty: TypeSpec) -> Param {
        Param { name, ty, omittable: false, variadic: false }
    }

    /// A trailing parameter calls may leave out.
    pub const fn omittable(name: &'static str, ty: TypeSpec) -> Param {
        Param { name, ty, omittable: true, variadic: false }
    }

    /// The last parameter, taking one or more arguments.
    pub const fn variadic(name: &'static str, ty: TypeSpec) -> Param {
        Param { name, ty, omittable: false, variadic: true }
    }
}

/// How a function treats missing (null or absent) arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nulls {
    /// A missing argument makes the result missing (most text and conversion functions).
    Propagate,
    /// The result is missing only when every argument is missing (`coalesce`).
    AllMissing,
    /// The function inspects missing values itself and always returns a value (`is_empty`).
    Handled,
    /// The result may be missing whatever the arguments (`item_or_null`).
    MayBeMissing,
}

/// A documented example: calling `call` gives `result` (both written in the rule language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// The call, as it would appear in a flow.
    pub call: &'static str,
    /// The value it gives, as a literal; `error: ...` when the call fails.
    pub result: &'static str,
}

/// The metadata of one built-in function.
#[derive(Debug, Clone, Copy)]
pub struct Signature {
    /// The name in `.sync` files (snake case).
    pub name: &'static str,
    /// The function category, as `docs/functions.md` groups them.
    pub category: Category,
    /// The Microsoft Entra / MIM names this function corresponds to, if any.
    pub microsoft: &'static [&'static str],
    /// The parameters in order.
    pub params: &'static [Param],
    /// The result type.
    pub returns: TypeSpec,
    /// The treatment of missing arguments.
    pub nulls: Nulls,
    /// Same arguments, same result, no side effects (`now` and `random_*` are not pure).
    pub pure: bool,
    /// The call can fail at run time for some argument values (an unparsable date).
    pub fallible: bool,
    /// One line, lower case, no final period.
    pub summary: &'static str,
    /// Documented examples.
    pub examples: &'static [Example],
    /// The implementation.
    pub call: Call,
}

/// Function categories (after the Microsoft functions reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Type conversions.
    Conversion,
    /// Dates and times.
    DateTime,
    /// Distinguished names and directory values.
    Directory,
    /// Tests on values.
    Evaluation,
    /// Arithmetic and bit operations.
    Math,
    /// Multi-valued attributes.
    MultiValued,
    /// Program flow.
    Flow,
    /// Text.
    Text,
}

impl Signature {
    /// The smallest number of arguments a call must pass.
    pub fn min_args(&self) -> usize {
        self.params.iter().filter(|p| !p.omittable).count()
    }

    /// The largest number of arguments a call may pass (`None`: unbounded).
    pub fn max_args(&self) -> Option<usize> {
        if self.params.iter().any(|p| p.variadic) { None } else { Some(self.params.len()) }
    }
}

mod support;

macro_rules! builtins {
    ($($module:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every built-in function's signature, sorted by name.
        pub fn all() -> &'static [Signature] {
            static ALL: &[Signature] = &[$($module::SIGNATURE),*];
            ALL
        }
    };
}

builtins! {
    append,
    bit_and,
    bit_or,
    bool_,
    coalesce,
    contains,
    count,
    date_add,
    date_diff,
    date_from_num,
    dn_component,
    dn_component_rev,
    ends_with,
    error,
    escape_dn,
    format_datetime,
    from_base64,
    from_utf8_hex,
    guid,
    instr,
    instr_rev,
    int,
    is_bit_set,
    is_date,
    is_empty,
    is_guid,
    is_null,
    is_null_or_empty,
    is_numeric,
    is_present,
    is_string,
    item,
    item_or_null,
    join,
    left,
    len,
    lower,
    ltrim,
    mid,
    normalize_diacritics,
    now,
    num_from_date,
    pad_left,
    pad_right,
    proper_case,
    random_num,
    random_string,
    redact,
    remove_duplicates,
    replace,
    replace_chars,
    right,
    rtrim,
    select_unique_value,
    split,
    starts_with,
    str_,
    string_from_guid,
    string_from_sid,
    strip_spaces,
    to_base64,
    to_datetime,
    to_guid,
    to_utf8_hex,
    trim,
    upper,
    word,
}

/// The signature of the function called `name`.
pub fn lookup(name: &str) -> Option<&'static Signature> {
    all().iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_unique() {
        let names: Vec<&str> = all().iter().map(|s| s.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted, "the builtins! list must be sorted and free of duplicates");
    }

    #[test]
    fn signatures_are_well_formed() {
        for sig in all() {
            let n = sig.params.len();
            for (i, p) in sig.params.iter().enumerate() {
                assert!(!p.variadic || i + 1 == n, "{}: only the last parameter may be variadic", sig.name);
                if p.omittable {
                    assert!(
                        sig.params.iter().skip(i).all(|q| q.omittable || q.variadic),
                        "{}: omittable parameters must trail",
                        sig.name
                    );
                }
            }
            assert!(!sig.summary.ends_with('.'), "{}: summary ends with a period", sig.name);
            assert!(!sig.examples.is_empty(), "{}: no examples", sig.name);
        }
    }
    fn well_formed_summary(summary: &str) -> bool {
        !summary.is_empty()
            && !summary.ends_with('.')
            && !summary.contains('\n')
            && !summary.starts_with(|c: char| c.is_uppercase())
    }

    /// The names of the functions an example calls (identifiers directly followed by `(`,
    /// outside string literals).
    fn called_names(call: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut word = String::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in call.chars() {
            if in_string {
                match c {
                    _ if escaped => escaped = false,
                    '\\' => escaped = true,
                    '"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => {
                    in_string = true;
                    word.clear();
                }
                '(' => {
                    if !word.is_empty() {
                        names.push(std::mem::take(&mut word));
                    }
                }
                c if c.is_ascii_alphanumeric() || c == '_' => word.push(c),
                _ => word.clear(),
            }
        }
        names
    }

    /// `@YYYY-MM-DD`, optionally followed by `THH:MM[:SS[.fraction]]` and `Z` or `±HH:MM`.
    fn is_datetime_literal(text: &str) -> bool {
        let Some(rest) = text.strip_prefix('@') else {
            return false;
        };
        let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
        let shape = |s: &str, pattern: &str| {
            s.len() == pattern.len()
                && s.chars().zip(pattern.chars()).all(|(c, p)| if p == '9' { c.is_ascii_digit() } else { c == p })
        };
        let time = time.strip_suffix('Z').unwrap_or(time);
        shape(date, "9999-99-99") && (time.is_empty() || shape(time, "99:99") || shape(time, "99:99:99"))
    }

    #[test]
    fn summaries_are_one_lower_case_line() {
        for sig in all() {
            assert!(well_formed_summary(sig.summary), "{}: {:?}", sig.name, sig.summary);
        }
    }

    #[test]
    fn examples_call_known_functions_and_give_literals() {
        use crate::connectors::registry::OptionType;
        for sig in all() {
            for ex in sig.examples {
                let names = called_names(ex.call);
                assert!(names.iter().any(|n| n == sig.name), "{}: example {:?} does not call it", sig.name, ex.call);
                for name in &names {
                    assert!(lookup(name).is_some(), "{}: example {:?} calls unknown {name}", sig.name, ex.call);
                }
                let opens = ex.call.matches('(').count();
                assert_eq!(opens, ex.call.matches(')').count(), "{}: unbalanced {:?}", sig.name, ex.call);
                let r = ex.result;
                let literal = [OptionType::String, OptionType::Integer, OptionType::Boolean, OptionType::StringList]
                    .iter()
                    .any(|ty| ty.accepts_literal(r.strip_prefix('-').unwrap_or(r)))
                    || is_datetime_literal(r);
                assert!(
                    literal || r == "null" || r.starts_with("error: "),
                    "{}: result {r:?} is not a literal",
                    sig.name
                );
                if r.starts_with("error: ") {
                    assert!(sig.fallible, "{}: an example fails but the function is not fallible", sig.name);
                }
                if r == "null" {
                    assert!(
                        sig.nulls != Nulls::Handled,
                        "{}: returns null but claims to handle missing values",
                        sig.name
                    );
                }
            }
        }
    }

    #[test]
    fn generic_results_have_generic_parameters() {
        for sig in all() {
            if matches!(sig.returns, TypeSpec::T | TypeSpec::ManyT) {
                assert!(
                    sig.params.iter().any(|p| matches!(p.ty, TypeSpec::T | TypeSpec::ManyT)),
                    "{}: T in the result only",
                    sig.name
                );
            }
        }
    }

    #[test]
    fn microsoft_names_map_to_one_function() {
        let mut names: Vec<&str> = all().iter().flat_map(|s| s.microsoft.iter().copied()).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a Microsoft name is claimed by two functions");
    }

    #[test]
    fn only_clocks_randomness_and_the_target_are_impure() {
        let impure: Vec<&str> = all().iter().filter(|s| !s.pure).map(|s| s.name).collect();
        assert_eq!(impure, ["guid", "now", "random_num", "random_string", "select_unique_value"]);
    }

    #[test]
    fn parameter_names_are_snake_case_and_unique() {
        for sig in all() {
            let mut names: Vec<&str> = sig.params.iter().map(|p| p.name).collect();
            assert!(
                names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')),
                "{}",
                sig.name
            );
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), sig.params.len(), "{}: duplicate parameter", sig.name);
        }
    }
}
