//! The `metasync` command.

use clap::Parser;
use metasync_compiler::cli::{Cli, run};
use std::process::ExitCode;

/// mimalloc: the engine allocates and frees many small values per object (decoded records,
/// evaluated values, index keys), where glibc's allocator spent a third of a synchronization.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    run(Cli::parse()).into()
}
