//! Checks across items: names defined twice, precedence ties, attribute type conflicts in the
//! metaverse, and declarations nothing uses.
//!
//! Each item is first reduced to a [`Summary`] (its names, and which connectors, types and
//! attributes it uses) by a per-item query. Editing the inside of a flow leaves the summary
//! equal, so salsa backdates it and [`check_workspace`] is not re-run.

use crate::db::{Db, Finding, Item, Workspace, all_items};
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;
use crate::syntax::ast::*;
use crate::syntax::segment::ItemKind;
use crate::typeck::DEFAULT_PRECEDENCE;
use std::collections::{BTreeMap, BTreeSet};

/// A metaverse attribute written by an inbound rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Write {
    /// The metaverse type.
    pub mv_type: String,
    /// The attribute.
    pub attr: String,
    /// The rule's precedence.
    pub precedence: i64,
    /// Written with `merge union`.
    pub union: bool,
    /// The flow's target name.
    pub span: Span,
}

/// What an item defines and uses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// Names defined: (namespace, name, span).
    pub defines: Vec<(&'static str, String, Span)>,
    /// Connector object types declared: (connector, type, span).
    pub cs_types: Vec<(String, String, Span)>,
    /// Metaverse attributes declared: (type, attribute, type text, span).
    pub mv_attrs: Vec<(String, String, String, Span)>,
    /// Connectors used (by rules, profiles, deletion rules).
    pub uses_connectors: BTreeSet<String>,
    /// Connector object types used by rules.
    pub uses_cs_types: BTreeSet<(String, String)>,
    /// Metaverse types used by rules.
    pub uses_mv_types: BTreeSet<String>,
    /// Metaverse attributes written by inbound flows.
    pub writes: Vec<Write>,
    /// Metaverse attributes read: (type, attribute).
    pub reads: BTreeSet<(String, String)>,
    /// The item has a syntax error, so what it uses is unknown.
    pub broken: bool,
}

fn collect_vars(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Var(n) => {
            out.insert(n.text.clone());
        }
        ExprKind::Member(inner, _) | ExprKind::Unary(_, inner) | ExprKind::Presence { expr: inner, .. } => {
            collect_vars(inner, out)
        }
        ExprKind::Ref(_, key) => collect_vars(key, out),
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().for_each(|a| collect_vars(a, out)),
        ExprKind::Binary(_, a, b) => {
            collect_vars(a, out);
            collect_vars(b, out);
        }
        ExprKind::If(a, b, c) => {
            collect_vars(a, out);
            collect_vars(b, out);
            collect_vars(c, out);
        }
        ExprKind::Lambda(param, body) => {
            let mut inner = BTreeSet::new();
            collect_vars(body, &mut inner);
            inner.remove(&param.text);
            out.extend(inner);
        }
        ExprKind::Literal(_) | ExprKind::Invalid => {}
    }
}

/// The summary of one item.
#[salsa::tracked(returns(ref))]
pub fn summary<'db>(db: &'db dyn Db, item: Item<'db>) -> Summary {
    let mut s = Summary::default();
    let Some(ast) = &item.parsed(db).ast else {
        s.broken = true;
        return s;
    };
    match ast {
        ItemAst::Connector(c) => {
            s.defines.push(("connector", c.name.text.clone(), c.name.span));
            for o in &c.objects {
                s.cs_types.push((c.name.text.clone(), o.name.text.clone(), o.name.span));
            }
        }
        ItemAst::Metaverse(mv) => {
            for t in &mv.types {
                s.defines.push(("metaverse type", t.name.text.clone(), t.name.span));
                for a in &t.attributes {
                    let text = {
                        let b = match &a.ty.base {
                            BaseType::Scalar(k) => k.keyword().to_string(),
                            BaseType::Ref(n) => format!("ref {}", n.text),
                        };
                        if a.ty.many { format!("[{b}]") } else { b }
                    };
                    s.mv_attrs.push((t.name.text.clone(), a.name.text.clone(), text, a.ty.span));
                }
                for d in &t.deletions {
                    s.uses_connectors.extend(d.from.iter().map(|n| n.text.clone()));
                }
            }
        }
        ItemAst::Rule(rule) => {
            s.defines.push(("rule", rule.name.value.clone(), rule.name.span));
            let (conn, obj, mv) = (&rule.cs_type.connector.text, &rule.cs_type.object.text, &rule.mv_type.text);
            s.uses_connectors.insert(conn.clone());
            s.uses_cs_types.insert((conn.clone(), obj.clone()));
            s.uses_mv_types.insert(mv.clone());
            let precedence = rule
                .clauses
                .iter()
                .find_map(|c| if let Clause::Precedence(p, _) = c { Some(*p) } else { None })
                .unwrap_or(DEFAULT_PRECEDENCE);
            for clause in &rule.clauses {
                match (rule.direction, clause) {
                    (Direction::Inbound, Clause::Join(matches, _)) => {
                        for m in matches {
                            s.reads.insert((mv.clone(), m.mv_attr.text.clone()));
                        }
                    }
                    (Direction::Inbound, Clause::Flows(flows, _)) => {
                        for f in flows {
                            let union = matches!(f.merge, Some((MergePolicy::Union, _)));
                            s.writes.push(Write {
                                mv_type: mv.clone(),
                                attr: f.target.text.clone(),
                                precedence,
                                union,
                                span: f.target.span,
                            });
                        }
                    }
                    (Direction::Outbound, Clause::Flows(flows, _)) => {
                        let mut vars = BTreeSet::new();
                        flows.iter().for_each(|f| collect_vars(&f.value, &mut vars));
                        s.reads.extend(vars.into_iter().map(|v| (mv.clone(), v)));
                    }
                    (Direction::Outbound, Clause::Scope(e, _) | Clause::Provision(Some(e), _)) => {
                        let mut vars = BTreeSet::new();
                        collect_vars(e, &mut vars);
                        s.reads.extend(vars.into_iter().map(|v| (mv.clone(), v)));
                    }
                    _ => {}
                }
            }
        }
        ItemAst::Profile(p) => {
            s.defines.push(("profile", p.name.text.clone(), p.name.span));
            s.uses_connectors.extend(p.steps.iter().map(|st| st.connector.text.clone()));
        }
        ItemAst::Test(t) => s.defines.push(("test", t.name.value.clone(), t.name.span)),
    }
    s
}

/// Diagnostics that need every item.
#[salsa::tracked(returns(ref))]
pub fn check_workspace<'db>(db: &'db dyn Db, _ws: Workspace) -> Vec<Finding<'db>> {
    let items = all_items(db);
    let summaries: Vec<(Item<'db>, &Summary)> = items.iter().map(|i| (*i, summary(db, *i))).collect();
    let mut out = Vec::new();

    // Names defined twice across items (inside one item, the item's own check reports them).
    let mut first: BTreeMap<(&str, &str), (Item<'db>, Span)> = BTreeMap::new();
    for (item, s) in &summaries {
        for (ns, name, span) in &s.defines {
            match first.get(&(*ns, name.as_str())) {
                Some((other, first_span)) if *other != *item => out.push(
                    Finding::new(
                        *item,
                        Diagnostic::new(Code::E0107, *span, format!("{ns} `{name}` is defined twice"))
                            .with_label("defined again here")
                            .with_help("names of connectors, metaverse types, rules, profiles and tests are unique in a rule set; rename one"),
                    )
                    .with_secondary_at(*other, *first_span, "first defined here"),
                ),
                Some(_) => {}
                None => {
                    first.insert((ns, name), (*item, *span));
                }
            }
        }
    }

    // One type per metaverse attribute name.
    let mut mv_attr_types: BTreeMap<&str, (Item<'db>, &str, &str, Span)> = BTreeMap::new();
    for (item, s) in &summaries {
        for (t, a, text, span) in &s.mv_attrs {
            match mv_attr_types.get(a.as_str()) {
                Some((other, other_t, other_text, other_span)) if other_text != text && other_t != t => out.push(
                    Finding::new(
                        *item,
                        Diagnostic::new(
                            Code::E0220,
                            *span,
                            format!("metaverse attribute `{a}` is `{text}` here but `{other_text}` in `{other_t}`"),
                        )
                        .with_label("a different type")
                        .with_help("an attribute name has one type throughout the metaverse; rename one of them"),
                    )
                    .with_secondary_at(*other, *other_span, "first declared here"),
                ),
                Some(_) => {}
                None => {
                    mv_attr_types.insert(a, (*item, t, text, *span));
                }
            }
        }
    }

    // Precedence ties.
    let mut writes: BTreeMap<(&str, &str), Vec<(Item<'db>, &Write)>> = BTreeMap::new();
    for (item, s) in &summaries {
        for w in &s.writes {
            writes.entry((&w.mv_type, &w.attr)).or_default().push((*item, w));
        }
    }
    for ((_, attr), ws) in &writes {
        for (i, (item, w)) in ws.iter().enumerate() {
            let tie = ws
                .iter()
                .take(i)
                .find(|(other, o)| *other != *item && o.precedence == w.precedence && !(o.union && w.union));
            if let Some((other, o)) = tie {
                out.push(
                    Finding::new(
                        *item,
                        Diagnostic::new(Code::E0207, w.span, format!("two inbound rules flow `{attr}` at precedence {}", w.precedence))
                            .with_label("this flow")
                            .with_help("give the rules different `precedence` values (lower wins), or merge multi-valued contributions with `merge union`"),
                    )
                    .with_secondary_at(*other, o.span, "ties with this flow"),
                );
            }
        }
    }

    // Unused declarations: unknowable while some item does not parse (it may use them).
    if summaries.iter().any(|(_, s)| s.broken) {
        return out;
    }
    let mut used_connectors = BTreeSet::new();
    let mut used_cs = BTreeSet::new();
    let mut used_mv = BTreeSet::new();
    let mut read = BTreeSet::new();
    let mut written = BTreeSet::new();
    for (_, s) in &summaries {
        used_connectors.extend(s.uses_connectors.iter().cloned());
        used_cs.extend(s.uses_cs_types.iter().cloned());
        used_mv.extend(s.uses_mv_types.iter().cloned());
        read.extend(s.reads.iter().cloned());
        written.extend(s.writes.iter().map(|w| (w.mv_type.clone(), w.attr.clone())));
    }
    let mut reported_types = BTreeSet::new();
    for (item, s) in &summaries {
        if item.kind(db) == ItemKind::Connector {
            for (ns, name, span) in &s.defines {
                if *ns == "connector" && !used_connectors.contains(name) {
                    out.push(Finding::new(
                        *item,
                        Diagnostic::new(Code::W0001, *span, format!("connector `{name}` is not used"))
                            .with_label("no rule or profile uses it")
                            .with_help("write rules for it, or remove it"),
                    ));
                }
            }
            for (c, o, span) in &s.cs_types {
                if used_connectors.contains(c) && !used_cs.contains(&(c.clone(), o.clone())) {
                    out.push(Finding::new(
                        *item,
                        Diagnostic::new(Code::W0002, *span, format!("object type `{c}.{o}` is not used by any rule"))
                            .with_label("never synchronized")
                            .with_help("write an inbound or outbound rule for it, or remove it to keep it out of the connector space"),
                    ));
                }
            }
        }
        for (ns, name, span) in &s.defines {
            if *ns == "metaverse type" && !used_mv.contains(name) {
                reported_types.insert(name.clone());
                out.push(Finding::new(
                    *item,
                    Diagnostic::new(Code::W0003, *span, format!("metaverse type `{name}` is not used by any rule"))
                        .with_label("no rule projects, joins or provisions it")
                        .with_help("write rules for it, or remove it"),
                ));
            }
        }
        for (t, a, _, span) in &s.mv_attrs {
            if reported_types.contains(t) {
                continue;
            }
            let key = (t.clone(), a.clone());
            let (r, w) = (read.contains(&key), written.contains(&key));
            if !r && !w {
                out.push(Finding::new(
                    *item,
                    Diagnostic::new(
                        Code::W0004,
                        *span,
                        format!("metaverse attribute `{t}.{a}` is never written or read"),
                    )
                    .with_label("unused")
                    .with_help("flow a value into it from an inbound rule, or remove it"),
                ));
            } else if r && !w {
                out.push(Finding::new(
                    *item,
                    Diagnostic::new(
                        Code::W0006,
                        *span,
                        format!("metaverse attribute `{t}.{a}` is read but no inbound flow writes it"),
                    )
                    .with_label("always missing")
                    .with_help(format!("add a flow `{a} <- ...` to an inbound rule for `{t}`")),
                ));
            }
        }
    }
    out
}
