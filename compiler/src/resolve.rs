//! Name resolution: the schema of the rule set (connectors, their object types and attributes,
//! the metaverse types) and the heads of its rules.
//!
//! [`schema`] reads only connector and metaverse items and [`rule_heads`] only the heads of
//! rules, so editing a flow re-runs neither into a different value: salsa backdates them and
//! the checks of every other item stay cached.

use crate::db::{Db, Item, Workspace, all_items};
use crate::span::Span;
use crate::syntax::ast::{self, BaseType, ItemAst, Operation};
use crate::syntax::segment::ItemKind;
use metasync_runtime::connectors::registry::{self, KindSpec};
use metasync_runtime::value::ValueKind;
use std::collections::{BTreeMap, BTreeSet};

/// The value type of an attribute (without multiplicity and optionality).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttrBase {
    /// A scalar.
    Kind(ValueKind),
    /// A reference to an object type (of the same connector, or of the metaverse).
    Ref(String),
}

/// A declared attribute.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrSchema {
    /// Its name.
    pub name: String,
    /// Its value type.
    pub base: AttrBase,
    /// Multi-valued.
    pub many: bool,
    /// May be missing.
    pub optional: bool,
    /// The anchor of its object type.
    pub anchor: bool,
    /// Required when an object is created.
    pub required: bool,
    /// Which way it flows.
    pub operation: Operation,
    /// The declaration, relative to the declaring item.
    pub span: Span,
}

impl AttrSchema {
    fn from_decl(decl: &ast::AttrDecl) -> AttrSchema {
        AttrSchema {
            name: decl.name.text.clone(),
            base: match &decl.ty.base {
                BaseType::Scalar(k) => AttrBase::Kind(*k),
                BaseType::Ref(n) => AttrBase::Ref(n.text.clone()),
            },
            many: decl.ty.many,
            optional: decl.ty.optional,
            anchor: decl.anchor.is_some(),
            required: decl.required.is_some(),
            operation: decl.operation.map_or(Operation::ImportExport, |(op, _)| op),
            span: decl.name.span,
        }
    }

    /// The type as written (`[ref person]?`).
    pub fn type_text(&self) -> String {
        let base = match &self.base {
            AttrBase::Kind(k) => k.keyword().to_string(),
            AttrBase::Ref(t) => format!("ref {t}"),
        };
        let base = if self.many { format!("[{base}]") } else { base };
        if self.optional { format!("{base}?") } else { base }
    }
}

/// An object type (of a connector or of the metaverse).
#[derive(Debug, Clone, PartialEq, Eq, salsa::SalsaValue)]
pub struct TypeSchema<'db> {
    /// The item that declares it.
    pub item: Item<'db>,
    /// The name's span in that item.
    pub span: Span,
    /// Its attributes (first declaration wins).
    pub attrs: BTreeMap<String, AttrSchema>,
    /// The anchor attribute's name.
    pub anchor: Option<String>,
}

/// A connector.
#[derive(Debug, Clone, PartialEq, Eq, salsa::SalsaValue)]
pub struct ConnectorSchema<'db> {
    /// The item that declares it.
    pub item: Item<'db>,
    /// The name's span in that item.
    pub span: Span,
    /// Its kind's registry entry (`None`: unknown kind, already reported).
    pub kind: Option<&'static KindSpec>,
    /// The DN style after overrides (`none`, `generic`, `ldap`).
    pub dn_style: String,
    /// Whether it can import deltas, after overrides.
    pub delta_import: bool,
    /// Its object types.
    pub objects: BTreeMap<String, TypeSchema<'db>>,
}

/// The schema of the whole rule set.
#[derive(Debug, Clone, PartialEq, Eq, Default, salsa::SalsaValue)]
pub struct Schema<'db> {
    /// Connectors by name (first declaration wins).
    pub connectors: BTreeMap<String, ConnectorSchema<'db>>,
    /// Metaverse types by name (first declaration wins).
    pub mv_types: BTreeMap<String, TypeSchema<'db>>,
    /// Connectors whose declaration has a syntax error: uses of them are not reported again.
    pub broken_connectors: BTreeSet<String>,
    /// Some `metaverse` block has a syntax error: unknown metaverse types are not reported.
    pub broken_metaverse: bool,
}

impl<'db> Schema<'db> {
    /// Whether an unknown connector name should be reported (not when its declaration is broken).
    pub fn report_unknown_connector(&self, name: &str) -> bool {
        !self.broken_connectors.contains(name)
    }

    /// The connector object type `connector.object`.
    pub fn cs_type(&self, connector: &str, object: &str) -> Option<&TypeSchema<'db>> {
        self.connectors.get(connector)?.objects.get(object)
    }
}

fn type_schema<'db>(item: Item<'db>, span: Span, attrs: &[ast::AttrDecl]) -> TypeSchema<'db> {
    let mut map = BTreeMap::new();
    let mut anchor = None;
    for decl in attrs {
        if decl.anchor.is_some() && anchor.is_none() {
            anchor = Some(decl.name.text.clone());
        }
        map.entry(decl.name.text.clone()).or_insert_with(|| AttrSchema::from_decl(decl));
    }
    TypeSchema { item, span, attrs: map, anchor }
}

/// The effective value of a capability: the connector's override when it is a literal, or the
/// kind's value.
pub fn capability_value(kind: &KindSpec, connector: &ast::Connector, name: &str) -> Option<String> {
    for setting in connector.capabilities.iter().rev() {
        if setting.name.text == name
            && let ast::SettingValue::Literal(e) = &setting.value
        {
            match &e.kind {
                ast::ExprKind::Literal(ast::Literal::String(s)) => return Some(s.clone()),
                ast::ExprKind::Literal(ast::Literal::Boolean(b)) => return Some(b.to_string()),
                ast::ExprKind::Literal(ast::Literal::Integer(n)) => return Some(n.to_string()),
                _ => {}
            }
        }
    }
    kind.capability(name).map(|c| c.value.trim_matches('"').to_string())
}

/// The schema of one connector declaration.
pub fn connector_schema<'db>(item: Item<'db>, c: &ast::Connector) -> ConnectorSchema<'db> {
    let kind = registry::kind(&c.kind.text);
    let dn_style = kind.and_then(|k| capability_value(k, c, "dn_style")).unwrap_or_else(|| "none".into());
    // File kinds import deltas from the change file `delta_path` names.
    let change_file = kind.is_some_and(|k| k.options.iter().any(|o| o.name == "delta_path"))
        && c.settings.iter().any(|s| s.name.text == "delta_path");
    let delta_import =
        change_file || kind.and_then(|k| capability_value(k, c, "delta_import")).is_some_and(|v| v == "true");
    let mut objects = BTreeMap::new();
    for o in &c.objects {
        objects.entry(o.name.text.clone()).or_insert_with(|| type_schema(item, o.name.span, &o.attributes));
    }
    ConnectorSchema { item, span: c.name.span, kind, dn_style, delta_import, objects }
}

/// The schema: connectors and metaverse types of every file.
#[salsa::tracked(returns(ref))]
pub fn schema(db: &dyn Db, _ws: Workspace) -> Schema<'_> {
    let mut schema = Schema::default();
    for item in all_items(db) {
        // The kind is part of the item's identity: filtering on it first keeps the schema from
        // depending on the ASTs of rules, profiles and tests.
        if !matches!(item.kind(db), ItemKind::Connector | ItemKind::Metaverse) {
            continue;
        }
        match &item.parsed(db).ast {
            None if item.kind(db) == ItemKind::Connector => {
                schema.broken_connectors.insert(item.key(db).clone());
            }
            None => schema.broken_metaverse = true,
            Some(ItemAst::Connector(c)) => {
                if schema.connectors.contains_key(&c.name.text) {
                    continue;
                }
                schema.connectors.insert(c.name.text.clone(), connector_schema(item, c));
            }
            Some(ItemAst::Metaverse(mv)) => {
                for t in &mv.types {
                    // A type defined twice is reported (E0107); merging the declarations keeps
                    // that one mistake from turning every use of the second into E0103.
                    let declared = type_schema(item, t.name.span, &t.attributes);
                    match schema.mv_types.get_mut(&t.name.text) {
                        Some(existing) => {
                            for (name, attr) in declared.attrs {
                                existing.attrs.entry(name).or_insert(attr);
                            }
                        }
                        None => {
                            schema.mv_types.insert(t.name.text.clone(), declared);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    schema
}

/// The heads of every rule: which connector types map to which metaverse types.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleHeads {
    /// `(connector, object, metaverse type)` of inbound rules.
    pub inbound: BTreeSet<(String, String, String)>,
    /// `(metaverse type, connector, object)` of outbound rules.
    pub outbound: BTreeSet<(String, String, String)>,
}

impl RuleHeads {
    /// The metaverse types that objects of `connector.object` join or project to.
    pub fn mv_types_of(&self, connector: &str, object: &str) -> Vec<&str> {
        self.inbound.iter().filter(|(c, o, _)| c == connector && o == object).map(|(_, _, m)| m.as_str()).collect()
    }
}

/// The heads of every rule.
#[salsa::tracked(returns(ref))]
pub fn rule_heads(db: &dyn Db, _ws: Workspace) -> RuleHeads {
    let mut heads = RuleHeads::default();
    for item in all_items(db) {
        if !matches!(item.kind(db), ItemKind::Inbound | ItemKind::Outbound) {
            continue;
        }
        if let Some(ItemAst::Rule(rule)) = &item.parsed(db).ast {
            let (c, o, m) =
                (rule.cs_type.connector.text.clone(), rule.cs_type.object.text.clone(), rule.mv_type.text.clone());
            match rule.direction {
                ast::Direction::Inbound => heads.inbound.insert((c, o, m)),
                ast::Direction::Outbound => heads.outbound.insert((m, c, o)),
            };
        }
    }
    heads
}
