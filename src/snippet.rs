//! Snippets (SPEC §7.2): pieces under `_snippets/` that responses include
//! with `{{> name }}`. A response's `body` keeps the include as written;
//! everything that renders or exports uses the body with snippets expanded.

use crate::problem::Finding;
use crate::suggest;
use std::collections::HashMap;
use std::ops::Range;

/// The folder snippets live in, below the library root.
pub const FOLDER: &str = "_snippets";

#[derive(Clone, Debug)]
pub struct Snippet {
    /// `signature`, `legal/gdpr`.
    pub name: String,
    pub path: String,
    pub description: Option<String>,
    /// The body as written, surrounding blank lines removed.
    pub body: String,
    /// Ids of the responses that include it, directly or through another
    /// snippet, sorted.
    pub used_by: Vec<String>,
}

/// `{{> name }}` in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub name: String,
    pub span: Range<usize>,
}

/// The snippet name a path gives (`_snippets/legal/gdpr.md` → `legal/gdpr`).
pub fn name_from_path(path: &str) -> Option<&str> {
    path.strip_prefix(FOLDER)?
        .strip_prefix('/')?
        .strip_suffix(".md")
}

/// Every include in `text`, in order. A malformed one (`{{> }}`) is a
/// finding; `\{{>` is literal text.
pub fn includes(text: &str) -> (Vec<Include>, Vec<Finding>) {
    let (mut found, mut mistakes) = (Vec::new(), Vec::new());
    let mut i = 0;
    while let Some(at) = text[i..].find("{{").map(|n| i + n) {
        i = at + 2;
        if at > 0 && text.as_bytes()[at - 1] == b'\\' {
            continue;
        }
        let rest = &text[at + 2..];
        let Some(after_marker) = rest.trim_start_matches([' ', '\t']).strip_prefix('>') else {
            continue;
        };
        let line = &after_marker[..after_marker.find('\n').unwrap_or(after_marker.len())];
        let Some(close) = line.find("}}") else {
            mistakes.push(
                Finding::error("unclosed-include", "this `{{>` is never closed", at..at + 3)
                    .with_hint(
                        "end the include with `}}` on the same line, like `{{> signature }}`",
                    ),
            );
            continue;
        };
        let end = at + 2 + (rest.len() - after_marker.len()) + close + 2;
        let name = line[..close].trim();
        if name.is_empty()
            || !name.split('/').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            })
        {
            mistakes.push(
                Finding::error("invalid-include", format!("`{name}` is not a snippet name"), at..end)
                    .with_hint("name a file under _snippets/ without `.md`, like `{{> signature }}` or `{{> legal/gdpr }}`"),
            );
        } else {
            found.push(Include {
                name: name.to_string(),
                span: at..end,
            });
        }
        i = end;
    }
    (found, mistakes)
}

/// The library's snippets by name.
#[derive(Clone, Debug, Default)]
pub struct Snippets {
    pub by_name: HashMap<String, Snippet>,
    /// Snippets whose files have errors: including one is an error that
    /// points there, not "no such snippet".
    pub broken: HashMap<String, String>,
}

/// A text with its includes replaced, and the snippets that went in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    pub used: Vec<String>,
}

impl Snippets {
    /// Replaces every include in `text` by the snippet's body, recursively.
    /// Errors are located at the include in `text` that leads to them.
    pub fn expand(&self, text: &str) -> Result<Expanded, Vec<Finding>> {
        let mut used = Vec::new();
        let mut stack = Vec::new();
        let text = self.expand_in(text, &mut stack, &mut used, None)?;
        used.sort();
        used.dedup();
        Ok(Expanded { text, used })
    }

    fn expand_in(
        &self,
        text: &str,
        stack: &mut Vec<String>,
        used: &mut Vec<String>,
        // The top-level include being expanded, where nested errors point.
        top: Option<&Range<usize>>,
    ) -> Result<String, Vec<Finding>> {
        let (found, mistakes) = includes(text);
        if !mistakes.is_empty() {
            return Err(match top {
                None => mistakes,
                Some(span) => vec![Finding::error(
                    "invalid-include",
                    format!(
                        "the snippet `{}` has a malformed include",
                        stack.last().cloned().unwrap_or_default()
                    ),
                    span.clone(),
                )
                .with_hint("run `cannery check` and fix the snippet file first")],
            });
        }
        let mut errors = Vec::new();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for include in found {
            let at = top.unwrap_or(&include.span).clone();
            out.push_str(&text[last..include.span.start]);
            last = include.span.end;
            if let Some(start) = stack.iter().position(|n| *n == include.name) {
                let mut cycle: Vec<&str> = stack[start..].iter().map(String::as_str).collect();
                cycle.push(&include.name);
                errors.push(
                    Finding::error(
                        "snippet-cycle",
                        format!(
                            "snippets include each other in a cycle: {}",
                            cycle.join(" → ")
                        ),
                        at,
                    )
                    .with_hint(
                        "remove one of the includes so the snippets no longer include each other",
                    ),
                );
                continue;
            }
            if let Some(path) = self.broken.get(&include.name) {
                errors.push(
                    Finding::error(
                        "broken-snippet",
                        format!(
                            "the snippet `{}` cannot be included: its file has errors",
                            include.name
                        ),
                        at,
                    )
                    .with_hint(format!("fix {path} first (run `cannery check`)")),
                );
                continue;
            }
            let Some(snippet) = self.by_name.get(&include.name) else {
                let hint = suggest::hint(&include.name, self.by_name.keys().map(String::as_str))
                    .unwrap_or_else(|| {
                        format!(
                            "add the file {FOLDER}/{}.md, or include an existing snippet",
                            include.name
                        )
                    });
                errors.push(
                    Finding::error(
                        "unknown-snippet",
                        format!("there is no snippet `{}`", include.name),
                        at,
                    )
                    .with_hint(hint),
                );
                continue;
            };
            used.push(include.name.clone());
            stack.push(include.name.clone());
            match self.expand_in(&snippet.body, stack, used, Some(&at)) {
                Ok(expanded) => out.push_str(&expanded),
                Err(found) => errors.extend(found),
            }
            stack.pop();
        }
        out.push_str(&text[last..]);
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippets(list: &[(&str, &str)]) -> Snippets {
        Snippets {
            by_name: list
                .iter()
                .map(|(name, body)| {
                    let s = Snippet {
                        name: name.to_string(),
                        path: format!("_snippets/{name}.md"),
                        description: None,
                        body: body.to_string(),
                        used_by: Vec::new(),
                    };
                    (name.to_string(), s)
                })
                .collect(),
            broken: HashMap::new(),
        }
    }

    #[test]
    fn includes_are_found_and_literal_braces_skipped() {
        let (found, mistakes) =
            includes("a {{> signature }} b {{>legal/gdpr}} \\{{> no }} {{ name }}");
        assert!(mistakes.is_empty());
        let names: Vec<_> = found
            .iter()
            .map(|i| (i.name.as_str(), i.span.clone()))
            .collect();
        assert_eq!(names, [("signature", 2..18), ("legal/gdpr", 21..36)]);
        assert_eq!(includes("{{> }}").1[0].code, "invalid-include");
        assert_eq!(includes("{{> sig").1[0].code, "unclosed-include");
    }

    #[test]
    fn nested_snippets_expand() {
        let s = snippets(&[
            ("signature", "Best,\n{{> team }}"),
            ("team", "The Acme team"),
        ]);
        let e = s.expand("Hi!\n\n{{> signature }}").unwrap();
        assert_eq!(e.text, "Hi!\n\nBest,\nThe Acme team");
        assert_eq!(e.used, ["signature", "team"]);
    }

    #[test]
    fn a_cycle_of_three_is_named_whole() {
        let s = snippets(&[("a", "{{> b }}"), ("b", "{{> c }}"), ("c", "{{> a }}")]);
        let errors = s.expand("x {{> a }}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].code, "snippet-cycle");
        assert_eq!(
            errors[0].message,
            "snippets include each other in a cycle: a → b → c → a"
        );
        assert_eq!(errors[0].span, 2..10);
    }

    #[test]
    fn an_unknown_snippet_suggests_a_name() {
        let s = snippets(&[("signature", "Best")]);
        let errors = s.expand("{{> signatur }}").unwrap_err();
        assert_eq!(
            (errors[0].code, errors[0].hint.as_deref()),
            ("unknown-snippet", Some("did you mean `signature`?"))
        );
    }
}
