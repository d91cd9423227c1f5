//! The layout rules of docs/language.md §2 over the raw tokens: which
//! newlines end a statement, `;`, bracket tracking, `>>` split for nested
//! generics, `probe<`, and the depth limits.

use super::literals::RawLexer;
use super::tokens::Tok;
use super::{Extras, LexError, Spanned, MAX_EXPR_OPERATORS, MAX_NESTING};
use crate::source::{FileId, Span};
use logos::Logos;
use std::collections::VecDeque;

/// What the last token passed to the parser says about a following newline.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    /// Start of input or right after `{`: newlines are insignificant.
    Open,
    /// A binary operator, `,`, `=`, `=>`, `.` …: the line continues.
    Continues,
    /// Anything else: a newline ends the statement.
    Ends,
}

/// The token stream with the layout rules of docs/language.md §2 applied:
/// - a newline is dropped after a token that cannot end a line (binary
///   operators except `>`, `,`, `(`, `[`, `{`, `=` and compound assignments,
///   `=>`, `.`, `..`, `:`, unary operators, `else`);
/// - newlines are dropped while the innermost open bracket is `(` or `[`
///   (a `{` inside makes them significant again);
/// - newlines before `}`, before a leading `.` (method chains), at the start
///   and end of input are dropped, and runs collapse into one;
/// - `;` is a newline that is never dropped after an operator or inside
///   parentheses (so `x = ;` is an error), only at the start of a block.
pub struct Lexer<'s> {
    raw: RawLexer<'s>,
    queue: VecDeque<Spanned<'s>>,
    last: Last,
    /// Pending separator: its span and whether it was a newline (not `;`).
    pending: Option<(usize, usize, bool)>,
    /// Open brackets: the byte, the offset, and `operators` when it opened.
    stack: Vec<(u8, usize, u32)>,
    /// Tree-deepening tokens so far in the current statement or list
    /// element, including those of the enclosing ones (see [`MAX_EXPR_OPERATORS`]).
    operators: u32,
    /// End offset of the previous token if it was the identifier `probe`.
    probe_end: Option<usize>,
    done: bool,
    /// Offset where lexing stopped because of a fatal error.
    fatal_at: Option<usize>,
}

impl<'s> Lexer<'s> {
    /// Lexes a whole file (a leading byte-order mark is skipped).
    pub fn new(file: FileId, src: &'s str) -> Lexer<'s> {
        let mut lexer = Lexer::with_base(file, src, 0);
        if src.starts_with('\u{feff}') {
            lexer.raw.bump('\u{feff}'.len_utf8());
        }
        lexer
    }

    /// Lexes `src`, a slice of a file starting at byte `base` (used for the
    /// expressions inside string interpolations).
    pub fn with_base(file: FileId, src: &'s str, base: u32) -> Lexer<'s> {
        Lexer {
            raw: Tok::lexer_with_extras(src, Extras { file, base, errors: Vec::new() }),
            queue: VecDeque::with_capacity(4),
            last: Last::Open,
            pending: None,
            stack: Vec::new(),
            operators: 0,
            probe_end: None,
            done: false,
            fatal_at: None,
        }
    }

    /// The errors found so far, in source order.
    pub fn take_errors(&mut self) -> Vec<LexError> {
        std::mem::take(&mut self.raw.extras.errors)
    }

    /// Where lexing stopped early (too deep nesting); later parse errors are noise.
    pub fn fatal_at(&self) -> Option<usize> {
        self.fatal_at
    }

    /// The innermost bracket still open (at the end of input: the unclosed one).
    pub fn innermost_open(&self) -> Option<(char, Span)> {
        let &(c, at, _) = self.stack.last()?;
        Some((c as char, Span::new(self.raw.extras.file, at, at + 1)))
    }

    /// Records what a following newline means after `tok`.
    fn note_last(&mut self, tok: &Tok<'s>) {
        self.last = match tok {
            Tok::LBrace => Last::Open,
            _ if continues_line(tok) => Last::Continues,
            _ => Last::Ends,
        };
    }

    /// Tracks brackets; false when the nesting limit is hit.
    fn track_bracket(&mut self, tok: &Tok<'s>, start: usize) -> bool {
        let (open, close) = match tok {
            Tok::LParen | Tok::LBracket | Tok::LBrace => (Some(bracket_byte(tok)), None),
            Tok::RParen => (None, Some(b'(')),
            Tok::RBracket => (None, Some(b'[')),
            Tok::RBrace => (None, Some(b'{')),
            _ => return true,
        };
        if let Some(open) = open {
            if self.stack.len() >= MAX_NESTING {
                let span = Span::new(self.raw.extras.file, start, start + 1);
                self.raw.extras.errors.push(LexError::NestingTooDeep { span, limit: MAX_NESTING });
                return false;
            }
            self.stack.push((open, start, self.operators));
        } else if let Some(want) = close {
            // On a mismatch, close up to the matching opener if there is one;
            // the parser reports the mismatch itself.
            if let Some(pos) = self.stack.iter().rposition(|&(b, _, _)| b == want) {
                self.stack.truncate(pos);
            }
        }
        true
    }

    /// The next token for the parser. Most calls return a token straight
    /// from logos; `queue` holds the rare second and third token of one step
    /// (a pending newline, then `>>` split in two).
    fn next_token(&mut self) -> Option<Spanned<'s>> {
        if let Some(t) = self.queue.pop_front() {
            return Some(t);
        }
        loop {
            if self.done {
                return None;
            }
            let Some(raw) = self.raw.next() else {
                self.done = true;
                return None;
            };
            let base = self.raw.extras.base as usize;
            let range = self.raw.span();
            let (start, end) = (base + range.start, base + range.end);
            let tok = match raw {
                Ok(t) => t,
                Err(()) => {
                    let ch = self.raw.slice().chars().next().unwrap_or('\u{fffd}');
                    let span = Span::new(self.raw.extras.file, start, end);
                    self.raw.extras.errors.push(LexError::UnexpectedCharacter { ch, span });
                    Tok::Error
                }
            };
            if let Tok::Newline | Tok::Semi = tok {
                let in_parens = matches!(self.stack.last(), Some((b'(' | b'[', _, _)));
                let newline = tok == Tok::Newline;
                if self.last == Last::Open || (newline && (in_parens || self.last == Last::Continues)) {
                    continue;
                }
                if !newline && (in_parens || self.last == Last::Continues) {
                    // `x = ;` or `f(a; b)`: let the parser report the `;` itself.
                    self.pending = None;
                    self.last = Last::Ends;
                    return Some((start, Tok::Newline, end));
                }
                if self.pending.is_none() {
                    self.pending = Some((start, end, newline));
                }
                self.operators = self.enclosing_operators();
                continue;
            }
            let newline_first = match self.pending.take() {
                Some((_, _, newline)) if tok == Tok::RBrace || (newline && tok == Tok::Dot) => None,
                Some((ns, ne, _)) => Some((ns, Tok::Newline, ne)),
                None => None,
            };
            if deepens_tree(&tok) {
                self.operators += 1;
                if self.operators > MAX_EXPR_OPERATORS {
                    let span = Span::new(self.raw.extras.file, start, end);
                    self.raw.extras.errors.push(LexError::ExpressionTooLong { span, limit: MAX_EXPR_OPERATORS });
                    self.done = true;
                    self.fatal_at = Some(start);
                    return None;
                }
            }
            if tok == Tok::Comma {
                self.operators = self.enclosing_operators();
            }
            if !self.track_bracket(&tok, start) {
                self.done = true;
                self.fatal_at = Some(start);
                return None;
            }
            let probe_end = self.probe_end.take();
            let (first, second) = match tok {
                Tok::Shr => ((start, Tok::GtJoined, start + 1), Some((start + 1, Tok::Gt, end))),
                Tok::Lt if probe_end == Some(start) => ((start, Tok::GenericLt, end), None),
                Tok::Ident("probe") => {
                    self.probe_end = Some(end);
                    ((start, tok, end), None)
                }
                _ => ((start, tok, end), None),
            };
            self.note_last(&second.as_ref().unwrap_or(&first).1);
            if let Some(newline) = newline_first {
                self.queue.push_back(first);
                self.queue.extend(second);
                return Some(newline);
            }
            if let Some(second) = second {
                self.queue.push_back(second);
            }
            return Some(first);
        }
    }
}

impl Lexer<'_> {
    /// The operator count when the innermost open bracket opened: where a new
    /// statement or list element starts counting from.
    fn enclosing_operators(&self) -> u32 {
        self.stack.last().map_or(0, |&(_, _, ops)| ops)
    }
}

/// Unary and binary operators, except `>` and `>>`, which also close
/// generic types (`list<list<i32>>`).
fn operator_not_closing_type(tok: &Tok<'_>) -> bool {
    use Tok::*;
    matches!(
        tok,
        Plus | Minus | Star | Slash | Percent | Shl | Amp | Caret | Pipe | Tilde | Bang | EqEq | NotEq | Lt | Le | Ge
            | AndAnd
            | OrOr
    )
}

/// Tokens that can add a level to the syntax tree without a bracket around it.
fn deepens_tree(tok: &Tok<'_>) -> bool {
    use Tok::*;
    operator_not_closing_type(tok) || matches!(tok, Shr | Gt | Dot | LParen | LBracket | Else)
}

fn bracket_byte(tok: &Tok<'_>) -> u8 {
    match tok {
        Tok::LParen => b'(',
        Tok::LBracket => b'[',
        _ => b'{',
    }
}

/// Tokens after which a newline does not end the statement. `>` is left out
/// because types end with it (`var xs: list<i32>`).
fn continues_line(tok: &Tok<'_>) -> bool {
    use Tok::*;
    operator_not_closing_type(tok)
        || matches!(
            tok,
            Assign
                | PlusEq
                | MinusEq
                | StarEq
                | SlashEq
                | PercentEq
                | AmpEq
                | PipeEq
                | CaretEq
                | ShlEq
                | ShrEq
                | FatArrow
                | DotDot
                | Dot
                | Comma
                | Colon
                | LParen
                | LBracket
                | LBrace
                | GenericLt
                | Else
        )
}

impl<'s> Iterator for Lexer<'s> {
    type Item = Result<Spanned<'s>, std::convert::Infallible>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_token().map(Ok)
    }
}
