//! The lexer: source text → tokens for the parser.
//!
//! Two layers:
//! - [`Tok`] is a logos-generated scanner. Strings, char literals, numbers and
//!   nesting block comments are scanned by hand in callbacks; the problems they
//!   find go into [`Extras::errors`] while a best-effort token is still produced,
//!   so one run reports several errors.
//! - [`Lexer`] wraps it and applies the layout rules of PURR.md §2: which
//!   newlines end a statement (see [`Lexer`]), `;` as an explicit separator,
//!   bracket tracking, splitting `>>` so that `list<list<i32>>` closes two
//!   generic lists, and `probe<` as a generic call. It also bounds how deep
//!   the syntax tree can get ([`MAX_NESTING`], [`MAX_EXPR_OPERATORS`]), so
//!   pathological input is an error, not a stack overflow.

use crate::source::{FileId, Span};
use logos::Logos;
use std::collections::VecDeque;
use std::fmt::Write as _;

/// Deepest bracket nesting accepted; deeper input is rejected with
/// `nesting-too-deep` instead of risking a stack overflow in later phases.
pub const MAX_NESTING: usize = 256;

/// Deepest nesting of strings inside interpolations inside strings.
pub const MAX_STRING_NESTING: u32 = 8;

/// Most operators (and `.`, `(`, `[`, `else`) in one statement or list
/// element, counting those of enclosing statements. Each can add a level to
/// the syntax tree without a bracket (`- - - x`, `a + b + …`, `f()()`), so
/// this bounds the tree depth that later, recursive phases walk.
pub const MAX_EXPR_OPERATORS: u32 = 1024;

/// A lexical error. Each variant maps to one diagnostic id (see
/// `parse::diagnostic`).
#[derive(Debug, Clone, PartialEq)]
pub enum LexError {
    /// A character that starts no token, e.g. `@` or `$`. (`unexpected-character`)
    UnexpectedCharacter { ch: char, span: Span },
    /// A string literal with no closing `"` on its line. (`unterminated-string`)
    UnterminatedString { span: Span },
    /// A `{` inside a string with no matching `}` on the line. (`unterminated-interpolation`)
    UnterminatedInterpolation { span: Span },
    /// `{}` inside a string: there is no expression to insert. (`empty-interpolation`)
    EmptyInterpolation { span: Span },
    /// A lone `}` inside a string; a literal brace is written `}}`. (`unmatched-brace`)
    UnmatchedBraceInString { span: Span },
    /// A `/*` comment that is never closed. (`unterminated-comment`)
    UnterminatedComment { span: Span },
    /// A char literal with no closing `'`. (`unterminated-char`)
    UnterminatedChar { span: Span },
    /// A char literal that is empty or holds more than one byte. (`invalid-char-literal`)
    InvalidCharLiteral { span: Span, reason: &'static str },
    /// A backslash escape that is not one of `\n \t \r \0 \\ \" \' \xHH \u{H…}`,
    /// or one whose value is out of range. (`invalid-escape`)
    InvalidEscape { span: Span, reason: String },
    /// An integer literal larger than the largest integer type (`u64`). (`int-too-large`)
    IntTooLarge { span: Span },
    /// A number followed directly by letters or digits it cannot contain,
    /// e.g. `12ab`, `0b102`, `0x`. (`invalid-number`)
    InvalidNumber { span: Span },
    /// Brackets (or strings in interpolations) nested deeper than the limit. (`nesting-too-deep`)
    NestingTooDeep { span: Span, limit: usize },
    /// A statement with more operators than [`MAX_EXPR_OPERATORS`]: its
    /// tree would be too deep to process safely. (`nesting-too-deep`)
    ExpressionTooDeep { span: Span, limit: u32 },
}

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
            | LexError::ExpressionTooDeep { span, .. } => *span,
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

/// One piece of a string literal.
#[derive(Debug, Clone, PartialEq)]
pub enum StrPiece<'s> {
    /// Literal text, escapes decoded, `{{`/`}}` turned into braces.
    Lit(String),
    /// The source of an interpolated expression (between `{` and `}`) and
    /// its byte offset in the file.
    Expr { offset: u32, src: &'s str },
}

/// A token. The parser sees the variants after [`Lexer`] has applied the
/// layout rules: it never sees `Semi` or `Shr` (turned into `Newline` and
/// `GtJoined Gt`), and sees `GtJoined`, `GenericLt` and `Error` which logos
/// never produces.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(extras = Extras)]
#[logos(skip r"[ \t\r\f]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Tok<'s> {
    #[token("namespace")]
    Namespace,
    #[token("use")]
    Use,
    #[token("fn")]
    Fn,
    #[token("extern")]
    Extern,
    #[token("const")]
    Const,
    #[token("struct")]
    Struct,
    #[token("enum")]
    Enum,
    #[token("message")]
    Message,
    #[token("actor")]
    Actor,
    #[token("state")]
    State,
    #[token("on")]
    On,
    #[token("spawn")]
    Spawn,
    #[token("send")]
    Send,
    #[token("spawn_test")]
    SpawnTest,
    #[token("send_test")]
    SendTest,
    #[token("test")]
    Test,
    #[token("bench")]
    Bench,
    #[token("var")]
    Var,
    #[token("let")]
    Let,
    #[token("if")]
    If,
    #[token("else")]
    Else,
    #[token("for")]
    For,
    #[token("in")]
    In,
    #[token("break")]
    Break,
    #[token("continue")]
    Continue,
    #[token("return")]
    Return,
    #[token("match")]
    Match,
    #[token("true")]
    True,
    #[token("false")]
    False,
    #[token("nil")]
    Nil,
    #[token("self")]
    SelfKw,

    #[regex("[A-Za-z_][A-Za-z0-9_]*")]
    Ident(&'s str),
    #[regex("[0-9][0-9_]*", |lex| int_literal(lex, 10, 0))]
    #[regex("0x[0-9a-fA-F_]+", |lex| int_literal(lex, 16, 2))]
    #[regex("0b[01_]+", |lex| int_literal(lex, 2, 2))]
    Int(u64),
    #[regex(r"[0-9][0-9_]*\.[0-9][0-9_]*([eE][+-]?[0-9][0-9_]*)?", float_literal)]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9][0-9_]*", float_literal)]
    Float(f64),
    #[token("'", char_literal)]
    Char(u8),
    #[token("\"", string_literal)]
    Str(Vec<StrPiece<'s>>),

    #[token("/*", block_comment)]
    BlockComment,

    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token("<<")]
    Shl,
    /// Only from logos; the layout pass splits it into `GtJoined Gt`.
    #[token(">>")]
    Shr,
    #[token("&")]
    Amp,
    #[token("^")]
    Caret,
    #[token("|")]
    Pipe,
    #[token("~")]
    Tilde,
    #[token("!")]
    #[token("not")]
    Bang,
    #[token("==")]
    EqEq,
    #[token("!=")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("&&")]
    #[token("and")]
    AndAnd,
    #[token("||")]
    #[token("or")]
    OrOr,
    #[token("=")]
    Assign,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("%=")]
    PercentEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    ShlEq,
    #[token(">>=")]
    ShrEq,
    #[token("=>")]
    FatArrow,
    #[token("..")]
    DotDot,
    #[token(".")]
    Dot,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    /// Only from logos; the layout pass turns it into `Newline`.
    #[token(";")]
    Semi,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token("\n")]
    Newline,

    /// The first `>` of `>>`: closes a generic list, or with the `>` after it
    /// forms the shift operator.
    GtJoined,
    /// The `<` of `probe<T>()`.
    GenericLt,
    /// Stands for input the lexer already reported as an error.
    Error,
}

type RawLexer<'s> = logos::Lexer<'s, Tok<'s>>;

/// Consumes letters and digits glued to a number and reports them, so `12ab`
/// is one error instead of a number followed by a name.
fn reject_suffix(lex: &mut RawLexer<'_>) -> bool {
    let extra = lex
        .remainder()
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    if extra == 0 {
        return false;
    }
    lex.bump(extra);
    let span = lex.span();
    let span = lex.extras.span(span.start, span.end);
    lex.extras.errors.push(LexError::InvalidNumber { span });
    true
}

fn int_literal(lex: &mut RawLexer<'_>, radix: u32, prefix: usize) -> u64 {
    let digits = &lex.slice()[prefix..];
    let mut value: Option<u64> = Some(0);
    let mut any = false;
    for b in digits.bytes() {
        if b == b'_' {
            continue;
        }
        any = true;
        let d = u64::from((b as char).to_digit(radix).unwrap_or(0));
        value = value.and_then(|v| v.checked_mul(u64::from(radix))).and_then(|v| v.checked_add(d));
    }
    if reject_suffix(lex) {
        return 0;
    }
    let span = lex.span();
    let span = lex.extras.span(span.start, span.end);
    if !any {
        lex.extras.errors.push(LexError::InvalidNumber { span });
        return 0;
    }
    match value {
        Some(v) => v,
        None => {
            lex.extras.errors.push(LexError::IntTooLarge { span });
            0
        }
    }
}

fn float_literal(lex: &mut RawLexer<'_>) -> f64 {
    let text: String = lex.slice().chars().filter(|&c| c != '_').collect();
    if reject_suffix(lex) {
        return 0.0;
    }
    // The regexes only admit text Rust's float parser accepts.
    text.parse().unwrap_or(0.0)
}

/// `/* … */`, nesting. Reports and skips to the end if unclosed.
fn block_comment(lex: &mut RawLexer<'_>) -> logos::Skip {
    let rest = lex.remainder().as_bytes();
    let mut depth = 1usize;
    let mut i = 0;
    while i < rest.len() {
        match (rest[i], rest.get(i + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                i += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    lex.bump(i);
                    return logos::Skip;
                }
            }
            _ => i += 1,
        }
    }
    let start = lex.span().start;
    let span = lex.extras.span(start, start + 2);
    lex.extras.errors.push(LexError::UnterminatedComment { span });
    lex.bump(rest.len());
    logos::Skip
}

/// The value of one escape sequence.
enum Escape {
    Byte(u8),
    Char(char),
}

/// Decodes the escape starting at `s[0] == b'\\'`. Returns the bytes consumed
/// and the value or why it is invalid. Never consumes a newline.
fn decode_escape(s: &str) -> (usize, Result<Escape, String>) {
    let b = s.as_bytes();
    let Some(&c) = b.get(1) else {
        return (1, Err("a `\\` must be followed by an escape character".into()));
    };
    let simple = |v: u8| (2, Ok(Escape::Byte(v)));
    match c {
        b'n' => simple(b'\n'),
        b't' => simple(b'\t'),
        b'r' => simple(b'\r'),
        b'0' => simple(0),
        b'\\' => simple(b'\\'),
        b'"' => simple(b'"'),
        b'\'' => simple(b'\''),
        b'x' => {
            let hex = b.get(2..4).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
            match hex {
                Some(h) => {
                    let v = u8::from_str_radix(std::str::from_utf8(h).unwrap_or("0"), 16).unwrap_or(0);
                    (4, Ok(Escape::Byte(v)))
                }
                None => (2, Err("`\\x` must be followed by exactly two hex digits".into())),
            }
        }
        b'u' => {
            if b.get(2) != Some(&b'{') {
                return (2, Err("`\\u` must be followed by `{HEX}`, e.g. `\\u{e9}`".into()));
            }
            let digits = b[3..].iter().take_while(|d| d.is_ascii_hexdigit()).count();
            if b.get(3 + digits) != Some(&b'}') || digits == 0 || digits > 6 {
                let len = 3 + digits;
                return (len, Err("`\\u{…}` must hold 1 to 6 hex digits and end with `}`".into()));
            }
            let len = 4 + digits;
            let v = u32::from_str_radix(&s[3..3 + digits], 16).unwrap_or(u32::MAX);
            match char::from_u32(v) {
                Some(ch) => (len, Ok(Escape::Char(ch))),
                None => (len, Err(format!("`\\u{{{:x}}}` is not a Unicode scalar value", v))),
            }
        }
        b'\n' => (1, Err("a `\\` must be followed by an escape character".into())),
        _ => {
            let ch_len = s[1..].chars().next().map_or(1, char::len_utf8);
            (1 + ch_len, Err(format!("unknown escape `\\{}`", &s[1..1 + ch_len])))
        }
    }
}

/// `'a'`, `'\n'`, `'\x41'` → the byte value.
fn char_literal(lex: &mut RawLexer<'_>) -> u8 {
    let rest = lex.remainder();
    let start = lex.span().start;
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let (len, value) = if line.starts_with('\\') {
        let (len, v) = decode_escape(line);
        let value = match v {
            Ok(Escape::Byte(b)) => Ok(b),
            Ok(Escape::Char(c)) if c.is_ascii() => Ok(c as u8),
            Ok(Escape::Char(_)) => Err(LexError::InvalidCharLiteral {
                span: lex.extras.span(start, start + 1 + len),
                reason: "a char literal is one byte; use `\\xHH` for bytes above 0x7f",
            }),
            Err(reason) => {
                Err(LexError::InvalidEscape { span: lex.extras.span(start + 1, start + 1 + len), reason })
            }
        };
        (len, value)
    } else {
        match line.chars().next() {
            None | Some('\'') => {
                let span = lex.extras.span(start, start + 1 + usize::from(line.starts_with('\'')));
                let reason = "a char literal holds exactly one byte, e.g. 'a'";
                let err = if line.is_empty() {
                    LexError::UnterminatedChar { span }
                } else {
                    LexError::InvalidCharLiteral { span, reason }
                };
                lex.extras.errors.push(err);
                lex.bump(line.len().min(1));
                return 0;
            }
            Some(c) if c.is_ascii() => (1, Ok(c as u8)),
            Some(c) => (
                c.len_utf8(),
                Err(LexError::InvalidCharLiteral {
                    span: lex.extras.span(start, start + 1 + c.len_utf8()),
                    reason: "a char literal is one byte; `string` holds UTF-8 text",
                }),
            ),
        }
    };
    if line[len..].starts_with('\'') {
        lex.bump(len + 1);
        return value.unwrap_or_else(|e| {
            lex.extras.errors.push(e);
            0
        });
    }
    // No closing quote right after one character: find one nearby on the line.
    match line[len..].find('\'') {
        Some(close) if close < 16 => {
            let end = len + close + 1;
            lex.bump(end);
            lex.extras.errors.push(LexError::InvalidCharLiteral {
                span: lex.extras.span(start, start + 1 + end),
                reason: "a char literal holds exactly one byte; use a string for text",
            });
        }
        _ => {
            lex.bump(len);
            let span = lex.extras.span(start, start + 1 + len);
            lex.extras.errors.push(LexError::UnterminatedChar { span });
        }
    }
    0
}

/// Why skipping over nested string or interpolation text stopped.
enum SkipError {
    /// Reached the end of the line first.
    Unterminated,
    TooDeep,
}

/// Skips a string body (after its opening quote) that sits inside an
/// interpolation: returns the bytes up to and including the closing quote.
/// Errors inside are reported later, when the interpolation itself is lexed.
fn skip_string(s: &[u8], depth: u32) -> Result<usize, SkipError> {
    if depth > MAX_STRING_NESTING {
        return Err(SkipError::TooDeep);
    }
    let mut i = 0;
    loop {
        match s.get(i) {
            None | Some(b'\n') => return Err(SkipError::Unterminated),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => i += if s.get(i + 1) == Some(&b'\n') { 1 } else { 2 },
            Some(b'{') if s.get(i + 1) == Some(&b'{') => i += 2,
            Some(b'{') => i += 1 + skip_interpolation(&s[i + 1..], depth)? + 1,
            Some(_) => i += 1,
        }
    }
}

/// Finds the `}` that closes an interpolation; `s` starts after its `{`.
/// Returns the index of that `}`.
fn skip_interpolation(s: &[u8], depth: u32) -> Result<usize, SkipError> {
    let mut braces = 0usize;
    let mut i = 0;
    loop {
        match s.get(i) {
            None | Some(b'\n') => return Err(SkipError::Unterminated),
            Some(b'{') => {
                braces += 1;
                if braces > MAX_NESTING {
                    return Err(SkipError::TooDeep);
                }
                i += 1;
            }
            Some(b'}') if braces == 0 => return Ok(i),
            Some(b'}') => {
                braces -= 1;
                i += 1;
            }
            Some(b'"') => i += 1 + skip_string(&s[i + 1..], depth + 1)?,
            Some(b'\'') => {
                // A char literal: `'}'` or `'"'` must not count.
                let body = &s[i + 1..];
                let len = if body.first() == Some(&b'\\') { 2 } else { 1 };
                i += if body.get(len) == Some(&b'\'') { len + 2 } else { 1 };
            }
            Some(_) => i += 1,
        }
    }
}

/// A string literal, scanned by hand so interpolations may hold strings and
/// braces. Strings end at their line: an unclosed one is reported there.
fn string_literal<'s>(lex: &mut RawLexer<'s>) -> Vec<StrPiece<'s>> {
    let rest: &'s str = lex.remainder();
    let b = rest.as_bytes();
    let quote = lex.span().start;
    let body = quote + 1; // offset of rest[0] in the lexed text
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    loop {
        match b.get(i) {
            None | Some(b'\n') => {
                let span = lex.extras.span(quote, body + i);
                lex.extras.errors.push(LexError::UnterminatedString { span });
                break;
            }
            Some(b'"') => {
                i += 1;
                break;
            }
            Some(b'\\') => {
                let (len, v) = decode_escape(&rest[i..]);
                match v {
                    Ok(Escape::Byte(v)) if v.is_ascii() => lit.push(v as char),
                    Ok(Escape::Byte(_)) => {
                        let span = lex.extras.span(body + i, body + i + len);
                        let reason = "`\\x` escapes in strings must be at most 7f (strings hold UTF-8); use `\\u{…}`".into();
                        lex.extras.errors.push(LexError::InvalidEscape { span, reason });
                    }
                    Ok(Escape::Char(c)) => lit.push(c),
                    Err(reason) => {
                        let span = lex.extras.span(body + i, body + i + len);
                        lex.extras.errors.push(LexError::InvalidEscape { span, reason });
                    }
                }
                i += len;
            }
            Some(b'{') if b.get(i + 1) == Some(&b'{') => {
                lit.push('{');
                i += 2;
            }
            Some(b'}') if b.get(i + 1) == Some(&b'}') => {
                lit.push('}');
                i += 2;
            }
            Some(b'}') => {
                let span = lex.extras.span(body + i, body + i + 1);
                lex.extras.errors.push(LexError::UnmatchedBraceInString { span });
                i += 1;
            }
            Some(b'{') => match skip_interpolation(&b[i + 1..], 1) {
                Ok(len) => {
                    let src = &rest[i + 1..i + 1 + len];
                    if src.trim().is_empty() {
                        let span = lex.extras.span(body + i, body + i + len + 2);
                        lex.extras.errors.push(LexError::EmptyInterpolation { span });
                    } else {
                        if !lit.is_empty() {
                            pieces.push(StrPiece::Lit(std::mem::take(&mut lit)));
                        }
                        let offset = lex.extras.base + (body + i + 1) as u32;
                        pieces.push(StrPiece::Expr { offset, src });
                    }
                    i += len + 2;
                }
                Err(e) => {
                    let line_end = rest.find('\n').unwrap_or(rest.len());
                    let span = lex.extras.span(body + i, body + i + 1);
                    lex.extras.errors.push(match e {
                        SkipError::Unterminated => LexError::UnterminatedInterpolation { span },
                        SkipError::TooDeep => LexError::NestingTooDeep { span, limit: MAX_STRING_NESTING as usize },
                    });
                    // Resume after the last quote on the line, if it comes later.
                    i = match rest[..line_end].rfind('"') {
                        Some(q) if q > i => q + 1,
                        _ => line_end,
                    };
                    break;
                }
            },
            Some(_) => {
                let run = b[i..]
                    .iter()
                    .position(|c| matches!(c, b'"' | b'\\' | b'{' | b'}' | b'\n'))
                    .unwrap_or(b.len() - i);
                lit.push_str(&rest[i..i + run]);
                i += run;
            }
        }
    }
    if !lit.is_empty() || pieces.is_empty() {
        pieces.push(StrPiece::Lit(lit));
    }
    lex.bump(i);
    pieces
}

/// A token with its byte range in the file, as the parser consumes it.
pub type Spanned<'s> = (usize, Tok<'s>, usize);

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

/// The token stream with PURR.md's layout rules applied:
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
                    self.raw.extras.errors.push(LexError::ExpressionTooDeep { span, limit: MAX_EXPR_OPERATORS });
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

impl Tok<'_> {
    /// How the token reads in messages: `` `fn` ``, `identifier `x``, ….
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Int(v) => format!("integer `{v}`"),
            Tok::Float(_) => "a float literal".into(),
            Tok::Char(_) => "a char literal".into(),
            Tok::Str(_) => "a string".into(),
            Tok::Newline => "end of line".into(),
            Tok::Error => "an invalid token".into(),
            other => format!("`{}`", other.text()),
        }
    }

    /// The fixed spelling of a keyword or punctuation token (the first
    /// spelling for synonyms: `&&` for `and`).
    pub fn text(&self) -> &'static str {
        use Tok::*;
        match self {
            Namespace => "namespace",
            Use => "use",
            Fn => "fn",
            Extern => "extern",
            Const => "const",
            Struct => "struct",
            Enum => "enum",
            Message => "message",
            Actor => "actor",
            State => "state",
            On => "on",
            Spawn => "spawn",
            Send => "send",
            SpawnTest => "spawn_test",
            SendTest => "send_test",
            Test => "test",
            Bench => "bench",
            Var => "var",
            Let => "let",
            If => "if",
            Else => "else",
            For => "for",
            In => "in",
            Break => "break",
            Continue => "continue",
            Return => "return",
            Match => "match",
            True => "true",
            False => "false",
            Nil => "nil",
            SelfKw => "self",
            Ident(_) => "identifier",
            Int(_) => "integer",
            Float(_) => "float",
            Char(_) => "char",
            Str(_) => "string",
            BlockComment => "/*",
            Plus => "+",
            Minus => "-",
            Star => "*",
            Slash => "/",
            Percent => "%",
            Shl => "<<",
            Shr => ">>",
            Amp => "&",
            Caret => "^",
            Pipe => "|",
            Tilde => "~",
            Bang => "!",
            EqEq => "==",
            NotEq => "!=",
            Lt | GenericLt => "<",
            Le => "<=",
            Gt | GtJoined => ">",
            Ge => ">=",
            AndAnd => "&&",
            OrOr => "||",
            Assign => "=",
            PlusEq => "+=",
            MinusEq => "-=",
            StarEq => "*=",
            SlashEq => "/=",
            PercentEq => "%=",
            AmpEq => "&=",
            PipeEq => "|=",
            CaretEq => "^=",
            ShlEq => "<<=",
            ShrEq => ">>=",
            FatArrow => "=>",
            DotDot => "..",
            Dot => ".",
            Comma => ",",
            Colon => ":",
            Semi => ";",
            LParen => "(",
            RParen => ")",
            LBracket => "[",
            RBracket => "]",
            LBrace => "{",
            RBrace => "}",
            Newline => "newline",
            Error => "error",
        }
    }
}

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
