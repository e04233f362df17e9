//! Writing Markdown that renders back to exactly the text it came from:
//! escaping, plain text → Markdown, and a product's Markdown → Cannery's.

use crate::export::dialect::{Reader, Segment};
use crate::placeholder;

/// Appends `text` to `out` so that Markdown shows it as it is. `line_start`
/// says whether `text` begins a line, where `#`, `-`, `1.` and the like
/// would start a block.
pub fn escape(text: &str, out: &mut String, mut line_start: bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if line_start && (c == ' ' || c == '\t') {
            // Leading blanks would indent (or make code): Markdown drops
            // them from a paragraph's lines anyway.
            i += 1;
            continue;
        }
        match c {
            '\r' => {}
            '\n' => {
                // Two trailing spaces would make a hard break.
                let kept = out.trim_end_matches([' ', '\t']).len();
                out.truncate(kept);
                out.push('\n');
                line_start = true;
                i += 1;
                continue;
            }
            '\\' | '`' | '*' | '[' | ']' | '<' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '{' if chars.get(i + 1) == Some(&'{') => {
                // `\{{` is Cannery's literal `{{`; both braces are taken so
                // that `{{{{` does not open a placeholder at its second pair.
                out.push_str("\\{{");
                i += 2;
                line_start = false;
                continue;
            }
            '_' => {
                let word = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                // Inside a word `_` opens or closes nothing.
                if !(word(i.checked_sub(1)) && word(Some(i + 1))) {
                    out.push('\\');
                }
                out.push(c);
            }
            '&' if looks_like_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '#' | '-' | '+' | '=' | '>' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if line_start => {
                let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                out.extend(&chars[i..i + digits]);
                i += digits;
                if matches!(chars.get(i), Some('.' | ')')) {
                    out.push('\\');
                }
                line_start = false;
                continue;
            }
            _ => out.push(c),
        }
        line_start = false;
        i += 1;
    }
}

/// `&amp;`, `&#38;`, `&#x26;`: text Markdown would read as an entity.
fn looks_like_entity(rest: &[char]) -> bool {
    let body: Vec<&char> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !body.is_empty() && rest.get(body.len()) == Some(&';')
}

/// Appends `text` escaped, with its placeholders in Cannery's spelling.
pub fn push_text(
    text: &str,
    reader: &Reader,
    unknown: &mut Vec<String>,
    out: &mut String,
    line_start: bool,
) {
    let mut start = line_start;
    for segment in reader.segments(text, unknown) {
        match segment {
            Segment::Text(t) => escape(t, out, start),
            Segment::Placeholder { name, default } => {
                out.push_str(&placeholder::spell(&name, default.as_deref()))
            }
        }
        start = out.is_empty() || out.ends_with('\n');
    }
}

/// Plain text as Markdown that renders to the same text: paragraphs, list
/// items (`- `, `1. `) and quotes (`> `) keep their shape, the rest is
/// escaped.
pub fn from_text(text: &str, reader: &Reader, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut in_list = false;
    // The marker of the list being written, or of the one that ended just
    // before a blank line: in text, a list after a blank line is a new list,
    // and Markdown keeps it apart only when its marker differs.
    let mut marker: Option<char> = None;
    // The width of each open list level's marker. Text indents a level by
    // two spaces; Markdown needs the parent marker's width (`1. ` is 3).
    let mut widths: Vec<usize> = Vec::new();
    for line in text.trim().lines() {
        if line.trim().is_empty() {
            out.push('\n');
            in_list = false;
            widths.clear();
            continue;
        }
        let (prefix, rest) = split_marker(line, in_list);
        let indent = prefix.len() - prefix.trim_start().len();
        let level = if in_list { indent / 2 } else { 0 };
        let own = &prefix[indent..];
        let digits = own.chars().take_while(char::is_ascii_digit).count();
        let is_marker = own.starts_with('-') || digits > 0;
        if !is_marker && !in_list {
            marker = None;
            out.push_str(prefix);
        } else {
            widths.truncate(level);
            out.push_str(&" ".repeat(widths.iter().sum()));
            if is_marker && level == 0 {
                let ordered = digits > 0;
                let current = match marker {
                    Some(m) if in_list => m,
                    Some('-') if !ordered => '*',
                    Some('.') if ordered => ')',
                    _ if ordered => '.',
                    _ => '-',
                };
                marker = Some(current);
                out.push_str(&own[..digits]);
                out.push(current);
                out.push_str(&own[digits + 1..]);
            } else {
                out.push_str(own);
            }
            if is_marker {
                widths.push(own.len());
            }
            in_list = true;
        }
        // After a marker the text still starts a block: `- # x` is a heading.
        push_text(rest, reader, unknown, &mut out, true);
        out.push('\n');
    }
    out.trim_end().to_string()
}

/// The block markers at the start of a line (`  - `, `1. `, `> `), kept
/// as they are, and the text after them. Inside a list, indentation is
/// kept too: it nests. Only the markers Cannery's plain text writes count:
/// a line starting `+ ` or `1) ` is text.
fn split_marker(line: &str, in_list: bool) -> (&str, &str) {
    let mut at = 0;
    loop {
        let rest = &line[at..];
        let blank = rest.len() - rest.trim_start_matches(' ').len();
        let after = &rest[blank..];
        let marker = if let Some(r) = after.strip_prefix("> ") {
            Some(after.len() - r.len())
        } else if after.starts_with("- ") {
            Some(2)
        } else {
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            (digits > 0 && digits <= 9 && after[digits..].starts_with(". ")).then_some(digits + 2)
        };
        match marker {
            Some(n) if blank == 0 || in_list || at > 0 => at += blank + n,
            _ if at == 0 && in_list => return (&line[..blank], after),
            _ => return (&line[..at], &line[at..]),
        }
    }
}

/// A product's Markdown body with its placeholders in Cannery's spelling;
/// any other `{{` becomes a literal `\{{`.
pub fn from_markdown(markdown: &str, reader: &Reader, unknown: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(markdown.len());
    for segment in reader.segments(markdown.trim(), unknown) {
        match segment {
            Segment::Text(t) => {
                let mut rest = t;
                while let Some(at) = rest.find("{{") {
                    out.push_str(&rest[..at]);
                    if !out.ends_with('\\') {
                        out.push('\\');
                    }
                    out.push_str("{{");
                    rest = &rest[at + 2..];
                }
                out.push_str(rest);
            }
            Segment::Placeholder { name, default } => {
                out.push_str(&placeholder::spell(&name, default.as_deref()))
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        escape(text, &mut out, true);
        out
    }

    #[test]
    fn markdown_syntax_is_escaped_only_where_it_would_act() {
        assert_eq!(
            escaped("# 1. - a*b* [x] snake_case _y_"),
            "\\# 1. - a\\*b\\* \\[x\\] snake_case \\_y\\_"
        );
        assert_eq!(
            escaped("1. one\n- two\n  > three"),
            "1\\. one\n\\- two\n\\> three"
        );
        assert_eq!(
            escaped("Q&A &amp; {{x}} {{{{"),
            "Q&A \\&amp; \\{{x}} \\{{\\{{"
        );
        assert_eq!(escaped("trailing  \nnext"), "trailing\nnext");
    }

    #[test]
    fn list_and_quote_markers_are_kept() {
        assert_eq!(split_marker("- a", false), ("- ", "a"));
        assert_eq!(split_marker("  - b", true), ("  - ", "b"));
        assert_eq!(split_marker("> 1. x", false), ("> 1. ", "x"));
        assert_eq!(split_marker("  text", true), ("  ", "text"));
        assert_eq!(split_marker("  text", false), ("", "  text"));
        assert_eq!(split_marker("2024 was good", false), ("", "2024 was good"));
    }
}
