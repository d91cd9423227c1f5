//! Syntax and lexical errors in user terms: what was found, what would have
//! been accepted, hints, and the one place they become [`Diagnostic`]s.

use super::{LexError, ParseError};
use crate::diagnostics::Diagnostic;
use crate::lexer::Tok;
use crate::source::{FileId, Span};
use std::convert::Infallible;

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
    "\"actor\"", "\"test\"", "\"bench\"", "\"priv\"",
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
pub(super) fn describe_expected(expected: &[String]) -> Vec<String> {
    let has = |t: &str| expected.iter().any(|e| e == t);
    let wants_expr = has("IDENT") && has("INT") && has("\"(\"");
    let wants_stmt = wants_expr && has("\"let\"");
    let wants_op = has("\"+\"") && has("\"*\"");
    let wants_item = has("\"struct\"") && has("\"actor\"");
    match expected.len() {
        2 if has("IDENT") && has("\"fn\"") => return vec!["a type".into()],
        3 if has("IDENT") && has("\"fn\"") && has("\"{\"") => return vec!["a return type".into(), "`{`".into()],
        4 if has("IDENT") && has("\"fn\"") && has("\"needs\"") && has("\"{\"") => {
            return vec!["a return type".into(), "`needs`".into(), "`{`".into()]
        }
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
pub(super) fn struct_literal_in_head_hint(src: &str, colon: usize) -> Option<String> {
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
    let id = error.id();
    match error {
        ParseError::Lex(e) => lex_diagnostic(e),
        ParseError::UnexpectedToken { span, found, expected, hint } => {
            let d = Diagnostic::new(id, *span, format!("expected {}, found {found}", one_of(expected)))
                .label(format!("unexpected {}", found.trim_start_matches("a ").trim_start_matches("an ")));
            match hint {
                Some(h) => d.hint(h.clone()),
                None => d,
            }
        }
        ParseError::UnexpectedEof { span, expected } => {
            Diagnostic::new(id, *span, format!("unexpected end of input, expected {}", one_of(expected)))
                .label("input ends here")
        }
        ParseError::Unclosed { open, span, noticed, found } => {
            let close = closing(*open);
            let noticed_label = match found {
                Some(found) => format!("expected `{close}` before {found}"),
                None => "the input ends here".to_string(),
            };
            Diagnostic::new(id, *span, format!("unclosed `{open}`"))
                .label(format!("this `{open}` is never closed"))
                .with_secondary(*noticed, noticed_label)
                .hint(format!("add the missing `{close}`"))
        }
        ParseError::InvalidStructLiteral { span } => Diagnostic::new(
            id,
            *span,
            "only a struct, message or actor name can come before `{ field: value }`",
        )
        .label("not a type name"),
        ParseError::InterpolationNotAllowed { span, place } => {
            Diagnostic::new(id, *span, format!("{place} cannot contain `{{…}}` interpolation"))
                .label("interpolated string")
                .hint("write `{{` and `}}` for literal braces")
        }
    }
}

pub(super) fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn lex_diagnostic(error: &LexError) -> Diagnostic {
    let id = error.id();
    match error {
        LexError::UnexpectedCharacter { ch, span } => {
            let d = Diagnostic::new(id, *span, format!("unexpected character `{}`", ch.escape_debug()))
                .label("not part of any token");
            match ch {
                '\'' | '"' => d,
                '?' => d.hint("Purr has no `?` operator; use `match` on the option or result"),
                _ if !ch.is_ascii() => d.hint("outside strings and comments only ASCII is allowed"),
                _ => d,
            }
        }
        LexError::UnterminatedString { span } => Diagnostic::new(id, *span, "unterminated string")
            .label("this string has no closing `\"`")
            .hint("strings end on the line they start; write `\\n` for a line break"),
        LexError::UnterminatedInterpolation { span } => {
            Diagnostic::new(id, *span, "`{` in a string is never closed")
                .label("interpolation starts here")
                .hint("close it with `}`, or write `{{` for a literal brace")
        }
        LexError::EmptyInterpolation { span } => Diagnostic::new(id, *span, "empty `{}` in a string")
            .label("nothing to insert")
            .hint("put an expression inside, or write `{{}}` for literal braces"),
        LexError::UnmatchedBraceInString { span } => {
            Diagnostic::new(id, *span, "unmatched `}` in a string")
                .label("no `{` before it")
                .hint("write `}}` for a literal brace")
        }
        LexError::UnterminatedComment { span } => {
            Diagnostic::new(id, *span, "unterminated block comment")
                .label("this `/*` is never closed")
                .hint("block comments nest: each `/*` needs its own `*/`")
        }
        LexError::UnterminatedChar { span } => Diagnostic::new(id, *span, "unterminated char literal")
            .label("no closing `'`")
            .hint("a char literal is one byte in single quotes, e.g. 'a' or '\\n'"),
        LexError::InvalidCharLiteral { span, reason } => {
            Diagnostic::new(id, *span, "invalid char literal").label(*reason)
        }
        LexError::InvalidEscape { span, reason } => Diagnostic::new(id, *span, "invalid escape sequence")
            .label(reason.clone())
            .hint("valid escapes: \\n \\t \\r \\0 \\\\ \\\" \\' \\xHH \\u{HHHH}"),
        LexError::IntTooLarge { span } => Diagnostic::new(id, *span, "integer literal is larger than the largest integer type (u64)")
            .label("does not fit in any integer type"),
        LexError::InvalidNumber { span } => Diagnostic::new(id, *span, "invalid number literal")
            .label("letters or digits that do not belong to the number")
            .hint("numbers are written `42`, `1_000`, `0xff`, `0b1010`, `1.5`, `2e9`"),
        LexError::ExpressionTooLong { span, limit } => {
            Diagnostic::new(id, *span, format!("expression too long: more than {limit} operators in one statement"))
                .label("limit reached here")
                .hint("split the expression into smaller parts with `let`")
        }
        LexError::NestingTooDeep { span, limit } => {
            Diagnostic::new(id, *span, format!("nesting deeper than {limit} levels"))
                .label("too deeply nested")
                .hint("split the expression into smaller parts with `let`")
        }
    }
}

/// Tokens that begin a top-level declaration.
pub(super) fn starts_declaration(tok: &Tok) -> bool {
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
            | Tok::Priv
            | Tok::Namespace
            | Tok::Use
    )
}
