//! Evaluation of compiled expressions.
//!
//! Values are read from an [`Env`] by slot and returned as `Cow`: reading an attribute borrows it,
//! so a flow such as `mail <- mail` or a comparison allocates nothing; only computed values (a
//! concatenation, a function's result) are owned. Evaluation never panics: every failure is an
//! [`EvalError`] that the caller wraps with the rule, the flow and the object.

use crate::builtins::{Arg, Nulls};
use crate::plan::{BinOp, Expr, TypeRef};
use crate::value::Value;
use smallvec::SmallVec;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

/// What expressions read: the source object's attributes, and the objects references point to.
pub trait Env {
    /// The source object's attribute in `slot` (`Null` when absent).
    fn attr(&self, slot: u16) -> &Value;

    /// Attribute `attr` of the object `reference` points to, of type `target`.
    fn member(&self, reference: &Value, target: TypeRef, attr: u16) -> Result<Value, String> {
        let _ = (reference, target, attr);
        Err("references cannot be followed here: there is no connector space or metaverse".to_string())
    }

    /// Whether no other object of the flow's target connector space holds `value` in the flow's
    /// target attribute (`select_unique_value`); true where there is no target.
    fn is_unique(&self, value: &Value) -> bool {
        let _ = value;
        true
    }

    /// A reference to the object of `connector.object` whose anchor is `key`.
    fn reference(&self, connector: u16, object: u16, key: &Value) -> Result<Value, String> {
        let _ = (connector, object);
        Ok(match key {
            Value::Null => Value::Null,
            Value::String(s) | Value::Reference(s) => Value::Reference(s.clone()),
            other => Value::Reference(other.to_literal()),
        })
    }
}

/// An object's attribute values by slot, with no connector space behind it (`metasync eval`,
/// benchmarks).
#[derive(Debug, Clone, Copy)]
pub struct Record<'a>(pub &'a [Value]);

impl Env for Record<'_> {
    fn attr(&self, slot: u16) -> &Value {
        self.0.get(usize::from(slot)).unwrap_or(&Value::Null)
    }
}

/// Why an expression could not be evaluated (one line, lower case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

/// The value of a flow: a value, or one of the flow-only outcomes.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowValue<'a> {
    /// A value (possibly `Null`: no contribution inbound, clear the attribute outbound).
    Value(Cow<'a, Value>),
    /// Clear the metaverse value, winning over lower precedence.
    AuthoritativeNull,
    /// Do nothing this time.
    Ignore,
}

/// Evaluates a flow's value.
pub fn eval_flow<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E) -> Result<FlowValue<'a>, EvalError> {
    match expr {
        Expr::AuthoritativeNull => Ok(FlowValue::AuthoritativeNull),
        Expr::Ignore => Ok(FlowValue::Ignore),
        Expr::If(cond, then, otherwise) => {
            if truthy(&*eval(cond, env)?) {
                eval_flow(then, env)
            } else {
                eval_flow(otherwise, env)
            }
        }
        other => eval(other, env).map(FlowValue::Value),
    }
}

/// Evaluates a condition (a missing value is false).
pub fn eval_condition<E: Env + ?Sized>(expr: &Expr, env: &E) -> Result<bool, EvalError> {
    Ok(truthy(&*eval(expr, env)?))
}

fn truthy(v: &Value) -> bool {
    matches!(v, Value::Boolean(true))
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

fn err<T>(message: String) -> Result<T, EvalError> {
    Err(EvalError(message))
}

/// Evaluates an expression.
pub fn eval<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E) -> Result<Cow<'a, Value>, EvalError> {
    eval_in(expr, env, &[])
}

/// Evaluates an expression with the values bound by enclosing `select`, `where` and `with`.
fn eval_in<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E, locals: &'a [Value]) -> Result<Cow<'a, Value>, EvalError> {
    Ok(match expr {
        Expr::Const(v) => Cow::Borrowed(v),
        Expr::Attr(slot) => Cow::Borrowed(env.attr(*slot)),
        Expr::AuthoritativeNull | Expr::Ignore => Cow::Owned(Value::Null),
        Expr::Local(depth) => Cow::Borrowed(locals.get(usize::from(*depth)).unwrap_or(&Value::Null)),
        Expr::Select(values, body) | Expr::Where(values, body) => {
            let values = eval_in(values, env, locals)?;
            let keep = matches!(expr, Expr::Where(..));
            let mut out = Vec::with_capacity(values.values().len());
            let mut scope: Vec<Value> = Vec::with_capacity(locals.len() + 1);
            for v in values.values() {
                scope.clear();
                scope.extend_from_slice(locals);
                scope.push(v.clone());
                let r = eval_in(body, env, &scope)?.into_owned();
                if keep {
                    if truthy(&r) {
                        out.push(v.clone());
                    }
                } else {
                    match r {
                        Value::Null => {}
                        Value::List(items) => out.extend(items),
                        one => out.push(one),
                    }
                }
            }
            Cow::Owned(Value::List(out))
        }
        Expr::With(value, body) => {
            let mut scope: Vec<Value> = locals.to_vec();
            scope.push(eval_in(value, env, locals)?.into_owned());
            Cow::Owned(eval_in(body, env, &scope)?.into_owned())
        }
        Expr::Member { base, target, attr } => {
            let base = eval_in(base, env, locals)?;
            match base.as_ref() {
                Value::Null => Cow::Owned(Value::Null),
                Value::List(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        match env.member(item, *target, *attr).map_err(EvalError)? {
                            Value::Null => {}
                            Value::List(values) => out.extend(values),
                            v => out.push(v),
                        }
                    }
                    Cow::Owned(Value::List(out))
                }
                one => Cow::Owned(env.member(one, *target, *attr).map_err(EvalError)?),
            }
        }
        Expr::Call { function, args } if function.0.name == "select_unique_value" => {
            // Candidates are evaluated lazily: the first unique one wins.
            let mut any = false;
            for a in args {
                let v = eval_in(a, env, locals)?;
                if v.is_null() {
                    continue;
                }
                any = true;
                if env.is_unique(&v) {
                    return Ok(v);
                }
            }
            return err(if any {
                "`select_unique_value`: no candidate is unique".to_string()
            } else {
                "`select_unique_value`: no candidate has a value".to_string()
            });
        }
        Expr::Call { function, args } => return eval_call(function, args, env, locals),
        Expr::Ref { connector, object, key } => {
            let key = eval_in(key, env, locals)?;
            match key.as_ref() {
                Value::List(keys) => {
                    let mut out = Vec::with_capacity(keys.len());
                    for k in keys {
                        let r = env.reference(*connector, *object, k).map_err(EvalError)?;
                        if !r.is_null() {
                            out.push(r);
                        }
                    }
                    Cow::Owned(Value::List(out))
                }
                one => Cow::Owned(env.reference(*connector, *object, one).map_err(EvalError)?),
            }
        }
        Expr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match eval_in(item, env, locals)?.into_owned() {
                    Value::Null => {}
                    v => out.push(v),
                }
            }
            Cow::Owned(Value::List(out))
        }
        Expr::Neg(inner) => match eval_in(inner, env, locals)?.as_ref() {
            Value::Null => Cow::Owned(Value::Null),
            Value::Integer(n) => match n.checked_neg() {
                Some(m) => Cow::Owned(Value::Integer(m)),
                None => return err(format!("`-{n}` overflows a 64-bit integer")),
            },
            other => return err(format!("cannot negate {}", other.to_literal())),
        },
        Expr::Not(inner) => Cow::Owned(Value::Boolean(!truthy(&*eval_in(inner, env, locals)?))),
        Expr::And(a, b) => {
            Cow::Owned(Value::Boolean(truthy(&*eval_in(a, env, locals)?) && truthy(&*eval_in(b, env, locals)?)))
        }
        Expr::Or(a, b) => {
            Cow::Owned(Value::Boolean(truthy(&*eval_in(a, env, locals)?) || truthy(&*eval_in(b, env, locals)?)))
        }
        Expr::Coalesce(a, b) => {
            let first = eval_in(a, env, locals)?;
            if present(&first) { first } else { eval_in(b, env, locals)? }
        }
        Expr::Present { value, when_present } => {
            Cow::Owned(Value::Boolean(present(&*eval_in(value, env, locals)?) == *when_present))
        }
        Expr::If(cond, then, otherwise) => {
            if truthy(&*eval_in(cond, env, locals)?) {
                eval_in(then, env, locals)?
            } else {
                eval_in(otherwise, env, locals)?
            }
        }
        Expr::In { value, list, negated } => {
            let v = eval_in(value, env, locals)?;
            let l = eval_in(list, env, locals)?;
            let found = !v.is_null() && l.values().iter().any(|c| equal(&v, c));
            Cow::Owned(Value::Boolean(found != *negated))
        }
        Expr::Matches(value, pattern) => {
            let v = eval_in(value, env, locals)?;
            Cow::Owned(Value::Boolean(v.as_str().is_some_and(|s| pattern.0.is_match(s))))
        }
        Expr::MatchesDynamic(value, pattern) => {
            let v = eval_in(value, env, locals)?;
            let p = eval_in(pattern, env, locals)?;
            match (v.as_str(), p.as_str()) {
                (Some(s), Some(p)) => match regex::Regex::new(p) {
                    Ok(re) => Cow::Owned(Value::Boolean(re.is_match(s))),
                    Err(e) => {
                        return err(format!(
                            "invalid regular expression `{p}`: {}",
                            e.to_string().lines().last().unwrap_or("")
                        ));
                    }
                },
                _ => Cow::Owned(Value::Boolean(false)),
            }
        }
        Expr::Binary(BinOp::Add, _, _) => return eval_add_chain(expr, env, locals),
        Expr::Binary(op, a, b) => {
            let l = eval_in(a, env, locals)?;
            let r = eval_in(b, env, locals)?;
            Cow::Owned(binary(*op, &l, &r)?)
        }
    })
}

// The arms that need large locals (argument vectors) live in their own functions, kept out of
// line: `eval_in` recurses for every node, and a small stack frame for the common nodes
// (attributes, constants, comparisons) is what keeps evaluation fast.

#[inline(never)]
fn eval_call<'a, E: Env + ?Sized>(
    function: &'a crate::plan::Function,
    args: &'a [Expr],
    env: &'a E,
    locals: &'a [Value],
) -> Result<Cow<'a, Value>, EvalError> {
    let sig = function.0;
    let mut values: SmallVec<[Arg<'a>; 4]> = SmallVec::with_capacity(args.len());
    for a in args {
        let v = eval_in(a, env, locals)?;
        if sig.nulls == Nulls::Propagate && v.is_null() {
            return Ok(Cow::Owned(Value::Null));
        }
        values.push(v);
    }
    Ok(Cow::Owned((sig.call)(&values).map_err(|e| EvalError(format!("`{}`: {e}", sig.name)))?))
}

/// A chain `a + b + c + ...` evaluated at once: text is built in one allocation instead of one
/// per `+`.
#[inline(never)]
fn eval_add_chain<'a, E: Env + ?Sized>(
    expr: &'a Expr,
    env: &'a E,
    locals: &'a [Value],
) -> Result<Cow<'a, Value>, EvalError> {
    let mut leaves: SmallVec<[&'a Expr; 8]> = SmallVec::new();
    add_leaves(expr, &mut leaves);
    let mut values: SmallVec<[Cow<'a, Value>; 8]> = SmallVec::with_capacity(leaves.len());
    for leaf in leaves {
        let v = eval_in(leaf, env, locals)?;
        if v.is_null() {
            return Ok(Cow::Owned(Value::Null));
        }
        values.push(v);
    }
    if values.iter().all(|v| matches!(v.as_ref(), Value::String(_))) {
        let len = values.iter().map(|v| v.as_str().map_or(0, str::len)).sum();
        let mut text = String::with_capacity(len);
        for v in &values {
            text.push_str(v.as_str().unwrap_or(""));
        }
        return Ok(Cow::Owned(Value::String(text)));
    }
    let mut acc = values.first().map(|v| v.as_ref().clone()).unwrap_or(Value::Null);
    for v in values.iter().skip(1) {
        acc = binary(BinOp::Add, &acc, v)?;
    }
    Ok(Cow::Owned(acc))
}

/// The operands of a chain of `+`, left to right.
fn add_leaves<'a>(e: &'a Expr, out: &mut SmallVec<[&'a Expr; 8]>) {
    match e {
        Expr::Binary(BinOp::Add, l, r) => {
            add_leaves(l, out);
            add_leaves(r, out);
        }
        leaf => out.push(leaf),
    }
}

/// Equality of values: kinds must match; lists compare element by element.
pub fn equal(a: &Value, b: &Value) -> bool {
    a == b
}

fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) | (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn binary(op: BinOp, l: &Value, r: &Value) -> Result<Value, EvalError> {
    use Value::{Integer, Null, String as Str};
    Ok(match op {
        BinOp::Eq => Value::Boolean(equal(l, r)),
        BinOp::Ne => Value::Boolean(!equal(l, r)),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let holds = match order(l, r) {
                None => false,
                Some(o) => match op {
                    BinOp::Lt => o == Ordering::Less,
                    BinOp::Le => o != Ordering::Greater,
                    BinOp::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                },
            };
            Value::Boolean(holds)
        }
        _ if l.is_null() || r.is_null() => Null,
        BinOp::Add => match (l, r) {
            (Str(x), Str(y)) => {
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Str(s)
            }
            (Integer(x), Integer(y)) => {
                Integer(x.checked_add(*y).ok_or_else(|| EvalError(format!("`{x} + {y}` overflows a 64-bit integer")))?)
            }
            _ => return err(format!("cannot add {} and {}", l.to_literal(), r.to_literal())),
        },
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
            let (Integer(x), Integer(y)) = (l, r) else {
                return err(format!("arithmetic needs integers, not {} and {}", l.to_literal(), r.to_literal()));
            };
            let (symbol, result) = match op {
                BinOp::Sub => ("-", x.checked_sub(*y)),
                BinOp::Mul => ("*", x.checked_mul(*y)),
                BinOp::Div if *y == 0 => return err(format!("`{x} / 0`: division by zero")),
                BinOp::Div => ("/", x.checked_div(*y)),
                _ if *y == 0 => return err(format!("`{x} % 0`: division by zero")),
                _ => ("%", x.checked_rem(*y)),
            };
            Integer(result.ok_or_else(|| EvalError(format!("`{x} {symbol} {y}` overflows a 64-bit integer")))?)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{BinOp, Expr, Function};

    fn c(v: Value) -> Box<Expr> {
        Box::new(Expr::Const(v))
    }

    fn s(t: &str) -> Value {
        Value::String(t.to_string())
    }

    fn run(e: &Expr, values: &[Value]) -> Result<Value, EvalError> {
        eval(e, &Record(values)).map(Cow::into_owned)
    }

    #[test]
    fn attributes_are_borrowed_and_missing_slots_are_null() {
        let values = [s("Ann")];
        let env = Record(&values);
        assert!(matches!(eval(&Expr::Attr(0), &env), Ok(Cow::Borrowed(_))));
        assert_eq!(run(&Expr::Attr(7), &values), Ok(Value::Null));
    }

    #[test]
    fn comparisons_with_missing_values() {
        let eq = |a, b| run(&Expr::Binary(BinOp::Eq, c(a), c(b)), &[]);
        assert_eq!(eq(Value::Null, Value::Null), Ok(Value::Boolean(true)));
        assert_eq!(eq(Value::Null, s("x")), Ok(Value::Boolean(false)));
        assert_eq!(run(&Expr::Binary(BinOp::Lt, c(Value::Null), c(Value::Integer(1))), &[]), Ok(Value::Boolean(false)));
        assert_eq!(run(&Expr::Binary(BinOp::Lt, c(s("a")), c(s("b"))), &[]), Ok(Value::Boolean(true)));
        assert_eq!(run(&Expr::Binary(BinOp::Eq, c(s("A")), c(s("a"))), &[]), Ok(Value::Boolean(false)));
    }

    #[test]
    fn arithmetic_fails_cleanly() {
        assert!(run(&Expr::Binary(BinOp::Div, c(Value::Integer(1)), c(Value::Integer(0))), &[]).is_err());
        assert!(run(&Expr::Binary(BinOp::Add, c(Value::Integer(i64::MAX)), c(Value::Integer(1))), &[]).is_err());
        assert!(run(&Expr::Neg(c(Value::Integer(i64::MIN))), &[]).is_err());
        assert_eq!(run(&Expr::Binary(BinOp::Add, c(s("a")), c(Value::Null)), &[]), Ok(Value::Null));
        assert_eq!(run(&Expr::Binary(BinOp::Add, c(s("a")), c(s("b"))), &[]), Ok(s("ab")));
    }

    #[test]
    fn coalesce_presence_and_membership() {
        let empty = Value::List(vec![]);
        assert_eq!(run(&Expr::Coalesce(c(empty.clone()), c(s("d"))), &[]), Ok(s("d")));
        assert_eq!(run(&Expr::Present { value: c(empty), when_present: true }, &[]), Ok(Value::Boolean(false)));
        let list = Value::List(vec![s("a"), s("b")]);
        assert_eq!(
            run(&Expr::In { value: c(s("b")), list: c(list.clone()), negated: false }, &[]),
            Ok(Value::Boolean(true))
        );
        assert_eq!(
            run(&Expr::In { value: c(Value::Null), list: c(list), negated: true }, &[]),
            Ok(Value::Boolean(true))
        );
    }

    #[test]
    fn propagating_functions_skip_missing_arguments() {
        let Some(lower) = crate::builtins::lookup("lower") else { return };
        let call = Expr::Call { function: Function(lower), args: vec![Expr::Attr(0)] };
        assert_eq!(run(&call, &[Value::Null]), Ok(Value::Null));
        assert_eq!(run(&call, &[s("AB")]), Ok(s("ab")));
    }

    #[test]
    fn bindings_nest() {
        // select(xs, a -> with(a, b -> b + a))
        let body = Expr::With(
            Box::new(Expr::Local(0)),
            Box::new(Expr::Binary(BinOp::Add, Box::new(Expr::Local(1)), Box::new(Expr::Local(0)))),
        );
        let e = Expr::Select(Box::new(Expr::Attr(0)), Box::new(body));
        assert_eq!(run(&e, &[Value::List(vec![s("x"), s("y")])]), Ok(Value::List(vec![s("xx"), s("yy")])));
        let w = Expr::Where(
            Box::new(Expr::Attr(0)),
            Box::new(Expr::Binary(BinOp::Eq, Box::new(Expr::Local(0)), c(s("y")))),
        );
        assert_eq!(run(&w, &[Value::List(vec![s("x"), s("y")])]), Ok(Value::List(vec![s("y")])));
    }

    #[test]
    fn flow_outcomes() {
        let e = Expr::If(c(Value::Boolean(false)), Box::new(Expr::AuthoritativeNull), Box::new(Expr::Ignore));
        assert_eq!(eval_flow(&e, &Record(&[])), Ok(FlowValue::Ignore));
        let e = Expr::If(c(Value::Boolean(true)), Box::new(Expr::AuthoritativeNull), Box::new(Expr::Ignore));
        assert_eq!(eval_flow(&e, &Record(&[])), Ok(FlowValue::AuthoritativeNull));
    }
}
