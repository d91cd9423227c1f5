//! The parser phase: source text → [`ast::File`], or the syntax errors.
//!
//! The grammar is `parser.lalrpop` (LR(1), generated at build time) fed by
//! [`crate::lexer::Lexer`]. This module drives it (large files in parallel
//! pieces) and holds the phase's error enum [`ParseError`]; `actions.rs` is
//! what the grammar's actions call, `recovery.rs` the restart after a syntax
//! error, and `messages.rs` has [`diagnostic`], the one place those errors
//! (and the lexer's [`LexError`]s) become [`Diagnostic`]s.
//!
//! Errors are collected, not returned at the first one: the lexer reports
//! bad input and goes on, grammar actions record their errors and go on, and
//! after a syntax error parsing resumes after the broken statement (see
//! `recovery.rs`), so independent mistakes are all reported in one run.

pub(crate) mod actions;
mod messages;
mod recovery;

use crate::ast::{self, Expr};
use crate::diagnostics::Diagnostic;
use crate::lexer::Lexer;
use crate::source::{FileId, Span};
use messages::record;
use thin_vec::ThinVec;

pub use crate::lexer::LexError;
pub use messages::diagnostic;
pub use recovery::parse_file_errors;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, unused_parens, unused_imports, dead_code)]
    grammar,
    "/parser.rs"
);

/// A syntax error, or a lexical error passed through.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// An error from the lexer (see [`LexError`] for the ids).
    Lex(LexError),
    /// A token that cannot appear here.
    UnexpectedToken {
        span: Span,
        /// The token as the user reads it: `` `}` ``, ``identifier `x` ``.
        found: String,
        /// What would have been accepted, in user terms.
        expected: Vec<String>,
        hint: Option<String>,
    },
    /// The input ended in the middle of a construct.
    UnexpectedEof { span: Span, expected: Vec<String> },
    /// A bracket left open: the input ended, or a later line went on as if
    /// it were closed. The bracket is the mistake, not where it was noticed.
    Unclosed {
        open: char,
        /// The opening bracket.
        span: Span,
        /// Where the missing closer was noticed.
        noticed: Span,
        /// The token found there, `None` at the end of the input.
        found: Option<String>,
    },
    /// `{ … }` after an expression that does not name a struct, message or
    /// actor, e.g. `f() { x: 1 }`.
    InvalidStructLiteral { span: Span },
    /// A string with `{…}` where plain text is required: test and bench
    /// names, patterns.
    InterpolationNotAllowed { span: Span, place: &'static str },
}

crate::diagnostics::diagnostic_ids!(ParseError, via Lex {
    UnexpectedToken => "syntax-error",
    UnexpectedEof => "unexpected-eof",
    Unclosed => "unclosed-delimiter",
    InvalidStructLiteral => "invalid-struct-literal",
    InterpolationNotAllowed => "interpolation-not-allowed",
});

impl ParseError {
    pub fn span(&self) -> Span {
        match self {
            ParseError::Lex(e) => e.span(),
            ParseError::UnexpectedToken { span, .. }
            | ParseError::UnexpectedEof { span, .. }
            | ParseError::Unclosed { span, .. }
            | ParseError::InvalidStructLiteral { span }
            | ParseError::InterpolationNotAllowed { span, .. } => *span,
        }
    }
}

/// Parses one file. On failure returns every error found, in source order.
pub fn parse_file(file: FileId, src: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if let Some(parsed) = parse_in_parallel(file, src) {
        return Ok(parsed);
    }
    parse_file_errors(file, src).map_err(|errors| errors.iter().map(diagnostic).collect())
}

/// Files above this size are parsed in pieces on several threads.
const PARALLEL_PARSE_BYTES: usize = 256 << 10;

/// Parses a large file as a few pieces, each a run of whole top-level
/// declarations, on separate threads. The grammar is unambiguous and items
/// are independent, so when every piece parses, the items joined are the
/// parse of the whole. Any error, or a cut that was not between two
/// declarations, makes this return `None`: the caller then parses the file
/// in one piece, which reports the errors exactly.
fn parse_in_parallel(file: FileId, src: &str) -> Option<ast::File> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    if src.len() < PARALLEL_PARSE_BYTES || threads < 2 {
        return None;
    }
    let mut cuts = vec![0];
    for k in 1..threads {
        let cut = declaration_line_after(src, src.len() * k / threads)?;
        if cut > *cuts.last().expect("starts with 0") {
            cuts.push(cut);
        }
    }
    cuts.push(src.len());
    let pieces: Vec<Option<ThinVec<ast::Item>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| crate::threads::spawn_scoped(scope, move || parse_piece(file, src, w[0], w[1])))
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let mut items = ThinVec::new();
    for piece in pieces {
        items.extend(piece?);
    }
    Some(ast::File { items })
}

/// The start of the first line at or after `from` that begins, in column 0,
/// with a keyword that starts a top-level declaration.
fn declaration_line_after(src: &str, from: usize) -> Option<usize> {
    const STARTS: [&str; 10] = ["fn ", "struct ", "enum ", "const ", "extern ", "message ", "actor ", "test ", "bench ", "priv "];
    let mut at = from;
    loop {
        at += src.get(at..)?.find('\n')? + 1;
        let rest = &src[at..];
        if STARTS.iter().any(|k| rest.starts_with(k)) {
            return Some(at);
        }
    }
}

/// Items of `src[start..end]`, or `None` at the first error of any kind.
fn parse_piece(file: FileId, src: &str, start: usize, end: usize) -> Option<ThinVec<ast::Item>> {
    let mut lexer = match start {
        0 => Lexer::new(file, &src[..end]),
        _ => Lexer::with_base(file, &src[start..end], start as u32),
    };
    let mut errors = Vec::new();
    let parsed = grammar::FileParser::new().parse(file, &mut errors, &mut lexer).ok()?;
    (errors.is_empty() && lexer.take_errors().is_empty()).then_some(parsed.items)
}

/// Parses a standalone expression (tests, tools).
pub fn parse_expr(file: FileId, src: &str) -> Result<Expr, Vec<Diagnostic>> {
    let mut lexer = Lexer::new(file, src);
    let mut problems = Vec::new();
    let result = grammar::ExprParser::new().parse(file, &mut problems, &mut lexer);
    let parsed = match result {
        Ok(e) => Some(e),
        Err(e) => {
            record(&mut problems, file, e);
            None
        }
    };
    let mut errors: Vec<ParseError> = lexer.take_errors().into_iter().map(ParseError::Lex).collect();
    errors.extend(problems);
    match parsed {
        Some(e) if errors.is_empty() => Ok(*e),
        _ => Err(errors.iter().map(diagnostic).collect()),
    }
}
