//! Type inference for expressions, with optionality narrowing.
//!
//! An attribute declared `T?` has type `T?`; a `T?` value may not flow into a required
//! attribute. `x ?? d`, `if x is present then x else d` and a rule `scope x is present` make
//! `x` required where they hold: conditions yield facts ("these paths have a value when the
//! condition is true / false") that narrow the branches they guard, as VRL does for fallibility.

use super::types::{Base, Ty};
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{AttrSchema, Schema, TypeSchema};
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Literal, Operation, UnaryOp};
use metasync_runtime::builtins::{self, Nulls, TypeSpec};
use metasync_runtime::value::ValueKind;
use std::collections::BTreeSet;

/// Whose attributes bare names refer to.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A connector object type; `inbound` forbids reading export-only attributes.
    Cs {
        /// The connector.
        connector: &'a str,
        /// The object type.
        object: &'a str,
        /// Reading happens on import (inbound rules, connector filters).
        inbound: bool,
    },
    /// A metaverse type.
    Mv(&'a str),
    /// No attributes: test records hold literal values.
    Literals,
}

/// The state of checking expressions of one clause.
#[derive(Debug)]
pub struct Cx<'a, 'db> {
    /// The schema names resolve against.
    pub schema: &'a Schema<'db>,
    /// Whose attributes bare names are.
    pub source: Source<'a>,
    /// Paths known to have a value here.
    pub present: Vec<String>,
    /// Diagnostics found.
    pub diags: Vec<Diagnostic>,
    /// Attributes read (bare names).
    pub reads: BTreeSet<String>,
    /// Names bound by `select`, `where` and `with`, innermost last.
    pub locals: Vec<(String, Ty)>,
}

/// What a condition tells about presence.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// Paths with a value when the condition holds.
    pub when_true: Vec<String>,
    /// Paths with a value when it does not.
    pub when_false: Vec<String>,
}

fn path_of(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Var(n) => Some(n.text.clone()),
        ExprKind::Member(inner, n) => Some(format!("{}.{}", path_of(inner)?, n.text)),
        _ => None,
    }
}

/// The presence facts of a condition.
pub fn facts(e: &Expr) -> Facts {
    match &e.kind {
        ExprKind::Presence { expr, when_present } => {
            let paths: Vec<String> = path_of(expr).into_iter().collect();
            if *when_present {
                Facts { when_true: paths, when_false: Vec::new() }
            } else {
                Facts { when_true: Vec::new(), when_false: paths }
            }
        }
        ExprKind::Binary(BinaryOp::And, a, b) => {
            let (fa, fb) = (facts(a), facts(b));
            Facts { when_true: [fa.when_true, fb.when_true].concat(), when_false: Vec::new() }
        }
        ExprKind::Binary(BinaryOp::Or, a, b) => {
            let (fa, fb) = (facts(a), facts(b));
            Facts { when_true: Vec::new(), when_false: [fa.when_false, fb.when_false].concat() }
        }
        ExprKind::Unary(UnaryOp::Not, a) => {
            let f = facts(a);
            Facts { when_true: f.when_false, when_false: f.when_true }
        }
        ExprKind::Binary(BinaryOp::Eq | BinaryOp::In | BinaryOp::Matches, a, b)
            if !matches!(b.kind, ExprKind::Literal(Literal::Null)) =>
        {
            Facts { when_true: path_of(a).into_iter().collect(), when_false: Vec::new() }
        }
        _ => Facts::default(),
    }
}

impl<'a, 'db> Cx<'a, 'db> {
    /// A checking context.
    pub fn new(schema: &'a Schema<'db>, source: Source<'a>) -> Cx<'a, 'db> {
        Cx { schema, source, present: Vec::new(), diags: Vec::new(), reads: BTreeSet::new(), locals: Vec::new() }
    }

    fn error(&mut self, diag: Diagnostic) -> Ty {
        self.diags.push(diag);
        Ty::UNKNOWN
    }

    fn with_facts<T>(&mut self, facts: &[String], f: impl FnOnce(&mut Self) -> T) -> T {
        let before = self.present.len();
        self.present.extend(facts.iter().cloned());
        let out = f(self);
        self.present.truncate(before);
        out
    }

    fn source_type(&self) -> Option<(&'a TypeSchema<'db>, Option<&'a str>)> {
        match self.source {
            Source::Cs { connector, object, .. } => {
                self.schema.cs_type(connector, object).map(|t| (t, Some(connector)))
            }
            Source::Mv(name) => self.schema.mv_types.get(name).map(|t| (t, None)),
            Source::Literals => None,
        }
    }

    /// Checks a condition: it must be a boolean.
    pub fn condition(&mut self, e: &Expr, what: &str) {
        let ty = self.infer(e, false);
        self.expect_boolean(&ty, e.span, what);
    }

    fn expect_boolean(&mut self, ty: &Ty, span: Span, what: &str) {
        if ty.is_unknown() || (ty.base == Base::Kind(ValueKind::Boolean) && !ty.many) {
            return;
        }
        self.diags.push(
            Diagnostic::new(Code::E0200, span, format!("{what} must be a boolean, found `{ty}`"))
                .with_label(format!("this is `{ty}`"))
                .with_help("compare the value, e.g. `x == \"value\"`, or test it with `x is present`"),
        );
    }

    fn expect_kind(&mut self, ty: &Ty, kinds: &[ValueKind], span: Span, what: &str) {
        if ty.is_unknown() || ty.base == Base::Null {
            return;
        }
        if ty.many {
            self.diags.push(
                Diagnostic::new(Code::E0211, span, format!("{what} takes one value, found the multi-valued `{ty}`"))
                    .with_label("several values")
                    .with_help("pick one value with `item(values, 1)` or combine them with `join(\", \", values)`"),
            );
            return;
        }
        if !ty.scalar().is_some_and(|k| kinds.contains(&k)) {
            let names: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
            self.diags.push(
                Diagnostic::new(Code::E0200, span, format!("{what} must be {}, found `{ty}`", names.join(" or ")))
                    .with_label(format!("this is `{ty}`"))
                    .with_help("convert the value with `str(...)`, `int(...)` or `to_datetime(...)`"),
            );
        }
    }

    /// Infers the type of `e`. `special_ok`: `authoritative null` and `ignore` may appear here
    /// (a flow's value, or a branch of an `if` that is one).
    pub fn infer(&mut self, e: &Expr, special_ok: bool) -> Ty {
        match &e.kind {
            ExprKind::Invalid => Ty::UNKNOWN,
            ExprKind::Lambda(name, _) => self.error(
                Diagnostic::new(
                    Code::E0218,
                    e.span,
                    format!(
                        "`{} -> ...` binds a name only as the last argument of `select`, `where` or `with`",
                        name.text
                    ),
                )
                .with_label("not allowed here")
                .with_help("write e.g. `select(proxyAddresses, a -> lower(a))`"),
            ),
            ExprKind::Literal(lit) => match lit {
                Literal::String(_) => Ty::kind(ValueKind::String),
                Literal::Integer(_) => Ty::kind(ValueKind::Integer),
                Literal::Boolean(_) => Ty::boolean(),
                Literal::DateTime(_) => Ty::kind(ValueKind::DateTime),
                Literal::Null => Ty { base: Base::Null, many: false, optional: true },
                Literal::AuthoritativeNull | Literal::Ignore => {
                    let (base, word) = if *lit == Literal::Ignore {
                        (Base::Ignore, "ignore")
                    } else {
                        (Base::AuthoritativeNull, "authoritative null")
                    };
                    if !special_ok {
                        return self.error(
                            Diagnostic::new(Code::E0218, e.span, format!("`{word}` can only be the value of a flow"))
                                .with_label("not allowed inside an expression")
                                .with_help(format!(
                                    "write `target <- {word}` or `target <- if condition then {word} else value`"
                                )),
                        );
                    }
                    // `ignore` contributes nothing, so it never makes a flow's value missing.
                    Ty { base: base.clone(), many: false, optional: base == Base::AuthoritativeNull }
                }
            },
            ExprKind::Var(name) => self.var(name),
            ExprKind::Member(inner, name) => self.member(e, inner, name),
            ExprKind::Call(name, args) => self.call(e, name, args),
            ExprKind::Ref(cs, key) => {
                let key_ty = self.infer(key, false);
                let Some(conn) = self.schema.connectors.get(&cs.connector.text) else {
                    if !self.schema.report_unknown_connector(&cs.connector.text) {
                        return Ty::UNKNOWN;
                    }
                    let names = self.schema.connectors.keys().map(String::as_str);
                    return self.error(
                        Diagnostic::new(
                            Code::E0100,
                            cs.connector.span,
                            format!("unknown connector `{}`", cs.connector.text),
                        )
                        .with_label("no connector has this name")
                        .with_help(did_you_mean(&cs.connector.text, "connector", names)),
                    );
                };
                let Some(target) = conn.objects.get(&cs.object.text) else {
                    let names = conn.objects.keys().map(String::as_str);
                    return self.error(
                        Diagnostic::new(
                            Code::E0101,
                            cs.object.span,
                            format!("connector `{}` has no object type `{}`", cs.connector.text, cs.object.text),
                        )
                        .with_label("unknown object type")
                        .with_help(did_you_mean(&cs.object.text, "object type", names)),
                    );
                };
                let anchor_kind = target
                    .anchor
                    .as_ref()
                    .and_then(|a| target.attrs.get(a))
                    .and_then(|a| Ty::of_cs_attr(&cs.connector.text, a).scalar());
                let wanted = anchor_kind.unwrap_or(ValueKind::String);
                // Several keys give several references (group members from a list of ids).
                let single_key = Ty { many: false, ..key_ty.clone() };
                self.expect_kind(&single_key, &[wanted], key.span, "the key of `ref(...)`");
                Ty {
                    base: Base::CsRef(cs.connector.text.clone(), cs.object.text.clone()),
                    many: key_ty.many,
                    optional: key_ty.optional,
                }
            }
            ExprKind::List(items) => {
                let mut elem: Option<Ty> = None;
                for item in items {
                    let ty = self.infer(item, false);
                    if ty.many {
                        self.diags.push(
                            Diagnostic::new(Code::E0211, item.span, "a list cannot contain a multi-valued value")
                                .with_label(format!("this is `{ty}`"))
                                .with_help("lists are flat: list the values one by one"),
                        );
                        continue;
                    }
                    match &elem {
                        None => elem = Some(ty),
                        Some(prev) => match prev.join(&ty) {
                            Some(j) => elem = Some(j),
                            None => {
                                self.diags.push(
                                    Diagnostic::new(
                                        Code::E0200,
                                        item.span,
                                        format!("list elements must have one type: expected `{prev}`, found `{ty}`"),
                                    )
                                    .with_label(format!("this is `{ty}`"))
                                    .with_help("convert the elements to one type"),
                                );
                            }
                        },
                    }
                }
                let base = elem.map_or(Base::Unknown, |t| t.base);
                Ty { base, many: true, optional: false }
            }
            ExprKind::Unary(op, inner) => {
                let ty = self.infer(inner, false);
                match op {
                    UnaryOp::Neg => {
                        self.expect_kind(&ty, &[ValueKind::Integer], inner.span, "the operand of `-`");
                        Ty::kind(ValueKind::Integer).optional(ty.optional)
                    }
                    UnaryOp::Not => {
                        self.expect_boolean(&ty, inner.span, "the operand of `not`");
                        Ty::boolean()
                    }
                }
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(e, *op, lhs, rhs),
            ExprKind::Presence { expr, .. } => {
                self.infer(expr, false);
                Ty::boolean()
            }
            ExprKind::If(cond, then, otherwise) => {
                let cond_ty = self.infer(cond, false);
                self.expect_boolean(&cond_ty, cond.span, "the condition of `if`");
                let f = facts(cond);
                let t = self.with_facts(&f.when_true, |cx| cx.infer(then, special_ok));
                let o = self.with_facts(&f.when_false, |cx| cx.infer(otherwise, special_ok));
                match t.join(&o) {
                    Some(j) => j,
                    None => self.error(
                        Diagnostic::new(
                            Code::E0200,
                            otherwise.span,
                            format!("the branches of `if` have different types: `{t}` and `{o}`"),
                        )
                        .with_label(format!("this is `{o}`"))
                        .with_secondary(then.span, format!("this is `{t}`"))
                        .with_help("convert one branch so both have the same type"),
                    ),
                }
            }
        }
    }

    fn var(&mut self, name: &crate::syntax::ast::Name) -> Ty {
        if let Some((_, ty)) = self.locals.iter().rev().find(|(n, _)| *n == name.text) {
            return ty.clone();
        }
        if let Source::Literals = self.source {
            return self.error(
                Diagnostic::new(Code::E0218, name.span, format!("`{}` is not a literal value", name.text))
                    .with_label("test values cannot read attributes")
                    .with_help("write the value itself, e.g. `\"Ann\"`, `42`, `true` or `[\"a\", \"b\"]`"),
            );
        }
        let Some((ty_schema, connector)) = self.source_type() else { return Ty::UNKNOWN };
        let Some(attr) = ty_schema.attrs.get(&name.text) else {
            let names = ty_schema.attrs.keys().map(String::as_str);
            let owner = self.owner_text();
            return self.error(
                Diagnostic::new(Code::E0103, name.span, format!("{owner} has no attribute `{}`", name.text))
                    .with_label("unknown attribute")
                    .with_help(did_you_mean(&name.text, "attribute", names)),
            );
        };
        self.reads.insert(name.text.clone());
        if let Source::Cs { inbound: true, .. } = self.source
            && attr.operation == Operation::Export
        {
            self.diags.push(
                    Diagnostic::new(Code::E0203, name.span, format!("`{}` is export-only and is never imported", name.text))
                        .with_label("read on import")
                        .with_help("declare the attribute `(import, export)` if the connected system returns it, or do not read it here"),
                );
        }
        let ty = match connector {
            Some(c) => Ty::of_cs_attr(c, attr),
            None => Ty::of_mv_attr(attr),
        };
        let narrowed = self.present.iter().any(|p| p == &name.text);
        ty.clone().optional(ty.optional && !narrowed)
    }

    fn owner_text(&self) -> String {
        match self.source {
            Source::Cs { connector, object, .. } => format!("`{connector}.{object}`"),
            Source::Mv(t) => format!("metaverse type `{t}`"),
            Source::Literals => "a test record".to_string(),
        }
    }

    fn member(&mut self, e: &Expr, inner: &Expr, name: &crate::syntax::ast::Name) -> Ty {
        let inner_ty = self.infer(inner, false);
        let (target, connector): (Option<&TypeSchema<'db>>, Option<String>) = match &inner_ty.base {
            Base::Unknown => return Ty::UNKNOWN,
            Base::CsRef(c, o) => (self.schema.cs_type(c, o), Some(c.clone())),
            Base::MvRef(t) => (self.schema.mv_types.get(t), None),
            _ => {
                return self.error(
                    Diagnostic::new(
                        Code::E0200,
                        inner.span,
                        format!("`.{}` reads an attribute of a referenced object, but this is `{inner_ty}`", name.text),
                    )
                    .with_label("not a reference")
                    .with_help("only attributes of type `ref T` can be followed with `.`"),
                );
            }
        };
        let Some(target) = target else { return Ty::UNKNOWN };
        let Some(attr) = target.attrs.get(&name.text) else {
            let names = target.attrs.keys().map(String::as_str);
            return self.error(
                Diagnostic::new(
                    Code::E0103,
                    name.span,
                    format!("the referenced object has no attribute `{}`", name.text),
                )
                .with_label("unknown attribute")
                .with_help(did_you_mean(&name.text, "attribute", names)),
            );
        };
        let ty: Ty = match connector {
            Some(c) => Ty::of_cs_attr(&c, attr),
            None => Ty::of_mv_attr(attr),
        };
        // The referenced object may not exist: the value is only known present when guarded.
        let narrowed = path_of(e).is_some_and(|p| self.present.contains(&p));
        Ty { many: ty.many || inner_ty.many, optional: !narrowed, ..ty }
    }

    fn binary(&mut self, e: &Expr, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Ty {
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let l = self.infer(lhs, false);
                self.expect_boolean(&l, lhs.span, &format!("the operands of `{}`", op.as_str()));
                let f = facts(lhs);
                let guard = if op == BinaryOp::And { f.when_true } else { f.when_false };
                let r = self.with_facts(&guard, |cx| cx.infer(rhs, false));
                self.expect_boolean(&r, rhs.span, &format!("the operands of `{}`", op.as_str()));
                Ty::boolean()
            }
            BinaryOp::Coalesce => {
                let l = self.infer(lhs, false);
                let r = self.infer(rhs, false);
                match l.join(&r) {
                    Some(j) => Ty { optional: r.optional, ..j },
                    None => self.error(
                        Diagnostic::new(
                            Code::E0200,
                            rhs.span,
                            format!("the default of `??` must have the type of the value: expected `{l}`, found `{r}`"),
                        )
                        .with_label(format!("this is `{r}`"))
                        .with_secondary(lhs.span, format!("this is `{l}`"))
                        .with_help("convert the default to the value's type"),
                    ),
                }
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                let l = self.infer(lhs, false);
                let r = self.infer(rhs, false);
                let optional = l.optional || r.optional;
                if l.is_unknown() || r.is_unknown() {
                    return Ty::UNKNOWN;
                }
                let allowed: &[ValueKind] =
                    if op == BinaryOp::Add { &[ValueKind::String, ValueKind::Integer] } else { &[ValueKind::Integer] };
                for (side, ty) in [(lhs, &l), (rhs, &r)] {
                    if ty.many || !ty.scalar().is_some_and(|k| allowed.contains(&k)) {
                        let what = if op == BinaryOp::Add { "`string` or `integer`" } else { "`integer`" };
                        return self.error(
                            Diagnostic::new(
                                Code::E0200,
                                side.span,
                                format!("`{}` needs {what} operands, found `{ty}`", op.as_str()),
                            )
                            .with_label(format!("this is `{ty}`"))
                            .with_help(if op == BinaryOp::Add {
                                "convert with `str(...)` to concatenate"
                            } else {
                                "convert with `int(...)`"
                            }),
                        );
                    }
                }
                if l.base != r.base {
                    return self.error(
                        Diagnostic::new(Code::E0200, e.span, format!("`{}` on `{l}` and `{r}`", op.as_str()))
                            .with_label("the operands have different types")
                            .with_secondary(lhs.span, format!("this is `{l}`"))
                            .with_secondary(rhs.span, format!("this is `{r}`"))
                            .with_help(
                                "convert one side: `str(n)` turns a number into text, `int(s)` text into a number",
                            ),
                    );
                }
                Ty { base: l.base, many: false, optional }
            }
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let l = self.infer(lhs, false);
                let r = self.infer(rhs, false);
                if !l.compatible(&r) {
                    self.diags.push(
                        Diagnostic::new(Code::E0200, rhs.span, format!("cannot compare `{l}` with `{r}`"))
                            .with_label(format!("this is `{r}`"))
                            .with_secondary(lhs.span, format!("this is `{l}`"))
                            .with_help("compare values of one type; convert with `str(...)` or `int(...)`"),
                    );
                } else if !matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
                    let ordered = [ValueKind::Integer, ValueKind::String, ValueKind::DateTime];
                    for (side, ty) in [(lhs, &l), (rhs, &r)] {
                        self.expect_kind(ty, &ordered, side.span, &format!("the operands of `{}`", op.as_str()));
                    }
                }
                Ty::boolean()
            }
            BinaryOp::In | BinaryOp::NotIn => {
                let l = self.infer(lhs, false);
                let r = self.infer(rhs, false);
                if !r.is_unknown() && !r.many {
                    self.diags.push(
                        Diagnostic::new(
                            Code::E0200,
                            rhs.span,
                            format!("`{}` needs a list or a multi-valued attribute, found `{r}`", op.as_str()),
                        )
                        .with_label(format!("this is `{r}`"))
                        .with_help("write the candidates as a list: `x in [\"a\", \"b\"]`"),
                    );
                } else if !l.compatible(&Ty { many: false, ..r.clone() }) {
                    self.diags.push(
                        Diagnostic::new(Code::E0200, lhs.span, format!("cannot look for `{l}` among `{r}`"))
                            .with_label(format!("this is `{l}`"))
                            .with_secondary(rhs.span, format!("this is `{r}`"))
                            .with_help("the value and the list must have one type"),
                    );
                }
                Ty::boolean()
            }
            BinaryOp::Matches => {
                let l = self.infer(lhs, false);
                let r = self.infer(rhs, false);
                self.expect_kind(&l, &[ValueKind::String], lhs.span, "the value tested by `matches`");
                self.expect_kind(&r, &[ValueKind::String], rhs.span, "the pattern of `matches`");
                if let ExprKind::Literal(Literal::String(pattern)) = &rhs.kind
                    && let Err(err) = regex::Regex::new(pattern)
                {
                    let detail = err.to_string();
                    let last = detail.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
                    self.diags.push(
                            Diagnostic::new(Code::E0214, rhs.span, format!("invalid regular expression: {}", last.trim_start_matches("error: ")))
                                .with_label("does not compile")
                                .with_help("the syntax is that of the Rust `regex` crate; write patterns as raw strings `r\"...\"` to keep backslashes"),
                        );
                }
                Ty::boolean()
            }
        }
    }

    fn call(&mut self, e: &Expr, name: &crate::syntax::ast::Name, args: &[Expr]) -> Ty {
        if let Some(form) = BindingForm::of(&name.text) {
            return self.binding_form(e, form, args);
        }
        let arg_tys: Vec<Ty> = args.iter().map(|a| self.infer(a, false)).collect();
        let Some(sig) = builtins::lookup(&name.text) else {
            let names = builtins::all().iter().map(|s| s.name).chain(BindingForm::NAMES);
            return self.error(
                Diagnostic::new(Code::E0104, name.span, format!("unknown function `{}`", name.text))
                    .with_label("no function has this name")
                    .with_help(did_you_mean(&name.text, "function", names)),
            );
        };
        let (min, max) = (sig.min_args(), sig.max_args());
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let expected = match max {
                Some(m) if m == min => format!("{m}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            let params: Vec<String> = sig
                .params
                .iter()
                .map(|p| {
                    let dots = if p.variadic { "..." } else { "" };
                    if p.omittable { format!("[{}{dots}]", p.name) } else { format!("{}{dots}", p.name) }
                })
                .collect();
            return self.error(
                Diagnostic::new(
                    Code::E0209,
                    e.span,
                    format!(
                        "`{}` takes {expected} argument{}, but {} {} given",
                        sig.name,
                        if expected == "1" { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "was" } else { "were" }
                    ),
                )
                .with_label("wrong number of arguments")
                .with_help(format!("call it as `{}({})`", sig.name, params.join(", "))),
            );
        }
        // Bind the type variable `T` from the first argument that fills one.
        let mut t_var: Option<Base> = None;
        let mut any_unknown = false;
        for (i, (arg, ty)) in args.iter().zip(&arg_tys).enumerate() {
            let param = sig.params.get(i).or_else(|| sig.params.last());
            let Some(param) = param else { break };
            if ty.is_unknown() {
                any_unknown = true;
                continue;
            }
            if ty.base == Base::Null {
                continue;
            }
            let ok = match param.ty {
                TypeSpec::Any => !ty.many || param.variadic,
                TypeSpec::ManyAny => true,
                TypeSpec::Kind(k) => ty.scalar() == Some(k) && !ty.many,
                TypeSpec::Many(k) => ty.scalar() == Some(k),
                TypeSpec::T | TypeSpec::ManyT => {
                    let single_only = param.ty == TypeSpec::T && !param.variadic;
                    if single_only && ty.many {
                        false
                    } else {
                        match &t_var {
                            None => {
                                t_var = Some(ty.base.clone());
                                true
                            }
                            Some(b) => *b == ty.base,
                        }
                    }
                }
            };
            if !ok {
                let wanted = spec_text(param.ty, t_var.as_ref());
                self.diags.push(
                    Diagnostic::new(
                        Code::E0210,
                        arg.span,
                        format!("argument `{}` of `{}` must be {wanted}, found `{ty}`", param.name, sig.name),
                    )
                    .with_label(format!("this is `{ty}`"))
                    .with_help(format!("`{}`: {}", sig.name, sig.summary)),
                );
                any_unknown = true;
            }
        }
        let optional = match sig.nulls {
            Nulls::Propagate => arg_tys.iter().any(|t| t.optional),
            Nulls::AllMissing => arg_tys.iter().all(|t| t.optional),
            Nulls::Handled => false,
            Nulls::MayBeMissing => true,
        };
        let (base, many) = match sig.returns {
            TypeSpec::Kind(k) => (Base::Kind(k), false),
            TypeSpec::Many(k) => (Base::Kind(k), true),
            TypeSpec::Any => (Base::Unknown, false),
            TypeSpec::ManyAny => (Base::Unknown, true),
            TypeSpec::T => (t_var.clone().unwrap_or(Base::Unknown), false),
            TypeSpec::ManyT => (t_var.clone().unwrap_or(Base::Unknown), true),
        };
        if any_unknown && matches!(sig.returns, TypeSpec::T | TypeSpec::ManyT) && t_var.is_none() {
            return Ty::UNKNOWN;
        }
        Ty { base, many, optional }
    }
}

/// `select`, `where` and `with`: calls whose last argument binds a name (Entra's `Select`,
/// `Where`, `With`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingForm {
    /// `select(values, x -> f(x))`: each value transformed.
    Select,
    /// `where(values, x -> condition)`: the values for which the condition holds.
    Where,
    /// `with(value, x -> f(x))`: the value named once, used several times.
    With,
}

impl BindingForm {
    /// Their names.
    pub const NAMES: [&'static str; 3] = ["select", "where", "with"];

    /// The form called `name`.
    pub fn of(name: &str) -> Option<BindingForm> {
        match name {
            "select" => Some(BindingForm::Select),
            "where" => Some(BindingForm::Where),
            "with" => Some(BindingForm::With),
            _ => None,
        }
    }
}

impl<'a, 'db> Cx<'a, 'db> {
    fn binding_form(&mut self, e: &Expr, form: BindingForm, args: &[Expr]) -> Ty {
        let word = match form {
            BindingForm::Select => "select",
            BindingForm::Where => "where",
            BindingForm::With => "with",
        };
        let (Some(first), Some(Expr { kind: ExprKind::Lambda(param, body), .. }), 2) =
            (args.first(), args.get(1), args.len())
        else {
            return self.error(
                Diagnostic::new(
                    Code::E0209,
                    e.span,
                    format!("`{word}` takes a value and a binding `name -> expression`"),
                )
                .with_label("wrong arguments")
                .with_help(format!("call it as `{word}(values, x -> ...)`")),
            );
        };
        let value = self.infer(first, false);
        let bound = match form {
            BindingForm::With => value.clone(),
            _ => Ty { many: false, optional: false, ..value.clone() },
        };
        self.locals.push((param.text.clone(), bound));
        let result = self.infer(body, false);
        self.locals.pop();
        match form {
            // A multi-valued result is flattened into the list (`SelectMany`).
            BindingForm::Select => Ty { base: result.base, many: true, optional: value.optional },
            BindingForm::Where => {
                self.expect_boolean(&result, body.span, "the condition of `where`");
                Ty { many: true, ..value }
            }
            BindingForm::With => result,
        }
    }
}

fn spec_text(spec: TypeSpec, t: Option<&Base>) -> String {
    let t_text = |many: bool| {
        let inner = match t {
            Some(b) => Ty { base: b.clone(), many: false, optional: false }.to_string(),
            None => "a value".to_string(),
        };
        if many {
            format!("`[{inner}]`")
        } else if t.is_some() {
            format!("`{inner}`")
        } else {
            inner
        }
    };
    match spec {
        TypeSpec::Kind(k) => format!("`{k}`"),
        TypeSpec::Many(k) => format!("`[{k}]`"),
        TypeSpec::Any => "a single value".to_string(),
        TypeSpec::ManyAny => "a list".to_string(),
        TypeSpec::T => t_text(false),
        TypeSpec::ManyT => t_text(true),
    }
}

/// Whether a value of type `value` may be written into `attr`; reports what is wrong.
/// `ref_ok(from, to)` decides whether a reference of one type may be stored in the other.
pub fn check_assign(
    diags: &mut Vec<Diagnostic>,
    value: &Ty,
    value_span: Span,
    attr: &AttrSchema,
    target_ty: &Ty,
    ref_ok: &dyn Fn(&Base, &Base) -> Result<(), String>,
) {
    if value.is_unknown() || value.base == Base::Ignore {
        return;
    }
    let attr_text = format!("`{}`", attr.name);
    if matches!(value.base, Base::Null | Base::AuthoritativeNull) && !value.many {
        if !attr.optional {
            diags.push(
                Diagnostic::new(Code::E0201, value_span, format!("{attr_text} is required and cannot be set to null"))
                    .with_label("no value")
                    .with_help(format!("declare the attribute `{}?` if it may be missing", attr.type_text())),
            );
        }
        return;
    }
    if value.many && !attr.many {
        diags.push(
            Diagnostic::new(
                Code::E0211,
                value_span,
                format!("{attr_text} holds one value, but this is the multi-valued `{value}`"),
            )
            .with_label("several values")
            .with_help("pick one value with `item(values, 1)` or combine them with `join(\", \", values)`"),
        );
        return;
    }
    match (&value.base, &target_ty.base) {
        (Base::CsRef(..) | Base::MvRef(_), Base::CsRef(..) | Base::MvRef(_)) => {
            if let Err(why) = ref_ok(&value.base, &target_ty.base) {
                diags.push(
                    Diagnostic::new(
                        Code::E0208,
                        value_span,
                        format!(
                            "{attr_text} holds `{}` but this is `{}`",
                            target_ty.clone().optional(false),
                            Ty { optional: false, many: false, ..value.clone() }
                        ),
                    )
                    .with_label("reference to another object type")
                    .with_help(why),
                );
                return;
            }
        }
        (a, b) if a != b => {
            let help = match (a, b) {
                (Base::Kind(ValueKind::String), Base::CsRef(..) | Base::MvRef(_)) => {
                    "build a reference with `ref(connector.type, key)`".to_string()
                }
                (_, Base::Kind(ValueKind::String)) => "convert with `str(...)`".to_string(),
                (_, Base::Kind(ValueKind::Integer)) => "convert with `int(...)`".to_string(),
                (_, Base::Kind(ValueKind::DateTime)) => "convert with `to_datetime(...)`".to_string(),
                (_, Base::Kind(ValueKind::Boolean)) => "convert with `bool(...)` or compare the value".to_string(),
                _ => "convert the value to the attribute's type".to_string(),
            };
            diags.push(
                Diagnostic::new(
                    Code::E0200,
                    value_span,
                    format!(
                        "{attr_text} is `{}` but this value is `{}`",
                        attr.type_text(),
                        Ty { optional: false, ..value.clone() }
                    ),
                )
                .with_label(format!("this is `{value}`"))
                .with_help(help),
            );
            return;
        }
        _ => {}
    }
    if value.optional && !attr.optional {
        diags.push(
            Diagnostic::new(Code::E0201, value_span, format!("{attr_text} is required, but this value may be missing"))
                .with_label(format!("this is `{value}`"))
                .with_help("give a default with `?? value`, guard it with `if x is present then ... else ...`, or narrow the rule with `scope x is present`"),
        );
    }
}
