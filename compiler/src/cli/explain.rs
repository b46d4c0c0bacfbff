//! `metasync explain CODE` and `metasync explain --list`

use super::Exit;
use crate::diagnostics::Code;
use clap::Args;

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The code, e.g. E0103
    #[arg(required_unless_present = "list")]
    pub code: Option<String>,
    /// List every code with its severity and title
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs) -> Exit {
    if args.list {
        for code in Code::ALL {
            let severity = if code.severity() == crate::diagnostics::Severity::Error { "error" } else { "warning" };
            outln!("{code}  {severity:<7}  {:<28}  {}", code.slug(), code.title());
        }
        return Exit::Ok;
    }
    let text = args.code.as_deref().unwrap_or("");
    match Code::parse(text) {
        Some(code) => {
            out!("{}", code.page());
            Exit::Ok
        }
        None => {
            eprintln!("error: `{text}` is not a metasync diagnostic code; `metasync explain --list` lists them");
            Exit::Usage
        }
    }
}
