//! purrc: the Purr compiler. The phases, in the order data flows through them:
//! source → lexer → parser (AST) → sema (names, types, exhaustiveness → IR)
//! → lints (warnings) → C code generation → the C compiler and the runtime
//! library (driver).

pub mod ast;
pub mod codegen_c;
pub mod diagnostics;
pub mod driver;
pub mod explain;
pub mod intern;
pub mod ir;
pub mod lexer;
pub mod lint;
pub mod parse;
pub mod runtime;
pub mod sema;
pub mod source;
pub mod stdlib;
pub mod threads;
