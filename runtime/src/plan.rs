//! The evaluation plan: everything the runtime knows of a rule set.
//!
//! The compiler produces a [`Plan`] from checked `.sync` files; the runtime loads it without the
//! compiler. Names are resolved to indexes ("slots"): an attribute is the index of its name in its
//! object type's attribute list (sorted by name), a connector or type the index in its list. Rules
//! are ordered (inbound by precedence, then name; outbound by name), each metaverse attribute has
//! its precedence table, and expressions are trees over slots and linked functions, so evaluating
//! one never looks a name up.
//!
//! The plan serializes with serde (JSON) deterministically: the same rule set gives the same bytes,
//! and [`Plan::hash`] is the SHA-256 of the plan's content, which every run records.

use crate::builtins::{self, Signature};
use crate::value::{Value, ValueKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The plan format this runtime reads and writes.
pub const FORMAT: u32 = 1;

/// A compiled rule set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// [`FORMAT`] when written.
    pub format: u32,
    /// The SHA-256 of the plan's content (hex), see [`Plan::content_hash`].
    pub hash: String,
    /// Connectors, sorted by name.
    pub connectors: Vec<Connector>,
    /// Metaverse object types, sorted by name.
    pub metaverse: Vec<MvType>,
    /// Inbound rules, by precedence then name.
    pub inbound: Vec<InboundRule>,
    /// Outbound rules, by name.
    pub outbound: Vec<OutboundRule>,
    /// Run profiles, by name.
    pub profiles: Vec<Profile>,
    /// Rule unit tests, in source order.
    pub tests: Vec<Test>,
}

/// Where something is in the rule files (for messages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file, as given to the compiler.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (characters).
    pub column: u32,
    /// Byte range in the file.
    pub start: u32,
    /// End of the byte range.
    pub end: u32,
}

/// A connector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Connector {
    /// Its name.
    pub name: String,
    /// Its kind (`csv`, `ldap`...).
    pub kind: String,
    /// Configuration options as written (secrets by name only), sorted by option name.
    pub settings: Vec<(String, Setting)>,
    /// Container and partition scope.
    pub containers: Vec<Container>,
    /// Capabilities after overrides, sorted by name (values as written: `true`, `"ldap"`, `500`).
    pub capabilities: Vec<(String, String)>,
    /// Object types, sorted by name.
    pub objects: Vec<ObjectType>,
}

/// The value of a configuration option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Setting {
    /// A literal.
    Literal(Value),
    /// Read from this environment variable when the rule set runs.
    Env(String),
    /// Read from the secret store under this name when the rule set runs.
    Secret(String),
}

/// `include`, `exclude` or `partition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Container {
    /// Which.
    pub kind: ContainerKind,
    /// The DN.
    pub dn: String,
}

/// The kinds of container statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerKind {
    /// Only objects at or below.
    Include,
    /// No objects at or below.
    Exclude,
    /// A naming context to import from.
    Partition,
}

/// Which directions an attribute flows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Imported only.
    Import,
    /// Exported only.
    Export,
    /// Both.
    ImportExport,
}

/// An attribute of an object type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// The kind of its values.
    pub kind: ValueKind,
    /// For references, the referenced object type's name (of the same connector, or of the
    /// metaverse).
    pub references: Option<String>,
    /// Multi-valued.
    pub many: bool,
    /// May be missing.
    pub optional: bool,
    /// Required when an object is created.
    pub required: bool,
    /// Which way it flows.
    pub operation: Operation,
}

/// A connector object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectType {
    /// Its name.
    pub name: String,
    /// Attributes, sorted by name; an attribute's slot is its index here.
    pub attributes: Vec<Attribute>,
    /// The anchor's slot.
    pub anchor: u16,
    /// Connector filters: objects for which one is false are not imported.
    pub filters: Vec<Expr>,
}

/// A metaverse object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MvType {
    /// Its name.
    pub name: String,
    /// Attributes, sorted by name.
    pub attributes: Vec<Attribute>,
    /// When an object of this type is deleted.
    pub deletion: Deletion,
    /// The attributes join criteria search on (the store indexes them).
    pub join_keys: Vec<u16>,
    /// Per attribute slot, the inbound flows that write it, best precedence first.
    pub precedence: Vec<Vec<Contribution>>,
}

/// A metaverse deletion rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deletion {
    /// When the last connector object is unlinked.
    LastLink,
    /// When the link to one of these connectors goes.
    Authoritative(Vec<u16>),
}

/// One inbound flow's claim on a metaverse attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// The rule (index into [`Plan::inbound`]).
    pub rule: u16,
    /// The flow (index into the rule's flows).
    pub flow: u16,
    /// Its precedence (lower wins).
    pub precedence: i64,
    /// Its values are merged with the others' (`merge union`).
    pub union: bool,
}

/// How a multi-valued flow combines with other values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Merge {
    /// Replace.
    Replace,
    /// Union.
    Union,
}

/// `target <- value`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flow {
    /// The target attribute's slot.
    pub target: u16,
    /// The value.
    pub value: Expr,
    /// Only when the target object is created.
    pub once: bool,
    /// Merge policy.
    pub merge: Merge,
    /// When the value holds references: the type they point into on the source side (a connector
    /// type for inbound flows, a metaverse type for outbound flows). The engine translates each
    /// into the target side's reference: a connector object (found by anchor, then by DN) to the
    /// metaverse object linked to it, or a metaverse object to its linked object in the target
    /// connector (its DN, or its anchor where the connector has no DNs).
    pub references: Option<TypeRef>,
    /// Where the flow is written.
    pub location: Location,
}

/// One `MVATTR == value` of a join criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinMatch {
    /// The metaverse attribute's slot.
    pub mv_attr: u16,
    /// The value from the connector object.
    pub value: Expr,
}

/// An inbound rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboundRule {
    /// Its name.
    pub name: String,
    /// The connector (index into [`Plan::connectors`]).
    pub connector: u16,
    /// The object type (index into the connector's objects).
    pub object: u16,
    /// The metaverse type (index into [`Plan::metaverse`]).
    pub mv_type: u16,
    /// Its precedence (lower wins).
    pub precedence: i64,
    /// Scope (`None`: every object).
    pub scope: Option<Expr>,
    /// Join criteria, tried in order; each is a conjunction of matches.
    pub joins: Vec<Vec<JoinMatch>>,
    /// Project when no join matches.
    pub project: bool,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Where the rule is written.
    pub location: Location,
}

/// What happens to a connector object that leaves an outbound rule's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Deprovision {
    /// Delete it.
    Delete,
    /// Disconnect it.
    Disconnect,
    /// Keep it joined, stop flowing.
    Keep,
}

/// An outbound rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundRule {
    /// Its name.
    pub name: String,
    /// The metaverse type.
    pub mv_type: u16,
    /// The connector.
    pub connector: u16,
    /// The object type.
    pub object: u16,
    /// Scope.
    pub scope: Option<Expr>,
    /// Provisioning: `Some(dn)` when the rule provisions (`dn` for DN-style connectors).
    pub provision: Option<Option<Expr>>,
    /// The deprovisioning action (default: disconnect).
    pub deprovision: Deprovision,
    /// Flows.
    pub flows: Vec<Flow>,
    /// Where the rule is written.
    pub location: Location,
}

/// A run profile step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// A run profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Its name.
    pub name: String,
    /// `(step, connector index)` in order.
    pub steps: Vec<(StepKind, u16)>,
}

/// A rule unit test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Test {
    /// Its name.
    pub name: String,
    /// Connector objects it starts from.
    pub given: Vec<Given>,
    /// What must hold afterwards.
    pub expect: Vec<Expectation>,
    /// Where the test is written.
    pub location: Location,
}

/// A connector object of a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Given {
    /// The connector.
    pub connector: u16,
    /// The object type.
    pub object: u16,
    /// Its DN, if given.
    pub dn: Option<String>,
    /// `(slot, value)` pairs.
    pub values: Vec<(u16, Value)>,
    /// Where it is written.
    pub location: Location,
}

/// What an expectation is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpectTarget {
    /// A metaverse object of this type.
    Metaverse(u16),
    /// A connector space object of `(connector, object type)`.
    ConnectorSpace(u16, u16),
    /// A pending export.
    Export {
        /// Add, update or delete.
        change: ExportChange,
        /// The connector.
        connector: u16,
        /// The object type.
        object: u16,
        /// The DN, when given.
        dn: Option<String>,
    },
}

/// Pending export kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportChange {
    /// A new object.
    Add,
    /// Changed attributes.
    Update,
    /// A deletion.
    Delete,
}

/// One expectation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expectation {
    /// `expect no`.
    pub negated: bool,
    /// What it is about.
    pub target: ExpectTarget,
    /// `(slot, value)` pairs the object must have.
    pub values: Vec<(u16, Value)>,
    /// Where it is written.
    pub location: Location,
}

// ---------------------------------------------------------------------------------------------
// Expressions

/// A built-in function, linked: serialized as its name, resolved when a plan is loaded.
#[derive(Clone, Copy)]
pub struct Function(pub &'static Signature);

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Function({})", self.0.name)
    }
}

impl PartialEq for Function {
    fn eq(&self, other: &Function) -> bool {
        self.0.name == other.0.name
    }
}

impl Serialize for Function {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.name)
    }
}

impl<'de> Deserialize<'de> for Function {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Function, D::Error> {
        let name = String::deserialize(deserializer)?;
        builtins::lookup(&name).map(Function).ok_or_else(|| {
            serde::de::Error::custom(format!("the plan calls `{name}`, which this runtime does not have"))
        })
    }
}

/// A compiled regular expression: serialized as its pattern.
#[derive(Clone)]
pub struct Pattern(pub regex::Regex);

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.0.as_str())
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Pattern, D::Error> {
        let text = String::deserialize(deserializer)?;
        regex::Regex::new(&text)
            .map(Pattern)
            .map_err(|e| serde::de::Error::custom(format!("invalid pattern `{text}`: {e}")))
    }
}

/// A reference's target type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeRef {
    /// A connector object type `(connector, object)`.
    Cs(u16, u16),
    /// A metaverse type.
    Mv(u16),
}

/// Binary operators evaluated on values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    /// Integer sum or string concatenation.
    Add,
    /// Integer difference.
    Sub,
    /// Integer product.
    Mul,
    /// Integer quotient (fails on division by zero).
    Div,
    /// Integer remainder (fails on division by zero).
    Rem,
    /// Equality.
    Eq,
    /// Inequality.
    Ne,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expr {
    /// A constant.
    Const(Value),
    /// The source object's attribute in this slot.
    Attr(u16),
    /// An attribute of the object a reference points to.
    Member {
        /// The reference.
        base: Box<Expr>,
        /// Its target type.
        target: TypeRef,
        /// The attribute's slot in the target type.
        attr: u16,
    },
    /// A built-in function call.
    Call {
        /// The function.
        function: Function,
        /// The arguments.
        args: Vec<Expr>,
    },
    /// `ref(connector.type, key)`.
    Ref {
        /// The connector.
        connector: u16,
        /// The object type.
        object: u16,
        /// The key (anchor) or keys.
        key: Box<Expr>,
    },
    /// A list.
    List(Vec<Expr>),
    /// Integer negation.
    Neg(Box<Expr>),
    /// Boolean negation.
    Not(Box<Expr>),
    /// A binary operator.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// Short-circuit `and`.
    And(Box<Expr>, Box<Expr>),
    /// Short-circuit `or`.
    Or(Box<Expr>, Box<Expr>),
    /// `a ?? b`.
    Coalesce(Box<Expr>, Box<Expr>),
    /// `value [not] in list`.
    In {
        /// The value.
        value: Box<Expr>,
        /// The candidates.
        list: Box<Expr>,
        /// `not in`.
        negated: bool,
    },
    /// `value matches "pattern"` with a constant pattern.
    Matches(Box<Expr>, Pattern),
    /// `value matches pattern` with a computed pattern.
    MatchesDynamic(Box<Expr>, Box<Expr>),
    /// `x is present` (`when_present`) or `x is null`.
    Present {
        /// The value.
        value: Box<Expr>,
        /// True for `is present` / `is not null`.
        when_present: bool,
    },
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `authoritative null`.
    AuthoritativeNull,
    /// `ignore`.
    Ignore,
    /// A name bound by `select`, `where` or `with`: its depth among the enclosing bindings
    /// (0 = outermost).
    Local(u16),
    /// `select(values, x -> body)`: `body` for each value (missing results are left out).
    Select(Box<Expr>, Box<Expr>),
    /// `where(values, x -> condition)`: the values for which `condition` holds.
    Where(Box<Expr>, Box<Expr>),
    /// `with(value, x -> body)`: `body` with `x` bound to the value.
    With(Box<Expr>, Box<Expr>),
}

impl Plan {
    /// The SHA-256 (hex) of the plan's JSON with an empty `hash` field.
    pub fn content_hash(&self) -> String {
        let mut copy = self.clone();
        copy.hash = String::new();
        let bytes = serde_json::to_vec(&copy).unwrap_or_default();
        crate::sha256::hex_digest(&bytes)
    }

    /// The plan as JSON, with its hash filled in (deterministic: same plan, same bytes).
    pub fn to_json(&self) -> String {
        let mut copy = self.clone();
        copy.hash = self.content_hash();
        let mut text = serde_json::to_string_pretty(&copy).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a plan written by [`Plan::to_json`], checking its format and hash.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| PlanError::Syntax(e.to_string()))?;
        let format = probe.get("format").and_then(serde_json::Value::as_u64).unwrap_or(0);
        if format != u64::from(FORMAT) {
            return Err(PlanError::Format(format));
        }
        let plan: Plan = serde_json::from_value(probe).map_err(|e| PlanError::Content(e.to_string()))?;
        let expected = plan.content_hash();
        if plan.hash != expected {
            return Err(PlanError::Hash { recorded: plan.hash.clone(), computed: expected });
        }
        Ok(plan)
    }
}

/// A plan file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Not JSON.
    Syntax(String),
    /// A format this runtime does not read.
    Format(u64),
    /// JSON, but not a plan (or it calls functions this runtime lacks).
    Content(String),
    /// The content does not match its hash (edited or damaged).
    Hash {
        /// The hash in the file.
        recorded: String,
        /// The hash of the content.
        computed: String,
    },
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Syntax(e) => write!(f, "the plan is not valid JSON: {e}"),
            PlanError::Format(n) => {
                write!(f, "the plan has format {n}, but this runtime reads format {FORMAT}: compile the rule set again")
            }
            PlanError::Content(e) => write!(f, "the plan cannot be read: {e}"),
            PlanError::Hash { recorded, computed } => {
                write!(
                    f,
                    "the plan's content does not match its hash (recorded {recorded}, computed {computed}): it was edited or damaged; compile it again"
                )
            }
        }
    }
}

impl std::error::Error for PlanError {}
