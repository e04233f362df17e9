//! Problems found in a library: data, never printed here.
//!
//! Every problem knows its file and where in it, as byte offsets into the
//! file's text; line and column (counted in characters, from 1) are derived
//! from those once, when the problem is located.

use serde::Serialize;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub severity: Severity,
    /// A stable, kebab-case code such as `unknown-field`.
    pub code: &'static str,
    /// The file, relative to the library root, `/`-separated.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Byte offsets into the file that the problem is about.
    #[serde(skip)]
    pub span: Range<usize>,
    /// The first source line the problem points at, for compiler-like output.
    #[serde(skip)]
    pub source_line: Option<String>,
}

impl Problem {
    /// A problem about a whole file, pointing at its start.
    pub fn new(
        severity: Severity,
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            severity,
            code,
            file: file.into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            message: message.into(),
            hint: None,
            span: 0..0,
            source_line: None,
        }
    }

    pub fn error(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::new(Severity::Error, code, file, message)
    }

    pub fn warning(
        code: &'static str,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem::new(Severity::Warning, code, file, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }

    /// Points the problem at `span`, a byte range of `text` (the whole file).
    /// Out-of-range or mid-character offsets are clamped, never a panic.
    pub fn at(mut self, text: &str, span: Range<usize>) -> Problem {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
        let (line, column) = line_column(text, start);
        let (end_line, end_column) = line_column(text, end);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        self.line = line;
        self.column = column;
        self.end_line = end_line;
        self.end_column = end_column;
        self.span = start..end;
        self.source_line = Some(
            text[line_start..line_end]
                .trim_end_matches('\r')
                .to_string(),
        );
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Line and column (both from 1, the column in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A problem found inside one text (a body, a front matter), before it is
/// tied to a file: its span is relative to that text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
    pub span: Range<usize>,
}

impl Finding {
    pub fn error(code: &'static str, message: impl Into<String>, span: Range<usize>) -> Finding {
        Finding {
            severity: Severity::Error,
            code,
            message: message.into(),
            hint: None,
            span,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Range<usize>) -> Finding {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(code, message, span)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// Ties the finding to `file`, whose text is `text`; `offset` is where
    /// the finding's own text starts in the file.
    pub fn in_file(self, file: &str, text: &str, offset: usize) -> Problem {
        let problem = Problem::new(self.severity, self.code, file, self.message)
            .at(text, offset + self.span.start..offset + self.span.end);
        Problem {
            hint: self.hint,
            ..problem
        }
    }
}

/// Counts of what a load found, as `check --format json` reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
    pub responses: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "---\ntitle: Café\nbad: x\n";
        let at = text.find("bad").unwrap();
        let p = Problem::error("x", "a.md", "m").at(text, at..at + 3);
        assert_eq!((p.line, p.column, p.end_line, p.end_column), (3, 1, 3, 4));
        let at = text.find('é').unwrap() + 2;
        let p = Problem::error("x", "a.md", "m").at(text, at..at);
        assert_eq!((p.line, p.column), (2, 12));
        assert_eq!(p.source_line.as_deref(), Some("title: Café"));
    }

    #[test]
    fn offsets_inside_a_character_are_clamped() {
        let text = "é";
        let p = Problem::error("x", "a.md", "m").at(text, 1..9);
        assert_eq!((p.line, p.column, p.end_column), (1, 1, 2));
    }
}
