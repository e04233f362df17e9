//! Splitting a response file into front matter and body, and reading the
//! front matter permissively: every field optional, every value with its
//! place in the file. Validation into a `Response` happens elsewhere.

use crate::config::unknown_key;
use crate::problem::Finding;
use crate::yaml::{self, Field, Keys};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::fmt;

mod plain;

/// The front matter fields a response may set.
pub const FIELDS: &[&str] = &[
    "title",
    "shortcut",
    "category",
    "tags",
    "visibility",
    "owner",
    "department",
    "active",
    "locale",
    "subject",
    "description",
    "id",
];

/// The YAML node budget of one front matter: twelve fields and their tags
/// need a few dozen; a thousand leaves room and keeps hostile files fast.
pub const MAX_NODES: usize = 1_000;

/// Front matter as written; spans are byte ranges of the whole file.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub title: Option<Field<String>>,
    pub shortcut: Option<Field<String>>,
    pub category: Option<Field<String>>,
    pub tags: Option<Field<Vec<Field<String>>>>,
    pub visibility: Option<Field<String>>,
    pub owner: Option<Field<String>>,
    pub department: Option<Field<String>>,
    pub active: Option<Field<bool>>,
    pub locale: Option<Field<String>>,
    pub subject: Option<Field<String>>,
    pub description: Option<Field<String>>,
    pub id: Option<Field<String>>,
    /// Keys that are not fields, each with its place.
    pub unknown: Vec<Field<String>>,
}

// Written by hand so that one pass reads the known fields and collects the
// unknown keys (serde's derive can only ignore or refuse them).
impl<'de> Deserialize<'de> for FrontMatter {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FrontMatterVisitor;
        impl<'de> Visitor<'de> for FrontMatterVisitor {
            type Value = FrontMatter;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`key: value` lines")
            }
            fn visit_unit<E>(self) -> Result<FrontMatter, E> {
                Ok(FrontMatter::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FrontMatter, A::Error> {
                let mut f = FrontMatter::default();
                while let Some(key) = map.next_key::<Field<String>>()? {
                    match key.value.as_str() {
                        "title" => f.title = map.next_value()?,
                        "shortcut" => f.shortcut = map.next_value()?,
                        "category" => f.category = map.next_value()?,
                        "tags" => f.tags = map.next_value()?,
                        "visibility" => f.visibility = map.next_value()?,
                        "owner" => f.owner = map.next_value()?,
                        "department" => f.department = map.next_value()?,
                        "active" => f.active = map.next_value()?,
                        "locale" => f.locale = map.next_value()?,
                        "subject" => f.subject = map.next_value()?,
                        "description" => f.description = map.next_value()?,
                        "id" => f.id = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            f.unknown.push(key);
                        }
                    }
                }
                Ok(f)
            }
        }
        deserializer.deserialize_map(FrontMatterVisitor)
    }
}

/// A file split in two.
#[derive(Debug)]
pub struct Document<'a> {
    pub front: FrontMatter,
    /// False when the front matter's values could not all be read (a
    /// wrong type): fields are then left unchecked, the body is not.
    pub complete: bool,
    /// Byte range of the opening `---` line, where file-wide problems point.
    pub opening: std::ops::Range<usize>,
    pub body: &'a str,
    /// Where the body starts in the file.
    pub body_offset: usize,
    /// The line the body starts on, counted from 1.
    pub body_line: usize,
}

/// The line `offset` is on, counted from 1.
fn line_of(text: &str, offset: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count()
}

/// Splits and reads `text`, a whole response file. Returns the document
/// when its front matter could be read at all, and every finding.
pub fn parse(text: &str) -> (Option<Document<'_>>, Vec<Finding>) {
    let mut findings = Vec::new();
    let start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let mut lines = text[start..].split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        findings.push(
            Finding::error("missing-front-matter", "the file does not start with front matter", start..start + first.trim_end().len())
                .with_hint("start the file with a `---` line, `title: …`, and another `---` line before the body"),
        );
        return (None, findings);
    }
    let opening = start..start + 3;
    let yaml_start = start + first.len();
    let mut at = yaml_start;
    let mut closing = None;
    for line in lines {
        if line.trim_end() == "---" {
            closing = Some(at..at + line.len());
            break;
        }
        at += line.len();
    }
    let Some(closing) = closing else {
        findings.push(
            Finding::error(
                "unclosed-front-matter",
                "the front matter is never closed",
                opening.clone(),
            )
            .with_hint("end the front matter with a `---` line before the body"),
        );
        return (None, findings);
    };
    let yaml_text = &text[yaml_start..closing.start];
    let shift = |mut f: Finding| {
        f.span = f.span.start + yaml_start..f.span.end + yaml_start;
        f
    };
    let body_offset = closing.end;
    let parsed = match plain::read(yaml_text) {
        Some(front) => Ok(front),
        None => yaml::parse_within(yaml_text, MAX_NODES),
    };
    let mut front: FrontMatter = match parsed {
        Ok(front) => front,
        Err(e) if e.kind == yaml::ErrorKind::TooComplex => {
            // Reading the keys alone would meet the same budget: twice the
            // time for the same answer.
            findings.push(shift(yaml_finding(&e, yaml_text, "front matter")));
            return (None, findings);
        }
        Err(e) => {
            // Read the keys alone: to report every unknown key, and to name
            // the field whose value has the wrong type.
            let keys: Keys = match yaml::parse_within(yaml_text, MAX_NODES) {
                Ok(keys) => keys,
                Err(e) => {
                    findings.push(shift(yaml_finding(&e, yaml_text, "front matter")));
                    return (None, findings);
                }
            };
            for (key, _) in &keys.0 {
                if !FIELDS.contains(&key.value.as_str()) {
                    findings.push(shift(unknown_key(&key.value, key.span.clone(), FIELDS)));
                }
            }
            let mut finding = yaml_finding(&e, yaml_text, "front matter");
            if e.kind == yaml::ErrorKind::WrongType {
                // The field is the last key before the error.
                if let Some((key, _)) = keys.0.iter().rev().find(|(k, _)| k.span.start <= e.offset)
                {
                    let line_end = yaml_text[e.offset..]
                        .find('\n')
                        .map_or(yaml_text.len(), |n| e.offset + n);
                    let end = e.offset + yaml_text[e.offset..line_end].trim_end().len();
                    finding = wrong_type(&key.value, e.offset..end);
                }
            }
            findings.push(shift(finding));
            // The body can still be checked.
            let doc = Document {
                front: FrontMatter::default(),
                complete: false,
                opening,
                body: &text[body_offset..],
                body_offset,
                body_line: line_of(text, body_offset),
            };
            return (Some(doc), findings);
        }
    };
    for key in std::mem::take(&mut front.unknown) {
        findings.push(shift(unknown_key(&key.value, key.span, FIELDS)));
    }
    shift_spans(&mut front, yaml_start);
    (
        Some(Document {
            front,
            complete: true,
            opening,
            body: &text[body_offset..],
            body_offset,
            body_line: line_of(text, body_offset),
        }),
        findings,
    )
}

fn wrong_type(field: &str, span: std::ops::Range<usize>) -> Finding {
    let (message, hint) = match field {
        "tags" => ("`tags` must be a list of words", "write `tags: [hours, schedule]`"),
        "active" => ("`active` must be `true` or `false`", "write `active: true` or `active: false`, without quotes"),
        _ => ("this value must be text", "write plain text after the colon; put quotes around text that starts with `[`, `{`, `*` or `&`"),
    };
    let message = if message.starts_with("this value") {
        format!("`{field}` must be text")
    } else {
        message.to_string()
    };
    Finding::error("wrong-type", message, span).with_hint(hint)
}

/// A YAML error as a finding, in words for someone editing the file.
pub(crate) fn yaml_finding(e: &yaml::Error, text: &str, what: &str) -> Finding {
    let at = e.offset..e.offset;
    match e.kind {
        yaml::ErrorKind::DuplicateKey => {
            let key = e.message.trim_start_matches("duplicate mapping key: ");
            let end = (e.offset + key.len()).min(text.len());
            Finding::error("duplicate-key", format!("`{key}` is set twice"), e.offset..end)
                .with_hint("keep one of the two lines")
        }
        yaml::ErrorKind::TooComplex => {
            let what_is_used = if e.message.contains("nchor") || e.message.contains("lias") {
                "YAML anchors or aliases (`&name`, `*name`)"
            } else if e.message.contains("erge") {
                "a YAML merge key (`<<`)"
            } else if e.message.contains("Nodes") {
                "too many values"
            } else {
                "values nested too deep"
            };
            Finding::error("yaml-too-complex", format!("the {what} uses {what_is_used}, which Cannery does not read"), at)
                .with_hint("write plain values: `key: value` lines, and lists like `[a, b]`")
        }
        yaml::ErrorKind::UnknownField => {
            // "unknown field `x`, expected one of `a`, `b`"
            let mut names = e.message.split('`').skip(1).step_by(2);
            let key = names.next().unwrap_or_default();
            let fields: Vec<&str> = names.collect();
            let end = (e.offset + key.len()).min(text.len());
            unknown_key(key, e.offset..end, &fields)
        }
        yaml::ErrorKind::WrongType => Finding::error("wrong-type", format!("a value has the wrong type: {}", e.message), at),
        yaml::ErrorKind::Syntax => Finding::error("invalid-yaml", format!("the {what} is not valid YAML: {}", e.message), at)
            .with_hint("each line is `key: value`; put quotes around values that contain `: ` or start with a special character"),
    }
}

fn shift_spans(front: &mut FrontMatter, by: usize) {
    fn s<T>(f: &mut Option<Field<T>>, by: usize) {
        if let Some(f) = f {
            f.span = f.span.start + by..f.span.end + by;
        }
    }
    s(&mut front.title, by);
    s(&mut front.shortcut, by);
    s(&mut front.category, by);
    s(&mut front.visibility, by);
    s(&mut front.owner, by);
    s(&mut front.department, by);
    s(&mut front.active, by);
    s(&mut front.locale, by);
    s(&mut front.subject, by);
    s(&mut front.description, by);
    s(&mut front.id, by);
    if let Some(tags) = &mut front.tags {
        tags.span = tags.span.start + by..tags.span.end + by;
        for tag in &mut tags.value {
            tag.span = tag.span.start + by..tag.span.end + by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_with_bom_and_crlf() {
        let text = "\u{FEFF}---\r\ntitle: Hours\r\n---\r\nHi\r\n";
        let (doc, findings) = parse(text);
        let doc = doc.unwrap();
        assert!(findings.is_empty());
        let title = doc.front.title.unwrap();
        assert_eq!(title.value, "Hours");
        assert_eq!(&text[title.span], "Hours");
        assert_eq!(doc.body, "Hi\r\n");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(parse("Hi").1[0].code, "missing-front-matter");
        assert_eq!(parse("").1[0].code, "missing-front-matter");
        assert_eq!(
            parse("---\ntitle: x\nbody").1[0].code,
            "unclosed-front-matter"
        );
    }

    #[test]
    fn every_unknown_key_is_reported() {
        let text = "---\ntittle: a\ntitle: b\ncatgory: c\n---\nx";
        let (doc, findings) = parse(text);
        assert!(doc.is_some());
        let found: Vec<_> = findings
            .iter()
            .map(|f| (f.code, &text[f.span.clone()]))
            .collect();
        assert_eq!(
            found,
            [("unknown-field", "tittle"), ("unknown-field", "catgory")]
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let text = "---\ntitle: a\ntags: hours\n---\nx";
        let (_, findings) = parse(text);
        assert_eq!(findings[0].code, "wrong-type");
        assert_eq!(findings[0].message, "`tags` must be a list of words");
        assert_eq!(findings[0].span.start, text.find("hours").unwrap());
    }

    /// Regression: 100,000 keys took 2 s in a debug build (the budget was
    /// 10,000 nodes and was met twice: the fields, then the keys alone).
    #[test]
    fn a_hundred_thousand_keys_are_too_complex_and_fast() {
        let keys: String = (0..100_000).map(|n| format!("k{n}: 1\n")).collect();
        let text = format!("---\ntitle: a\n{keys}---\nx");
        let started = std::time::Instant::now();
        let (doc, findings) = parse(&text);
        // A hang guard: under a loaded test run the load takes 0.2–0.6 s.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert!(doc.is_none());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, "yaml-too-complex");
        assert_eq!(
            findings[0].message,
            "the front matter uses too many values, which Cannery does not read"
        );
    }

    #[test]
    fn duplicate_keys_point_at_the_second() {
        let text = "---\ntitle: a\ntitle: b\n---\nx";
        let (_, findings) = parse(text);
        assert_eq!(findings[0].code, "duplicate-key");
        assert_eq!(findings[0].span, 13..18);
    }
}
