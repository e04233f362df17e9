//! `zendesk`: `POST /api/v2/macros`. A macro that sets the comment (HTML)
//! and, when the response has one, the subject.

use super::dialect::{Dialect, Syntax};
use super::settings::{Ids, Kind, Setting};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Map, Value};

pub struct Zendesk;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.name", "ticket.requester.name"),
        ("contact.first_name", "ticket.requester.first_name"),
        ("contact.last_name", "ticket.requester.last_name"),
        ("contact.email", "ticket.requester.email"),
        ("contact.phone", "ticket.requester.phone"),
        ("agent.name", "current_user.name"),
        ("agent.first_name", "current_user.first_name"),
        ("agent.email", "current_user.email"),
        ("ticket.id", "ticket.id"),
        ("ticket.subject", "ticket.title"),
    ],
    unverified: &[],
    loose_spaces: true,
    column: "zendesk",
};

static SETTINGS: &[Setting] = &[
    Setting {
        key: "groups",
        kind: Kind::PerDepartment(Ids::Integers),
        help: "map each library department to the Zendesk group ids that may use its macros (Admin Center › People › Groups, the number in the group's address)",
    },
    Setting {
        key: "users",
        kind: Kind::PerOwner(Ids::Integer),
        help: "map each owner's email to their Zendesk user id, for private macros (the number in the agent's profile address)",
    },
];

impl Target for Zendesk {
    fn name(&self) -> &'static str {
        "zendesk"
    }

    fn product(&self) -> &'static str {
        "Zendesk"
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
        let r = cx.response;
        let mut actions = vec![json!({"field": "comment_value_html", "value": cx.html()})];
        if let Some(subject) = &r.subject {
            actions.push(json!({"field": "subject", "value": subject}));
        }
        let mut macro_ = Map::new();
        macro_.insert("title".into(), json!(r.title));
        if let Some(d) = &r.description {
            macro_.insert("description".into(), json!(d));
        }
        macro_.insert("active".into(), json!(r.active));
        macro_.insert("actions".into(), Value::Array(actions));
        // The restriction's shape is from Zendesk's documentation and not
        // confirmed; its ids come only from the config.
        match (r.visibility, &r.department, &r.owner) {
            (Visibility::Department, Some(d), _) => {
                let ids = cx.setting_for("groups", d);
                macro_.insert("restriction".into(), json!({"type": "Group", "ids": ids}));
            }
            (Visibility::Private, _, Some(owner)) => {
                let id = cx.setting_for("users", owner);
                macro_.insert("restriction".into(), json!({"type": "User", "id": id}));
            }
            _ => {}
        }
        json!({ "macro": macro_ }).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        let items = list(doc, &[&["macros"]], "Zendesk's {\"macros\": [...]}")?;
        // Our export wraps each in {"macro": …}; the list answer does not.
        Ok(items
            .into_iter()
            .map(|mut m| m.get_mut("macro").map(Value::take).unwrap_or(m))
            .collect())
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let actions = item
            .get("actions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let action = |field: &str| {
            actions
                .iter()
                .find(|a| a.get("field").and_then(Value::as_str) == Some(field))
                .and_then(|a| a.get("value"))
                .and_then(Value::as_str)
                .map(String::from)
        };
        let body = match (action("comment_value_html"), action("comment_value")) {
            (Some(html), _) => Body::Html(html),
            (None, Some(text)) => Body::Text(text),
            _ => return Err("it sets no comment (`comment_value_html` or `comment_value`)".into()),
        };
        let mut d = Draft::new(required(item, &["title"])?, body);
        d.subject = action("subject");
        d.description = text(item, &["description"]);
        d.active = item.get("active").and_then(Value::as_bool).unwrap_or(true);
        let restriction = item.get("restriction").filter(|r| !r.is_null());
        match restriction
            .and_then(|r| r.get("type"))
            .and_then(Value::as_str)
        {
            Some("Group") => {
                let ids = restriction
                    .and_then(|r| r.get("ids"))
                    .cloned()
                    .unwrap_or_default();
                cx.department(&mut d, "groups", &ids)?;
            }
            Some("User") => {
                let id = restriction
                    .and_then(|r| r.get("id"))
                    .cloned()
                    .unwrap_or_default();
                match cx.named("users", "user", &id) {
                    Ok(owner) => {
                        d.visibility = Visibility::Private;
                        d.owner = Some(owner);
                    }
                    Err(_) => cx.private(&mut d)?,
                }
            }
            _ => {}
        }
        Ok(d)
    }
}
