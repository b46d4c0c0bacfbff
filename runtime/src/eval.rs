//! Evaluation of compiled expressions.
//!
//! Values are read from an [`Env`] by slot and evaluated as [`Val`]: reading an attribute borrows
//! it, so a flow such as `mail <- mail` or a comparison allocates nothing; text functions hand back
//! slices of borrowed text (`trim`, `left`, `replace` without a match) and reuse the buffers of
//! computed text (`upper` of a concatenation); a chain of `+` is appended to one string. Only
//! computed values are owned, and the public entry points return them as `Cow`. Evaluation never
//! panics: every failure is an [`EvalError`] that the caller wraps with the rule, the flow and the
//! object.

use crate::builtins::{Arg, Call, CallError, Nulls, Signature};
use crate::plan::{BinOp, Expr, TypeRef};
use crate::value::{Val, Value};
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
            if truthy(&eval_in(cond, env, &[])?) {
                eval_flow(then, env)
            } else {
                eval_flow(otherwise, env)
            }
        }
        other => Ok(FlowValue::Value(eval_in(other, env, &[])?.into_cow())),
    }
}

/// Evaluates a condition (a missing value is false).
pub fn eval_condition<E: Env + ?Sized>(expr: &Expr, env: &E) -> Result<bool, EvalError> {
    Ok(truthy(&eval_in(expr, env, &[])?))
}

fn truthy(v: &Val<'_>) -> bool {
    matches!(v, Val::Ref(Value::Boolean(true)) | Val::Owned(Value::Boolean(true)))
}

fn present(v: &Val<'_>) -> bool {
    match v.as_value() {
        None => true,
        Some(Value::Null) => false,
        Some(Value::List(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

fn boolean(b: bool) -> Val<'static> {
    Val::Owned(Value::Boolean(b))
}

fn err<T>(message: String) -> Result<T, EvalError> {
    Err(EvalError(message))
}

/// Evaluates an expression.
pub fn eval<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E) -> Result<Cow<'a, Value>, EvalError> {
    Ok(eval_in(expr, env, &[])?.into_cow())
}

/// Evaluates an operand: constants and attributes (half of all nodes) without a call.
#[inline(always)]
fn operand<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E, locals: &'a [Value]) -> Result<Val<'a>, EvalError> {
    match expr {
        Expr::Const(v) => Ok(Val::Ref(v)),
        Expr::Attr(slot) => Ok(Val::Ref(env.attr(*slot))),
        other => eval_in(other, env, locals),
    }
}

/// Evaluates an expression with the values bound by enclosing `select`, `where` and `with`.
fn eval_in<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E, locals: &'a [Value]) -> Result<Val<'a>, EvalError> {
    Ok(match expr {
        Expr::Const(v) => Val::borrowed(v),
        Expr::Attr(slot) => Val::borrowed(env.attr(*slot)),
        Expr::Call { function, args } => return eval_call(function, args, env, locals),
        Expr::Binary(BinOp::Add, _, _) => return eval_add_chain(expr, env, locals),
        Expr::Binary(op, a, b) => {
            let l = eval_in(a, env, locals)?;
            let r = eval_in(b, env, locals)?;
            binary_val(*op, l, r)?
        }
        Expr::AuthoritativeNull | Expr::Ignore => Val::NULL,
        Expr::Local(depth) => Val::borrowed(locals.get(usize::from(*depth)).unwrap_or(&Value::Null)),
        Expr::Not(inner) => boolean(!truthy(&eval_in(inner, env, locals)?)),
        Expr::And(a, b) => boolean(truthy(&eval_in(a, env, locals)?) && truthy(&eval_in(b, env, locals)?)),
        Expr::Or(a, b) => boolean(truthy(&eval_in(a, env, locals)?) || truthy(&eval_in(b, env, locals)?)),
        Expr::Coalesce(a, b) => {
            let first = eval_in(a, env, locals)?;
            if present(&first) { first } else { eval_in(b, env, locals)? }
        }
        Expr::Present { value, when_present } => boolean(present(&eval_in(value, env, locals)?) == *when_present),
        Expr::If(cond, then, otherwise) => {
            if truthy(&eval_in(cond, env, locals)?) {
                eval_in(then, env, locals)?
            } else {
                eval_in(otherwise, env, locals)?
            }
        }
        Expr::Matches(value, pattern) => {
            let v = eval_in(value, env, locals)?;
            boolean(v.as_str().is_some_and(|s| pattern.0.is_match(s)))
        }
        _ => return eval_rare(expr, env, locals),
    })
}

// The arms that need large locals (argument vectors) live in their own functions, kept out of
// line: `eval_in` recurses for every node, and a small stack frame for the common nodes
// (attributes, constants, comparisons) is what keeps evaluation fast.

/// The nodes that work on whole values (lists, references, bindings): their operands are
/// converted to values (borrowed text is copied).
#[inline(never)]
fn eval_rare<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E, locals: &'a [Value]) -> Result<Val<'a>, EvalError> {
    let value = |e: &'a Expr| -> Result<Cow<'a, Value>, EvalError> { Ok(eval_in(e, env, locals)?.into_cow()) };
    Ok(match expr {
        Expr::Select(values, body) | Expr::Where(values, body) => {
            let values = value(values)?;
            let keep = matches!(expr, Expr::Where(..));
            let mut out = Vec::with_capacity(values.values().len());
            let mut scope: Vec<Value> = Vec::with_capacity(locals.len() + 1);
            for v in values.values() {
                scope.clear();
                scope.extend_from_slice(locals);
                scope.push(v.clone());
                let r = eval_in(body, env, &scope)?.into_value();
                if keep {
                    if matches!(r, Value::Boolean(true)) {
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
            Val::Owned(Value::List(out))
        }
        Expr::With(v, body) => {
            let mut scope: Vec<Value> = locals.to_vec();
            scope.push(eval_in(v, env, locals)?.into_value());
            Val::owned(eval_in(body, env, &scope)?.into_value())
        }
        Expr::Member { base, target, attr } => {
            let base = value(base)?;
            match base.as_ref() {
                Value::Null => Val::NULL,
                Value::List(items) => {
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        match env.member(item, *target, *attr).map_err(EvalError)? {
                            Value::Null => {}
                            Value::List(values) => out.extend(values),
                            v => out.push(v),
                        }
                    }
                    Val::Owned(Value::List(out))
                }
                one => Val::owned(env.member(one, *target, *attr).map_err(EvalError)?),
            }
        }
        Expr::Ref { connector, object, key } => {
            let key = value(key)?;
            match key.as_ref() {
                Value::List(keys) => {
                    let mut out = Vec::with_capacity(keys.len());
                    for k in keys {
                        let r = env.reference(*connector, *object, k).map_err(EvalError)?;
                        if !r.is_null() {
                            out.push(r);
                        }
                    }
                    Val::Owned(Value::List(out))
                }
                one => Val::owned(env.reference(*connector, *object, one).map_err(EvalError)?),
            }
        }
        Expr::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match eval_in(item, env, locals)?.into_value() {
                    Value::Null => {}
                    v => out.push(v),
                }
            }
            Val::Owned(Value::List(out))
        }
        Expr::Neg(inner) => match value(inner)?.as_ref() {
            Value::Null => Val::NULL,
            Value::Integer(n) => match n.checked_neg() {
                Some(m) => Val::Owned(Value::Integer(m)),
                None => return err(format!("`-{n}` overflows a 64-bit integer")),
            },
            other => return err(format!("cannot negate {}", other.to_literal())),
        },
        Expr::In { value: v, list, negated } => {
            let v = value(v)?;
            let l = value(list)?;
            let found = !v.is_null() && l.values().iter().any(|c| equal(&v, c));
            boolean(found != *negated)
        }
        Expr::MatchesDynamic(v, pattern) => {
            let v = eval_in(v, env, locals)?;
            let p = eval_in(pattern, env, locals)?;
            match (v.as_str(), p.as_str()) {
                (Some(s), Some(p)) => match regex::Regex::new(p) {
                    Ok(re) => boolean(re.is_match(s)),
                    Err(e) => {
                        return err(format!(
                            "invalid regular expression `{p}`: {}",
                            e.to_string().lines().last().unwrap_or("")
                        ));
                    }
                },
                _ => boolean(false),
            }
        }
        // Handled by `eval_in` (listed so that a new node is not silently evaluated here).
        Expr::Const(_)
        | Expr::Attr(_)
        | Expr::Call { .. }
        | Expr::Binary(..)
        | Expr::AuthoritativeNull
        | Expr::Ignore
        | Expr::Local(_)
        | Expr::Not(_)
        | Expr::And(..)
        | Expr::Or(..)
        | Expr::Coalesce(..)
        | Expr::Present { .. }
        | Expr::If(..)
        | Expr::Matches(..) => return eval_in(expr, env, locals),
    })
}

#[inline(never)]
fn eval_call<'a, E: Env + ?Sized>(
    function: &'a crate::plan::Function,
    args: &'a [Expr],
    env: &'a E,
    locals: &'a [Value],
) -> Result<Val<'a>, EvalError> {
    let sig = function.0;
    if sig.name == "select_unique_value" {
        return select_unique_value(args, env, locals);
    }
    let propagate = sig.nulls == Nulls::Propagate;
    // One to three arguments (nearly every call) are evaluated into an array of their number.
    let arg = |e: &'a Expr| -> Result<Option<Val<'a>>, EvalError> {
        let v = operand(e, env, locals)?;
        Ok(if propagate && v.is_null() { None } else { Some(v) })
    };
    match args {
        [a] => {
            let Some(a) = arg(a)? else { return Ok(Val::NULL) };
            return apply(sig, &mut [a]);
        }
        [a, b] => {
            let Some(a) = arg(a)? else { return Ok(Val::NULL) };
            let Some(b) = arg(b)? else { return Ok(Val::NULL) };
            return apply(sig, &mut [a, b]);
        }
        [a, b, c] => {
            let Some(a) = arg(a)? else { return Ok(Val::NULL) };
            let Some(b) = arg(b)? else { return Ok(Val::NULL) };
            let Some(c) = arg(c)? else { return Ok(Val::NULL) };
            return apply(sig, &mut [a, b, c]);
        }
        _ => {}
    }
    let mut values: Vec<Val<'a>> = Vec::with_capacity(args.len());
    for a in args {
        let v = eval_in(a, env, locals)?;
        if propagate && v.is_null() {
            return Ok(Val::NULL);
        }
        values.push(v);
    }
    apply(sig, &mut values)
}

/// Calls a function with its evaluated arguments (inlined: one call and one move of the result
/// fewer per call).
#[inline(always)]
fn apply<'a>(sig: &Signature, values: &mut [Val<'a>]) -> Result<Val<'a>, EvalError> {
    let wrap = |e: CallError| EvalError(format!("`{}`: {e}", sig.name));
    match sig.call {
        Call::Moves(f) => f(values).map_err(wrap),
        Call::Values(f) => {
            let values: SmallVec<[Arg<'a>; 4]> = values.iter_mut().map(|v| std::mem::take(v).into_cow()).collect();
            f(&values).map(Val::owned).map_err(wrap)
        }
    }
}

/// `select_unique_value`: candidates are evaluated lazily, the first unique one wins.
#[inline(never)]
fn select_unique_value<'a, E: Env + ?Sized>(
    args: &'a [Expr],
    env: &'a E,
    locals: &'a [Value],
) -> Result<Val<'a>, EvalError> {
    let mut any = false;
    for a in args {
        let v = eval_in(a, env, locals)?.into_cow();
        if v.is_null() {
            continue;
        }
        any = true;
        if env.is_unique(&v) {
            return Ok(match v {
                Cow::Borrowed(v) => Val::borrowed(v),
                Cow::Owned(v) => Val::owned(v),
            });
        }
    }
    err(if any {
        "`select_unique_value`: no candidate is unique".to_string()
    } else {
        "`select_unique_value`: no candidate has a value".to_string()
    })
}

/// A chain `a + b + c + ...` evaluated at once. Text is appended operand by operand to one
/// string (the first operand's buffer when that one was computed), with no string per `+` and no
/// list of operands; a chain that starts with another kind is added up value by value.
#[inline(never)]
fn eval_add_chain<'a, E: Env + ?Sized>(expr: &'a Expr, env: &'a E, locals: &'a [Value]) -> Result<Val<'a>, EvalError> {
    let mut leaves: SmallVec<[&'a Expr; 8]> = SmallVec::new();
    add_leaves(expr, &mut leaves);
    let mut rest = leaves.iter();
    let Some(first) = rest.next() else { return Ok(Val::NULL) };
    let first = operand(first, env, locals)?;
    if first.is_null() {
        return Ok(Val::NULL);
    }
    let mut text = match first {
        Val::String(s) => s,
        Val::Str(_) | Val::Ref(Value::String(_)) | Val::Owned(Value::String(_)) => {
            let head = first.as_str().unwrap_or("");
            let mut text = String::with_capacity(head.len() + rest.clone().map(|e| size_hint(e)).sum::<usize>());
            text.push_str(head);
            text
        }
        other => return add_values(other, rest.as_slice(), env, locals),
    };
    let mut mismatch: Option<Value> = None;
    for leaf in rest {
        let v = operand(leaf, env, locals)?;
        match v.as_str() {
            _ if v.is_null() => return Ok(Val::NULL),
            Some(t) if mismatch.is_none() => text.push_str(t),
            Some(_) => {}
            // Text plus another kind fails, unless a later operand is missing (as when the
            // operands are all evaluated first and then added).
            None => {
                if mismatch.is_none() {
                    mismatch = Some(v.into_value());
                }
            }
        }
    }
    match mismatch {
        None => Ok(Val::String(text)),
        Some(other) => binary(BinOp::Add, &Value::String(text), &other).map(Val::owned),
    }
}

/// The room to reserve for an operand of a text chain: a constant's length, a guess for others.
fn size_hint(e: &Expr) -> usize {
    match e {
        Expr::Const(Value::String(s)) => s.len(),
        _ => 16,
    }
}

/// `first + rest...` for operands that are not text, left to right.
fn add_values<'a, E: Env + ?Sized>(
    first: Val<'a>,
    rest: &[&'a Expr],
    env: &'a E,
    locals: &'a [Value],
) -> Result<Val<'a>, EvalError> {
    let mut values: SmallVec<[Val<'a>; 8]> = SmallVec::with_capacity(rest.len());
    for leaf in rest {
        let v = eval_in(leaf, env, locals)?;
        if v.is_null() {
            return Ok(Val::NULL);
        }
        values.push(v);
    }
    let mut acc = first.into_value();
    for v in values {
        acc = binary(BinOp::Add, &acc, &v.into_cow())?;
    }
    Ok(Val::owned(acc))
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

/// A binary operator on evaluated operands: comparisons of text need no copy.
fn binary_val<'a>(op: BinOp, l: Val<'a>, r: Val<'a>) -> Result<Val<'a>, EvalError> {
    if let (Some(x), Some(y)) = (l.as_str(), r.as_str()) {
        let holds = match op {
            BinOp::Eq => x == y,
            BinOp::Ne => x != y,
            BinOp::Lt => x < y,
            BinOp::Le => x <= y,
            BinOp::Gt => x > y,
            BinOp::Ge => x >= y,
            _ => return Ok(Val::owned(binary(op, &l.into_cow(), &r.into_cow())?)),
        };
        return Ok(boolean(holds));
    }
    if matches!(op, BinOp::Eq | BinOp::Ne) && (l.as_str().is_some() != r.as_str().is_some()) {
        // Text against another kind (or `Null`) is never equal.
        return Ok(boolean(op == BinOp::Ne));
    }
    Ok(Val::owned(binary(op, &l.into_cow(), &r.into_cow())?))
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
        // Chains: a missing operand anywhere makes the chain missing, even after a kind mismatch;
        // text and integers do not add, whichever comes first.
        let chain = |a: Value, b: Value, d: Value| {
            run(&Expr::Binary(BinOp::Add, Box::new(Expr::Binary(BinOp::Add, c(a), c(b))), c(d)), &[])
        };
        assert_eq!(chain(s("a"), Value::Integer(1), Value::Null), Ok(Value::Null));
        assert_eq!(chain(Value::Integer(1), s("a"), Value::Null), Ok(Value::Null));
        assert!(chain(s("a"), Value::Integer(1), s("b")).is_err());
        assert!(chain(Value::Integer(1), Value::Integer(2), s("b")).is_err());
        assert_eq!(chain(Value::Integer(1), Value::Integer(2), Value::Integer(3)), Ok(Value::Integer(6)));
        assert_eq!(chain(s("a"), s(""), s("c")), Ok(s("ac")));
        let attrs = [s("x"), s("y")];
        let e = Expr::Binary(
            BinOp::Add,
            Box::new(Expr::Binary(BinOp::Add, Box::new(Expr::Attr(0)), c(s("-")))),
            Box::new(Expr::Attr(1)),
        );
        assert_eq!(run(&e, &attrs), Ok(s("x-y")));
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
