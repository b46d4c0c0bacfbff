//! Syntax: the lossless token stream, item segmentation, the pest parser and the AST.

pub mod lexer;
pub mod segment;
