//! Scanners for the tokens logos cannot describe with a regex: numbers
//! (with their suffix errors), nesting block comments, escapes, char
//! literals and strings with interpolations.

use super::tokens::{StrPiece, Tok};
use super::{LexError, MAX_NESTING, MAX_STRING_NESTING};

pub(super) type RawLexer<'s> = logos::Lexer<'s, Tok<'s>>;

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

pub(super) fn int_literal(lex: &mut RawLexer<'_>, radix: u32, prefix: usize) -> u64 {
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

pub(super) fn float_literal(lex: &mut RawLexer<'_>) -> f64 {
    let text: String = lex.slice().chars().filter(|&c| c != '_').collect();
    if reject_suffix(lex) {
        return 0.0;
    }
    // The regexes only admit text Rust's float parser accepts.
    text.parse().unwrap_or(0.0)
}

/// `/* … */`, nesting. Reports and skips to the end if unclosed.
pub(super) fn block_comment(lex: &mut RawLexer<'_>) -> logos::Skip {
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
pub(super) fn char_literal(lex: &mut RawLexer<'_>) -> u8 {
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
pub(super) fn string_literal<'s>(lex: &mut RawLexer<'s>) -> Vec<StrPiece<'s>> {
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
