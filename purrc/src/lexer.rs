//! The lexer: source text → tokens for the parser.
//!
//! Two layers:
//! - [`Tok`] (`tokens.rs`) is a logos-generated scanner. Strings, char
//!   literals, numbers and nesting block comments are scanned by hand in
//!   callbacks (`literals.rs`); the problems they find go into
//!   [`Extras::errors`] while a best-effort token is still produced, so one
//!   run reports several errors.
//! - [`Lexer`] (`layout.rs`) wraps it and applies the layout rules of
//!   docs/language.md §2: which
//!   newlines end a statement (see [`Lexer`]), `;` as an explicit separator,
//!   bracket tracking, splitting `>>` so that `list<list<i32>>` closes two
//!   generic lists, and `probe<` as a generic call. It also bounds how deep
//!   the syntax tree can get ([`MAX_NESTING`], [`MAX_EXPR_OPERATORS`]), so
//!   pathological input is an error, not a stack overflow.

mod layout;
mod literals;
mod tokens;

pub use layout::Lexer;
pub use tokens::{StrPiece, Tok};

use crate::source::{FileId, Span};
use std::fmt::Write as _;

/// Deepest bracket nesting accepted; deeper input is rejected with
/// `nesting-too-deep` instead of risking a stack overflow in later phases
/// (docs/language.md §12).
pub const MAX_NESTING: usize = 256;

/// Deepest nesting of strings inside interpolations inside strings.
pub const MAX_STRING_NESTING: u32 = 8;

/// Most operators (and `.`, `(`, `[`, `else`) in one statement or list
/// element, counting those of enclosing statements. Each can add a level to
/// the syntax tree without a bracket (`- - - x`, `a + b + …`, `f()()`), so
/// this bounds the tree depth that later, recursive phases walk on
/// [`crate::threads`]' stacks. The whole pipeline handles 200,000; C code
/// generation takes time quadratic in the length of one chain (10,000: a
/// third of a second, 50,000: ten seconds), which sets the limit.
/// docs/language.md §12 states it.
pub const MAX_EXPR_OPERATORS: u32 = 10_000;

/// A lexical error; `parse::diagnostic` renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum LexError {
    /// A character that starts no token, e.g. `@` or `$`.
    UnexpectedCharacter { ch: char, span: Span },
    /// A string literal with no closing `"` on its line.
    UnterminatedString { span: Span },
    /// A `{` inside a string with no matching `}` on the line.
    UnterminatedInterpolation { span: Span },
    /// `{}` inside a string: there is no expression to insert.
    EmptyInterpolation { span: Span },
    /// A lone `}` inside a string; a literal brace is written `}}`.
    UnmatchedBraceInString { span: Span },
    /// A `/*` comment that is never closed.
    UnterminatedComment { span: Span },
    /// A char literal with no closing `'`.
    UnterminatedChar { span: Span },
    /// A char literal that is empty or holds more than one byte.
    InvalidCharLiteral { span: Span, reason: &'static str },
    /// A backslash escape that is not one of `\n \t \r \0 \\ \" \' \xHH \u{H…}`,
    /// or one whose value is out of range.
    InvalidEscape { span: Span, reason: String },
    /// An integer literal larger than the largest integer type (`u64`).
    IntTooLarge { span: Span },
    /// A number followed directly by letters or digits it cannot contain,
    /// e.g. `12ab`, `0b102`, `0x`.
    InvalidNumber { span: Span },
    /// Brackets (or strings in interpolations) nested deeper than the limit.
    NestingTooDeep { span: Span, limit: usize },
    /// A statement with more operators than [`MAX_EXPR_OPERATORS`].
    ExpressionTooLong { span: Span, limit: u32 },
}

crate::diagnostics::diagnostic_ids!(LexError {
    UnexpectedCharacter => "unexpected-character",
    UnterminatedString => "unterminated-string",
    UnterminatedInterpolation => "unterminated-interpolation",
    EmptyInterpolation => "empty-interpolation",
    UnmatchedBraceInString => "unmatched-brace",
    UnterminatedComment => "unterminated-comment",
    UnterminatedChar => "unterminated-char",
    InvalidCharLiteral => "invalid-char-literal",
    InvalidEscape => "invalid-escape",
    IntTooLarge => "int-too-large",
    InvalidNumber => "invalid-number",
    NestingTooDeep => "nesting-too-deep",
    ExpressionTooLong => "expression-too-long",
});

impl LexError {
    pub fn span(&self) -> Span {
        match self {
            LexError::UnexpectedCharacter { span, .. }
            | LexError::UnterminatedString { span }
            | LexError::UnterminatedInterpolation { span }
            | LexError::EmptyInterpolation { span }
            | LexError::UnmatchedBraceInString { span }
            | LexError::UnterminatedComment { span }
            | LexError::UnterminatedChar { span }
            | LexError::InvalidCharLiteral { span, .. }
            | LexError::InvalidEscape { span, .. }
            | LexError::IntTooLarge { span }
            | LexError::InvalidNumber { span }
            | LexError::NestingTooDeep { span, .. }
            | LexError::ExpressionTooLong { span, .. } => *span,
        }
    }
}

/// State shared with the logos callbacks.
#[derive(Debug, Default)]
pub struct Extras {
    pub file: FileId,
    /// Offset of the lexed text in its file (non-zero for interpolations).
    pub base: u32,
    pub errors: Vec<LexError>,
}

impl Extras {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, self.base as usize + start, self.base as usize + end)
    }
}

/// A token with its byte range in the file, as the parser consumes it.
pub type Spanned<'s> = (usize, Tok<'s>, usize);

/// `purrc --emit tokens`: the token stream the parser sees, one per line as
/// `line:col kind`, followed by any lexical errors.
pub fn dump_tokens(file: FileId, src: &str) -> String {
    let mut out = String::new();
    let mut lexer = Lexer::new(file, src);
    let mut line_starts = vec![0];
    line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
    let line_col = |offset: usize| {
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        (line + 1, offset - line_starts[line] + 1)
    };
    for (start, tok, end) in lexer.by_ref().map(|t| match t {
        Ok(t) => t,
        Err(never) => match never {},
    }) {
        let (line, col) = line_col(start);
        let _ = write!(out, "{line}:{col} ");
        let _ = match &tok {
            Tok::Ident(s) => writeln!(out, "Ident {s}"),
            Tok::Int(v) => writeln!(out, "Int {v}"),
            Tok::Float(v) => writeln!(out, "Float {v:?}"),
            Tok::Char(v) => writeln!(out, "Char {v}"),
            Tok::Str(_) => writeln!(out, "Str {}", &src[start..end]),
            Tok::Newline => writeln!(out, "Newline"),
            Tok::GtJoined => writeln!(out, "> (joined)"),
            Tok::GenericLt => writeln!(out, "< (generic)"),
            Tok::Error => writeln!(out, "Error {:?}", &src[start..end]),
            other => writeln!(out, "{}", other.text()),
        };
    }
    for err in lexer.take_errors() {
        let (line, col) = line_col(err.span().start as usize);
        let _ = writeln!(out, "{line}:{col} error: {err:?}");
    }
    out
}
