//! `oktopost`: `POST /v2/canned-response`. Oktopost fills no placeholders,
//! so they stay as Cannery writes them.

use super::dialect::{Dialect, Syntax};
use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::response::Visibility;
use serde_json::{json, Value};

pub struct Oktopost;

static DIALECT: Dialect = Dialect {
    syntax: Syntax::Cannery,
    known: &[],
    unverified: &[],
    loose_spaces: false,
    column: "oktopost",
};

impl Target for Oktopost {
    fn name(&self) -> &'static str {
        "oktopost"
    }

    fn product(&self) -> &'static str {
        "Oktopost"
    }

    fn dialect(&self) -> Option<&'static Dialect> {
        Some(&DIALECT)
    }

    fn unique(&self) -> &'static [(&'static str, &'static str)] {
        &[("name", "name")]
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        cx.limit("name", "the title", &r.title, 64);
        let content = cx.text();
        cx.require("content", "the reply's text", &content);
        cx.limit("content", "the reply's text", &content, 10_000);
        let visibility = match r.visibility {
            Visibility::Shared => "shared",
            Visibility::Private => "private",
            Visibility::Department => {
                cx.unsupported_visibility("Oktopost has only shared and private canned responses");
                ""
            }
        };
        json!({"name": r.title, "content": content, "visibility": visibility}).into()
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        list(
            doc,
            &[&["Items"]],
            "Oktopost's {\"Result\": true, \"Items\": [...]}",
        )
    }

    fn draft(&self, item: &Value, cx: &mut ImportCx) -> Result<Draft, String> {
        let title = required(item, &["name", "Name"])?;
        let mut d = Draft::new(title, Body::Text(required(item, &["content", "Content"])?));
        if text(item, &["visibility", "Visibility"])
            .is_some_and(|v| v.eq_ignore_ascii_case("private"))
        {
            cx.private(&mut d)?;
        }
        Ok(d)
    }
}
