//! Recovery from syntax errors: the parser stops at the first one, and
//! parsing restarts at the next top-level declaration, so independent
//! mistakes are all reported in one run.

use super::messages::{record, struct_literal_in_head_hint};
use super::{grammar, ParseError};
use crate::ast;
use crate::lexer::{Lexer, Tok};
use crate::source::FileId;

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
