//! Syntax: the lossless token stream, item segmentation, the pest parser and the AST.

pub mod ast;
pub mod lexer;
pub mod parser;
pub mod segment;
