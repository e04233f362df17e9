//! `json`: Cannery's own response objects (SPEC §5.1), one per response,
//! inactive ones included.

use super::{Cx, Element, Target};
use crate::import::{list, required, text, Body, Draft, ImportCx};
use crate::object::{Provenance, ResponseObject};
use crate::render::Rendered;
use crate::response::{Response, Visibility};
use serde_json::Value;

pub struct Json;

impl Target for Json {
    fn name(&self) -> &'static str {
        "json"
    }

    fn product(&self) -> &'static str {
        "Cannery's JSON"
    }

    fn flattens_variants(&self) -> bool {
        false
    }

    fn keeps_inactive(&self) -> bool {
        true
    }

    fn sort_key(&self, r: &Response) -> String {
        r.id.clone()
    }

    fn element(&self, cx: &mut Cx) -> Element {
        let r = cx.response;
        let provenance = cx
            .history
            .map_or_else(Provenance::default, |h| h.provenance(&r.path));
        let rendered = r.rendered_once();
        let variants: Vec<_> = r.variants.iter().map(Response::rendered_once).collect();
        let variants: Vec<&Rendered> = variants.iter().map(AsRef::as_ref).collect();
        let object = ResponseObject::rendered_as(r, &rendered, &variants, provenance, None);
        Element::written(&object)
    }

    fn items(&self, doc: Value) -> Result<Vec<Value>, String> {
        // Also the API's list envelope, `GET /api/v1/canned-responses`.
        let objects = list(doc, &[&["data"]], "the API's {\"data\": [...]}")?;
        // Each variant is a file of its own, beside its response's: it
        // carries its title, subject, description, body and path, which is
        // all a variant file may set.
        let mut items = Vec::with_capacity(objects.len());
        for mut object in objects {
            let variants = object.as_object_mut().and_then(|o| o.remove("variants"));
            items.push(object);
            if let Some(Value::Object(variants)) = variants {
                items.extend(variants.into_iter().map(|(_, v)| v));
            }
        }
        Ok(items)
    }

    fn draft(&self, item: &Value, _: &mut ImportCx) -> Result<Draft, String> {
        let mut d = Draft::new(
            required(item, &["title"])?,
            Body::Markdown(required(item, &["body"])?),
        );
        d.shortcut = text(item, &["shortcut"]);
        d.category = text(item, &["category"]);
        d.tags = item
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        d.visibility = match text(item, &["visibility"]).as_deref() {
            Some("private") => Visibility::Private,
            Some("department") => Visibility::Department,
            _ => Visibility::Shared,
        };
        d.owner = text(item, &["owner"]);
        d.department = text(item, &["department"]);
        d.active = item.get("active").and_then(Value::as_bool).unwrap_or(true);
        d.locale = text(item, &["locale"]);
        d.subject = text(item, &["subject"]);
        d.description = text(item, &["description"]);
        d.path = text(item, &["path"]);
        d.id = text(item, &["id"]);
        Ok(d)
    }
}
