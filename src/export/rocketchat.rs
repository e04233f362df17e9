//! `rocketchat`: `POST /api/v1/canned-responses` (a premium feature). Its
//! server refuses any key but these, and the shortcut is the name.

use super::dialect::{Dialect, Syntax};
use super::settings::{Ids, Kind, Setting};
use super::{Cx, Element, Target};
use crate::import::{list, required, title_from_key, Body, Draft, ImportCx};
use crate::response::{Response, Visibility};
use serde_json::{json, Map, Value};

pub struct RocketChat;

// Rocket.Chat replaces only the exact text, so no spaces inside the braces.
static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.name", "contact.name"),
        ("contact.email", "contact.email"),
        ("contact.phone", "contact.phone"),
        ("agent.name", "agent.name"),
        ("agent.email", "agent.email"),
    ],
    unverified: &[],
    loose_spaces: false,
    column: "rocketchat",
};

static SETTINGS: &[Setting] = &[Setting {
    key: "departments",
    kind: Kind::PerDepartment(Ids::Text),
    help: "map each library department to its Rocket.Chat department id (Omnichannel › Departments, the id in the department's address)",
}];

impl Target for RocketChat {
    fn name(&self) -> &'static str {
        "rocketchat"
    }

    fn product(&self) -> &'static str {
        "Rocket.Chat"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn settings(&self) -> &'static [Setting] {
        SETTINGS
    }

    fn unique(&self) -> &'static [(&'static str, &'static str)] {
        &[("shortcut", "shortcut")]
    }

    fn sort_key(&self, r: &Response) -> String {
        r.shortcut.clone().unwrap_or_default()
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        let shortcut = cx.shortcut();
        let text = cx.text();
        cx.require("text", "the reply's text", &text);
        let mut body = Map::new();
        body.insert("shortcut".into(), json!(shortcut));
        body.insert("text".into(), json!(text));
        let scope = match r.visibility {
            Visibility::Shared => "global",
            // Rocket.Chat makes a `user` response its creator's: the agent
            // whose token runs the import.
            Visibility::Private => "user",
            Visibility::Department => "department",
        };
        body.insert("scope".into(), json!(scope));
        body.insert("tags".into(), json!(r.tags));
        if let Some(d) = &r.department {
            body.insert("departmentId".into(), cx.setting_for("departments", d));
        }
        Value::Object(body).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[&["cannedResponses"]],
            "Rocket.Chat's {\"cannedResponses\": [...]}",
        )
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let shortcut = required(item, &["shortcut"])?;
        let mut d = Draft::new(
            title_from_key(&shortcut),
            Body::Text(required(item, &["text"])?),
        );
        d.shortcut = Some(shortcut);
        d.tags = item
            .get("tags")
            .and_then(Value::as_array)
            .map(|t| {
                t.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        match item.get("scope").and_then(Value::as_str) {
            Some("user") => cx.private(&mut d)?,
            Some("department") => {
                let id = item.get("departmentId").cloned().unwrap_or_default();
                cx.department(&mut d, "departments", &id)?;
            }
            _ => {}
        }
        Ok(d)
    }
}
