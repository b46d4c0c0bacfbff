//! The lossless token stream.
//!
//! [`lex`] cuts a file into [`Token`]s such that concatenating the token slices in order gives
//! back the file: whitespace, line breaks and comments are real tokens ("trivia"), and anything
//! the lexer does not understand becomes an [`TokenKind::Error`] token instead of being dropped.
//! The pest grammar owns syntax; this stream serves segmentation for error recovery
//! ([`super::segment`]), the formatter (comment attachment), the highlighter and the
//! `metasync tokens` subcommand ([`render_tokens`]).
//!
//! Keywords are context-sensitive in the language (an attribute may be called `filter` or
//! `object`), so at this level every word is an [`TokenKind::Ident`]; [`keyword_class`] tells the
//! highlighter which words can be keywords.
//!
//! Error tokens:
//! - a character no other token matches is one `Error` token per character;
//! - an unterminated string (a `"` or `r"` without a closing quote before the end of the line)
//!   is one `Error` token running up to, not including, the line break. Strings cannot span
//!   lines and cannot contain a raw carriage return.

use crate::span::Span;
use logos::Logos;
use std::fmt::Write as _;

/// The kind of a token. Trivia ([`TokenKind::is_trivia`]) are whitespace, line breaks and comments.
#[derive(Logos, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Spaces, tabs, and carriage returns not followed by `\n`.
    ///
    /// A run of spaces and tabs (possibly with `\r`s between them) is one token; a `\r` right
    /// before a line break or at the end of such a run is a token of its own.
    #[regex(r"(\r*[ \t]+)+")]
    #[token("\r")]
    Whitespace,
    /// `\n` or `\r\n`.
    #[token("\n")]
    #[token("\r\n")]
    Newline,
    /// `#` to the end of the line, excluding the line break (and a `\r` before it).
    #[regex(r"#([^\r\n]|\r+[^\r\n])*")]
    Comment,
    /// A name or (context-sensitive) keyword: `[A-Za-z_][A-Za-z0-9_]*`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    Ident,
    /// A backtick-quoted name such as `` `msDS-foo` `` (no backticks or line breaks inside).
    #[regex(r"`[^`\n]+`")]
    QuotedIdent,
    /// `"..."` with backslash escapes; only delimited here, escapes are validated later.
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*""#)]
    String,
    /// `r"..."` without escapes or line breaks inside.
    #[regex(r#"r"[^"\r\n]*""#)]
    RawString,
    /// `[0-9][0-9_]*`.
    #[regex(r"[0-9][0-9_]*")]
    Integer,
    /// `@YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]` and then `Z` or `±HH:MM`.
    #[regex(r"@[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?")]
    DateTime,
    /// `{`
    #[token("{")]
    LBrace,
    /// `}`
    #[token("}")]
    RBrace,
    /// `(`
    #[token("(")]
    LParen,
    /// `)`
    #[token(")")]
    RParen,
    /// `[`
    #[token("[")]
    LBracket,
    /// `]`
    #[token("]")]
    RBracket,
    /// `,`
    #[token(",")]
    Comma,
    /// `:`
    #[token(":")]
    Colon,
    /// `;`
    #[token(";")]
    Semicolon,
    /// `.`
    #[token(".")]
    Dot,
    /// `=`
    #[token("=")]
    Eq,
    /// `==`
    #[token("==")]
    EqEq,
    /// `!=`
    #[token("!=")]
    NotEq,
    /// `<`
    #[token("<")]
    Lt,
    /// `<=`
    #[token("<=")]
    LtEq,
    /// `>`
    #[token(">")]
    Gt,
    /// `>=`
    #[token(">=")]
    GtEq,
    /// `<-`
    #[token("<-")]
    LArrow,
    /// `->`
    #[token("->")]
    RArrow,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `%`
    #[token("%")]
    Percent,
    /// `??`
    #[token("??")]
    QuestionQuestion,
    /// `?`
    #[token("?")]
    Question,
    /// One character no other token matches, or an unterminated string up to the end of its
    /// line (see the module docs).
    #[regex(r#""([^"\\\r\n]|\\[^\r\n])*\\?"#)]
    #[regex(r#"r"[^"\r\n]*"#)]
    #[regex(r".", priority = 0)]
    Error,
}

impl TokenKind {
    /// Whitespace, line breaks and comments.
    pub fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace | TokenKind::Newline | TokenKind::Comment)
    }

    /// The snake-case name printed by `metasync tokens`.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::Whitespace => "whitespace",
            TokenKind::Newline => "newline",
            TokenKind::Comment => "comment",
            TokenKind::Ident => "ident",
            TokenKind::QuotedIdent => "quoted_ident",
            TokenKind::String => "string",
            TokenKind::RawString => "raw_string",
            TokenKind::Integer => "integer",
            TokenKind::DateTime => "date_time",
            TokenKind::LBrace => "l_brace",
            TokenKind::RBrace => "r_brace",
            TokenKind::LParen => "l_paren",
            TokenKind::RParen => "r_paren",
            TokenKind::LBracket => "l_bracket",
            TokenKind::RBracket => "r_bracket",
            TokenKind::Comma => "comma",
            TokenKind::Colon => "colon",
            TokenKind::Semicolon => "semicolon",
            TokenKind::Dot => "dot",
            TokenKind::Eq => "eq",
            TokenKind::EqEq => "eq_eq",
            TokenKind::NotEq => "not_eq",
            TokenKind::Lt => "lt",
            TokenKind::LtEq => "lt_eq",
            TokenKind::Gt => "gt",
            TokenKind::GtEq => "gt_eq",
            TokenKind::LArrow => "l_arrow",
            TokenKind::RArrow => "r_arrow",
            TokenKind::Plus => "plus",
            TokenKind::Minus => "minus",
            TokenKind::Star => "star",
            TokenKind::Slash => "slash",
            TokenKind::Percent => "percent",
            TokenKind::QuestionQuestion => "question_question",
            TokenKind::Question => "question",
            TokenKind::Error => "error",
        }
    }
}

/// One token: its kind and its byte span in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    /// What kind of token.
    pub kind: TokenKind,
    /// Where it is.
    pub span: Span,
}

/// Cut `text` into a lossless token stream: the spans are contiguous from 0 to `text.len()`.
pub fn lex(text: &str) -> Vec<Token> {
    TokenKind::lexer(text)
        .spanned()
        .map(|(kind, range)| Token {
            // The catch-all `.` pattern means logos should never fail; if it does, the slice
            // it failed on becomes an error token so the stream stays lossless.
            kind: kind.unwrap_or(TokenKind::Error),
            span: Span::new(range.start, range.end),
        })
        .collect()
}

/// Which kind of keyword a word can be (keywords are context-sensitive, so this is a hint for
/// the highlighter, not a lexing decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeywordClass {
    /// Starts a top-level item: `connector metaverse inbound outbound profile test`.
    Item,
    /// Starts or modifies a statement inside an item (`object`, `flow`, `join`, ...).
    Statement,
    /// Expression keywords and literals (`and`, `if`, `null`, `true`, ...).
    Expression,
    /// Built-in type names (`string`, `integer`, ...).
    Type,
}

/// The keyword class of `text`, or `None` if it is never a keyword.
pub fn keyword_class(text: &str) -> Option<KeywordClass> {
    let class = match text {
        "connector" | "metaverse" | "inbound" | "outbound" | "profile" | "test" => KeywordClass::Item,
        "object" | "anchor" | "required" | "capabilities" | "filter" | "include" | "exclude" | "partition"
        | "precedence" | "scope" | "join" | "project" | "provision" | "deprovision" | "flow" | "delete" | "when"
        | "unlinked" | "from" | "once" | "merge" | "given" | "expect" | "no" | "export" | "full" | "delta"
        | "import" | "sync" | "at" => KeywordClass::Statement,
        "and" | "or" | "not" | "if" | "then" | "else" | "is" | "present" | "null" | "in" | "matches" | "true"
        | "false" | "authoritative" | "ignore" | "ref" => KeywordClass::Expression,
        "string" | "integer" | "boolean" | "datetime" | "binary" | "guid" => KeywordClass::Type,
        _ => return None,
    };
    Some(class)
}

/// One line per token: `{start}..{end} {kind name} {text as a Rust debug string}`, e.g.
/// `0..9 ident "connector"`. This is what `metasync tokens FILE` prints.
pub fn render_tokens(text: &str) -> String {
    let mut out = String::new();
    for token in lex(text) {
        let slice = text.get(token.span.range()).unwrap_or("");
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{}..{} {} {:?}", token.span.start, token.span.end, token.kind.name(), slice);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# HR feed
connector hr: csv {
    path = "data/hr.csv"
    object person {
        anchor employeeId: string
        `msDS-foo`: string?
        hired: datetime
    }
}

metaverse {
    person { employeeId: string  manager: ref person? }
}

inbound "HR employees" hr.person -> person {
    precedence 10
    scope status != "terminated" and hired >= @2024-01-05T10:00:00Z
    join employeeId == source.employeeId
    flow {
        employeeId <- employeeId
        manager    <- ref(hr.person, managerId)
        account    <- lower(left(givenName, 1) + surname) ?? r"C:\x"
        count      <- 1_000 * 2 / 3 % 4 - 5
    }
}

profile nightly { full import hr; delta sync hr }
"#;

    fn kinds(text: &str) -> Vec<TokenKind> {
        lex(text).into_iter().map(|t| t.kind).collect()
    }

    fn non_trivia(text: &str) -> Vec<(TokenKind, &str)> {
        lex(text)
            .into_iter()
            .filter(|t| !t.kind.is_trivia())
            .map(|t| (t.kind, text.get(t.span.range()).unwrap_or("<bad span>")))
            .collect()
    }

    fn assert_lossless(text: &str) {
        let tokens = lex(text);
        let mut pos = 0usize;
        let mut rebuilt = String::new();
        for token in &tokens {
            assert_eq!(token.span.start as usize, pos, "gap or overlap in {text:?}: {tokens:?}");
            assert!(!token.span.is_empty(), "empty token in {text:?}: {tokens:?}");
            let slice = text.get(token.span.range());
            assert!(slice.is_some(), "span {:?} not on a char boundary in {text:?}", token.span);
            let slice = slice.unwrap_or_default();
            if token.kind == TokenKind::Error && !slice.starts_with('"') && !slice.starts_with("r\"") {
                assert_eq!(slice.chars().count(), 1, "multi-char error token {slice:?} in {text:?}");
            }
            rebuilt.push_str(slice);
            pos = token.span.end as usize;
        }
        assert_eq!(pos, text.len(), "tokens do not reach the end of {text:?}");
        assert_eq!(rebuilt, text);
    }

    #[test]
    fn sample_is_lossless() {
        assert_lossless(SAMPLE);
        assert_lossless(&SAMPLE.replace('\n', "\r\n"));
        assert_lossless("");
        assert!(!kinds(SAMPLE).contains(&TokenKind::Error));
    }

    #[test]
    fn random_inputs_are_lossless() {
        let pool: Vec<char> = "abzAZ_09 \t\n\r\"`#@\\rTZ:{}()[],;.=!<>-+*/%?é日🦀'$^~|&x1-".chars().collect();
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..2_000 {
            let len = (next() % 40) as usize;
            let mut text = String::new();
            for _ in 0..len {
                let i = (next() % pool.len() as u64) as usize;
                text.push(pool.get(i).copied().unwrap_or('a'));
            }
            assert_lossless(&text);
        }
    }

    #[test]
    fn render_snippet() {
        let text = "connector hr: csv { # feed\r\n  path = \"a\\\"b\"\n  x <- y ?? @2024-01-05 }\n";
        insta::assert_snapshot!(render_tokens(text));
    }

    #[test]
    fn render_format() {
        assert_eq!(render_tokens("connector"), "0..9 ident \"connector\"\n");
        assert_eq!(render_tokens("a\n"), "0..1 ident \"a\"\n1..2 newline \"\\n\"\n");
    }

    #[test]
    fn trivia() {
        use TokenKind::*;
        assert_eq!(kinds("a \t b"), [Ident, Whitespace, Ident]);
        assert_eq!(kinds("a\r\nb"), [Ident, Newline, Ident]);
        assert_eq!(kinds("a \r\nb"), [Ident, Whitespace, Newline, Ident]);
        assert_eq!(kinds("a\rb"), [Ident, Whitespace, Ident]);
        assert_eq!(kinds("a\r\r\nb"), [Ident, Whitespace, Newline, Ident]);
        assert_eq!(kinds("# c \r\nx"), [Comment, Newline, Ident]);
        assert_eq!(kinds("# c \r\r\nx"), [Comment, Whitespace, Newline, Ident]);
        assert_eq!(render_tokens("# c\rd\nx"), "0..5 comment \"# c\\rd\"\n5..6 newline \"\\n\"\n6..7 ident \"x\"\n");
        assert_eq!(kinds("a # \"x\" {\nb"), [Ident, Whitespace, Comment, Newline, Ident]);
        assert!(Whitespace.is_trivia() && Newline.is_trivia() && Comment.is_trivia());
        assert!(!Ident.is_trivia() && !Error.is_trivia());
    }

    #[test]
    fn strings() {
        use TokenKind::*;
        assert_eq!(non_trivia(r#""a\"b\\" x"#), [(String, r#""a\"b\\""#), (Ident, "x")]);
        assert_eq!(non_trivia(r#""\u{e9}\n\t""#), [(String, r#""\u{e9}\n\t""#)]);
        assert_eq!(non_trivia(r#""""#), [(String, r#""""#)]);
        assert_eq!(non_trivia("\"日🦀\""), [(String, "\"日🦀\"")]);
    }

    #[test]
    fn unterminated_strings() {
        use TokenKind::*;
        assert_eq!(non_trivia("x = \"abc\ny"), [(Ident, "x"), (Eq, "="), (Error, "\"abc"), (Ident, "y")]);
        assert_eq!(kinds("\"abc\r\ny"), [Error, Newline, Ident]);
        assert_eq!(non_trivia("\"abc"), [(Error, "\"abc")]);
        assert_eq!(non_trivia(r#""ab\"#), [(Error, r#""ab\"#)]);
        assert_eq!(non_trivia("\"ab\\\"\n\"ok\""), [(Error, "\"ab\\\""), (String, "\"ok\"")]);
        assert_eq!(non_trivia("r\"abc\nx"), [(Error, "r\"abc"), (Ident, "x")]);
    }

    #[test]
    fn raw_strings() {
        use TokenKind::*;
        assert_eq!(non_trivia(r#"r"C:\dir\" x"#), [(RawString, r#"r"C:\dir\""#), (Ident, "x")]);
        assert_eq!(non_trivia(r#"r"""#), [(RawString, r#"r"""#)]);
        assert_eq!(non_trivia(r#"r "a""#), [(Ident, "r"), (String, r#""a""#)]);
        assert_eq!(non_trivia(r#"rr"a""#), [(Ident, "rr"), (String, r#""a""#)]);
        assert_eq!(non_trivia("r x"), [(Ident, "r"), (Ident, "x")]);
    }

    #[test]
    fn datetimes() {
        use TokenKind::*;
        for ok in [
            "@2024-01-05",
            "@2024-01-05T10:00",
            "@2024-01-05T10:00:00",
            "@2024-01-05T10:00:00Z",
            "@2024-01-05T10:00:00.123456Z",
            "@2024-01-05T10:00:00+02:00",
            "@2024-01-05T10:00-05:30",
        ] {
            assert_eq!(non_trivia(ok), [(DateTime, ok)], "{ok}");
        }
        assert_eq!(non_trivia("@2024-01-05T1"), [(DateTime, "@2024-01-05"), (Ident, "T1")]);
        assert_eq!(non_trivia("@2024-01-05T10:00+02"), [(DateTime, "@2024-01-05T10:00"), (Plus, "+"), (Integer, "02")]);
        assert_eq!(
            non_trivia("@2024-1-05"),
            [(Error, "@"), (Integer, "2024"), (Minus, "-"), (Integer, "1"), (Minus, "-"), (Integer, "05")]
        );
        assert_eq!(non_trivia("@x"), [(Error, "@"), (Ident, "x")]);
    }

    #[test]
    fn operators() {
        use TokenKind::*;
        assert_eq!(kinds("a<-b"), [Ident, LArrow, Ident]);
        assert_eq!(kinds("a < -b"), [Ident, Whitespace, Lt, Whitespace, Minus, Ident]);
        assert_eq!(kinds("a<=b"), [Ident, LtEq, Ident]);
        assert_eq!(kinds("a->b"), [Ident, RArrow, Ident]);
        assert_eq!(kinds("a??b"), [Ident, QuestionQuestion, Ident]);
        assert_eq!(kinds("a?"), [Ident, Question]);
        assert_eq!(kinds("a???"), [Ident, QuestionQuestion, Question]);
        assert_eq!(kinds("a? ?b"), [Ident, Question, Whitespace, Question, Ident]);
        assert_eq!(kinds("== != = >= >"), [EqEq, Whitespace, NotEq, Whitespace, Eq, Whitespace, GtEq, Whitespace, Gt]);
        assert_eq!(
            kinds("{}()[],:;.+-*/%"),
            [
                LBrace, RBrace, LParen, RParen, LBracket, RBracket, Comma, Colon, Semicolon, Dot, Plus, Minus, Star,
                Slash, Percent
            ]
        );
        assert_eq!(kinds("!"), [Error]);
    }

    #[test]
    fn names_and_numbers() {
        use TokenKind::*;
        assert_eq!(
            non_trivia("_a1 `msDS-foo` 1_000 007"),
            [(Ident, "_a1"), (QuotedIdent, "`msDS-foo`"), (Integer, "1_000"), (Integer, "007")]
        );
        assert_eq!(non_trivia("``"), [(Error, "`"), (Error, "`")]);
        assert_eq!(non_trivia("`a\nb`"), [(Error, "`"), (Ident, "a"), (Ident, "b"), (Error, "`")]);
        assert_eq!(non_trivia("é日"), [(Error, "é"), (Error, "日")]);
        assert_eq!(non_trivia("1a"), [(Integer, "1"), (Ident, "a")]);
    }

    #[test]
    fn keyword_classes() {
        assert_eq!(keyword_class("connector"), Some(KeywordClass::Item));
        assert_eq!(keyword_class("filter"), Some(KeywordClass::Statement));
        assert_eq!(keyword_class("at"), Some(KeywordClass::Statement));
        assert_eq!(keyword_class("ref"), Some(KeywordClass::Expression));
        assert_eq!(keyword_class("guid"), Some(KeywordClass::Type));
        assert_eq!(keyword_class("person"), None);
        assert_eq!(keyword_class("Connector"), None);
    }
}
