//! `metasync tokens FILE`

use super::Exit;
use crate::syntax::lexer::render_tokens;
use clap::Args;
use std::path::PathBuf;

/// Arguments of `tokens`.
#[derive(Debug, Args)]
pub struct TokensArgs {
    /// The file to tokenize
    pub file: PathBuf,
}

/// Runs `tokens`.
pub fn run(args: &TokensArgs) -> Exit {
    match std::fs::read(&args.file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                out!("{}", render_tokens(&text));
                Exit::Ok
            }
            Err(_) => {
                eprintln!("error: `{}` is not UTF-8 text", args.file.display());
                Exit::Usage
            }
        },
        Err(e) => {
            eprintln!("error: cannot read `{}`: {e}", args.file.display());
            Exit::Usage
        }
    }
}
