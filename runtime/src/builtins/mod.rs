//! Built-in functions: one file per function, one list that registers them all.
//!
//! Each function file exports a `SIGNATURE` constant: its name as written in `.sync` files,
//! parameters with their types, the return type, how it treats missing values, whether it is
//! pure and can fail, a one-line summary and documented examples. The type checker reads the
//! signatures from [`all`]; the evaluator and `docs/functions.md` will read the same list.

use crate::value::ValueKind;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        if self.params.iter().any(|p| p.variadic) {
            None
        } else {
            Some(self.params.len())
        }
    }
}

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
    trim,
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
                    assert!(sig.params[i..].iter().all(|q| q.omittable || q.variadic), "{}: omittable parameters must trail", sig.name);
                }
            }
            assert!(!sig.summary.ends_with('.'), "{}: summary ends with a period", sig.name);
            assert!(!sig.examples.is_empty(), "{}: no examples", sig.name);
        }
    }
}
