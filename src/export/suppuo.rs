//! `suppuo`: `POST /api/v1/canned-replies`. Suppuo fills no placeholders,
//! so they stay as Cannery writes them.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Value};

pub struct Suppuo;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Cannery,
    known: &[],
    unverified: &[],
    loose_spaces: false,
    column: "suppuo",
};

impl Target for Suppuo {
    fn name(&self) -> &'static str {
        "suppuo"
    }

    fn product(&self) -> &'static str {
        "Suppuo"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        if r.visibility != Visibility::Shared {
            cx.unsupported_visibility("Suppuo's canned replies are shared by the whole account");
        }
        cx.limit("title", "the title", &r.title, 120);
        let body = cx.text();
        cx.require("body", "the reply's text", &body);
        cx.limit("body", "the reply's text", &body, 20_000);
        json!({"title": r.title, "body": body}).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[&["data", "cannedReplies"]],
            "Suppuo's {\"data\": {\"cannedReplies\": [...]}}",
        )
    }

    fn draft(&self, item: &Value, _: &mut ImportCx) -> Result<Draft, String> {
        Ok(Draft::new(
            required(item, &["title"])?,
            Body::Text(required(item, &["body"])?),
        ))
    }
}
