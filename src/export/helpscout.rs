//! `helpscout`: `POST /v2/mailboxes/{mailbox_id}/saved-replies`, HTML for
//! email and text for chat, with `{%name,fallback=text%}`.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Value};

pub struct HelpScout;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Percent,
    known: &[
        ("contact.first_name", "customer.firstName"),
        ("contact.last_name", "customer.lastName"),
    ],
    unverified: &[
        ("contact.name", "customer.fullName"),
        ("contact.email", "customer.email"),
        ("agent.name", "user.fullName"),
        ("agent.first_name", "user.firstName"),
        ("ticket.id", "conversation.number"),
    ],
    loose_spaces: false,
    column: "helpscout",
};

impl Target for HelpScout {
    fn name(&self) -> &'static str {
        "helpscout"
    }

    fn product(&self) -> &'static str {
        "Help Scout"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        if r.visibility != Visibility::Shared {
            cx.unsupported_visibility(
                "Help Scout's saved replies are seen by everyone with access to the mailbox",
            );
        }
        json!({"name": r.title, "text": cx.html(), "chatText": cx.text()}).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[],
            "an array of Help Scout's `GET …/saved-replies/{id}` answers",
        )
    }

    fn draft(&self, item: &Value, _: &mut ImportCx) -> Result<Draft, String> {
        let body = match (text(item, &["text"]), text(item, &["chatText"])) {
            (Some(html), _) => Body::Html(html),
            (None, Some(chat)) => Body::Text(chat),
            // The list endpoint gives only previews.
            _ if item.get("preview").is_some() => {
                return Err("it is a preview from the list endpoint: import the answers of `GET …/saved-replies/{id}`".into())
            }
            _ => return Err("it has no `text`".into()),
        };
        Ok(Draft::new(required(item, &["name"])?, body))
    }
}
