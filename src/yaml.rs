//! The one module that knows the YAML crate.
//!
//! Front matter and `cannery.yaml` are untrusted input typed by people, so the
//! parser runs with budgets: no anchors or aliases (they can expand without
//! bound), limited nesting, strict booleans, duplicate keys refused. Every
//! value keeps the byte range it came from, so problems point at it.

use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

/// A value and the byte range of its text in the YAML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let span = spanned.referenced.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Ok(Field {
            value: spanned.value,
            span: start..start + len,
        })
    }
}

/// A mapping's entries in the order written, each key with its span.
#[derive(Clone, Debug)]
pub struct Entries<V>(pub Vec<(Field<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

/// The keys of a mapping, values skipped: finds unknown and duplicate keys
/// before the typed pass, all of them at once.
pub type Keys = Entries<IgnoredAny>;

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of `key: value` lines")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Entries(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Field<String>>()? {
                    entries.push((key, map.next_value::<V>()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid YAML at all.
    Syntax,
    /// The same key twice in one mapping.
    DuplicateKey,
    /// Anchors, aliases, merge keys or nesting beyond the budget.
    TooComplex,
    /// Valid YAML, but a value of the wrong type for its field.
    WrongType,
    /// A key that is not a field of a nested mapping.
    UnknownField,
}

#[derive(Clone, Debug)]
pub struct Error {
    pub kind: ErrorKind,
    /// The parser's words, without its location suffix.
    pub message: String,
    /// Byte offset in the YAML text.
    pub offset: usize,
}

/// Parses `text` into `T` under Cannery's budgets.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    parse_within(text, MAX_NODES)
}

/// The node budget of [`parse`]: room for a large `cannery.yaml`.
pub const MAX_NODES: usize = 10_000;

/// Parses `text` into `T` under Cannery's budgets, with at most `max_nodes`
/// YAML nodes. Parsing time grows faster than the node count (100,000 keys
/// of front matter took 2 s in a debug build at 10,000 nodes, twice), so
/// small documents get a small budget.
pub fn parse_within<T: DeserializeOwned>(text: &str, max_nodes: usize) -> Result<T, Error> {
    // An empty document is an empty mapping, not an error.
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_saphyr::from_str_with_options(text, options(max_nodes)).map_err(|e| convert(text, &e))
}

fn options(max_nodes: usize) -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::Error,
        budget: serde_saphyr::budget! {
            max_depth: 16,
            max_anchors: 0,
            max_aliases: 0,
            max_nodes: max_nodes,
        },
    }
}

fn convert(text: &str, error: &serde_saphyr::Error) -> Error {
    let rendered = error.render_with_options(serde_saphyr::render_options! {
        snippets: serde_saphyr::SnippetMode::Off,
    });
    let message = match rendered.rfind(" at line ") {
        Some(i) => rendered[..i].to_string(),
        None => rendered,
    };
    let offset = error.location().map_or(0, |loc| {
        loc.span()
            .byte_offset()
            .map(|o| o as usize)
            .unwrap_or_else(|| offset_of(text, loc.line() as usize, loc.column() as usize))
    });
    let kind = if message.starts_with("unknown field") {
        ErrorKind::UnknownField
    } else if message.starts_with("duplicate mapping key") {
        ErrorKind::DuplicateKey
    } else if message.starts_with("budget breached")
        || message.contains("merge keys")
        || message.contains("recursion limit")
        || message.contains("nesting")
    {
        ErrorKind::TooComplex
    } else if message.starts_with("expected ")
        || message.starts_with("invalid boolean")
        || message.starts_with("invalid type")
    {
        ErrorKind::WrongType
    } else {
        ErrorKind::Syntax
    };
    let message = match kind {
        ErrorKind::DuplicateKey => message
            .split(", set DuplicateKeyPolicy")
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => message,
    };
    Error {
        kind,
        message,
        offset: offset.min(text.len()),
    }
}

/// The byte offset of a 1-based line and character column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        title: Option<Field<String>>,
        #[allow(dead_code)]
        active: Option<Field<bool>>,
    }

    #[test]
    fn fields_keep_their_spelling_and_span() {
        let doc: Doc = parse("title: 1.50\n").unwrap();
        let title = doc.title.unwrap();
        assert_eq!(title.value, "1.50");
        assert_eq!(title.span, 7..11);
    }

    #[test]
    fn keys_come_in_order_with_spans() {
        let keys: Keys = parse("b: 1\ntittle: [x]\n").unwrap();
        let names: Vec<_> = keys
            .0
            .iter()
            .map(|(k, _)| (k.value.as_str(), k.span.clone()))
            .collect();
        assert_eq!(names, [("b", 0..1), ("tittle", 5..11)]);
    }

    #[test]
    fn hostile_documents_are_refused_with_a_location() {
        let e = parse::<Keys>("a: &x [1]\nb: *x\n").unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooComplex);
        let deep = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse::<Keys>(&deep).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TooComplex);
        let e = parse::<Keys>("a: 1\na: 2\n").unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::DuplicateKey, 5));
        assert_eq!(e.message, "duplicate mapping key: a");
    }

    #[test]
    fn yes_is_not_a_boolean() {
        let e = parse::<Doc>("active: yes\n").unwrap_err();
        assert_eq!((e.kind, e.offset), (ErrorKind::WrongType, 8));
    }

    #[test]
    fn offsets_from_lines_count_characters() {
        assert_eq!(offset_of("é: 1\nab: x\n", 2, 2), 7);
        assert_eq!(offset_of("a", 9, 9), 1);
    }
}
