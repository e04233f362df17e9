//! `zammad`: `POST /api/v1/text_modules`, and `zammad-csv`: the CSV file
//! `POST /api/v1/text_modules/import` takes.

use super::dialect::{Dialect, Syntax};
use super::settings::{Ids, Kind, Setting};
use super::{Cx, Element, Output, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Map, Value};

pub struct Zammad;
pub struct ZammadCsv;

// Zammad allows up to two spaces inside `#{ }` (utils.coffee replaceTags).
static DIALECT: Dialect = Dialect {
    syntax: Syntax::Hash,
    known: &[
        ("contact.first_name", "ticket.customer.firstname"),
        ("contact.last_name", "ticket.customer.lastname"),
        ("contact.email", "ticket.customer.email"),
        ("contact.phone", "ticket.customer.phone"),
        ("agent.first_name", "user.firstname"),
        ("agent.email", "user.email"),
        ("ticket.id", "ticket.number"),
        ("ticket.subject", "ticket.title"),
    ],
    unverified: &[],
    loose_spaces: true,
    column: "zammad",
};

static SETTINGS: &[Setting] = &[Setting {
    key: "groups",
    kind: Kind::PerDepartment(Ids::Integers),
    help: "map each library department to the Zammad group ids its text modules are limited to (Admin › Groups, the number in the group's address)",
}];

/// The CSV's columns, as Zammad's example file has them.
const COLUMNS: [&str; 6] = ["id", "name", "keywords", "content", "note", "active"];

/// The fields both Zammad exports share, checked against its column sizes.
fn text_module(cx: &mut Cx) -> Map<String, Value> {
    let r = cx.response;
    if r.visibility == Visibility::Private {
        cx.unsupported_visibility("Zammad's text modules are shared, or limited to groups");
    }
    let mut keywords: Vec<&str> = Vec::new();
    for k in r.shortcut.iter().chain(&r.tags) {
        if !keywords.iter().any(|w| w.eq_ignore_ascii_case(k)) {
            keywords.push(k);
        }
    }
    let keywords = keywords.join(", ");
    cx.limit("name", "the title", &r.title, 250);
    cx.limit("keywords", "the shortcut and tags", &keywords, 500);
    let mut m = Map::new();
    m.insert("name".into(), json!(r.title));
    if !keywords.is_empty() {
        m.insert("keywords".into(), json!(keywords));
    }
    m.insert("content".into(), json!(cx.html()));
    if let Some(note) = &r.description {
        cx.limit("note", "the description", note, 250);
        m.insert("note".into(), json!(note));
    }
    m.insert("active".into(), json!(r.active));
    m
}

fn draft(item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
    let mut d = Draft::new(
        required(item, &["name"])?,
        Body::Html(required(item, &["content"])?),
    );
    d.tags = text(item, &["keywords"])
        .map(|k| {
            k.split(',')
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty())
                .collect()
        })
        .unwrap_or_default();
    d.description = text(item, &["note"]);
    d.active = match item.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.eq_ignore_ascii_case("false"),
        _ => true,
    };
    if let Some(ids) = item
        .get("group_ids")
        .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()))
    {
        cx.department(&mut d, "groups", ids)?;
    }
    Ok(d)
}

impl Target for Zammad {
    fn name(&self) -> &'static str {
        "zammad"
    }

    fn product(&self) -> &'static str {
        "Zammad"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn settings(&self) -> &'static [Setting] {
        SETTINGS
    }

    fn keeps_inactive(&self) -> bool {
        true
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let mut m = text_module(cx);
        if let Some(d) = &cx.response.department {
            m.insert("group_ids".into(), cx.setting_for("groups", d));
        }
        Value::Object(m).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(doc, &[], "Zammad's bare array")
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        draft(item, cx)
    }
}

impl Target for ZammadCsv {
    fn name(&self) -> &'static str {
        "zammad-csv"
    }

    fn product(&self) -> &'static str {
        "Zammad's CSV import"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn keeps_inactive(&self) -> bool {
        true
    }

    fn element(&self, cx: &mut Cx) -> Element {
        if cx.response.visibility == Visibility::Department {
            cx.unsupported_visibility(
                "its `groups` column is not confirmed: export with --to zammad instead",
            );
        }
        let m = text_module(cx);
        // Zammad's import splits any value at `~~~` into a list.
        // See: zammad/zammad app/models/concerns/can_csv_import.rb
        for (field, value) in &m {
            if value.as_str().is_some_and(|v| v.contains("~~~")) {
                cx.error(
                    "target-limit",
                    format!("`{field}` holds `~~~`, which Zammad's CSV import reads as a list separator"),
                    "write it another way (`~ ~ ~`), or export with --to zammad",
                );
            }
        }
        Value::Object(m).into()
    }

    fn write(&self, elements: Vec<Element>) -> Output {
        let mut out = String::new();
        out.push_str(&COLUMNS.join(","));
        out.push('\n');
        for e in elements.iter().filter_map(Element::value) {
            let cells: Vec<String> = COLUMNS
                .iter()
                .map(|c| match e.get(*c) {
                    Some(Value::String(s)) => csv_cell(s),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => String::new(),
                })
                .collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        Output::Bytes(out.into_bytes())
    }

    fn read(&self, bytes: &[u8]) -> Result<Vec<Value>, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
        let rows = parse_csv(text.trim_start_matches('\u{feff}'))?;
        let mut rows = rows.into_iter();
        let header: Vec<String> = rows
            .next()
            .ok_or("an empty file")?
            .into_iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        if !header.iter().any(|h| h == "name") || !header.iter().any(|h| h == "content") {
            return Err("a CSV file whose header has `name` and `content`".into());
        }
        Ok(rows
            .filter(|row| row.iter().any(|c| !c.is_empty()))
            .map(|row| {
                let object: Map<String, Value> = header
                    .iter()
                    .zip(row)
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(h, v)| (h.clone(), Value::String(v)))
                    .collect();
                Value::Object(object)
            })
            .collect())
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(doc, &[], "a CSV file")
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        draft(item, cx)
    }
}

/// One CSV field: quoted when it holds a comma, a quote or a line break.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// RFC 4180 rows: fields split at commas, quoted fields may hold commas,
/// doubled quotes and line breaks.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("a CSV file whose last quoted field is never closed".into());
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_round_trip() {
        let cells = ["plain", "a, b", "say \"hi\"", "<p>two\nlines</p>\n", ""];
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        let text = format!("{}\nnext\n", line.join(","));
        let rows = parse_csv(&text).unwrap();
        assert_eq!(rows[0], cells);
        assert_eq!(rows[1], ["next"]);
        assert!(parse_csv("\"open").is_err());
    }
}
