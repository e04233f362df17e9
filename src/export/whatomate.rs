//! `whatomate`: `POST /api/canned-responses`, plain text, `{{contact_name}}`.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Map, Value};

pub struct Whatomate;

// Whatomate replaces only the exact text, so no spaces inside the braces.
static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.name", "contact_name"),
        ("contact.phone", "phone_number"),
    ],
    unverified: &[],
    loose_spaces: false,
    column: "whatomate",
};

impl Target for Whatomate {
    fn name(&self) -> &'static str {
        "whatomate"
    }

    fn product(&self) -> &'static str {
        "Whatomate"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn unique(&self) -> &'static [(&'static str, &'static str)] {
        &[("name", "name")]
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        if r.visibility != Visibility::Shared {
            cx.unsupported_visibility(
                "Whatomate's canned responses are shared by the whole organization",
            );
        }
        cx.limit("name", "the title", &r.title, 100);
        let content = cx.text();
        cx.require("content", "the reply's text", &content);
        // Column sizes in Whatomate's database.
        if let Some(s) = &r.shortcut {
            cx.limit("shortcut", "the shortcut", s, 50);
        }
        cx.limit("category", "the category", &r.category, 50);
        let mut body = Map::new();
        body.insert("name".into(), json!(r.title));
        if let Some(s) = &r.shortcut {
            body.insert("shortcut".into(), json!(s));
        }
        body.insert("content".into(), json!(content));
        body.insert("category".into(), json!(r.category));
        Value::Object(body).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[&["data", "canned_responses"]],
            "Whatomate's {\"status\": \"success\", \"data\": {\"canned_responses\": [...]}}",
        )
    }

    fn draft(&self, item: &Value, _: &mut ImportCx) -> Result<Draft, String> {
        let mut d = Draft::new(
            required(item, &["name"])?,
            Body::Text(required(item, &["content"])?),
        );
        d.shortcut = text(item, &["shortcut"]).filter(|s| !s.is_empty());
        d.category = text(item, &["category"]).filter(|s| !s.is_empty());
        d.active = item
            .get("is_active")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        Ok(d)
    }
}
