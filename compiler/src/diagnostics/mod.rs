//! Diagnostics: what went wrong, independent of how it is shown.
//!
//! Every check produces a [`Diagnostic`] with a stable [`Code`] from [`codes`], a severity, a
//! message, a primary label and optional secondary labels (byte spans in one file), and a help
//! line. Renderers for each output format live in their own files and never decide content.
//!
//! Message rules (after cedar's style guide): lower case, no final period, user input in
//! backticks, no Rust type names, no line breaks; detail goes into labels and help.

pub mod codes;
pub mod json;
pub mod render;
pub mod sarif;

pub use codes::Code;

use crate::span::Span;
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something is probably wrong, but the rule set can still be compiled.
    Warning,
    /// The rule set cannot be compiled.
    Error,
}

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Label {
    /// The file the span is in, when it is not the diagnostic's own file.
    pub file: Option<String>,
    /// The bytes the label points at.
    pub span: Span,
    /// What the label says (may be empty for the primary label).
    pub message: String,
}

/// One finding, in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning (the code's default).
    pub severity: Severity,
    /// One line: what is wrong.
    pub message: String,
    /// Where it is wrong.
    pub primary: Label,
    /// Related places (the earlier definition, the declared type...).
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and a primary span.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label { file: None, span, message: String::new() },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the primary label's text.
    #[must_use]
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label { file: None, span, message: message.into() });
        self
    }

    /// Adds a secondary label in another file.
    #[must_use]
    pub fn with_secondary_in(mut self, file: impl Into<String>, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label { file: Some(file.into()), span, message: message.into() });
        self
    }

    /// Sets the help line.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// All spans moved `by` bytes (item-relative to file-absolute).
    #[must_use]
    pub fn shifted(mut self, by: u32) -> Diagnostic {
        self.primary.span = self.primary.span.shift(by);
        for label in self.secondary.iter_mut().filter(|l| l.file.is_none()) {
            label.span = label.span.shift(by);
        }
        self
    }

    /// The diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A diagnostic together with the file it is in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FileDiagnostic {
    /// The file's path as given to the checker.
    pub path: String,
    /// The diagnostic, with file-absolute spans.
    pub diagnostic: Diagnostic,
}
