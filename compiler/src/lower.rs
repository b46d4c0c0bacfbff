//! Lowering: a checked rule set to the runtime's [`Plan`].
//!
//! Runs only on rule sets without errors (the CLI refuses otherwise), but never panics: anything
//! it cannot resolve is a [`LowerError`]. Names become slots: attributes are numbered in name
//! order within their type, connectors and metaverse types in name order, so the same rule set
//! always gives the same plan.

use crate::db::{Db, Item, Workspace, all_items};
use crate::resolve::{AttrBase, AttrSchema, Schema, TypeSchema, capability_value, schema};
use crate::span::{Span, line_col};
use crate::syntax::ast::{self, BinaryOp, ExprKind, ItemAst, Literal, UnaryOp};
use metasync_runtime::connectors::registry;
use metasync_runtime::plan::{self, Expr, Plan, TypeRef};
use metasync_runtime::value::{Value, ValueKind};
use std::collections::BTreeMap;
use std::fmt;

/// A rule set that cannot be lowered (a checker gap: checked rule sets always lower).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerError(pub String);

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LowerError {}

fn fail<T>(message: impl Into<String>) -> Result<T, LowerError> {
    Err(LowerError(message.into()))
}

fn index(n: usize) -> Result<u16, LowerError> {
    u16::try_from(n).or_else(|_| fail("more than 65,535 connectors, types or attributes"))
}

/// Whose attributes bare names are, with the slots of each.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'s, 'db> {
    /// A connector object type.
    Cs {
        /// The connector's index.
        connector: u16,
        /// Its name.
        connector_name: &'s str,
        /// The object type.
        ty: &'s TypeSchema<'db>,
    },
    /// A metaverse type.
    Mv(&'s TypeSchema<'db>),
}

/// The lowering context: the schema and name-to-index maps.
#[derive(Debug)]
pub struct Lowerer<'s, 'db> {
    schema: &'s Schema<'db>,
    locals: std::cell::RefCell<Vec<String>>,
    connectors: BTreeMap<&'s str, u16>,
    mv_types: BTreeMap<&'s str, u16>,
}

fn slot_of(ty: &TypeSchema<'_>, name: &str) -> Option<u16> {
    ty.attrs.keys().position(|k| k == name).and_then(|i| u16::try_from(i).ok())
}

fn attribute(a: &AttrSchema) -> plan::Attribute {
    let (kind, references) = match &a.base {
        AttrBase::Kind(k) => (*k, None),
        AttrBase::Ref(t) => (ValueKind::Reference, Some(t.clone())),
    };
    plan::Attribute {
        name: a.name.clone(),
        kind,
        references,
        many: a.many,
        optional: a.optional,
        required: a.required,
        operation: match a.operation {
            ast::Operation::Import => plan::Operation::Import,
            ast::Operation::Export => plan::Operation::Export,
            ast::Operation::ImportExport => plan::Operation::ImportExport,
        },
    }
}

impl<'s, 'db> Lowerer<'s, 'db> {
    /// A lowering context over `schema`.
    pub fn new(schema: &'s Schema<'db>) -> Lowerer<'s, 'db> {
        let connectors = schema
            .connectors
            .keys()
            .enumerate()
            .filter_map(|(i, k)| Some((k.as_str(), u16::try_from(i).ok()?)))
            .collect();
        let mv_types = schema
            .mv_types
            .keys()
            .enumerate()
            .filter_map(|(i, k)| Some((k.as_str(), u16::try_from(i).ok()?)))
            .collect();
        Lowerer { schema, locals: std::cell::RefCell::new(Vec::new()), connectors, mv_types }
    }

    fn connector(&self, name: &str) -> Result<u16, LowerError> {
        self.connectors.get(name).copied().ok_or_else(|| LowerError(format!("unknown connector `{name}`")))
    }

    fn mv_type(&self, name: &str) -> Result<(u16, &'s TypeSchema<'db>), LowerError> {
        let i =
            self.mv_types.get(name).copied().ok_or_else(|| LowerError(format!("unknown metaverse type `{name}`")))?;
        let t = self.schema.mv_types.get(name).ok_or_else(|| LowerError(format!("unknown metaverse type `{name}`")))?;
        Ok((i, t))
    }

    fn cs_type(&self, connector: &str, object: &str) -> Result<(u16, u16, &'s TypeSchema<'db>), LowerError> {
        let c = self.connector(connector)?;
        let conn = self
            .schema
            .connectors
            .get(connector)
            .ok_or_else(|| LowerError(format!("unknown connector `{connector}`")))?;
        let o = conn
            .objects
            .keys()
            .position(|k| k == object)
            .ok_or_else(|| LowerError(format!("unknown object type `{connector}.{object}`")))?;
        let t = conn
            .objects
            .get(object)
            .ok_or_else(|| LowerError(format!("unknown object type `{connector}.{object}`")))?;
        Ok((c, index(o)?, t))
    }

    /// Lowers an expression whose bare names are attributes of `scope`.
    pub fn expr(&self, e: &ast::Expr, scope: Scope<'s, 'db>) -> Result<Expr, LowerError> {
        Ok(self.expr_typed(e, scope)?.0)
    }

    /// Lowers an expression, also returning the referenced type when the value is a reference.
    fn expr_typed(&self, e: &ast::Expr, scope: Scope<'s, 'db>) -> Result<(Expr, Option<TypeRef>), LowerError> {
        let b = |x: &ast::Expr| -> Result<Box<Expr>, LowerError> { Ok(Box::new(self.expr(x, scope)?)) };
        Ok(match &e.kind {
            ExprKind::Invalid => return fail("an invalid literal reached lowering"),
            ExprKind::Literal(lit) => (
                match lit {
                    Literal::String(s) => Expr::Const(Value::String(s.clone())),
                    Literal::Integer(n) => Expr::Const(Value::Integer(*n)),
                    Literal::Boolean(v) => Expr::Const(Value::Boolean(*v)),
                    Literal::DateTime(text) => match metasync_runtime::time::parse_datetime(text) {
                        Some(us) => Expr::Const(Value::DateTime(us)),
                        None => return fail(format!("invalid datetime `{text}`")),
                    },
                    Literal::Null => Expr::Const(Value::Null),
                    Literal::AuthoritativeNull => Expr::AuthoritativeNull,
                    Literal::Ignore => Expr::Ignore,
                },
                None,
            ),
            ExprKind::Var(name) if self.locals.borrow().contains(&name.text) => {
                let depth = self.locals.borrow().iter().rposition(|n| *n == name.text).unwrap_or(0);
                (Expr::Local(index(depth)?), None)
            }
            ExprKind::Lambda(..) => return fail("a binding outside `select`, `where` or `with`"),
            ExprKind::Call(name, args) if crate::typeck::expr::BindingForm::of(&name.text).is_some() => {
                let (Some(first), Some(ast::Expr { kind: ExprKind::Lambda(param, body), .. })) =
                    (args.first(), args.get(1))
                else {
                    return fail(format!("`{}` needs a value and a binding", name.text));
                };
                let (value, target) = self.expr_typed(first, scope)?;
                self.locals.borrow_mut().push(param.text.clone());
                let lowered_body = self.expr_typed(body, scope);
                self.locals.borrow_mut().pop();
                let (lowered_body, body_target) = lowered_body?;
                match crate::typeck::expr::BindingForm::of(&name.text) {
                    Some(crate::typeck::expr::BindingForm::Select) => {
                        (Expr::Select(Box::new(value), Box::new(lowered_body)), body_target)
                    }
                    Some(crate::typeck::expr::BindingForm::Where) => {
                        (Expr::Where(Box::new(value), Box::new(lowered_body)), target)
                    }
                    _ => (Expr::With(Box::new(value), Box::new(lowered_body)), body_target),
                }
            }
            ExprKind::Var(name) => {
                let (ty, cs) = match scope {
                    Scope::Cs { connector, ty, .. } => (ty, Some(connector)),
                    Scope::Mv(ty) => (ty, None),
                };
                let slot =
                    slot_of(ty, &name.text).ok_or_else(|| LowerError(format!("unknown attribute `{}`", name.text)))?;
                let target = match ty.attrs.get(&name.text).map(|a| &a.base) {
                    Some(AttrBase::Ref(t)) => Some(match (cs, scope) {
                        (Some(c), Scope::Cs { connector_name, .. }) => {
                            TypeRef::Cs(c, self.cs_type(connector_name, t)?.1)
                        }
                        _ => TypeRef::Mv(self.mv_type(t)?.0),
                    }),
                    _ => None,
                };
                (Expr::Attr(slot), target)
            }
            ExprKind::Member(inner, name) => {
                let (base, target) = self.expr_typed(inner, scope)?;
                let Some(target) = target else {
                    return fail(format!("`.{}` on a value that is not a reference", name.text));
                };
                let (ty, connector) = match target {
                    TypeRef::Cs(c, o) => {
                        let conn = self
                            .schema
                            .connectors
                            .values()
                            .nth(usize::from(c))
                            .ok_or_else(|| LowerError("bad connector index".into()))?;
                        let cname =
                            self.schema.connectors.keys().nth(usize::from(c)).map(String::as_str).unwrap_or_default();
                        (
                            conn.objects
                                .values()
                                .nth(usize::from(o))
                                .ok_or_else(|| LowerError("bad object index".into()))?,
                            Some((c, cname)),
                        )
                    }
                    TypeRef::Mv(t) => (
                        self.schema
                            .mv_types
                            .values()
                            .nth(usize::from(t))
                            .ok_or_else(|| LowerError("bad type index".into()))?,
                        None,
                    ),
                };
                let attr =
                    slot_of(ty, &name.text).ok_or_else(|| LowerError(format!("unknown attribute `{}`", name.text)))?;
                let next = match ty.attrs.get(&name.text).map(|a| &a.base) {
                    Some(AttrBase::Ref(t)) => Some(match connector {
                        Some((c, cname)) => TypeRef::Cs(c, self.cs_type(cname, t)?.1),
                        None => TypeRef::Mv(self.mv_type(t)?.0),
                    }),
                    _ => None,
                };
                (Expr::Member { base: Box::new(base), target, attr }, next)
            }
            ExprKind::Call(name, args) => {
                let sig = metasync_runtime::builtins::lookup(&name.text)
                    .ok_or_else(|| LowerError(format!("unknown function `{}`", name.text)))?;
                let args = args.iter().map(|a| self.expr(a, scope)).collect::<Result<Vec<_>, _>>()?;
                (Expr::Call { function: plan::Function(sig), args }, None)
            }
            ExprKind::Ref(cs, key) => {
                let (c, o, _) = self.cs_type(&cs.connector.text, &cs.object.text)?;
                (Expr::Ref { connector: c, object: o, key: b(key)? }, Some(TypeRef::Cs(c, o)))
            }
            ExprKind::List(items) => {
                (Expr::List(items.iter().map(|i| self.expr(i, scope)).collect::<Result<Vec<_>, _>>()?), None)
            }
            ExprKind::Unary(UnaryOp::Neg, inner) => match &inner.kind {
                ExprKind::Literal(Literal::Integer(n)) => (
                    Expr::Const(Value::Integer(n.checked_neg().ok_or_else(|| LowerError("integer overflow".into()))?)),
                    None,
                ),
                _ => (Expr::Neg(b(inner)?), None),
            },
            ExprKind::Unary(UnaryOp::Not, inner) => (Expr::Not(b(inner)?), None),
            ExprKind::Presence { expr, when_present } => {
                (Expr::Present { value: b(expr)?, when_present: *when_present }, None)
            }
            ExprKind::If(c, t, o) => {
                let (then, target) = self.expr_typed(t, scope)?;
                (Expr::If(b(c)?, Box::new(then), b(o)?), target)
            }
            ExprKind::Binary(op, l, r) => {
                let simple = |op| -> Result<Expr, LowerError> { Ok(Expr::Binary(op, b(l)?, b(r)?)) };
                (
                    match op {
                        BinaryOp::Add => simple(plan::BinOp::Add)?,
                        BinaryOp::Sub => simple(plan::BinOp::Sub)?,
                        BinaryOp::Mul => simple(plan::BinOp::Mul)?,
                        BinaryOp::Div => simple(plan::BinOp::Div)?,
                        BinaryOp::Rem => simple(plan::BinOp::Rem)?,
                        BinaryOp::Eq => simple(plan::BinOp::Eq)?,
                        BinaryOp::Ne => simple(plan::BinOp::Ne)?,
                        BinaryOp::Lt => simple(plan::BinOp::Lt)?,
                        BinaryOp::Le => simple(plan::BinOp::Le)?,
                        BinaryOp::Gt => simple(plan::BinOp::Gt)?,
                        BinaryOp::Ge => simple(plan::BinOp::Ge)?,
                        BinaryOp::And => Expr::And(b(l)?, b(r)?),
                        BinaryOp::Or => Expr::Or(b(l)?, b(r)?),
                        BinaryOp::Coalesce => {
                            let (first, target) = self.expr_typed(l, scope)?;
                            return Ok((Expr::Coalesce(Box::new(first), b(r)?), target));
                        }
                        BinaryOp::In => Expr::In { value: b(l)?, list: b(r)?, negated: false },
                        BinaryOp::NotIn => Expr::In { value: b(l)?, list: b(r)?, negated: true },
                        BinaryOp::Matches => match &r.kind {
                            ExprKind::Literal(Literal::String(p)) => match regex::Regex::new(p) {
                                Ok(re) => Expr::Matches(b(l)?, plan::Pattern(re)),
                                Err(_) => return fail(format!("invalid regular expression `{p}`")),
                            },
                            _ => Expr::MatchesDynamic(b(l)?, b(r)?),
                        },
                    },
                    None,
                )
            }
        })
    }
}

/// Lowers the workspace of `db` (which must check without errors) to a plan.
pub fn lower(db: &dyn Db) -> Result<Plan, LowerError> {
    let Some(ws) = Workspace::try_get(db) else { return fail("no rule set") };
    let schema = schema(db, ws);
    let lw = Lowerer::new(schema);
    let items = all_items(db);
    let location = |item: Item<'_>, span: Span| -> plan::Location {
        let file = item.file(db);
        let text = file.text(db);
        let start = span.start.saturating_add(item.offset(db));
        let (line, column) = line_col(text, start as usize);
        plan::Location {
            file: file.path(db).to_string(),
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            start,
            end: span.end.saturating_add(item.offset(db)),
        }
    };

    // Connectors.
    let mut connectors = Vec::new();
    for (name, conn) in &schema.connectors {
        let Some(ItemAst::Connector(c)) = &conn.item.parsed(db).ast else {
            return fail(format!("connector `{name}` did not parse"));
        };
        let kind = registry::kind(&c.kind.text)
            .ok_or_else(|| LowerError(format!("unknown connector kind `{}`", c.kind.text)))?;
        let mut settings: Vec<(String, plan::Setting)> = Vec::new();
        for s in &c.settings {
            let value = match &s.value {
                ast::SettingValue::Env(n) => plan::Setting::Env(n.value.clone()),
                ast::SettingValue::Secret(n) => plan::Setting::Secret(n.value.clone()),
                ast::SettingValue::Literal(e) => {
                    plan::Setting::Literal(constant(&lw, &lw.expr(e, Scope::Mv(&empty_type(conn.item)))?)?)
                }
            };
            settings.push((s.name.text.clone(), value));
        }
        settings.sort_by(|a, b| a.0.cmp(&b.0));
        let containers = c
            .containers
            .iter()
            .map(|k| plan::Container {
                kind: match k.kind {
                    ast::ContainerKind::Include => plan::ContainerKind::Include,
                    ast::ContainerKind::Exclude => plan::ContainerKind::Exclude,
                    ast::ContainerKind::Partition => plan::ContainerKind::Partition,
                },
                dn: k.dn.value.clone(),
            })
            .collect();
        let mut capabilities: Vec<(String, String)> = kind
            .capabilities
            .iter()
            .map(|cap| (cap.name.to_string(), capability_value(kind, c, cap.name).unwrap_or_default()))
            .collect();
        capabilities.sort();
        let ci = lw.connector(name)?;
        let mut objects = Vec::new();
        for (oname, ty) in &conn.objects {
            let anchor = ty
                .anchor
                .as_deref()
                .and_then(|a| slot_of(ty, a))
                .ok_or_else(|| LowerError(format!("`{name}.{oname}` has no anchor")))?;
            let filters = c
                .filters
                .iter()
                .filter(|f| &f.object.text == oname)
                .map(|f| lw.expr(&f.condition, Scope::Cs { connector: ci, connector_name: name, ty }))
                .collect::<Result<Vec<_>, _>>()?;
            objects.push(plan::ObjectType {
                name: oname.clone(),
                attributes: ty.attrs.values().map(attribute).collect(),
                anchor,
                filters,
            });
        }
        connectors.push(plan::Connector {
            name: name.clone(),
            kind: kind.name.to_string(),
            settings,
            containers,
            capabilities,
            objects,
        });
    }

    // Rules.
    let mut inbound_src: Vec<(Item<'_>, &ast::Rule)> = Vec::new();
    let mut outbound_src: Vec<(Item<'_>, &ast::Rule)> = Vec::new();
    for item in &items {
        if let Some(ItemAst::Rule(r)) = &item.parsed(db).ast {
            match r.direction {
                ast::Direction::Inbound => inbound_src.push((*item, r)),
                ast::Direction::Outbound => outbound_src.push((*item, r)),
            }
        }
    }
    let precedence_of = |r: &ast::Rule| {
        r.clauses
            .iter()
            .find_map(|c| if let ast::Clause::Precedence(p, _) = c { Some(*p) } else { None })
            .unwrap_or(crate::typeck::DEFAULT_PRECEDENCE)
    };
    inbound_src.sort_by(|a, b| (precedence_of(a.1), &a.1.name.value).cmp(&(precedence_of(b.1), &b.1.name.value)));
    outbound_src.sort_by(|a, b| a.1.name.value.cmp(&b.1.name.value));

    let mut inbound = Vec::new();
    for (item, r) in &inbound_src {
        let (c, o, ty) = lw.cs_type(&r.cs_type.connector.text, &r.cs_type.object.text)?;
        let (m, mv) = lw.mv_type(&r.mv_type.text)?;
        let scope = Scope::Cs { connector: c, connector_name: &r.cs_type.connector.text, ty };
        let mut rule = plan::InboundRule {
            name: r.name.value.clone(),
            connector: c,
            object: o,
            mv_type: m,
            precedence: precedence_of(r),
            scope: None,
            joins: Vec::new(),
            project: false,
            flows: Vec::new(),
            location: location(*item, r.name.span),
        };
        for clause in &r.clauses {
            match clause {
                ast::Clause::Scope(e, _) => rule.scope = Some(lw.expr(e, scope)?),
                ast::Clause::Join(matches, _) => {
                    let mut criterion = Vec::new();
                    for jm in matches {
                        let mv_attr = slot_of(mv, &jm.mv_attr.text)
                            .ok_or_else(|| LowerError(format!("unknown attribute `{}`", jm.mv_attr.text)))?;
                        criterion.push(plan::JoinMatch { mv_attr, value: lw.expr(&jm.value, scope)? });
                    }
                    rule.joins.push(criterion);
                }
                ast::Clause::Project(_) => rule.project = true,
                ast::Clause::Flows(flows, _) => {
                    for f in flows {
                        rule.flows.push(lower_flow(&lw, f, mv, scope, location(*item, f.span))?);
                    }
                }
                _ => {}
            }
        }
        inbound.push(rule);
    }
    let mut outbound = Vec::new();
    for (item, r) in &outbound_src {
        let (c, o, ty) = lw.cs_type(&r.cs_type.connector.text, &r.cs_type.object.text)?;
        let (m, mv) = lw.mv_type(&r.mv_type.text)?;
        let scope = Scope::Mv(mv);
        let mut rule = plan::OutboundRule {
            name: r.name.value.clone(),
            mv_type: m,
            connector: c,
            object: o,
            scope: None,
            provision: None,
            deprovision: plan::Deprovision::Disconnect,
            flows: Vec::new(),
            location: location(*item, r.name.span),
        };
        for clause in &r.clauses {
            match clause {
                ast::Clause::Scope(e, _) => rule.scope = Some(lw.expr(e, scope)?),
                ast::Clause::Provision(dn, _) => {
                    rule.provision = Some(dn.as_ref().map(|d| lw.expr(d, scope)).transpose()?)
                }
                ast::Clause::Deprovision(action, _) => {
                    rule.deprovision = match action {
                        ast::DeprovisionAction::Delete => plan::Deprovision::Delete,
                        ast::DeprovisionAction::Disconnect => plan::Deprovision::Disconnect,
                        ast::DeprovisionAction::Keep => plan::Deprovision::Keep,
                    }
                }
                ast::Clause::Flows(flows, _) => {
                    for f in flows {
                        rule.flows.push(lower_flow(&lw, f, ty, scope, location(*item, f.span))?);
                    }
                }
                _ => {}
            }
        }
        outbound.push(rule);
    }

    // The metaverse: deletion rules, join keys, precedence tables.
    let mut deletions: BTreeMap<String, plan::Deletion> = BTreeMap::new();
    for item in &items {
        if let Some(ItemAst::Metaverse(mv)) = &item.parsed(db).ast {
            for t in &mv.types {
                if let Some(d) = t.deletions.first() {
                    let deletion = if d.from.is_empty() {
                        plan::Deletion::LastLink
                    } else {
                        plan::Deletion::Authoritative(
                            d.from.iter().map(|n| lw.connector(&n.text)).collect::<Result<Vec<_>, _>>()?,
                        )
                    };
                    deletions.entry(t.name.text.clone()).or_insert(deletion);
                }
            }
        }
    }
    let mut metaverse = Vec::new();
    for (mi, (name, ty)) in schema.mv_types.iter().enumerate() {
        let mi = index(mi)?;
        let mut join_keys: Vec<u16> = inbound
            .iter()
            .filter(|r| r.mv_type == mi)
            .flat_map(|r| r.joins.iter().flatten().map(|j| j.mv_attr))
            .collect();
        join_keys.sort_unstable();
        join_keys.dedup();
        let mut precedence: Vec<Vec<plan::Contribution>> = vec![Vec::new(); ty.attrs.len()];
        for (ri, r) in inbound.iter().enumerate().filter(|(_, r)| r.mv_type == mi) {
            for (fi, f) in r.flows.iter().enumerate() {
                if let Some(list) = precedence.get_mut(usize::from(f.target)) {
                    list.push(plan::Contribution {
                        rule: index(ri)?,
                        flow: index(fi)?,
                        precedence: r.precedence,
                        union: f.merge == plan::Merge::Union,
                    });
                }
            }
        }
        for list in &mut precedence {
            list.sort_by_key(|c| (c.precedence, c.rule, c.flow));
        }
        metaverse.push(plan::MvType {
            name: name.clone(),
            attributes: ty.attrs.values().map(attribute).collect(),
            deletion: deletions.get(name).cloned().unwrap_or(plan::Deletion::LastLink),
            join_keys,
            precedence,
        });
    }

    // Profiles and tests.
    let mut profiles = Vec::new();
    let mut tests = Vec::new();
    for item in &items {
        match &item.parsed(db).ast {
            Some(ItemAst::Profile(p)) => {
                let steps = p
                    .steps
                    .iter()
                    .map(|s| {
                        let kind = match s.kind {
                            ast::StepKind::FullImport => plan::StepKind::FullImport,
                            ast::StepKind::DeltaImport => plan::StepKind::DeltaImport,
                            ast::StepKind::FullSync => plan::StepKind::FullSync,
                            ast::StepKind::DeltaSync => plan::StepKind::DeltaSync,
                            ast::StepKind::Export => plan::StepKind::Export,
                        };
                        Ok((kind, lw.connector(&s.connector.text)?))
                    })
                    .collect::<Result<Vec<_>, LowerError>>()?;
                profiles.push(plan::Profile { name: p.name.text.clone(), steps });
            }
            Some(ItemAst::Test(t)) => tests.push(lower_test(&lw, *item, t, &location)?),
            _ => {}
        }
    }
    profiles.sort_by(|a, b| a.name.cmp(&b.name));

    let mut plan =
        Plan { format: plan::FORMAT, hash: String::new(), connectors, metaverse, inbound, outbound, profiles, tests };
    plan.hash = plan.content_hash();
    Ok(plan)
}

fn empty_type<'db>(item: Item<'db>) -> TypeSchema<'db> {
    TypeSchema { item, span: Span::default(), attrs: BTreeMap::new(), anchor: None }
}

fn lower_flow<'s, 'db>(
    lw: &Lowerer<'s, 'db>,
    f: &ast::Flow,
    target: &TypeSchema<'db>,
    scope: Scope<'s, 'db>,
    location: plan::Location,
) -> Result<plan::Flow, LowerError> {
    let slot =
        slot_of(target, &f.target.text).ok_or_else(|| LowerError(format!("unknown attribute `{}`", f.target.text)))?;
    let (value, references) = lw.expr_typed(&f.value, scope)?;
    let references = if target.attrs.get(&f.target.text).is_some_and(|a| matches!(a.base, AttrBase::Ref(_))) {
        references
    } else {
        None
    };
    Ok(plan::Flow {
        target: slot,
        value,
        references,
        once: f.once.is_some(),
        merge: match f.merge {
            Some((ast::MergePolicy::Union, _)) => plan::Merge::Union,
            _ => plan::Merge::Replace,
        },
        location,
    })
}

/// The value of a constant expression (literals, lists, negated integers). In test records,
/// `ref(connector.type, "key")` becomes the reference `connector.type/key`: the test runner
/// resolves it to that connector object (or, in a metaverse expectation, to the metaverse object
/// linked to it).
fn constant(lw: &Lowerer<'_, '_>, e: &Expr) -> Result<Value, LowerError> {
    match e {
        Expr::Const(v) => Ok(v.clone()),
        Expr::List(items) => items.iter().map(|i| constant(lw, i)).collect::<Result<Vec<_>, _>>().map(Value::List),
        Expr::Ref { connector, object, key } => {
            let (cname, conn) = lw
                .schema
                .connectors
                .iter()
                .nth(usize::from(*connector))
                .ok_or_else(|| LowerError("bad connector index".into()))?;
            let oname =
                conn.objects.keys().nth(usize::from(*object)).ok_or_else(|| LowerError("bad object index".into()))?;
            let tag = |k: Value| match k {
                Value::String(s) => Ok(Value::Reference(format!("{cname}.{oname}/{s}"))),
                other => fail(format!("a reference key must be a string, not {}", other.to_literal())),
            };
            match constant(lw, key)? {
                Value::List(keys) => keys.into_iter().map(tag).collect::<Result<Vec<_>, _>>().map(Value::List),
                one => tag(one),
            }
        }
        _ => fail("a test record or setting holds a value that is not a literal"),
    }
}

/// A record value converted to the attribute's kind (text written for GUIDs and references).
fn record_value(value: Value, attr: &plan::Attribute) -> Result<Value, LowerError> {
    Ok(match (value, attr.kind) {
        (Value::String(s), ValueKind::Guid) => Value::Guid(
            metasync_runtime::value::parse_guid(&s).ok_or_else(|| LowerError(format!("`{s}` is not a GUID")))?,
        ),
        (Value::String(s), ValueKind::Reference) => Value::Reference(s),
        (Value::List(items), kind) => Value::List(
            items
                .into_iter()
                .map(|v| record_value(v, &plan::Attribute { kind, many: false, ..attr.clone() }))
                .collect::<Result<Vec<_>, _>>()?,
        ),
        (v, _) => v,
    })
}

fn lower_record<'s, 'db>(
    lw: &Lowerer<'s, 'db>,
    record: &ast::Record,
    ty: &TypeSchema<'db>,
) -> Result<Vec<(u16, Value)>, LowerError> {
    let mut out = Vec::new();
    for f in &record.fields {
        let slot =
            slot_of(ty, &f.name.text).ok_or_else(|| LowerError(format!("unknown attribute `{}`", f.name.text)))?;
        let value = constant(lw, &lw.expr(&f.value, Scope::Mv(&empty_type(ty.item)))?)?;
        let attr = ty
            .attrs
            .get(&f.name.text)
            .map(attribute)
            .ok_or_else(|| LowerError(format!("unknown attribute `{}`", f.name.text)))?;
        out.push((slot, record_value(value, &attr)?));
    }
    out.sort_by_key(|(slot, _)| *slot);
    Ok(out)
}

fn lower_test<'s, 'db>(
    lw: &Lowerer<'s, 'db>,
    item: Item<'db>,
    t: &ast::Test,
    location: &dyn Fn(Item<'db>, Span) -> plan::Location,
) -> Result<plan::Test, LowerError> {
    let mut test = plan::Test {
        name: t.name.value.clone(),
        given: Vec::new(),
        expect: Vec::new(),
        location: location(item, t.name.span),
    };
    for stmt in &t.statements {
        match stmt {
            ast::TestStmt::Given(g) => {
                let (c, o, ty) = lw.cs_type(&g.cs_type.connector.text, &g.cs_type.object.text)?;
                test.given.push(plan::Given {
                    connector: c,
                    object: o,
                    dn: g.dn.as_ref().map(|d| d.value.clone()),
                    values: lower_record(lw, &g.record, ty)?,
                    location: location(item, g.span),
                });
            }
            ast::TestStmt::Expect(e) => {
                let (target, ty) = match &e.target {
                    ast::ExpectTarget::Metaverse(n) => {
                        let (m, ty) = lw.mv_type(&n.text)?;
                        (plan::ExpectTarget::Metaverse(m), ty)
                    }
                    ast::ExpectTarget::ConnectorSpace(cs) => {
                        let (c, o, ty) = lw.cs_type(&cs.connector.text, &cs.object.text)?;
                        (plan::ExpectTarget::ConnectorSpace(c, o), ty)
                    }
                    ast::ExpectTarget::Export { change, cs_type, dn } => {
                        let (c, o, ty) = lw.cs_type(&cs_type.connector.text, &cs_type.object.text)?;
                        let change = match change {
                            ast::ExportChange::Add => plan::ExportChange::Add,
                            ast::ExportChange::Update => plan::ExportChange::Update,
                            ast::ExportChange::Delete => plan::ExportChange::Delete,
                        };
                        (
                            plan::ExpectTarget::Export {
                                change,
                                connector: c,
                                object: o,
                                dn: dn.as_ref().map(|d| d.value.clone()),
                            },
                            ty,
                        )
                    }
                };
                let values = match &e.record {
                    Some(r) => lower_record(lw, r, ty)?,
                    None => Vec::new(),
                };
                test.expect.push(plan::Expectation {
                    negated: e.negated,
                    target,
                    values,
                    location: location(item, e.span),
                });
            }
        }
    }
    Ok(test)
}
