//! The rule unit test runner: runs one [`plan::Test`] in memory and reports what held.
//!
//! A test runs with no store and no connected system. What the runner does, in order:
//!
//! 1. **Staging.** Connector spaces and the metaverse start empty. Every `given` object is staged
//!    into its connector space: its values by slot (attributes not written are `null`), its DN the
//!    one written with `at "DN"`, or its anchor's text for connectors whose DN style is `none` (and
//!    when no DN is written). An object for which a connector filter of its type does not hold is
//!    not staged (a filter keeps the objects where it holds). A reference value written
//!    `ref(C.T, "key")` in a `given` record becomes the DN of that object when it is staged (its
//!    key otherwise).
//! 2. **Inbound synchronization**, in rounds, until a round changes nothing (at most 10 rounds,
//!    then the test fails with "the rules do not settle"). In a round:
//!    - every unlinked connector object (connector by connector, then in staging order) goes
//!      through the inbound rules of its connector object type, in plan order (by precedence,
//!      then name), that have it in scope. A rule tries its join criteria in order: a criterion
//!      matches a metaverse object of the rule's type when every `MVATTR == value` holds (a
//!      multi-valued metaverse attribute matches when it holds the value; a missing value never
//!      matches), among the metaverse objects not yet linked to another object of the same
//!      connector. One candidate: link. Several: the test fails with an ambiguity error naming the
//!      object and its candidates. None: the next criterion. When no criterion links and the
//!      rule projects, a metaverse object of the rule's type is created and linked. The first
//!      rule that links wins.
//!    - then every metaverse object's attributes are computed again from the precedence tables,
//!      best precedence first. A contribution counts when its rule's connector object type has
//!      an object linked to the metaverse object and in the rule's scope. `ignore`, `null` and an
//!      empty list contribute nothing (the next contribution is tried); `authoritative null`
//!      clears the attribute and wins; a value wins. `merge union` contributions are gathered
//!      (set union, in precedence order) until a replacing contribution with a value is reached.
//!      When nothing contributes the attribute is cleared, unless a flow said `ignore` (then it
//!      keeps its value). References are translated: a connector reference names the connector
//!      object of the flow's reference type whose anchor text is the key, else whose DN is the
//!      key, and becomes the metaverse object linked to it; a reference to an object that is not
//!      linked (yet) is dropped, and a later round may resolve it.
//! 3. **Outbound synchronization**, twice (so that references to objects provisioned in the first
//!    pass resolve in the second). For each metaverse object (in creation order) and each
//!    outbound rule of its type (in plan order):
//!    - in scope and linked to an object of the rule's connector object type: the flows that are
//!      not `once` are computed (`ignore` skips, `null` clears, `merge union` adds to the object's
//!      values); metaverse references become the DN (the anchor, for DN style `none`) of the
//!      referenced metaverse object's linked object in the target connector, or are dropped.
//!      Values that differ from the object's form a pending export update;
//!    - in scope, not linked, and the rule provisions: the DN (for DN style `none`, the anchor
//!      flow's value) and every flow, `once` included, are computed, the object is created and
//!      linked, and a pending export add carries its values;
//!    - linked but out of scope: `deprovision delete` stages a pending export delete,
//!      `disconnect` removes the link, `keep` does nothing.
//!
//!    Changes of the second pass are merged into the pending exports of the first.
//! 4. **Expectations.** `expect TYPE { ... }` holds when some metaverse object of `TYPE` has every
//!    listed value; `expect C.T { ... }` the same for the connector space after the pending
//!    exports are applied (an object with a pending delete is gone); `expect export CHANGE C.T
//!    [at "DN"] { ... }` when a pending export of that kind to an object of that type (with that
//!    DN) carries every listed value (for a delete, the object's values). `expect no ...` holds
//!    when nothing matches. An expected `null` holds when the attribute has no value; lists
//!    compare as sets. In a metaverse expectation `ref(C.T, "key")` is the metaverse object
//!    linked to that connector object; in a connector or export expectation it is that object's
//!    DN (its anchor for DN style `none`); a plain string for a reference attribute is compared
//!    with the DN text.
//!
//! Evaluation errors (a function failing, a missing DN) stop the test: it fails with an error
//! naming the rule, the flow and the object. Nothing is exported and the metaverse deletion rule
//! is not exercised (a test never deletes a staged object). The runner never panics.

use crate::eval::{Env, EvalError, FlowValue, eval, eval_condition, eval_flow};
use crate::plan::{self, Deprovision, ExpectTarget, ExportChange, Expr, Location, Merge, Plan, TypeRef};
use crate::value::{Value, format_guid, quote};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The most rounds inbound synchronization may take before a test fails.
pub const MAX_ROUNDS: usize = 10;

/// How many objects a failure's `actual` text lists at most.
const MAX_SHOWN: usize = 5;

/// The result of one test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestOutcome {
    /// The test's name.
    pub name: String,
    /// Where the test is written.
    pub location: Location,
    /// Every expectation held and nothing failed.
    pub passed: bool,
    /// The expectations that did not hold.
    pub failures: Vec<Failure>,
    /// Why the test could not run to its end (an evaluation error, an ambiguous join, rules that
    /// do not settle); expectations are not checked then.
    pub error: Option<String>,
    /// The names of the rules that acted in the test (linked, flowed, provisioned or
    /// deprovisioned), sorted: what the test covers.
    pub rules_used: Vec<String>,
}

/// An expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Where the expectation is written.
    pub location: Location,
    /// The expectation, in the rule language.
    pub expected: String,
    /// What there is instead (the closest objects first, one per line), or `none`.
    pub actual: String,
    /// One line saying what went wrong.
    pub message: String,
}

/// Runs every test of the plan, in order.
pub fn run_all(plan: &Plan) -> Vec<TestOutcome> {
    plan.tests.iter().map(|t| run_test(plan, t)).collect()
}

/// Runs one test of `plan`.
pub fn run_test(plan: &Plan, test: &plan::Test) -> TestOutcome {
    let mut world = World { plan, cs: Vec::new(), mv: Vec::new(), used: BTreeSet::new() };
    let result = world.run(test);
    let mut outcome = TestOutcome {
        name: test.name.clone(),
        location: test.location.clone(),
        passed: false,
        failures: Vec::new(),
        error: None,
        rules_used: Vec::new(),
    };
    match result {
        Ok(()) => {
            for e in &test.expect {
                if let Some(f) = world.check(e) {
                    outcome.failures.push(f);
                }
            }
        }
        Err(message) => outcome.error = Some(message),
    }
    outcome.rules_used = world.used.iter().cloned().collect();
    outcome.passed = outcome.error.is_none() && outcome.failures.is_empty();
    outcome
}

// ---------------------------------------------------------------------------------------------
// The in-memory spaces

#[derive(Debug, Clone)]
struct Pending {
    change: ExportChange,
    /// `(slot, value)`, sorted by slot.
    values: Vec<(u16, Value)>,
}

#[derive(Debug, Clone)]
struct CsObject {
    connector: u16,
    object: u16,
    dn: String,
    /// The values as staged (all null for a provisioned object).
    values: Vec<Value>,
    link: Option<usize>,
    /// Created by an outbound rule (never goes through inbound rules).
    provisioned: bool,
    pending: Option<Pending>,
}

impl CsObject {
    /// The values with the pending export applied.
    fn effective(&self) -> Vec<Value> {
        let mut out = self.values.clone();
        if let Some(p) = &self.pending {
            for (slot, v) in &p.values {
                if let Some(cell) = out.get_mut(usize::from(*slot)) {
                    *cell = v.clone();
                }
            }
        }
        out
    }
}

#[derive(Debug, Clone)]
struct MvObject {
    ty: u16,
    values: Vec<Value>,
}

struct World<'p> {
    plan: &'p Plan,
    cs: Vec<CsObject>,
    mv: Vec<MvObject>,
    used: BTreeSet<String>,
}

impl std::fmt::Debug for World<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World").field("cs", &self.cs).field("mv", &self.mv).finish_non_exhaustive()
    }
}

/// The text of a value used as a key (anchor, DN).
fn key_text(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::List(_) => None,
        Value::String(s) | Value::Reference(s) => Some(s.clone()),
        Value::Guid(g) => Some(format_guid(*g)),
        Value::Integer(n) => Some(n.to_string()),
        other => Some(other.to_literal()),
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(items) => !items.is_empty(),
        _ => true,
    }
}

/// Values compare by `==`, except that a reference and a string with the same text are equal,
/// `null` equals an empty list, and lists compare as sets.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::List(l)) | (Value::List(l), Value::Null) => l.is_empty(),
        (Value::List(x), Value::List(y)) => x.iter().all(|i| y.iter().any(|j| same(i, j))) && y.iter().all(|j| x.iter().any(|i| same(i, j))),
        (Value::Reference(x) | Value::String(x), Value::Reference(y) | Value::String(y)) => x == y,
        _ => a == b,
    }
}

/// Set union of `values` into `acc`, in order.
fn union_into(acc: &mut Vec<Value>, values: &Value) {
    for v in values.values() {
        if !acc.iter().any(|a| same(a, v)) {
            acc.push(v.clone());
        }
    }
}

fn mv_ref(index: usize) -> Value {
    Value::Reference(format!("mv:{index}"))
}

fn parse_mv_ref(v: &Value) -> Option<usize> {
    match v {
        Value::Reference(s) => s.strip_prefix("mv:").and_then(|n| n.parse().ok()),
        _ => None,
    }
}

/// Env over a connector object's or metaverse object's values.
struct ObjEnv<'w, 'p> {
    world: &'w World<'p>,
    values: &'w [Value],
}

impl Env for ObjEnv<'_, '_> {
    fn attr(&self, slot: u16) -> &Value {
        self.values.get(usize::from(slot)).unwrap_or(&Value::Null)
    }

    fn member(&self, reference: &Value, target: TypeRef, attr: u16) -> Result<Value, String> {
        Ok(match target {
            TypeRef::Mv(_) => match parse_mv_ref(reference).and_then(|i| self.world.mv.get(i)) {
                Some(o) => o.values.get(usize::from(attr)).cloned().unwrap_or(Value::Null),
                None => Value::Null,
            },
            TypeRef::Cs(c, o) => match key_text(reference).and_then(|k| self.world.find_cs(c, o, &k)) {
                Some(i) => self.world.cs.get(i).map(|obj| obj.effective().get(usize::from(attr)).cloned().unwrap_or(Value::Null)).unwrap_or(Value::Null),
                None => Value::Null,
            },
        })
    }
}

impl<'p> World<'p> {
    fn connector(&self, c: u16) -> Option<&'p plan::Connector> {
        self.plan.connectors.get(usize::from(c))
    }

    fn object_type(&self, c: u16, o: u16) -> Option<&'p plan::ObjectType> {
        self.connector(c).and_then(|conn| conn.objects.get(usize::from(o)))
    }

    fn dn_style_none(&self, c: u16) -> bool {
        self.connector(c).is_some_and(|conn| conn.capabilities.iter().any(|(n, v)| n == "dn_style" && v.trim_matches('"') == "none"))
    }

    fn type_name(&self, c: u16, o: u16) -> String {
        match (self.connector(c), self.object_type(c, o)) {
            (Some(conn), Some(t)) => format!("{}.{}", conn.name, t.name),
            _ => format!("connector {c} type {o}"),
        }
    }

    fn mv_type_name(&self, t: u16) -> String {
        self.plan.metaverse.get(usize::from(t)).map_or_else(|| format!("metaverse type {t}"), |m| m.name.clone())
    }

    fn anchor_text(&self, i: usize) -> Option<String> {
        let obj = self.cs.get(i)?;
        let anchor = self.object_type(obj.connector, obj.object)?.anchor;
        key_text(obj.effective().get(usize::from(anchor))?)
    }

    /// How a connector object is named in messages: `hr.person "2001"`.
    fn describe_cs(&self, i: usize) -> String {
        let Some(obj) = self.cs.get(i) else { return format!("object {i}") };
        let key = self.anchor_text(i).unwrap_or_else(|| obj.dn.clone());
        format!("{} {}", self.type_name(obj.connector, obj.object), quote(&key))
    }

    /// What a reference to connector object `i` holds: its DN, or its anchor for DN style `none`.
    fn reference_text(&self, i: usize) -> Option<String> {
        let obj = self.cs.get(i)?;
        if self.dn_style_none(obj.connector) { self.anchor_text(i) } else { Some(obj.dn.clone()) }
    }

    /// ` at "DN"` for an object of a connector with DNs (nothing for DN style `none`).
    fn at(&self, obj: &CsObject) -> String {
        if self.dn_style_none(obj.connector) { String::new() } else { format!(" at {}", quote(&obj.dn)) }
    }

    /// The connector object of `c.o` whose anchor text is `key`, else whose DN is `key`.
    fn find_cs(&self, c: u16, o: u16, key: &str) -> Option<usize> {
        let candidates = || self.cs.iter().enumerate().filter(move |(_, x)| x.connector == c && x.object == o && !is_deleted(x));
        candidates()
            .find(|(i, _)| self.anchor_text(*i).as_deref() == Some(key))
            .or_else(|| candidates().find(|(_, x)| x.dn == key))
            .map(|(i, _)| i)
    }

    /// `connector.type/key`, the form of `ref(connector.type, "key")` in test records.
    fn parse_tagged(&self, text: &str) -> Option<usize> {
        let (ty, key) = text.split_once('/')?;
        let (cname, oname) = ty.split_once('.')?;
        let c = self.plan.connectors.iter().position(|x| x.name == cname)?;
        let conn = self.plan.connectors.get(c)?;
        let o = conn.objects.iter().position(|x| x.name == oname)?;
        let (c, o) = (u16::try_from(c).ok()?, u16::try_from(o).ok()?);
        // An object that is not there still has to be told apart from a DN with a slash.
        Some(self.find_cs(c, o, key).unwrap_or(usize::MAX))
    }

    // -----------------------------------------------------------------------------------------
    // Running

    fn run(&mut self, test: &plan::Test) -> Result<(), String> {
        self.stage(test)?;
        self.inbound()?;
        self.outbound()?;
        self.outbound()
    }

    fn stage(&mut self, test: &plan::Test) -> Result<(), String> {
        let mut staged: Vec<CsObject> = Vec::new();
        for g in &test.given {
            let Some(ty) = self.object_type(g.connector, g.object) else {
                return Err(format!("a given object of an unknown type (line {})", g.location.line));
            };
            let mut values = vec![Value::Null; ty.attributes.len()];
            for (slot, v) in &g.values {
                if let Some(cell) = values.get_mut(usize::from(*slot)) {
                    *cell = v.clone();
                }
            }
            let env = ObjEnv { world: self, values: &values };
            let mut keep = true;
            for f in &ty.filters {
                let holds = eval_condition(f, &env).map_err(|e| format!("the connector filter of `{}` failed on the given object at line {}: {e}", self.type_name(g.connector, g.object), g.location.line))?;
                keep &= holds;
            }
            if !keep {
                continue;
            }
            let anchor = values.get(usize::from(ty.anchor)).and_then(key_text);
            let dn = if self.dn_style_none(g.connector) { anchor.clone() } else { g.dn.clone().or_else(|| anchor.clone()) };
            staged.push(CsObject { connector: g.connector, object: g.object, dn: dn.unwrap_or_default(), values, link: None, provisioned: false, pending: None });
        }
        // Connector by connector, then in staging order.
        staged.sort_by_key(|o| o.connector);
        self.cs = staged;
        // `ref(C.T, "key")` in a given record: the DN of that object.
        let mut fixes = Vec::new();
        for (i, obj) in self.cs.iter().enumerate() {
            for (slot, v) in obj.values.iter().enumerate() {
                let fixed = self.fix_given_ref(v);
                if &fixed != v {
                    fixes.push((i, slot, fixed));
                }
            }
        }
        for (i, slot, v) in fixes {
            if let Some(cell) = self.cs.get_mut(i).and_then(|o| o.values.get_mut(slot)) {
                *cell = v;
            }
        }
        Ok(())
    }

    fn fix_given_ref(&self, v: &Value) -> Value {
        match v {
            Value::List(items) => Value::List(items.iter().map(|i| self.fix_given_ref(i)).collect()),
            Value::Reference(s) => match self.parse_tagged(s) {
                Some(i) => match self.reference_text(i) {
                    Some(text) => Value::Reference(text),
                    None => Value::Reference(s.split_once('/').map_or(s.as_str(), |(_, k)| k).to_string()),
                },
                None => v.clone(),
            },
            other => other.clone(),
        }
    }

    fn inbound(&mut self) -> Result<(), String> {
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for i in 0..self.cs.len() {
                changed |= self.link(i)?;
            }
            changed |= self.recompute()?;
            if !changed {
                return Ok(());
            }
        }
        Err(format!("the rules do not settle: the metaverse still changes after {MAX_ROUNDS} rounds of synchronization"))
    }

    fn in_scope(&self, scope: Option<&Expr>, values: &[Value]) -> Result<bool, EvalError> {
        match scope {
            None => Ok(true),
            Some(s) => eval_condition(s, &ObjEnv { world: self, values }),
        }
    }

    /// Joins or projects connector object `i`; whether it was linked.
    fn link(&mut self, i: usize) -> Result<bool, String> {
        let Some(obj) = self.cs.get(i) else { return Ok(false) };
        if obj.link.is_some() || obj.provisioned {
            return Ok(false);
        }
        let (c, o) = (obj.connector, obj.object);
        let values = obj.values.clone();
        for rule in self.plan.inbound.iter().filter(|r| r.connector == c && r.object == o) {
            let scope = self.in_scope(rule.scope.as_ref(), &values).map_err(|e| format!("rule \"{}\", scope, object {}: {e}", rule.name, self.describe_cs(i)))?;
            if !scope {
                continue;
            }
            for criterion in &rule.joins {
                let env = ObjEnv { world: self, values: &values };
                let mut wanted = Vec::new();
                for m in criterion {
                    let v = eval(&m.value, &env).map_err(|e| format!("rule \"{}\", join on `{}`, object {}: {e}", rule.name, self.mv_attr_name(rule.mv_type, m.mv_attr), self.describe_cs(i)))?;
                    wanted.push((m.mv_attr, v.into_owned()));
                }
                let candidates: Vec<usize> = self
                    .mv
                    .iter()
                    .enumerate()
                    .filter(|(m, mo)| {
                        mo.ty == rule.mv_type
                            && wanted.iter().all(|(slot, v)| {
                                present(v) && mo.values.get(usize::from(*slot)).is_some_and(|have| same(have, v) || matches!(have, Value::List(items) if items.iter().any(|x| same(x, v))))
                            })
                            && !self.cs.iter().enumerate().any(|(j, x)| j != i && x.connector == c && x.link == Some(*m))
                    })
                    .map(|(m, _)| m)
                    .collect();
                match candidates.as_slice() {
                    [] => {}
                    [one] => {
                        if let Some(obj) = self.cs.get_mut(i) {
                            obj.link = Some(*one);
                        }
                        self.used.insert(rule.name.clone());
                        return Ok(true);
                    }
                    many => {
                        let shown: Vec<String> = many.iter().map(|m| self.describe_mv(*m)).collect();
                        return Err(format!(
                            "rule \"{}\": the join of {} is ambiguous: {} metaverse objects match ({})",
                            rule.name,
                            self.describe_cs(i),
                            many.len(),
                            shown.join(", ")
                        ));
                    }
                }
            }
            if rule.project {
                let ty = self.plan.metaverse.get(usize::from(rule.mv_type)).map_or(0, |t| t.attributes.len());
                self.mv.push(MvObject { ty: rule.mv_type, values: vec![Value::Null; ty] });
                let m = self.mv.len() - 1;
                if let Some(obj) = self.cs.get_mut(i) {
                    obj.link = Some(m);
                }
                self.used.insert(rule.name.clone());
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn mv_attr_name(&self, t: u16, slot: u16) -> String {
        self.plan.metaverse.get(usize::from(t)).and_then(|m| m.attributes.get(usize::from(slot))).map_or_else(|| format!("#{slot}"), |a| a.name.clone())
    }

    fn cs_attr_name(&self, c: u16, o: u16, slot: u16) -> String {
        self.object_type(c, o).and_then(|t| t.attributes.get(usize::from(slot))).map_or_else(|| format!("#{slot}"), |a| a.name.clone())
    }

    /// A metaverse object in messages: `person` linked to `hr.person "2001"`.
    fn describe_mv(&self, m: usize) -> String {
        let Some(obj) = self.mv.get(m) else { return format!("metaverse object {m}") };
        let links: Vec<String> = self.cs.iter().enumerate().filter(|(_, x)| x.link == Some(m)).map(|(i, _)| self.describe_cs(i)).collect();
        if links.is_empty() {
            self.mv_type_name(obj.ty)
        } else {
            format!("{} linked to {}", self.mv_type_name(obj.ty), links.join(" and "))
        }
    }

    /// Inbound reference translation: connector keys to metaverse references.
    fn to_mv_refs(&self, v: Value, refs: Option<TypeRef>) -> Value {
        let Some(TypeRef::Cs(c, o)) = refs else { return v };
        let one = |x: &Value| -> Option<Value> {
            let key = key_text(x)?;
            let i = self.find_cs(c, o, &key)?;
            self.cs.get(i)?.link.map(mv_ref)
        };
        match v {
            Value::List(items) => Value::List(items.iter().filter_map(one).collect()),
            Value::Null => Value::Null,
            other => one(&other).unwrap_or(Value::Null),
        }
    }

    /// Recomputes every metaverse object's attributes; whether any changed.
    fn recompute(&mut self) -> Result<bool, String> {
        let mut changed = false;
        for m in 0..self.mv.len() {
            let Some(obj) = self.mv.get(m) else { continue };
            let Some(ty) = self.plan.metaverse.get(usize::from(obj.ty)) else { continue };
            let mut next = obj.values.clone();
            for (slot, table) in ty.precedence.iter().enumerate() {
                let mut union: Option<Vec<Value>> = None;
                let mut result: Option<Value> = None;
                let mut ignored = false;
                // Once decided, the remaining contributions are only recorded as taking part.
                let mut decided = false;
                for contribution in table {
                    let Some(rule) = self.plan.inbound.get(usize::from(contribution.rule)) else { continue };
                    let Some(flow) = rule.flows.get(usize::from(contribution.flow)) else { continue };
                    if rule.mv_type != obj.ty {
                        continue;
                    }
                    let Some(i) = self.cs.iter().position(|x| x.link == Some(m) && x.connector == rule.connector && x.object == rule.object) else { continue };
                    let values = self.cs.get(i).map(|x| x.values.clone()).unwrap_or_default();
                    let in_scope = self.in_scope(rule.scope.as_ref(), &values).map_err(|e| format!("rule \"{}\", scope, object {}: {e}", rule.name, self.describe_cs(i)))?;
                    if !in_scope {
                        continue;
                    }
                    self.used.insert(rule.name.clone());
                    if decided {
                        continue;
                    }
                    let env = ObjEnv { world: self, values: &values };
                    let fv = eval_flow(&flow.value, &env)
                        .map_err(|e| format!("rule \"{}\", flow `{}`, object {}: {e}", rule.name, self.mv_attr_name(obj.ty, flow.target), self.describe_cs(i)))?;
                    let value = match fv {
                        FlowValue::Ignore => {
                            ignored = true;
                            continue;
                        }
                        FlowValue::AuthoritativeNull => {
                            if union.is_none() {
                                result = Some(Value::Null);
                            }
                            decided = true;
                            continue;
                        }
                        FlowValue::Value(v) => self.to_mv_refs(v.into_owned(), flow.references),
                    };
                    if !present(&value) {
                        continue;
                    }
                    if contribution.union {
                        union_into(union.get_or_insert_with(Vec::new), &value);
                    } else {
                        if union.is_none() {
                            result = Some(value);
                        }
                        decided = true;
                    }
                }
                let value = match (union, result) {
                    (Some(u), _) => Value::List(u),
                    (None, Some(v)) => v,
                    (None, None) if ignored => obj.values.get(slot).cloned().unwrap_or(Value::Null),
                    (None, None) => Value::Null,
                };
                if let Some(cell) = next.get_mut(slot) {
                    *cell = value;
                }
            }
            if next != obj.values {
                changed = true;
                if let Some(obj) = self.mv.get_mut(m) {
                    obj.values = next;
                }
            }
        }
        Ok(changed)
    }

    /// Outbound reference translation: metaverse references to the DN (or anchor) of the linked
    /// object of the target attribute's type in connector `c`.
    fn to_cs_refs(&self, v: Value, refs: Option<TypeRef>, c: u16, attr: Option<&plan::Attribute>) -> Value {
        let Some(TypeRef::Mv(_)) = refs else { return v };
        let target_type = attr.and_then(|a| a.references.as_ref()).and_then(|name| self.connector(c).and_then(|conn| conn.objects.iter().position(|o| &o.name == name)));
        let one = |x: &Value| -> Option<Value> {
            let m = parse_mv_ref(x)?;
            let i = self.cs.iter().position(|o| o.connector == c && o.link == Some(m) && target_type.is_none_or(|t| usize::from(o.object) == t) && !is_deleted(o))?;
            self.reference_text(i).map(Value::Reference)
        };
        match v {
            Value::List(items) => Value::List(items.iter().filter_map(one).collect()),
            Value::Null => Value::Null,
            other => one(&other).unwrap_or(Value::Null),
        }
    }

    fn outbound(&mut self) -> Result<(), String> {
        for m in 0..self.mv.len() {
            let Some(mv_obj) = self.mv.get(m) else { continue };
            let ty = mv_obj.ty;
            let mv_values = mv_obj.values.clone();
            for rule in self.plan.outbound.iter().filter(|r| r.mv_type == ty) {
                let in_scope = self
                    .in_scope(rule.scope.as_ref(), &mv_values)
                    .map_err(|e| format!("rule \"{}\", scope, object {}: {e}", rule.name, self.describe_mv(m)))?;
                let linked = self.cs.iter().position(|o| o.connector == rule.connector && o.object == rule.object && o.link == Some(m));
                match (in_scope, linked) {
                    (true, Some(i)) => {
                        if self.cs.get(i).is_some_and(is_deleted) {
                            continue;
                        }
                        self.used.insert(rule.name.clone());
                        let changes = self.export_flows(rule, m, &mv_values, i, false)?;
                        self.merge_changes(i, changes);
                    }
                    (true, None) => {
                        if let Some(dn_expr) = &rule.provision {
                            self.used.insert(rule.name.clone());
                            self.provision(rule, m, &mv_values, dn_expr.as_ref())?;
                        }
                    }
                    (false, Some(i)) => {
                        let Some(obj) = self.cs.get_mut(i) else { continue };
                        match rule.deprovision {
                            Deprovision::Delete => {
                                if !is_deleted(obj) {
                                    obj.pending = Some(Pending { change: ExportChange::Delete, values: Vec::new() });
                                    self.used.insert(rule.name.clone());
                                }
                            }
                            Deprovision::Disconnect => {
                                obj.link = None;
                                self.used.insert(rule.name.clone());
                            }
                            Deprovision::Keep => {}
                        }
                    }
                    (false, None) => {}
                }
            }
        }
        Ok(())
    }

    /// The flows of an outbound rule against connector object `i` (or a new object when `i` is
    /// `usize::MAX`): the `(slot, value)` pairs whose value differs from the object's.
    fn export_flows(&self, rule: &plan::OutboundRule, m: usize, mv_values: &[Value], i: usize, creating: bool) -> Result<Vec<(u16, Value)>, String> {
        let current = self.cs.get(i).map(CsObject::effective).unwrap_or_default();
        let ty = self.object_type(rule.connector, rule.object);
        let env = ObjEnv { world: self, values: mv_values };
        let mut out = Vec::new();
        for flow in rule.flows.iter().filter(|f| creating || !f.once) {
            let fv = eval_flow(&flow.value, &env).map_err(|e| {
                format!("rule \"{}\", flow `{}`, object {}: {e}", rule.name, self.cs_attr_name(rule.connector, rule.object, flow.target), self.describe_mv(m))
            })?;
            let value = match fv {
                FlowValue::Ignore => continue,
                FlowValue::AuthoritativeNull => Value::Null,
                FlowValue::Value(v) => v.into_owned(),
            };
            let attr = ty.and_then(|t| t.attributes.get(usize::from(flow.target)));
            let mut value = self.to_cs_refs(value, flow.references, rule.connector, attr);
            let have = current.get(usize::from(flow.target)).cloned().unwrap_or(Value::Null);
            if flow.merge == Merge::Union {
                let mut acc: Vec<Value> = have.values().to_vec();
                union_into(&mut acc, &value);
                value = if acc.is_empty() { Value::Null } else { Value::List(acc) };
            }
            if creating || !same(&have, &value) {
                out.push((flow.target, value));
            }
        }
        Ok(out)
    }

    fn merge_changes(&mut self, i: usize, changes: Vec<(u16, Value)>) {
        if changes.is_empty() {
            return;
        }
        let Some(obj) = self.cs.get_mut(i) else { return };
        let pending = obj.pending.get_or_insert(Pending { change: ExportChange::Update, values: Vec::new() });
        for (slot, v) in changes {
            pending.values.retain(|(s, _)| *s != slot);
            if pending.change == ExportChange::Add && !present(&v) {
                continue;
            }
            pending.values.push((slot, v));
        }
        pending.values.sort_by_key(|(s, _)| *s);
    }

    fn provision(&mut self, rule: &plan::OutboundRule, m: usize, mv_values: &[Value], dn_expr: Option<&Expr>) -> Result<(), String> {
        let Some(ty) = self.object_type(rule.connector, rule.object) else { return Ok(()) };
        let values = self.export_flows(rule, m, mv_values, usize::MAX, true)?;
        let values: Vec<(u16, Value)> = values.into_iter().filter(|(_, v)| present(v)).collect();
        let dn = if self.dn_style_none(rule.connector) {
            values.iter().find(|(s, _)| *s == ty.anchor).and_then(|(_, v)| key_text(v))
        } else {
            match dn_expr {
                Some(e) => {
                    let env = ObjEnv { world: self, values: mv_values };
                    let v = eval(e, &env).map_err(|err| format!("rule \"{}\", provision dn, object {}: {err}", rule.name, self.describe_mv(m)))?;
                    key_text(&v)
                }
                None => values.iter().find(|(s, _)| *s == ty.anchor).and_then(|(_, v)| key_text(v)),
            }
        };
        let Some(dn) = dn else {
            return Err(format!(
                "rule \"{}\" provisions a `{}` for {} without a {}",
                rule.name,
                self.type_name(rule.connector, rule.object),
                self.describe_mv(m),
                if self.dn_style_none(rule.connector) { "value for its anchor" } else { "DN (its `dn =` has no value)" }
            ));
        };
        let mut sorted = values;
        sorted.sort_by_key(|(s, _)| *s);
        self.cs.push(CsObject {
            connector: rule.connector,
            object: rule.object,
            dn,
            values: vec![Value::Null; ty.attributes.len()],
            link: Some(m),
            provisioned: true,
            pending: Some(Pending { change: ExportChange::Add, values: sorted }),
        });
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Expectations

    /// An expected value in the space it is compared in: `connector.type/key` references become
    /// metaverse references (`in_mv`) or the DN text of that connector object.
    fn expected_value(&self, v: &Value, in_mv: bool) -> Value {
        match v {
            Value::List(items) => Value::List(items.iter().map(|i| self.expected_value(i, in_mv)).collect()),
            Value::Reference(s) => match self.parse_tagged(s) {
                Some(i) => {
                    let resolved = if in_mv { self.cs.get(i).and_then(|o| o.link).map(mv_ref) } else { self.reference_text(i).map(Value::Reference) };
                    // Never equal to anything that exists.
                    resolved.unwrap_or_else(|| Value::Reference(format!("unresolved:{s}")))
                }
                None => v.clone(),
            },
            other => other.clone(),
        }
    }

    /// A value as written in the rule language (references as `ref(C.T, "key")` or DN text).
    fn literal(&self, v: &Value) -> String {
        match v {
            Value::List(items) => format!("[{}]", items.iter().map(|i| self.literal(i)).collect::<Vec<_>>().join(", ")),
            Value::Reference(s) => {
                if let Some(m) = parse_mv_ref(v) {
                    return match self.cs.iter().enumerate().find(|(_, o)| o.link == Some(m) && !o.provisioned) {
                        Some((i, o)) => format!("ref({}, {})", self.type_name(o.connector, o.object), quote(&self.anchor_text(i).unwrap_or_default())),
                        None => format!("ref({})", quote(s)),
                    };
                }
                if let Some((ty, key)) = s.split_once('/')
                    && self.parse_tagged(s).is_some()
                {
                    return format!("ref({ty}, {})", quote(key));
                }
                quote(s)
            }
            other => other.to_literal(),
        }
    }

    fn record(&self, names: &dyn Fn(u16) -> String, values: &[(u16, Value)]) -> String {
        if values.is_empty() {
            return String::new();
        }
        let fields: Vec<String> = values.iter().map(|(s, v)| format!("{}: {}", names(*s), self.literal(v))).collect();
        format!(" {{ {} }}", fields.join(", "))
    }

    fn check(&self, e: &plan::Expectation) -> Option<Failure> {
        let in_mv = matches!(e.target, ExpectTarget::Metaverse(_));
        let wanted: Vec<(u16, Value)> = e.values.iter().map(|(s, v)| (*s, self.expected_value(v, in_mv))).collect();
        // Candidates: (description head, values by slot) of every object or export of the target.
        let (head, names, candidates): (String, Names<'_>, Vec<Candidate>) = match &e.target {
            ExpectTarget::Metaverse(t) => {
                let t = *t;
                let objects = self.mv.iter().filter(|o| o.ty == t).map(|o| (self.mv_type_name(t), o.values.clone())).collect();
                (self.mv_type_name(t), Box::new(move |s| self.mv_attr_name(t, s)), objects)
            }
            ExpectTarget::ConnectorSpace(c, o) => {
                let (c, o) = (*c, *o);
                let objects = self
                    .cs
                    .iter()
                    .filter(|x| x.connector == c && x.object == o && !is_deleted(x))
                    .map(|x| (format!("{}{}", self.type_name(c, o), self.at(x)), x.effective()))
                    .collect();
                (self.type_name(c, o), Box::new(move |s| self.cs_attr_name(c, o, s)), objects)
            }
            ExpectTarget::Export { change, connector, object, dn } => {
                let (c, o) = (*connector, *object);
                let word = change_word(*change);
                let objects = self
                    .cs
                    .iter()
                    .filter(|x| x.connector == c && x.object == o)
                    .filter_map(|x| {
                        let p = x.pending.as_ref()?;
                        if p.change != *change || dn.as_ref().is_some_and(|d| d != &x.dn) {
                            return None;
                        }
                        let values = if p.change == ExportChange::Delete {
                            x.values.clone()
                        } else {
                            let mut vals = vec![Value::Null; x.values.len()];
                            for (s, v) in &p.values {
                                if let Some(cell) = vals.get_mut(usize::from(*s)) {
                                    *cell = v.clone();
                                }
                            }
                            vals
                        };
                        Some((format!("export {word} {}{}", self.type_name(c, o), self.at(x)), values))
                    })
                    .collect();
                let head = match dn {
                    Some(d) => format!("export {word} {} at {}", self.type_name(c, o), quote(d)),
                    None => format!("export {word} {}", self.type_name(c, o)),
                };
                (head, Box::new(move |s| self.cs_attr_name(c, o, s)), objects)
            }
        };
        let score = |values: &[Value]| wanted.iter().filter(|(s, v)| matches_value(values.get(usize::from(*s)).unwrap_or(&Value::Null), v)).count();
        let matching = candidates.iter().filter(|(_, values)| score(values) == wanted.len()).count();
        let holds = if e.negated { matching == 0 } else { matching > 0 };
        if holds {
            return None;
        }
        let expected = format!("{}{}{}", if e.negated { "no " } else { "" }, head, self.record(&*names, &e.values));
        let mut ranked: Vec<&Candidate> = candidates.iter().filter(|(_, values)| !e.negated || score(values) == wanted.len()).collect();
        ranked.sort_by_key(|(_, values)| std::cmp::Reverse(score(values)));
        let shown: Vec<String> = ranked
            .iter()
            .take(MAX_SHOWN)
            .map(|(desc, values)| {
                let fields: Vec<(u16, Value)> = if e.values.is_empty() {
                    values.iter().enumerate().filter(|(_, v)| present(v)).filter_map(|(s, v)| Some((u16::try_from(s).ok()?, v.clone()))).collect()
                } else {
                    // Connector objects also show their anchor, so that they can be told apart.
                    let anchor = match &e.target {
                        ExpectTarget::ConnectorSpace(c, o) | ExpectTarget::Export { connector: c, object: o, .. } => self.object_type(*c, *o).map(|t| t.anchor),
                        ExpectTarget::Metaverse(_) => None,
                    };
                    let anchor = anchor.filter(|a| !e.values.iter().any(|(s, _)| s == a) && values.get(usize::from(*a)).is_some_and(present));
                    anchor.into_iter().chain(e.values.iter().map(|(s, _)| *s)).map(|s| (s, values.get(usize::from(s)).cloned().unwrap_or(Value::Null))).collect()
                };
                format!("{desc}{}", self.record(&*names, &fields))
            })
            .collect();
        let mut actual = if shown.is_empty() { "none".to_string() } else { shown.join("\n") };
        if ranked.len() > MAX_SHOWN {
            let _ = write!(actual, "\n... and {} more", ranked.len() - MAX_SHOWN);
        }
        let what = match &e.target {
            ExpectTarget::Metaverse(_) => "metaverse object",
            ExpectTarget::ConnectorSpace(..) => "connector space object",
            ExpectTarget::Export { .. } => "pending export",
        };
        let message = if e.negated {
            format!("expected no such {what}, but {matching} match{}", if matching == 1 { "es" } else { "" })
        } else if candidates.is_empty() {
            format!("expected a {what} `{head}`, but there is none")
        } else {
            format!("no {what} `{head}` has these values")
        };
        Some(Failure { location: e.location.clone(), expected, actual, message })
    }
}

/// Names attribute slots of an expectation's type.
type Names<'a> = Box<dyn Fn(u16) -> String + 'a>;

/// An object or export an expectation is compared with: how it is named, its values by slot.
type Candidate = (String, Vec<Value>);

fn is_deleted(o: &CsObject) -> bool {
    o.pending.as_ref().is_some_and(|p| p.change == ExportChange::Delete)
}

fn change_word(c: ExportChange) -> &'static str {
    match c {
        ExportChange::Add => "add",
        ExportChange::Update => "update",
        ExportChange::Delete => "delete",
    }
}

/// Whether an object's value satisfies an expected value (`null` expects no value).
fn matches_value(have: &Value, want: &Value) -> bool {
    if !present(want) {
        return !present(have);
    }
    same(have, want)
}
