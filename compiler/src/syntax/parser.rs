//! Parsing one item with pest and building its AST.
//!
//! The grammar is `grammar/sync.pest`. Each segment found by [`super::segment`] is parsed on its
//! own with `Rule::item_only`, so positions pest reports are already relative to the item start,
//! which is what the AST wants. A syntax error yields one `E0001` diagnostic for the item; an
//! unreadable literal yields `E0003` and an [`ExprKind::Invalid`] node, and the rest of the item
//! is still built and checked.

use super::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::span::Span;
use metasync_runtime::value::ValueKind;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::{Pair, Pairs};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/sync.pest"]
struct SyncParser;

pub use self::Rule as GrammarRule;

/// The result of parsing one item: its AST when the syntax is valid, and the diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ParsedItem {
    /// The AST (`None` after a syntax error).
    pub ast: Option<ItemAst>,
    /// Syntax and literal diagnostics, with item-relative spans.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses the text of one item.
pub fn parse_item(text: &str) -> ParsedItem {
    match SyncParser::parse(Rule::item_only, text) {
        Ok(pairs) => {
            let mut builder = Builder { diagnostics: Vec::new() };
            let ast = pairs
                .into_iter()
                .next()
                .and_then(|top| top.into_inner().find(|p| p.as_rule() != Rule::EOI))
                .and_then(|item| builder.item(item));
            ParsedItem { ast, diagnostics: builder.diagnostics }
        }
        Err(error) => ParsedItem { ast: None, diagnostics: vec![syntax_error(text, &error)] },
    }
}

/// Parses one expression (spans relative to its start).
pub fn parse_expr(text: &str) -> Result<(Expr, Vec<Diagnostic>), Box<Diagnostic>> {
    match SyncParser::parse(Rule::expr_only, text) {
        Ok(pairs) => {
            let mut builder = Builder { diagnostics: Vec::new() };
            let expr = pairs
                .into_iter()
                .next()
                .and_then(|top| top.into_inner().find(|p| p.as_rule() != Rule::EOI))
                .and_then(|e| builder.expr(e));
            match expr {
                Some(e) => Ok((e, builder.diagnostics)),
                None => Err(Box::new(Diagnostic::new(Code::E0001, Span::new(0, text.len()), "expected an expression"))),
            }
        }
        Err(error) => Err(Box::new(syntax_error(text, &error))),
    }
}

/// Parses a whole file with the `file` rule and reports whether it is valid (used by tests that
/// check the grammar agrees with the segmenter).
pub fn file_is_valid(text: &str) -> bool {
    SyncParser::parse(Rule::file, text).is_ok()
}

/// Every atomic pair (names, literals, keywords) of a valid file, as byte ranges; used to check
/// that pest's tokens line up with the logos token stream.
pub fn atomic_spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    if let Ok(pairs) = SyncParser::parse(Rule::file, text) {
        collect_atomic(pairs, &mut out);
    }
    out
}

fn collect_atomic(pairs: Pairs<'_, Rule>, out: &mut Vec<Span>) {
    for pair in pairs {
        let rule = pair.as_rule();
        if is_atomic(rule) {
            let s = pair.as_span();
            out.push(Span::new(s.start(), s.end()));
        } else {
            collect_atomic(pair.into_inner(), out);
        }
    }
}

fn is_atomic(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::plain_name
            | Rule::quoted_name
            | Rule::integer
            | Rule::datetime
            | Rule::plain_string
            | Rule::raw_string
            | Rule::boolean
            | Rule::null
            | Rule::ignore
            | Rule::scalar_type
            | Rule::attr_modifier
            | Rule::compare_op
            | Rule::sum_op
            | Rule::product_op
    ) || format!("{rule:?}").starts_with("kw_")
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

fn syntax_error(text: &str, error: &pest::error::Error<Rule>) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let found = found_at(text, pos);
    let (message, label) = match &error.variant {
        ErrorVariant::ParsingError { positives, .. }
            if !positives.is_empty() && positives.iter().all(|r| continues_expression(*r)) =>
        {
            // Only operators could have continued: the expression was complete, so what is
            // missing is most likely a separator or a closing bracket before this token.
            let diag =
                Diagnostic::new(Code::E0001, found.1, format!("unexpected {} after a complete expression", found.0))
                    .with_label("a `,` or a closing bracket may be missing before this")
                    .with_help("separate record fields and list elements with `,`; close every `(`, `[` and `{`");
            return diag;
        }
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&'static str> = positives.iter().filter_map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            let expected = join_or(&names);
            if expected.is_empty() {
                (format!("unexpected {}", found.0), "not expected here".to_string())
            } else {
                (format!("expected {expected}, found {}", found.0), format!("expected {expected}"))
            }
        }
        ErrorVariant::CustomError { message } => (message.clone(), String::new()),
    };
    let mut diag = Diagnostic::new(Code::E0001, found.1, message).with_label(label);
    let positives: &[Rule] = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    let found_word = text.get(found.1.range()).unwrap_or("");
    if let Some(word) = misspelled_keyword(found_word, positives) {
        diag = diag.with_help(format!("did you mean `{word}`?"));
    } else if positives.contains(&Rule::flow) {
        diag = diag.with_help("a flow is written `target <- value`, one per line");
    } else if let Some(help) = syntax_help(text, pos) {
        diag = diag.with_help(help);
    } else {
        diag = diag.with_help("see docs/language.md for the form of each item");
    }
    if found.0 == "end of item"
        && let Some(open) = unclosed_brace(text)
    {
        diag = diag.with_secondary(open, "this `{` is never closed");
    }
    diag
}

/// The keyword the misspelled `word` most likely stands for, among those pest expected.
fn misspelled_keyword(word: &str, positives: &[Rule]) -> Option<&'static str> {
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let mut candidates: Vec<&'static str> = Vec::new();
    for rule in positives {
        match rule {
            Rule::type_expr | Rule::scalar_type | Rule::many_type | Rule::ref_type => {
                candidates.extend(["string", "integer", "boolean", "datetime", "binary", "guid", "ref"]);
            }
            Rule::step | Rule::full_or_delta => candidates.extend(["full", "delta", "export"]),
            Rule::import_or_sync => candidates.extend(["import", "sync"]),
            Rule::deprovision_action => candidates.extend(["delete", "disconnect", "keep"]),
            Rule::merge_policy => candidates.extend(["union", "replace"]),
            Rule::export_change => candidates.extend(["add", "update", "delete"]),
            Rule::container | Rule::container_kind => candidates.extend(["include", "exclude", "partition"]),
            Rule::attr_modifier => candidates.extend(["anchor", "required"]),
            Rule::presence_kind => candidates.extend(["present", "null"]),
            Rule::operation | Rule::operation_kind => candidates.extend(["import", "export"]),
            other => {
                if let Some(name) = describe(*other)
                    && let Some(kw) = name.strip_prefix('`').and_then(|n| n.strip_suffix('`'))
                    && kw.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
                {
                    candidates.push(kw);
                }
            }
        }
    }
    crate::suggest::closest(word, candidates.iter().copied()).filter(|c| *c != word)
}

/// The last `{` of an item that has no matching `}`.
fn unclosed_brace(text: &str) -> Option<Span> {
    let mut open: Vec<Span> = Vec::new();
    for tok in crate::syntax::lexer::lex(text) {
        match tok.kind {
            crate::syntax::lexer::TokenKind::LBrace => open.push(tok.span),
            crate::syntax::lexer::TokenKind::RBrace => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

/// What is at `pos`, for a message, and the span to point at.
fn found_at(text: &str, pos: usize) -> (String, Span) {
    let rest = text.get(pos..).unwrap_or("");
    let tokens = crate::syntax::lexer::lex(rest);
    let first = tokens.iter().find(|t| !t.kind.is_trivia());
    match first {
        None => ("end of item".to_string(), Span::new(pos, pos)),
        Some(tok) => {
            let slice = rest.get(tok.span.range()).unwrap_or("");
            let shown: String = slice.chars().take(30).collect();
            let span = tok.span.shift(u32::try_from(pos).unwrap_or(u32::MAX));
            (format!("`{shown}`"), span)
        }
    }
}

fn syntax_help(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos).unwrap_or("").trim_end();
    if before.ends_with('=') && !before.ends_with("==") && !before.ends_with("!=") {
        return Some("a setting's value is a literal, a list, `env(\"NAME\")` or `secret(\"NAME\")`".into());
    }
    let opens = text.matches('{').count();
    let closes = text.matches('}').count();
    if opens > closes {
        return Some("a `{` is not closed: check that every block ends with `}`".into());
    }
    None
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Rules that can only continue an expression that is already complete.
fn continues_expression(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::compare_op
            | Rule::sum_op
            | Rule::product_op
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_is
            | Rule::kw_in
            | Rule::kw_not
            | Rule::membership_not
            | Rule::kw_matches
            | Rule::compare
            | Rule::presence
            | Rule::membership
            | Rule::matching
    )
}

/// Human names for what pest expected (`None`: not worth mentioning).
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of item",
        Rule::name | Rule::plain_name | Rule::quoted_name | Rule::var => "a name",
        Rule::connector | Rule::kw_connector => "`connector`",
        Rule::metaverse | Rule::kw_metaverse => "`metaverse`",
        Rule::inbound | Rule::kw_inbound => "`inbound`",
        Rule::outbound | Rule::kw_outbound => "`outbound`",
        Rule::profile | Rule::kw_profile => "`profile`",
        Rule::test | Rule::kw_test => "`test`",
        Rule::setting => "a setting `NAME = VALUE`",
        Rule::setting_value => "a value",
        Rule::object_decl | Rule::kw_object => "`object`",
        Rule::capabilities | Rule::kw_capabilities => "`capabilities`",
        Rule::connector_filter | Rule::kw_filter => "`filter`",
        Rule::container | Rule::container_kind => "`include`, `exclude` or `partition`",
        Rule::kw_where => "`where`",
        Rule::attr_decl => "an attribute declaration",
        Rule::attr_modifier => "`anchor` or `required`",
        Rule::operation | Rule::operation_kind => "`(import)` or `(export)`",
        Rule::type_expr | Rule::many_type | Rule::scalar_type | Rule::ref_type => "a type",
        Rule::optional => "`?`",
        Rule::mv_type => "a metaverse object type",
        Rule::deletion | Rule::kw_delete => "`delete when unlinked`",
        Rule::kw_when => "`when`",
        Rule::kw_unlinked => "`unlinked`",
        Rule::kw_from => "`from`",
        Rule::cs_type => "`CONNECTOR.TYPE`",
        Rule::precedence | Rule::kw_precedence => "`precedence`",
        Rule::scope | Rule::kw_scope => "`scope`",
        Rule::join | Rule::kw_join => "`join`",
        Rule::join_match => "a join match `ATTRIBUTE == VALUE`",
        Rule::project | Rule::kw_project => "`project`",
        Rule::provision | Rule::kw_provision => "`provision`",
        Rule::deprovision | Rule::kw_deprovision => "`deprovision`",
        Rule::deprovision_action => "`delete`, `disconnect` or `keep`",
        Rule::kw_dn => "`dn`",
        Rule::flows | Rule::kw_flow => "`flow`",
        Rule::flow => "a flow `ATTRIBUTE <- VALUE`",
        Rule::once => "`once`",
        Rule::merge | Rule::kw_merge => "`merge`",
        Rule::merge_policy => "`union` or `replace`",
        Rule::step => "a step (`full import`, `delta import`, `full sync`, `delta sync`, `export`)",
        Rule::full_or_delta => "`full` or `delta`",
        Rule::import_or_sync => "`import` or `sync`",
        Rule::export_word | Rule::kw_export => "`export`",
        Rule::given | Rule::kw_given => "`given`",
        Rule::expect | Rule::kw_expect => "`expect`",
        Rule::export_change => "`add`, `update` or `delete`",
        Rule::expect_object => "an object type",
        Rule::at_dn | Rule::kw_at => "`at`",
        Rule::record => "`{`",
        Rule::field => "a field `ATTRIBUTE: VALUE`",
        Rule::expr
        | Rule::conditional
        | Rule::disjunction
        | Rule::conjunction
        | Rule::negation
        | Rule::comparison
        | Rule::coalesce
        | Rule::sum
        | Rule::product
        | Rule::unary
        | Rule::postfix
        | Rule::group
        | Rule::call
        | Rule::reference
        | Rule::list
        | Rule::lambda => "an expression",
        Rule::compare_op | Rule::compare => "a comparison",
        Rule::sum_op | Rule::product_op => "an operator",
        Rule::presence | Rule::kw_is => "`is`",
        Rule::presence_kind => "`present` or `null`",
        Rule::membership | Rule::kw_in => "`in`",
        Rule::matching | Rule::kw_matches => "`matches`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not | Rule::presence_not | Rule::membership_not => "`not`",
        Rule::kw_then => "`then`",
        Rule::kw_else => "`else`",
        Rule::kw_if => "`if`",
        Rule::kw_ref => "`ref`",
        Rule::kw_env => "`env`",
        Rule::kw_secret => "`secret`",
        Rule::string | Rule::plain_string | Rule::raw_string => "a string",
        Rule::integer => "an integer",
        Rule::datetime => "a datetime",
        Rule::boolean => "`true` or `false`",
        Rule::null | Rule::authoritative_null => "`null`",
        Rule::negated | Rule::kw_no => "`no`",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Pairs to AST

/// The span of a pair without the whitespace and comments pest's implicit skipping may have
/// consumed at its end (`a ~ b?` keeps the skipped trivia when `b` is absent).
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    let len = trimmed_len(s.as_str());
    Span::new(s.start(), s.start() + len)
}

fn trimmed_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map_or(0, |i| i + 1);
        match comment_start(t.get(line_start..).unwrap_or("")) {
            Some(at) => t = t.get(..line_start + at).unwrap_or("").trim_end(),
            None => return t.len(),
        }
    }
}

/// Where a `#` comment starts in one line, outside strings and quoted names.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '`' => quote = Some(c),
                '#' => return Some(i),
                _ => {}
            },
        }
    }
    None
}

/// The inner pairs that carry meaning (keywords dropped).
fn children<'i>(pair: Pair<'i, Rule>) -> Vec<Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !format!("{:?}", p.as_rule()).starts_with("kw_")).collect()
}

struct Builder {
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    fn item(&mut self, pair: Pair<'_, Rule>) -> Option<ItemAst> {
        Some(match pair.as_rule() {
            Rule::connector => ItemAst::Connector(self.connector(pair)?),
            Rule::metaverse => ItemAst::Metaverse(self.metaverse(pair)?),
            Rule::inbound => ItemAst::Rule(self.rule(pair, Direction::Inbound)?),
            Rule::outbound => ItemAst::Rule(self.rule(pair, Direction::Outbound)?),
            Rule::profile => ItemAst::Profile(self.profile(pair)?),
            Rule::test => ItemAst::Test(self.test(pair)?),
            _ => return None,
        })
    }

    fn name(&self, pair: Pair<'_, Rule>) -> Name {
        let span = span_of(&pair);
        let raw = pair.as_str();
        let text = raw.strip_prefix('`').and_then(|s| s.strip_suffix('`')).unwrap_or(raw);
        Name { text: text.to_string(), span }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> StringLit {
        let span = span_of(&pair);
        let raw = pair.as_str();
        let value = if let Some(body) = raw.strip_prefix("r\"").and_then(|s| s.strip_suffix('"')) {
            body.to_string()
        } else {
            let body = raw.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(raw);
            match metasync_runtime::text::unescape(body) {
                Ok(v) => v,
                Err((offset, len, why)) => {
                    let at = Span::new(span.start as usize + 1 + offset, span.start as usize + 1 + offset + len);
                    self.diagnostics.push(
                        Diagnostic::new(Code::E0003, at, format!("invalid escape in string: {why}"))
                            .with_label("this escape")
                            .with_help(r#"the escapes are `\"`, `\\`, `\n`, `\r`, `\t`, `\0` and `\u{HEX}`; write a raw string `r"..."` to keep backslashes"#),
                    );
                    body.to_string()
                }
            }
        };
        StringLit { value, span }
    }

    fn cs_type(&self, pair: Pair<'_, Rule>) -> Option<CsType> {
        let span = span_of(&pair);
        let mut it = pair.into_inner().filter(|p| p.as_rule() == Rule::name);
        let connector = self.name(it.next()?);
        let object = self.name(it.next()?);
        Some(CsType { connector, object, span })
    }

    // -- connectors ------------------------------------------------------------------------

    fn connector(&mut self, pair: Pair<'_, Rule>) -> Option<Connector> {
        let mut it = children(pair).into_iter();
        let name = self.name(it.next()?);
        let kind = self.name(it.next()?);
        let mut c = Connector {
            name,
            kind,
            settings: Vec::new(),
            containers: Vec::new(),
            filters: Vec::new(),
            capabilities: Vec::new(),
            objects: Vec::new(),
        };
        for stmt in it {
            match stmt.as_rule() {
                Rule::setting => c.settings.push(self.setting(stmt)?),
                Rule::capabilities => {
                    for s in children(stmt) {
                        c.capabilities.push(self.setting(s)?);
                    }
                }
                Rule::container => {
                    let span = span_of(&stmt);
                    let mut parts = children(stmt).into_iter();
                    let kind = match parts.next()?.as_str() {
                        "include" => ContainerKind::Include,
                        "exclude" => ContainerKind::Exclude,
                        _ => ContainerKind::Partition,
                    };
                    let dn = self.string(parts.next()?);
                    c.containers.push(Container { kind, dn, span });
                }
                Rule::connector_filter => {
                    let span = span_of(&stmt);
                    let mut parts = children(stmt).into_iter();
                    let object = self.name(parts.next()?);
                    let condition = self.expr(parts.next()?)?;
                    c.filters.push(ConnectorFilter { object, condition, span });
                }
                Rule::object_decl => {
                    let span = span_of(&stmt);
                    let mut parts = children(stmt).into_iter();
                    let name = self.name(parts.next()?);
                    let attributes = parts.map(|a| self.attr_decl(a)).collect::<Option<Vec<_>>>()?;
                    c.objects.push(ObjectDecl { name, attributes, span });
                }
                _ => {}
            }
        }
        Some(c)
    }

    fn setting(&mut self, pair: Pair<'_, Rule>) -> Option<Setting> {
        let span = span_of(&pair);
        let mut it = children(pair).into_iter();
        let name = self.name(it.next()?);
        let value_pair = it.next()?.into_inner().next()?;
        let value = match value_pair.as_rule() {
            Rule::env_value => SettingValue::Env(self.string(children(value_pair).into_iter().next()?)),
            Rule::secret_value => SettingValue::Secret(self.string(children(value_pair).into_iter().next()?)),
            _ => SettingValue::Literal(self.expr(value_pair)?),
        };
        Some(Setting { name, value, span })
    }

    fn attr_decl(&mut self, pair: Pair<'_, Rule>) -> Option<AttrDecl> {
        let span = span_of(&pair);
        let mut decl = AttrDecl {
            name: Name { text: String::new(), span },
            anchor: None,
            required: None,
            ty: TypeExpr { base: BaseType::Scalar(ValueKind::String), many: false, optional: false, span },
            operation: None,
            span,
        };
        for part in children(pair) {
            match part.as_rule() {
                Rule::attr_modifier => {
                    if part.as_str() == "anchor" {
                        decl.anchor = Some(span_of(&part));
                    } else {
                        decl.required = Some(span_of(&part));
                    }
                }
                Rule::name => decl.name = self.name(part),
                Rule::type_expr => decl.ty = self.type_expr(part)?,
                Rule::operation => {
                    let op_span = span_of(&part);
                    let (mut import, mut export) = (false, false);
                    for k in children(part) {
                        if k.as_str() == "import" {
                            import = true;
                        } else {
                            export = true;
                        }
                    }
                    let op = match (import, export) {
                        (true, false) => Operation::Import,
                        (false, true) => Operation::Export,
                        _ => Operation::ImportExport,
                    };
                    decl.operation = Some((op, op_span));
                }
                _ => {}
            }
        }
        Some(decl)
    }

    fn type_expr(&mut self, pair: Pair<'_, Rule>) -> Option<TypeExpr> {
        let span = span_of(&pair);
        let mut ty = TypeExpr { base: BaseType::Scalar(ValueKind::String), many: false, optional: false, span };
        for part in children(pair) {
            match part.as_rule() {
                Rule::many_type => {
                    ty.many = true;
                    ty.base = self.base_type(part.into_inner().next()?)?;
                }
                Rule::optional => ty.optional = true,
                _ => ty.base = self.base_type(part)?,
            }
        }
        Some(ty)
    }

    fn base_type(&mut self, pair: Pair<'_, Rule>) -> Option<BaseType> {
        match pair.as_rule() {
            Rule::ref_type => Some(BaseType::Ref(self.name(children(pair).into_iter().next()?))),
            _ => ValueKind::from_keyword(pair.as_str()).map(BaseType::Scalar),
        }
    }

    // -- metaverse ----------------------------------------------------------------------------

    fn metaverse(&mut self, pair: Pair<'_, Rule>) -> Option<Metaverse> {
        let mut types = Vec::new();
        for t in children(pair) {
            let span = span_of(&t);
            let mut parts = children(t).into_iter();
            let name = self.name(parts.next()?);
            let mut mv = MvType { name, attributes: Vec::new(), deletions: Vec::new(), span };
            for stmt in parts {
                match stmt.as_rule() {
                    Rule::deletion => {
                        let span = span_of(&stmt);
                        let from = children(stmt).into_iter().map(|n| self.name(n)).collect();
                        mv.deletions.push(Deletion { from, span });
                    }
                    _ => mv.attributes.push(self.attr_decl(stmt)?),
                }
            }
            types.push(mv);
        }
        Some(Metaverse { types })
    }

    // -- rules ---------------------------------------------------------------------------------

    fn rule(&mut self, pair: Pair<'_, Rule>, direction: Direction) -> Option<Rule_> {
        let mut it = children(pair).into_iter();
        let name = self.string(it.next()?);
        let (cs_type, mv_type) = match direction {
            Direction::Inbound => {
                let cs = self.cs_type(it.next()?)?;
                (cs, self.name(it.next()?))
            }
            Direction::Outbound => {
                let mv = self.name(it.next()?);
                (self.cs_type(it.next()?)?, mv)
            }
        };
        let mut clauses = Vec::new();
        for clause in it {
            let span = span_of(&clause);
            let c = match clause.as_rule() {
                Rule::precedence => {
                    let n = children(clause).into_iter().next()?;
                    Clause::Precedence(self.integer(&n).unwrap_or(0), span)
                }
                Rule::scope => Clause::Scope(self.expr(children(clause).into_iter().next()?)?, span),
                Rule::join => {
                    let mut matches = Vec::new();
                    for m in children(clause) {
                        let mspan = span_of(&m);
                        let mut parts = m.into_inner();
                        let mv_attr = self.name(parts.next()?);
                        let value = self.expr(parts.next()?)?;
                        matches.push(JoinMatch { mv_attr, value, span: mspan });
                    }
                    Clause::Join(matches, span)
                }
                Rule::project => Clause::Project(span),
                Rule::provision => {
                    let dn = match children(clause).into_iter().next() {
                        Some(e) => Some(self.expr(e)?),
                        None => None,
                    };
                    Clause::Provision(dn, span)
                }
                Rule::deprovision => {
                    let action = match children(clause).into_iter().next()?.as_str() {
                        "delete" => DeprovisionAction::Delete,
                        "disconnect" => DeprovisionAction::Disconnect,
                        _ => DeprovisionAction::Keep,
                    };
                    Clause::Deprovision(action, span)
                }
                Rule::flows => {
                    let mut flows = Vec::new();
                    for f in children(clause) {
                        flows.push(self.flow(f)?);
                    }
                    Clause::Flows(flows, span)
                }
                _ => continue,
            };
            clauses.push(c);
        }
        Some(Rule_ { direction, name, cs_type, mv_type, clauses })
    }

    fn flow(&mut self, pair: Pair<'_, Rule>) -> Option<Flow> {
        let span = span_of(&pair);
        let mut it = children(pair).into_iter();
        let target = self.name(it.next()?);
        let value = self.expr(it.next()?)?;
        let mut flow = Flow { target, value, once: None, merge: None, span };
        for m in it {
            match m.as_rule() {
                Rule::once => flow.once = Some(span_of(&m)),
                Rule::merge => {
                    let mspan = span_of(&m);
                    let policy = match children(m).into_iter().next()?.as_str() {
                        "union" => MergePolicy::Union,
                        _ => MergePolicy::Replace,
                    };
                    flow.merge = Some((policy, mspan));
                }
                _ => {}
            }
        }
        Some(flow)
    }

    // -- profiles and tests ---------------------------------------------------------------------

    fn profile(&mut self, pair: Pair<'_, Rule>) -> Option<Profile> {
        let mut it = children(pair).into_iter();
        let name = self.name(it.next()?);
        let mut steps = Vec::new();
        for step in it {
            let span = span_of(&step);
            let parts = children(step);
            let words: Vec<&str> = parts.iter().filter(|p| p.as_rule() != Rule::name).map(|p| p.as_str()).collect();
            let kind = match words.as_slice() {
                ["full", "import"] => StepKind::FullImport,
                ["delta", "import"] => StepKind::DeltaImport,
                ["full", "sync"] => StepKind::FullSync,
                ["delta", "sync"] => StepKind::DeltaSync,
                _ => StepKind::Export,
            };
            let connector = self.name(parts.into_iter().find(|p| p.as_rule() == Rule::name)?);
            steps.push(Step { kind, connector, span });
        }
        Some(Profile { name, steps })
    }

    fn test(&mut self, pair: Pair<'_, Rule>) -> Option<Test> {
        let mut it = children(pair).into_iter();
        let name = self.string(it.next()?);
        let mut statements = Vec::new();
        for stmt in it {
            let span = span_of(&stmt);
            match stmt.as_rule() {
                Rule::given => {
                    let mut g = Given {
                        cs_type: placeholder_cs(span),
                        dn: None,
                        record: Record { fields: Vec::new(), span },
                        span,
                    };
                    for part in children(stmt) {
                        match part.as_rule() {
                            Rule::cs_type => g.cs_type = self.cs_type(part)?,
                            Rule::at_dn => g.dn = Some(self.string(children(part).into_iter().next()?)),
                            Rule::record => g.record = self.record(part)?,
                            _ => {}
                        }
                    }
                    statements.push(TestStmt::Given(g));
                }
                Rule::expect => {
                    let mut negated = false;
                    let mut target = None;
                    let mut record = None;
                    for part in children(stmt) {
                        match part.as_rule() {
                            Rule::negated => negated = true,
                            Rule::expect_export => {
                                let mut change = ExportChange::Add;
                                let mut cs = None;
                                let mut dn = None;
                                for p in children(part) {
                                    match p.as_rule() {
                                        Rule::export_change => {
                                            change = match p.as_str() {
                                                "add" => ExportChange::Add,
                                                "update" => ExportChange::Update,
                                                _ => ExportChange::Delete,
                                            }
                                        }
                                        Rule::cs_type => cs = Some(self.cs_type(p)?),
                                        Rule::at_dn => dn = Some(self.string(children(p).into_iter().next()?)),
                                        Rule::record => record = Some(self.record(p)?),
                                        _ => {}
                                    }
                                }
                                target = Some(ExpectTarget::Export { change, cs_type: cs?, dn });
                            }
                            Rule::expect_object => {
                                for p in children(part) {
                                    match p.as_rule() {
                                        Rule::cs_type => target = Some(ExpectTarget::ConnectorSpace(self.cs_type(p)?)),
                                        Rule::name => target = Some(ExpectTarget::Metaverse(self.name(p))),
                                        Rule::record => record = Some(self.record(p)?),
                                        _ => {}
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                    statements.push(TestStmt::Expect(Expect { negated, target: target?, record, span }));
                }
                _ => {}
            }
        }
        Some(Test { name, statements })
    }

    fn record(&mut self, pair: Pair<'_, Rule>) -> Option<Record> {
        let span = span_of(&pair);
        let mut fields = Vec::new();
        for f in children(pair) {
            let fspan = span_of(&f);
            let mut parts = f.into_inner();
            let name = self.name(parts.next()?);
            let value = self.expr(parts.next()?)?;
            fields.push(Field { name, value, span: fspan });
        }
        Some(Record { fields, span })
    }

    // -- expressions ----------------------------------------------------------------------------

    fn integer(&mut self, pair: &Pair<'_, Rule>) -> Option<i64> {
        let digits: String = pair.as_str().chars().filter(|c| *c != '_').collect();
        match digits.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                self.diagnostics.push(
                    Diagnostic::new(Code::E0003, span_of(pair), format!("integer `{}` is too large", pair.as_str()))
                        .with_label("does not fit in 64 bits")
                        .with_help(format!("integers range from {} to {}", i64::MIN, i64::MAX)),
                );
                None
            }
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Option<Expr> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let kind = match rule {
            Rule::expr | Rule::group | Rule::setting_value => return self.expr(children(pair).into_iter().next()?),
            Rule::conditional => {
                let mut it = children(pair).into_iter();
                let c = self.expr(it.next()?)?;
                let t = self.expr(it.next()?)?;
                let e = self.expr(it.next()?)?;
                ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
            }
            Rule::disjunction | Rule::conjunction | Rule::coalesce => {
                let op = match rule {
                    Rule::disjunction => BinaryOp::Or,
                    Rule::conjunction => BinaryOp::And,
                    _ => BinaryOp::Coalesce,
                };
                let operands = children(pair);
                return self.fold_left(operands, |_| op);
            }
            Rule::sum | Rule::product => {
                let parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
                let mut it = parts.into_iter();
                let mut acc = self.expr(it.next()?)?;
                while let (Some(op), Some(rhs)) = (it.next(), it.next()) {
                    let op = match op.as_str() {
                        "+" => BinaryOp::Add,
                        "-" => BinaryOp::Sub,
                        "*" => BinaryOp::Mul,
                        "/" => BinaryOp::Div,
                        _ => BinaryOp::Rem,
                    };
                    let rhs = self.expr(rhs)?;
                    let s = acc.span.to(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                }
                return Some(acc);
            }
            Rule::negation => {
                let inner: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
                let negated = inner.first().is_some_and(|p| p.as_rule() == Rule::kw_not);
                let operand = self.expr(inner.into_iter().find(|p| p.as_rule() != Rule::kw_not)?)?;
                if !negated {
                    return Some(operand);
                }
                ExprKind::Unary(UnaryOp::Not, Box::new(operand))
            }
            Rule::comparison => {
                let mut it = pair.into_inner();
                let lhs = self.expr(it.next()?)?;
                let Some(tail) = it.next() else { return Some(lhs) };
                match tail.as_rule() {
                    Rule::compare => {
                        let mut parts = tail.into_inner();
                        let op = match parts.next()?.as_str() {
                            "==" => BinaryOp::Eq,
                            "!=" => BinaryOp::Ne,
                            "<=" => BinaryOp::Le,
                            ">=" => BinaryOp::Ge,
                            "<" => BinaryOp::Lt,
                            _ => BinaryOp::Gt,
                        };
                        let rhs = self.expr(parts.next()?)?;
                        ExprKind::Binary(op, Box::new(lhs), Box::new(rhs))
                    }
                    Rule::presence => {
                        let parts = children(tail);
                        let not = parts.iter().any(|p| p.as_rule() == Rule::presence_not);
                        let present =
                            parts.iter().any(|p| p.as_rule() == Rule::presence_kind && p.as_str() == "present");
                        ExprKind::Presence { expr: Box::new(lhs), when_present: present != not }
                    }
                    Rule::membership => {
                        let parts = children(tail);
                        let not = parts.iter().any(|p| p.as_rule() == Rule::membership_not);
                        let rhs = self.expr(parts.into_iter().find(|p| p.as_rule() != Rule::membership_not)?)?;
                        let op = if not { BinaryOp::NotIn } else { BinaryOp::In };
                        ExprKind::Binary(op, Box::new(lhs), Box::new(rhs))
                    }
                    _ => {
                        let rhs = self.expr(children(tail).into_iter().next()?)?;
                        ExprKind::Binary(BinaryOp::Matches, Box::new(lhs), Box::new(rhs))
                    }
                }
            }
            Rule::unary => {
                let parts: Vec<Pair<'_, Rule>> = pair.into_inner().collect();
                let negs = parts.iter().filter(|p| p.as_rule() == Rule::negate).count();
                let operand_pair = parts.into_iter().find(|p| p.as_rule() != Rule::negate)?;
                // `-9223372036854775808` is only representable when the sign is folded in.
                let mut e = self.expr(operand_pair)?;
                for _ in 0..negs {
                    e = Expr { kind: ExprKind::Unary(UnaryOp::Neg, Box::new(e.clone())), span: span.to(e.span) };
                }
                return Some(e);
            }
            Rule::postfix => {
                let mut it = pair.into_inner();
                let mut acc = self.expr(it.next()?)?;
                for member in it {
                    let name = self.name(member);
                    let s = acc.span.to(name.span);
                    acc = Expr { kind: ExprKind::Member(Box::new(acc), name), span: s };
                }
                return Some(acc);
            }
            Rule::list => {
                let items = children(pair).into_iter().map(|p| self.expr(p)).collect::<Option<Vec<_>>>()?;
                ExprKind::List(items)
            }
            Rule::reference => {
                let mut it = children(pair).into_iter();
                let cs = self.cs_type(it.next()?)?;
                let key = self.expr(it.next()?)?;
                ExprKind::Ref(cs, Box::new(key))
            }
            Rule::call => {
                let mut it = pair.into_inner();
                let callee = it.next()?;
                let name = Name { text: callee.as_str().to_string(), span: span_of(&callee) };
                let args = it.map(|p| self.expr(p)).collect::<Option<Vec<_>>>()?;
                ExprKind::Call(name, args)
            }
            Rule::lambda => {
                let mut it = pair.into_inner();
                let param = it.next()?;
                let name = Name { text: param.as_str().to_string(), span: span_of(&param) };
                ExprKind::Lambda(name, Box::new(self.expr(it.next()?)?))
            }
            Rule::var => ExprKind::Var(self.name(pair)),
            Rule::string => ExprKind::Literal(Literal::String(self.string(pair).value)),
            Rule::integer => match self.integer(&pair) {
                Some(n) => ExprKind::Literal(Literal::Integer(n)),
                None => ExprKind::Invalid,
            },
            Rule::boolean => ExprKind::Literal(Literal::Boolean(pair.as_str() == "true")),
            Rule::null => ExprKind::Literal(Literal::Null),
            Rule::authoritative_null => ExprKind::Literal(Literal::AuthoritativeNull),
            Rule::ignore => ExprKind::Literal(Literal::Ignore),
            Rule::datetime => match normalize_datetime(pair.as_str()) {
                Ok(text) => ExprKind::Literal(Literal::DateTime(text)),
                Err(why) => {
                    self.diagnostics.push(
                        Diagnostic::new(Code::E0003, span, format!("invalid datetime `{}`: {why}", pair.as_str()))
                            .with_label("not a valid date and time")
                            .with_help("write `@YYYY-MM-DD` or `@YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|+HH:MM]`"),
                    );
                    ExprKind::Invalid
                }
            },
            _ => return self.expr(pair.into_inner().next()?),
        };
        Some(Expr { kind, span })
    }

    fn fold_left(&mut self, operands: Vec<Pair<'_, Rule>>, op: impl Fn(usize) -> BinaryOp) -> Option<Expr> {
        let mut it = operands.into_iter();
        let mut acc = self.expr(it.next()?)?;
        for (i, rhs) in it.enumerate() {
            let rhs = self.expr(rhs)?;
            let s = acc.span.to(rhs.span);
            acc = Expr { kind: ExprKind::Binary(op(i), Box::new(acc), Box::new(rhs)), span: s };
        }
        Some(acc)
    }
}

/// The AST's rule type (named to avoid clashing with pest's `Rule`).
type Rule_ = super::ast::Rule;

fn placeholder_cs(span: Span) -> CsType {
    CsType { connector: Name { text: String::new(), span }, object: Name { text: String::new(), span }, span }
}

/// Checks a datetime literal and writes it in RFC 3339, UTC (`2024-01-05T10:00:00Z`).
pub fn normalize_datetime(raw: &str) -> Result<String, String> {
    let text = raw.strip_prefix('@').unwrap_or(raw);
    metasync_runtime::time::parse_datetime_detailed(text).map(metasync_runtime::time::format_rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_normalize_to_utc() {
        assert_eq!(normalize_datetime("@2024-01-05").as_deref(), Ok("2024-01-05T00:00:00Z"));
        assert_eq!(normalize_datetime("@2024-01-05T10:00+02:00").as_deref(), Ok("2024-01-05T08:00:00Z"));
        assert_eq!(normalize_datetime("@2024-12-31T23:30:00-01:00").as_deref(), Ok("2025-01-01T00:30:00Z"));
        assert_eq!(normalize_datetime("@2024-02-29T01:02:03.25Z").as_deref(), Ok("2024-02-29T01:02:03.25Z"));
        assert!(normalize_datetime("@2023-02-29").is_err());
        assert!(normalize_datetime("@2023-13-01").is_err());
        assert!(normalize_datetime("@2023-01-01T24:00").is_err());
    }

    #[test]
    fn spans_exclude_trailing_trivia() {
        assert_eq!(trimmed_len("string \n   "), 6);
        assert_eq!(trimmed_len("string # a comment\n  # another\n"), 6);
        assert_eq!(trimmed_len("\"a # not a comment\"  "), 19);
        assert_eq!(trimmed_len("`odd#name` # c"), 10);
    }
}
