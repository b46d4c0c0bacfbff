//! `metasync eval EXPR [--object JSON] [--format human|json]`: the playground for trying a
//! transformation.

use super::Exit;
use crate::diagnostics::FileDiagnostic;
use crate::diagnostics::render::{Sources, color_wanted, render_human};
use crate::playground::{EvalFailure, Outcome, evaluate};
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::IsTerminal;

/// Output formats of `eval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The value as a literal of the language
    Human,
    /// An object with the value (JSON), its literal and its type
    Json,
}

/// Arguments of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The expression, e.g. `lower(left(givenName, 1) + surname)`
    pub expr: String,
    /// The object's attributes as a JSON object, or `@FILE` to read them from a file
    #[arg(long, value_name = "JSON")]
    pub object: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `eval`.
pub fn run(args: &EvalArgs) -> Exit {
    let text = match args.object.as_deref() {
        None => "{}".to_string(),
        Some(file) if file.starts_with('@') => match std::fs::read_to_string(file.trim_start_matches('@')) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", file.trim_start_matches('@'));
                return Exit::Usage;
            }
        },
        Some(inline) => inline.to_string(),
    };
    let object = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => {
            eprintln!("error: `--object` must be a JSON object, e.g. '{{\"givenName\": \"Ann\"}}'");
            return Exit::Usage;
        }
        Err(e) => {
            eprintln!("error: `--object` is not valid JSON: {e}");
            return Exit::Usage;
        }
    };
    match evaluate(&args.expr, &object) {
        Ok(done) => {
            match args.format {
                Format::Human => outln!("{}", done.outcome.to_literal()),
                Format::Json => {
                    let value = match &done.outcome {
                        Outcome::Value(v) => v.to_json(),
                        _ => serde_json::Value::Null,
                    };
                    outln!("{:#}", json!({ "value": value, "literal": done.outcome.to_literal(), "type": done.ty }));
                }
            }
            Exit::Ok
        }
        Err(EvalFailure::Object(why)) => {
            eprintln!("error: --object: {why}");
            Exit::Usage
        }
        Err(EvalFailure::Diagnostics(diags)) => {
            let path = "<expression>".to_string();
            let mut sources = Sources::new();
            sources.insert(path.clone(), args.expr.clone());
            let file_diags: Vec<FileDiagnostic> =
                diags.into_iter().map(|d| FileDiagnostic { path: path.clone(), diagnostic: d }).collect();
            match args.format {
                Format::Human => {
                    eprint!("{}", render_human(&file_diags, &sources, color_wanted(std::io::stderr().is_terminal())))
                }
                Format::Json => {
                    outln!("{:#}", json!({ "errors": crate::diagnostics::json::to_json(&file_diags, &sources) }))
                }
            }
            Exit::Failed
        }
        Err(EvalFailure::Runtime(why)) => {
            match args.format {
                Format::Human => eprintln!("error: {why}"),
                Format::Json => outln!("{:#}", json!({ "error": why })),
            }
            Exit::Failed
        }
    }
}
