//! What the grammar's actions call: node constructors with spans, `priv`,
//! struct literals and path patterns from parsed paths, and string literals
//! with their interpolations parsed.

use super::messages::{describe_expected, record};
use super::{grammar, ParseError};
use crate::ast::{self, BinOp, Expr, ExprKind, FieldInit, Ident, Pattern, PatternKind, StrPart};
use crate::intern::Symbol;
use crate::lexer::{Lexer, StrPiece};
use crate::source::{FileId, Span};
use thin_vec::ThinVec;

/// `Unboxed<Box<T>>` is `T` (lets the grammar's list macros unbox).
pub(crate) type Unboxed<B> = <B as Unbox>::Inner;

pub(crate) trait Unbox {
    type Inner;
}

impl<T> Unbox for Box<T> {
    type Inner = T;
}

/// A finished list, at exactly its length: moved to a fitting allocation
/// if growing left room to spare.
pub(crate) fn exact<T>(grown: ThinVec<T>) -> ThinVec<T> {
    if grown.len() == grown.capacity() {
        return grown;
    }
    let mut list = ThinVec::with_capacity(grown.len());
    list.extend(grown);
    list
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

/// A block used as an expression.
pub(crate) fn block_expr(b: ast::Block) -> Box<Expr> {
    Box::new(Expr { span: b.span, kind: ExprKind::Block(Box::new(b)) })
}

/// A block expression holding one statement (a statement used as a match arm).
pub(crate) fn statement_block(stmt: ast::Stmt) -> Expr {
    let span = stmt.span;
    Expr { kind: ExprKind::Block(Box::new(ast::Block { stmts: thin_vec::thin_vec![stmt], span })), span }
}

/// `base.name`
#[allow(clippy::boxed_local)] // the grammar's values are boxed
pub(crate) fn field(base: Box<Expr>, name: Ident, file: FileId, start: usize, end: usize) -> Box<Expr> {
    expr(ExprKind::Field(Box::new(ast::FieldAccess { base: *base, name })), file, start, end)
}

pub(crate) fn binary(op: BinOp, lhs: Box<Expr>, rhs: Box<Expr>) -> Box<Expr> {
    let span = lhs.span.to(rhs.span);
    Box::new(Expr { kind: ExprKind::Binary { op, lhs, rhs }, span })
}

/// `priv DECL`: the declaration is private to its namespace.
pub(crate) fn private(mut item: Box<ast::Item>) -> Box<ast::Item> {
    use ast::Item;
    match &mut *item {
        Item::Const(d) => d.private = true,
        Item::Struct(d) | Item::Message(d) => d.private = true,
        Item::Enum(d) => d.private = true,
        Item::Fn(d) => d.private = true,
        Item::ExternFn(d) => d.private = true,
        Item::ExternType(d) => d.private = true,
        Item::Actor(d) => d.private = true,
        Item::Namespace(_) | Item::Use(_) | Item::Test(_) | Item::Bench(_) => unreachable!("the grammar allows `priv` only before declarations"),
    }
    item
}

/// `extern type NAME`: `word` must be `type` (not a keyword, so that
/// programs may still name things `type`).
pub(crate) fn extern_type(word: Ident, name: Ident, span: Span, problems: &mut Vec<ParseError>) -> Box<ast::Item> {
    if word.name != "type" {
        problems.push(ParseError::UnexpectedToken {
            span: word.span,
            found: format!("identifier `{}`", word.name),
            expected: vec!["`fn`".into(), "`message`".into(), "`type`".into()],
            hint: None,
        });
    }
    Box::new(ast::Item::ExternType(ast::ExternTypeDecl { name, private: false, span }))
}

/// The string after `extern`: `"purr"` (the runtime's calling convention,
/// true) or `"C"` (false).
pub(crate) fn extern_abi(abi: Vec<StrPiece<'_>>, span: Span, problems: &mut Vec<ParseError>) -> bool {
    let abi = plain_string(abi, span, "a calling convention", problems);
    match abi.as_str() {
        "purr" => true,
        "C" => false,
        _ => {
            problems.push(ParseError::UnexpectedToken {
                span,
                found: format!("\"{abi}\""),
                expected: vec!["\"C\"".into(), "\"purr\"".into()],
                hint: None,
            });
            false
        }
    }
}

/// `PATH { fields }`: the expression before `{` must be a (qualified) name.
#[allow(clippy::boxed_local)] // the grammar's values are boxed
pub(crate) fn struct_literal(
    head: Box<Expr>,
    fields: ThinVec<FieldInit>,
    span: Span,
    problems: &mut Vec<ParseError>,
) -> Box<Expr> {
    fn path_of(e: Expr, out: &mut ThinVec<Ident>) -> bool {
        match e.kind {
            ExprKind::Name(id) => {
                out.push(id);
                true
            }
            ExprKind::Field(f) => {
                let ast::FieldAccess { base, name } = *f;
                let ok = path_of(base, out);
                out.push(name);
                ok
            }
            _ => false,
        }
    }
    let head_span = head.span;
    let mut path = ThinVec::new();
    if !path_of(*head, &mut path) {
        problems.push(ParseError::InvalidStructLiteral { span: head_span });
    }
    Box::new(Expr { kind: ExprKind::StructLit { path, fields }, span })
}

/// A pattern that is only a path: `_`, a binding, `none`, or a constructor
/// without payload such as `Shape.Empty`.
pub(crate) fn path_pattern(mut path: ThinVec<Ident>, span: Span) -> Box<Pattern> {
    let kind = if path.len() == 1 && path[0].name == "_" {
        PatternKind::Wildcard
    } else if path.len() == 1 && path[0].name != "none" {
        PatternKind::Binding(path.remove(0))
    } else {
        PatternKind::Ctor { path, args: ThinVec::new() }
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
pub(crate) fn interpolate(file: FileId, pieces: Vec<StrPiece<'_>>, problems: &mut Vec<ParseError>) -> ThinVec<StrPart> {
    pieces
        .into_iter()
        .map(|piece| match piece {
            StrPiece::Lit(s) => StrPart::Lit(Symbol::intern(&s)),
            StrPiece::Expr { offset, src } => {
                let mut lexer = Lexer::with_base(file, src, offset);
                let result = grammar::ExprParser::new().parse(file, problems, &mut lexer);
                problems.extend(lexer.take_errors().into_iter().map(ParseError::Lex));
                let error = match result {
                    Ok(e) => return StrPart::Expr(*e),
                    Err(lalrpop_util::ParseError::UnrecognizedEof { expected, .. }) => {
                        // The interpolation ends at its `}`: report that token.
                        let end = offset as usize + src.len();
                        ParseError::UnexpectedToken {
                            span: Span::new(file, end, end + 1),
                            found: "`}`".into(),
                            expected: describe_expected(&expected),
                            hint: None,
                        }
                    }
                    Err(e) => {
                        let mut recorded = Vec::new();
                        record(&mut recorded, file, e);
                        let Some(error) = recorded.pop() else { return StrPart::Lit(Symbol::intern("")) };
                        error
                    }
                };
                problems.push(match error {
                    // `"{1, 2}"`, `"{x: 1}"`: text that is no expression was
                    // most likely meant as literal braces. Nothing
                    // expected means a complete expression, then the end:
                    // the interpolation's `}`.
                    ParseError::UnexpectedToken { span, found, expected, hint: None } if looks_like_braces(src) => ParseError::UnexpectedToken {
                        span,
                        found,
                        expected: if expected.is_empty() { vec!["`}`".into()] } else { expected },
                        hint: Some("`{…}` in a string inserts an expression; write `{{` and `}}` for literal braces".into()),
                    },
                    other => other,
                });
                StrPart::Lit(Symbol::intern(""))
            }
        })
        .collect()
}

/// Whether the text of a broken interpolation reads like a set or record
/// written in braces: a `,` or `:` outside any brackets in it.
fn looks_like_braces(src: &str) -> bool {
    let mut depth = 0i32;
    src.chars().any(|c| {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
        depth == 0 && matches!(c, ',' | ':')
    })
}
