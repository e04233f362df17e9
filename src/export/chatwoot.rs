//! `chatwoot`: `POST /api/v1/accounts/{account_id}/canned_responses`. The
//! content is Markdown, which Chatwoot renders; the short code is the name.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, title_from_key, Body, Draft, ImportCx};
use crate::response::{Response, Visibility};
use serde_json::{json, Value};

pub struct Chatwoot;

// Chatwoot trims spaces inside the braces (chatwoot/utils src/canned.ts).
static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[
        ("contact.name", "contact.name"),
        ("contact.first_name", "contact.first_name"),
        ("contact.last_name", "contact.last_name"),
        ("contact.email", "contact.email"),
        ("contact.phone", "contact.phone"),
        ("agent.name", "agent.name"),
        ("agent.first_name", "agent.first_name"),
        ("agent.email", "agent.email"),
        ("ticket.id", "conversation.id"),
    ],
    unverified: &[],
    loose_spaces: true,
    column: "chatwoot",
};

impl Target for Chatwoot {
    fn name(&self) -> &'static str {
        "chatwoot"
    }

    fn product(&self) -> &'static str {
        "Chatwoot"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn unique(&self) -> &'static [(&'static str, &'static str)] {
        &[("short_code", "short code")]
    }

    fn sort_key(&self, r: &Response) -> String {
        r.shortcut.clone().unwrap_or_default()
    }

    fn element(&self, cx: &mut Cx) -> Element {
        if cx.response.visibility != Visibility::Shared {
            cx.unsupported_visibility(
                "every Chatwoot canned response is shared by the whole account",
            );
        }
        let short_code = cx.shortcut();
        // Chatwoot's length check on every string and text column.
        cx.limit("short_code", "the shortcut", &short_code, 255);
        let content = cx.markdown();
        cx.limit("content", "the reply", &content, 20_000);
        json!({"short_code": short_code, "content": content}).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(doc, &[&["payload"]], "Chatwoot's bare array")
    }

    fn draft(&self, item: &Value, _: &mut ImportCx) -> Result<Draft, String> {
        let short_code = required(item, &["short_code"])?;
        let mut d = Draft::new(
            title_from_key(&short_code),
            Body::Markdown(required(item, &["content"])?),
        );
        d.shortcut = Some(short_code);
        Ok(d)
    }
}
