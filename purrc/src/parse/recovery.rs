//! Recovery from syntax errors, so that independent mistakes are all
//! reported in one run.
//!
//! The generated parser stops at the first syntax error. The error is
//! recorded, and the broken *line* — the statement, field, match arm or
//! actor member of the innermost `{ … }` around the error, up to the newline
//! that ends it or the `}` — is left out of the token stream; the
//! declaration is then parsed again from its start. Each line of a `{ … }`
//! is one element of a newline-separated list in every braced construct of
//! the grammar, so what remains still parses, and the next error found is
//! one of its own, not a consequence of the first. Errors outside any brace
//! (in a signature, a `const`, between declarations), or a declaration
//! keyword inside a block (a missing `}`), skip to the next top-level
//! declaration instead.

use super::messages::{closing, record, starts_declaration, struct_literal_in_head_hint};
use super::{grammar, ParseError};
use crate::ast;
use crate::diagnostics::MAX_SHOWN;
use crate::lexer::{Lexer, Spanned, Tok};
use crate::source::{FileId, Span};
use std::ops::Range;
use thin_vec::ThinVec;

/// Most broken lines left out per file before recovery falls back to
/// skipping whole declarations: each one parses its declaration again, and
/// more errors than this are not shown anyway.
const MAX_LINE_RECOVERIES: usize = MAX_SHOWN;

/// [`parse_file`](super::parse_file) with the errors as data (tests, tools).
pub fn parse_file_errors(file: FileId, src: &str) -> Result<ast::File, Vec<ParseError>> {
    let mut items = ThinVec::new();
    let mut errors: Vec<ParseError> = Vec::new();
    let mut outline: Option<Outline> = None;
    // Where the current parse starts (a declaration), the broken lines of
    // that declaration left out so far, and their shadows.
    let mut offset = 0;
    let mut left_out: Vec<Range<usize>> = Vec::new();
    let mut shadows: Vec<Range<usize>> = Vec::new();
    let mut line_recoveries = 0;
    let mut last_error_at = None;
    loop {
        let first_new = errors.len();
        let outcome = parse_from(file, src, offset, &left_out, &mut errors);
        drop_shadowed(&mut errors, first_new, &shadows);
        let (start, end, declaration_keyword) = match outcome {
            Ok(parsed) => {
                items.extend(parsed);
                break;
            }
            Err(None) => break,
            Err(Some(at)) => at,
        };
        let outline = outline.get_or_insert_with(|| Outline::new(file, src));
        // A declaration keyword inside a block means a `}` is missing, which
        // leaving out a line cannot fix; the same token failing again means
        // leaving out did not help.
        let repeated = last_error_at.replace(start) == Some(start);
        if !declaration_keyword && !repeated && line_recoveries < MAX_LINE_RECOVERIES {
            if let Some(broken) = outline.broken_line(start) {
                line_recoveries += 1;
                let declaration = outline.declaration_at(start);
                left_out.retain(|r| r.start >= declaration);
                shadows.retain(|r| r.end > declaration);
                left_out.push(broken.line);
                left_out.sort_by_key(|r| r.start);
                shadows.extend(broken.shadows);
                offset = declaration;
                continue;
            }
        }
        let next = outline.declaration_after(start);
        // The text skipped may hold lexical errors of its own.
        let mut skipped = Lexer::with_base(file, &src[end..next.unwrap_or(src.len())], end as u32);
        skipped.by_ref().for_each(drop);
        errors.extend(skipped.take_errors().into_iter().map(ParseError::Lex));
        let Some(next) = next else { break };
        offset = next;
        left_out.clear();
        shadows.clear();
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
    // A declaration parsed again reports its lexical and action errors again.
    errors.dedup_by_key(|e| e.span());
    drop_cascades(outline.get_or_insert_with(|| Outline::new(file, src)), &mut errors);
    Err(errors)
}

/// Parses `src` from `offset` to the end without the tokens `left_out`,
/// recording the errors. On a syntax error that recovery can go on from,
/// returns where its token starts and ends and whether it starts a
/// declaration.
fn parse_from(
    file: FileId,
    src: &str,
    offset: usize,
    left_out: &[Range<usize>],
    errors: &mut Vec<ParseError>,
) -> Result<ThinVec<ast::Item>, Option<(usize, usize, bool)>> {
    let mut lexer = match offset {
        0 => Lexer::new(file, src),
        _ => Lexer::with_base(file, &src[offset..], offset as u32),
    };
    let kept = lexer.by_ref().filter(|t| !left_out_token(left_out, t));
    let result = grammar::FileParser::new().parse(file, errors, kept);
    errors.extend(lexer.take_errors().into_iter().map(ParseError::Lex));
    let error = match result {
        Ok(parsed) => return Ok(parsed.items),
        // After a fatal lexical error the parser saw a truncated file.
        Err(_) if lexer.fatal_at().is_some() => return Err(None),
        Err(error) => error,
    };
    let at = match &error {
        lalrpop_util::ParseError::UnrecognizedToken { token: (start, tok, end), .. } => {
            Some((*start, *end, starts_declaration(tok)))
        }
        _ => None,
    };
    let before = errors.len();
    record(errors, file, error);
    if let (true, Some(last), Some(open)) = (errors.len() > before, errors.last_mut(), lexer.innermost_open()) {
        blame_unclosed(last, open, src);
    }
    Err(at)
}

/// Turns an error at the end of the input with a bracket still open, or
/// at a line after an unclosed `(` or `[` that expected its closer, into
/// [`ParseError::Unclosed`] at the bracket.
fn blame_unclosed(error: &mut ParseError, (open, opener): (char, Span), src: &str) {
    let unclosed = match error {
        ParseError::UnexpectedEof { span, .. } => ParseError::Unclosed { open, span: opener, noticed: *span, found: None },
        ParseError::UnexpectedToken { span, found, expected, .. }
            if open != '{'
                && expected.contains(&format!("`{}`", closing(open)))
                // The bracket is before the token (not the token itself)
                // and on an earlier line.
                && src.get(opener.end as usize..span.start as usize).is_some_and(|between| between.contains('\n')) =>
        {
            ParseError::Unclosed { open, span: opener, noticed: *span, found: Some(found.clone()) }
        }
        _ => return,
    };
    *error = unclosed;
}

/// Drops the syntax errors found since `first_new` that start in a shadow
/// (see [`BrokenLine`]); lexical errors are real wherever they are.
fn drop_shadowed(errors: &mut Vec<ParseError>, first_new: usize, shadows: &[Range<usize>]) {
    let mut index = 0;
    errors.retain(|e| {
        index += 1;
        let start = e.span().start as usize;
        index <= first_new || matches!(e, ParseError::Lex(_)) || !shadows.iter().any(|s| s.contains(&start))
    });
}

/// Whether a token lies in one of the (sorted) ranges left out.
fn left_out_token(left_out: &[Range<usize>], token: &Result<Spanned<'_>, std::convert::Infallible>) -> bool {
    let start = match token {
        Ok((start, _, _)) => *start,
        Err(never) => match *never {},
    };
    let i = left_out.partition_point(|r| r.start <= start);
    i > 0 && start < left_out[i - 1].end
}

/// Drops a syntax error that follows a lexical error in the same top-level
/// declaration: the lexer's best-effort token (e.g. a string cut at the end
/// of its line) usually causes it.
fn drop_cascades(outline: &Outline, errors: &mut Vec<ParseError>) {
    let mut troubled: Vec<usize> = Vec::new();
    errors.retain(|e| {
        let declaration = outline.declaration_at(e.span().start as usize);
        match e {
            ParseError::Lex(_) => {
                troubled.push(declaration);
                true
            }
            ParseError::UnexpectedToken { .. } | ParseError::UnexpectedEof { .. } | ParseError::Unclosed { .. } => {
                !troubled.contains(&declaration)
            }
            _ => true,
        }
    });
}

/// What recovery needs to know about a token.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Newline,
    Open(u8),
    Close,
    Other,
}

/// Sentinel for "no enclosing bracket".
const TOP: u32 = u32::MAX;

/// The bracket structure of a file's tokens, as the lexer's layout rules
/// see it (newlines inside `(…)` and `[…]` are already gone).
struct Outline {
    starts: Vec<usize>,
    ends: Vec<usize>,
    kinds: Vec<Kind>,
    /// Index of the innermost open bracket around each token ([`TOP`] for
    /// none); for a closing bracket, the one it closes.
    parents: Vec<u32>,
    /// Offsets of the first tokens of top-level declarations after the
    /// first: tokens that follow a newline outside all brackets.
    declarations: Vec<usize>,
}

impl Outline {
    fn new(file: FileId, src: &str) -> Outline {
        let mut o = Outline { starts: vec![], ends: vec![], kinds: vec![], parents: vec![], declarations: vec![] };
        // Open brackets: (byte, token index). A closer closes up to its
        // matching opener, as the lexer does.
        let mut open: Vec<(u8, u32)> = Vec::new();
        let mut after_newline = false;
        for (start, tok, end) in Lexer::new(file, src).flatten() {
            let index = o.starts.len() as u32;
            let mut parent = open.last().map_or(TOP, |&(_, i)| i);
            let kind = match tok {
                Tok::Newline => Kind::Newline,
                Tok::LParen => Kind::Open(b'('),
                Tok::LBracket => Kind::Open(b'['),
                Tok::LBrace => Kind::Open(b'{'),
                Tok::RParen | Tok::RBracket | Tok::RBrace => {
                    let want = match tok {
                        Tok::RParen => b'(',
                        Tok::RBracket => b'[',
                        _ => b'{',
                    };
                    if let Some(pos) = open.iter().rposition(|&(b, _)| b == want) {
                        parent = open[pos].1;
                        open.truncate(pos);
                    }
                    Kind::Close
                }
                _ => Kind::Other,
            };
            if let Kind::Open(b) = kind {
                open.push((b, index));
            }
            if kind == Kind::Newline && parent == TOP {
                after_newline = true;
            } else if std::mem::take(&mut after_newline) {
                o.declarations.push(start);
            }
            o.starts.push(start);
            o.ends.push(end);
            o.kinds.push(kind);
            o.parents.push(parent);
        }
        o
    }

    /// Start of the top-level declaration holding `offset`.
    fn declaration_at(&self, offset: usize) -> usize {
        let i = self.declarations.partition_point(|&s| s <= offset);
        if i == 0 {
            0
        } else {
            self.declarations[i - 1]
        }
    }

    /// Start of the first top-level declaration after `offset`.
    fn declaration_after(&self, offset: usize) -> Option<usize> {
        self.declarations.iter().find(|&&s| s > offset).copied()
    }

    /// What to leave out for a syntax error at the token at `offset`: the
    /// line of the innermost `{ … }` holding it. `None` outside braces.
    fn broken_line(&self, offset: usize) -> Option<BrokenLine> {
        let token = self.starts.binary_search(&offset).ok()?;
        let block = self.enclosing_block(token)?;
        let line = self.line_in(block, token);
        // The statement (or declaration) holding the block.
        let statement = match self.enclosing_block(block) {
            Some(outer) => self.line_in(outer, block),
            None => self.declaration_at(offset)..self.declaration_after(offset).unwrap_or(usize::MAX),
        };
        let close = (block + 1..self.starts.len()).find(|&i| self.kinds[i] == Kind::Close && self.parents[i] == block as u32);
        let after = close.map_or(usize::MAX, |c| self.ends[c]);
        Some(BrokenLine { line, shadows: [statement.start..self.starts[block], after..statement.end] })
    }

    /// Index of the innermost `{` around a token.
    fn enclosing_block(&self, token: usize) -> Option<usize> {
        let mut at = self.parents[token];
        while at != TOP && self.kinds[at as usize] != Kind::Open(b'{') {
            at = self.parents[at as usize];
        }
        (at != TOP).then_some(at as usize)
    }

    /// The bytes of the line of `block` holding `token`: from the line's
    /// first token to its newline (included), or, for the last line, from
    /// the newline before it to the `}`.
    fn line_in(&self, block: usize, token: usize) -> Range<usize> {
        let in_block = |i: usize, kind: Kind| self.parents[i] == block as u32 && self.kinds[i] == kind;
        let first = (block + 1..token).rev().find(|&i| in_block(i, Kind::Newline)).map_or(block + 1, |i| i + 1);
        for i in token..self.starts.len() {
            if in_block(i, Kind::Newline) {
                return self.starts[first]..self.ends[i];
            }
            if in_block(i, Kind::Close) {
                let start = if first > block + 1 { self.starts[first - 1] } else { self.starts[first] };
                return start..self.starts[i];
            }
        }
        self.starts[first]..usize::MAX
    }
}

/// A line to leave out, and where errors found after leaving it out are
/// not to be trusted: the rest of the statement around its block, outside
/// the block. A syntax error can come from the parser taking a `{` for the
/// wrong construct (`if p == Point { x: 1 } {` opens the block at the first
/// `{`); what follows that block is then read wrongly too.
struct BrokenLine {
    line: Range<usize>,
    shadows: [Range<usize>; 2],
}
