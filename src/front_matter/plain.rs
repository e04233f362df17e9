//! The front matter nearly every file has — `key: plain text` lines and
//! `tags: [a, b]` — read without the YAML parser, which costs about 25 µs a
//! file: a third of `check` on a large library.
//!
//! Only text whose meaning is beyond doubt is read here; anything else
//! (quotes, comments, indented or multi-line values, numbers, `yes`, `~`,
//! anchors, a repeated key…) makes [`read`] answer `None` and the file goes
//! to the YAML parser. So the two paths cannot disagree on a document this
//! one accepts, and the tests below hold them to that, on written and on
//! generated documents.

use super::{FrontMatter, FIELDS};
use crate::yaml::Field;

/// More keys than this go to the parser, whose node budget refuses them.
const MAX_KEYS: usize = 64;

/// Reads `yaml`, the text between the `---` lines, when it is plain; spans
/// are byte ranges of `yaml`.
pub(super) fn read(yaml: &str) -> Option<FrontMatter> {
    let mut lines = Vec::new();
    let mut at = 0;
    for raw in yaml.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.bytes().all(|b| b == b' ') {
            lines.push((at, line));
        }
        at += raw.len();
    }
    let mut front = FrontMatter::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut next = 0;
    while let Some(&(start, line)) = lines.get(next) {
        next += 1;
        let key_len = line
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))?;
        let first = line.as_bytes()[0];
        if key_len == 0 || !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let key = &line[..key_len];
        if is_word(key) || seen.contains(&key) || seen.len() == MAX_KEYS {
            return None;
        }
        seen.push(key);
        let key_span = start..start + key_len;
        let after = line[key_len..].strip_prefix(':')?;
        if after.bytes().all(|b| b == b' ') {
            // `tags:` and a `- item` line per tag.
            let (items, used) = block_list(&lines[next..])?;
            next += used;
            match key {
                "tags" => front.tags = Some(items),
                _ if FIELDS.contains(&key) => return None,
                _ => front.unknown.push(Field {
                    value: key.to_string(),
                    span: key_span,
                }),
            }
            continue;
        }
        let gap = after.bytes().take_while(|&b| b == b' ').count();
        if gap == 0 {
            return None;
        }
        let value = after[gap..].trim_end_matches(' ');
        let value_start = start + key_len + 1 + gap;
        let span = value_start..value_start + value.len();
        let slot = match key {
            "title" => &mut front.title,
            "shortcut" => &mut front.shortcut,
            "category" => &mut front.category,
            "visibility" => &mut front.visibility,
            "owner" => &mut front.owner,
            "department" => &mut front.department,
            "locale" => &mut front.locale,
            "subject" => &mut front.subject,
            "description" => &mut front.description,
            "id" => &mut front.id,
            "active" => {
                let value = match value {
                    "true" => true,
                    "false" => false,
                    _ => return None,
                };
                front.active = Some(Field { value, span });
                continue;
            }
            "tags" => {
                front.tags = Some(flow_list(value, value_start)?);
                continue;
            }
            _ => {
                debug_assert!(!FIELDS.contains(&key));
                // Its value is never read, but the parser must find it
                // well formed for both paths to agree.
                if text(value).is_none() {
                    flow_list(value, value_start)?;
                }
                front.unknown.push(Field {
                    value: key.to_string(),
                    span: key_span,
                });
                continue;
            }
        };
        *slot = Some(Field {
            value: text(value)?.to_string(),
            span,
        });
    }
    Some(front)
}

/// A value that is text: plain, or in quotes with nothing to unescape.
fn text(value: &str) -> Option<&str> {
    let quoted = |q: char| {
        let inner = value.strip_prefix(q)?.strip_suffix(q)?;
        let clean = !inner.contains([q, '\\']) && !inner.chars().any(is_special);
        clean.then_some(inner)
    };
    if is_plain(value, false) {
        Some(value)
    } else {
        quoted('"').or_else(|| quoted('\''))
    }
}

/// The `- item` lines after `key:`, all at one indentation; `None` when
/// there are none or they are not plain.
fn block_list(lines: &[(usize, &str)]) -> Option<(Field<Vec<Field<String>>>, usize)> {
    let indent = |line: &str| line.bytes().take_while(|&b| b == b' ').count();
    let &(first_start, first) = lines.first()?;
    let depth = indent(first);
    if depth == 0 {
        // The parser places such a list elsewhere; leave it to the parser.
        return None;
    }
    let mut items = Vec::new();
    for &(start, line) in lines {
        if indent(line) != depth || !line[depth..].starts_with('-') {
            if indent(line) > 0 {
                return None;
            }
            break;
        }
        let rest = &line[depth + 1..];
        let gap = rest.bytes().take_while(|&b| b == b' ').count();
        let word = rest[gap..].trim_end_matches(' ');
        if gap == 0 || !is_plain(word, false) {
            return None;
        }
        let at = start + depth + 1 + gap;
        items.push(Field {
            value: word.to_string(),
            span: at..at + word.len(),
        });
    }
    let used = items.len();
    // The parser's span of a block list is empty, at its first dash.
    let at = first_start + depth;
    (used > 0).then_some((
        Field {
            value: items,
            span: at..at,
        },
        used,
    ))
}

/// `[a, b c, d]`: plain words between commas, none empty.
fn flow_list(value: &str, value_start: usize) -> Option<Field<Vec<Field<String>>>> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    if !inner.bytes().all(|b| b == b' ') {
        let mut at = value_start + 1;
        for item in inner.split(',') {
            let lead = item.bytes().take_while(|&b| b == b' ').count();
            let word = item[lead..].trim_end_matches(' ');
            if !is_plain(word, true) {
                return None;
            }
            items.push(Field {
                value: word.to_string(),
                span: at + lead..at + lead + word.len(),
            });
            at += item.len() + 1;
        }
    }
    // The parser's span of a list is its opening bracket.
    Some(Field {
        value: items,
        span: value_start..value_start + 1,
    })
}

/// Whether `s` is a YAML plain scalar that can only mean the text itself:
/// no indicator first, no `: ` or ` #` inside, nothing a schema would read
/// as a number, boolean or null, and no character YAML treats specially.
/// `in_list` adds the flow indicators, which end a scalar inside `[…]`.
fn is_plain(s: &str, in_list: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if "-?:,[]{}#&*!|>'\"%@`~+.".contains(first) || first.is_ascii_digit() {
        return false;
    }
    if s.ends_with(':') || s.contains(": ") || s.contains(" #") {
        return false;
    }
    if in_list && s.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    !s.chars().any(is_special) && !is_word(s)
}

/// Characters YAML reads as line breaks or refuses.
fn is_special(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{FEFF}' | '\u{2028}' | '\u{2029}' | '\u{FFFE}' | '\u{FFFF}'
        )
}

/// Words a YAML schema may read as a boolean or null.
fn is_word(s: &str) -> bool {
    const WORDS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;
    use proptest::prelude::*;

    /// What the YAML parser reads, to hold the fast path to.
    fn parsed(yaml_text: &str) -> Option<String> {
        yaml::parse_within::<FrontMatter>(yaml_text, super::super::MAX_NODES)
            .ok()
            .map(|f| format!("{f:?}"))
    }

    fn agrees(yaml_text: &str) -> bool {
        match read(yaml_text) {
            Some(fast) => parsed(yaml_text) == Some(format!("{fast:?}")),
            None => true,
        }
    }

    #[test]
    fn reads_the_common_shape_like_the_parser() {
        let text = "title: Quote request (EU customers)\nshortcut: quote-eu\n\
                    category: sales\ntags: [battery, chat,onboarding ,  x y]\n\
                    active: false\nlocale: pt-BR\nowner: ana@example.com\n\
                    subject: We've got it, thanks\ncustom_field: [a]\nother: some text\n\
                    description: \"Legal: don't edit\"\nid: 'a/b'\nlist:\n - x\n - y z\n";
        let fast = read(text).expect("plain front matter");
        assert_eq!(fast.tags.as_ref().unwrap().value.len(), 4);
        assert_eq!(fast.unknown.len(), 3);
        assert_eq!(
            fast.description.as_ref().unwrap().value,
            "Legal: don't edit"
        );
        assert_eq!(parsed(text), Some(format!("{fast:?}")));
        let block = "title: a\ntags:\n  - battery\n  - chat room\nlocale: en\n";
        let fast = read(block).expect("a block list");
        assert_eq!(fast.tags.as_ref().unwrap().value.len(), 2);
        assert_eq!(parsed(block), Some(format!("{fast:?}")));
    }

    #[test]
    fn leaves_everything_else_to_the_parser() {
        for text in [
            "title: \"a \\\" quote\"\n",
            "title: 'it''s'\n",
            "title: \"a\" b\n",
            "tags:\n- a\n  - b\n",
            "tags:\n- a\n",
            "tags:\n  - a\n   - b\n",
            "tags:\n  - [a]\n",
            "tags:\n  -a\n",
            "title:\n  - a\n",
            "title: a # comment\n",
            "# comment\ntitle: a\n",
            "title: a\n  continued\n",
            "title:\n",
            "title: 2FA reset\n",
            "title: yes\n",
            "active: yes\n",
            "title: ~\n",
            "title: a\ntitle: b\n",
            "title: &x a\n",
            "title: *x\n",
            "title: key: value\n",
            "tags: hours\n",
            "tags: [a, , b]\n",
            "tags: [a, [b]]\n",
            "title: [a]\n",
            "title:\ta\n",
            "<<: a\n",
            "title : a\n",
            "- a\n",
            "...\n",
            "%YAML 1.2\n",
        ] {
            assert!(read(text).is_none(), "{text:?} should go to the parser");
        }
    }

    #[test]
    fn agrees_with_the_parser_on_every_library_file() {
        let mut checked = 0;
        for root in ["library", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root) {
                let entry = entry.unwrap();
                if entry.path().extension().is_some_and(|e| e == "md") {
                    let Ok(text) = std::fs::read_to_string(entry.path()) else {
                        continue;
                    };
                    let Some(yaml_text) = text
                        .strip_prefix("---\n")
                        .and_then(|rest| rest.split("\n---\n").next())
                    else {
                        continue;
                    };
                    let yaml_text = format!("{yaml_text}\n");
                    assert!(agrees(&yaml_text), "{}", entry.path().display());
                    checked += usize::from(read(&yaml_text).is_some());
                }
            }
        }
        assert!(checked > 30, "only {checked} files took the fast path");
    }

    fn line() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "title", "tags", "active", "locale", "owner", "custom", "x-y",
        ]);
        // Characters that mean something to YAML, and some that do not.
        let value = prop::collection::vec(
            prop::sample::select(vec![
                "a", "b", " ", ":", "#", "\"", "'", "[", "]", ",", "-", "1", ".", "é", "\t", "yes",
                "true", "{", "&", "*", "!", "|", ">", "%", "@", "`", "~", "?", "\r",
            ]),
            0..8,
        );
        let indent = prop::sample::select(vec!["", "  ", " "]);
        (key, value, indent, any::<bool>()).prop_map(|(k, v, indent, item)| {
            if item {
                format!("{indent}- {}\n", v.concat())
            } else {
                format!(
                    "{k}:{}{}\n",
                    if v.is_empty() { "" } else { " " },
                    v.concat()
                )
            }
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn never_disagrees_with_the_parser(lines in prop::collection::vec(line(), 1..6)) {
            let text = lines.concat();
            prop_assert!(agrees(&text), "{:?}", text);
        }
    }
}
