//! Type checking of items against the schema.
//!
//! [`check_item`] is the per-item salsa query: it depends on the item's AST, the schema and the
//! rule heads only, so editing one rule re-runs it for that rule alone.

pub mod expr;
pub mod types;

use crate::db::{Db, Finding, Item, Workspace};
use crate::diagnostics::{Code, Diagnostic};
use crate::resolve::{AttrBase, ConnectorSchema, RuleHeads, Schema, TypeSchema, rule_heads, schema};
use crate::span::Span;
use crate::suggest::did_you_mean;
use crate::syntax::ast::*;
use expr::{Cx, Source, check_assign, facts};
use metasync_runtime::connectors::registry::{self, KindSpec, OptionType};
use std::collections::{BTreeMap, BTreeSet};
use types::{Base, Ty};

/// Every diagnostic of one item (syntax included), spans relative to the item.
#[salsa::tracked(returns(ref))]
pub fn check_item<'db>(db: &'db dyn Db, item: Item<'db>) -> Vec<Finding<'db>> {
    let parsed = item.parsed(db);
    let mut diags: Vec<Diagnostic> = parsed.diagnostics.clone();
    let mut extra: Vec<Finding<'db>> = Vec::new();
    if let Some(ast) = &parsed.ast {
        let ws = Workspace::get(db);
        match ast {
            ItemAst::Connector(c) => check_connector(item, c, &mut diags),
            ItemAst::Metaverse(mv) => check_metaverse(mv, schema(db, ws), &mut diags),
            ItemAst::Rule(rule) => {
                let mut rc = RuleCheck {
                    schema: schema(db, ws),
                    heads: rule_heads(db, ws),
                    diags: &mut diags,
                    extra: &mut extra,
                    item,
                };
                rc.check(rule);
            }
            ItemAst::Profile(p) => check_profile(p, schema(db, ws), &mut diags),
            ItemAst::Test(t) => check_test(t, schema(db, ws), &mut diags),
        }
    }
    let mut out: Vec<Finding<'db>> = diags.into_iter().map(|d| Finding::new(item, d)).collect();
    out.extend(extra);
    out
}

fn duplicate(diags: &mut Vec<Diagnostic>, what: &str, name: &str, span: Span, first: Span) {
    diags.push(
        Diagnostic::new(Code::E0107, span, format!("{what} `{name}` is defined twice"))
            .with_label("defined again here")
            .with_secondary(first, "first defined here")
            .with_help("remove one of them or rename it".to_string()),
    );
}

// ---------------------------------------------------------------------------------------------
// Connectors

fn check_connector(item: Item<'_>, c: &Connector, diags: &mut Vec<Diagnostic>) {
    let kind = registry::kind(&c.kind.text);
    if kind.is_none() {
        let names = registry::kinds().iter().map(|k| k.name);
        diags.push(
            Diagnostic::new(Code::E0105, c.kind.span, format!("unknown connector kind `{}`", c.kind.text))
                .with_label("not a connector kind")
                .with_help(did_you_mean(&c.kind.text, "connector kind", names)),
        );
    }
    // Settings.
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for s in &c.settings {
        if let Some(first) = seen.get(s.name.text.as_str()) {
            duplicate(diags, "setting", &s.name.text, s.name.span, *first);
            continue;
        }
        seen.insert(&s.name.text, s.name.span);
        let Some(kind) = kind else { continue };
        let Some(opt) = kind.option(&s.name.text) else {
            let names = kind.options.iter().map(|o| o.name);
            diags.push(
                Diagnostic::new(
                    Code::E0106,
                    s.name.span,
                    format!("`{}` connectors have no option `{}`", kind.name, s.name.text),
                )
                .with_label("unknown option")
                .with_help(did_you_mean(&s.name.text, "option", names)),
            );
            continue;
        };
        match &s.value {
            SettingValue::Secret(_) => {}
            SettingValue::Env(name) if opt.secret => {
                diags.push(literal_secret(&s.name.text, name.span, "read from the environment"))
            }
            SettingValue::Literal(e) if opt.secret => {
                diags.push(literal_secret(&s.name.text, e.span, "written into the rule set"))
            }
            SettingValue::Env(_) => {}
            SettingValue::Literal(e) => check_option_value(opt.ty, e, &s.name.text, diags),
        }
    }
    if let Some(kind) = kind {
        for opt in kind.options.iter().filter(|o| o.required && o.default.is_none()) {
            if !seen.contains_key(opt.name) {
                diags.push(
                    Diagnostic::new(
                        Code::E0108,
                        c.name.span,
                        format!("connector `{}` does not set `{}`", c.name.text, opt.name),
                    )
                    .with_label(format!("`{}` connectors need `{}`", kind.name, opt.name))
                    .with_help(format!("add `{} = ...`: {}", opt.name, opt.summary)),
                );
            }
        }
    }
    // Capabilities.
    let mut seen_caps: BTreeMap<&str, Span> = BTreeMap::new();
    for s in &c.capabilities {
        if let Some(first) = seen_caps.get(s.name.text.as_str()) {
            duplicate(diags, "capability", &s.name.text, s.name.span, *first);
            continue;
        }
        seen_caps.insert(&s.name.text, s.name.span);
        let Some(kind) = kind else { continue };
        let Some(cap) = kind.capability(&s.name.text) else {
            let names = kind.capabilities.iter().map(|c| c.name);
            diags.push(
                Diagnostic::new(
                    Code::E0109,
                    s.name.span,
                    format!("`{}` connectors have no capability `{}`", kind.name, s.name.text),
                )
                .with_label("unknown capability")
                .with_help(did_you_mean(&s.name.text, "capability", names)),
            );
            continue;
        };
        if !cap.overridable {
            diags.push(
                Diagnostic::new(
                    Code::E0110,
                    s.name.span,
                    format!("`{}` connectors do not let a rule set change `{}`", kind.name, s.name.text),
                )
                .with_label(format!("fixed at {}", cap.value))
                .with_help(format!("remove this line: {}", cap.summary)),
            );
            continue;
        }
        match &s.value {
            SettingValue::Literal(e) => check_option_value(cap.ty, e, &s.name.text, diags),
            SettingValue::Env(n) | SettingValue::Secret(n) => diags.push(
                Diagnostic::new(Code::E0213, n.span, format!("capability `{}` must be a literal", s.name.text))
                    .with_label("capabilities are decided when the rule set is compiled")
                    .with_help("write the value itself"),
            ),
        }
    }
    // Containers.
    for container in &c.containers {
        if let Err(why) = metasync_runtime::text::check_dn(&container.dn.value) {
            diags.push(invalid_dn(container.dn.span, &container.dn.value, &why));
        }
    }
    // Object types and attributes.
    let mut types: BTreeMap<&str, Span> = BTreeMap::new();
    let mut attr_types: BTreeMap<&str, (&AttrDecl, &str)> = BTreeMap::new();
    for o in &c.objects {
        if let Some(first) = types.get(o.name.text.as_str()) {
            duplicate(diags, "object type", &o.name.text, o.name.span, *first);
            continue;
        }
        types.insert(&o.name.text, o.name.span);
        check_attrs(&o.attributes, diags);
        let anchors: Vec<&AttrDecl> = o.attributes.iter().filter(|a| a.anchor.is_some()).collect();
        match anchors.as_slice() {
            [] => diags.push(
                Diagnostic::new(Code::E0215, o.name.span, format!("object type `{}` has no anchor", o.name.text))
                    .with_label("no attribute is marked `anchor`")
                    .with_help("mark the attribute that identifies an object for its whole life `anchor`, e.g. `anchor employeeId: string`"),
            ),
            [_] => {}
            [first, rest @ ..] => {
                for a in rest {
                    diags.push(
                        Diagnostic::new(Code::E0216, a.anchor.unwrap_or(a.name.span), format!("object type `{}` has more than one anchor", o.name.text))
                            .with_label("second anchor")
                            .with_secondary(first.name.span, "first anchor")
                            .with_help("an object type has exactly one anchor; use a join rule to match on other attributes"),
                    );
                }
            }
        }
        for a in &anchors {
            if a.ty.many {
                diags.push(
                    Diagnostic::new(Code::E0204, a.ty.span, format!("anchor `{}` is multi-valued", a.name.text))
                        .with_label("an anchor holds exactly one value")
                        .with_help(format!(
                            "declare it single-valued: `anchor {}: {}`",
                            a.name.text,
                            base_text(&a.ty.base)
                        )),
                );
            }
        }
        for a in &o.attributes {
            if let BaseType::Ref(target) = &a.ty.base
                && !c.objects.iter().any(|o2| o2.name.text == target.text)
            {
                let names = c.objects.iter().map(|o2| o2.name.text.as_str());
                diags.push(
                    Diagnostic::new(
                        Code::E0101,
                        target.span,
                        format!("connector `{}` has no object type `{}`", c.name.text, target.text),
                    )
                    .with_label("a connector's references point at its own object types")
                    .with_help(did_you_mean(&target.text, "object type", names)),
                );
            }
            match attr_types.get(a.name.text.as_str()) {
                Some((first, first_type)) if !same_type(first, a) => {
                    diags.push(
                        Diagnostic::new(
                            Code::E0220,
                            a.ty.span,
                            format!(
                                "attribute `{}` is `{}` here but `{}` in `{}`",
                                a.name.text,
                                type_text(&a.ty),
                                type_text(&first.ty),
                                first_type
                            ),
                        )
                        .with_label("a different type")
                        .with_secondary(first.ty.span, "first declared here")
                        .with_help(
                            "an attribute name has one type throughout a connector's schema; rename one of them",
                        ),
                    );
                }
                Some(_) => {}
                None => {
                    attr_types.insert(&a.name.text, (a, &o.name.text));
                }
            }
        }
    }
    // Filters read this connector's attributes only, so a schema of this item is enough (and
    // keeps the check independent of other items).
    let mut schema = Schema::default();
    schema.connectors.insert(c.name.text.clone(), crate::resolve::connector_schema(item, c));
    for f in &c.filters {
        if !c.objects.iter().any(|o| o.name.text == f.object.text) {
            let names = c.objects.iter().map(|o| o.name.text.as_str());
            diags.push(
                Diagnostic::new(
                    Code::E0101,
                    f.object.span,
                    format!("connector `{}` has no object type `{}`", c.name.text, f.object.text),
                )
                .with_label("unknown object type")
                .with_help(did_you_mean(&f.object.text, "object type", names)),
            );
            continue;
        }
        let mut cx = Cx::new(&schema, Source::Cs { connector: &c.name.text, object: &f.object.text, inbound: true });
        cx.condition(&f.condition, "a connector filter");
        diags.extend(cx.diags);
    }
}

fn literal_secret(option: &str, span: Span, how: &str) -> Diagnostic {
    Diagnostic::new(Code::E0212, span, format!("`{option}` is a credential and must not be {how}"))
        .with_label("credential in clear text")
        .with_help(format!("read it from the secret store: `{option} = secret(\"NAME\")`"))
}

fn invalid_dn(span: Span, dn: &str, why: &str) -> Diagnostic {
    Diagnostic::new(Code::E0222, span, format!("`{dn}` is not a valid distinguished name: {why}"))
        .with_label("invalid DN")
        .with_help("a DN is a comma-separated list of `attribute=value` parts, e.g. `ou=people,dc=example,dc=org`")
}

fn check_option_value(ty: OptionType, e: &Expr, name: &str, diags: &mut Vec<Diagnostic>) {
    let lit = match &e.kind {
        ExprKind::Literal(l) => Some(l),
        _ => None,
    };
    let (ok, wanted): (bool, String) = match ty {
        OptionType::String => (matches!(lit, Some(Literal::String(_))), "a string".into()),
        OptionType::Path => (matches!(lit, Some(Literal::String(s)) if !s.is_empty()), "a path in quotes".into()),
        OptionType::Url => (
            matches!(lit, Some(Literal::String(s)) if metasync_runtime::text::is_url(s)),
            "a URL in quotes, e.g. `\"ldap://127.0.0.1:389\"`".into(),
        ),
        OptionType::Dn => {
            if let Some(Literal::String(s)) = lit {
                if let Err(why) = metasync_runtime::text::check_dn(s) {
                    diags.push(invalid_dn(e.span, s, &why));
                }
                (true, String::new())
            } else {
                (false, "a DN in quotes".into())
            }
        }
        OptionType::Integer => (matches!(lit, Some(Literal::Integer(_))), "an integer".into()),
        OptionType::Boolean => (matches!(lit, Some(Literal::Boolean(_))), "`true` or `false`".into()),
        OptionType::StringList => (
            matches!(&e.kind, ExprKind::List(items) if items.iter().all(|i| matches!(i.kind, ExprKind::Literal(Literal::String(_))))),
            "a list of strings, e.g. `[\"a\", \"b\"]`".into(),
        ),
        OptionType::Choice(words) => (
            matches!(lit, Some(Literal::String(s)) if words.contains(&s.as_str())),
            format!("one of {}", words.iter().map(|w| format!("`\"{w}\"`")).collect::<Vec<_>>().join(", ")),
        ),
    };
    if !ok {
        diags.push(
            Diagnostic::new(Code::E0213, e.span, format!("`{name}` must be {wanted}"))
                .with_label("wrong type of value")
                .with_help(format!("write `{name} = ...` with {wanted}")),
        );
    }
}

fn base_text(b: &BaseType) -> String {
    match b {
        BaseType::Scalar(k) => k.keyword().to_string(),
        BaseType::Ref(n) => format!("ref {}", n.text),
    }
}

fn type_text(t: &TypeExpr) -> String {
    let b = base_text(&t.base);
    let b = if t.many { format!("[{b}]") } else { b };
    if t.optional { format!("{b}?") } else { b }
}

fn same_type(a: &AttrDecl, b: &AttrDecl) -> bool {
    base_text(&a.ty.base) == base_text(&b.ty.base) && a.ty.many == b.ty.many
}

fn check_attrs(attrs: &[AttrDecl], diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for a in attrs {
        if let Some(first) = seen.get(a.name.text.as_str()) {
            duplicate(diags, "attribute", &a.name.text, a.name.span, *first);
        } else {
            seen.insert(&a.name.text, a.name.span);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Metaverse

fn check_metaverse(mv: &Metaverse, schema: &Schema<'_>, diags: &mut Vec<Diagnostic>) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for t in &mv.types {
        if let Some(first) = seen.get(t.name.text.as_str()) {
            duplicate(diags, "metaverse type", &t.name.text, t.name.span, *first);
            continue;
        }
        seen.insert(&t.name.text, t.name.span);
        check_attrs(&t.attributes, diags);
        for a in &t.attributes {
            for (span, what) in
                [(a.anchor, "`anchor`"), (a.required, "`required`"), (a.operation.map(|(_, s)| s), "an operation")]
            {
                if let Some(span) = span {
                    diags.push(
                        Diagnostic::new(Code::E0218, span, format!("metaverse attributes cannot have {what}"))
                            .with_label("only connector attributes have this")
                            .with_help("metaverse objects are identified by their links and get every value by import flow; remove it"),
                    );
                }
            }
            if let BaseType::Ref(target) = &a.ty.base
                && !schema.mv_types.contains_key(&target.text)
            {
                let names = schema.mv_types.keys().map(String::as_str);
                diags.push(
                    Diagnostic::new(Code::E0102, target.span, format!("unknown metaverse type `{}`", target.text))
                        .with_label("metaverse references point at metaverse types")
                        .with_help(did_you_mean(&target.text, "metaverse type", names)),
                );
            }
        }
        for (i, d) in t.deletions.iter().enumerate() {
            if i > 0 {
                if let Some(first) = t.deletions.first() {
                    duplicate(diags, "deletion rule of", &t.name.text, d.span, first.span);
                }
                continue;
            }
            for name in &d.from {
                if !schema.connectors.contains_key(&name.text) && schema.report_unknown_connector(&name.text) {
                    let names = schema.connectors.keys().map(String::as_str);
                    diags.push(unknown_connector(name, names));
                }
            }
        }
    }
}

fn unknown_connector<'a>(name: &Name, names: impl IntoIterator<Item = &'a str> + Clone) -> Diagnostic {
    Diagnostic::new(Code::E0100, name.span, format!("unknown connector `{}`", name.text))
        .with_label("no connector has this name")
        .with_help(did_you_mean(&name.text, "connector", names))
}

// ---------------------------------------------------------------------------------------------
// Rules

struct RuleCheck<'a, 'db> {
    schema: &'a Schema<'db>,
    heads: &'a RuleHeads,
    diags: &'a mut Vec<Diagnostic>,
    extra: &'a mut Vec<Finding<'db>>,
    item: Item<'db>,
}

/// The precedence a rule without `precedence` has.
pub const DEFAULT_PRECEDENCE: i64 = 100;

impl<'a, 'db> RuleCheck<'a, 'db> {
    fn resolve_cs(&mut self, cs: &CsType) -> Option<(&'a ConnectorSchema<'db>, &'a TypeSchema<'db>)> {
        let Some(conn) = self.schema.connectors.get(&cs.connector.text) else {
            if self.schema.report_unknown_connector(&cs.connector.text) {
                let names = self.schema.connectors.keys().map(String::as_str);
                self.diags.push(unknown_connector(&cs.connector, names));
            }
            return None;
        };
        let Some(t) = conn.objects.get(&cs.object.text) else {
            let names = conn.objects.keys().map(String::as_str);
            self.extra.push(
                Finding::new(
                    self.item,
                    Diagnostic::new(
                        Code::E0101,
                        cs.object.span,
                        format!("connector `{}` has no object type `{}`", cs.connector.text, cs.object.text),
                    )
                    .with_label("unknown object type")
                    .with_help(did_you_mean(&cs.object.text, "object type", names)),
                )
                .with_secondary_at(conn.item, conn.span, "connector declared here"),
            );
            return None;
        };
        Some((conn, t))
    }

    fn resolve_mv(&mut self, name: &Name) -> Option<&'a TypeSchema<'db>> {
        let t = self.schema.mv_types.get(&name.text);
        if t.is_none() && !self.schema.broken_metaverse {
            let names = self.schema.mv_types.keys().map(String::as_str);
            self.diags.push(
                Diagnostic::new(Code::E0102, name.span, format!("unknown metaverse type `{}`", name.text))
                    .with_label("not declared in any `metaverse` block")
                    .with_help(did_you_mean(&name.text, "metaverse type", names)),
            );
        }
        t
    }

    fn check(&mut self, rule: &'a Rule) {
        let inbound = rule.direction == Direction::Inbound;
        // Clauses that may appear once, and clauses in the wrong kind of rule.
        let mut once: BTreeMap<&str, Span> = BTreeMap::new();
        for clause in &rule.clauses {
            let (word, single, allowed) = match clause {
                Clause::Precedence(..) => ("precedence", true, inbound),
                Clause::Scope(..) => ("scope", true, true),
                Clause::Join(..) => ("join", false, inbound),
                Clause::Project(_) => ("project", true, inbound),
                Clause::Provision(..) => ("provision", true, !inbound),
                Clause::Deprovision(..) => ("deprovision", true, !inbound),
                Clause::Flows(..) => ("flow", false, true),
            };
            let span = clause.span();
            let head = Span { start: span.start, end: span.start + u32::try_from(word.len()).unwrap_or(0) };
            if !allowed {
                let (this, other) = if inbound { ("an inbound", "outbound") } else { ("an outbound", "inbound") };
                self.diags.push(
                    Diagnostic::new(Code::E0218, head, format!("`{word}` is not allowed in {this} rule"))
                        .with_label(format!("only {other} rules have `{word}`"))
                        .with_help(match word {
                            "precedence" => "precedence orders inbound contributions to the metaverse; outbound rules have none".to_string(),
                            "join" | "project" => "joins and projection link connector objects to the metaverse on import; write them in an inbound rule".to_string(),
                            _ => "provisioning creates connector objects from the metaverse; write it in an outbound rule".to_string(),
                        }),
                );
            } else if single {
                if let Some(first) = once.get(word) {
                    duplicate(self.diags, "clause", word, head, *first);
                } else {
                    once.insert(word, head);
                }
            }
        }

        let cs = self.resolve_cs(&rule.cs_type);
        let mv = self.resolve_mv(&rule.mv_type);
        let (Some((conn, cs_type)), Some(mv_type)) = (cs, mv) else { return };
        let connector = rule.cs_type.connector.text.as_str();
        let object = rule.cs_type.object.text.as_str();
        let source =
            if inbound { Source::Cs { connector, object, inbound: true } } else { Source::Mv(&rule.mv_type.text) };

        // Scope, and the facts it gives every other clause.
        let mut scope_facts = Vec::new();
        for clause in &rule.clauses {
            if let Clause::Scope(e, _) = clause {
                let mut cx = Cx::new(self.schema, source);
                cx.condition(e, "a scope");
                self.diags.extend(cx.diags);
                scope_facts.extend(facts(e).when_true);
                if always_false(e) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::W0005,
                            e.span,
                            format!("rule `{}` never applies: its scope can never hold", rule.name.value),
                        )
                        .with_label("always false")
                        .with_help("fix the condition, or delete the rule if it is no longer needed"),
                    );
                }
            }
        }
        let new_cx = |schema: &'a Schema<'db>| {
            let mut cx = Cx::new(schema, source);
            cx.present = scope_facts.clone();
            cx
        };

        let mut provision: Option<(Option<&Expr>, Span)> = None;
        let mut flowed: BTreeMap<&str, Span> = BTreeMap::new();
        for clause in &rule.clauses {
            match clause {
                Clause::Join(matches, _) if inbound => {
                    for m in matches {
                        let mut cx = new_cx(self.schema);
                        let ty = cx.infer(&m.value, false);
                        self.diags.extend(cx.diags);
                        let Some(attr) = mv_type.attrs.get(&m.mv_attr.text) else {
                            self.diags.push(unknown_attr(
                                &m.mv_attr,
                                &format!("metaverse type `{}`", rule.mv_type.text),
                                mv_type,
                            ));
                            continue;
                        };
                        let target = Ty::of_mv_attr(attr);
                        let comparable = ty.is_unknown()
                            || match (&ty.base, &target.base) {
                                (Base::CsRef(c, o), Base::MvRef(m)) => {
                                    self.heads.mv_types_of(c, o).contains(&m.as_str())
                                }
                                (a, b) => a == b,
                            };
                        if !comparable {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0200,
                                    m.value.span,
                                    format!(
                                        "cannot join `{}` (`{}`) on a `{}` value",
                                        m.mv_attr.text,
                                        attr.type_text(),
                                        ty.clone().optional(false)
                                    ),
                                )
                                .with_label(format!("this is `{ty}`"))
                                .with_help("transform the value to the metaverse attribute's type"),
                            );
                        }
                    }
                }
                Clause::Provision(dn, span) if !inbound => {
                    provision = Some((dn.as_ref(), *span));
                    if let Some(dn) = dn {
                        let mut cx = new_cx(self.schema);
                        let ty = cx.infer(dn, false);
                        self.diags.extend(cx.diags);
                        if !ty.is_unknown()
                            && (ty.many || ty.base != Base::Kind(metasync_runtime::value::ValueKind::String))
                        {
                            self.diags.push(
                                Diagnostic::new(Code::E0200, dn.span, format!("a DN must be a `string`, found `{ty}`"))
                                    .with_label(format!("this is `{ty}`"))
                                    .with_help("build the DN as text: `\"uid=\" + escape_dn(account) + \",ou=people,dc=example,dc=org\"`"),
                            );
                        } else if ty.optional {
                            self.diags.push(
                                Diagnostic::new(Code::E0201, dn.span, "the DN may be missing")
                                    .with_label(format!("this is `{ty}`"))
                                    .with_help("an object cannot be provisioned without a DN: give a default with `??` or narrow the scope with `is present`"),
                            );
                        }
                    }
                }
                Clause::Flows(flows, _) => {
                    for f in flows {
                        if let Some(first) = flowed.get(f.target.text.as_str()) {
                            self.diags.push(
                                Diagnostic::new(
                                    Code::E0206,
                                    f.target.span,
                                    format!("`{}` is written twice in this rule", f.target.text),
                                )
                                .with_label("second flow")
                                .with_secondary(*first, "first flow")
                                .with_help("keep one flow; combine the values with `if`, `??` or a function"),
                            );
                        } else {
                            flowed.insert(&f.target.text, f.target.span);
                        }
                        self.flow(f, rule, connector, cs_type, mv_type, &new_cx);
                    }
                }
                _ => {}
            }
        }

        if !inbound {
            let dn_style = conn.dn_style.as_str();
            match provision {
                Some((Some(dn), _)) if dn_style == "none" => self.diags.push(
                    Diagnostic::new(Code::E0218, dn.span, format!("connector `{connector}` has no DNs: its objects are named by their anchor"))
                        .with_label("not used")
                        .with_help(format!("remove `dn = ...` and flow the anchor `{}` instead", cs_type.anchor.as_deref().unwrap_or("anchor"))),
                ),
                Some((None, span)) if dn_style != "none" => self.diags.push(
                    Diagnostic::new(Code::E0221, span, format!("provisioning into `{connector}` needs a DN"))
                        .with_label("no `dn = ...`")
                        .with_help("compute the new object's DN: `provision dn = \"uid=\" + escape_dn(account) + \",ou=people,dc=example,dc=org\"`"),
                ),
                _ => {}
            }
            if let Some((_, span)) = provision {
                for attr in cs_type.attrs.values() {
                    let import_only_anchor = attr.anchor && attr.operation == Operation::Import;
                    let needed = attr.required || (attr.anchor && dn_style == "none" && !import_only_anchor);
                    if needed && !import_only_anchor && !flowed.contains_key(attr.name.as_str()) {
                        self.extra.push(
                            Finding::new(
                                self.item,
                                Diagnostic::new(Code::E0205, Span { start: span.start, end: span.start + 9 }, format!("provisioning does not flow `{}`, which `{connector}.{object}` requires on create", attr.name))
                                    .with_label(format!("new objects would have no `{}`", attr.name))
                                    .with_help(format!("add a flow `{} <- ...` to this rule", attr.name)),
                            )
                            .with_secondary_at(cs_type.item, attr.span, "required here"),
                        );
                    }
                }
            }
        }
    }

    fn flow(
        &mut self,
        f: &Flow,
        rule: &Rule,
        connector: &str,
        cs_type: &'a TypeSchema<'db>,
        mv_type: &'a TypeSchema<'db>,
        new_cx: &dyn Fn(&'a Schema<'db>) -> Cx<'a, 'db>,
    ) {
        let inbound = rule.direction == Direction::Inbound;
        if let (Some(span), true) = (f.once, inbound) {
            self.diags.push(
                Diagnostic::new(Code::E0218, span, "`once` is not allowed in an inbound rule")
                    .with_label("only outbound flows have `once`")
                    .with_help(
                        "`once` sets a connector attribute when the object is provisioned; inbound flows always apply",
                    ),
            );
        }
        let mut cx = new_cx(self.schema);
        let value = cx.infer(&f.value, true);
        self.diags.extend(cx.diags);
        if !inbound && value.base == Base::AuthoritativeNull {
            self.diags.push(
                Diagnostic::new(Code::E0218, f.value.span, "`authoritative null` is not allowed in an outbound rule")
                    .with_label("only inbound flows have `authoritative null`")
                    .with_help("write `null` to clear the connector attribute"),
            );
            return;
        }
        let (target_schema, owner) = if inbound {
            (mv_type, format!("metaverse type `{}`", rule.mv_type.text))
        } else {
            (cs_type, format!("`{}.{}`", connector, rule.cs_type.object.text))
        };
        let Some(attr) = target_schema.attrs.get(&f.target.text) else {
            self.diags.push(unknown_attr(&f.target, &owner, target_schema));
            return;
        };
        if !inbound && attr.operation == Operation::Import {
            self.extra.push(
                Finding::new(
                    self.item,
                    Diagnostic::new(Code::E0202, f.target.span, format!("`{}` is import-only and cannot be exported", f.target.text))
                        .with_label("written by an outbound flow")
                        .with_help("remove the flow, or declare the attribute `(import, export)` if the connected system accepts writes"),
                )
                .with_secondary_at(cs_type.item, attr.span, "declared import-only here"),
            );
            return;
        }
        if let Some((_, span)) = f.merge
            && !attr.many
        {
            self.diags.push(
                Diagnostic::new(
                    Code::E0217,
                    span,
                    format!("`{}` is single-valued: there is nothing to merge", f.target.text),
                )
                .with_label("merge policy on a single value")
                .with_help("remove `merge ...`; merge policies are for multi-valued attributes"),
            );
        }
        let target_ty = if inbound { Ty::of_mv_attr(attr) } else { Ty::of_cs_attr(connector, attr) };
        let heads = self.heads;
        let ref_ok = |from: &Base, to: &Base| -> Result<(), String> {
            match (from, to) {
                (Base::CsRef(c, o), Base::MvRef(m)) => {
                    let types = heads.mv_types_of(c, o);
                    if types.contains(&m.as_str()) {
                        Ok(())
                    } else if types.is_empty() {
                        Err(format!("no inbound rule links `{c}.{o}` to the metaverse; add `inbound \"...\" {c}.{o} -> {m}`"))
                    } else {
                        Err(format!("`{c}.{o}` objects link to `{}`, not `{m}`", types.join("`, `")))
                    }
                }
                (Base::MvRef(m), Base::CsRef(c, o)) => {
                    if heads.outbound.contains(&(m.clone(), c.clone(), o.clone())) {
                        Ok(())
                    } else {
                        Err(format!("no outbound rule maps `{m}` to `{c}.{o}`; add `outbound \"...\" {m} -> {c}.{o}`"))
                    }
                }
                (a, b) if a == b => Ok(()),
                _ => Err("a reference points at one object type; build it with `ref(connector.type, key)` for the right type".to_string()),
            }
        };
        check_assign(self.diags, &value, f.value.span, attr, &target_ty, &ref_ok);
    }
}

fn unknown_attr(name: &Name, owner: &str, t: &TypeSchema<'_>) -> Diagnostic {
    let names = t.attrs.keys().map(String::as_str);
    Diagnostic::new(Code::E0103, name.span, format!("{owner} has no attribute `{}`", name.text))
        .with_label("unknown attribute")
        .with_help(did_you_mean(&name.text, "attribute", names))
}

/// Whether a condition can never hold (literal `false`, comparisons of literals, and
/// `x == a and x == b` with different literals).
pub fn always_false(e: &Expr) -> bool {
    const_bool(e) == Some(false) || contradiction(e)
}

fn const_bool(e: &Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Literal(Literal::Boolean(b)) => Some(*b),
        ExprKind::Unary(UnaryOp::Not, a) => const_bool(a).map(|b| !b),
        ExprKind::Binary(BinaryOp::And, a, b) => match (const_bool(a), const_bool(b)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        ExprKind::Binary(BinaryOp::Or, a, b) => match (const_bool(a), const_bool(b)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        ExprKind::Binary(op @ (BinaryOp::Eq | BinaryOp::Ne), a, b) => match (&a.kind, &b.kind) {
            (ExprKind::Literal(x), ExprKind::Literal(y))
                if !matches!(x, Literal::Null) && !matches!(y, Literal::Null) =>
            {
                Some((x == y) == (*op == BinaryOp::Eq))
            }
            _ => None,
        },
        _ => None,
    }
}

fn contradiction(e: &Expr) -> bool {
    let mut equalities: Vec<(String, &Literal)> = Vec::new();
    fn collect<'e>(e: &'e Expr, out: &mut Vec<(String, &'e Literal)>) {
        match &e.kind {
            ExprKind::Binary(BinaryOp::And, a, b) => {
                collect(a, out);
                collect(b, out);
            }
            ExprKind::Binary(BinaryOp::Eq, a, b) => {
                if let (ExprKind::Var(n), ExprKind::Literal(l)) | (ExprKind::Literal(l), ExprKind::Var(n)) =
                    (&a.kind, &b.kind)
                    && !matches!(l, Literal::Null)
                {
                    out.push((n.text.clone(), l));
                }
            }
            _ => {}
        }
    }
    collect(e, &mut equalities);
    equalities.iter().enumerate().any(|(i, (n, l))| equalities.iter().skip(i + 1).any(|(n2, l2)| n == n2 && l != l2))
}

// ---------------------------------------------------------------------------------------------
// Profiles and tests

fn check_profile(p: &Profile, schema: &Schema<'_>, diags: &mut Vec<Diagnostic>) {
    if p.steps.is_empty() {
        diags.push(
            Diagnostic::new(Code::E0224, p.name.span, format!("profile `{}` has no steps", p.name.text))
                .with_label("empty profile")
                .with_help("add steps such as `full import hr`, `delta sync hr`, `export directory`"),
        );
    }
    for step in &p.steps {
        let Some(conn) = schema.connectors.get(&step.connector.text) else {
            if schema.report_unknown_connector(&step.connector.text) {
                diags.push(unknown_connector(&step.connector, schema.connectors.keys().map(String::as_str)));
            }
            continue;
        };
        if step.kind == StepKind::DeltaImport && !conn.delta_import {
            let kind = conn.kind.map_or("unknown", |k: &KindSpec| k.name);
            let file_kind = conn.kind.is_some_and(|k| k.options.iter().any(|o| o.name == "delta_path"));
            diags.push(
                Diagnostic::new(
                    Code::E0219,
                    step.span,
                    format!("connector `{}` cannot import deltas", step.connector.text),
                )
                .with_label(if file_kind {
                    format!("this `{kind}` connector has no change file (`delta_path`)")
                } else {
                    format!("`{kind}` connectors have no delta import")
                })
                .with_help(if file_kind {
                    "set `delta_path` to a change file to import deltas, or use `full import` for this connector"
                } else {
                    "use `full import` for this connector"
                }),
            );
        }
    }
}

fn check_test(t: &Test, schema: &Schema<'_>, diags: &mut Vec<Diagnostic>) {
    for stmt in &t.statements {
        match stmt {
            TestStmt::Given(g) => {
                let Some(ty) = resolve_cs_quiet(&g.cs_type, schema, diags) else { continue };
                check_record(&g.record, ty, Some(&g.cs_type.connector.text), schema, diags);
                // A system-assigned (import-only) anchor may be left out when the object is named
                // by its DN: import matches by anchor, then by DN.
                if let Some(anchor) = &ty.anchor
                    && !(g.dn.is_some() && ty.attrs.get(anchor).is_some_and(|a| a.operation == Operation::Import))
                    && !g.record.fields.iter().any(|f| &f.name.text == anchor)
                {
                    diags.push(
                        Diagnostic::new(
                            Code::E0223,
                            g.cs_type.span,
                            format!(
                                "this `{}.{}` has no value for its anchor `{anchor}`",
                                g.cs_type.connector.text, g.cs_type.object.text
                            ),
                        )
                        .with_label("no anchor")
                        .with_help(format!("add `{anchor}: ...` to the record")),
                    );
                }
            }
            TestStmt::Expect(e) => {
                let (ty, connector) = match &e.target {
                    ExpectTarget::Metaverse(name) => match schema.mv_types.get(&name.text) {
                        Some(t) => (Some(t), None),
                        None if schema.broken_metaverse => (None, None),
                        None => {
                            diags.push(
                                Diagnostic::new(
                                    Code::E0102,
                                    name.span,
                                    format!("unknown metaverse type `{}`", name.text),
                                )
                                .with_label("not declared in any `metaverse` block")
                                .with_help(did_you_mean(
                                    &name.text,
                                    "metaverse type",
                                    schema.mv_types.keys().map(String::as_str),
                                )),
                            );
                            (None, None)
                        }
                    },
                    ExpectTarget::ConnectorSpace(cs) | ExpectTarget::Export { cs_type: cs, .. } => {
                        (resolve_cs_quiet(cs, schema, diags), Some(cs.connector.text.as_str()))
                    }
                };
                if let (Some(ty), Some(record)) = (ty, &e.record) {
                    check_record(record, ty, connector, schema, diags);
                }
            }
        }
    }
}

fn resolve_cs_quiet<'s, 'db>(
    cs: &CsType,
    schema: &'s Schema<'db>,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'s TypeSchema<'db>> {
    let Some(conn) = schema.connectors.get(&cs.connector.text) else {
        if schema.report_unknown_connector(&cs.connector.text) {
            diags.push(unknown_connector(&cs.connector, schema.connectors.keys().map(String::as_str)));
        }
        return None;
    };
    let t = conn.objects.get(&cs.object.text);
    if t.is_none() {
        diags.push(
            Diagnostic::new(
                Code::E0101,
                cs.object.span,
                format!("connector `{}` has no object type `{}`", cs.connector.text, cs.object.text),
            )
            .with_label("unknown object type")
            .with_help(did_you_mean(
                &cs.object.text,
                "object type",
                conn.objects.keys().map(String::as_str),
            )),
        );
    }
    t
}

fn check_record(
    record: &Record,
    ty: &TypeSchema<'_>,
    connector: Option<&str>,
    schema: &Schema<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for f in &record.fields {
        if let Some(first) = seen.get(f.name.text.as_str()) {
            duplicate(diags, "field", &f.name.text, f.name.span, *first);
            continue;
        }
        seen.insert(&f.name.text, f.name.span);
        let Some(attr) = ty.attrs.get(&f.name.text) else {
            let owner = match connector {
                Some(_) => "the object type".to_string(),
                None => "the metaverse type".to_string(),
            };
            diags.push(unknown_attr(&f.name, &owner, ty));
            continue;
        };
        let mut cx = Cx::new(schema, Source::Literals);
        let mut value = cx.infer(&f.value, false);
        diags.extend(cx.diags);
        // GUIDs have no literal of their own: a test writes them as text in the usual form.
        if attr.base == AttrBase::Kind(metasync_runtime::value::ValueKind::Guid)
            && let ExprKind::Literal(Literal::String(text)) = &f.value.kind
        {
            if !is_guid_text(text) {
                diags.push(
                    Diagnostic::new(Code::E0200, f.value.span, format!("`{text}` is not a GUID"))
                        .with_label("expected a GUID")
                        .with_help("write a GUID as 32 hexadecimal digits in groups of 8-4-4-4-12, e.g. `\"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"`"),
                );
                continue;
            }
            value.base = Base::Kind(metasync_runtime::value::ValueKind::Guid);
        }
        // References in test records are written as the referenced object's anchor or DN.
        let target = match (&attr.base, connector) {
            (AttrBase::Ref(_), _) => Ty {
                base: Base::Kind(metasync_runtime::value::ValueKind::String),
                many: attr.many,
                optional: attr.optional,
            },
            (_, Some(c)) => Ty::of_cs_attr(c, attr),
            (_, None) => Ty::of_mv_attr(attr),
        };
        let mut as_string = attr.clone();
        if let AttrBase::Ref(_) = attr.base {
            if matches!(value.base, Base::CsRef(..) | Base::MvRef(_)) {
                // `ref(connector.type, key)` names the referenced object exactly.
                let as_ref = Ty { base: value.base.clone(), many: attr.many, optional: attr.optional };
                check_assign(diags, &value, f.value.span, attr, &as_ref, &|_, _| Ok(()));
                continue;
            }
            as_string.base = AttrBase::Kind(metasync_runtime::value::ValueKind::String);
        }
        check_assign(diags, &value, f.value.span, &as_string, &target, &|_, _| Ok(()));
    }
}

/// Whether `text` is a GUID written 8-4-4-4-12 (braces allowed).
pub fn is_guid_text(text: &str) -> bool {
    let t = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(text);
    let groups: Vec<&str> = t.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Names of all attributes of a type, for usage tracking.
pub fn attr_names(t: &TypeSchema<'_>) -> BTreeSet<String> {
    t.attrs.keys().cloned().collect()
}
