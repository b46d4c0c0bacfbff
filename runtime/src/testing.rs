//! The rule unit test runner: runs one [`plan::Test`] in memory and reports what held.
//!
//! A test runs the real engine ([`crate::engine`]) over an in-memory store, with no connected
//! system, so `metasync test` and `metasync run` share one set of semantics (`docs/runtime.md`):
//!
//! 1. **Staging.** Every `given` object is imported into its connector space by the engine's full
//!    import (connector filters apply; its DN is the one written with `at "DN"`, or its anchor's
//!    text for connectors whose DN style is `none`; a reference written `ref(C.T, "key")` becomes
//!    the DN of that object, or its key).
//! 2. **Synchronization.** Every connector is fully synchronized, connector after connector, in
//!    rounds until a round changes nothing (at most 10 rounds, then the test fails with "the rules
//!    do not settle"): joins, projections, precedence, the deletion rule, provisioning (after a
//!    join by the target's own join rules, which keeps existing accounts), deprovisioning and
//!    export flows, exactly as a run does. Nothing is exported.
//! 3. **Expectations.** `expect TYPE { ... }` holds when some metaverse object of `TYPE` has every
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
//! Object-level errors (a function failing, an ambiguous join, a missing DN) stop the test: it
//! fails with the engine's message, which names the rule, the flow and the object. The rules a
//! test exercised (linked, flowed, provisioned or deprovisioned) are reported for coverage. The
//! runner never panics.

use crate::eval::{Env, eval_condition};
use crate::plan::{self, ExpectTarget, ExportChange, Location, Plan, TypeRef};
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
    let result = world.run_engine(test);
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

/// A connector that serves the objects a test gives, once.
#[derive(Debug)]
struct GivenObjects {
    entries: Option<Vec<crate::connectors::ImportEntry>>,
}

impl crate::connectors::Connector for GivenObjects {
    fn open(&mut self) -> Result<(), crate::connectors::ConnectorError> {
        Ok(())
    }
    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, crate::connectors::ConnectorError> {
        Ok(Vec::new())
    }
    fn start_import(
        &mut self,
        _mode: crate::connectors::ImportMode,
        _page_size: usize,
    ) -> Result<(), crate::connectors::ConnectorError> {
        Ok(())
    }
    fn next_page(&mut self) -> Result<Option<crate::connectors::ImportPage>, crate::connectors::ConnectorError> {
        Ok(self.entries.take().map(|entries| crate::connectors::ImportPage {
            entries: entries.into_iter().map(Ok).collect(),
            watermark: None,
        }))
    }
    fn export(
        &mut self,
        _batch: &[crate::connectors::ExportRequest],
    ) -> Result<Vec<crate::connectors::ExportResult>, crate::connectors::ConnectorError> {
        Err(crate::connectors::ConnectorError("tests export nothing".to_string()))
    }
    fn close(&mut self) -> Result<(), crate::connectors::ConnectorError> {
        Ok(())
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
        (Value::List(x), Value::List(y)) => {
            x.iter().all(|i| y.iter().any(|j| same(i, j))) && y.iter().all(|j| x.iter().any(|i| same(i, j)))
        }
        (Value::Reference(x) | Value::String(x), Value::Reference(y) | Value::String(y)) => x == y,
        _ => a == b,
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
                Some(i) => self
                    .world
                    .cs
                    .get(i)
                    .map(|obj| obj.effective().get(usize::from(attr)).cloned().unwrap_or(Value::Null))
                    .unwrap_or(Value::Null),
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
        self.connector(c)
            .is_some_and(|conn| conn.capabilities.iter().any(|(n, v)| n == "dn_style" && v.trim_matches('"') == "none"))
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
        let candidates =
            || self.cs.iter().enumerate().filter(move |(_, x)| x.connector == c && x.object == o && !is_deleted(x));
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

    /// Runs the test through the engine: the staged objects are imported into an in-memory store,
    /// every connector is fully synchronized in rounds until a round changes nothing, and the
    /// store's state becomes the world the expectations are checked against.
    fn run_engine(&mut self, test: &plan::Test) -> Result<(), String> {
        use crate::connectors::{EntryChange, ImportEntry};
        use crate::engine::import::import;
        use crate::engine::sync::synchronize;
        use crate::store::Store;
        use crate::store::memory::MemoryStore;
        self.stage(test)?;
        let plan = self.plan;
        let store = MemoryStore::new();
        for (ci, conn) in plan.connectors.iter().enumerate() {
            let mut entries = Vec::new();
            for (i, o) in self.cs.iter().enumerate() {
                if usize::from(o.connector) != ci {
                    continue;
                }
                let Some(ty) = self.object_type(o.connector, o.object) else { continue };
                let attributes = ty
                    .attributes
                    .iter()
                    .zip(&o.values)
                    .filter(|(_, v)| !v.is_null())
                    .map(|(a, v)| (a.name.clone(), v.clone()))
                    .collect();
                let anchor = self.anchor_text(i).unwrap_or_else(|| o.dn.clone());
                entries.push(ImportEntry {
                    object_type: ty.name.clone(),
                    dn: o.dn.clone(),
                    anchor,
                    change: EntryChange::Object,
                    attributes,
                });
            }
            if entries.is_empty() {
                continue;
            }
            let mut source = GivenObjects { entries: Some(entries) };
            let report =
                import(plan, &store, &conn.name, &mut source, true, 1_000, &mut |_| {}).map_err(|e| e.to_string())?;
            if let Some(issue) = report.issues.iter().find(|i| i.error) {
                return Err(format!("{}: {}", issue.object, issue.message));
            }
        }
        let mut settled = false;
        for round in 0..MAX_ROUNDS {
            let mut changes = 0u64;
            for conn in &plan.connectors {
                let run = u64::try_from(round).unwrap_or(0) + 1;
                let report =
                    synchronize(plan, &store, &conn.name, true, run, &mut |_| {}).map_err(|e| e.to_string())?;
                if let Some(issue) = report.issues.iter().find(|i| i.error) {
                    return Err(format!("{}: {}", issue.object, issue.message));
                }
                self.used.extend(report.rules_used.iter().cloned());
                let c = report.counts;
                changes += c.joins + c.projections + c.provisions + c.deprovisions + c.updates + c.deletes;
            }
            if changes == 0 {
                settled = true;
                break;
            }
        }
        if !settled {
            return Err(format!("the rules do not settle after {MAX_ROUNDS} rounds of synchronization"));
        }
        // The store becomes the world the expectations read.
        let mv_ids = store.mv_ids().map_err(|e| e.to_string())?;
        let index: std::collections::BTreeMap<u64, usize> = mv_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let to_world = |v: Value| -> Value {
            let map = |item: &Value| match item {
                Value::Reference(id) => {
                    id.parse::<u64>().ok().and_then(|id| index.get(&id)).map_or_else(|| item.clone(), |i| mv_ref(*i))
                }
                other => other.clone(),
            };
            match &v {
                Value::List(items) => Value::List(items.iter().map(map).collect()),
                one => map(one),
            }
        };
        let mut mv = Vec::new();
        for id in &mv_ids {
            let Some(o) = store.mv(*id).map_err(|e| e.to_string())? else { continue };
            let Some(ty) = plan.metaverse.iter().position(|t| t.name == o.object_type) else { continue };
            let Some(t) = plan.metaverse.get(ty) else { continue };
            let values = t
                .attributes
                .iter()
                .map(|a| to_world(o.attributes.get(&a.name).cloned().unwrap_or(Value::Null)))
                .collect();
            mv.push(MvObject { ty: u16::try_from(ty).unwrap_or(0), values });
        }
        let mut cs = Vec::new();
        for (ci, conn) in plan.connectors.iter().enumerate() {
            for id in store.cs_ids(&conn.name).map_err(|e| e.to_string())? {
                let Some(o) = store.cs(&conn.name, id).map_err(|e| e.to_string())? else { continue };
                if o.kind == crate::model::CsKind::Placeholder {
                    continue;
                }
                let Some(oi) = conn.objects.iter().position(|t| t.name == o.object_type) else { continue };
                let Some(ty) = conn.objects.get(oi) else { continue };
                let slot_of =
                    |name: &str| ty.attributes.iter().position(|a| a.name == name).and_then(|i| u16::try_from(i).ok());
                let pending = o.pending_export.as_ref().map(|p| {
                    let mut values: Vec<(u16, Value)> =
                        p.attributes.iter().filter_map(|c| Some((slot_of(&c.name)?, c.new.clone()))).collect();
                    values.sort_by_key(|(slot, _)| *slot);
                    let change = match p.change {
                        crate::model::ExportChange::Add | crate::model::ExportChange::DeleteAdd => ExportChange::Add,
                        crate::model::ExportChange::Update => ExportChange::Update,
                        crate::model::ExportChange::Delete => ExportChange::Delete,
                    };
                    Pending { change, values }
                });
                cs.push(CsObject {
                    connector: u16::try_from(ci).unwrap_or(0),
                    object: u16::try_from(oi).unwrap_or(0),
                    dn: o.dn.clone(),
                    values: ty
                        .attributes
                        .iter()
                        .map(|a| o.attributes.get(&a.name).cloned().unwrap_or(Value::Null))
                        .collect(),
                    link: o.link.and_then(|id| index.get(&id).copied()),
                    provisioned: o.provisioned_by.is_some(),
                    pending,
                });
            }
        }
        self.mv = mv;
        self.cs = cs;
        Ok(())
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
                let holds = eval_condition(f, &env).map_err(|e| {
                    format!(
                        "the connector filter of `{}` failed on the given object at line {}: {e}",
                        self.type_name(g.connector, g.object),
                        g.location.line
                    )
                })?;
                keep &= holds;
            }
            if !keep {
                continue;
            }
            let anchor = values.get(usize::from(ty.anchor)).and_then(key_text);
            let dn =
                if self.dn_style_none(g.connector) { anchor.clone() } else { g.dn.clone().or_else(|| anchor.clone()) };
            staged.push(CsObject {
                connector: g.connector,
                object: g.object,
                dn: dn.unwrap_or_default(),
                values,
                link: None,
                provisioned: false,
                pending: None,
            });
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

    fn mv_attr_name(&self, t: u16, slot: u16) -> String {
        self.plan
            .metaverse
            .get(usize::from(t))
            .and_then(|m| m.attributes.get(usize::from(slot)))
            .map_or_else(|| format!("#{slot}"), |a| a.name.clone())
    }

    fn cs_attr_name(&self, c: u16, o: u16, slot: u16) -> String {
        self.object_type(c, o)
            .and_then(|t| t.attributes.get(usize::from(slot)))
            .map_or_else(|| format!("#{slot}"), |a| a.name.clone())
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
                    let resolved = if in_mv {
                        self.cs.get(i).and_then(|o| o.link).map(mv_ref)
                    } else {
                        self.reference_text(i).map(Value::Reference)
                    };
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
                        Some((i, o)) => format!(
                            "ref({}, {})",
                            self.type_name(o.connector, o.object),
                            quote(&self.anchor_text(i).unwrap_or_default())
                        ),
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
                let objects =
                    self.mv.iter().filter(|o| o.ty == t).map(|o| (self.mv_type_name(t), o.values.clone())).collect();
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
        let score = |values: &[Value]| {
            wanted.iter().filter(|(s, v)| matches_value(values.get(usize::from(*s)).unwrap_or(&Value::Null), v)).count()
        };
        let matching = candidates.iter().filter(|(_, values)| score(values) == wanted.len()).count();
        let holds = if e.negated { matching == 0 } else { matching > 0 };
        if holds {
            return None;
        }
        let expected = format!("{}{}{}", if e.negated { "no " } else { "" }, head, self.record(&*names, &e.values));
        let mut ranked: Vec<&Candidate> =
            candidates.iter().filter(|(_, values)| !e.negated || score(values) == wanted.len()).collect();
        ranked.sort_by_key(|(_, values)| std::cmp::Reverse(score(values)));
        let shown: Vec<String> = ranked
            .iter()
            .take(MAX_SHOWN)
            .map(|(desc, values)| {
                let fields: Vec<(u16, Value)> = if e.values.is_empty() {
                    values
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| present(v))
                        .filter_map(|(s, v)| Some((u16::try_from(s).ok()?, v.clone())))
                        .collect()
                } else {
                    // Connector objects also show their anchor, so that they can be told apart.
                    let anchor = match &e.target {
                        ExpectTarget::ConnectorSpace(c, o) | ExpectTarget::Export { connector: c, object: o, .. } => {
                            self.object_type(*c, *o).map(|t| t.anchor)
                        }
                        ExpectTarget::Metaverse(_) => None,
                    };
                    let anchor = anchor.filter(|a| {
                        !e.values.iter().any(|(s, _)| s == a) && values.get(usize::from(*a)).is_some_and(present)
                    });
                    anchor
                        .into_iter()
                        .chain(e.values.iter().map(|(s, _)| *s))
                        .map(|s| (s, values.get(usize::from(s)).cloned().unwrap_or(Value::Null)))
                        .collect()
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
