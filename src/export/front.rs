//! `front`: `POST /message_templates`, a shared template in HTML.

use super::dialect::{Dialect, Syntax};
use super::settings::{Ids, Kind, Setting};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Map, Value};

pub struct Front;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.name", "recipient.name"),
        ("contact.first_name", "recipient.first_name"),
        ("contact.last_name", "recipient.last_name"),
        ("contact.email", "recipient.email"),
        ("contact.phone", "recipient.phone"),
        ("agent.name", "user.name"),
        ("agent.first_name", "user.first_name"),
        ("agent.email", "user.email"),
        ("ticket.id", "conversation.ticket_id"),
    ],
    unverified: &[],
    loose_spaces: false,
    column: "front",
};

static SETTINGS: &[Setting] = &[
    Setting {
        key: "folder_id",
        kind: Kind::Text,
        help: "optional: the id of the message template folder to create templates in, like \"rsf_1\"",
    },
    Setting {
        key: "inboxes",
        kind: Kind::PerDepartment(Ids::Texts),
        help: "map each library department to the Front inbox ids its templates are available in, like [\"inb_55c8c149\"]",
    },
];

impl Target for Front {
    fn name(&self) -> &'static str {
        "front"
    }

    fn product(&self) -> &'static str {
        "Front"
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
        body.insert("name".into(), json!(r.title));
        if let Some(s) = &r.subject {
            body.insert("subject".into(), json!(s));
        }
        body.insert("body".into(), json!(cx.html()));
        let folder = cx
            .config
            .targets
            .get("front")
            .and_then(|t| t.get("folder_id"))
            .cloned();
        if let Some(folder) = folder {
            body.insert("folder_id".into(), folder);
        }
        match (r.visibility, &r.department) {
            (Visibility::Department, Some(d)) => {
                body.insert("inbox_ids".into(), cx.setting_for("inboxes", d));
            }
            (Visibility::Private, _) => cx.unsupported_visibility(
                "`POST /message_templates` makes shared templates; a teammate's own are made through another route",
            ),
            _ => {}
        }
        Value::Object(body).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(doc, &[&["_results"]], "Front's {\"_results\": [...]}")
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let mut d = Draft::new(
            required(item, &["name"])?,
            Body::Html(required(item, &["body"])?),
        );
        d.subject = text(item, &["subject"]).filter(|s| !s.is_empty());
        let inboxes = item
            .get("inbox_ids")
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()));
        let for_all = item
            .get("is_available_for_all_inboxes")
            .and_then(Value::as_bool);
        if let Some(ids) = inboxes.filter(|_| for_all != Some(true)) {
            cx.department(&mut d, "inboxes", ids)?;
        }
        Ok(d)
    }
}
