//! The abstract syntax tree of one top-level item.
//!
//! Spans are relative to the start of the item (see [`crate::span`]): an item's AST does not
//! change when text before it changes, so salsa reuses everything computed from it.

use crate::span::Span;
use metasync_runtime::value::ValueKind;

/// An identifier with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name {
    /// The name without backticks.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A string literal's value with its span.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StringLit {
    /// The value, escapes resolved.
    pub value: String,
    /// Where it is written, quotes included.
    pub span: Span,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemAst {
    /// `connector NAME: KIND { ... }`
    Connector(Connector),
    /// `metaverse { ... }`
    Metaverse(Metaverse),
    /// `inbound` or `outbound` rule.
    Rule(Rule),
    /// `profile NAME { ... }`
    Profile(Profile),
    /// `test "NAME" { ... }`
    Test(Test),
}

// ---------------------------------------------------------------------------------------------
// Connectors and schemas

/// `connector NAME: KIND { ... }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Connector {
    /// The connector's name.
    pub name: Name,
    /// Its kind (`csv`, `ldap`...).
    pub kind: Name,
    /// Configuration options.
    pub settings: Vec<Setting>,
    /// Container and partition scope.
    pub containers: Vec<Container>,
    /// Connector filters.
    pub filters: Vec<ConnectorFilter>,
    /// `capabilities { ... }` blocks.
    pub capabilities: Vec<Setting>,
    /// Object types.
    pub objects: Vec<ObjectDecl>,
}

/// `NAME = VALUE`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Setting {
    /// The option.
    pub name: Name,
    /// The value.
    pub value: SettingValue,
    /// The whole setting.
    pub span: Span,
}

/// The value of a setting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SettingValue {
    /// `env("NAME")`: read from the environment when the rule set runs.
    Env(StringLit),
    /// `secret("NAME")`: read from the secret store when the rule set runs.
    Secret(StringLit),
    /// A literal or a list of literals.
    Literal(Expr),
}

/// Which way a container statement scopes the connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContainerKind {
    /// `include "DN"`: only objects at or below this DN.
    Include,
    /// `exclude "DN"`: no objects at or below this DN.
    Exclude,
    /// `partition "DN"`: a naming context to import from.
    Partition,
}

/// `include "ou=people,dc=example,dc=org"`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Container {
    /// Include, exclude or partition.
    pub kind: ContainerKind,
    /// The DN.
    pub dn: StringLit,
    /// The whole statement.
    pub span: Span,
}

/// `filter TYPE where CONDITION`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConnectorFilter {
    /// The object type filtered.
    pub object: Name,
    /// Objects for which this is false are not imported.
    pub condition: Expr,
    /// The whole statement.
    pub span: Span,
}

/// `object TYPE { attributes }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectDecl {
    /// The object type's name.
    pub name: Name,
    /// Its attributes.
    pub attributes: Vec<AttrDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// Which directions an attribute flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// Only imported from the connected system.
    Import,
    /// Only exported to it (passwords).
    Export,
    /// Both (the default).
    ImportExport,
}

/// One attribute declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AttrDecl {
    /// The attribute's name.
    pub name: Name,
    /// `anchor` modifier.
    pub anchor: Option<Span>,
    /// `required` modifier (required on create).
    pub required: Option<Span>,
    /// The declared type.
    pub ty: TypeExpr,
    /// `(import)`, `(export)`, `(import, export)`.
    pub operation: Option<(Operation, Span)>,
    /// The whole declaration.
    pub span: Span,
}

/// A declared attribute type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    /// The value type.
    pub base: BaseType,
    /// `[T]`: multi-valued.
    pub many: bool,
    /// `T?`: may be missing.
    pub optional: bool,
    /// The whole type.
    pub span: Span,
}

/// The type of one value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BaseType {
    /// A scalar kind.
    Scalar(ValueKind),
    /// `ref TYPE`: a reference to an object of TYPE (in the same connector, or in the metaverse).
    Ref(Name),
}

/// `metaverse { ... }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Metaverse {
    /// Its object types.
    pub types: Vec<MvType>,
}

/// A metaverse object type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MvType {
    /// The type's name.
    pub name: Name,
    /// Its attributes.
    pub attributes: Vec<AttrDecl>,
    /// Deletion rules (at most one is allowed).
    pub deletions: Vec<Deletion>,
    /// The whole declaration.
    pub span: Span,
}

/// `delete when unlinked [from CONNECTOR, ...]`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Deletion {
    /// Authoritative connectors; empty means "when the last link goes".
    pub from: Vec<Name>,
    /// The whole statement.
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Rules

/// Inbound (connector space to metaverse) or outbound (metaverse to connector space).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `inbound`
    Inbound,
    /// `outbound`
    Outbound,
}

/// `CONNECTOR.TYPE`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CsType {
    /// The connector.
    pub connector: Name,
    /// The object type.
    pub object: Name,
    /// Both.
    pub span: Span,
}

/// A synchronization rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    /// Which way it flows.
    pub direction: Direction,
    /// The rule's name.
    pub name: StringLit,
    /// The connector object type (source of inbound rules, target of outbound rules).
    pub cs_type: CsType,
    /// The metaverse object type.
    pub mv_type: Name,
    /// The clauses, in the order written.
    pub clauses: Vec<Clause>,
}

/// One clause of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Clause {
    /// `precedence N` (lower wins).
    Precedence(i64, Span),
    /// `scope CONDITION`
    Scope(Expr, Span),
    /// `join A == x and B == y`: one join criterion.
    Join(Vec<JoinMatch>, Span),
    /// `project`
    Project(Span),
    /// `provision [dn = EXPR]`
    Provision(Option<Expr>, Span),
    /// `deprovision delete|disconnect|keep`
    Deprovision(DeprovisionAction, Span),
    /// `flow { ... }`
    Flows(Vec<Flow>, Span),
}

impl Clause {
    /// The span of the whole clause.
    pub fn span(&self) -> Span {
        match self {
            Clause::Precedence(_, s)
            | Clause::Scope(_, s)
            | Clause::Join(_, s)
            | Clause::Project(s)
            | Clause::Provision(_, s)
            | Clause::Deprovision(_, s)
            | Clause::Flows(_, s) => *s,
        }
    }
}

/// `MVATTR == EXPR` inside a join criterion.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JoinMatch {
    /// The metaverse attribute searched.
    pub mv_attr: Name,
    /// The value computed from the connector object.
    pub value: Expr,
    /// The whole match.
    pub span: Span,
}

/// What happens to a connector object when it leaves an outbound rule's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeprovisionAction {
    /// Delete it from the connected system.
    Delete,
    /// Disconnect it (it stays in the connected system, unjoined).
    Disconnect,
    /// Keep it joined, stop flowing to it.
    Keep,
}

/// How a multi-valued flow combines with the target's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MergePolicy {
    /// The flow's values replace the target's values (the default).
    Replace,
    /// The flow's values are added to the values other sources gave.
    Union,
}

/// `TARGET <- EXPR [once] [merge POLICY]`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flow {
    /// The attribute written.
    pub target: Name,
    /// The value.
    pub value: Expr,
    /// `once`: only when the target object is created.
    pub once: Option<Span>,
    /// `merge union|replace`
    pub merge: Option<(MergePolicy, Span)>,
    /// The whole flow.
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Run profiles and tests

/// `profile NAME { steps }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Profile {
    /// The profile's name.
    pub name: Name,
    /// Its steps in order.
    pub steps: Vec<Step>,
}

/// What a run profile step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// `full import`
    FullImport,
    /// `delta import`
    DeltaImport,
    /// `full sync`
    FullSync,
    /// `delta sync`
    DeltaSync,
    /// `export`
    Export,
}

impl StepKind {
    /// As written in a profile.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::FullImport => "full import",
            StepKind::DeltaImport => "delta import",
            StepKind::FullSync => "full sync",
            StepKind::DeltaSync => "delta sync",
            StepKind::Export => "export",
        }
    }
}

/// One step of a run profile.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Step {
    /// What it does.
    pub kind: StepKind,
    /// On which connector.
    pub connector: Name,
    /// The whole step.
    pub span: Span,
}

/// `test "NAME" { ... }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Test {
    /// The test's name.
    pub name: StringLit,
    /// Given objects and expectations, in order.
    pub statements: Vec<TestStmt>,
}

/// A statement of a test.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TestStmt {
    /// `given CONNECTOR.TYPE [at "DN"] { ... }`
    Given(Given),
    /// `expect ...`
    Expect(Expect),
}

/// A connector object a test starts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Given {
    /// Its type.
    pub cs_type: CsType,
    /// Its DN, when the connector's objects have one.
    pub dn: Option<StringLit>,
    /// Its attribute values.
    pub record: Record,
    /// The whole statement.
    pub span: Span,
}

/// What an expectation is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExpectTarget {
    /// A metaverse object of this type.
    Metaverse(Name),
    /// A connector space object of this type.
    ConnectorSpace(CsType),
    /// A pending export.
    Export {
        /// Add, update or delete.
        change: ExportChange,
        /// The target object type.
        cs_type: CsType,
        /// The target DN, when given.
        dn: Option<StringLit>,
    },
}

/// The kind of a pending export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportChange {
    /// A new object.
    Add,
    /// Changed attributes.
    Update,
    /// A deletion.
    Delete,
}

/// `expect [no] TARGET [{ ... }]`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expect {
    /// `no`: no such object may exist.
    pub negated: bool,
    /// What is expected.
    pub target: ExpectTarget,
    /// Attribute values the object must have (others are not compared).
    pub record: Option<Record>,
    /// The whole statement.
    pub span: Span,
}

/// `{ attr: value, ... }`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Record {
    /// The fields in order.
    pub fields: Vec<Field>,
    /// The braces and everything between.
    pub span: Span,
}

/// `attr: value`
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The attribute.
    pub name: Name,
    /// Its value.
    pub value: Expr,
    /// The whole field.
    pub span: Span,
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// An expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// `"text"` or `r"text"`
    String(String),
    /// `42`
    Integer(i64),
    /// `true`, `false`
    Boolean(bool),
    /// `@2024-01-05T10:00:00Z`, normalized to RFC 3339 in UTC.
    DateTime(String),
    /// `null`: no value.
    Null,
    /// `authoritative null`: clears the metaverse value, winning over lower precedence.
    AuthoritativeNull,
    /// `ignore`: the flow does nothing this time.
    Ignore,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `+` (integers: sum; strings: concatenation)
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `and`
    And,
    /// `or`
    Or,
    /// `??`
    Coalesce,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `matches`
    Matches,
}

impl BinaryOp {
    /// As written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::And => "and",
            BinaryOp::Or => "or",
            BinaryOp::Coalesce => "??",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Matches => "matches",
        }
    }
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// A literal.
    Literal(Literal),
    /// An attribute of the rule's source object.
    Var(Name),
    /// `expr.attr`: an attribute of the object a reference points to.
    Member(Box<Expr>, Name),
    /// `f(a, b)`
    Call(Name, Vec<Expr>),
    /// `ref(CONNECTOR.TYPE, KEY)`
    Ref(CsType, Box<Expr>),
    /// `[a, b]`
    List(Vec<Expr>),
    /// `-x`, `not x`
    Unary(UnaryOp, Box<Expr>),
    /// `a + b`, `a and b`...
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `x is [not] present`, `x is [not] null`
    Presence {
        /// The value tested.
        expr: Box<Expr>,
        /// True for `is present` / `is not null`: the test holds when there is a value.
        when_present: bool,
    },
    /// `if c then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `name -> body`: binds `name` in `body` (arguments of `select`, `where`, `with`).
    Lambda(Name, Box<Expr>),
    /// A literal that could not be read (already reported); checks skip it.
    Invalid,
}
