//! Evaluating one expression against one object: `metasync eval` and the functions' example
//! tests.
//!
//! The object's attributes (JSON) become a connector object type, typed from the JSON values
//! (text → `string`, whole numbers → `integer`, booleans → `boolean`, arrays → multi-valued,
//! `null` → `string?`); the expression is type-checked against it exactly as in an inbound rule,
//! lowered to the plan's form and evaluated.

use crate::diagnostics::{Code, Diagnostic};
use crate::lower::{Lowerer, Scope};
use crate::resolve::schema;
use crate::ruleset::RuleSet;
use crate::span::Span;
use crate::syntax::parser::parse_expr;
use crate::typeck::expr::{Cx, Source};
use metasync_runtime::eval::{FlowValue, Record, eval_flow};
use metasync_runtime::value::{Value, ValueKind};
use serde_json::{Map, Value as Json};

/// The result of evaluating an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A value (possibly `Null`).
    Value(Value),
    /// `authoritative null`.
    AuthoritativeNull,
    /// `ignore`.
    Ignore,
}

/// A successful evaluation: the value and the expression's static type.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// What the expression gave.
    pub outcome: Outcome,
    /// Its type as the checker sees it (`string?`).
    pub ty: String,
}

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum EvalFailure {
    /// The object is not usable (not a JSON object, a value of an unusable shape).
    Object(String),
    /// Syntax or type errors in the expression (spans relative to the expression text).
    Diagnostics(Vec<Diagnostic>),
    /// The evaluation itself failed (a function's error, a division by zero).
    Runtime(String),
}

const ROW: &str = "__row";

fn kind_of(json: &Json) -> Result<(ValueKind, bool, bool), String> {
    Ok(match json {
        Json::Null => (ValueKind::String, false, true),
        Json::String(_) => (ValueKind::String, false, false),
        Json::Bool(_) => (ValueKind::Boolean, false, false),
        Json::Number(n) if n.is_i64() => (ValueKind::Integer, false, false),
        Json::Number(n) => return Err(format!("{n} is not a 64-bit integer (the language has no fractions)")),
        Json::Array(items) => {
            let first = items.iter().find(|i| !i.is_null());
            let kind = match first {
                None => ValueKind::String,
                Some(i) => kind_of(i)?.0,
            };
            (kind, true, items.is_empty())
        }
        Json::Object(_) => return Err("nested objects are not attribute values".to_string()),
    })
}

/// Evaluates `expr_text` against the attributes of `object`.
pub fn evaluate(expr_text: &str, object: &Map<String, Json>) -> Result<Evaluated, EvalFailure> {
    let mut attrs = Vec::new();
    for (name, value) in object {
        if name == ROW || name.contains('`') || name.contains('\n') || name.is_empty() {
            return Err(EvalFailure::Object(format!("`{name}` cannot be an attribute name here")));
        }
        let (kind, many, optional) = kind_of(value).map_err(|e| EvalFailure::Object(format!("`{name}`: {e}")))?;
        let base = if many { format!("[{}]", kind.keyword()) } else { kind.keyword().to_string() };
        attrs.push((name.clone(), kind, format!("{base}{}", if optional { "?" } else { "" })));
    }
    let mut text = format!(
        "connector input: jsonl {{\n    path = \"object.jsonl\"\n    object object {{\n        anchor {ROW}: string\n"
    );
    for (name, _, ty) in &attrs {
        text.push_str(&format!("        `{name}`: {ty}\n"));
    }
    text.push_str("    }\n}\n");
    let rule_set = RuleSet::new(vec![("<object>".to_string(), text)]);
    let setup = rule_set.check();
    if let Some(d) = setup.iter().find(|d| d.diagnostic.is_error()) {
        return Err(EvalFailure::Object(d.diagnostic.message.clone()));
    }
    let (expr, mut diags) = parse_expr(expr_text).map_err(|d| EvalFailure::Diagnostics(vec![*d]))?;
    let ws = crate::db::Workspace::get(&rule_set.db);
    let schema = schema(&rule_set.db, ws);
    let Some(ty) = schema.cs_type("input", "object") else {
        return Err(EvalFailure::Object("the object could not be described".to_string()));
    };
    let mut cx = Cx::new(schema, Source::Cs { connector: "input", object: "object", inbound: true });
    let inferred = cx.infer(&expr, true);
    diags.extend(cx.diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(EvalFailure::Diagnostics(diags));
    }
    let connector = 0;
    let lowered =
        Lowerer::new(schema).expr(&expr, Scope::Cs { connector, connector_name: "input", ty }).map_err(|e| {
            EvalFailure::Diagnostics(vec![Diagnostic::new(Code::E0001, Span::new(0, expr_text.len()), e.0)])
        })?;
    let mut values = Vec::with_capacity(ty.attrs.len());
    for (name, attr) in &ty.attrs {
        let json = object.get(name).unwrap_or(&Json::Null);
        let kind = match attr.base {
            crate::resolve::AttrBase::Kind(k) => k,
            crate::resolve::AttrBase::Ref(_) => ValueKind::Reference,
        };
        values.push(Value::from_json(json, kind).map_err(|e| EvalFailure::Object(format!("`{name}`: {e}")))?);
    }
    let record = Record(&values);
    let outcome = match eval_flow(&lowered, &record) {
        Ok(FlowValue::Value(v)) => Outcome::Value(v.into_owned()),
        Ok(FlowValue::AuthoritativeNull) => Outcome::AuthoritativeNull,
        Ok(FlowValue::Ignore) => Outcome::Ignore,
        Err(e) => return Err(EvalFailure::Runtime(e.0)),
    };
    Ok(Evaluated { outcome, ty: inferred.to_string() })
}

impl Outcome {
    /// As a literal of the language.
    pub fn to_literal(&self) -> String {
        match self {
            Outcome::Value(v) => v.to_literal(),
            Outcome::AuthoritativeNull => "authoritative null".to_string(),
            Outcome::Ignore => "ignore".to_string(),
        }
    }
}
