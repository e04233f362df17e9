//! Placeholders in a body: `{{ name }}` and `{{ name | default: "text" }}`.
//!
//! They are Cannery's syntax, not Markdown's, so bodies are scanned for them
//! before any Markdown is parsed (a `|` inside one must not split a table
//! cell). `\{{` writes a literal `{{`.

use crate::problem::Finding;
use std::ops::Range;

/// One placeholder as written in a body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The dotted name, `contact.first_name`.
    pub name: String,
    /// The text used when no value is given, if any.
    pub default: Option<String>,
    /// Byte range of the whole `{{ … }}` in the body.
    pub span: Range<usize>,
}

/// The placeholders of a body and the mistakes met on the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub placeholders: Vec<Placeholder>,
    pub mistakes: Vec<Finding>,
}

/// Finds every placeholder in `body`. Never fails: what cannot be read is a
/// [`Finding`] and the scan goes on after it.
pub fn scan(body: &str) -> Scan {
    let mut found = Scan::default();
    let bytes = body.as_bytes();
    let mut i = 0;
    // The end of the line being scanned, and where on it no `}}` follows:
    // a line of thousands of unclosed `{{` is then searched once, not once
    // per `{{` (3,000 of them took 3 s to load in a debug build).
    let mut line_end = 0;
    let mut closeless_from = usize::MAX;
    while let Some(at) = body[i..].find("{{").map(|at| i + at) {
        if at > 0 && bytes[at - 1] == b'\\' {
            i = at + 2;
            continue;
        }
        // Snippet includes (`{{> name }}`) are not placeholders.
        if body[at + 2..]
            .trim_start_matches([' ', '\t'])
            .starts_with('>')
        {
            i = at + 2;
            continue;
        }
        if at >= line_end {
            line_end = body[at..].find('\n').map_or(body.len(), |n| at + n);
            closeless_from = usize::MAX;
        }
        let rest = &body[at + 2..line_end];
        let close = if at + 2 >= closeless_from {
            None
        } else if !rest.contains("}}") {
            closeless_from = at + 2;
            None
        } else {
            find_close(rest)
        };
        let Some(close) = close.map(|n| at + 2 + n) else {
            found.mistakes.push(
                Finding::error("unclosed-placeholder", "this `{{` is never closed", at..at + 2)
                    .with_hint("end the placeholder with `}}` on the same line, or write `\\{{` for a literal `{{`"),
            );
            i = at + 2;
            continue;
        };
        let span = at..close + 2;
        match parse_inner(&body[at + 2..close]) {
            Ok((name, default)) => found.placeholders.push(Placeholder {
                name,
                default,
                span,
            }),
            Err((code, message, hint)) => found
                .mistakes
                .push(Finding::error(code, message, span).with_hint(hint)),
        }
        i = close + 2;
    }
    found
}

/// The offset of the `}}` that closes a placeholder, skipping quoted text.
fn find_close(s: &str) -> Option<usize> {
    let mut in_quote = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quote => escaped = true,
            '"' => in_quote = !in_quote,
            '}' if !in_quote && s[i..].starts_with("}}") => return Some(i),
            _ => {}
        }
    }
    None
}

type Refusal = (&'static str, String, String);

fn parse_inner(inner: &str) -> Result<(String, Option<String>), Refusal> {
    let (name_part, filter) = match inner.find('|') {
        Some(bar) => (&inner[..bar], Some(&inner[bar + 1..])),
        None => (inner, None),
    };
    let name = name_part.trim();
    if name.is_empty() {
        return Err((
            "empty-placeholder",
            "this placeholder has no name".into(),
            "write a name between the braces, like `{{ contact.first_name }}`".into(),
        ));
    }
    if !is_name(name) {
        return Err((
            "invalid-placeholder",
            format!("`{name}` is not a placeholder name"),
            "names are words of letters, digits and `_` joined by dots, like `contact.first_name`"
                .into(),
        ));
    }
    let default = match filter {
        None => None,
        Some(filter) => Some(parse_default(filter.trim())?),
    };
    Ok((name.to_string(), default))
}

fn parse_default(filter: &str) -> Result<String, Refusal> {
    let refuse = || {
        (
            "invalid-placeholder",
            format!("`| {filter}` is not understood"),
            "the only filter is a default, like `{{ contact.first_name | default: \"there\" }}`"
                .into(),
        )
    };
    let rest = filter
        .strip_prefix("default")
        .ok_or_else(refuse)?
        .trim_start();
    let rest = rest.strip_prefix(':').ok_or_else(refuse)?.trim();
    let quoted = rest.strip_prefix('"').ok_or_else(refuse)?;
    let mut text = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next) => text.push(next),
                None => return Err(refuse()),
            },
            '"' if chars.as_str().trim().is_empty() => return Ok(text),
            '"' => return Err(refuse()),
            c => text.push(c),
        }
    }
    Err(refuse())
}

/// Whether `name` is a dotted identifier: `contact.first_name`.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Writes a placeholder back in Cannery's own spelling.
pub fn spell(name: &str, default: Option<&str>) -> String {
    match default {
        None => format!("{{{{ {name} }}}}"),
        Some(text) => format!(
            "{{{{ {name} | default: \"{}\" }}}}",
            text.replace('\\', "\\\\").replace('"', "\\\"")
        ),
    }
}

/// Rebuilds `body` with each placeholder replaced by what `with` gives for it.
pub fn replace(
    body: &str,
    placeholders: &[Placeholder],
    mut with: impl FnMut(&Placeholder) -> String,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut last = 0;
    for p in placeholders {
        out.push_str(&body[last..p.span.start]);
        out.push_str(&with(p));
        last = p.span.end;
    }
    out.push_str(&body[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(body: &str) -> Vec<(String, Option<String>)> {
        scan(body)
            .placeholders
            .into_iter()
            .map(|p| (p.name, p.default))
            .collect()
    }

    #[test]
    fn finds_names_and_defaults() {
        assert_eq!(
            names("Hi {{contact.first_name}} and {{ agent.name | default: \"us\" }}!"),
            [
                ("contact.first_name".into(), None),
                ("agent.name".into(), Some("us".into()))
            ]
        );
        assert_eq!(
            names(r#"{{ a |default:"say \"hi\" }}" }}"#),
            [("a".into(), Some("say \"hi\" }}".into()))]
        );
    }

    #[test]
    fn spans_cover_the_braces() {
        let body = "x {{ a }} y";
        assert_eq!(scan(body).placeholders[0].span, 2..9);
    }

    #[test]
    fn escaped_braces_and_includes_are_not_placeholders() {
        let s = scan(r"write \{{ name }} and {{> signature }}");
        assert!(s.placeholders.is_empty() && s.mistakes.is_empty());
    }

    #[test]
    fn mistakes_are_located_and_the_scan_goes_on() {
        let s = scan("a {{ b\n{{ }} {{ 9x }} {{ c | upper }} {{ d }}");
        let codes: Vec<_> = s
            .mistakes
            .iter()
            .map(|m| (m.code, m.span.clone()))
            .collect();
        assert_eq!(
            codes,
            [
                ("unclosed-placeholder", 2..4),
                ("empty-placeholder", 7..12),
                ("invalid-placeholder", 13..21),
                ("invalid-placeholder", 22..37)
            ]
        );
        assert_eq!(s.placeholders.len(), 1);
    }

    #[test]
    fn spelling_round_trips() {
        for (name, default) in [("a.b", None), ("x", Some("say \"hi\" \\ ok"))] {
            let written = spell(name, default);
            assert_eq!(
                names(&written),
                [(name.to_string(), default.map(String::from))]
            );
        }
    }

    /// Regression: 3,000 unclosed `{{` on one line took 3 s to load.
    #[test]
    fn thousands_of_unclosed_placeholders_on_one_line_scan_fast() {
        let body = "{{ a ".repeat(3_000);
        let started = std::time::Instant::now();
        let s = scan(&body);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert_eq!(s.mistakes.len(), 3_000);
        assert_eq!(s.mistakes[2_999].span, 14_995..14_997);
    }

    #[test]
    fn replace_rebuilds_the_body() {
        let body = "Hi {{ a | default: \"you\" }}, {{ b }}.";
        let s = scan(body);
        let out = replace(body, &s.placeholders, |p| {
            p.default.clone().unwrap_or("?".into())
        });
        assert_eq!(out, "Hi you, ?.");
    }
}
