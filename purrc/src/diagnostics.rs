//! One shape for every compile error, and the one place that renders them.
//! Each phase keeps its own error enum and converts it into [`Diagnostic`].

use crate::source::{SourceMap, Span};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label as CsLabel};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor::WriteColor, Styles, StylesWriter};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Stable kebab-case id, e.g. `type-mismatch`.
    pub id: &'static str,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(id: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            id,
            message: message.into(),
            primary: Label { span, message: String::new() },
            secondary: Vec::new(),
            hint: None,
        }
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

/// Adapts our [`SourceMap`] to codespan's file database.
struct CsFiles<'a>(&'a SourceMap);

impl<'a> Files<'a> for CsFiles<'a> {
    type FileId = u32;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: u32) -> Result<&'a str, FilesError> {
        Ok(&self.0.file(id).name)
    }

    fn source(&'a self, id: u32) -> Result<&'a str, FilesError> {
        Ok(&self.0.file(id).text)
    }

    fn line_index(&'a self, id: u32, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.0.file(id).line_col(byte_index as u32).0 as usize - 1)
    }

    fn line_range(&'a self, id: u32, line_index: usize) -> Result<Range<usize>, FilesError> {
        let text = &self.0.file(id).text;
        let start = text
            .split_inclusive('\n')
            .take(line_index)
            .map(str::len)
            .sum::<usize>();
        if start > text.len() {
            return Err(FilesError::LineTooLarge { given: line_index, max: 0 });
        }
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n + 1);
        Ok(start..end)
    }
}

fn clamp(span: Span, sources: &SourceMap) -> Range<usize> {
    let len = sources.file(span.file).text.len();
    let start = (span.start as usize).min(len);
    start..(span.end as usize).clamp(start, len)
}

/// Renders diagnostics the way users see them: `error[id]: message`, then
/// `file:line:col`, the source line with the span underlined, and the hint.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, out: &mut dyn WriteColor) {
    let files = CsFiles(sources);
    let config = term::Config::default();
    let styles = Styles::default();
    let mut out = StylesWriter::new(out, &styles);
    for d in diags {
        let mut labels = vec![CsLabel::primary(d.primary.span.file, clamp(d.primary.span, sources))
            .with_message(d.primary.message.clone())];
        for s in &d.secondary {
            labels.push(
                CsLabel::secondary(s.span.file, clamp(s.span, sources)).with_message(s.message.clone()),
            );
        }
        let mut cs = CsDiagnostic::error().with_code(d.id).with_message(&d.message).with_labels(labels);
        if let Some(h) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {h}")]);
        }
        // Writing to a terminal or buffer; a failure here has nowhere better to go.
        let _ = term::emit_to_write_style(&mut out, &config, &files, &cs);
    }
}

/// Renders to a plain string without colour (snapshot tests, `--color never`).
pub fn render_plain(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut buf = codespan_reporting::term::termcolor::NoColor::new(Vec::new());
    render(diags, sources, &mut buf);
    String::from_utf8_lossy(&buf.into_inner()).into_owned()
}
