//! Problems written out for people and machines: compiler-like text, the
//! JSON document `check --format json` and `/api/v1/problems` share, and
//! GitHub Actions annotations. Formats to strings; never prints.

use crate::problem::{Problem, Severity, Summary};
use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use rayon::prelude::*;
use serde::Serialize;

/// The document of `check --format json`.
#[derive(Serialize)]
pub struct ProblemsDocument<'a> {
    pub problems: &'a [Problem],
    pub summary: Summary,
}

pub fn json(problems: &[Problem], summary: Summary) -> String {
    let mut out =
        serde_json::to_string_pretty(&ProblemsDocument { problems, summary }).unwrap_or_default();
    out.push('\n');
    out
}

/// Each problem the way a compiler shows it, with its source line and a
/// caret under the place. `styled` adds ANSI colours.
pub fn human(problems: &[Problem], summary: &Summary, styled: bool) -> String {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    // An export can warn thousands of times (a dropped default per
    // response): each problem is drawn on its own, so draw them on every
    // core, then join them in order.
    let drawn: Vec<String> = problems
        .par_iter()
        .map(|p| renderer.render(&[group(p)]).to_string())
        .collect();
    let mut out = String::with_capacity(drawn.iter().map(|d| d.len() + 2).sum::<usize>() + 80);
    for d in drawn {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

fn group(p: &Problem) -> annotate_snippets::Group<'_> {
    let level = match p.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(p.message.as_str()).id(p.code);
    let mut group = match &p.source_line {
        Some(line) => {
            let start = byte_of_column(line, p.column);
            let end = if p.end_line == p.line {
                byte_of_column(line, p.end_column)
            } else {
                line.len()
            };
            let end = if end <= start {
                next_char(line, start)
            } else {
                end
            };
            title.element(
                Snippet::source(line.as_str())
                    .line_start(p.line)
                    .path(p.file.as_str())
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        None => title.element(
            annotate_snippets::Origin::path(p.file.as_str())
                .line(p.line)
                .char_column(p.column),
        ),
    };
    if let Some(hint) = &p.hint {
        group = group.element(Level::HELP.message(hint.as_str()));
    }
    group
}

fn byte_of_column(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

fn next_char(line: &str, at: usize) -> usize {
    line[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// "Checked 24 files: 23 responses, 1 error, 0 warnings."
pub fn summary_line(s: &Summary) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "Checked {}: {}, {}, {}.",
        plural(s.files, "file", "files"),
        plural(s.responses, "response", "responses"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
    )
}

/// GitHub Actions workflow commands: one annotation per problem. `root` is
/// the library's path from the repository root, so annotations land on
/// the right file of the pull request.
pub fn github(problems: &[Problem], summary: &Summary, root: &str) -> String {
    let mut out = String::new();
    for p in problems {
        let kind = match p.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let file = if root.is_empty() {
            p.file.clone()
        } else {
            format!("{}/{}", root.trim_end_matches('/'), p.file)
        };
        let mut message = p.message.clone();
        if let Some(hint) = &p.hint {
            message.push_str(" — ");
            message.push_str(hint);
        }
        out.push_str(&format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&file),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(p.code),
            escape_data(&message),
        ));
    }
    out.push_str(&summary_line(summary));
    out.push('\n');
    out
}

// See: https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem() -> Problem {
        Problem::error(
            "unknown-field",
            "support/hours.md",
            "`tittle` is not a field",
        )
        .with_hint("did you mean `title`?")
        .at("---\ntittle: Hours\n---\n", 4..10)
    }

    #[test]
    fn human_output_shows_the_line_and_a_caret() {
        let out = human(
            &[problem()],
            &Summary {
                errors: 1,
                files: 1,
                ..Summary::default()
            },
            false,
        );
        assert!(
            out.contains("error[unknown-field]: `tittle` is not a field"),
            "{out}"
        );
        assert!(out.contains("--> support/hours.md:2:1"), "{out}");
        assert!(out.contains("2 | tittle: Hours"), "{out}");
        assert!(out.contains("^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `title`?"), "{out}");
        assert!(
            out.ends_with("Checked 1 file: 0 responses, 1 error, 0 warnings.\n"),
            "{out}"
        );
    }

    #[test]
    fn github_annotations_escape_their_text() {
        let out = github(&[problem()], &Summary::default(), "library");
        assert!(out.starts_with("::error file=library/support/hours.md,line=2,col=1,endLine=2,endColumn=7,title=unknown-field::`tittle` is not a field — did you mean `title`?\n"), "{out}");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
