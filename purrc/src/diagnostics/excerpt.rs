//! The source text one diagnostic quotes, with long lines cut down.
//!
//! codespan prints every quoted line whole, so one diagnostic on a 15 KB
//! line of generated or garbage input printed 15 KB. An [`Excerpt`] holds
//! only the lines a diagnostic's labels touch, each cut to windows around its
//! labels (`…` marks what was left out), and maps byte offsets between the
//! file and the excerpt, so the underlines still point at the right text and
//! `file:line:col` still names the column in the real file.

use crate::source::SourceFile;
use std::ops::Range;

/// Lines longer than this many characters are cut.
const MAX_LINE_CHARS: usize = 200;

/// Characters kept on each side of a label on a cut line.
const CONTEXT_CHARS: usize = 40;

/// Characters kept of a label longer than this on a cut line.
const MAX_LABEL_CHARS: usize = 80;

const ELLIPSIS: &str = "…";

/// A piece of a line kept in the excerpt: `len` bytes at `file` in the file
/// and at `excerpt` in the excerpt.
#[derive(Clone, Copy)]
struct Piece {
    file: usize,
    excerpt: usize,
    len: usize,
}

struct Line {
    /// Byte range of the line in the excerpt, its newline included.
    range: Range<usize>,
    /// Byte offset of the line's start in the file.
    file_start: usize,
    /// Kept pieces, in order; one piece when the line is not cut.
    pieces: Vec<Piece>,
}

pub struct Excerpt {
    /// 0-based index in the file of the first line held.
    first_line: usize,
    pub text: String,
    lines: Vec<Line>,
}

impl Excerpt {
    /// The lines from the first to the last touched by `labels` (byte
    /// ranges in `file`), long ones cut around the labels on them.
    pub fn new(file: &SourceFile, labels: &[Range<usize>]) -> Excerpt {
        let first_line = labels.iter().map(|l| file.line_index(l.start)).min().unwrap_or(0);
        let last_line = labels.iter().map(|l| file.line_index(l.end)).max().unwrap_or(0);
        let mut excerpt = Excerpt { first_line, text: String::new(), lines: Vec::new() };
        for index in first_line..=last_line {
            let Some(range) = file.line_range(index) else { break };
            let content = range.start..range.end - file.text[range.clone()].ends_with('\n') as usize;
            let start = excerpt.text.len();
            let pieces = excerpt.push_line(&file.text, content.clone(), labels);
            excerpt.text.push('\n');
            excerpt.lines.push(Line { range: start..excerpt.text.len(), file_start: content.start, pieces });
        }
        excerpt
    }

    /// Appends the line `content` of `text`, cut if it is long; returns its pieces.
    fn push_line(&mut self, text: &str, content: Range<usize>, labels: &[Range<usize>]) -> Vec<Piece> {
        let line = &text[content.clone()];
        // Byte offset (in the line) of each character, and of the line's end.
        let chars: Vec<usize> = line.char_indices().map(|(i, _)| i).chain([line.len()]).collect();
        let n = chars.len() - 1;
        let kept: Vec<Range<usize>> = if n <= MAX_LINE_CHARS {
            std::iter::once(0..n).collect()
        } else {
            let char_of = |byte: usize| chars.partition_point(|&b| b < byte);
            let mut windows: Vec<Range<usize>> = labels
                .iter()
                .filter(|l| l.start <= content.end && l.end >= content.start)
                .map(|l| {
                    let s = char_of(l.start.max(content.start) - content.start);
                    let e = char_of(l.end.min(content.end) - content.start).min(s + MAX_LABEL_CHARS);
                    s.saturating_sub(CONTEXT_CHARS)..(e + CONTEXT_CHARS).min(n)
                })
                .collect();
            if windows.is_empty() {
                // A line inside a multi-line label: its start is enough.
                windows.push(0..MAX_LINE_CHARS);
            }
            windows.sort_by_key(|w| w.start);
            let mut merged: Vec<Range<usize>> = Vec::new();
            for w in windows {
                match merged.last_mut() {
                    Some(last) if w.start <= last.end => last.end = last.end.max(w.end),
                    _ => merged.push(w),
                }
            }
            merged
        };
        let mut pieces = Vec::new();
        for (i, w) in kept.iter().enumerate() {
            if w.start > 0 || i > 0 {
                self.text.push_str(ELLIPSIS);
            }
            let (from, to) = (chars[w.start], chars[w.end]);
            pieces.push(Piece { file: content.start + from, excerpt: self.text.len(), len: to - from });
            self.text.push_str(&line[from..to]);
        }
        if kept.last().is_some_and(|w| w.end < n) {
            self.text.push_str(ELLIPSIS);
        }
        pieces
    }

    fn line(&self, file_line: usize) -> Option<&Line> {
        self.lines.get(file_line.checked_sub(self.first_line)?)
    }

    /// Where a byte offset of the file lands in the excerpt; text that was
    /// cut lands on the `…` that replaced it.
    pub fn to_excerpt(&self, file: &SourceFile, offset: usize) -> usize {
        let Some(line) = self.line(file.line_index(offset)) else { return self.text.len() };
        let mut at = line.range.start;
        for p in &line.pieces {
            if offset < p.file {
                return at;
            }
            if offset <= p.file + p.len {
                return p.excerpt + (offset - p.file);
            }
            at = p.excerpt + p.len;
        }
        at
    }

    /// The file offset of an excerpt offset (inside a `…`: the text after it).
    fn to_file(&self, line: &Line, offset: usize) -> usize {
        let mut last = line.file_start;
        for p in &line.pieces {
            if offset < p.excerpt {
                return p.file;
            }
            if offset <= p.excerpt + p.len {
                return p.file + (offset - p.excerpt);
            }
            last = p.file + p.len;
        }
        last
    }

    /// 0-based line in the file of an excerpt offset.
    pub fn line_index(&self, offset: usize) -> usize {
        self.first_line + self.lines.partition_point(|l| l.range.start <= offset).saturating_sub(1)
    }

    /// Excerpt byte range of a line of the file.
    pub fn line_range(&self, file_line: usize) -> Option<Range<usize>> {
        self.line(file_line).map(|l| l.range.clone())
    }

    /// 1-based column, in characters of the file's line, of an excerpt offset.
    pub fn column_number(&self, file: &SourceFile, file_line: usize, offset: usize) -> usize {
        let Some(line) = self.line(file_line) else { return 1 };
        let at = self.to_file(line, offset);
        file.text[line.file_start..at].chars().count() + 1
    }
}
