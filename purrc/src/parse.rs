//! The parser phase: source text → [`ast::File`], or the syntax errors.
//!
//! The grammar is `parser.lalrpop` (LR(1), generated at build time) fed by
//! [`crate::lexer::Lexer`]. This module holds what the grammar's actions call
//! (`span`, `binary`, `struct_literal`, `interpolate`, …), the phase's error
//! enum [`ParseError`], and [`diagnostic`], the one place those errors (and
//! the lexer's [`LexError`]s) become [`Diagnostic`]s.
//!
//! Errors are collected, not returned at the first one: the lexer reports
//! bad input and goes on, grammar actions record their errors and go on, and
//! after a syntax error parsing restarts at the next top-level declaration
//! (see [`parse_file_errors`]), so independent mistakes are all reported in
//! one run.

use crate::ast::{self, BinOp, Expr, ExprKind, FieldInit, Ident, Pattern, PatternKind, StrPart};
use crate::diagnostics::Diagnostic;
use crate::lexer::{Lexer, StrPiece, Tok};
use crate::source::{FileId, Span};
use std::convert::Infallible;

pub use crate::lexer::LexError;

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
    /// A token that cannot appear here. (`syntax-error`)
    UnexpectedToken {
        span: Span,
        /// The token as the user reads it: `` `}` ``, ``identifier `x` ``.
        found: String,
        /// What would have been accepted, in user terms.
        expected: Vec<String>,
        hint: Option<String>,
    },
    /// The input ended in the middle of a construct. (`unexpected-eof`)
    UnexpectedEof {
        span: Span,
        expected: Vec<String>,
        /// The innermost bracket left open, if any.
        unclosed: Option<(char, Span)>,
    },
    /// `{ … }` after an expression that does not name a struct, message or
    /// actor, e.g. `f() { x: 1 }`. (`invalid-struct-literal`)
    InvalidStructLiteral { span: Span },
    /// A string with `{…}` where plain text is required: test and bench
    /// names, patterns. (`interpolation-not-allowed`)
    InterpolationNotAllowed { span: Span, place: &'static str },
}

impl ParseError {
    pub fn span(&self) -> Span {
        match self {
            ParseError::Lex(e) => e.span(),
            ParseError::UnexpectedToken { span, .. }
            | ParseError::UnexpectedEof { span, .. }
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
    let pieces: Vec<Option<Vec<ast::Item>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| scope.spawn(move || parse_piece(file, src, w[0], w[1])))
            .collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    let mut items = Vec::new();
    for piece in pieces {
        items.extend(piece?);
    }
    Some(ast::File { items })
}

/// The start of the first line at or after `from` that begins, in column 0,
/// with a keyword that starts a top-level declaration.
fn declaration_line_after(src: &str, from: usize) -> Option<usize> {
    const STARTS: [&str; 9] = ["fn ", "struct ", "enum ", "const ", "extern ", "message ", "actor ", "test ", "bench "];
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
fn parse_piece(file: FileId, src: &str, start: usize, end: usize) -> Option<Vec<ast::Item>> {
    let mut lexer = match start {
        0 => Lexer::new(file, &src[..end]),
        _ => Lexer::with_base(file, &src[start..end], start as u32),
    };
    let mut errors = Vec::new();
    let parsed = grammar::FileParser::new().parse(file, &mut errors, &mut lexer).ok()?;
    (errors.is_empty() && lexer.take_errors().is_empty()).then_some(parsed.items)
}

/// [`parse_file`] with the errors as data (tests, tools).
///
/// Recovery: at a syntax error the parser stops; the error is recorded and
/// parsing restarts at the next top-level declaration (the first token after
/// a newline outside all brackets). So each declaration reports at most one
/// syntax error, and independent declarations are all checked.
pub fn parse_file_errors(file: FileId, src: &str) -> Result<ast::File, Vec<ParseError>> {
    let mut items = Vec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut declaration_starts: Option<Vec<usize>> = None;
    let mut offset = 0;
    loop {
        let mut lexer = match offset {
            0 => Lexer::new(file, src),
            _ => Lexer::with_base(file, &src[offset..], offset as u32),
        };
        let result = grammar::FileParser::new().parse(file, &mut errors, &mut lexer);
        errors.extend(lexer.take_errors().into_iter().map(ParseError::Lex));
        let error = match result {
            Ok(parsed) => {
                items.extend(parsed.items);
                break;
            }
            // After a fatal lexical error the parser saw a truncated file.
            Err(_) if lexer.fatal_at().is_some() => break,
            Err(error) => error,
        };
        let resume = match &error {
            lalrpop_util::ParseError::UnrecognizedToken { token: (start, _, end), .. } => Some((*start, *end)),
            _ => None,
        };
        record(&mut errors, file, error);
        if let Some(ParseError::UnexpectedEof { unclosed, .. }) = errors.last_mut() {
            *unclosed = lexer.innermost_open();
        }
        let Some((at, after)) = resume else { break };
        let starts = declaration_starts.get_or_insert_with(|| declaration_starts_of(file, src));
        let next = starts.iter().find(|&&s| s > at).copied();
        // The skipped text may hold lexical errors of its own.
        let mut skipped = Lexer::with_base(file, &src[after..next.unwrap_or(src.len())], after as u32);
        skipped.by_ref().for_each(drop);
        errors.extend(skipped.take_errors().into_iter().map(ParseError::Lex));
        let Some(next) = next else { break };
        offset = next;
    }
    if errors.is_empty() {
        return Ok(ast::File { items });
    }
    for e in &mut errors {
        if let ParseError::UnexpectedToken { span, found, hint, .. } = e {
            let text = src.get(span.start as usize..span.end as usize);
            if text == Some(";") {
                *found = "`;`".into();
            }
            if text == Some(":") && hint.is_none() {
                *hint = struct_literal_in_head_hint(src, span.start as usize);
            }
        }
    }
    errors.sort_by_key(|e| (e.span().start, e.span().end));
    errors.dedup_by_key(|e| e.span());
    drop_cascades(file, src, &mut errors, &mut declaration_starts);
    Err(errors)
}

/// Offsets of the first token of each top-level declaration after the first:
/// tokens that follow a newline outside all brackets.
fn declaration_starts_of(file: FileId, src: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let (mut depth, mut after_newline) = (0usize, false);
    for (start, tok, _) in Lexer::new(file, src).flatten() {
        match tok {
            Tok::Newline if depth == 0 => {
                after_newline = true;
                continue;
            }
            Tok::LParen | Tok::LBracket | Tok::LBrace => depth += 1,
            Tok::RParen | Tok::RBracket | Tok::RBrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        if std::mem::take(&mut after_newline) {
            starts.push(start);
        }
    }
    starts
}

/// Drops a syntax error that follows a lexical error in the same top-level
/// declaration: the lexer's best-effort token (e.g. a string cut at the end
/// of its line) usually causes it.
fn drop_cascades(file: FileId, src: &str, errors: &mut Vec<ParseError>, starts: &mut Option<Vec<usize>>) {
    if errors.len() < 2 {
        return;
    }
    let starts = starts.get_or_insert_with(|| declaration_starts_of(file, src));
    let declaration_of = |e: &ParseError| starts.partition_point(|&s| s <= e.span().start as usize);
    let mut troubled: Vec<usize> = Vec::new();
    errors.retain(|e| match e {
        ParseError::Lex(_) => {
            troubled.push(declaration_of(e));
            true
        }
        ParseError::UnexpectedToken { .. } | ParseError::UnexpectedEof { .. } => !troubled.contains(&declaration_of(e)),
        _ => true,
    });
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

// ---------------------------------------------------------------- used by the grammar

/// `Unboxed<Box<T>>` is `T` (lets the grammar's list macros unbox).
pub(crate) type Unboxed<B> = <B as Unbox>::Inner;

pub(crate) trait Unbox {
    type Inner;
}

impl<T> Unbox for Box<T> {
    type Inner = T;
}

pub(crate) fn expr(kind: ExprKind, file: FileId, start: usize, end: usize) -> Box<Expr> {
    Box::new(Expr { kind, span: Span::new(file, start, end) })
}

pub(crate) fn pattern(kind: PatternKind, file: FileId, start: usize, end: usize) -> Box<Pattern> {
    Box::new(Pattern { kind, span: Span::new(file, start, end) })
}

pub(crate) fn span(file: FileId, start: usize, end: usize) -> Span {
    Span::new(file, start, end)
}

pub(crate) fn stmt(kind: ast::StmtKind, file: FileId, start: usize, end: usize) -> Box<ast::Stmt> {
    Box::new(ast::Stmt { kind, span: Span::new(file, start, end) })
}

/// A block expression holding one statement (a statement used as a match arm).
pub(crate) fn statement_block(stmt: ast::Stmt) -> Expr {
    let span = stmt.span;
    Expr { kind: ExprKind::Block(ast::Block { stmts: vec![stmt], span }), span }
}

pub(crate) fn binary(op: BinOp, lhs: Box<Expr>, rhs: Box<Expr>) -> Box<Expr> {
    let span = lhs.span.to(rhs.span);
    Box::new(Expr { kind: ExprKind::Binary { op, lhs, rhs }, span })
}

/// `PATH { fields }`: the expression before `{` must be a (qualified) name.
#[allow(clippy::boxed_local)] // the grammar's values are boxed
pub(crate) fn struct_literal(
    head: Box<Expr>,
    fields: Vec<FieldInit>,
    span: Span,
    problems: &mut Vec<ParseError>,
) -> Box<Expr> {
    fn path_of(e: Expr, out: &mut Vec<Ident>) -> bool {
        match e.kind {
            ExprKind::Name(id) => {
                out.push(id);
                true
            }
            ExprKind::Field { base, name } => {
                let ok = path_of(*base, out);
                out.push(name);
                ok
            }
            _ => false,
        }
    }
    let head_span = head.span;
    let mut path = Vec::new();
    if !path_of(*head, &mut path) {
        problems.push(ParseError::InvalidStructLiteral { span: head_span });
    }
    Box::new(Expr { kind: ExprKind::StructLit { path, fields }, span })
}

/// A pattern that is only a path: `_`, a binding, `none`, or a constructor
/// without payload such as `Shape.Empty`.
pub(crate) fn path_pattern(mut path: Vec<Ident>, span: Span) -> Box<Pattern> {
    let kind = if path.len() == 1 && path[0].name == "_" {
        PatternKind::Wildcard
    } else if path.len() == 1 && path[0].name != "none" {
        PatternKind::Binding(path.remove(0))
    } else {
        PatternKind::Ctor { path, args: Vec::new() }
    };
    Box::new(Pattern { kind, span })
}

/// The text of a string that must not interpolate.
pub(crate) fn plain_string(
    pieces: Vec<StrPiece<'_>>,
    span: Span,
    place: &'static str,
    problems: &mut Vec<ParseError>,
) -> String {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            StrPiece::Lit(s) => text.push_str(&s),
            StrPiece::Expr { .. } => {
                problems.push(ParseError::InterpolationNotAllowed { span, place });
                return text;
            }
        }
    }
    text
}

/// Parses the expressions of an interpolated string where they stand in the
/// file, so their spans are real.
pub(crate) fn interpolate(file: FileId, pieces: Vec<StrPiece<'_>>, problems: &mut Vec<ParseError>) -> Vec<StrPart> {
    pieces
        .into_iter()
        .map(|piece| match piece {
            StrPiece::Lit(s) => StrPart::Lit(s),
            StrPiece::Expr { offset, src } => {
                let mut lexer = Lexer::with_base(file, src, offset);
                let result = grammar::ExprParser::new().parse(file, problems, &mut lexer);
                problems.extend(lexer.take_errors().into_iter().map(ParseError::Lex));
                match result {
                    Ok(e) => StrPart::Expr(*e),
                    Err(lalrpop_util::ParseError::UnrecognizedEof { expected, .. }) => {
                        // The interpolation ends at its `}`: report that token.
                        let end = offset as usize + src.len();
                        problems.push(ParseError::UnexpectedToken {
                            span: Span::new(file, end, end + 1),
                            found: "`}`".into(),
                            expected: describe_expected(&expected),
                            hint: None,
                        });
                        StrPart::Lit(String::new())
                    }
                    Err(e) => {
                        record(problems, file, e);
                        StrPart::Lit(String::new())
                    }
                }
            }
        })
        .collect()
}

type LalrpopError<'s> = lalrpop_util::ParseError<usize, Tok<'s>, Infallible>;

/// Records a syntax error from the generated parser, in user terms. Errors
/// at an `Error` token are dropped: the lexer already reported that input.
pub(crate) fn record(problems: &mut Vec<ParseError>, file: FileId, error: LalrpopError<'_>) {
    let error = match error {
        lalrpop_util::ParseError::UnrecognizedToken { token: (_, Tok::Error, _), .. } => return,
        lalrpop_util::ParseError::UnrecognizedToken { token: (start, tok, end), expected } => {
            let hint = token_hint(&tok, &expected);
            ParseError::UnexpectedToken {
                span: Span::new(file, start, end),
                found: tok.describe(),
                expected: describe_expected(&expected),
                hint,
            }
        }
        lalrpop_util::ParseError::UnrecognizedEof { location, expected } => ParseError::UnexpectedEof {
            span: Span::new(file, location, location),
            expected: describe_expected(&expected),
            unclosed: None,
        },
        // Our lexer yields no errors and the grammar has no fallible actions,
        // so these cannot occur; map them to the nearest meaning anyway.
        lalrpop_util::ParseError::ExtraToken { token: (start, tok, end) } => ParseError::UnexpectedToken {
            span: Span::new(file, start, end),
            found: tok.describe(),
            expected: vec!["end of file".into()],
            hint: None,
        },
        lalrpop_util::ParseError::InvalidToken { location } => ParseError::UnexpectedToken {
            span: Span::new(file, location, location),
            found: "an invalid token".into(),
            expected: Vec::new(),
            hint: None,
        },
        lalrpop_util::ParseError::User { error } => match error {},
    };
    problems.push(error);
}

// ---------------------------------------------------------------- messages

/// Grammar terminals that can start an expression.
const EXPR_START: &[&str] = &[
    "IDENT", "INT", "FLOAT", "CHAR", "STR", "\"(\"", "\"[\"", "\"-\"", "\"!\"", "\"~\"", "\"true\"",
    "\"false\"", "\"nil\"", "\"self\"", "\"if\"", "\"match\"", "\"spawn\"", "\"spawn_test\"", "\"{\"",
];

/// Grammar terminals that can start a statement (besides expressions).
const STMT_START: &[&str] =
    &["\"let\"", "\"var\"", "\"return\"", "\"break\"", "\"continue\"", "\"for\"", "\"send\"", "\"send_test\""];

/// Grammar terminals that can start a top-level declaration.
const ITEM_START: &[&str] = &[
    "\"namespace\"", "\"use\"", "\"const\"", "\"struct\"", "\"enum\"", "\"message\"", "\"fn\"", "\"extern\"",
    "\"actor\"", "\"test\"", "\"bench\"",
];

/// Grammar terminals that can follow a complete operand.
const OPERATORS: &[&str] = &[
    "\"+\"", "\"-\"", "\"*\"", "\"/\"", "\"%\"", "\"<<\"", "GT_JOINED", "\"&\"", "\"^\"", "\"|\"",
    "\"==\"", "\"!=\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"&&\"", "\"||\"", "\".\"", "\"(\"",
    "\"[\"", "\"{\"", "\"=\"", "\"+=\"", "\"-=\"", "\"*=\"", "\"/=\"", "\"%=\"", "\"&=\"", "\"|=\"",
    "\"^=\"", "\"<<=\"", "\">>=\"", "GENERIC_LT",
];

/// Turns lalrpop's expected-terminal list into phrases a user understands,
/// folding the many tokens that start an expression (or continue one) into
/// "an expression" ("an operator").
fn describe_expected(expected: &[String]) -> Vec<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let wants_expr = has("IDENT") && has("INT") && has("\"(\"");
    let wants_stmt = wants_expr && has("\"let\"");
    let wants_op = has("\"+\"") && has("\"*\"");
    let wants_item = has("\"struct\"") && has("\"actor\"");
    match expected.len() {
        2 if has("IDENT") && has("\"fn\"") => return vec!["a type".into()],
        3 if has("IDENT") && has("\"fn\"") && has("\"{\"") => return vec!["a return type".into(), "`{`".into()],
        _ => {}
    }
    // After an operand `{` usually continues a struct literal, but where no
    // separator may follow (an `if`/`for`/`match` head) it opens the block.
    let block_next = has("\"{\"") && !["NEWLINE", "\",\"", "\")\"", "\"]\""].iter().any(|t| has(t));
    let folded = |e: &str| {
        (wants_expr && EXPR_START.contains(&e))
            || (wants_stmt && STMT_START.contains(&e))
            || (wants_op && OPERATORS.contains(&e) && !(block_next && e == "\"{\""))
            || (wants_item && ITEM_START.contains(&e))
    };
    let mut out = Vec::new();
    if wants_item {
        out.push("a declaration".to_string());
    }
    for e in expected {
        if folded(e) {
            continue;
        }
        out.push(match e.as_str() {
            "IDENT" => "a name".to_string(),
            "INT" => "an integer".into(),
            "FLOAT" => "a float".into(),
            "CHAR" => "a char literal".into(),
            "STR" => "a string".into(),
            "NEWLINE" => "a new line".into(),
            "GT_JOINED" => "`>`".into(),
            "GENERIC_LT" => "`<`".into(),
            "ERROR" => continue,
            quoted => format!("`{}`", quoted.trim_matches('"')),
        });
    }
    if wants_stmt {
        out.push("a statement".into());
    } else if wants_expr {
        out.push("an expression".into());
    }
    if wants_op {
        out.push("an operator".into());
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| seen.insert(e.clone()));
    out
}

/// "a", "a or b", "a, b or c".
fn one_of(items: &[String]) -> String {
    match items {
        [] => "something else".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Hints for common mistakes recognisable from the token alone.
fn token_hint(tok: &Tok<'_>, expected: &[String]) -> Option<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let hint = match tok {
        Tok::Else => "`else` must be on the same line as the `}` that closes the `if` block: `} else {`",
        Tok::Assign if has("\"==\"") && has("\"{\"") => "to compare two values use `==`",
        Tok::Minus if has("\"{\"") && has("\"fn\"") => {
            "a return type follows the parameters without an arrow: `fn f(x: i32) i32 { … }`"
        }
        Tok::EqEq | Tok::NotEq | Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge if has("\"&&\"") && !has("\"<\"") => {
            "comparisons do not chain; combine them with `&&`, e.g. `a < b && b < c`"
        }
        t if starts_declaration(t) && has("\"}\"") =>
        {
            "a declaration cannot appear inside a block; is a `}` missing above?"
        }
        t if starts_declaration(t) && has("NEWLINE") =>
        {
            "put each declaration on its own line (or separate them with `;`)"
        }
        Tok::Let | Tok::Var if has("\"state\"") => "actor fields are declared with `state name: T` or `state name: T = value`",
        _ => return None,
    };
    Some(hint.to_string())
}

/// `if p == Point { x: 1 } {`: the `{` after `Point` opened the block, so the
/// parser trips over the `:`.
fn struct_literal_in_head_hint(src: &str, colon: usize) -> Option<String> {
    let before = src.get(..colon)?.trim_end();
    let name_len = before.bytes().rev().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    if name_len == 0 || !before[..before.len() - name_len].trim_end().ends_with('{') {
        return None;
    }
    Some(
        "a struct or message literal in an `if`, `for` or `match` head must be parenthesised: \
         `if x == (Point { x: 1, y: 2 }) {`"
            .into(),
    )
}

/// The one conversion of this phase's errors (lexical and syntactic) into
/// diagnostics.
pub fn diagnostic(error: &ParseError) -> Diagnostic {
    match error {
        ParseError::Lex(e) => lex_diagnostic(e),
        ParseError::UnexpectedToken { span, found, expected, hint } => {
            let d = Diagnostic::new("syntax-error", *span, format!("expected {}, found {found}", one_of(expected)))
                .label(format!("unexpected {}", found.trim_start_matches("a ").trim_start_matches("an ")));
            match hint {
                Some(h) => d.hint(h.clone()),
                None => d,
            }
        }
        ParseError::UnexpectedEof { span, expected, unclosed } => {
            let d = Diagnostic::new(
                "unexpected-eof",
                *span,
                format!("unexpected end of input, expected {}", one_of(expected)),
            )
            .label("input ends here");
            match unclosed {
                Some((c, at)) => d
                    .with_secondary(*at, format!("this `{c}` is never closed"))
                    .hint(format!("add the missing `{}`", closing(*c))),
                None => d,
            }
        }
        ParseError::InvalidStructLiteral { span } => Diagnostic::new(
            "invalid-struct-literal",
            *span,
            "only a struct, message or actor name can come before `{ field: value }`",
        )
        .label("not a type name"),
        ParseError::InterpolationNotAllowed { span, place } => {
            Diagnostic::new("interpolation-not-allowed", *span, format!("{place} cannot contain `{{…}}` interpolation"))
                .label("interpolated string")
                .hint("write `{{` and `}}` for literal braces")
        }
    }
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn lex_diagnostic(error: &LexError) -> Diagnostic {
    match error {
        LexError::UnexpectedCharacter { ch, span } => {
            let d = Diagnostic::new("unexpected-character", *span, format!("unexpected character `{}`", ch.escape_debug()))
                .label("not part of any token");
            match ch {
                '\'' | '"' => d,
                '?' => d.hint("Purr has no `?` operator; use `match` on the option or result"),
                _ if !ch.is_ascii() => d.hint("outside strings and comments only ASCII is allowed"),
                _ => d,
            }
        }
        LexError::UnterminatedString { span } => Diagnostic::new("unterminated-string", *span, "unterminated string")
            .label("this string has no closing `\"`")
            .hint("strings end on the line they start; write `\\n` for a line break"),
        LexError::UnterminatedInterpolation { span } => {
            Diagnostic::new("unterminated-interpolation", *span, "`{` in a string is never closed")
                .label("interpolation starts here")
                .hint("close it with `}`, or write `{{` for a literal brace")
        }
        LexError::EmptyInterpolation { span } => Diagnostic::new("empty-interpolation", *span, "empty `{}` in a string")
            .label("nothing to insert")
            .hint("put an expression inside, or write `{{}}` for literal braces"),
        LexError::UnmatchedBraceInString { span } => {
            Diagnostic::new("unmatched-brace", *span, "unmatched `}` in a string")
                .label("no `{` before it")
                .hint("write `}}` for a literal brace")
        }
        LexError::UnterminatedComment { span } => {
            Diagnostic::new("unterminated-comment", *span, "unterminated block comment")
                .label("this `/*` is never closed")
                .hint("block comments nest: each `/*` needs its own `*/`")
        }
        LexError::UnterminatedChar { span } => Diagnostic::new("unterminated-char", *span, "unterminated char literal")
            .label("no closing `'`")
            .hint("a char literal is one byte in single quotes, e.g. 'a' or '\\n'"),
        LexError::InvalidCharLiteral { span, reason } => {
            Diagnostic::new("invalid-char-literal", *span, "invalid char literal").label(*reason)
        }
        LexError::InvalidEscape { span, reason } => Diagnostic::new("invalid-escape", *span, "invalid escape sequence")
            .label(reason.clone())
            .hint("valid escapes: \\n \\t \\r \\0 \\\\ \\\" \\' \\xHH \\u{HHHH}"),
        LexError::IntTooLarge { span } => Diagnostic::new("int-too-large", *span, "integer literal is larger than the largest integer type (u64)")
            .label("does not fit in any integer type"),
        LexError::InvalidNumber { span } => Diagnostic::new("invalid-number", *span, "invalid number literal")
            .label("letters or digits that do not belong to the number")
            .hint("numbers are written `42`, `1_000`, `0xff`, `0b1010`, `1.5`, `2e9`"),
        LexError::ExpressionTooDeep { span, limit } => Diagnostic::new(
            "nesting-too-deep",
            *span,
            format!("expression nested too deeply (more than {limit} operators in one statement)"),
        )
        .label("limit reached here")
        .hint("split the expression into smaller parts with `let`"),
        LexError::NestingTooDeep { span, limit } => {
            Diagnostic::new("nesting-too-deep", *span, format!("nesting deeper than {limit} levels"))
                .label("too deeply nested")
                .hint("split the expression into smaller parts with `let`")
        }
    }
}

/// Tokens that begin a top-level declaration.
fn starts_declaration(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Fn
            | Tok::Struct
            | Tok::Enum
            | Tok::Message
            | Tok::Actor
            | Tok::Test
            | Tok::Bench
            | Tok::Const
            | Tok::Extern
            | Tok::Namespace
            | Tok::Use
    )
}
