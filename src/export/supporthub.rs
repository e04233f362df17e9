//! `supporthub`: `POST /api/canned-responses` on `<subdomain>.support-hub.io`.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Value};

pub struct SupportHub;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Braces,
    known: &[("ticket.id", "ticket.id")],
    unverified: &[],
    loose_spaces: false,
    column: "supporthub",
};

impl Target for SupportHub {
    fn name(&self) -> &'static str {
        "supporthub"
    }

    fn product(&self) -> &'static str {
        "Support-hub"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        let global = match r.visibility {
            Visibility::Shared => true,
            // Not global: the creating user's own, the agent whose token
            // runs the import.
            Visibility::Private => false,
            Visibility::Department => {
                cx.unsupported_visibility(
                    "Support-hub's canned responses are either global or one agent's",
                );
                false
            }
        };
        let body = cx.html();
        json!({"name": r.title, "body": body, "global": global}).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[&["data"]],
            "Support-hub's {\"data\": [...], \"links\": {}, \"meta\": {}}",
        )
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let mut d = Draft::new(
            required(item, &["name"])?,
            Body::Html(required(item, &["body"])?),
        );
        if item.get("global").and_then(Value::as_bool) == Some(false) {
            cx.private(&mut d)?;
        }
        Ok(d)
    }
}
