//! `freshdesk`: `POST /api/v2/canned_responses`, into a folder the config
//! names.

use super::dialect::{Dialect, Syntax};
use super::settings::{Ids, Kind, Setting};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Map, Value};

pub struct Freshdesk;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.first_name", "ticket.requester.firstname"),
        ("ticket.id", "ticket.id"),
    ],
    unverified: &[
        ("contact.name", "ticket.requester.name"),
        ("contact.email", "ticket.requester.email"),
        ("agent.name", "ticket.agent.name"),
    ],
    loose_spaces: false,
    column: "freshdesk",
};

static SETTINGS: &[Setting] = &[
    Setting {
        key: "folder_id",
        kind: Kind::Integer,
        help: "the id of the canned-response folder to create shared and department responses in (Admin › Canned responses, the number in the folder's address)",
    },
    Setting {
        key: "groups",
        kind: Kind::PerDepartment(Ids::Integers),
        help: "map each library department to the Freshdesk group ids that may use its responses (Admin › Groups, the number in the group's address)",
    },
];

impl Target for Freshdesk {
    fn name(&self) -> &'static str {
        "freshdesk"
    }

    fn product(&self) -> &'static str {
        "Freshdesk"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn settings(&self) -> &'static [Setting] {
        SETTINGS
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        let mut body = Map::new();
        body.insert("title".into(), json!(r.title));
        body.insert("content_html".into(), json!(cx.html()));
        match (r.visibility, &r.department) {
            // Personal responses go to the agent's own folder: no folder_id.
            (Visibility::Private, _) => {
                body.insert("visibility".into(), json!(1));
            }
            (Visibility::Department, Some(d)) => {
                body.insert("visibility".into(), json!(2));
                body.insert("folder_id".into(), cx.setting("folder_id"));
                body.insert("group_ids".into(), cx.setting_for("groups", d));
            }
            _ => {
                body.insert("visibility".into(), json!(0));
                body.insert("folder_id".into(), cx.setting("folder_id"));
            }
        }
        Value::Object(body).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(doc, &[], "Freshdesk's bare array from a folder's responses")
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let body = match (text(item, &["content_html"]), text(item, &["content"])) {
            (Some(html), _) => Body::Html(html),
            (None, Some(text)) => Body::Text(text),
            _ => return Err("it has no `content_html`".into()),
        };
        let mut d = Draft::new(required(item, &["title"])?, body);
        match item.get("visibility").and_then(Value::as_u64) {
            Some(1) => cx.private(&mut d)?,
            Some(2) => {
                let ids = item.get("group_ids").cloned().unwrap_or_default();
                cx.department(&mut d, "groups", &ids)?;
            }
            _ => {}
        }
        Ok(d)
    }
}
