//! One shape for every compile error and warning, and the one place that
//! renders them. Each phase keeps its own error enum, gives each variant a
//! stable id with [`diagnostic_ids!`], and converts it into [`Diagnostic`].

mod excerpt;

use crate::source::{FileId, SourceMap, Span};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files, Location};
use codespan_reporting::term::{self, termcolor::WriteColor, Styles, StylesWriter};
use excerpt::Excerpt;
use std::ops::Range;

/// Gives a phase's error enum `fn id()` and `IDS` from one table, so the ids
/// are data next to the variants and the list cannot drift from the match
/// (which the compiler checks is exhaustive). `via Variant` delegates a
/// variant wrapping another phase's error to that error's id.
macro_rules! diagnostic_ids {
    ($enum:ident $(, via $wrap:ident)? { $($variant:ident => $id:literal,)+ }) => {
        impl $enum {
            /// The ids this enum's own variants report.
            pub const IDS: &'static [&'static str] = &[$($id),+];

            /// The stable kebab-case id of this error's diagnostic.
            pub fn id(&self) -> &'static str {
                match self {
                    $(Self::$wrap(inner) => inner.id(),)?
                    $(Self::$variant { .. } => $id,)+
                }
            }
        }
    };
}
pub(crate) use diagnostic_ids;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The program is wrong; the build stops.
    Error,
    /// The program builds, but probably does not do what was meant.
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable kebab-case id, e.g. `type-mismatch`.
    pub id: &'static str,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error.
    pub fn new(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            id,
            severity: Severity::Error,
            message: message.into(),
            primary: Label { span, message: String::new() },
            secondary: Vec::new(),
            hint: None,
        }
    }

    pub fn warning(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::new(id, span, message) }
    }

    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label { span, message: message.into() });
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
}

/// Most diagnostics of each severity one run prints; the rest are counted.
/// Garbage input (a 15 KB file of non-ASCII text) otherwise printed
/// thousands of errors, each quoting the same line.
pub const MAX_SHOWN: usize = 50;

/// Longest message, label or hint printed, in characters: they quote user
/// text (names, tokens) that can be arbitrarily long.
const MAX_MESSAGE_CHARS: usize = 400;

/// Adapts our [`SourceMap`] to codespan's file database, showing each file
/// through the excerpt of the diagnostic being rendered.
struct CsFiles<'a> {
    sources: &'a SourceMap,
    excerpts: Vec<(FileId, Excerpt)>,
}

impl CsFiles<'_> {
    fn excerpt(&self, id: FileId) -> Result<&Excerpt, FilesError> {
        self.excerpts.iter().find(|(f, _)| *f == id).map(|(_, e)| e).ok_or(FilesError::FileMissing)
    }
}

impl<'a> Files<'a> for CsFiles<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.sources.file(id).name)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.excerpt(id)?.text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.excerpt(id)?.line_index(byte_index))
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let max = self.sources.file(id).line_index(usize::MAX);
        self.excerpt(id)?.line_range(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max })
    }

    fn column_number(&'a self, id: FileId, line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.excerpt(id)?.column_number(self.sources.file(id), line_index, byte_index))
    }

    fn location(&'a self, id: FileId, byte_index: usize) -> Result<Location, FilesError> {
        let line_index = self.line_index(id, byte_index)?;
        Ok(Location { line_number: line_index + 1, column_number: self.column_number(id, line_index, byte_index)? })
    }
}

fn clamp(span: Span, sources: &SourceMap) -> Range<usize> {
    let len = sources.file(span.file).text.len();
    let start = (span.start as usize).min(len);
    start..(span.end as usize).clamp(start, len)
}

/// `text`, cut to [`MAX_MESSAGE_CHARS`].
fn shorten(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// One diagnostic in codespan's terms, with the excerpts of the files it quotes.
fn to_codespan<'a>(d: &Diagnostic, sources: &'a SourceMap) -> (CsDiagnostic<FileId>, CsFiles<'a>) {
    let all = std::iter::once((&d.primary, true)).chain(d.secondary.iter().map(|l| (l, false)));
    let labels: Vec<(FileId, Range<usize>, &str, bool)> =
        all.map(|(l, primary)| (l.span.file, clamp(l.span, sources), l.message.as_str(), primary)).collect();
    let mut files = CsFiles { sources, excerpts: Vec::new() };
    for &(id, ..) in &labels {
        if files.excerpts.iter().all(|(f, _)| *f != id) {
            let ranges: Vec<Range<usize>> = labels.iter().filter(|l| l.0 == id).map(|l| l.1.clone()).collect();
            files.excerpts.push((id, Excerpt::new(sources.file(id), &ranges)));
        }
    }
    let cs_labels = labels
        .iter()
        .map(|(file, range, message, primary)| {
            let excerpt = files.excerpt(*file).expect("an excerpt for every labelled file");
            let source = sources.file(*file);
            let range = excerpt.to_excerpt(source, range.start)..excerpt.to_excerpt(source, range.end);
            let label = if *primary { CsLabel::primary(*file, range) } else { CsLabel::secondary(*file, range) };
            label.with_message(shorten(message))
        })
        .collect();
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut cs = CsDiagnostic::new(severity).with_code(d.id).with_message(shorten(&d.message)).with_labels(cs_labels);
    if let Some(h) = &d.hint {
        cs = cs.with_notes(vec![format!("hint: {}", shorten(h))]);
    }
    (cs, files)
}

/// Renders diagnostics the way users see them: `error[id]: message` (or
/// `warning[id]`), then `file:line:col`, the source line with the span
/// underlined, and the hint.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, out: &mut dyn WriteColor) {
    render_each(diags.iter(), sources, out);
}

fn render_each<'d>(diags: impl Iterator<Item = &'d Diagnostic>, sources: &SourceMap, out: &mut dyn WriteColor) {
    let config = term::Config::default();
    let styles = Styles::default();
    let mut out = StylesWriter::new(out, &styles);
    for d in diags {
        let (cs, files) = to_codespan(d, sources);
        // Writing to a terminal or buffer; a failure here has nowhere better to go.
        let _ = term::emit_to_write_style(&mut out, &config, &files, &cs);
    }
}

/// What purrc prints at the end of a run: the warnings, then the errors, at
/// most [`MAX_SHOWN`] of each (with a count of the rest), and, if there were
/// errors, how many.
pub fn report(diags: &[Diagnostic], sources: &SourceMap, out: &mut dyn WriteColor) {
    let mut errors = 0;
    for (severity, noun) in [(Severity::Warning, "warning"), (Severity::Error, "error")] {
        let these = || diags.iter().filter(|d| d.severity == severity);
        render_each(these().take(MAX_SHOWN), sources, out);
        let count = these().count();
        if count > MAX_SHOWN {
            let more = count - MAX_SHOWN;
            // The report goes to stderr, which may be a closed pipe; there is
            // nowhere left to report that.
            let _ = writeln!(out, "... and {more} more {}\n", plural(more, noun));
        }
        if severity == Severity::Error {
            errors = count;
        }
    }
    if errors > 0 {
        let _ = writeln!(out, "purrc: {errors} {} found", plural(errors, "error"));
    }
}

/// `noun`, or its plural when `n` is not 1.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        noun.to_string()
    } else {
        format!("{noun}s")
    }
}

/// Renders to a plain string without colour (snapshot tests, `--color never`).
pub fn render_plain(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    render(diags, sources, &mut buf);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}
