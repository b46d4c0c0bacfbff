//! The `metasync` command.

fn main() {}
