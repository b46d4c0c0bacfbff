//! Cutting a file into top-level items for error recovery.
//!
//! pest stops at the first syntax error, so the parser does not see a file as a whole: it parses
//! each [`Segment`] separately, and a broken item costs one diagnostic while the others still
//! parse, type-check and get cached on their own.
//!
//! An item starts at an identifier `connector`, `metaverse`, `inbound`, `outbound`, `profile` or
//! `test` (keywords are context-sensitive, so the lexer calls them [`TokenKind::Ident`]) when
//!
//! - the next non-trivia token fits: an identifier after `connector`/`profile`, a string or raw
//!   string after `inbound`/`outbound`/`test`, `{` after `metaverse`; and
//! - it is at bracket depth 0 (all of `{}`, `()`, `[]` counted together, never below 0), or it is
//!   the first token of its line in column 1. The second case recovers from an unclosed brace in
//!   the previous item (the bracket depth is reset to 0), which is why items are written
//!   unindented and nested statements indented.
//!
//! An item ends when its bracket depth returns to 0 after its first `{`, where the next item
//! starts, or at the end of the file. Non-trivia tokens outside items (before the first one,
//! between items, after the last one) form [`ItemKind::Junk`] segments, one per run.

use super::lexer::{Token, TokenKind};
use crate::span::Span;

/// What a segment holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `connector NAME: KIND { ... }`
    Connector,
    /// `metaverse { ... }`
    Metaverse,
    /// `inbound "NAME" ... { ... }`
    Inbound,
    /// `outbound "NAME" ... { ... }`
    Outbound,
    /// `profile NAME { ... }`
    Profile,
    /// `test "NAME" { ... }`
    Test,
    /// Tokens that do not belong to any item.
    Junk,
}

/// One top-level item (or a run of junk) in a file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Segment {
    /// What the segment holds.
    pub kind: ItemKind,
    /// From the item keyword (or the first junk token) to the last non-trivia token of the
    /// segment; trailing trivia is not included.
    pub span: Span,
    /// The connector or profile identifier; the inbound/outbound/test string's content without
    /// the quotes (escapes in `"..."` decoded where valid, kept verbatim otherwise); `None` for
    /// the metaverse and junk.
    pub name: Option<String>,
}

/// Cut `text`, lexed into `tokens` by [`super::lexer::lex`], into items and junk, in file order.
pub fn segment(text: &str, tokens: &[Token]) -> Vec<Segment> {
    let significant: Vec<usize> =
        tokens.iter().enumerate().filter(|(_, t)| !t.kind.is_trivia()).map(|(i, _)| i).collect();

    let mut segments = Vec::new();
    let mut open: Option<Open> = None;
    let mut depth: usize = 0;

    for (k, &i) in significant.iter().enumerate() {
        let Some(token) = tokens.get(i) else { continue };
        let next = significant.get(k + 1).and_then(|&j| tokens.get(j));
        if let Some((kind, name)) = item_start(text, token, next) {
            let in_column_1 =
                i.checked_sub(1).and_then(|j| tokens.get(j)).is_none_or(|prev| prev.kind == TokenKind::Newline);
            if depth == 0 || in_column_1 {
                if let Some(done) = open.take() {
                    segments.push(done.finish());
                }
                depth = 0;
                open = Some(Open { kind, name, span: token.span, entered: false });
                continue;
            }
        }

        let current = open.get_or_insert(Open { kind: ItemKind::Junk, name: None, span: token.span, entered: false });
        current.span = current.span.to(token.span);
        match token.kind {
            TokenKind::LBrace | TokenKind::LParen | TokenKind::LBracket => {
                depth += 1;
                if token.kind == TokenKind::LBrace {
                    current.entered = true;
                }
            }
            TokenKind::RBrace | TokenKind::RParen | TokenKind::RBracket => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && current.entered
                    && current.kind != ItemKind::Junk
                    && let Some(done) = open.take()
                {
                    segments.push(done.finish());
                }
            }
            _ => {}
        }
    }
    if let Some(done) = open.take() {
        segments.push(done.finish());
    }
    segments
}

/// A segment being built.
struct Open {
    kind: ItemKind,
    name: Option<String>,
    span: Span,
    /// Its first `{` has been seen (items only).
    entered: bool,
}

impl Open {
    fn finish(self) -> Segment {
        Segment { kind: self.kind, span: self.span, name: self.name }
    }
}

/// If `token` is an item keyword followed by the right token, the item kind and name.
fn item_start(text: &str, token: &Token, next: Option<&Token>) -> Option<(ItemKind, Option<String>)> {
    if token.kind != TokenKind::Ident {
        return None;
    }
    let next = next?;
    let next_text = text.get(next.span.range())?;
    let kind = match text.get(token.span.range())? {
        "connector" => ItemKind::Connector,
        "metaverse" => ItemKind::Metaverse,
        "inbound" => ItemKind::Inbound,
        "outbound" => ItemKind::Outbound,
        "profile" => ItemKind::Profile,
        "test" => ItemKind::Test,
        _ => return None,
    };
    let name = match kind {
        ItemKind::Connector | ItemKind::Profile => (next.kind == TokenKind::Ident).then(|| next_text.to_owned())?,
        ItemKind::Inbound | ItemKind::Outbound | ItemKind::Test => match next.kind {
            TokenKind::String => next_text
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                // An invalid escape is reported by the parser; the name keeps the text as written.
                .map(|body| metasync_runtime::text::unescape(body).unwrap_or_else(|_| body.to_owned()))?,
            TokenKind::RawString => next_text.strip_prefix("r\"").and_then(|s| s.strip_suffix('"'))?.to_owned(),
            _ => return None,
        },
        ItemKind::Metaverse => {
            return (next.kind == TokenKind::LBrace).then_some((kind, None));
        }
        ItemKind::Junk => return None,
    };
    Some((kind, Some(name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::lexer::lex;

    /// `(kind, segment text, name)` for each segment.
    fn cut(text: &str) -> Vec<(ItemKind, &str, Option<String>)> {
        segment(text, &lex(text))
            .into_iter()
            .map(|s| (s.kind, text.get(s.span.range()).unwrap_or("<bad span>"), s.name))
            .collect()
    }

    fn kinds(text: &str) -> Vec<ItemKind> {
        cut(text).into_iter().map(|(k, _, _)| k).collect()
    }

    fn name(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn every_kind() {
        let text = r#"# header comment
connector hr: csv {
    path = "data/hr.csv"
    object person { anchor employeeId: string }
}

metaverse {
    person { employeeId: string }
}

inbound "HR employees" hr.person -> person {
    join employeeId == source.employeeId
    flow { employeeId <- employeeId }
}   # trailing comment

outbound r"Directory \ accounts" person -> directory.inetOrgPerson {
    flow { uid <- account once }
}
profile nightly { full import hr; delta sync hr }
test "terminated \"staff\"" {
    given hr.person { employeeId: "7" }
    expect no person
}
"#;
        let segments = cut(text);
        assert_eq!(segments.len(), 6, "{segments:#?}");
        let expected = [
            (ItemKind::Connector, "connector hr", "}", name("hr")),
            (ItemKind::Metaverse, "metaverse {", "}", None),
            (ItemKind::Inbound, "inbound \"HR", "}", name("HR employees")),
            (ItemKind::Outbound, "outbound r\"", "}", name("Directory \\ accounts")),
            (ItemKind::Profile, "profile nightly {", "delta sync hr }", name("nightly")),
            (ItemKind::Test, "test \"terminated", "expect no person\n}", name("terminated \"staff\"")),
        ];
        for ((kind, slice, seg_name), (want_kind, starts, ends, want_name)) in segments.iter().zip(expected) {
            assert_eq!(*kind, want_kind);
            assert!(slice.starts_with(starts), "{slice:?}");
            assert!(slice.ends_with(ends), "{slice:?}");
            assert_eq!(*seg_name, want_name);
        }
        // Spans exclude the trailing trivia (the comment after the inbound rule's brace).
        assert!(segments.get(2).is_some_and(|(_, slice, _)| !slice.contains('#')));
    }

    #[test]
    fn unclosed_brace_recovers_at_column_1() {
        let text = "connector hr: csv {\n    object person {\n        anchor id: string\n\nconnector dir: ldap {\n    url = \"x\"\n}\n";
        assert_eq!(
            cut(text),
            [
                (
                    ItemKind::Connector,
                    "connector hr: csv {\n    object person {\n        anchor id: string",
                    name("hr")
                ),
                (ItemKind::Connector, "connector dir: ldap {\n    url = \"x\"\n}", name("dir")),
            ]
        );
        // Depth was reset: the item after the recovered one starts normally.
        let text = "inbound \"a\" x -> y {\n  flow {\nprofile p { full import x }\ntest \"t\" { }";
        assert_eq!(kinds(text), [ItemKind::Inbound, ItemKind::Profile, ItemKind::Test]);
    }

    #[test]
    fn connector_named_test() {
        let text = "connector test: csv {\n    path = \"t.csv\"\n}\n";
        assert_eq!(cut(text), [(ItemKind::Connector, text.trim_end(), name("test"))]);
        let text = "connector profile: csv { }\nprofile test { }";
        assert_eq!(
            cut(text),
            [
                (ItemKind::Connector, "connector profile: csv { }", name("profile")),
                (ItemKind::Profile, "profile test { }", name("test")),
            ]
        );
    }

    #[test]
    fn indented_keywords_do_not_split() {
        let text = "connector dir: ldap {\n    object user {\n        inbound: string\n        test \"x\"\n        connector c\n    }\n}\n";
        assert_eq!(cut(text), [(ItemKind::Connector, text.trim_end(), name("dir"))]);
        // ... even when the block is unclosed: the indentation keeps them inside.
        let text = "connector dir: ldap {\n    object user {\n        inbound \"x\"\n";
        assert_eq!(kinds(text), [ItemKind::Connector]);
        // A keyword in column 1 that is not followed by the right token does not split either.
        let text = "connector dir: ldap {\n  object user {\ninbound: string\n  }\n}";
        assert_eq!(kinds(text), [ItemKind::Connector]);
    }

    #[test]
    fn junk_between_items() {
        let text = "garbage 1 + 2\nconnector a: csv { }\n}\n  stray ) tokens\nprofile p { }\n@@ ";
        assert_eq!(
            cut(text),
            [
                (ItemKind::Junk, "garbage 1 + 2", None),
                (ItemKind::Connector, "connector a: csv { }", name("a")),
                (ItemKind::Junk, "}\n  stray ) tokens", None),
                (ItemKind::Profile, "profile p { }", name("p")),
                (ItemKind::Junk, "@@", None),
            ]
        );
        // An item keyword inside an open bracket of junk, indented, does not start an item.
        let text = "x = [\n  profile p { }\n]";
        assert_eq!(kinds(text), [ItemKind::Junk]);
    }

    #[test]
    fn item_without_braces_ends_at_next_item() {
        let text = "connector a: csv\nmetaverse { }";
        assert_eq!(
            cut(text),
            [(ItemKind::Connector, "connector a: csv", name("a")), (ItemKind::Metaverse, "metaverse { }", None),]
        );
        // Brackets before the first `{` do not end the item.
        let text = "inbound \"i\" f(x) -> y { a <- b }  junk";
        assert_eq!(
            cut(text),
            [(ItemKind::Inbound, "inbound \"i\" f(x) -> y { a <- b }", name("i")), (ItemKind::Junk, "junk", None),]
        );
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert!(cut("").is_empty());
        assert!(cut("\n  \r\n\t").is_empty());
        assert!(cut("# one\n  # two\r\n# three").is_empty());
    }

    #[test]
    fn string_names_are_unescaped() {
        let text = r#"test "a\"b\u{e9}" { }
inbound "bad \q" hr.person -> person { }"#;
        let names: Vec<Option<String>> = segment(text, &lex(text)).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec![Some("a\"b\u{e9}".to_string()), Some("bad \\q".to_string())]);
    }
}
